"""The HTML audit report: self-contained, Dutch, escaped, the funnel readable in a browser."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from vhh.linkage.link.methods import rule_names
from vhh.linkage.privacy.exportscan import scan_export_file
from vhh.linkage.privacy.identifiers import build_identifiers
from vhh.linkage.report.exportspec import html_own_text
from vhh.linkage.report.html import render_html
from vhh.linkage.report.model import AuditReport
from whole_files import read_whole as read_inputs

FUNNEL = ("213", "198", "195", "138")
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def report(demo_run) -> dict:
    return json.loads((demo_run.export / "auditrapport.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def page(demo_run) -> str:
    return (demo_run.export / "auditrapport.html").read_text("utf-8")


def test_html_report_shows_the_funnel_numbers_in_chart_and_table(page):
    svg = page[page.index("<svg"):page.index("</svg>")]
    for n in FUNNEL:
        assert f">{n}</text>" in svg
        assert re.search(rf"<td [^>]*>{n}</td>", page)


def test_html_report_is_self_contained(page):
    low = page.lower()
    for ref in ("<script", "<link", "http://", "https://", "src=", "@import", "url("):
        assert ref not in low
    assert low.startswith("<!doctype html>")


def test_html_report_is_the_rendering_of_the_json_report(page, report):
    assert page == render_html(AuditReport.from_json(report))
    assert report["bestanden"]
    for name, sha in report["bestanden"].items():
        assert name in page and sha in page


def test_html_report_holds_provenance(page, report):
    for value in (report["versie"], report["run_id"], report["sleutel_id"],
                  report["configuratie"]["sha256"], report["start"], report["eind"],
                  *(i["sha256"] for i in report["invoer"])):
        assert value in page


def test_report_text_is_escaped(report):
    hostile = json.loads(json.dumps(report))
    hostile["instellingen"]["kaders"] = ["<script>alert(1)</script> & <b>"]
    hostile["filters"]["bvh"]["onbekende_codes"] = {"<img onerror=x>": 3}
    page = render_html(AuditReport.from_json(hostile))
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;" in page


def test_internal_report_alone_lists_subjects_and_block_keys(demo_run, page):
    internal = json.loads((demo_run.secure / "auditrapport_intern.json").read_text("utf-8"))
    lost_ids = {r["gcos_id"] for r in internal["verlies_per_subject"]}
    keys = {b["key"] for b in internal["blokken_met_sleutel"]["bvh"]}
    secure_page = (demo_run.secure / "auditrapport_intern.html").read_text("utf-8")
    assert lost_ids and all(g in secure_page for g in lost_ids)
    assert all(k in secure_page for k in keys)
    assert not any(g in page for g in lost_ids)
    assert not (demo_run.export / "auditrapport_intern.html").exists()
    assert "Nog niet bekend" in secure_page  # written before the export's hashes exist


def test_exported_html_contains_no_input_identifier(demo_run, report):
    tables = read_inputs(demo_run.settings)
    ids = build_identifiers(t.frame for t in tables.values())
    own = html_own_text(report, demo_run.settings)
    path = demo_run.export / "auditrapport.html"
    assert scan_export_file(path, ids, own) == []
    planted = max(sorted(ids.surname_words), key=len)
    path_with_name = path.parent.parent / "planted.html"
    path_with_name.write_text(path.read_text("utf-8").replace("Trechter", planted.title(), 1),
                              encoding="utf-8")
    try:
        assert [h.kind for h in scan_export_file(path_with_name, ids, own)] == ["achternaam"]
    finally:
        path_with_name.unlink()


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium "
                    "(apt-get install -y chromium) at /usr/bin/chromium")
def test_browser_shows_the_funnel_numbers(demo_run, tmp_path):
    dom = subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", f"--user-data-dir={tmp_path / 'profiel'}", "--dump-dom",
         (demo_run.export / "auditrapport.html").resolve().as_uri()],
        capture_output=True, text=True, timeout=90, check=True).stdout
    text = re.sub(r"<[^>]+>", " ", dom)
    chart = dom[dom.index("<svg"):dom.index("</svg>")]
    assert "Trechter" in text
    for n in FUNNEL:
        assert re.search(rf"(?<!\d){n}(?!\d)", text)
        assert f">{n}</text>" in chart  # the bar chart's labels survived the browser's parser


def test_report_names_every_rule_of_the_method_and_the_unscannable_ids(demo_run):
    report = demo_run.result.report
    assert list(report.koppelregels) == list(rule_names(demo_run.settings.linkage))
    assert all(text for text in report.koppelregels.values())
    assert report.validatie.niet_scanbare_ids == 0  # the generator's ids are long
    html = (demo_run.export / "auditrapport.html").read_text(encoding="utf-8")
    assert "Koppelregels" in html and "Mogelijk partnernaam (altijd ter beoordeling)" in html
    assert "mogelijk_partnernaam" not in html  # the key stays in the JSON


def test_report_holds_the_weight_histogram_with_both_thresholds(demo_run):
    for source in ("bvh", "hks"):
        link = demo_run.result.report.koppeling[source]
        histogram = link.gewichten_histogram
        assert histogram is not None
        assert len(histogram.grenzen) == len(histogram.aantallen) + 1
        assert sum(histogram.aantallen) == link.kandidaatparen
        assert (histogram.bovengrens, histogram.ondergrens) == (
            demo_run.settings.linkage.match_weight, demo_run.settings.linkage.review_weight)
        assert link.model["niveaus"]["voorletters"]["eerste_anders"]["gewicht"] < 0
