"""Specification of vhh.linkage.link.probabilistic: ECM (Fellegi-Sunter) as the alternative
method."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from vhh.linkage.link.decide import resolve_per_identity
from vhh.linkage.link.probabilistic import (
    FEATURES,
    MATCH_PROBABILITY,
    PROBABILITY_BOUND,
    EcmModel,
    decide_probabilistic,
    ecm_features,
    fit_ecm,
)

ROOT = Path(__file__).resolve().parent.parent
# comparison values of a true match, and of a namesake born elsewhere in time
MATCH = {"achternaam_gelijk": True, "achternaam_component": True, "achternaam_sim": 1.0,
         "voorletters_gelijk": True, "voorletter": "equal", "geboortedatum": "exact",
         "geslacht_conflict": False}
OTHER = {"achternaam_gelijk": False, "achternaam_component": False, "achternaam_sim": 0.6,
         "voorletters_gelijk": False, "voorletter": "different", "geboortedatum": "different",
         "geslacht_conflict": False}


def _pairs(*rows: dict, start: int = 0) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows))
    return frame.assign(s=np.arange(start, start + len(frame)),
                        i=np.arange(start, start + len(frame)), passes="geboortedatum")


def _population(seed: int = 7, n: int = 3000, share: float = 0.3) -> pd.DataFrame:
    """Feature vectors of a mixture: matches agree often, non-matches rarely."""
    rng = np.random.default_rng(seed)
    match = rng.random(n) < share
    m = np.array([0.95, 0.9, 0.8, 0.85, 0.97])
    u = np.array([0.3, 0.2, 0.05, 0.1, 0.25])
    agree = rng.random((n, len(FEATURES))) < np.where(match[:, None], m, u)
    return pd.DataFrame(agree.astype(np.int8), columns=list(FEATURES))


def test_features_are_derived_from_the_comparison_columns():
    slip = dict(MATCH, geboortedatum="swap", voorletter="compatible", voorletters_gelijk=False,
                achternaam_component=False, achternaam_sim=0.95)
    features = ecm_features(_pairs(MATCH, OTHER, slip), surname_threshold=0.92)
    assert features.index.names == ["s", "i"]
    assert features.to_numpy().tolist() == [[1, 1, 1, 1, 1], [0, 0, 0, 0, 0], [1, 1, 0, 0, 1]]


def test_probability_is_the_fellegi_sunter_posterior():
    model = EcmModel(m=dict(zip(FEATURES, [0.9, 0.8, 0.7, 0.6, 0.95], strict=True)),
                     u=dict(zip(FEATURES, [0.2, 0.3, 0.1, 0.05, 0.2], strict=True)), p=0.25)
    x = pd.DataFrame([[1, 0, 1, 1, 0]], columns=list(FEATURES))
    match = 0.25 * 0.9 * 0.2 * 0.7 * 0.6 * 0.05
    other = 0.75 * 0.2 * 0.7 * 0.1 * 0.05 * 0.8
    got = model.probability(x, np.array([False]))[0]
    assert got == pytest.approx(match / (match + other))


def test_an_unknown_initial_weighs_nothing():
    model = EcmModel(m=dict.fromkeys(FEATURES, 0.9), u=dict.fromkeys(FEATURES, 0.1), p=0.5)
    agree = pd.DataFrame([[1, 1, 1, 1, 1]], columns=list(FEATURES))
    disagree = agree.assign(eerste_voorletter=0, alle_voorletters=0)
    unknown = model.probability(disagree, np.array([True]))[0]
    assert unknown == model.probability(agree, np.array([True]))[0]
    assert unknown == pytest.approx(1 / (1 + 2 ** -(3 * math.log2(9))))
    assert model.probability(disagree, np.array([False]))[0] < unknown


def test_ecm_recovers_agreement_probabilities_without_labels():
    model = fit_ecm(_population())
    assert model.p == pytest.approx(0.3, abs=0.05)
    for name in FEATURES:
        assert model.m[name] > model.u[name] + 0.4, name
    report = model.report()
    assert set(report["kenmerken"]) == set(FEATURES)
    entry = report["kenmerken"]["achternaam"]
    assert entry["log2_gewicht_gelijk"] == pytest.approx(math.log2(entry["m"] / entry["u"]),
                                                         abs=1e-3)
    assert report["getraind_op_paren"] == 3000


def test_estimates_are_kept_off_zero_and_one():
    data = _population()
    data["alle_voorletters"] = (data.sum(axis=1) >= 4).astype(np.int8)  # u would be ~0
    model = fit_ecm(data)
    for name in FEATURES:
        assert PROBABILITY_BOUND <= model.u[name] <= 1 - PROBABILITY_BOUND
        assert PROBABILITY_BOUND <= model.m[name] <= 1 - PROBABILITY_BOUND
        assert math.isfinite(model.report()["kenmerken"][name]["log2_gewicht_gelijk"])


def _decided(*extra: dict) -> pd.DataFrame:
    population = [MATCH] * 60 + [OTHER] * 60 + [dict(OTHER, achternaam_component=True)] * 30
    decided, _ = decide_probabilistic(_pairs(*population, *extra), 0.92)
    return decided


def test_decisions_are_labelled_ecm_with_the_probability_as_score():
    decided = _decided()
    assert set(decided.loc[decided["besluit"] == "match", "regel"]) == {"ecm"}
    assert (decided.loc[decided["besluit"] == "match", "score"] >= MATCH_PROBABILITY).all()
    assert decided["besluit"].iloc[:60].eq("match").all()
    assert decided["besluit"].iloc[60:].eq("geen").all()
    assert decided["regel"].iloc[60:].eq("geen").all()


def test_a_missing_initial_is_at_most_review():
    decided = _decided(dict(MATCH, voorletter="missing", voorletters_gelijk=False))
    last = decided.iloc[-1]
    assert last["score"] >= MATCH_PROBABILITY
    assert (last["regel"], last["besluit"]) == ("ecm", "review")


def test_a_tie_between_subjects_goes_to_review():
    decided = _decided()
    tie = decided.iloc[[0]].assign(s=9999)  # a second subject with the same comparisons
    resolved = resolve_per_identity(pd.concat([decided, tie], ignore_index=True))
    shared = resolved[resolved["i"] == decided["i"].iloc[0]]
    assert sorted(shared["s"]) == [0, 9999]
    assert set(shared["regel"]) == {"ambigu_ecm"} and set(shared["besluit"]) == {"review"}


def test_with_nothing_to_estimate_every_pair_goes_to_review():
    decided, report = decide_probabilistic(_pairs(MATCH, MATCH), 0.92)
    assert decided["besluit"].eq("review").all()
    assert report["kenmerken"] == {}
    empty, _ = decide_probabilistic(_pairs(MATCH).iloc[:0], 0.92)
    assert empty.empty and {"regel", "besluit", "rang", "score"} <= set(empty.columns)


def test_recordlinkage_is_imported_only_by_the_probabilistic_module():
    importers = {p.relative_to(ROOT).as_posix()
                 for folder in ("linkage", "pipelines", "schemas")
                 for p in (ROOT / folder).rglob("*.py")
                 if re.search(r"^\s*(import|from)\s+recordlinkage", p.read_text("utf-8"),
                              re.MULTILINE)}
    assert importers == {"linkage/link/probabilistic.py"}


def test_probabilistic_method_runs_end_to_end_and_reports_its_weights(tmp_path):
    from vhh.linkage.privacy.keys import load_key
    from vhh.linkage.settings import load_settings
    from vhh.pipelines.study import run_study

    from tests.conftest import make_study_folder

    # the reference size: on a study of 60 subjects ECM may leave a feature at u = m
    config, key = make_study_folder(tmp_path)
    config.write_text(config.read_text().replace('method = "rules"', 'method = "probabilistic"'))
    report = run_study(load_settings(config), load_key(key), tmp_path / "out").report
    weights = report.koppeling["bvh"].ecm_gewichten
    assert weights["kenmerken"], "no features reported"
    for feature in weights["kenmerken"].values():
        assert 0 < feature["u"] < feature["m"] < 1  # agreement is evidence for a match
        assert feature["log2_gewicht_gelijk"] > 0 > feature["log2_gewicht_ongelijk"]
    assert set(report.koppeling["bvh"].gevonden_per_regel) <= {"ecm", "review_geaccepteerd"}
    assert (tmp_path / "out" / "export" / "analysebestand.csv").exists()
