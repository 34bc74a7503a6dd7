"""vhh-link analyse agrees with independent programs on the demo's export (action = report).

GNU PSPP redoes the t-tests, the correlations and the Wilcoxon tests on
``analysebestand.sav``; every number it prints must match ours to the precision it prints
(half a unit of its last digit). R redoes the same tests at full precision, and the
negative-binomial models with MASS: ``glm(..., family = negative.binomial(1))`` with
standard errors at dispersion 1, the interaction models, ``glm.nb`` for the estimated
dispersion, and the sandwich errors by hand; B and SE must agree to 1e-4. The tests skip
only when the program is not installed (``.ci/run`` installs both).
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from vhh.pipelines.analyse import analyse_export

PSPP = shutil.which("pspp")
RSCRIPT = shutil.which("Rscript")
MEASURES = ("bvh_kwartaal", "bvh_jaar", "hks_kwartaal", "hks_jaar")
TABLE_71 = ("hks_kwartaal_na", "hks_jaar_na", "hks_kwartaal_voor", "hks_jaar_voor",
            "leeftijd", "aantal_besproken", "plan_van_aanpak", "leefgebieden_8plus")
needs_pspp = pytest.mark.skipif(PSPP is None, reason="needs GNU PSPP (apt-get install pspp)")
needs_r = pytest.mark.skipif(RSCRIPT is None, reason="needs R and MASS "
                             "(apt-get install r-base-core r-cran-mass)")

PSPP_SYNTAX = """\
GET FILE='{sav}'.
T-TEST PAIRS=bvh_kwartaal_voor bvh_jaar_voor WITH bvh_kwartaal_na bvh_jaar_na (PAIRED).
NPAR TESTS /WILCOXON=bvh_kwartaal_voor bvh_jaar_voor WITH bvh_kwartaal_na bvh_jaar_na (PAIRED).
SELECT IF gevonden_hks = 1.
T-TEST PAIRS=hks_kwartaal_voor hks_jaar_voor WITH hks_kwartaal_na hks_jaar_na (PAIRED).
NPAR TESTS /WILCOXON=hks_kwartaal_voor hks_jaar_voor WITH hks_kwartaal_na hks_jaar_na (PAIRED).
CORRELATIONS /VARIABLES={table_71} /PRINT=TWOTAIL NOSIG.
"""

R_SCRIPT = Path(__file__).parent / "data" / "analyse_check.R"


@pytest.fixture(scope="module")
def ours(demo_report_run, tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("analyse_buiten")
    analyse_export(demo_report_run.export / "analysebestand.sav", out,
                   demo_report_run.settings.privacy)
    return json.loads((out / "analyse.json").read_text("utf-8"))


def agrees(value: float, printed: str) -> bool:
    """``value`` rounds to what a program printed (``.754[a]``, ``-.05``, ``194``)."""
    text = re.sub(r"\[[a-z]\]", "", printed).strip()
    decimals = len(text.split(".")[1]) if "." in text else 0
    return abs(value - float(text)) <= 0.5 * 10 ** -decimals + 1e-9


def pspp_tables(output: str) -> list[tuple[str, list[list[str]]]]:
    tables = []
    for block in output.split("\n\n"):
        lines = block.strip().splitlines()
        if lines and lines[0].startswith("Table: "):
            tables.append((lines[0][7:], list(csv.reader(io.StringIO("\n".join(lines[1:]))))))
    return tables


@pytest.fixture(scope="module")
def pspp(demo_report_run, tmp_path_factory) -> list[tuple[str, list[list[str]]]]:
    folder = tmp_path_factory.mktemp("pspp")
    syntax = folder / "check.sps"
    syntax.write_text(PSPP_SYNTAX.format(sav=demo_report_run.export / "analysebestand.sav",
                                         table_71=" ".join(TABLE_71)), "utf-8")
    subprocess.run([PSPP, str(syntax), "-o", str(folder / "out.csv"), "-O", "format=csv"],
                   check=True, capture_output=True, timeout=60)
    return pspp_tables((folder / "out.csv").read_text("utf-8"))


def _named(tables: list[tuple[str, list[list[str]]]], title: str) -> list[list[list[str]]]:
    return [rows for name, rows in tables if name == title]


@needs_pspp
def test_paired_t_tests_agree_with_pspp(ours, pspp):
    tests = {t["maat"]: t for t in ours["t_toetsen"]}
    printed = [row for rows in _named(pspp, "Paired Samples Test") for row in rows
               if row and row[0].startswith("Pair")]
    stats = [row for rows in _named(pspp, "Paired Sample Statistics") for row in rows[1:]]
    assert len(printed) == 4 and len(stats) == 8
    for k, maat in enumerate(MEASURES):
        t = tests[maat]
        _, _, mean, sd, _, low, high, t_value, df, p = printed[k]
        for value, text in ((t["verschil"], mean), (t["verschil_sd"], sd), (t["ci_laag"], low),
                            (t["ci_hoog"], high), (t["t"], t_value), (t["df"], df),
                            (t["p"], p)):
            assert agrees(value, text), (maat, value, text)
        before, after = stats[2 * k], stats[2 * k + 1]
        assert int(before[2]) == int(after[2]) == t["n"]
        assert agrees(t["voor_gemiddelde"], before[3]) and agrees(t["voor_sd"], before[4])
        assert agrees(t["na_gemiddelde"], after[3]) and agrees(t["na_sd"], after[4])
    assert [tests[m]["n"] for m in MEASURES] == [195, 195, 138, 138]


@needs_pspp
def test_table_7_1_agrees_with_pspp(ours, pspp):
    c = ours["correlaties"]
    assert c["variabelen"] == list(TABLE_71) and c["n"] == 138
    (rows,) = _named(pspp, "Correlations")
    body = rows[1:]
    for i in range(len(TABLE_71)):
        r_row, p_row, n_row = body[3 * i], body[3 * i + 1], body[3 * i + 2]
        for j in range(len(TABLE_71)):
            assert int(n_row[2 + j]) == c["n_paren"][i][j]
            assert agrees(c["r"][i][j], r_row[2 + j]), (i, j)
            if i != j:
                assert agrees(c["p"][i][j], p_row[2 + j]), (i, j)
                assert ("[a]" in r_row[2 + j]) == (c["p"][i][j] < 0.05)


@needs_pspp
def test_wilcoxon_tests_agree_with_pspp(ours, pspp):
    ranks = {w["maat"]: w for w in ours["buiten_studie"]["wilcoxon"]}
    printed = [rows for rows in _named(pspp, "Test Statistics")]
    z = [v for rows in printed for v in rows[1][1:]]
    p = [v for rows in printed for v in rows[2][1:]]
    for k, maat in enumerate(MEASURES):
        assert agrees(ranks[maat]["z"], z[k]) and agrees(ranks[maat]["p"], p[k]), maat


@pytest.fixture(scope="module")
def r_values(demo_report_run) -> dict[str, float]:
    done = subprocess.run([RSCRIPT, "--vanilla", str(R_SCRIPT),
                           str(demo_report_run.export / "analysebestand.csv"),
                           ",".join(TABLE_71)], capture_output=True, text=True, timeout=120)
    if "there is no package called" in done.stderr:
        pytest.skip("R is installed but MASS is not (apt-get install r-cran-mass)")
    assert done.returncode == 0, done.stderr[-2000:]
    return {k: float(v) for k, v in (line.split("=") for line in done.stdout.splitlines())}


@needs_r
def test_t_tests_correlations_and_wilcoxon_agree_with_r_at_full_precision(ours, r_values):
    for t in ours["t_toetsen"]:
        for key in ("t", "df", "p", "verschil", "ci_laag", "ci_hoog"):
            assert t[key] == pytest.approx(r_values[f"t/{t['maat']}/{key}"], rel=1e-9)
    for w in ours["buiten_studie"]["wilcoxon"]:
        assert w["p"] == pytest.approx(r_values[f"w/{w['maat']}/p"], rel=1e-9)
    c = ours["correlaties"]
    for i, a in enumerate(TABLE_71):
        for j, b in enumerate(TABLE_71[i + 1:], start=i + 1):
            assert c["r"][i][j] == pytest.approx(r_values[f"r/{a}/{b}"], abs=1e-12)
            assert c["p"][i][j] == pytest.approx(r_values[f"rp/{a}/{b}"], rel=1e-6, abs=1e-15)


def _r_name(parameter: str) -> str:
    return parameter.replace("*", ":")


def _assert_model(model: dict, prefix: str, r_values: dict[str, float], se: bool = True):
    for c in model["coefficienten"]:
        name = _r_name(c["parameter"])
        assert c["b"] == pytest.approx(r_values[f"{prefix}/{name}/b"], abs=1e-4), name
        if se:
            assert c["se"] == pytest.approx(r_values[f"{prefix}/{name}/se"], abs=1e-4), name
        assert c["ci_laag"] == pytest.approx(c["b"] - 1.959964 * c["se"], abs=1e-6)
        assert c["wald_chi2"] == pytest.approx((c["b"] / c["se"]) ** 2, rel=1e-9)


@needs_r
def test_table_7_2_agrees_with_r_negative_binomial_1(ours, r_values):
    model = ours["regressie"]
    assert (model["afhankelijke"], model["dispersie"], model["n"]) == ("hks_jaar_na", 1.0, 138)
    assert [c["parameter"] for c in model["coefficienten"]] == [
        "(Intercept)", "hks_jaar_voor", "leeftijd", "aantal_besproken", "plan_van_aanpak",
        "leefgebieden_8plus"]
    _assert_model(model, "studie", r_values)
    assert model["loglikelihood"] == pytest.approx(r_values["studie/loglik"], abs=1e-4)
    wald = {c["parameter"]: c["wald_chi2"] for c in model["coefficienten"]}
    assert {e["effect"]: e["wald_chi2"] for e in model["type3"]} == pytest.approx(wald)


@needs_r
def test_interaction_models_agree_with_r(ours, r_values):
    assert len(ours["interacties"]) == 4
    for model in ours["interacties"]:
        _assert_model(model, model["naam"], r_values)


@needs_r
def test_models_beyond_the_study_agree_with_r(ours, r_values):
    beyond = ours["buiten_studie"]
    estimated = beyond["dispersie_geschat"]
    # B and alpha of glm.nb; its SEs are conditional on theta, ours joint (as SPSS MLE)
    _assert_model(estimated["model"], "geschat", r_values, se=False)
    assert estimated["model"]["dispersie"] == pytest.approx(r_values["geschat/alpha"], abs=1e-4)
    ll = r_values["geschat/loglik"]
    lr = estimated["lr_tegen_poisson"]["chi2"]
    assert lr == pytest.approx(2 * (ll - r_values["poisson/loglik"]), abs=1e-4)
    assert estimated["lr_tegen_dispersie_1"]["chi2"] == pytest.approx(
        2 * (ll - r_values["studie/loglik"]), abs=1e-4)
    for c in beyond["robuuste_standaardfouten"]["coefficienten"]:
        assert c["se"] == pytest.approx(r_values[f"robuust/{c['parameter']}/se"], abs=1e-4)
