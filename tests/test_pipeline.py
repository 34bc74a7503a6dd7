"""The study end to end on the generated reference data: the promises an auditor checks."""

from __future__ import annotations

import json
import re

import pandas as pd
from vhh.linkage.io.readers import read_source
from vhh.linkage.privacy.crosswalk import read_crosswalk
from vhh.linkage.report.funnel import check_funnel, check_reconciliation
from vhh.linkage.tools.evaluate import evaluate, read_links, read_truth
from vhh.schemas.analysis import COUNT_COLUMNS


def _truth(demo_run, name: str) -> pd.DataFrame:
    return pd.read_csv(demo_run.truth / name, sep=";", dtype=str, keep_default_na=False)


def test_demo_funnel_is_the_reference_studys(demo_run):
    steps = {s.stap: s for s in demo_run.result.report.trechter}
    assert steps["scope"].rest == 213
    assert steps["gevonden_bvh"].rest == 198
    assert steps["gevonden_bvh"].redenen == {"geen_voorletter": 8, "geen_kandidaat": 7,
                                             "alleen_ter_beoordeling": 0}
    assert steps["startdatum"].rest == 195
    assert steps["gevonden_hks"].rest == 138


def test_funnel_agrees_with_the_generators_design(demo_run):
    expected = json.loads((demo_run.truth / "expected_funnel.json").read_text())
    steps = {s.stap: s for s in demo_run.result.report.trechter}
    assert steps["quarantaine"].inn == expected["gcos_gelezen"]
    assert steps["quarantaine"].uit == expected["gcos_quarantaine"]
    assert steps["scope"].redenen == {"kader": expected["buiten_scope_kader"],
                                      "periode": expected["buiten_scope_periode"]}
    rows = demo_run.result.report.rijen
    assert rows["bvh"].gelezen == expected["bvh_gelezen"]
    assert rows["bvh"].uitkomst["quarantaine"] == expected["bvh_quarantaine"]
    assert rows["hks"].uitkomst["quarantaine"] == expected["hks_quarantaine"]


def test_every_row_is_accounted_for(demo_run):
    report = demo_run.result.report
    assert check_funnel(report.trechter) == []
    for rows in report.rijen.values():
        assert check_reconciliation(rows) == []
        assert sum(rows.uitkomst.values()) == rows.gelezen
        assert rows.uitkomst["geteld"] > 0


def test_quarantined_rows_are_the_designed_ones_with_row_and_reason(demo_run):
    designed = _truth(demo_run, "quarantine.csv")
    got = pd.concat([pd.read_csv(p, dtype=str) for p in
                     (demo_run.secure / "quarantaine").glob("*.csv")], ignore_index=True)
    assert set(designed["record_id"]) <= set(got["record_id"])
    assert got["reden"].str.len().gt(0).all()
    assert got["bronrij"].astype(int).ge(2).all()


def _exactly_linked(demo_run) -> set[str]:
    """Subjects whose true rows were all matched to them, and nothing else: their counts
    must be the generator's (the others miss a row the linkage could not find)."""
    truth = _truth(demo_run, "links.csv")
    quarantined = set(_truth(demo_run, "quarantine.csv")["record_id"])
    truth = truth[~truth["record_id"].isin(quarantined)]
    links = pd.read_csv(demo_run.secure / "koppelingen.csv", dtype=str)
    matched = links[links["besluit"] == "match"]
    want = truth.groupby("gcos_id")["record_id"].agg(frozenset)
    got = matched.groupby("gcos_id")["record_id"].agg(frozenset)
    return {g for g, rows in want.items() if got.get(g) == rows}


def test_counts_equal_the_generators_independent_counts(demo_run):
    expected = _truth(demo_run, "expected_counts.csv").set_index("gcos_id")
    _, crosswalk = read_crosswalk(demo_run.secure / "crosswalk.enc", demo_run.key)
    export = pd.read_parquet(demo_run.export / "analysebestand.parquet")
    export["gcos_id"] = export["pseudoniem"].map(crosswalk.set_index("pseudoniem")["gcos_id"])
    export = export.set_index("gcos_id")
    assert set(export.index) == set(expected.index)
    exact = sorted(_exactly_linked(demo_run) & set(expected.index))
    assert len(exact) >= 0.9 * len(expected)  # the honest generator leaves a few rows out
    top = demo_run.settings.privacy.top_code
    for col in COUNT_COLUMNS:
        want = expected.loc[exact, col].astype(int).clip(upper=top)
        got = export.loc[exact, col].astype(int)
        assert (got == want).all(), col


