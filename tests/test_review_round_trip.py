"""A person's review decisions are read back on the next run, applied and recorded.

The round trip as a data officer does it: ``secure/review.csv`` opens in Dutch Excel (";",
UTF-8 with BOM, formulas guarded), is filled in with ja/nee and saved as Excel saves it
(cp1252, ";"), and the next run applies every decision and reports the ones whose pair no
longer exists.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from vhh.linkage.errors import InputError
from vhh.linkage.link.review import read_review_decisions, read_review_file, review_file
from vhh.linkage.privacy.keys import load_key
from vhh.linkage.settings import load_settings
from vhh.pipelines.study import run_study


def read_review(path) -> pd.DataFrame:
    return pd.read_csv(path, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)


def _rerun_with(demo_run, tmp_path, decide, *, save=None, extra_rows=()):
    """Fill in the demo's review file with ``decide(row)``, save it with ``save`` (default:
    UTF-8, ","), and run the study again with it."""
    root = tmp_path / "again"
    shutil.copytree(demo_run.root, root, ignore=shutil.ignore_patterns("out"))
    review = read_review(demo_run.secure / "review.csv")
    review["besluit"] = [decide(row) for _, row in review.iterrows()]
    filled = pd.concat([review, pd.DataFrame(list(extra_rows), columns=review.columns)],
                       ignore_index=True)
    (save or (lambda f, p: f.to_csv(p, index=False)))(filled, root / "beoordeeld.csv")
    config = root / "config.toml"
    config.write_text(config.read_text().replace('review_decisions = ""',
                                                 'review_decisions = "beoordeeld.csv"'))
    result = run_study(load_settings(config), load_key(root / "test.key"), root / "out")
    return review, result.report, root / "out"


def test_the_review_file_opens_in_dutch_excel(demo_run):
    data = (demo_run.secure / "review.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")           # UTF-8 with BOM: accents survive
    header = data[3:].split(b"\r\n", 1)[0].decode()
    assert header.startswith("review_id;bron;regel;") and header.endswith(";besluit")
    review = read_review(demo_run.secure / "review.csv")
    assert len(review) == demo_run.result.report.review.wachtend > 0
    assert (review["besluit"] == "").all()            # for a person to fill in


def test_formula_like_cells_are_guarded_so_excel_shows_them_as_text():
    queue = pd.DataFrame({c: [""] for c in ("review_id", "bron", "regel", "score", "gcos_id")}
                         ).assign(review_id="ab12", gcos_achternaam="=1+2",
                                  politie_achternaam="-Jansen", score=0.9, aantal_rijen=2)
    for col in ("gcos_tussenvoegsel", "gcos_voorletters", "gcos_geboortedatum", "gcos_geslacht",
                "politie_tussenvoegsel", "politie_voorletters", "politie_geboortedatum",
                "politie_geslacht", "besluit"):
        queue[col] = ""
    text = review_file(queue).decode("utf-8-sig")
    assert ";'=1+2;" in text and ";'-Jansen;" in text
    assert ";0.9;" in text                             # numbers stay numbers


def _found_before(demo_run) -> set[str]:
    links = pd.read_csv(demo_run.secure / "koppelingen.csv", dtype=str)
    return set(links.loc[(links["bron"] == "bvh") & (links["besluit"] == "match"), "gcos_id"])


def test_accepted_review_pairs_become_matches_with_their_own_rule(demo_run, tmp_path):
    review, report, out = _rerun_with(demo_run, tmp_path,
                                      lambda r: "accept" if r["bron"] == "bvh" else "")
    accepted_subjects = set(review.loc[review["bron"] == "bvh", "gcos_id"])
    newly_found = accepted_subjects - _found_before(demo_run)  # partner names were found
    steps = {s.stap: s for s in report.trechter}
    assert steps["gevonden_bvh"].redenen["geen_voorletter"] == 0
    assert steps["gevonden_bvh"].rest == 198 + len(newly_found)
    assert report.koppeling["bvh"].gevonden_per_regel["review_geaccepteerd"] == len(
        newly_found)
    links = pd.read_csv(out / "secure" / "koppelingen.csv", dtype=str)
    accepted = links[links["regel"] == "review_geaccepteerd"]
    assert set(accepted["besluit"]) == {"match"}
    assert set(accepted["gcos_id"]) == accepted_subjects


def test_rejected_review_pairs_leave_the_queue_and_the_report_is_final(demo_run, tmp_path):
    review, report, out = _rerun_with(demo_run, tmp_path, lambda r: "reject")
    steps = {s.stap: s for s in report.trechter}
    assert steps["gevonden_bvh"].rest == 198
    assert report.koppeling["bvh"].reviewwachtrij == 0
    rejected = report.koppeling["bvh"].besluiten_per_regel["review_afgewezen"]
    assert rejected == int((review["bron"] == "bvh").sum())
    assert read_review(out / "secure" / "review.csv").empty
    assert (report.review.wachtend, report.review.vervallen) == (0, 0)
    assert report.review.toegepast == report.review.besluiten_gelezen == len(review)
    assert 'id="voorlopig"' not in (out / "export" / "auditrapport.html").read_text("utf-8")


def _as_dutch_excel_saves_it(frame: pd.DataFrame, path) -> None:
    """Dutch Excel's "CSV (gescheiden door lijstscheidingsteken)": cp1252 and ";"."""
    text = frame.to_csv(index=False, sep=";", lineterminator="\r\n")
    path.write_bytes(text.encode("cp1252", errors="replace"))


