"""Specification of the export gate (vhh.linkage.privacy.leakscan, .exportscan and
vhh.linkage.privacy.gate.publish_export):
no input surname, birthdate or id may reach ``export/``, in any spelling or notation, and
the gate's own messages never repeat the value they found.

Every name, date and id here is invented for the test.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from vhh.linkage.errors import ExportBlocked
from vhh.linkage.io.writers import write_csv, write_parquet, write_sav
from vhh.linkage.normalise.names import normalise_text
from vhh.linkage.privacy.exportscan import scan_export_file as scan_file
from vhh.linkage.privacy.exportscan import scan_frame
from vhh.linkage.privacy.gate import publish_export
from vhh.linkage.privacy.identifiers import Identifiers, build_identifiers
from vhh.linkage.privacy.owntext import OwnText, Slot
from vhh.linkage.privacy.pseudonyms import pseudonym

SCAN_ALL = lambda name, folder: OwnText()  # noqa: E731 - every string of every file is data

GCOS = pd.DataFrame({
    "gcos_id": ["G700001", "G700002", "G700003", "G700004"],
    "achternaam": ["Berg", "'t Hart", "Jansen-de Vries", "Çelik"],
    "tussenvoegsel": ["van der", "", "", ""],
    "voorletters": ["J.", "A.B.", "M.", "E."],
    "geboortedatum": ["01-02-1980", "15-07-1975", "3-11-1990", "1992-12-24"],
})
BVH = pd.DataFrame({
    "bvh_id": ["B7000001"],
    "registratienummer": ["PL1301-2013000123"],
    "achternaam": ["Pietersma"],
    "voorletters": ["K."],
    "geboortedatum": ["20-10-1970"],
})
HKS = pd.DataFrame({
    "hks_id": ["H700001"],
    "achternaam": ["Oosterbroek"],
    "voorletters": ["T."],
    "geboortedatum": ["1968-04-09"],
})


@pytest.fixture(scope="module")
def ids() -> Identifiers:
    return build_identifiers([GCOS, BVH, HKS])


def clean_frame() -> pd.DataFrame:
    """What an analysis file looks like: pseudonyms, codes, quarters and counts."""
    return pd.DataFrame({
        "pseudoniem": [pseudonym(bytes(32), g) for g in GCOS["gcos_id"]],
        "leeftijd": [34, 45, 28, 31],
        "leeftijdsklasse": ["25-34", "45-54", "25-34", "25-34"],
        "geslacht": [0, 1, 0, 9],
        "kader": ["Veelplegers", "Huiselijk geweld", "Jeugd", "Nazorg ex-gedetineerden"],
        "start_kwartaal": ["2013-Q2", "2012-Q4", "2013-Q1", "2013-Q2"],
        "bvh_jaar_voor": [3, 0, 12, 20],
        "bvh_jaar_na": pd.array([1, None, 4, 20], dtype="Int64"),
        "gevonden_bvh": [True, True, False, True],
        "koppelregel_bvh": ["strict", "exact", "", "fuzzy"],
    })


def planted(value: object, row: int = 1) -> pd.DataFrame:
    frame = clean_frame()
    frame["opmerking"] = ["", "", "", ""]
    frame["opmerking"] = frame["opmerking"].astype(object)
    frame.loc[row, "opmerking"] = value
    return frame


def kinds(hits: list) -> set[str]:
    return {h.kind for h in hits}


# --------------------------------------------------------------------------------------------
# build_identifiers
# --------------------------------------------------------------------------------------------


def test_identifiers_repr_shows_counts_only(ids: Identifiers) -> None:
    text = repr(ids)
    assert "berg" not in text.lower()
    assert "G700001" not in text and "19800201" not in text


def test_numeric_ids_shorter_than_five_digits_are_counted_as_unscannable() -> None:
    frame = pd.DataFrame({"gcos_id": ["1234", "987", "12345", "G12"],
                          "bvh_id": ["42", "", "99999", "100000"]})
    found = build_identifiers([frame])
    assert found.unscannable_ids == 3                 # 1234, 987, 42
    assert all(v in found.ids for v in ("12345", "99999", "100000", "g12"))
    assert not any(v in found.ids for v in ("1234", "987", "42"))


def test_identifiers_come_from_every_source(ids: Identifiers) -> None:
    assert all(v in ids.ids for v in ("g700001", "b7000001", "pl1301-2013000123", "h700001"))
    assert {"19800201", "19701020", "19680409"} <= ids.dates
    assert {"berg", "pietersma", "oosterbroek"} <= ids.surname_words


# --------------------------------------------------------------------------------------------
# Surnames
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [
    "Berg", "BERG", "van der Berg", "Van der Berg", "VAN DER BERG", "Berg, van der",
    "'t Hart", "Hart", "T HART",
    "Jansen-de Vries", "Jansen", "de Vries", "JANSEN-DE VRIES",
    "Çelik", "ÇELIK", "Celik", "celik",
    "Pietersma", "Oosterbroek",
    "gesprek met mevrouw Jansen gehad",
])
def test_planted_surname_is_found(ids: Identifiers, value: str) -> None:
    hits = scan_frame(planted(value), ids, "analysebestand.csv")
    assert kinds(hits) == {"achternaam"}
    assert {h.where for h in hits} == {"column 'opmerking'"}


def test_a_particle_inside_a_surname_is_no_identifier() -> None:
    frame = pd.DataFrame({"achternaam": ["Wouters van Eijndhoven"], "tussenvoegsel": [""],
                          "voorletters": ["J."], "geboortedatum": ["01-02-1980"]})
    found = build_identifiers([frame])
    assert "wouters van eijndhoven" in found.surname_phrases
    assert "van" not in found.surname_words  # "plan van aanpak" is no leak
    assert kinds(scan_frame(planted("Wouters van Eijndhoven"), found, "analysebestand.csv")
                 ) == {"achternaam"}
    assert kinds(scan_frame(planted("plan van aanpak"), found, "analysebestand.csv")) == set()


# --------------------------------------------------------------------------------------------
# Birthdates (input "01-02-1980")
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [
    "01-02-1980", "1980-02-01", "1-2-1980", "01/02/1980", "19800201", "01021980",
    "01.02.1980", "1980/2/1", "geboren op 1-2-1980 te Utrecht", "1980-02-01 00:00:00",
    "geboren_19800201",
])
def test_planted_birthdate_is_found_in_any_notation(ids: Identifiers, value: str) -> None:
    hits = scan_frame(planted(value), ids, "analysebestand.csv")
    assert kinds(hits) == {"geboortedatum"}


def test_planted_birthdate_as_a_date_value_is_found(ids: Identifiers) -> None:
    frame = clean_frame().assign(datum=pd.Timestamp("1980-02-01"))
    assert kinds(scan_frame(frame, ids, "analysebestand.parquet")) == {"geboortedatum"}


def test_other_dates_are_not_birthdates(ids: Identifiers) -> None:
    for value in ["02-01-1980", "1980-01-02", "01-02-1981", "2013-Q1", "1980"]:
        assert scan_frame(planted(value), ids, "a.csv") == [], value


# --------------------------------------------------------------------------------------------
# Ids
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [
    "G700001", "g700001", "dossier G700001 gesloten", "(G700001)", "subject_G700001.csv",
    "B7000001", "zie BVH B7000001.", "G700001/B7000001",
    "PL1301-2013000123", "reg.nr. PL1301-2013000123 (2013)", "x/PL1301-2013000123/y",
    "H700001", "hks:H700001",
])
def test_planted_id_inside_a_longer_text_is_found(ids: Identifiers, value: str) -> None:
    hits = scan_frame(planted(value), ids, "analysebestand.csv")
    assert kinds(hits) == {"id"}


def test_planted_numeric_id_in_a_number_column_is_found() -> None:
    found = build_identifiers([pd.DataFrame({"gcos_id": ["5551234"]})])
    frame = clean_frame().assign(nummer=[1, 5551234, 3, 4])
    assert kinds(scan_frame(frame, found, "a.csv")) == {"id"}
    as_float = clean_frame().assign(nummer=[1.0, 5551234.0, None, 4.0])
    assert kinds(scan_frame(as_float, found, "a.csv")) == {"id"}


def test_a_longer_id_that_merely_starts_like_an_input_id_is_not_a_hit(
        ids: Identifiers) -> None:
    for value in ["G7000011", "PL1301-2013000124", "XB7000001"]:
        assert scan_frame(planted(value), ids, "a.csv") == [], value


# --------------------------------------------------------------------------------------------
# Clean files pass
# --------------------------------------------------------------------------------------------


def test_clean_analysis_frame_has_no_hits(ids: Identifiers) -> None:
    assert scan_frame(clean_frame(), ids, "analysebestand.csv") == []


WRITERS: dict[str, Callable[[pd.DataFrame, Path], None]] = {
    "csv": write_csv, "parquet": write_parquet, "sav": write_sav,
}


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_clean_export_file_has_no_hits(ids: Identifiers, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"analysebestand.{fmt}"
    WRITERS[fmt](clean_frame(), path)
    assert scan_file(path, ids) == []


@pytest.mark.parametrize("fmt", sorted(WRITERS))
@pytest.mark.parametrize("value", ["van der Berg", "1980-02-01", "G700001"])
def test_planted_value_is_found_in_every_export_format(ids: Identifiers, tmp_path: Path,
                                                       fmt: str, value: str) -> None:
    path = tmp_path / f"analysebestand.{fmt}"
    WRITERS[fmt](planted(value), path)
    hits = scan_file(path, ids)
    assert hits
    assert all(h.file == path.name for h in hits)


def test_planted_value_in_a_text_file_is_found_by_line(ids: Identifiers,
                                                       tmp_path: Path) -> None:
    path = tmp_path / "codeboek.md"
    path.write_text("# Codeboek\n\nleeftijd: in jaren\n\nvoorbeeld: <b>Jansen</b>\n",
                    encoding="utf-8")
    hits = scan_file(path, ids)
    assert [(h.where, h.kind) for h in hits] == [
        ("line 5 (not the project's own text)", "achternaam")]


def test_planted_value_in_a_json_report_is_found(ids: Identifiers, tmp_path: Path) -> None:
    path = tmp_path / "auditrapport.json"
    path.write_text(json.dumps({"trechter": [{"stap": "x", "n": 3}],
                                "noot": ["ok", {"bestand": "subject_B7000001.csv"}]}))
    assert kinds(scan_file(path, ids)) == {"id"}


def test_the_projects_own_lines_are_not_scanned_but_every_other_line_is(
        ids: Identifiers, tmp_path: Path) -> None:
    path = tmp_path / "codeboek.md"
    path.write_text("Het hart van de zaak\nOpmerking: Jansen\n", encoding="utf-8")
    own = OwnText({"regel": Slot("the code book", own=frozenset({"Het hart van de zaak"}))})
    assert [(h.where, h.kind) for h in scan_file(path, ids, own)] == [
        ("line 2 (not the project's own text)", "achternaam")]


# --------------------------------------------------------------------------------------------
# Messages: file and column, never the value
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [
    "van der Berg", "Çelik", "1-2-1980", "19800201", "dossier G700001", "PL1301-2013000123",
])
def test_hit_message_names_file_and_column_but_never_the_value(ids: Identifiers,
                                                               value: str) -> None:
    hits = scan_frame(planted(value), ids, "analysebestand.csv")
    assert hits
    for hit in hits:
        message = str(hit)
        assert "analysebestand.csv" in message
        assert "opmerking" in message
        for form in (value, value.lower(), normalise_text(value), "berg", "celik", "1980",
                     "g700001", "2013000123"):
            assert form not in message.lower()


def test_hit_message_never_quotes_a_column_name_that_is_itself_an_identifier(
        ids: Identifiers) -> None:
    frame = clean_frame().assign(**{"Jansen": 1, "G700001": "x", "n_1-2-1980": 3})
    hits = scan_frame(frame, ids, "tabel.csv")
    assert kinds(hits) == {"achternaam", "id", "geboortedatum"}
    for hit in hits:
        message = str(hit).lower()
        assert "tabel.csv" in message
        assert "column" in message
        assert not any(v in message for v in ("jansen", "g700001", "1-2-1980", "1980"))


# --------------------------------------------------------------------------------------------
# publish_export: all or nothing
# --------------------------------------------------------------------------------------------


def _writers(frame: pd.DataFrame) -> dict[str, Callable[[Path], None]]:
    return {
        "analysebestand.csv": lambda p: write_csv(frame, p),
        "analysebestand.parquet": lambda p: write_parquet(frame, p),
        "codeboek.md": lambda p: p.write_text("# Codeboek\n", encoding="utf-8"),
    }


def _leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(".export"))


def test_publish_export_writes_a_clean_export(ids: Identifiers, tmp_path: Path) -> None:
    target = tmp_path / "export"
    files = publish_export(target, _writers(clean_frame()), ids, SCAN_ALL)
    assert sorted(p.name for p in target.iterdir()) == sorted(files)
    assert _leftovers(tmp_path) == []


def test_blocked_export_leaves_no_export_folder_and_no_staging_folder(
        ids: Identifiers, tmp_path: Path) -> None:
    target = tmp_path / "export"
    with pytest.raises(ExportBlocked) as info:
        publish_export(target, _writers(planted("van der Berg")), ids, SCAN_ALL)
    assert not target.exists()
    assert _leftovers(tmp_path) == []
    assert list(tmp_path.iterdir()) == []
    message = str(info.value)
    assert "analysebestand.csv" in message and "opmerking" in message
    assert "berg" not in message.lower()


def test_blocked_export_keeps_the_previous_export_intact(ids: Identifiers,
                                                         tmp_path: Path) -> None:
    target = tmp_path / "export"
    publish_export(target, _writers(clean_frame()), ids, SCAN_ALL)
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    with pytest.raises(ExportBlocked):
        publish_export(target, _writers(planted("1980-02-01")), ids, SCAN_ALL)
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before
    assert _leftovers(tmp_path) == []


def test_clean_export_replaces_the_previous_one_completely(ids: Identifiers,
                                                           tmp_path: Path) -> None:
    target = tmp_path / "export"
    target.mkdir()
    (target / "oud.csv").write_text("a\n1\n")
    publish_export(target, _writers(clean_frame()), ids, SCAN_ALL)
    assert not (target / "oud.csv").exists()
    assert (target / "analysebestand.csv").exists()
    assert _leftovers(tmp_path) == []


def test_failing_writer_leaves_no_export_and_no_staging(ids: Identifiers,
                                                        tmp_path: Path) -> None:
    def broken(path: Path) -> None:
        path.write_text("half")
        raise OSError("disk full")

    target = tmp_path / "export"
    with pytest.raises(OSError, match="disk full"):
        publish_export(target, {**_writers(clean_frame()), "z.csv": broken}, ids, SCAN_ALL)
    assert list(tmp_path.iterdir()) == []


def test_a_file_hash_that_happens_to_hold_a_birthdate_is_not_a_leak():
    from vhh.linkage.privacy.identifiers import Identifiers
    from vhh.linkage.privacy.leakscan import cell_hits

    ids = Identifiers(dates={"19800201"})
    digest = "ab" + "19800201" + "c" * 54
    assert cell_hits(f'"sha256": "{digest}"', ids) == []
    assert cell_hits("geboren 19800201", ids) == ["geboortedatum"]
