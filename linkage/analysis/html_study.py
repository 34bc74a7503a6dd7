"""The study's own analyses in ``analyse.html``, in the layout of its tables.

Hypothesis 1 (the four paired t-tests with a before/after plot each), table 7.1 (the
lower triangle, * at .05 and ** at .01) and table 7.2 (B, SE, 95% Wald interval, Wald
chi-square, df, p; Type III tests; a coefficient plot), then the interaction models.
"""

from __future__ import annotations

from vhh.linkage.analysis.formats import dash, number, p_value, with_stars
from vhh.linkage.analysis.html_parts import heading, note, numeric, paragraph, table
from vhh.linkage.analysis.regression import NegBinModel, interaction_term
from vhh.linkage.analysis.results import AnalysisResults
from vhh.linkage.analysis.svg import before_after_svg, coefficient_svg
from vhh.linkage.analysis.variables import (
    LABELS,
    MEASURES,
    MODERATORS,
    population_label,
)

__all__ = ["correlation_section", "missing_reason", "regression_section", "ttest_section"]


def missing_reason(results: AnalysisResults, part: str) -> str:
    """Why ``part`` is absent: withheld by output checking or not computable."""
    for o in results.uitvoercontrole.achtergehouden:
        if o.onderdeel == part:
            return f"achtergehouden: {o.reden}"
    for o in results.niet_berekend:
        if o.onderdeel == part:
            return f"niet berekend: {o.reden}"
    return "niet berekend"


def _m_sd(mean: float, sd: float) -> str:
    return f"{number(mean)} ({number(sd)})"


def ttest_section(results: AnalysisResults) -> str:
    tests = {t.maat: t for t in results.t_toetsen}
    dists = {d.maat: d for d in results.verdelingen}
    rows, plots = [], []
    for m in MEASURES:
        t = tests.get(m.maat)
        if t is None:
            rows.append([m.label, dash, dash, dash, dash,
                         missing_reason(results, f"t_toetsen/{m.maat}"), dash, dash])
        else:
            rows.append([m.label, numeric(str(t.n)), _m_sd(t.voor_gemiddelde, t.voor_sd),
                         _m_sd(t.na_gemiddelde, t.na_sd), numeric(number(t.verschil)),
                         f"t({t.df}) = {number(t.t)}", numeric(p_value(t.p)),
                         f"[{number(t.ci_laag)}, {number(t.ci_hoog)}]"])
        if t is not None or m.maat in dists:
            plots += [heading(4, f"{m.label} ({population_label(m.source)})"),
                      before_after_svg(f"{m.label}: voor en na de startdatum", t,
                                       dists.get(m.maat))]
    return "\n".join([
        heading(2, "Hypothese 1: gepaarde t-toetsen"),
        paragraph("Aantal incidenten (BVH) en veroordelingen (HKS) in het kwartaal en het jaar "
                  "vóór en na de startdatum, bij dezelfde subjecten. BVH: alle geanalyseerde "
                  "subjecten; HKS: alleen de subjecten gevonden in HKS. Verschil = voor − na."),
        table(["paar", "N", "voor M (SD)", "na M (SD)", "verschil", "t(df)", "p",
               "95%-BI van het verschil"], rows),
        heading(3, "Voor en na, per maat"),
        note("Links het gemiddelde met zijn 95%-betrouwbaarheidsinterval, rechts de verdeling "
             "in klassen van minstens het drempelaantal subjecten; de hoogste klasse is open."),
        *plots])


def correlation_section(results: AnalysisResults) -> str:
    c = results.correlaties
    title = heading(2, "Tabel 7.1: correlaties (Pearson, tweezijdig)")
    if c is None:
        return "\n".join([title, note(missing_reason(results, "correlaties"))])
    names = c.variabelen
    rows = []
    for i, name in enumerate(names):
        cells = [numeric(with_stars(c.r[i][j], c.p[i][j])) if j < i else
                 numeric("1") if j == i else "" for j in range(len(names))]
        rows.append([f"{i + 1}. {LABELS.get(name, name)}", *cells])
    return "\n".join([
        title,
        paragraph(f"Subjecten gevonden in HKS (N = {number(c.n)}); "
                  "per paar de subjecten met beide waarden. * p < 0,05; ** p < 0,01."),
        table(["variabele", *(str(k + 1) for k in range(len(names)))], rows)])


def _coefficient_rows(model: NegBinModel) -> list[list[str]]:
    return [[LABELS.get(c.parameter, c.parameter), numeric(number(c.b, 3)),
             numeric(number(c.se, 4)), f"[{number(c.ci_laag, 3)}, {number(c.ci_hoog, 3)}]",
             numeric(number(c.wald_chi2, 3)), numeric(str(c.df)), numeric(p_value(c.p))]
            for c in model.coefficienten]


COEFFICIENT_HEADERS = ["parameter", "B", "SE", "95%-Wald-BI", "Wald χ²", "df", "p"]


def model_table(model: NegBinModel) -> str:
    text: str = table(COEFFICIENT_HEADERS, _coefficient_rows(model))
    return text



def _interactions(results: AnalysisResults) -> str:
    by_name = {m.naam: m for m in results.interacties}
    rows = []
    for moderator in MODERATORS:
        term = interaction_term(moderator)
        m = by_name.get(f"interactie_{moderator}")
        if m is None:
            rows.append([term, dash, dash, missing_reason(results, f"regressie/interactie_"
                                                          f"{moderator}"), dash, dash, dash])
        else:
            rows += [[term, *row[1:]] for row in _coefficient_rows(m) if row[0] == term]
    return "\n".join([
        heading(3, "Interacties"),
        paragraph("Hangt het verband tussen veroordelingen vóór en na af van leeftijd, aantal "
                  "keer besproken, plan van aanpak of leefgebieden? Per moderator het model "
                  "van tabel 7.2 met één productterm erbij."),
        table(COEFFICIENT_HEADERS, rows)])


def regression_section(results: AnalysisResults) -> str:
    title = heading(2, "Tabel 7.2: negatief-binomiale regressie")
    m = results.regressie
    if m is None:
        return "\n".join([title, note(missing_reason(results, "regressie/studie"))])
    type3 = [[LABELS.get(e.effect, e.effect), numeric(number(e.wald_chi2, 3)),
              numeric(str(e.df)), numeric(p_value(e.p))] for e in m.type3]
    return "\n".join([
        title,
        paragraph(f"Afhankelijke variabele: {LABELS[m.afhankelijke].lower()} (HKS). "
                  f"Negatief-binomiaal met log-link, dispersie vast op "
                  f"{number(m.dispersie, 0)} (zoals SPSS GENLIN, NEGBIN(1)); "
                  f"subjecten gevonden in HKS met alle variabelen, N = {m.n}."),
        model_table(m),
        heading(3, "Toetsen van de modeleffecten (type III, Wald)"),
        table(["effect", "Wald χ²", "df", "p"], type3),
        coefficient_svg(m, "Coëfficiënten van tabel 7.2 met 95%-Wald-BI"),
        _interactions(results)])
