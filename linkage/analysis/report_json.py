"""``analyse.json``: the results, machine-readable, with Dutch keys.

The top-level keys the issue fixes: ``t_toetsen`` (a list, one per ``maat``),
``correlaties`` (``variabelen`` in the study's order, ``r`` and ``p`` as square lists, ``n``),
``regressie`` (``afhankelijke``, ``dispersie``, ``coefficienten``); the analyses beyond the
study sit under ``buiten_studie``. ``route`` says which route produced the file and
``uitvoercontrole`` how it was checked. A value that is not a finite number is ``null``.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from typing import Any

from vhh.linkage.analysis.beyond import DispersionCheck
from vhh.linkage.analysis.checking import RULES
from vhh.linkage.analysis.regression import NegBinModel
from vhh.linkage.analysis.results import AnalysisResults
from vhh.linkage.analysis.variables import population_label
from vhh.linkage.version import __version__

__all__ = ["ROUTES", "TITLE", "analysis_dict", "analysis_json", "output_check_dict"]

TITLE = "Analyse hoofdstuk 7.1: casussubjecten vóór en na de bespreking"
ROUTES = {
    "binnen": "binnen de beveiligde omgeving, op het volledige analysebestand van de run "
              "(vóór de bescherming tegen herkenning); alleen gecontroleerde uitkomsten",
    "buiten": "buiten de beveiligde omgeving, op het geëxporteerde (beschermde) "
              "analysebestand",
}


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def _model(model: NegBinModel | None) -> dict[str, Any] | None:
    if model is None:
        return None
    out = asdict(model)
    out["populatie"] = population_label("hks")
    return out


def _dispersion(check: DispersionCheck | None) -> dict[str, Any] | None:
    if check is None:
        return None
    return {"model": _model(check.model), "dispersie_se": check.dispersie_se,
            "lr_tegen_poisson": asdict(check.tegen_poisson),
            "lr_tegen_dispersie_1": asdict(check.tegen_dispersie_1)}


def output_check_dict(results: AnalysisResults) -> dict[str, Any]:
    check = results.uitvoercontrole
    rules = [r.format(k=check.kleine_cellen, d=check.afronding_decimalen) for r in RULES]
    return {"route": results.route, "toegepast": check.toegepast,
            "kleine_cellen": check.kleine_cellen,
            "afronding_decimalen": check.afronding_decimalen,
            "regels": rules if check.toegepast else [],
            "achtergehouden": [asdict(o) for o in check.achtergehouden]}


def analysis_dict(results: AnalysisResults) -> dict[str, Any]:
    """The JSON document as a dict (lists, numbers, text, null)."""
    t_tests = [dict(asdict(t), populatie=population_label(t.maat[:3]))
               for t in results.t_toetsen]
    doc = {
        "titel": TITLE, "versie": __version__,
        "route": results.route, "route_uitleg": ROUTES[results.route],
        "bron": results.bron, "run_id": results.run_id or None,
        "uitvoercontrole": output_check_dict(results),
        "populatie": {"subjecten": results.n_subjecten,
                      "gevonden_hks": results.n_gevonden_hks},
        "t_toetsen": t_tests,
        "correlaties": None if results.correlaties is None else asdict(results.correlaties),
        "regressie": _model(results.regressie),
        "interacties": [_model(m) for m in results.interacties],
        "verdelingen": [asdict(d) for d in results.verdelingen],
        "buiten_studie": {
            "toelichting": "Niet in het referentieonderzoek: aanvullende controles.",
            "wilcoxon": [asdict(w) for w in results.wilcoxon],
            "dispersie_geschat": _dispersion(results.dispersie),
            "robuuste_standaardfouten": _model(results.robuust),
            "regressie_naar_het_gemiddelde": [asdict(r) for r in
                                              results.regressie_naar_het_gemiddelde],
        },
        "niet_berekend": [asdict(o) for o in results.niet_berekend],
    }
    return dict(_clean(doc))


def analysis_json(results: AnalysisResults) -> str:
    text = json.dumps(analysis_dict(results), ensure_ascii=False, indent=2, allow_nan=False)
    return text + "\n"
