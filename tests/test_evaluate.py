"""Specification of vhh.linkage.tools.evaluate: figures against the synthetic ground truth."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner
from vhh.linkage.errors import InputError
from vhh.linkage.tools.evaluate import Truth, evaluate, findable, read_truth
from vhh.pipelines.cli import main

# ten true rows: G1 analysed (bvh B1-B5, hks H1), G2 without initial (B6, B7), G3 out of
# scope (B8), and B9 of G1 designed to be quarantined
TRUTH = Truth(
    links=pd.DataFrame(
        [("bvh", "B1", "G1", "none"), ("bvh", "B2", "G1", "surname_typo"),
         ("bvh", "B3", "G1", "initial_missing"), ("bvh", "B4", "G1", "none"),
         ("bvh", "B5", "G1", "birthdate_digit"), ("hks", "H1", "G1", "none"),
         ("bvh", "B6", "G2", "none"), ("bvh", "B7", "G2", "birthdate_year"),
         ("bvh", "B8", "G3", "none"), ("bvh", "B9", "G1", "none")],
        columns=["bron", "record_id", "gcos_id", "noise"]),
    subjects=pd.DataFrame([("G1", "analysed"), ("G2", "no_initial"),
                           ("G3", "out_of_scope_kader"), ("G4", "analysed")],
                          columns=["gcos_id", "fate"]),
    quarantine=pd.DataFrame([("bvh", "B9")], columns=["bron", "record_id"]),
)


def _links(*rows: tuple[str, str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["gcos_id", "bron", "record_id", "besluit"])


LINKS = _links(
    ("G1", "bvh", "B1", "match"), ("G1", "hks", "H1", "match"),
    ("G1", "bvh", "B3", "review"),                 # in review: missed with reason review
    ("G4", "bvh", "B5", "match"),                  # another subject's row: wrong
    ("G1", "bvh", "B10", "match"),                 # a row of nobody in GCOS: wrong
    ("G2", "bvh", "B6", "review"), ("G2", "bvh", "B7", "review"),
)


def test_only_findable_truth_counts():
    rows = findable(TRUTH)
    assert sorted(rows["record_id"]) == ["B1", "B2", "B3", "B4", "B5", "B6", "B7", "H1"]


def test_precision_recall_and_f1_of_the_matches():
    r = evaluate(LINKS, TRUTH)
    assert (r["matches"], r["true_positives"], r["false_positives"]) == (4, 2, 2)
    assert r["precision"] == 0.5
    assert r["recall"] == 0.25
    assert r["f1"] == pytest.approx(2 * 0.5 * 0.25 / 0.75, abs=1e-6)
    assert r["recall_automatic"] == pytest.approx(2 / 6, abs=1e-6)


def test_missed_rows_by_reason():
    assert evaluate(LINKS, TRUTH)["missed_by_reason"] == {
        "no_initial": 2, "review": 1, "surname_typo": 1, "none": 1, "wrong_subject": 1}


def test_rows_and_subjects_sent_to_review():
    r = evaluate(LINKS, TRUTH)
    assert (r["review_rows"], r["review_subjects"]) == (3, 2)


def test_subjects_without_initial_must_reach_review_with_every_true_row():
    assert evaluate(LINKS, TRUTH)["no_initial_in_review"] == {
        "subjects": 1, "rows": 2, "rows_in_review": 2, "subjects_incomplete": [], "ok": True}
    short = evaluate(LINKS[LINKS["record_id"] != "B7"], TRUTH)["no_initial_in_review"]
    assert short["subjects_incomplete"] == ["G2"] and not short["ok"]


def test_a_no_initial_row_in_review_for_another_subject_does_not_count():
    links = LINKS.assign(gcos_id=LINKS["gcos_id"].where(LINKS["record_id"] != "B7", "G1"))
    assert not evaluate(links, TRUTH)["no_initial_in_review"]["ok"]


def test_one_source_only():
    r = evaluate(LINKS, TRUTH, source="hks")
    assert (r["findable_rows"], r["precision"], r["recall"]) == (1, 1.0, 1.0)
    with pytest.raises(ValueError, match="source"):
        evaluate(LINKS, TRUTH, source="gcos")


def _write(folder, truth: Truth) -> None:
    folder.mkdir()
    for name in ("links", "subjects", "quarantine"):
        getattr(truth, name).to_csv(folder / f"{name}.csv", sep=";", index=False)


def test_cli_prints_the_figures(tmp_path):
    _write(tmp_path / "truth", TRUTH)
    LINKS.to_csv(tmp_path / "koppelingen.csv", index=False)
    args = ["evaluate", "--links", str(tmp_path / "koppelingen.csv"), "--truth",
            str(tmp_path / "truth")]
    out = CliRunner().invoke(main, args)
    assert out.exit_code == 0, out.output
    assert "precision 0.5000  recall 0.2500" in out.output
    assert "    2 × no_initial" in out.output
    as_json = CliRunner().invoke(main, [*args, "--json", "--source", "bvh"])
    assert json.loads(as_json.output)["findable_rows"] == 7


def test_a_truth_file_without_its_columns_is_an_input_error(tmp_path):
    _write(tmp_path / "truth", TRUTH)
    TRUTH.links.drop(columns="noise").to_csv(tmp_path / "truth" / "links.csv", sep=";",
                                             index=False)
    with pytest.raises(InputError, match="noise"):
        read_truth(tmp_path / "truth")


def test_recall_with_review_counts_rows_waiting_for_their_own_subject():
    r = evaluate(LINKS, TRUTH)
    # B1, H1 matched; B3, B6, B7 in review for their own subject: 5 of the 8 findable rows
    assert r["recall_with_review"] == pytest.approx(5 / 8, abs=1e-6)
    assert (r["review_subjects"], r["in_scope_subjects"]) == (2, 3)  # G3 is out of scope
    assert r["review_subject_share"] == pytest.approx(2 / 3, abs=1e-6)


def test_each_trap_is_reported_for_true_rows_and_for_look_alikes():
    truth = Truth(
        links=TRUTH.links.assign(trap=["", "een_slip", "voorletters", "", "een_slip", "", "",
                                       "een_slip", "", ""]),
        subjects=TRUTH.subjects, quarantine=TRUTH.quarantine,
        traps=pd.DataFrame([("bvh", "B10", "tweeling", "G1"), ("bvh", "B11", "tweeling", "G1"),
                            ("bvh", "B12", "bijna_naamgenoot", "G4")],
                           columns=["bron", "record_id", "trap", "gcos_id"]))
    links = pd.concat([LINKS, _links(("G4", "bvh", "B12", "review"))], ignore_index=True)
    traps = evaluate(links, truth)["per_trap"]
    assert traps["subject_rows"]["een_slip"] == {"rows": 3, "matched": 0, "review": 1}
    assert traps["subject_rows"]["voorletters"] == {"rows": 1, "matched": 0, "review": 1}
    assert traps["lookalike_rows"]["tweeling"] == {"rows": 2, "matched": 1, "review": 0}
    assert traps["lookalike_rows"]["bijna_naamgenoot"] == {"rows": 1, "matched": 0, "review": 1}
