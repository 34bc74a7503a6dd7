"""The synthetic data generator: its funnel design, truth, determinism and file conventions.

The checks here read the generated *text* with their own small parsers, independent of the
generator's internals, wherever they can.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import jellyfish
import numpy as np
import pandas as pd
import pytest
import vhh.linkage.synth
from hypothesis import given, settings
from hypothesis import strategies as st
from vhh.linkage.synth import SynthData, SynthSettings, generate, write_synth
from vhh.linkage.synth.codes import INCIDENT_CODES
from vhh.linkage.synth.dates import add_months, day
from vhh.linkage.synth.names import name_pool
from vhh.linkage.synth.noise import DEFAULT_KINDS, MULTI_KINDS, SLIP_KINDS
from vhh.linkage.synth.settings import KADERS_IN_SCOPE, LEEFGEBIEDEN

REPO = Path(__file__).resolve().parent.parent
CODE_TABLE = REPO / "config" / "incidentcodes_voorbeeld.csv"
REFERENCE_FUNNEL = {
    "gcos_gelezen": 240, "gcos_quarantaine": 2, "buiten_scope_kader": 15,
    "buiten_scope_periode": 10, "in_scope": 213, "niet_gevonden_geen_voorletter": 8,
    "niet_gevonden_geen_kandidaat": 7, "gevonden_bvh": 198, "te_weinig_gcos": 3,
    "geanalyseerd": 195, "gevonden_hks": 138, "bvh_quarantaine": 4, "hks_quarantaine": 2,
}
PERIOD = (pd.Timestamp("2013-01-01"), pd.Timestamp("2013-12-31"))  # the study's 2013
IN_SCOPE_KADERS = ("Individuele risicoburgers", "Complexe jeugdzaken", "High Impact Crime")


# ---- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def data() -> SynthData:
    return generate()


@pytest.fixture(scope="module")
def written(data: SynthData, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("synth")
    write_synth(data, root)
    return root


@pytest.fixture(scope="module")
def high() -> SynthData:
    return generate(SynthSettings(noise="high"))


def _read(root: Path, name: str) -> pd.DataFrame:
    enc, sep = ("cp1252", ",") if name == "hks_antecedenten" else ("utf-8", ";")
    return pd.read_csv(root / "input" / f"{name}.csv", sep=sep, encoding=enc, dtype=str,
                       keep_default_na=False)


def _truth(root: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(root / "truth" / f"{name}.csv", sep=";", dtype=str,
                       keep_default_na=False)


# ---- independent parsers of the written text ---------------------------------------------


def _parse_date(text: str) -> pd.Timestamp | None:
    """dd-mm-yyyy, d-m-yyyy or yyyy-mm-dd; None when it is not a real full date."""
    parts = text.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    y, m, d = (parts[0], parts[1], parts[2]) if len(parts[0]) == 4 else (parts[2], parts[1],
                                                                         parts[0])
    try:
        return pd.Timestamp(int(y), int(m), int(d))
    except ValueError:
        return None


def _fold(text: str) -> str:
    bare = "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))
    return "".join(c for c in bare.lower() if "a" <= c <= "z")


def _cores(achternaam: str) -> tuple[str, ...]:
    """Normalised surname components, and the joined double surname."""
    name = achternaam.split(",")[0]
    parts = [p.split()[-1] for p in name.split("-") if p.split()]
    comps = tuple(_fold(p) for p in parts)
    return comps + (("-".join(comps),) if len(comps) > 1 else ())


def _first_letter(voorletters: str, voornamen: str = "") -> str:
    text = voorletters.strip() or voornamen.strip()
    letters = [c for c in text.upper() if "A" <= c <= "Z"]
    if not letters:
        return ""
    return "I" if letters[0] == "Y" else letters[0]


def _one_slip(a: str, b: str) -> bool:
    """Equal, day/month swapped, one digit, or 10/100 years apart (yyyymmdd strings)."""
    if a == b or sum(x != y for x, y in zip(a, b, strict=True)) == 1:
        return True
    if a[:4] == b[:4] and a[4:6] == b[6:] and a[6:] == b[4:6]:
        return True
    return a[4:] == b[4:] and abs(int(a[:4]) - int(b[:4])) in (10, 100)


def _date_key(text: str) -> str:
    parsed = _parse_date(text)
    return "" if parsed is None else parsed.strftime("%Y%m%d")


def _identity(frame: pd.DataFrame, voornamen: bool = False) -> pd.DataFrame:
    return pd.DataFrame({
        "cores": frame["achternaam"].map(_cores),
        "letter": [_first_letter(v, n) for v, n in zip(
            frame["voorletters"], frame["voornamen"] if voornamen else [""] * len(frame),
            strict=True)],
        "bd": [_date_key(t) for t in frame["geboortedatum"]],
    }, index=frame.index)


def _similar(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return any(x == y or jellyfish.jaro_winkler_similarity(x, y) >= 0.85
               for x in a for y in b if x and y)


# ---- the public facade and settings --------------------------------------------------------


def test_public_facade_names_exactly_the_api() -> None:
    assert vhh.linkage.synth.__all__ == ["SynthData", "SynthSettings", "generate", "write_synth"]


def test_leefgebieden_are_an_immutable_tuple_of_eleven() -> None:
    assert isinstance(LEEFGEBIEDEN, tuple) and len(LEEFGEBIEDEN) == 11
    assert "financiën" in LEEFGEBIEDEN and "denkwereld, gedrag, motivatie" in LEEFGEBIEDEN


def test_kaders_are_the_reference_studys_and_the_veelplegers_are_out() -> None:
    assert KADERS_IN_SCOPE == IN_SCOPE_KADERS
    assert "Veelplegers" not in KADERS_IN_SCOPE


def test_example_code_table_is_mirrored_exactly() -> None:
    table = pd.read_csv(CODE_TABLE, sep=";", dtype=str)
    assert list(table.itertuples(index=False, name=None)) == list(INCIDENT_CODES)


def test_settings_refuse_a_design_that_does_not_fit() -> None:
    with pytest.raises(ValueError, match="exceeds subjects"):
        SynthSettings(subjects=10, no_initial=8, not_in_bvh=7)
    with pytest.raises(ValueError, match="analysed_in_hks"):
        SynthSettings(analysed_in_hks=500)
    with pytest.raises(ValueError, match="noise"):
        SynthSettings(noise="loud")
    with pytest.raises(ValueError, match="must be 0 or more"):
        SynthSettings(others=-1)
    with pytest.raises(ValueError, match="subjects must be 1 or more"):
        SynthSettings(subjects=0)


def test_design_counts_scale_with_subjects() -> None:
    reference = SynthSettings().design()
    double = SynthSettings(subjects=426).design()
    assert (reference.no_initial, reference.not_in_bvh, reference.analysed) == (8, 7, 195)
    assert (double.no_initial, double.not_in_bvh, double.no_startdatum) == (16, 14, 6)
    assert double.analysed == 426 - 16 - 14 - 6 and double.others == 3000
    assert double.analysed_in_hks == round(138 * double.analysed / 195)


# ---- the funnel ------------------------------------------------------------------------------


def test_default_reproduces_the_reference_funnel(data: SynthData) -> None:
    funnel = data.expected_funnel
    assert {k: funnel[k] for k in REFERENCE_FUNNEL} == REFERENCE_FUNNEL
    assert funnel["bvh_gelezen"] == len(data.bvh_incidenten)
    assert funnel["hks_gelezen"] == len(data.hks_antecedenten)


def test_subject_fates_add_up_to_the_funnel(data: SynthData) -> None:
    fate = data.subjects["fate"].value_counts()
    f = data.expected_funnel
    assert len(data.subjects) == len(data.gcos_subjecten) == f["gcos_gelezen"]
    assert fate["quarantined"] == f["gcos_quarantaine"]
    assert fate["out_of_scope_kader"] == f["buiten_scope_kader"]
    assert fate["out_of_scope_period"] == f["buiten_scope_periode"]
    in_scope = f["gcos_gelezen"] - f["gcos_quarantaine"] - f["buiten_scope_kader"] - f[
        "buiten_scope_periode"]
    assert in_scope == f["in_scope"]
    assert fate["no_initial"] == f["niet_gevonden_geen_voorletter"]
    assert fate["not_in_bvh"] == f["niet_gevonden_geen_kandidaat"]
    assert fate["no_startdatum"] == f["te_weinig_gcos"]
    assert fate["analysed"] == f["geanalyseerd"] == f["gevonden_bvh"] - f["te_weinig_gcos"]
    analysed = data.subjects[data.subjects["fate"] == "analysed"]
    assert int(analysed["in_hks"].sum()) == f["gevonden_hks"]
    others_in_hks = data.subjects["fate"].isin(["no_initial", "not_in_bvh", "no_startdatum"])
    assert not data.subjects.loc[others_in_hks, "in_hks"].any()


def test_written_gcos_files_show_the_designed_funnel(written: Path) -> None:
    gcos, besp = _read(written, "gcos_subjecten"), _read(written, "gcos_besprekingen")
    bad_birth = gcos["geboortedatum"].map(_parse_date).isna() & ~gcos[
        "geboortedatum"].str.startswith("00-")
    empty_surname = gcos["achternaam"].str.strip() == ""
    assert (bad_birth.sum(), empty_surname.sum()) == (1, 1)
    valid = gcos[~bad_birth & ~empty_surname]
    no_kader = valid["kader"] == ""  # an unknown kader is not another kader: in scope
    kader_in = valid["kader"].isin(IN_SCOPE_KADERS) | no_kader
    assert (~kader_in).sum() == 15
    dates = besp.assign(d=besp["bespreekdatum"].map(_parse_date))
    in_period = dates[(dates["d"] >= PERIOD[0]) & (dates["d"] <= PERIOD[1])]
    discussed = valid["gcos_id"].isin(dates["gcos_id"])
    out_of_period = kader_in & discussed & ~valid["gcos_id"].isin(in_period["gcos_id"])
    assert out_of_period.sum() == 10
    in_scope = valid[kader_in & ~out_of_period]
    assert len(in_scope) == 213
    no_initial = (in_scope["voorletters"] == "") & (in_scope["voornamen"] == "")
    assert no_initial.sum() == 8
    undiscussed = in_scope[~in_scope["gcos_id"].isin(dates["gcos_id"])]
    assert len(undiscussed) == 3
    # as in the study: only name, birthdate and invoerdatum; no kader, plan or domains
    assert list(undiscussed["gcos_id"]) == list(in_scope.loc[no_kader, "gcos_id"])
    for column in ("kader", "leefgebieden", "doelen", "besluiten", "acties"):
        assert (undiscussed[column] == "").all(), column
    assert (undiscussed["invoerdatum"] != "").all()


def test_subjects_are_12_to_75_at_their_start_and_jeugd_at_most_23(data: SynthData) -> None:
    counts = data.expected_counts.set_index("gcos_id")
    gcos = data.gcos_subjecten.set_index("gcos_id").loc[counts.index]
    birth = pd.to_datetime(gcos["geboortedatum"].map(_date_key), format="%Y%m%d")
    start = pd.to_datetime(counts["startdatum"])
    age = start.dt.year - birth.dt.year - (
        (start.dt.month * 100 + start.dt.day) < (birth.dt.month * 100 + birth.dt.day))
    assert age.between(12, 75).all()
    assert age[gcos["kader"] == "Complexe jeugdzaken"].between(12, 23).all()


def test_every_analysed_subject_has_two_clean_bvh_rows(written: Path) -> None:
    gcos = _read(written, "gcos_subjecten").set_index("gcos_id")
    bvh = _read(written, "bvh_incidenten").set_index("bvh_id")
    links, fates = _truth(written, "links"), _truth(written, "subjects")
    analysed = set(fates.loc[fates["fate"] == "analysed", "gcos_id"])
    subjects = _identity(gcos.loc[sorted(analysed)], voornamen=True)
    bvh_links = links[(links["bron"] == "bvh") & links["gcos_id"].isin(analysed)]
    rows = _identity(bvh.loc[bvh_links["record_id"]]).assign(
        gcos_id=bvh_links["gcos_id"].to_numpy())
    subject = subjects.loc[rows["gcos_id"]].to_numpy()
    exact = [bool(set(s[0]) & set(r[0])) and s[1] == r[1] and s[2] == r[2] != ""
             for s, r in zip(subject, rows[["cores", "letter", "bd"]].to_numpy(), strict=True)]
    per_subject = rows.assign(exact=exact).groupby("gcos_id")["exact"].sum()
    assert per_subject.reindex(sorted(analysed)).fillna(0).min() >= 2


def test_record_ids_are_unique_and_links_point_at_real_rows(data: SynthData) -> None:
    for frame, col in ((data.gcos_subjecten, "gcos_id"), (data.bvh_incidenten, "bvh_id"),
                       (data.hks_antecedenten, "hks_id")):
        assert frame[col].is_unique and (frame[col] != "").all()
    bvh_ids, hks_ids = set(data.bvh_incidenten["bvh_id"]), set(data.hks_antecedenten["hks_id"])
    by_source = data.links.groupby("bron")["record_id"].apply(set)
    assert by_source["bvh"] <= bvh_ids and by_source["hks"] <= hks_ids
    assert set(data.links["gcos_id"]) <= set(data.gcos_subjecten["gcos_id"])
    assert not data.links.duplicated(["bron", "record_id"]).any()
    assert set(data.quarantine["record_id"]) <= bvh_ids | hks_ids | set(
        data.gcos_subjecten["gcos_id"])


def test_designed_quarantine_rows_are_invalid_in_the_files(data: SynthData) -> None:
    q = data.quarantine
    bvh = data.bvh_incidenten.set_index("bvh_id")
    bad = bvh.loc[q.loc[q["reason"] == "unparseable_incidentdatum", "record_id"]]
    assert len(bad) == 3 and bad["incidentdatum"].map(_parse_date).isna().all()
    empty = bvh.loc[q.loc[q["reason"] == "empty_surname_and_birthdate", "record_id"]]
    assert len(empty) == 1 and (empty[["achternaam", "geboortedatum"]] == "").all().all()
    hks = data.hks_antecedenten.set_index("hks_id")
    bad_hks = hks.loc[q.loc[q["bron"] == "hks", "record_id"]]
    assert len(bad_hks) == 2 and bad_hks["pleegdatum"].map(_parse_date).isna().all()
    others = ~bvh.index.isin(q["record_id"])
    assert bvh.loc[others, "incidentdatum"].map(_parse_date).notna().all()


# ---- an honest adversary: traps, with their truth ----------------------------------------


def _rows_by_id(data: SynthData) -> pd.DataFrame:
    return pd.concat([data.bvh_incidenten.rename(columns={"bvh_id": "record_id"}),
                      data.hks_antecedenten.rename(columns={"hks_id": "record_id"})]
                     ).set_index("record_id")


_PARTICLES = {"van", "de", "der", "den", "het", "t", "te", "ter", "ten", "s", "d", "in", "op",
              "uit", "la", "le", "du", "von"}


def _name_key(achternaam: str, tussenvoegsel: str) -> str:
    """The surname's letters without its leading particles, however written."""
    words = (tussenvoegsel + " " + achternaam.split(",")[0]).replace("'", " ").split()
    while len(words) > 1 and words[0].lower() in _PARTICLES:
        words = words[1:]
    return _fold(" ".join(words))