def test_excel_round_trip_cp1252_semicolons_ja_nee_and_a_stale_decision(demo_run, tmp_path):
    gone = {"review_id": "0123456789abcdef", "bron": "bvh", "besluit": "ja",
            "gcos_achternaam": "Hé"}                  # a pair of an earlier extract
    review, report, out = _rerun_with(
        demo_run, tmp_path, lambda r: "Ja" if r["bron"] == "bvh" else "nee",
        save=_as_dutch_excel_saves_it, extra_rows=[gone])
    saved = (out.parent / "beoordeeld.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        saved.decode("utf-8")                          # truly a cp1252 file
    bvh = set(review.loc[review["bron"] == "bvh", "gcos_id"]) - _found_before(demo_run)
    assert report.koppeling["bvh"].gevonden_per_regel["review_geaccepteerd"] == len(bvh)
    assert report.review.vervallen == 1                # reported, not dropped
    assert report.review.toegepast == len(review)
    assert report.review.besluitenbestand == "beoordeeld.csv"
    stale = pd.read_csv(out / "secure" / "review_vervallen.csv", dtype=str)
    assert list(stale["review_id"]) == [gone["review_id"]]
    page = (out / "export" / "auditrapport.html").read_text("utf-8")
    assert "secure/review_vervallen.csv" in page


@pytest.mark.parametrize("word, meaning", [
    ("ja", "accept"), ("JA ", "accept"), ("j", "accept"), ("accept", "accept"), ("1", "accept"),
    ("nee", "reject"), ("Nee", "reject"), ("n", "reject"), ("reject", "reject"), ("0", "reject"),
])
def test_every_way_of_writing_a_decision_is_understood(tmp_path, word, meaning):
    path = tmp_path / "r.csv"
    path.write_text(f"review_id,besluit\nab,{word}\ncd,\n", "utf-8")
    assert read_review_decisions(path).to_dict() == {"ab": meaning}


def test_tab_separated_utf16_and_guarded_ids_are_read(tmp_path):
    path = tmp_path / "r.txt"
    path.write_bytes("review_id\tbesluit\r\n'-1e5\tnee\r\n".encode("utf-16"))
    assert read_review_decisions(path).to_dict() == {"-1e5": "reject"}


def test_a_bad_or_contradictory_decision_names_row_and_column_not_the_value(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("review_id;besluit\nab;misschien\ncd;ja\ncd;nee\n", "utf-8")
    with pytest.raises(InputError) as err:
        read_review_file(path)
    text = str(err.value)
    assert "row 2, column 'besluit'" in text and "misschien" not in text
    assert "row 4, column 'besluit'" in text and "two different decisions" in text
