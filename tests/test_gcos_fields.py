"""GCOS as the reference study describes it (issue 15).

The leefgebieden are GCOS's own 11 tab titles, matched forgiving of case, accents and
spacing; a name that is no title is reported (per name, in secure/) and not counted, and
never quarantines a subject. A subject without kader and without discussion dates stays in
scope, is searched in BVH, and leaves after the BVH step as "te weinig GCOS-gegevens".
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from vhh.linkage.contract import LEEFGEBIEDEN, STUDY_KADERS
from vhh.linkage.errors import ConfigError
from vhh.linkage.io.readers import read_source
from vhh.linkage.privacy.keys import load_key
from vhh.linkage.settings import DEFAULT_CONFIG, ScopeSettings, load_settings
from vhh.linkage.study.scope import apply_scope, times_discussed
from vhh.linkage.synth.generate import generate
from vhh.linkage.synth.write import write_synth
from vhh.linkage.validate.domains import parse_domains
from vhh.linkage.validate.sources import validate_source
from vhh.pipelines.cli import main
from vhh.pipelines.study import run_study

from tests.conftest import make_study_folder

TITLES = LEEFGEBIEDEN


def test_the_default_configuration_is_the_studys():
    s = load_settings(DEFAULT_CONFIG)
    assert s.gcos.leefgebieden == TITLES and len(TITLES) == 11
    assert "denkwereld, gedrag, motivatie" in TITLES  # one title holds commas
    assert s.scope.kaders == STUDY_KADERS == (
        "Individuele risicoburgers", "Complexe jeugdzaken", "High Impact Crime")
    assert not any("veelpleger" in k.lower() for k in s.scope.kaders)
    assert (s.scope.period_start, s.scope.period_end) == (dt.date(2013, 1, 1),
                                                          dt.date(2013, 12, 31))
    assert (s.windows.quarter_months, s.windows.year_months) == (3, 12)


@pytest.mark.parametrize("cell, count", [
    ("dagbesteding;denkwereld, gedrag, motivatie;justitieel", 3),
    ("Dagbesteding; DENKWERELD,GEDRAG,MOTIVATIE ;Financien", 3),     # case, accents, spacing
    ("financiën;Financien;FINANCIËN", 1),                            # one domain, once
    ("wonen, justitieel, denkwereld, gedrag, motivatie", 3),          # joined with commas
    ("sociale  relaties\nlichamelijk welzijn", 2),                    # a line break separates
    ("", 0), (" ; ;", 0),
])
def test_titles_are_matched_forgiving_of_case_accents_and_spacing(cell, count):
    parsed = parse_domains(cell, TITLES)
    assert len(parsed.known) == count and parsed.unknown == ()


def test_a_name_that_is_no_title_is_returned_as_written_and_not_counted():
    parsed = parse_domains("Huisvesting;wonen; Politie en justitie", TITLES)
    assert parsed.known == {"wonen"}
    assert parsed.unknown == ("Huisvesting", "Politie en justitie")


def _spelled(title: str, how: int) -> str:
    if how == 1:
        return title.upper()
    if how == 2:  # accents dropped, spaces doubled, commas without space
        plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
        return plain.replace(" ", "  ").replace(",  ", ",")
    return title


@given(st.lists(st.tuples(st.sampled_from(TITLES), st.integers(0, 2)), max_size=15),
       st.sampled_from([";", " ; ", "; ", ", "]))
def test_any_selection_of_titles_counts_as_its_distinct_titles(chosen, separator):
    cell = separator.join(_spelled(t, how) for t, how in chosen)
    parsed = parse_domains(cell, TITLES)
    assert parsed.known == {t for t, _ in chosen} and parsed.unknown == ()


def _subjects(**columns: list[str]) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    base = {"bronrij": list(range(2, n + 2)), "gcos_id": [f"G{i}" for i in range(n)],
            "achternaam": ["Jansen"] * n, "tussenvoegsel": [""] * n, "voorletters": ["J."] * n,
            "voornamen": [""] * n, "geboortedatum": ["01-02-1990"] * n, "geslacht": ["M"] * n,
            "kader": ["Complexe jeugdzaken"] * n, "invoerdatum": [""] * n,
            "leefgebieden": [""] * n, "doelen": ["1"] * n, "besluiten": ["0"] * n,
            "acties": ["0"] * n}
    return pd.DataFrame({**base, **columns}).astype(object)


def test_what_does_not_make_a_subject_unusable_is_reported_not_quarantined():
    raw = _subjects(leefgebieden=["Huisvesting;wonen", "wonen", "", "Vrije tijd;vrije tijd"],
                    kader=["", "High Impact Crime", "Complexe jeugdzaken", "x"],
                    doelen=["ja", "2", "", "1"])
    v = validate_source("gcos_subjecten", raw, file="gcos.csv")
    assert v.quarantine.empty and len(v.valid) == 4
    assert list(v.valid["leefgebieden"]) == [1, 1, 0, 0]
    assert list(v.valid["doelen"]) == [1, 2, 0, 1]  # text counts as recorded
    assert dict(v.unknown_domains) == {"Huisvesting": 1, "Vrije tijd": 1, "vrije tijd": 1}
    remarks = v.remarks.groupby("opmerking")["bronrij"].apply(list).to_dict()
    assert remarks == {"geen_getal": [2], "kader_ontbreekt": [2],
                       "leefgebied_onbekend": [2, 5]}
    assert "Huisvesting" not in v.remarks.to_csv()  # the remarks hold no names


def test_a_subject_without_surname_or_birthdate_is_still_quarantined():
    raw = _subjects(achternaam=["", "Jansen"], geboortedatum=["01-02-1990", "31-02-1990"])
    v = validate_source("gcos_subjecten", raw, file="gcos.csv")
    assert len(v.quarantine) == 2 and v.valid.empty


def _config(tmp_path, extra: str):
    path = tmp_path / "c.toml"
    path.write_text(f'version = 1\nproject = "p"\n{extra}', "utf-8")
    return path


def test_leefgebieden_are_configurable_and_checked(tmp_path):
    own = load_settings(_config(tmp_path, '[gcos]\nleefgebieden = ["Wonen", "Werk"]\n'))
    assert own.gcos.leefgebieden == ("Wonen", "Werk")
    for bad in ('["Wonen", "WONEN "]', '["Wonen", "-"]', "[]",
                "[" + ", ".join(f'"d{i}"' for i in range(12)) + "]"):
        with pytest.raises(ConfigError, match="leefgebieden"):
            load_settings(_config(tmp_path, f"[gcos]\nleefgebieden = {bad}\n"))


def test_an_unknown_kader_is_not_another_kader():
    subjects = pd.DataFrame({"gcos_id": ["A", "B", "C", "D"],
                             "kader": ["", "high  impact CRIME", "Veelplegers", "  "]})
    besp = pd.DataFrame({"gcos_id": ["B"], "bespreekdatum": [pd.Timestamp("2013-03-01")]})
    kept, out = apply_scope(subjects, besp, ScopeSettings())
    assert dict(zip(kept["gcos_id"], kept["kader"], strict=True)) == {
        "A": "onbekend", "B": "High Impact Crime", "D": "onbekend"}
    assert out.to_dict() == {"C": "kader"}


def test_aantal_besproken_counts_every_discussion_whatever_its_date():
    besp = pd.DataFrame({"gcos_id": ["A", "A", "A", "B"], "bespreekdatum": pd.to_datetime(
        ["2011-05-01", "2013-03-01", "2013-03-01", "2014-06-01"])})
    assert times_discussed(besp).to_dict() == {"A": 3, "B": 1}


# ---- the done-when of issue 15: a GCOS extract with the study's domain titles ----------------

UNKNOWN = ("Huisvesting", "Vrije tijd", "Politie en justitie")


def _as_gcos_writes_them(cell: str, rng: np.random.Generator) -> str:
    """A cell as a real export might hold it: case and accents vary, some names unknown."""
    parts = [p for p in cell.split(";") if p]
    out = [_spelled(title, int(rng.integers(0, 3))) for title in parts]
    if parts and rng.random() < 0.1:
        out.insert(int(rng.integers(0, len(out) + 1)), str(rng.choice(UNKNOWN)))
    return ";".join(out)


@pytest.fixture(scope="module")
def gcos_study(tmp_path_factory):
    root = tmp_path_factory.mktemp("gcos_titles")
    config, key = make_study_folder(root)
    data = generate()
    rng = np.random.default_rng(15)
    cells = data.gcos_subjecten["leefgebieden"]
    data.gcos_subjecten["leefgebieden"] = [_as_gcos_writes_them(c, rng) for c in cells]
    write_synth(data, root)  # over the extracts make_study_folder wrote
    result = run_study(load_settings(config), load_key(key), root / "out")
    return data, result, cells


def test_a_gcos_extract_with_the_studys_titles_gives_the_studys_funnel(gcos_study):
    data, result, _ = gcos_study
    steps = {s.stap: s for s in result.report.trechter}
    assert steps["quarantaine"].uit == 2  # only the designed unusable rows
    assert [steps[s].rest for s in ("scope", "gevonden_bvh", "startdatum", "gevonden_hks")
            ] == [213, 198, 195, 138]
    assert steps["startdatum"].redenen == {"geen_startdatum": 3}
    lost = json.loads((result.secure_dir / "auditrapport_intern.json").read_text("utf-8"))
    third = {x["gcos_id"] for x in lost["verlies_per_subject"] if x["stap"] == "startdatum"}
    bare = data.gcos_subjecten.loc[data.gcos_subjecten["kader"] == "", "gcos_id"]
    assert third == set(bare) and len(third) == 3  # no kader, no discussions: searched in BVH


def test_leefgebieden_count_the_titles_whatever_their_spelling(gcos_study):
    data, result, clean = gcos_study
    raw = read_source("gcos_subjecten", result.export_dir.parent.parent / "input" /
                      "gcos_subjecten.csv").frame
    valid = validate_source("gcos_subjecten", raw, file="g.csv").valid.set_index("gcos_id")
    expected = pd.Series([len({p for p in c.split(";") if p}) for c in clean],
                         index=data.gcos_subjecten["gcos_id"])
    assert (valid["leefgebieden"] == expected.reindex(valid.index)).all()
    assert expected.sum() > 0
    internal = json.loads((result.secure_dir / "auditrapport_intern.json").read_text("utf-8"))
    names = internal["onbekende_leefgebieden"]
    assert names and set(names) <= set(UNKNOWN)
    listed = pd.read_csv(result.secure_dir / "onbekende_leefgebieden.csv")
    assert dict(zip(listed["naam"], listed["aantal"], strict=True)) == names
    remarks = result.report.validatie.opmerkingen["gcos_subjecten"]
    assert remarks["leefgebied_onbekend"] == sum(
        any(u in c for u in UNKNOWN) for c in data.gcos_subjecten["leefgebieden"])


def test_validate_counts_the_unknown_names_but_never_prints_one(gcos_study):
    _, result, _ = gcos_study
    root = result.export_dir.parent.parent
    done = CliRunner().invoke(main, ["validate", "--config", str(root / "config.toml")])
    assert done.exit_code == 1  # the two designed unusable rows
    assert "different leefgebied names are no title of [gcos] leefgebieden" in done.output
    assert "reported, not quarantined" in done.output
    assert not any(name in done.output for name in UNKNOWN)


def test_unknown_domain_names_stay_out_of_the_export(gcos_study):
    _, result, _ = gcos_study
    for path in result.export_dir.iterdir():
        if path.suffix in (".csv", ".json", ".html", ".md"):
            text = path.read_text("utf-8")
            assert "Huisvesting" not in text and "Politie en justitie" not in text, path.name