def _initial_list(voorletters: str) -> list[str]:
    return [c for c in voorletters.upper() if "A" <= c <= "Z"]


def test_every_trap_is_generated_and_named_in_the_truth(data: SynthData) -> None:
    design = SynthSettings().design()
    assert set(data.traps["trap"]) == {"naamgenoot_andere_geboortedatum",
                                       "bijna_naamgenoot", "tweeling"}
    assert set(data.links["trap"]) >= {"", "schrijfwijze", "voorletters", "een_slip",
                                       "meer_slips", "geen_geboortedatum", "partnernaam"}
    assert data.subjects["naamgebruik"].value_counts().to_dict() == {
        "": 240 - design.partners, "N": design.partner_n, "V": design.partner_v,
        "P": design.partner_p, "R": design.partner_reverse}
    assert not set(data.traps["record_id"]) & set(data.links["record_id"])


def test_near_namesakes_share_birthdate_and_first_initial_not_the_second(data: SynthData
                                                                        ) -> None:
    gcos = data.gcos_subjecten.set_index("gcos_id")
    rows = _rows_by_id(data)
    near = data.traps[(data.traps["trap"] == "bijna_naamgenoot")
                      & (data.traps["noise"] == "none")]
    assert len(near) > 0
    for _, t in near.iterrows():
        mine, theirs = rows.loc[t["record_id"]], gcos.loc[t["gcos_id"]]
        assert _date_key(mine["geboortedatum"]) == _date_key(theirs["geboortedatum"])
        ours, subject = _initial_list(mine["voorletters"]), _initial_list(
            theirs["voorletters"] or "".join(w[0] for w in theirs["voornamen"].split()))
        assert ours[0] == subject[0] and ours[1] != subject[1]
        ours_name = _name_key(mine["achternaam"], mine["tussenvoegsel"])
        subject_name = _name_key(theirs["achternaam"], theirs["tussenvoegsel"])
        assert ours_name != subject_name
        assert jellyfish.levenshtein_distance(ours_name, subject_name) <= 2


