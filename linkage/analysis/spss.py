"""``analyse.sps``: SPSS syntax that runs the same analyses on ``analysebestand.sav``.

For an SPSS analyst to check every number: ``T-TEST PAIRS`` for hypothesis 1 (HKS pairs on
the subjects found in HKS), ``CORRELATIONS`` for table 7.1 (pairwise, two-sided, flagged),
``GENLIN`` with ``NEGBIN(1)`` and log link for table 7.2 with Type III Wald tests, the
interaction models, and the checks beyond the study (``NPAR TESTS /WILCOXON``, GENLIN with
the dispersion estimated and with robust errors). ``TEMPORARY`` + ``SELECT IF`` keeps the
selection to one procedure. The T-TEST, CORRELATIONS and NPAR TESTS parts come first and
also run in GNU PSPP, which has no GENLIN (and keeps a TEMPORARY open past a command it does
not know, so nothing PSPP can run may follow a GENLIN).

"""

from __future__ import annotations

from vhh.linkage.analysis.data import INSIDE
from vhh.linkage.analysis.regression import interaction_term
from vhh.linkage.analysis.variables import (
    CORRELATION_VARIABLES,
    DEPENDENT,
    MEASURES,
    MODERATORS,
    PREDICTORS,
)
from vhh.linkage.version import __version__

__all__ = ["HKS_ONLY", "spss_syntax"]

HKS_ONLY = "TEMPORARY.\nSELECT IF (gevonden_hks = 1)."


def _pairs(source: str) -> str:
    ms = [m for m in MEASURES if m.source == source]
    before = " ".join(m.before for m in ms)
    after = " ".join(m.after for m in ms)
    return (f"T-TEST PAIRS={before} WITH {after} (PAIRED)\n"
            "  /CRITERIA=CI(.95)\n  /MISSING=ANALYSIS.")


def _wilcoxon(source: str) -> str:
    ms = [m for m in MEASURES if m.source == source]
    return (f"NPAR TESTS /WILCOXON={' '.join(m.before for m in ms)} WITH "
            f"{' '.join(m.after for m in ms)} (PAIRED)\n  /MISSING ANALYSIS.")


def _genlin(terms: tuple[str, ...], distribution: str = "NEGBIN(1)",
            covb: str = "MODEL", method: str = "FISHER") -> str:
    return "\n".join([
        HKS_ONLY,
        f"GENLIN {DEPENDENT} WITH {' '.join(PREDICTORS)}",
        f"  /MODEL {' '.join(terms)} INTERCEPT=YES",
        f"    DISTRIBUTION={distribution} LINK=LOG",
        f"  /CRITERIA METHOD={method} SCALE=1 COVB={covb} MAXITERATIONS=100 "
        "MAXSTEPHALVING=5",
        "    PCONVERGE=1E-006(ABSOLUTE) SINGULAR=1E-012 ANALYSISTYPE=3(WALD) CILEVEL=95",
        "    CITYPE=WALD LIKELIHOOD=FULL",
        "  /MISSING CLASSMISSING=EXCLUDE",
        "  /PRINT CPS DESCRIPTIVES MODELINFO FIT SUMMARY SOLUTION."])


def _header(route: str) -> list[str]:
    lines = [f"* Gemaakt door vhh-link analyse {__version__}; route {route}.",
             "* Open analysebestand.sav (uit export/) in SPSS, zet dit bestand in dezelfde "
             "map,",
             "* open het via File > Open > Syntax en kies Run > All.",
             "* Elke uitkomst van analyse.html is hiermee na te rekenen."]
    if route == INSIDE:
        lines += ["* Route binnen: analyse.html is berekend op het volledige bestand in de "
                  "beveiligde",
                  "* omgeving; in de export kan leeftijd ontbreken (bescherming), dan "
                  "draait GENLIN daar niet."]
    return [*lines, "", "GET FILE='analysebestand.sav'.", "DATASET NAME analyse.", ""]


def spss_syntax(route: str) -> str:
    """The whole syntax file; ``route`` only changes the comments at the top."""
    interactions = []
    for moderator in MODERATORS:
        interactions += [f"* Interactie: {interaction_term(moderator)}.",
                         _genlin((*PREDICTORS, interaction_term(moderator))), ""]
    parts = [
        *_header(route),
        "* Hypothese 1: gepaarde t-toetsen. BVH: alle geanalyseerde subjecten.",
        _pairs("bvh"), "",
        "* HKS: alleen de subjecten gevonden in HKS.",
        HKS_ONLY, _pairs("hks"), "",
        "* Tabel 7.1: correlaties, subjecten gevonden in HKS.",
        HKS_ONLY,
        f"CORRELATIONS\n  /VARIABLES={' '.join(CORRELATION_VARIABLES)}\n"
        "  /PRINT=TWOTAIL NOSIG\n  /MISSING=PAIRWISE.", "",
        "* Buiten het onderzoek: Wilcoxon-rangtekentoets naast elke t-toets.",
        _wilcoxon("bvh"), "", HKS_ONLY, _wilcoxon("hks"), "",
        "* Tabel 7.2: negatief-binomiaal, log-link, dispersie vast op 1.",
        "* METHOD=FISHER: Fisher scoring tot het eind, dus standaardfouten uit de verwachte",
        "* informatie, zoals R's glm en analyse.html. SPSS' standaard FISHER(1) eindigt met",
        "* Newton-Raphson (waargenomen informatie): dan verschillen de SE's iets.",
        _genlin(PREDICTORS), "",
        *interactions,
        "* Buiten het onderzoek: dispersie geschat (maximum likelihood), Newton-Raphson.",
        _genlin(PREDICTORS, distribution="NEGBIN(MLE)", method="NEWTON"), "",
        "* Buiten het onderzoek: robuuste standaardfouten (sandwich met de waargenomen",
        "* informatie, zoals statsmodels' HC0).",
        _genlin(PREDICTORS, covb="ROBUST", method="NEWTON"), "",

        "EXECUTE.", ""]
    return "\n".join(parts)
