"""An audit report that speaks to an auditor (issue 15).

Dutch labels for every outcome, reason and rule (the keys stay in the JSON), the deciding
settings on top, counts per rule, the match-weight histogram when the linkage provides one,
and a "voorlopig" banner while review pairs wait. A headless Chromium checks that these
parts survive a real browser's parser.
"""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
from pathlib import Path

import pytest
from vhh.linkage.report.html import render_html
from vhh.linkage.report.model import (
    AuditReport,
    ModelError,
    WeightHistogram,
    report_schema,
)

CHROMIUM = Path("/usr/bin/chromium")
HISTOGRAM = WeightHistogram(grenzen=tuple(float(x) for x in range(-12, 16, 2)),
                            aantallen=(40, 95, 210, 160, 70, 22, 9, 6, 8, 14, 31, 60, 48),
                            ondergrens=2.0, bovengrens=8.0)


@pytest.fixture(scope="module")
def report(demo_run) -> AuditReport:
    data = json.loads((demo_run.export / "auditrapport.json").read_text("utf-8"))
    return AuditReport.from_json(data)


@pytest.fixture(scope="module")
def unweighted(report) -> AuditReport:
    """The demo's report as a method without match weights (the rules) fills it in."""
    links = {s: dataclasses.replace(link, gewichten_histogram=None, model=None)
             for s, link in report.koppeling.items()}
    return dataclasses.replace(report, koppeling=links)


@pytest.fixture(scope="module")
def weighted(report) -> AuditReport:
    """The demo's report as a linkage with match weights would fill it in."""
    bvh = dataclasses.replace(report.koppeling["bvh"], gewichten_histogram=HISTOGRAM)
    return dataclasses.replace(report, koppeling={**report.koppeling, "bvh": bvh})


