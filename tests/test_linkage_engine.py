"""Specification of the linkage engine: blocking, comparison, tiers, resolution, explain.

Hand-made subjects and police rows (invented names) for ``method = "rules"`` (the tiers,
among them the study's own rule); hypothesis for what must hold for every input; one
high-noise synthetic study for the default method's targets and for explain. The default
method's own specification is in ``test_fellegi_sunter.py``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import make_study_folder
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from vhh.linkage.link.blocking import candidate_pairs
from vhh.linkage.link.compare import COMPARISON_COLUMNS, compare_pairs
from vhh.linkage.link.engine import link_source, prepare_subjects
from vhh.linkage.normalise.identities import normalise_identities
from vhh.linkage.settings import LinkageSettings, load_settings
from vhh.linkage.study.scope import apply_scope
from vhh.linkage.tools.evaluate import evaluate, read_truth
from vhh.linkage.tools.explain import explain
from vhh.linkage.validate.inputs import load_inputs
from vhh.pipelines.cli import main
from whole_files import validate_whole as validate_inputs

RULES = LinkageSettings(method="rules")
SOURCES = (("bvh", "bvh_incidenten", "bvh_id"), ("hks", "hks_antecedenten", "hks_id"))


def _subjects(*people: tuple[str, str, str, str, int]) -> pd.DataFrame:
    """(gcos_id, achternaam, voorletters, geboortedatum, geslacht) per subject."""
    frame = pd.DataFrame(people, columns=["gcos_id", "achternaam", "voorletters",
                                          "geboortedatum", "geslacht"])
    return prepare_subjects(frame.assign(tussenvoegsel="", voornamen=""))


def _rows(*rows: tuple[str, str, str, int]) -> pd.DataFrame:
    """(achternaam, voorletters, geboortedatum, geslacht) per police row."""
    frame = pd.DataFrame(rows, columns=["achternaam", "voorletters", "geboortedatum",
                                        "geslacht"])
    return frame.assign(tussenvoegsel="", bvh_id=[f"B{k:03d}" for k in range(len(frame))])


def _link(subjects: pd.DataFrame, rows: pd.DataFrame, linkage: LinkageSettings = RULES):
    return link_source("bvh", subjects, rows, "bvh_id", linkage)


def _decision(result, record_id: str) -> tuple[str, str, str]:
    """(gcos_id, regel, besluit) of a police row; ('', '', '') when it has none."""
    hit = result.koppelingen[result.koppelingen["record_id"] == record_id]
    if hit.empty:
        return ("", "", "")
    assert len(hit) == 1, hit
    row = hit.iloc[0]
    return (row["gcos_id"], row["regel"], row["besluit"])


# --- subjects without an initial must reach review with every true row ---------------------

NO_INITIAL = ("G1", "Kwakkelstein", "", "19800612", 0)


@pytest.mark.parametrize("birthdate", ["19900612", "18800612", "19810612"])
def test_no_initial_subject_reaches_review_when_the_police_year_slipped(birthdate):
    # the year slip leaves neither the birthdate nor the birth year to block on, and the
    # subject has no initial for the surname + initial pass: only surname + day/month pairs
    result = _link(_subjects(NO_INITIAL), _rows(("Kwakkelstein", "P.", birthdate, 0)))
    assert _decision(result, "B000") == ("G1", "review", "review")


def test_no_initial_subject_reaches_review_when_day_and_month_are_swapped():
    result = _link(_subjects(NO_INITIAL), _rows(("Kwakkelstein", "P.", "19801206", 0)))
    assert _decision(result, "B000") == ("G1", "review", "review")


def test_no_initial_subject_reaches_review_with_a_typo_below_the_match_threshold():
    # one substitution in a six-letter surname: Jaro-Winkler about 0.84, below 0.92
    result = _link(_subjects(("G1", "Koning", "", "19800612", 0)),
                   _rows(("Kining", "P.", "19800612", 0)))
    assert _decision(result, "B000") == ("G1", "review", "review")


@pytest.mark.parametrize("linkage", [RULES, LinkageSettings()], ids=["rules", "probabilistic"])
def test_every_police_row_carries_its_subject_and_rule_or_nothing(linkage):
    """Per valid police row: the gcos_id and rule of its identity's match, "" for a row
    whose identity matched no one; rows that share an identity share them."""
    subjects = _subjects(("G1", "Bakker", "J.", "19750304", 0),
                         ("G2", "van Dijk", "A.M.", "19881122", 1))
    rows = _rows(("Bakker", "J.", "19750304", 0), ("Jansen", "K.", "19600101", 0),
                 ("Bakker", "J.", "19750304", 0), ("van Dijk", "A.M.", "19881122", 1))
    result = _link(subjects, rows, linkage)
    assert result.row_subject.tolist() == ["G1", "", "G1", "G2"]
    assert result.row_subject.index.equals(rows.index)
    rules = result.row_rule.tolist()
    assert rules[1] == "" and rules[0] == rules[2] != "" and rules[3] != ""
    # held as codes into the few distinct texts, "" first (the steps after the linkage
    # test every row for "" and for membership, which codes make cheap)
    for per_row in (result.row_subject, result.row_rule):
        assert isinstance(per_row.dtype, pd.CategoricalDtype)
        assert per_row.cat.categories[0] == "" and per_row.cat.categories.is_unique
    assert (result.row_subject != "").tolist() == [True, False, True, True]
    assert result.row_subject.isin({"G2"}).tolist() == [False, False, False, True]


def test_no_initial_subject_is_never_matched():
    result = _link(_subjects(NO_INITIAL), _rows(("Kwakkelstein", "P.", "19800612", 0),
                                                ("Kwakkelstein", "", "19800612", 0)))
    assert result.koppelingen["besluit"].eq("review").all()
    assert result.subjects.loc[0, "reden"] == "geen_voorletter"


# --- a police row without initials ---------------------------------------------------------

SUBJECT = ("G1", "Kwakkelstein", "P.J.", "19800612", 0)
WITH_INITIAL = ("Kwakkelstein", "P.J.", "19800612", 0)
WITHOUT_INITIAL = ("Kwakkelstein", "", "19800612", 0)


def test_row_without_initials_matches_a_subject_found_with_its_initial():
    result = _link(_subjects(SUBJECT), _rows(WITH_INITIAL, WITHOUT_INITIAL))
    assert _decision(result, "B000") == ("G1", "exact", "match")
    assert _decision(result, "B001") == ("G1", "police_no_initial", "match")


def test_row_without_initials_goes_to_review_when_a_twin_shares_the_birthdate():
    twin = ("Kwakkelstein", "A.", "19800612", 0)
    result = _link(_subjects(SUBJECT), _rows(WITH_INITIAL, WITHOUT_INITIAL, twin))
    assert _decision(result, "B001") == ("G1", "review", "review")
    assert _decision(result, "B002") == ("", "", "")


def test_row_without_initials_goes_to_review_when_the_subject_is_not_found_otherwise():
    result = _link(_subjects(SUBJECT), _rows(WITHOUT_INITIAL))
    assert _decision(result, "B000") == ("G1", "review", "review")


def test_row_without_initials_and_with_another_sex_goes_to_review():
    result = _link(_subjects(SUBJECT), _rows(WITH_INITIAL, ("Kwakkelstein", "", "19800612", 1)))
    assert _decision(result, "B001") == ("G1", "review", "review")


def test_two_subjects_for_one_row_without_initials_go_to_review_for_both():
    twins = _subjects(SUBJECT, ("G2", "Kwakkelstein", "A.", "19800612", 0))
    rows = _rows(WITH_INITIAL, ("Kwakkelstein", "A.", "19800612", 0), WITHOUT_INITIAL)
    result = _link(twins, rows)
    shared = result.koppelingen[result.koppelingen["record_id"] == "B002"]
    assert sorted(shared["gcos_id"]) == ["G1", "G2"]
    assert shared["besluit"].eq("review").all()


# --- properties ----------------------------------------------------------------------------

LETTERS = "ABCDEFGHJKLMNPRSTW"
surname = st.text(alphabet="abcdefghijklm", min_size=4, max_size=10).map(str.capitalize)
unrelated_surname = st.text(alphabet="nopqrstuvwxyz", min_size=4, max_size=10).map(
    str.capitalize)
initials = st.text(alphabet=LETTERS, min_size=1, max_size=3).map(lambda s: ".".join(s) + ".")
birthdate = st.dates(min_value=pd.Timestamp("1950-01-01").date(),
                     max_value=pd.Timestamp("1999-12-31").date()).map(
    lambda d: d.strftime("%Y%m%d"))
far_birthdate = st.dates(min_value=pd.Timestamp("1930-01-01").date(),
                         max_value=pd.Timestamp("1939-12-31").date()).map(
    lambda d: d.strftime("%Y%m%d"))
person = st.tuples(surname, initials, birthdate, st.sampled_from([0, 1]))
stranger = st.tuples(unrelated_surname, initials, far_birthdate, st.sampled_from([0, 1]))
FAST = settings(max_examples=15, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.lists(person, min_size=1, max_size=4, unique_by=lambda p: p[0]))
def test_a_subject_always_matches_a_noise_free_copy_of_itself(people):
    subjects = _subjects(*((f"G{k}", *p) for k, p in enumerate(people)))
    result = _link(subjects, _rows(*people))
    for k in range(len(people)):
        gcos_id, regel, besluit = _decision(result, f"B{k:03d}")
        assert (gcos_id, besluit) == (f"G{k}", "match")
        assert regel == "exact"


@FAST
@given(st.lists(person, min_size=1, max_size=3, unique_by=lambda p: p[0]),
       st.lists(stranger, min_size=1, max_size=4), st.lists(stranger, max_size=2))
def test_adding_unrelated_people_never_changes_an_existing_match(people, rows, subjects):
    base_subjects = [(f"G{k}", *p) for k, p in enumerate(people)]
    before = _link(_subjects(*base_subjects), _rows(*people))
    more = [(f"X{k}", *p) for k, p in enumerate(subjects)]
    after = _link(_subjects(*base_subjects, *more), _rows(*people, *rows))
    for k in range(len(people)):
        assert _decision(after, f"B{k:03d}") == _decision(before, f"B{k:03d}")


def _identities(people: list[tuple[str, str, str, int]]) -> pd.DataFrame:
    frame = pd.DataFrame(people, columns=["achternaam", "voorletters", "geboortedatum",
                                          "geslacht"])
    return normalise_identities(frame.assign(tussenvoegsel="", voornamen=""))


@FAST
@given(st.lists(person, min_size=1, max_size=4), st.lists(person, min_size=1, max_size=4))
def test_comparison_is_symmetric(left, right):
    a, b = _identities(left), _identities(right)
    pairs = pd.DataFrame([(s, i) for s in a.index for i in b.index], columns=["s", "i"])
    forward = compare_pairs(pairs, a, b)
    backward = compare_pairs(pairs.rename(columns={"s": "i", "i": "s"}), b, a)
    for col in COMPARISON_COLUMNS:
        assert forward[col].tolist() == backward[col].tolist(), col


@FAST
@given(st.lists(person, min_size=1, max_size=4), st.lists(person, min_size=1, max_size=4))
def test_blocking_is_symmetric(left, right):
    a, b = _identities(left), _identities(right)
    forward = candidate_pairs(a, b, 10_000).pairs
    backward = candidate_pairs(b, a, 10_000).pairs.rename(columns={"s": "i", "i": "s"})
    key = ["s", "i", "passes"]
    assert (forward[key].sort_values(key).values.tolist()
            == backward[key].sort_values(key).values.tolist())


# --- explain on hand-made cases -----------------------------------------------------------

def _explained(subjects, rows, gcos_id: str, decisions=None) -> pd.DataFrame:
    from vhh.linkage.normalise.identities import collapse_identities
    from vhh.linkage.tools.explain import candidate_reasons

    result = link_source("bvh", subjects, rows, "bvh_id", RULES, decisions)
    position = int(subjects.index[subjects["gcos_id"] == gcos_id][0])
    identities, codes = collapse_identities(rows)
    return candidate_reasons(result, subjects, identities, codes, rows["bvh_id"], position,
                             RULES)


def test_explain_names_the_better_subject_that_took_the_row():
    subjects = _subjects(SUBJECT, ("G2", "Kwakkelstijn", "P.J.", "19800612", 0))
    reasons = _explained(subjects, _rows(WITH_INITIAL), "G2")
    assert len(reasons) == 1
    assert reasons.loc[0, "regel"] == "fuzzy"
    assert "better subject took it: G1 (exact)" in reasons.loc[0, "waarom"]


def test_explain_says_ambiguous_when_two_subjects_fit_equally():
    subjects = _subjects(SUBJECT, ("G2", "Kwakkelstein", "P.J.", "19800612", 0))
    reasons = _explained(subjects, _rows(WITH_INITIAL), "G1")
    assert reasons.loc[0, "uitkomst_besluit"] == "review"
    assert reasons.loc[0, "waarom"].startswith("ambiguous: also fits G2")


def test_explain_says_rejected_in_review():
    subjects = _subjects(NO_INITIAL)
    rows = _rows(("Kwakkelstein", "P.", "19800612", 0))
    first = link_source("bvh", subjects, rows, "bvh_id", RULES)
    decisions = pd.Series(["reject"], index=first.review["review_id"].to_numpy())
    reasons = _explained(subjects, rows, "G1", decisions)
    assert reasons.loc[0, "waarom"] == "rejected in review"


def test_explain_lists_the_comparison_and_why_no_rule_held():
    reasons = _explained(_subjects(SUBJECT), _rows(("Kwakkelstein", "A.", "19800612", 0)), "G1")
    row = reasons.iloc[0]
    assert row["blokken"] == "achternaam_dagmaand+fonetisch_jaar+geboortedatum"
    assert (row["voorletter"], row["geboortedatum"], row["regel"]) == ("different", "exact",
                                                                        "geen")
    assert row["waarom"] == "no rule holds: first initial differs"


# --- the measured targets on high-noise synthetic data ------------------------------------

@dataclasses.dataclass(frozen=True)
class Linked:
    root: Path
    config: Path
    key_file: Path
    links: pd.DataFrame
    results: dict


def _link_study(config: Path, method: str | None = None) -> dict:
    settings = load_settings(config)
    linkage = dataclasses.replace(settings.linkage, method=method or settings.linkage.method)
    validated = validate_inputs(settings)
    in_scope, _ = apply_scope(validated["gcos_subjecten"].valid,
                              validated["gcos_besprekingen"].valid, settings.scope)
    subjects = prepare_subjects(in_scope)
    return {src: link_source(src, subjects, validated[table].valid, col, linkage)
            for src, table, col in SOURCES}


@pytest.fixture(scope="module")
def high_noise(tmp_path_factory) -> Linked:
    root = tmp_path_factory.mktemp("high_noise")
    config, key_file = make_study_folder(root, noise="high")
    results = _link_study(config)
    links = pd.concat([r.koppelingen for r in results.values()]).astype(str)
    return Linked(root, config, key_file, links, results)


def test_high_noise_keeps_precision_and_automatic_recall(high_noise):
    # "high" noise: a slip on about one row in three, several slips on one in fifteen
    figures = evaluate(high_noise.links, read_truth(high_noise.root / "truth"))
    assert figures["precision"] >= 0.998
    assert figures["recall_automatic"] >= 0.98
    assert figures["recall_with_review"] >= 0.985
    check = figures["no_initial_in_review"]
    assert check["subjects"] > 0 and check["rows_in_review"] >= 0.9 * check["rows"], check


def test_explain_cli_shows_a_subject_without_initial_in_review(high_noise):
    truth = read_truth(high_noise.root / "truth")
    gcos_id = truth.subjects.loc[truth.subjects["fate"] == "no_initial", "gcos_id"].iloc[0]
    out = CliRunner().invoke(main, ["explain", "--config", str(high_noise.config),
                                    "--key-file", str(high_noise.key_file),
                                    "--gcos-id", gcos_id, "--source", "bvh"])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0].startswith("WARNING") and "secure environment" in lines[0]
    assert f"bvh: subject {gcos_id}: not found (geen_voorletter)" in lines
    assert "subject heeft geen voorletter in GCOS: nooit automatisch" in out.output
    assert "match weight: prior" in out.output
    assert "hks:" not in out.output


def test_explain_agrees_with_the_links_of_the_run(high_noise):
    settings = load_settings(high_noise.config)
    slipped = high_noise.links[(high_noise.links["besluit"] == "match")
                               & (high_noise.links["niveau_achternaam"] == "jw_hoog")]
    gcos_id = slipped["gcos_id"].iloc[0]
    [bvh] = explain(settings, load_inputs(settings), gcos_id, ("bvh",))
    linked = bvh.candidates[bvh.candidates["uitkomst_besluit"] == "match"]
    explained = {r for ids in linked["record_ids"] for r in ids}
    mine = high_noise.links[(high_noise.links["gcos_id"] == gcos_id)
                            & (high_noise.links["bron"] == "bvh")
                            & (high_noise.links["besluit"] == "match")]
    assert explained == set(mine["record_id"])


def test_explain_writes_nothing(high_noise):
    before = sorted(p for p in high_noise.root.rglob("*"))
    CliRunner().invoke(main, ["explain", "--config", str(high_noise.config), "--key-file",
                              str(high_noise.key_file), "--gcos-id", "G-unknown"])
    assert sorted(p for p in high_noise.root.rglob("*")) == before


def test_rules_method_is_dispatched_and_reports_no_model(high_noise):
    results = _link_study(high_noise.config, method="rules")
    bvh = results["bvh"]
    assert set(bvh.koppelingen["regel"]) <= {*RULES.tiers, *(f"ambigu_{t}" for t in RULES.tiers)}
    assert list(bvh.koppelingen.columns)[:7] == ["gcos_id", "bron", "record_id", "regel",
                                                 "score", "besluit", "blokken"]
    assert bvh.model is None and bvh.histogram is None
    assert high_noise.results["bvh"].model is not None


@given(st.text(alphabet="abcdefghij", min_size=1, max_size=8),
       st.text(alphabet="abcdefghij", min_size=1, max_size=8))
def test_single_component_fast_path_equals_the_general_similarity(a, b):
    from vhh.linkage.link.compare import _similarity
    from vhh.linkage.normalise.names import ParsedSurname, surname_similarity

    general = surname_similarity(ParsedSurname("", a, (a,), ""), ParsedSurname("", b, (b,), ""))
    assert _similarity(a, (a,), b, (b,)) == general


@given(st.lists(st.tuples(st.text(alphabet="abcdeijkl", max_size=9),
                          st.text(alphabet="abcdeijkl", max_size=9)), min_size=1, max_size=20))
def test_vectorised_similarities_equal_the_pairwise_ones(pairs):
    import numpy as np
    from vhh.linkage.link.compare import _similarities, _similarity

    lcore = np.array([a for a, _ in pairs], dtype=object)
    rcore = np.array([b for _, b in pairs], dtype=object)
    lcomp = np.array([(a,) if a else () for a in lcore] + [None], dtype=object)[:-1]
    rcomp = np.array([(b,) if b else () for b in rcore] + [None], dtype=object)[:-1]
    got = _similarities(lcore, lcomp, rcore, rcomp)
    want = [_similarity(a, ca, b, cb)
            for a, ca, b, cb in zip(lcore, lcomp, rcore, rcomp, strict=True)]
    assert list(got) == want


@given(st.sampled_from(["", "I", "IJ", "Y", "J", "P"]), st.sampled_from(["", "I", "IJ", "Y", "J"]))
def test_vectorised_initial_levels_equal_the_scalar_rule(a, b):
    import numpy as np
    from vhh.linkage.link.compare import _initial_levels
    from vhh.linkage.normalise.names import initials_compatible

    def scalar(a: str, b: str) -> str:  # the rule, one pair at a time
        if not a or not b:
            return "missing"
        if a == b:
            return "equal"
        return "compatible" if initials_compatible((a,), (b,)) else "different"

    assert _initial_levels(np.array([a]), np.array([b]))[0] == scalar(a, b)
