"""vhh-link analyse on the demo: both routes, output checking, the three files, the command."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from vhh.linkage.errors import SealedFileError
from vhh.linkage.privacy.keys import MasterKey
from vhh.pipelines.analyse import analyse_export, analyse_run
from vhh.pipelines.cli import main

CHROMIUM = Path("/usr/bin/chromium")
PSPP = shutil.which("pspp")
ISSUE_T_KEYS = {"maat", "n", "voor_gemiddelde", "voor_sd", "na_gemiddelde", "na_sd", "verschil",
                "t", "df", "p", "ci_laag", "ci_hoog"}
ISSUE_COEF_KEYS = {"parameter", "b", "se", "ci_laag", "ci_hoog", "wald_chi2", "df", "p"}


def _load(folder: Path) -> dict:
    return json.loads((folder / "analyse.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def inside(demo_run, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("analyse_binnen")
    analyse_run(demo_run.root / "out", demo_run.key, out, demo_run.settings.privacy)
    return out


@pytest.fixture(scope="module")
def outside(demo_run, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("analyse_buiten")
    analyse_export(demo_run.export / "analysebestand.parquet", out, demo_run.settings.privacy)
    return out


def _numbers_with_n(value, path=""):
    """(path, n) of every subject count in a JSON document."""
    if isinstance(value, dict):
        for k, v in value.items():
            if k in ("n", "n_hoog", "subjecten", "gevonden_hks") and isinstance(v, int):
                yield f"{path}/{k}", v
            yield from _numbers_with_n(v, f"{path}/{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _numbers_with_n(v, f"{path}/{i}")


def test_the_inside_route_keeps_the_regression_the_export_cannot_run(inside, outside):
    doc, export_doc = _load(inside), _load(outside)
    assert doc["route"] == "binnen" and export_doc["route"] == "buiten"
    assert doc["regressie"]["n"] == 138 and len(doc["interacties"]) == 4
    assert export_doc["regressie"] is None
    reasons = {o["onderdeel"]: o["reden"] for o in export_doc["niet_berekend"]}
    assert "leeftijd" in reasons["regressie/studie"]
    assert "binnen de beveiligde omgeving" in reasons["regressie/studie"]


def test_the_inside_route_writes_only_checked_results_and_lists_what_it_withheld(
        inside, demo_run):
    names = sorted(p.name for p in inside.iterdir())
    assert names == ["analyse.html", "analyse.json", "analyse.sps", "uitvoercontrole.json"]
    check = json.loads((inside / "uitvoercontrole.json").read_text("utf-8"))
    doc = _load(inside)
    assert check == doc["uitvoercontrole"] and check["toegepast"] and check["route"] == "binnen"
    small = demo_run.settings.privacy.small_cell
    assert check["kleine_cellen"] == small and check["regels"]
    # the per-value distributions have cells under 5: they are withheld, in classes
    assert check["achtergehouden"] and all(o["reden"] for o in check["achtergehouden"])
    assert {o["onderdeel"] for o in check["achtergehouden"]} >= {"verdelingen/bvh_jaar"}
    assert all(n >= small for _, n in _numbers_with_n(doc))
    for d in doc["verdelingen"]:
        assert min(d["voor"]) >= small and min(d["na"]) >= small
    decimals = check["afronding_decimalen"]
    assert all(c["se"] == round(c["se"], decimals) for c in doc["regressie"]["coefficienten"])


def test_no_output_holds_a_pseudonym_or_an_identifier(inside, outside, demo_run):
    pseudonyms = pd.read_parquet(demo_run.export / "analysebestand.parquet")["pseudoniem"]
    texts = [p.read_text("utf-8") for folder in (inside, outside) for p in folder.iterdir()]
    assert not any("v1:" in text for text in texts)
    assert not any(p in text for p in pseudonyms.head(20) for text in texts)


def test_a_small_cell_is_withheld_with_its_reason_and_the_rest_stays(demo_run, tmp_path):
    privacy = replace(demo_run.settings.privacy, small_cell=150)  # 138 found in HKS < 150
    analyse_run(demo_run.root / "out", demo_run.key, tmp_path, privacy)
    doc = _load(tmp_path)
    assert [t["maat"] for t in doc["t_toetsen"]] == ["bvh_kwartaal", "bvh_jaar"]
    assert doc["regressie"] is None and doc["populatie"]["gevonden_hks"] is None
    withheld = {o["onderdeel"]: o["reden"] for o in doc["uitvoercontrole"]["achtergehouden"]}
    assert withheld["t_toetsen/hks_kwartaal"] == "minder dan 150 subjecten"
    assert withheld["regressie/studie"] == "minder dan 150 subjecten"
    assert "correlaties/hks_jaar_na x hks_jaar_voor" in withheld
    page = (tmp_path / "analyse.html").read_text("utf-8")
    assert "achtergehouden: minder dan 150 subjecten" in page


def test_both_routes_give_the_same_numbers_when_nothing_was_protected(demo_report_run,
                                                                      tmp_path):
    privacy = demo_report_run.settings.privacy
    analyse_run(demo_report_run.root / "out", demo_report_run.key, tmp_path / "in", privacy)
    analyse_export(demo_report_run.export / "analysebestand.csv", tmp_path / "out", privacy)
    inside, outside = _load(tmp_path / "in"), _load(tmp_path / "out")
    d = privacy.result_decimals
    for a, b in zip(inside["t_toetsen"], outside["t_toetsen"], strict=True):
        assert a["t"] == round(b["t"], d) and a["n"] == b["n"]
    for a, b in zip(inside["regressie"]["coefficienten"],
                    outside["regressie"]["coefficienten"], strict=True):
        assert (a["b"], a["se"]) == (round(b["b"], d), round(b["se"], d))
    assert inside["run_id"] == demo_report_run.result.report.run_id
    assert outside["uitvoercontrole"]["toegepast"] is False


def test_the_json_has_the_keys_the_issue_names(outside, inside):
    for doc in (_load(outside), _load(inside)):
        assert [t["maat"] for t in doc["t_toetsen"]] == ["bvh_kwartaal", "bvh_jaar",
                                                          "hks_kwartaal", "hks_jaar"]
        assert all(set(t) >= ISSUE_T_KEYS for t in doc["t_toetsen"])
        c = doc["correlaties"]
        assert {"variabelen", "r", "p", "n"} <= set(c)
        assert len(c["r"]) == len(c["p"]) == len(c["variabelen"]) == 8
    model = _load(inside)["regressie"]
    assert model["afhankelijke"] == "hks_jaar_na" and model["dispersie"] == 1.0
    assert model["coefficienten"][0]["parameter"] == "(Intercept)"
    assert all(set(c) >= ISSUE_COEF_KEYS for c in model["coefficienten"])


def test_the_html_is_self_contained_dutch_and_names_its_route(inside, outside):
    for folder, route in ((inside, "binnen"), (outside, "buiten")):
        page = (folder / "analyse.html").read_text("utf-8")
        low = page.lower()
        for ref in ("<script", "<link", "http://", "https://", "src=", "@import", "url("):
            assert ref not in low
        assert low.startswith("<!doctype html>") and '<html lang="nl">' in page
        assert f"Route: {route}." in page
        for title in ("Hypothese 1: gepaarde t-toetsen", "Tabel 7.1", "Tabel 7.2",
                      "Buiten het onderzoek", "Uitvoercontrole"):
            assert title in page
    page = (inside / "analyse.html").read_text("utf-8")
    assert page.count("<svg") == 5  # four before/after plots and the coefficient plot
    assert "Achtergehouden" in page and "verdelingen/bvh_jaar" in page


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium "
                    "(apt-get install -y chromium) at /usr/bin/chromium")
def test_the_browser_renders_the_tables_and_plots(inside, tmp_path):
    dom = subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", f"--user-data-dir={tmp_path / 'profiel'}", "--dump-dom",
         (inside / "analyse.html").resolve().as_uri()],
        capture_output=True, text=True, timeout=90, check=True).stdout
    doc = _load(inside)
    text = re.sub(r"<[^>]+>", " ", dom)
    assert "Hypothese 1" in text and "Tabel 7.2" in text and "Route: binnen." in text
    t = doc["t_toetsen"][0]
    assert f"t({t['df']}) = {t['t']:.2f}".replace(".", ",").replace("-", "−") in text
    b = doc["regressie"]["coefficienten"][1]["b"]
    assert f"{b:.3f}".replace(".", ",") in text
    assert dom.count("<svg") == 5 and dom.count("<circle") >= 8


def test_the_sps_holds_the_commands_and_the_variable_names(inside):
    sps = (inside / "analyse.sps").read_text("utf-8")
    assert "GET FILE='analysebestand.sav'." in sps
    assert ("T-TEST PAIRS=bvh_kwartaal_voor bvh_jaar_voor WITH bvh_kwartaal_na bvh_jaar_na "
            "(PAIRED)") in sps
    assert ("T-TEST PAIRS=hks_kwartaal_voor hks_jaar_voor WITH hks_kwartaal_na hks_jaar_na "
            "(PAIRED)") in sps
    assert ("/VARIABLES=hks_kwartaal_na hks_jaar_na hks_kwartaal_voor hks_jaar_voor leeftijd "
            "aantal_besproken plan_van_aanpak leefgebieden_8plus") in sps
    assert "GENLIN hks_jaar_na WITH hks_jaar_voor leeftijd aantal_besproken" in sps
    assert "DISTRIBUTION=NEGBIN(1) LINK=LOG" in sps and "ANALYSISTYPE=3(WALD)" in sps
    assert sps.count("\nGENLIN ") == 7  # table 7.2, four interactions, two beyond the study
    assert "hks_jaar_voor*leefgebieden_8plus" in sps and "NEGBIN(MLE)" in sps
    assert sps.count("SELECT IF (gevonden_hks = 1).") == sps.count("TEMPORARY.") == 10


@pytest.mark.skipif(PSPP is None, reason="needs GNU PSPP (apt-get install pspp)")
def test_the_sps_runs_in_pspp_and_reproduces_the_t_tests(demo_report_run, tmp_path):
    analyse_export(demo_report_run.export / "analysebestand.sav", tmp_path,
                   demo_report_run.settings.privacy)
    shutil.copy(demo_report_run.export / "analysebestand.sav", tmp_path)
    done = subprocess.run([PSPP, "analyse.sps", "-o", "out.csv", "-O", "format=csv"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    errors = [line for line in done.stdout.splitlines() if "error:" in line]
    assert errors and all("GENLIN" in e or "TEMPORARY" in e for e in errors)  # PSPP lacks it
    output = (tmp_path / "out.csv").read_text("utf-8")
    printed = [line.split(",")[-3] for line in output.splitlines() if line.startswith("Pair ")
               and line.count(",") > 8]
    ours = [t["t"] for t in _load(tmp_path)["t_toetsen"]]
    assert [float(p) for p in printed] == pytest.approx(ours, abs=0.005)
    assert output.count("Table: Correlations") == 1 and output.count("Table: Ranks") == 2


def test_the_command_runs_both_routes_and_refuses_a_wrong_key(demo_run, tmp_path):
    runner = CliRunner()
    inside = runner.invoke(main, ["analyse", "--run", str(demo_run.root / "out"), "--key-file",
                                  str(demo_run.key_file), "--out", str(tmp_path / "in")])
    assert inside.exit_code == 0, inside.output
    assert "route: binnen" in inside.output and "uitvoercontrole.json" in inside.output
    outside = runner.invoke(main, ["analyse", "--input",
                                   str(demo_run.export / "analysebestand.sav"),
                                   "--out", str(tmp_path / "out")])
    assert outside.exit_code == 0 and "route: buiten" in outside.output
    other = tmp_path / "other.key"
    other.write_text(MasterKey(bytes(32)).derive("x", "y").hex() + "\n")
    other.chmod(0o600)
    wrong = runner.invoke(main, ["analyse", "--run", str(demo_run.root / "out"),
                                 "--key-file", str(other), "--out", str(tmp_path / "x")])
    assert wrong.exit_code == 6 and "wrong key" in wrong.output
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("args", [[], ["--input", "a.sav", "--run", "r"], ["--run", "r"],
                                  ["--input", "a.sav", "--key-file", "k"]])
def test_the_command_wants_exactly_one_route(args, tmp_path):
    result = CliRunner().invoke(main, ["analyse", *args, "--out", str(tmp_path)])
    assert result.exit_code == 2


def test_a_run_without_the_sealed_frame_is_explained(tmp_path, demo_run):
    with pytest.raises(SealedFileError, match="sealed file not found"):
        analyse_run(tmp_path, demo_run.key, tmp_path / "out", demo_run.settings.privacy)