def test_twins_share_surname_and_birthdate_not_their_initials(data: SynthData) -> None:
    gcos = data.gcos_subjecten.set_index("gcos_id")
    rows = _rows_by_id(data)
    twins = data.traps[(data.traps["trap"] == "tweeling") & (data.traps["noise"] == "none")]
    assert len(twins) > 0
    for _, t in twins.iterrows():
        mine, theirs = rows.loc[t["record_id"]], gcos.loc[t["gcos_id"]]
        assert _date_key(mine["geboortedatum"]) == _date_key(theirs["geboortedatum"])
        assert set(_cores(mine["achternaam"])) & set(_cores(theirs["achternaam"]))
        subject = _initial_list(theirs["voorletters"] or "".join(
            w[0] for w in theirs["voornamen"].split()))
        assert _initial_list(mine["voorletters"])[:2] != subject[:2]


def test_partner_name_rows_carry_the_other_name(data: SynthData) -> None:
    gcos = data.gcos_subjecten.set_index("gcos_id")
    rows = _rows_by_id(data)
    partner = data.links[data.links["trap"] == "partnernaam"]
    assert len(partner) > 0
    for _, link in partner.iterrows():
        police, subject = rows.loc[link["record_id"]], gcos.loc[link["gcos_id"]]
        assert _cores(police["achternaam"]) != _cores(subject["achternaam"])
        assert _date_key(police["geboortedatum"]) == _date_key(subject["geboortedatum"])


