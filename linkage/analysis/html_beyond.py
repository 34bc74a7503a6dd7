"""The analyses beyond the study in ``analyse.html``, in a marked box of their own."""

from __future__ import annotations

from vhh.linkage.analysis.formats import dash, number, p_value
from vhh.linkage.analysis.html_parts import BEYOND_BOX, heading, note, numeric, paragraph, table
from vhh.linkage.analysis.html_study import missing_reason, model_table
from vhh.linkage.analysis.results import AnalysisResults
from vhh.linkage.analysis.variables import LABELS, MEASURES, measure

__all__ = ["beyond_section"]


def _wilcoxon(results: AnalysisResults) -> str:
    tests = {t.maat: t for t in results.t_toetsen}
    ranks = {w.maat: w for w in results.wilcoxon}
    rows = []
    for m in MEASURES:
        w, t = ranks.get(m.maat), tests.get(m.maat)
        if w is None:
            rows.append([m.label, dash, missing_reason(results, f"buiten_studie/wilcoxon/"
                                                       f"{m.maat}"), dash, dash])
            continue
        rows.append([m.label, numeric(str(w.n)), numeric(number(w.z)), numeric(p_value(w.p)),
                     numeric(p_value(t.p)) if t is not None else dash])
    return "\n".join([
        heading(3, "Wilcoxon-rangtekentoets naast elke t-toets"),
        paragraph("De tellingen zijn scheef verdeeld; deze toets op rangen vraagt hetzelfde "
                  "zonder normaliteit aan te nemen (verschillen van 0 tellen niet mee, normale "
                  "benadering met correctie voor gelijke rangen)."),
        table(["paar", "N", "Z", "p (Wilcoxon)", "p (t-toets)"], rows)])


def _dispersion(results: AnalysisResults) -> str:
    d = results.dispersie
    title = heading(3, "Dispersie geschat in plaats van vast op 1")
    if d is None:
        return "\n".join([title, note(missing_reason(results, "buiten_studie/dispersie"))])
    rows = [["tegen Poisson (dispersie 0)", numeric(number(d.tegen_poisson.chi2, 3)),
             numeric(str(d.tegen_poisson.df)), numeric(p_value(d.tegen_poisson.p))],
            ["tegen dispersie vast op 1 (tabel 7.2)",
             numeric(number(d.tegen_dispersie_1.chi2, 3)),
             numeric(str(d.tegen_dispersie_1.df)), numeric(p_value(d.tegen_dispersie_1.p))]]
    return "\n".join([
        title,
        paragraph(f"Geschatte dispersie (alpha): {number(d.model.dispersie, 3)} "
                  f"(SE {number(d.dispersie_se, 3)}); variantie = mu + alpha·mu². "
                  "Likelihood-ratiotoetsen; tegen Poisson ligt alpha = 0 op de rand, "
                  "daarom is die p gehalveerd."),
        table(["vergelijking", "LR χ²", "df", "p"], rows),
        model_table(d.model)])


def _robust(results: AnalysisResults) -> str:
    r, m = results.robuust, results.regressie
    title = heading(3, "Robuuste (sandwich-)standaardfouten")
    if r is None or m is None:
        return "\n".join([title, note(missing_reason(results, "buiten_studie/robuust"))])
    rows = [[LABELS.get(c.parameter, c.parameter), numeric(number(c.b, 3)),
             numeric(number(m.coefficient(c.parameter).se, 4)), numeric(number(c.se, 4)),
             numeric(p_value(c.p))] for c in r.coefficienten]
    return "\n".join([
        title,
        paragraph("Het model van tabel 7.2 met standaardfouten die niet op de aangenomen "
                  "variantie leunen (sandwich, HC0, met de waargenomen informatie)."),

        table(["parameter", "B", "SE (model)", "SE (robuust)", "p (robuust)"], rows)])


def _reversion(results: AnalysisResults) -> str:
    rows = []
    for r in results.regressie_naar_het_gemiddelde:
        a, z = r.alle, r.zonder_hoog
        rows.append([measure(r.maat).label, LABELS.get(r.criterium, r.criterium),
                     numeric(number(r.drempel, 1)), numeric(number(100 * r.aandeel_hoog, 1)),
                     f"{number(a.verschil)} [{number(a.ci_laag)}, {number(a.ci_hoog)}]",
                     f"{number(z.verschil)} [{number(z.ci_laag)}, {number(z.ci_hoog)}]",
                     numeric(p_value(z.p))])
    absent = [note(missing_reason(results, o.onderdeel)) for o in
              (*results.niet_berekend, *results.uitvoercontrole.achtergehouden)
              if "regressie_naar_het_gemiddelde" in o.onderdeel]
    return "\n".join([
        heading(3, "Let op: regressie naar het gemiddelde"),
        paragraph("Subjecten worden vaak aangemeld direct na een piek in hun criminaliteit. "
                  "Een daling daarna is dan deels te verwachten, ook zonder effect van de "
                  "aanpak. Hieronder het aandeel subjecten met een jaar vóór boven het 75e "
                  "percentiel, en het verschil voor − na zonder hen."),
        table(["paar", "criterium", "75e percentiel", "aandeel hoog (%)",
               "verschil alle [95%-BI]", "verschil zonder hoog [95%-BI]", "p zonder hoog"],
              rows),
        *absent])


def beyond_section(results: AnalysisResults) -> str:
    return "\n".join([
        f"<div {BEYOND_BOX}>",
        heading(2, "Buiten het onderzoek: aanvullende controles"),
        note("Deze analyses staan niet in het referentieonderzoek; ze helpen de uitkomsten "
             "te wegen."),
        _wilcoxon(results), _dispersion(results), _robust(results), _reversion(results),
        "</div>"])