def _input_values(demo_run) -> dict[str, set[str]]:
    values: dict[str, set[str]] = {"achternaam": set(), "voorletters": set(),
                                   "geboortedatum": set(), "id": set()}
    for source in ("gcos_subjecten", "bvh_incidenten", "hks_antecedenten"):
        frame = read_source(source, demo_run.settings.input_path(source)).frame
        values["achternaam"] |= {v.strip().lower() for v in frame["achternaam"] if len(v) > 2}
        values["voorletters"] |= {v.strip() for v in frame["voorletters"] if len(v) > 2}
        values["geboortedatum"] |= {v.strip() for v in frame["geboortedatum"] if v}
        for col in ("gcos_id", "bvh_id", "hks_id", "registratienummer"):
            if col in frame:
                values["id"] |= set(frame[col])
    return values


def test_export_contains_no_input_name_initials_birthdate_or_id(demo_run):
    """An independent scan of every cell, not the toolkit's own leak scanner."""
    values = _input_values(demo_run)
    analysis = pd.read_csv(demo_run.export / "analysebestand.csv", dtype=str,
                           keep_default_na=False)
    cells = {c.strip() for col in analysis.columns for c in analysis[col]}
    assert not cells & values["id"]
    assert not cells & values["geboortedatum"]
    assert not cells & values["voorletters"]
    assert not {c.lower() for c in cells} & values["achternaam"]
    text = " ".join(p.read_text(encoding="utf-8") for p in demo_run.export.glob("*.json"))
    assert not any(i in text for i in values["id"])
    full_dates = [d for d in values["geboortedatum"] if re.fullmatch(r"\d\d-\d\d-\d{4}", d)]
    assert not any(d in text for d in full_dates)


def test_export_folder_holds_only_the_promised_files(demo_run):
    names = {p.name for p in demo_run.export.iterdir()}
    assert {"analysebestand.csv", "analysebestand.parquet", "analysebestand.sav",
            "codeboek.md", "codeboek.json", "auditrapport.json"} <= names
    assert not any(n.startswith(".") for n in names)
    assert not list(demo_run.root.glob("out/.export-*"))


def test_analysis_file_has_one_row_per_analysed_subject_and_no_identifier_column(demo_run):
    analysis = pd.read_parquet(demo_run.export / "analysebestand.parquet")
    assert len(analysis) == 195
    assert analysis["pseudoniem"].is_unique
    assert not {"gcos_id", "achternaam", "voorletters", "geboortedatum", "startdatum"} & set(
        analysis.columns)
    assert analysis["gevonden_hks"].sum() == 138


def test_secure_outputs_carry_rule_and_reason_for_every_decision(demo_run):
    links = pd.read_csv(demo_run.secure / "koppelingen.csv", dtype=str, keep_default_na=False)
    assert set(links["besluit"]) <= {"match", "review"}
    assert links["regel"].ne("").all()
    assert not links.duplicated(["bron", "record_id", "gcos_id"]).any()
    matched = links[links["besluit"] == "match"]
    assert not matched.duplicated(["bron", "record_id"]).any()  # a row has at most one subject
    lost = pd.read_csv(demo_run.secure / "verlies_per_subject.csv", dtype=str)
    assert lost["reden"].str.len().gt(0).all()
    assert len(lost) == 240 - 195


def test_linkage_meets_the_targets_on_the_adversarial_demo(demo_run):
    """Issue 12's targets for the generator at default noise (seed 2013)."""
    figures = evaluate(read_links(demo_run.secure / "koppelingen.csv"),
                       read_truth(demo_run.truth))
    assert figures["precision"] >= 0.999
    assert figures["recall_automatic"] >= 0.99
    assert figures["recall_with_review"] >= 0.995
    # the review queue: the study's rule sends every subject without an initial (8) and the
    # issue's rule every possible partner name to review; beyond those at most 1 % of the
    # subjects (the whole queue is 11 of 213, 5.2 %: see the closing note of issue 12)
    subjects = _truth(demo_run, "subjects.csv")
    forced = set(subjects.loc[(subjects["fate"] == "no_initial")
                              | subjects["naamgebruik"].isin(["P", "R"]), "gcos_id"])
    review = pd.read_csv(demo_run.secure / "review.csv", sep=";", encoding="utf-8-sig",
                         dtype=str)
    others = set(review["gcos_id"]) - forced
    assert len(others) <= 0.01 * figures["in_scope_subjects"]
    assert figures["review_subject_share"] <= 0.06
    lookalikes = figures["per_trap"]["lookalike_rows"]
    assert lookalikes["bijna_naamgenoot"]["matched"] == 0
    assert lookalikes["tweeling"]["matched"] == 0


def test_subjects_without_initial_reach_review_with_their_rows(demo_run):
    fates = _truth(demo_run, "subjects.csv")
    no_initial = set(fates.loc[fates["fate"] == "no_initial", "gcos_id"])
    review = pd.read_csv(demo_run.secure / "review.csv", sep=";", encoding="utf-8-sig",
                         dtype=str)
    assert no_initial <= set(review["gcos_id"])
    assert review["besluit"].isna().all()  # for a person to fill in