def test_some_police_rows_have_no_birthdate_and_are_not_set_apart(data: SynthData) -> None:
    rows = _rows_by_id(data)
    missing = data.links.loc[data.links["noise"] == "birthdate_missing", "record_id"]
    assert len(missing) > 0 and (rows.loc[missing, "geboortedatum"] == "").all()
    assert not set(missing) & set(data.quarantine["record_id"])


def test_default_noise_holds_slips_of_one_and_of_more_than_one(data: SynthData) -> None:
    kinds = set(data.links["noise"]) | set(data.traps["noise"])
    assert {"prefix_in_surname", "upper_case", "initials_notation",
            "initials_extra_or_missing"} <= kinds
    assert len(kinds & set(SLIP_KINDS)) >= 4 and len(kinds & set(MULTI_KINDS)) >= 2
    share = data.links["noise"].isin(SLIP_KINDS + MULTI_KINDS).mean()
    assert 0.01 < share < 0.1


def test_more_than_one_slip_means_more_than_one(high: SynthData) -> None:
    gcos = high.gcos_subjecten.set_index("gcos_id")
    rows = _rows_by_id(high)
    links = high.links.set_index("record_id")
    births = gcos["geboortedatum"].map(_date_key)
    for kind in ("birthdate_days_across_month", "birthdate_year_digits_swapped",
                 "birthdate_swap_and_digit"):
        ids = links.index[links["noise"] == kind]
        assert len(ids) > 0, kind
        for a, b in zip(rows.loc[ids, "geboortedatum"].map(_date_key),
                        births.loc[links.loc[ids, "gcos_id"]], strict=True):
            assert a != b and not _one_slip(a, b), kind