def visible_text(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def test_the_histogram_is_a_typed_optional_part_of_the_link_summary(report, unweighted,
                                                                    weighted):
    assert report.koppeling["bvh"].gewichten_histogram is not None  # the default has weights
    assert "gewichten_histogram" not in unweighted.to_json()["koppeling"]["bvh"]
    again = AuditReport.from_json(json.loads(json.dumps(weighted.to_json())))
    assert again == weighted and again.koppeling["bvh"].gewichten_histogram == HISTOGRAM
    assert "WeightHistogram" in report_schema()["$defs"]


@pytest.mark.parametrize("grenzen, aantallen", [
    ((0.0, 1.0), (1, 2)), ((1.0, 0.0), (3,)), ((0.0, 1.0), (-1,)), ((0.0,), ()),
])
def test_a_histogram_that_does_not_add_up_is_refused(grenzen, aantallen):
    with pytest.raises(ModelError):
        WeightHistogram(grenzen, aantallen)


def test_the_histogram_renders_as_inline_svg_with_both_thresholds(weighted, unweighted):
    page = render_html(weighted)
    start = page.index("<title>Koppelgewichten BVH")
    svg = page[page.rindex("<svg", 0, start):page.index("</svg>", start)]
    assert svg.count("<rect") == len(HISTOGRAM.aantallen)
    assert svg.count("stroke-dasharray") == 2  # the lower and the upper threshold
    assert ">ondergrens 2</text>" in svg and ">bovengrens 8</text>" in svg
    assert svg.count('fill="#3f7f4f"') == 3  # bins at or above 8: a match
    assert "Koppelgewichten" not in render_html(unweighted)  # only when the model has one


def test_keys_stay_in_the_json_and_the_page_shows_dutch_labels(report):
    text = visible_text(render_html(report))
    keys = {*(k for r in report.reconciliations().values() for k in r.uitkomst),
            *(k for link in report.koppeling.values() for k in link.besluiten_per_regel),
            *(k for link in report.koppeling.values() for k in link.paren_per_blokkering),
            *(r for s in report.trechter for r in s.redenen), *report.koppelregels,
            *(k for per in report.validatie.opmerkingen.values() for k in per)}
    keyed = {k for k in keys if "_" in k}
    assert {"gefilterd_categorie_administratief", "subject_niet_geanalyseerd",
            "mogelijk_partnernaam", "geen_voorletter"} <= keyed
    assert [k for k in keyed if k in text] == []
    for label in ("gefilterd: administratieve registratie",
                  "Mogelijk partnernaam (altijd ter beoordeling)",
                  "geen voorletter in GCOS", "gekoppeld aan een subject dat niet is geanalyseerd",
                  "Te weinig GCOS-gegevens"):
        assert label in text


def test_the_deciding_settings_come_first(report):
    text = visible_text(render_html(report))
    assert text.index("Instellingen die de uitkomst bepalen") < text.index("Trechter")
    for shown in ("koppelmethode matchgewicht (Fellegi-Sunter)",
                  "bovengrens matchgewicht (automatisch gekoppeld) 4,5",
                  "ondergrens matchgewicht (ter beoordeling) 4",
                  "onderzoeksperiode vanaf 2013-01-01",
                  "onderzoeksperiode tot en met 2013-12-31", "kwartaal (maanden) 3",
                  "jaar (maanden) 12", "doel k (k-anonimiteit) 5",
                  "Individuele risicoburgers, Complexe jeugdzaken, High Impact Crime",
                  "Matchgewicht (Fellegi-Sunter), Geboortedatum ontbreekt bij de politie"):
        assert shown in text, shown


def test_counts_per_rule_and_the_open_choices_are_shown(report):
    text = visible_text(render_html(report))
    bvh = report.koppeling["bvh"]
    weight = (f"Matchgewicht (Fellegi-Sunter) {bvh.besluiten_per_regel['fellegi_sunter']} "
              f"{bvh.gevonden_per_regel['fellegi_sunter']}")
    assert "paren besloten subjecten gevonden (beste regel)" in text and weight in text
    partners = bvh.besluiten_per_regel["mogelijk_partnernaam"]
    partner = f"Mogelijk partnernaam (altijd ter beoordeling) {partners} "
    assert text.index(weight) < text.index(partner)  # in the method's order of the rules
    assert "Keuzes die het referentieonderzoek openlaat" in text
    assert "de eerste bespreking binnen de onderzoeksperiode" in text
    assert report.keuzes and {c.onderwerp for c in report.keuzes} >= {"startdatum",
                                                                      "kader_onbekend"}


def test_a_voorlopig_banner_counts_the_undecided_pairs(report):
    waiting = sum(link.reviewwachtrij for link in report.koppeling.values())
    assert report.review.wachtend == waiting > 0
    page = render_html(report)
    banner = page[page.index('id="voorlopig"'):]
    banner = banner[:banner.index("</div>")]
    assert f"Voorlopig: {waiting} paren wachten op een reviewbesluit" in banner
    assert page.index('id="voorlopig"') < page.index("<h2>")  # above everything else
    decided = dataclasses.replace(report, review=dataclasses.replace(report.review, wachtend=0))
    assert 'id="voorlopig"' not in render_html(decided)


def test_sex_and_flags_read_as_words(report):
    text = visible_text(render_html(report))
    assert re.search(r"Geslacht waarde aantal (man|vrouw|onbekend) ", text)
    assert "Gevonden in HKS waarde aantal nee 57 ja 138" in text


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium "
                    "(apt-get install -y chromium) at /usr/bin/chromium")
def test_a_browser_renders_banner_settings_rules_and_histogram(weighted, tmp_path):
    page = tmp_path / "auditrapport.html"
    page.write_text(render_html(weighted), "utf-8")
    dom = subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", f"--user-data-dir={tmp_path / 'profiel'}", "--dump-dom",
         page.resolve().as_uri()], capture_output=True, text=True, timeout=90,
        check=True).stdout
    text = visible_text(dom)
    waiting = weighted.review.wachtend
    assert f"Voorlopig: {waiting} paren wachten op een reviewbesluit" in text
    assert "Instellingen die de uitkomst bepalen" in text and "Per regel" in text
    assert "Mogelijk partnernaam (altijd ter beoordeling)" in text
    chart = dom[dom.index("Koppelgewichten BVH"):]
    chart = chart[:chart.index("</svg>")]
    assert chart.count("<rect") == len(HISTOGRAM.aantallen)
    assert "ondergrens 2" in chart and "bovengrens 8" in chart
