"""All analyses of chapter 7.1 on one checked frame, as one typed result.

:func:`analyse` runs the study's analyses (four paired t-tests, table 7.1, table 7.2 with
its interaction models), the distributions for the before/after plots, and the analyses
beyond the study (Wilcoxon, estimated dispersion, robust errors, regression to the mean).
What cannot be computed on this data is listed in ``niet_berekend``, never silently left
out. Output checking (:mod:`vhh.linkage.analysis.checking`) works on this type.
"""

from __future__ import annotations

from dataclasses import dataclass

from vhh.linkage.analysis.beyond import (
    DispersionCheck,
    MeanReversion,
    WilcoxonTest,
    estimated_dispersion,
    mean_reversion,
    wilcoxon_tests,
)
from vhh.linkage.analysis.correlations import CorrelationMatrix, correlation_matrix
from vhh.linkage.analysis.data import AnalysisData
from vhh.linkage.analysis.distributions import Distribution, distributions
from vhh.linkage.analysis.omission import Omission
from vhh.linkage.analysis.regression import NegBinModel, interaction_models, study_model
from vhh.linkage.analysis.ttests import PairedTest, paired_tests
from vhh.linkage.analysis.variables import population

__all__ = ["AnalysisResults", "OutputCheck", "analyse"]


@dataclass(frozen=True)
class OutputCheck:
    """How the results were checked before they left (inside route), or that they were not."""

    toegepast: bool
    kleine_cellen: int
    afronding_decimalen: int | None
    achtergehouden: tuple[Omission, ...] = ()


@dataclass(frozen=True)
class AnalysisResults:
    route: str
    bron: str
    run_id: str
    n_subjecten: int | None
    n_gevonden_hks: int | None
    t_toetsen: tuple[PairedTest, ...]
    correlaties: CorrelationMatrix | None
    regressie: NegBinModel | None
    interacties: tuple[NegBinModel, ...]
    verdelingen: tuple[Distribution, ...]
    wilcoxon: tuple[WilcoxonTest, ...]
    dispersie: DispersionCheck | None
    robuust: NegBinModel | None
    regressie_naar_het_gemiddelde: tuple[MeanReversion, ...]
    niet_berekend: tuple[Omission, ...]
    uitvoercontrole: OutputCheck


def _models(data: AnalysisData, omitted: list[Omission]
            ) -> tuple[NegBinModel | None, list[NegBinModel], DispersionCheck | None,
                       NegBinModel | None]:
    frame = data.frame
    model = study_model(frame)
    if isinstance(model, Omission):
        omitted.append(model)
        return None, [], None, None
    interactions = []
    for m in interaction_models(frame):
        if isinstance(m, Omission):
            omitted.append(m)
        else:
            interactions.append(m)
    estimated = estimated_dispersion(frame, model)
    if isinstance(estimated, Omission):
        omitted.append(estimated)
    dispersion = estimated if isinstance(estimated, DispersionCheck) else None
    robust = study_model(frame, cov_type="HC0")
    return model, interactions, dispersion, robust if isinstance(robust, NegBinModel) else None


def analyse(data: AnalysisData, small_cell: int) -> AnalysisResults:
    """Every analysis on ``data``; ``small_cell`` shapes the distribution classes."""
    frame = data.frame
    omitted: list[Omission] = []
    tests, o1 = paired_tests(frame)
    matrix, o2 = correlation_matrix(frame)
    dists, o3 = distributions(frame, small_cell)
    ranks, o4 = wilcoxon_tests(frame)
    reversion, o5 = mean_reversion(frame)
    omitted += [*o1, *o2, *o3, *o4, *o5]
    model, interactions, dispersion, robust = _models(data, omitted)
    return AnalysisResults(
        route=data.route, bron=data.source, run_id=data.run_id,
        n_subjecten=len(frame), n_gevonden_hks=len(population(frame, "hks")),
        t_toetsen=tuple(tests), correlaties=matrix, regressie=model,
        interacties=tuple(interactions), verdelingen=tuple(dists), wilcoxon=tuple(ranks),
        dispersie=dispersion, robuust=robust, regressie_naar_het_gemiddelde=tuple(reversion),
        niet_berekend=tuple(omitted),
        uitvoercontrole=OutputCheck(False, small_cell, None))