def test_surnames_come_from_fakers_whole_list(data: SynthData) -> None:
    cores = name_pool(2013).core
    assert any(" van " in c for c in cores)  # "Wouters van Eijndhoven"
    assert any("-" in c for c in cores)      # "Coret-Coredo"
    everyone = pd.concat([data.gcos_subjecten["achternaam"], data.bvh_incidenten["achternaam"]])
    assert everyone.str.contains("-").any()


def test_an_empty_hks_extract_can_be_asked_for() -> None:
    empty = generate(SynthSettings(hks_empty=True))
    assert empty.hks_antecedenten.empty
    assert list(empty.hks_antecedenten.columns)[0] == "hks_id"
    assert empty.expected_funnel["gevonden_hks"] == 0
    assert empty.expected_funnel["gevonden_bvh"] == 198


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=pd.Timestamp("1950-01-01").date(),
                max_value=pd.Timestamp("2014-12-31").date()),
       st.sampled_from([-12, -3, 1, 3, 12]))
def test_month_arithmetic_clamps_like_pandas(d, months) -> None:
    ours = add_months(np.array([day(d.isoformat())]), months)[0]
    theirs = pd.Timestamp(d) + pd.DateOffset(months=months)
    assert np.datetime64(int(ours), "D") == np.datetime64(theirs.date())


