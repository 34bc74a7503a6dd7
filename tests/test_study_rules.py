"""Hand-made cases with known answers for the study's rules (scope, filters, variables)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
from vhh.linkage.report.descriptives import descriptives
from vhh.linkage.report.funnel import check_funnel
from vhh.linkage.report.model import FunnelStep
from vhh.linkage.settings import FilterSettings, ScopeSettings, WindowSettings
from vhh.linkage.study.filters import filter_bvh
from vhh.linkage.study.scope import apply_scope, start_dates
from vhh.linkage.study.variables import age_at, gcos_variables, year_quarter

SCOPE = ScopeSettings(kaders=("Veelplegers",), period_start=dt.date(2012, 1, 1),
                      period_end=dt.date(2013, 12, 31))
CODES = pd.Series({"F110": "misdrijf", "E110": "overtreding", "V110": "verkeer",
                   "A110": "administratief"})


def _besp(rows):
    return pd.DataFrame(rows, columns=["gcos_id", "bespreekdatum"]).assign(
        bespreekdatum=lambda f: pd.to_datetime(f["bespreekdatum"]))


def test_first_discussion_in_2012_and_again_in_2013_starts_in_2012():
    besp = _besp([("G1", "2013-03-01"), ("G1", "2012-06-15"), ("G1", "2011-01-01")])
    assert start_dates(besp, SCOPE, WindowSettings())["G1"] == pd.Timestamp("2012-06-15")
    ever = start_dates(besp, SCOPE, WindowSettings(start="first_ever"))["G1"]
    assert ever == pd.Timestamp("2011-01-01")


def test_scope_sets_aside_by_kader_and_period_but_keeps_the_undiscussed():
    subjects = pd.DataFrame({"gcos_id": ["A", "B", "C", "D"],
                             "kader": ["Veelplegers", "Radicalisering", "veelplegers",
                                       "Veelplegers"]})
    besp = _besp([("A", "2012-02-01"), ("B", "2012-02-01"), ("C", "2014-02-01")])
    kept, out = apply_scope(subjects, besp, SCOPE)
    assert list(kept["gcos_id"]) == ["A", "D"]
    assert out.to_dict() == {"B": "kader", "C": "periode"}


def _rows(codes, roles=None, regs=None):
    n = len(codes)
    return pd.DataFrame({"gcos_id": "G1", "mk_code": codes, "rol": roles or ["verdachte"] * n,
                         "registratienummer": regs or [f"R{i}" for i in range(n)]})


def test_only_traffic_incidents_are_found_but_count_zero():
    out = filter_bvh(_rows(["V110", "V110"]), CODES, FilterSettings())
    assert list(out.reden) == ["categorie_verkeer", "categorie_verkeer"]


def test_unknown_codes_are_listed_and_dropped_by_default_or_counted():
    rows = _rows(["X999", "X999", "F110"])
    dropped = filter_bvh(rows, CODES, FilterSettings())
    assert list(dropped.reden) == ["onbekende_code", "onbekende_code", ""]
    assert dropped.unknown_codes == {"X999": 2}
    counted = filter_bvh(rows, CODES, FilterSettings(unknown_codes="count"))
    assert list(counted.reden) == ["", "", ""]
    assert counted.unknown_codes == {"X999": 2}


def test_role_restriction_and_counts_per_role():
    rows = _rows(["F110", "F110"], roles=["verdachte", "slachtoffer"])
    out = filter_bvh(rows, CODES, FilterSettings(roles=("verdachte",)))
    assert list(out.reden) == ["", "rol_niet_geteld"]
    assert out.per_role == {"slachtoffer": 1, "verdachte": 1}


def test_duplicate_registration_for_one_person_counts_once():
    rows = _rows(["F110", "E110", "F110"], regs=["R1", "R1", "R2"])
    out = filter_bvh(rows, CODES, FilterSettings())
    assert list(out.reden) == ["", "dubbele_registratie", ""]


def test_age_in_whole_years_and_partial_birthdates():
    on = pd.Series(pd.to_datetime(["2013-05-10", "2013-05-09", "2013-05-10"]))
    ages = age_at(pd.Series(["19800510", "19800510", "19800000"]), on)
    assert list(ages) == [33, 32, 32]  # unknown month counts as 1 July


def test_study_variables_as_the_study_defined_them():
    subjects = pd.DataFrame({"gcos_id": ["G1", "G2"], "kader": ["Jeugd ", "Veelplegers"],
                             "geslacht": [1, 9], "geboortedatum": ["20000101", "19700615"],
                             "leefgebieden": [11, 3], "doelen": [2, 0], "besluiten": [0, 0],
                             "acties": [1, 0]})
    starts = pd.Series(pd.to_datetime(["2013-05-10", "2012-12-31"]), index=["G1", "G2"])
    out = gcos_variables(subjects, starts, pd.Series({"G1": 3}))
    assert out.loc["G1", "leefgebieden_8plus"] == 8 and out.loc["G2", "leefgebieden_8plus"] == 3
    assert out.loc["G1", "plan_van_aanpak"] == 2 and out.loc["G2", "plan_van_aanpak"] == 0
    assert out.loc["G1", "aantal_besproken"] == 3 and out.loc["G2", "aantal_besproken"] == 0
    assert out.loc["G1", "kader"] == "Jeugd"
    assert list(year_quarter(starts)) == ["2013-Q2", "2012-Q4"]


def test_funnel_arithmetic_catches_a_step_that_does_not_add_up():
    steps = [FunnelStep.of("a", "", 10, 2, {"x": 2}), FunnelStep.of("b", "", 8, 1, {})]
    assert check_funnel(steps) == []
    steps[1] = dataclasses.replace(steps[1], inn=9, rest=8)
    assert check_funnel(steps) == ["step 'b': in differs from the previous step's rest"]


def test_descriptive_table_like_table_5_1(demo_run):
    analysis = pd.read_parquet(demo_run.export / "analysebestand.parquet")
    table = descriptives(analysis, small_cell=5)
    rows = {r.variabele: r for r in table.numeriek}
    assert rows["aantal_besproken"].n == 195
    assert rows["aantal_besproken"].min >= 1
    assert abs(rows["bvh_jaar_voor"].gemiddelde - analysis["bvh_jaar_voor"].mean()) < 0.01
    assert rows["leefgebieden"].max <= 11
    freq = {r.waarde: r.aantal for r in table.frequenties["gevonden_hks"]}
    assert freq == {"False": "57", "True": "138"}
    report_rows = {r.variabele: r for r in demo_run.result.report.beschrijvend.numeriek}
    # computed on the file as exported: age is banded there, so the report shows no age
    assert report_rows["leeftijd"].n == 0 and report_rows["leeftijd"].onderdrukt
    assert report_rows["leeftijd"].min is None and report_rows["leeftijd"].max is None


def test_published_descriptives_obey_the_disclosure_settings(demo_run):
    report = demo_run.result.report
    protection = {m.variabele for m in report.privacy.maatregelen}
    exported = pd.read_parquet(demo_run.export / "analysebestand.parquet")
    small = report.beschrijvend.kleine_cellen_drempel
    top = demo_run.settings.privacy.top_code
    assert {"bvh_jaar_voor", "bvh_jaar_na"} <= protection  # the demo is top-coded at 20
    for row in report.beschrijvend.numeriek:
        if row.variabele in protection:
            assert row.min is None and row.max is None, row.variabele
        values = pd.to_numeric(exported[row.variabele], errors="coerce").dropna()
        assert row.n == len(values), row.variabele  # the file as exported, not before
        for extreme in (row.min, row.max):
            if extreme is not None:
                assert (values == extreme).sum() >= small and extreme <= max(top, 11)
        if row.gemiddelde is not None:
            assert abs(row.gemiddelde - values.mean()) < 0.01


def test_funnel_order_decides_where_a_subject_failing_two_steps_leaves():
    from vhh.linkage.report.accounting import build_funnel

    leaves = {"scope": pd.Series({"A": "kader"}),
              "gevonden_bvh": pd.Series({"B": "geen_kandidaat", "C": "geen_voorletter"}),
              "startdatum": pd.Series({"C": "geen_startdatum", "D": "geen_startdatum"})}
    study = build_funnel(10, 1, leaves, ("scope", "gevonden_bvh", "startdatum"), 5, 3)
    other = build_funnel(10, 1, leaves, ("scope", "startdatum", "gevonden_bvh"), 5, 3)
    assert [s.uit for s in study] == [1, 1, 2, 1, 2]
    assert [s.uit for s in other] == [1, 1, 2, 1, 2]
    assert study[2].redenen["geen_voorletter"] == 1 and study[3].uit == 1
    assert other[2].stap == "startdatum" and other[2].uit == 2
    assert other[3].redenen == {"geen_voorletter": 0, "geen_kandidaat": 1,
                                "alleen_ter_beoordeling": 0}
    assert check_funnel(other) == []
