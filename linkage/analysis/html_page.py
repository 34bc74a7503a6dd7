"""``analyse.html``: the results as one self-contained Dutch page.

No scripts, fonts, style sheets or network references; the plots are inline SVG. The page
says which route produced it and, on the inside route, which rules output checking applied
and what it withheld. It is a pure function of the results: same results, same bytes.
"""

from __future__ import annotations

import html

from vhh.linkage.analysis.checking import RULES
from vhh.linkage.analysis.html_beyond import beyond_section
from vhh.linkage.analysis.html_parts import heading, note, paragraph, table
from vhh.linkage.analysis.html_study import (
    correlation_section,
    regression_section,
    ttest_section,
)
from vhh.linkage.analysis.report_json import ROUTES, TITLE
from vhh.linkage.analysis.results import AnalysisResults
from vhh.linkage.version import __version__

__all__ = ["render_analysis_html"]

_BODY = ('style="font-family:sans-serif;max-width:72em;margin:2em auto;padding:0 1em;'
         'color:#222;line-height:1.4"')
_ROUTE = 'style="border:2px solid #1f4e79;padding:0.5em 1em;background:#eef3f8"'


def _intro(results: AnalysisResults) -> str:
    rows = [["route", results.route], ["bron", results.bron],
            ["run", results.run_id or "–"], ["versie vhh-linkage", __version__],
            ["subjecten", str(results.n_subjecten if results.n_subjecten is not None
                              else "–")],
            ["waarvan gevonden in HKS", str(results.n_gevonden_hks
                                            if results.n_gevonden_hks is not None else "–")]]
    return "\n".join([
        f"<div {_ROUTE}>",
        paragraph(f"Route: {results.route}. Gemaakt {ROUTES[results.route]}."),
        "</div>",
        table(["gegeven", "waarde"], rows),
        note("De SPSS-syntaxis analyse.sps doet dezelfde analyses op analysebestand.sav, zodat "
             "elk getal hier na te rekenen is.")])


def _checking(results: AnalysisResults) -> str:
    check = results.uitvoercontrole
    parts = [heading(2, "Uitvoercontrole")]
    if check.toegepast:
        rules = [r.format(k=check.kleine_cellen, d=check.afronding_decimalen) for r in RULES]
        parts += [paragraph("Deze uitkomsten zijn berekend binnen de beveiligde omgeving en "
                            "gecontroleerd voordat ze die verlieten:"),
                  "<ul>", *(f"<li>{html.escape(r)}</li>" for r in rules), "</ul>",
                  heading(3, "Achtergehouden"),
                  table(["onderdeel", "reden"],
                        [[o.onderdeel, o.reden] for o in check.achtergehouden])
                  if check.achtergehouden else note("Niets achtergehouden.")]
    else:
        parts.append(paragraph("Niet toegepast: deze uitkomsten komen uit het geëxporteerde "
                               "analysebestand, dat al tegen herkenning is beschermd."))
    parts.append(heading(3, "Niet berekend"))
    parts.append(table(["onderdeel", "reden"],
                       [[o.onderdeel, o.reden] for o in results.niet_berekend])
                 if results.niet_berekend else note("Alles is berekend."))
    return "\n".join(parts)


def _method() -> str:
    return "\n".join([
        heading(2, "Verantwoording"),
        paragraph("t-toetsen, correlaties en de Wilcoxon-toets: scipy; de negatief-binomiale "
                  "regressie: statsmodels (GLM, log-link). De t-toetsen en correlaties zijn "
                  "vergeleken met GNU PSPP, de regressie met R (MASS, negative.binomial(1))."),
        paragraph("Minimum en maximum worden nooit getoond.")])


def render_analysis_html(results: AnalysisResults) -> str:
    """The page for ``results`` (checked results on the inside route)."""
    parts = ["<!DOCTYPE html>", '<html lang="nl">', "<head>", '<meta charset="utf-8">',
             f"<title>{html.escape(TITLE)}</title>", "</head>", f"<body {_BODY}>",
             heading(1, TITLE), _intro(results), ttest_section(results),
             correlation_section(results), regression_section(results),
             beyond_section(results), _checking(results), _method(), "</body>", "</html>", ""]
    return "\n".join(parts)