# ---- noise ---------------------------------------------------------------------------------


def test_high_noise_applies_every_kind(high: SynthData) -> None:
    kinds = set(high.links["noise"]) | set(high.traps["noise"])
    assert set(SLIP_KINDS) | set(MULTI_KINDS) <= kinds
    assert len(kinds & set(DEFAULT_KINDS)) >= 6


def test_high_noise_keeps_the_funnel(high: SynthData, data: SynthData) -> None:
    assert {k: high.expected_funnel[k] for k in REFERENCE_FUNNEL} == REFERENCE_FUNNEL


# ---- determinism and files -------------------------------------------------------------------


def _file_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def test_same_seed_gives_byte_identical_files_across_processes(written: Path,
                                                               tmp_path: Path) -> None:
    code = ("import sys; from pathlib import Path; from vhh.linkage.synth import generate, "
            "write_synth; write_synth(generate(), Path(sys.argv[1]))")
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(REPO)}
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True, env=env,
                   cwd=REPO)
    assert _file_bytes(tmp_path) == _file_bytes(written)


def test_different_seed_gives_different_data(data: SynthData) -> None:
    other = generate(SynthSettings(seed=7))
    assert not other.gcos_subjecten.equals(data.gcos_subjecten)
    assert set(other.bvh_incidenten["achternaam"]) != set(data.bvh_incidenten["achternaam"])
    assert {k: other.expected_funnel[k] for k in REFERENCE_FUNNEL} == REFERENCE_FUNNEL


def test_csv_conventions_and_round_trip(data: SynthData, written: Path) -> None:
    hks_bytes = (written / "input" / "hks_antecedenten.csv").read_bytes()
    assert hks_bytes.startswith(b"hks_id,pleegdatum,") and b"\r\n" in hks_bytes
    with pytest.raises(UnicodeDecodeError):
        hks_bytes.decode("utf-8")  # non-ASCII names are written as single cp1252 bytes
    for name in ("gcos_subjecten", "gcos_besprekingen", "bvh_incidenten", "hks_antecedenten"):
        back = _read(written, name)
        pd.testing.assert_frame_equal(back, getattr(data, name).reset_index(drop=True),
                                      check_dtype=False)
    first = (written / "input" / "gcos_subjecten.csv").read_text(encoding="utf-8")
    row = next(csv.reader(io.StringIO(first.splitlines()[1]), delimiter=";"))
    assert len(row) == 13 and ";" in "".join(data.gcos_subjecten["leefgebieden"])


def test_truth_files_are_written(data: SynthData, written: Path) -> None:
    funnel = json.loads((written / "truth" / "expected_funnel.json").read_text("utf-8"))
    assert funnel == data.expected_funnel
    for name in ("links", "subjects", "quarantine", "expected_counts"):
        assert len(_truth(written, name)) == len(getattr(data, name))
    assert not list(written.rglob("*.tmp"))


def test_a_failed_write_leaves_neither_file_nor_temporary(tmp_path: Path) -> None:
    from vhh.linkage.synth.write import _atomic

    def half_then_fail(tmp: Path) -> None:
        tmp.write_text("gcos_id;achter", encoding="utf-8")
        raise OSError("disk full")

    target = tmp_path / "input" / "gcos_subjecten.csv"
    with pytest.raises(OSError, match="disk full"):
        _atomic(target, half_then_fail)
    assert list(tmp_path.rglob("*")) == [tmp_path / "input"]


def test_parquet_round_trip(data: SynthData, tmp_path: Path) -> None:
    paths = write_synth(data, tmp_path, fmt="parquet")
    back = pd.read_parquet(paths["bvh_incidenten"])
    pd.testing.assert_frame_equal(back, data.bvh_incidenten.reset_index(drop=True),
                                  check_dtype=False)
    with pytest.raises(ValueError, match="fmt"):
        write_synth(data, tmp_path, fmt="xlsx")


def test_default_generation_is_fast() -> None:
    start = time.perf_counter()
    generate(SynthSettings(seed=99))
    assert time.perf_counter() - start < 10


def test_a_larger_design_keeps_its_funnel() -> None:
    big = generate(SynthSettings(subjects=1000, seed=3))
    design = SynthSettings(subjects=1000).design()
    fate = big.subjects["fate"].value_counts()
    assert fate["analysed"] == design.analysed == big.expected_funnel["geanalyseerd"]
    assert fate["no_initial"] == design.no_initial
    assert len(big.expected_counts) == design.analysed


# ---- window ground truth --------------------------------------------------------------------


def _recount(root: Path) -> pd.DataFrame:
    """The expected counts, recomputed from the written files alone."""
    besp = _read(root, "gcos_besprekingen")
    besp["d"] = besp["bespreekdatum"].map(_parse_date)
    in_period = besp[(besp["d"] >= PERIOD[0]) & (besp["d"] <= PERIOD[1])]
    start = in_period.groupby("gcos_id")["d"].min()
    links, quarantine = _truth(root, "links"), _truth(root, "quarantine")
    links = links[~links["record_id"].isin(quarantine["record_id"])]
    category = pd.read_csv(CODE_TABLE, sep=";", dtype=str).set_index("code")["categorie"]
    bvh = _read(root, "bvh_incidenten").merge(
        links[links["bron"] == "bvh"], left_on="bvh_id", right_on="record_id")
    bvh = bvh[bvh["mk_code"].map(category).isin(["misdrijf", "overtreding"])]
    bvh = bvh.drop_duplicates(["gcos_id", "registratienummer"])
    hks = _read(root, "hks_antecedenten").merge(
        links[links["bron"] == "hks"], left_on="hks_id", right_on="record_id")
    events = {"bvh": bvh.assign(d=bvh["incidentdatum"].map(_parse_date)),
              "hks": hks.assign(d=hks["pleegdatum"].map(_parse_date))}
    out = {}
    for gid, s in start.items():
        row = {"startdatum": s.strftime("%Y-%m-%d")}
        for src, ev in events.items():
            d = ev.loc[ev["gcos_id"] == gid, "d"]
            for name, months in (("kwartaal_voor", -3), ("jaar_voor", -12),
                                 ("kwartaal_na", 3), ("jaar_na", 12)):
                edge = s + pd.DateOffset(months=months)
                lo, hi = (edge, s) if months < 0 else (s, edge)
                row[f"{src}_{name}"] = str(int(((d >= lo) & (d < hi)).sum()))
        out[gid] = row
    return pd.DataFrame.from_dict(out, orient="index")


def test_expected_counts_match_an_independent_recount(written: Path) -> None:
    expected = _truth(written, "expected_counts").set_index("gcos_id")
    recount = _recount(written)
    fates = _truth(written, "subjects").set_index("gcos_id")["fate"]
    assert set(expected.index) == set(fates.index[fates == "analysed"])
    pd.testing.assert_frame_equal(recount.loc[expected.index, expected.columns], expected,
                                  check_names=False)


def test_design_covers_the_edge_cases(data: SynthData) -> None:
    counts = data.expected_counts.set_index("gcos_id")
    starts = pd.to_datetime(counts["startdatum"])
    assert {"2013-02-28", "2013-03-31", "2013-12-31"} <= set(counts["startdatum"])
    links = data.links[(data.links["bron"] == "bvh") & data.links["gcos_id"].isin(counts.index)]
    bvh = data.bvh_incidenten.set_index("bvh_id").loc[links["record_id"]]
    dates = bvh["incidentdatum"].map(_date_key).to_numpy()
    for months in (0, -12, 3):
        edge = (starts + pd.DateOffset(months=months)).dt.strftime("%Y%m%d")
        assert (dates == edge.reindex(links["gcos_id"]).to_numpy()).any(), months
    per_subject = links.groupby("gcos_id").size()
    assert per_subject.max() > 100
    codes = bvh["mk_code"].str[0].groupby(links["gcos_id"].to_numpy()).agg(set)
    traffic_only = codes[codes.map(lambda c: c == {"V"})].index
    analysed = data.subjects.loc[data.subjects["fate"] == "analysed", "gcos_id"]
    assert len(set(traffic_only) & set(analysed)) >= 1
    assert (counts.loc[counts.index.isin(traffic_only)].filter(like="bvh_") == 0).all().all()
