"""Beyond the study, marked as such in every output: checks the 2015 analysis did not make.

- **Wilcoxon signed-rank** beside each paired t-test: the counts are skewed, so a test on
  ranks (zero differences dropped, normal approximation with tie correction, as SPSS) asks
  the same question without the normality the t-test leans on.
- **The dispersion estimated** instead of fixed at 1 (statsmodels' maximum-likelihood NB2),
  with likelihood-ratio tests against Poisson (alpha = 0 lies on the boundary, so the p is
  halved: a 50:50 mixture of chi-square(0) and chi-square(1)) and against alpha = 1.
- **Regression to the mean**: subjects are often referred right after a rise in offending,
  so part of a fall afterwards is expected anyway. Per measure: the share of subjects whose
  count in the year before lies above the 75th percentile, and the before − after
  difference without them.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from vhh.linkage.analysis.omission import Omission
from vhh.linkage.analysis.regression import (
    NegBinModel,
    coefficients,
    design,
    type3_tests,
)
from vhh.linkage.analysis.ttests import PairedTest, paired_test
from vhh.linkage.analysis.variables import DEPENDENT, MEASURES, PREDICTORS, Measure, population

__all__ = ["DispersionCheck", "LikelihoodRatio", "MeanReversion", "WilcoxonTest",
           "estimated_dispersion", "mean_reversion", "wilcoxon_tests"]


@dataclass(frozen=True)
class WilcoxonTest:
    maat: str
    n: int              # subjects with both counts (the t-test's n)
    z: float
    p: float


@dataclass(frozen=True)
class LikelihoodRatio:
    tegen: str          # "poisson" or "dispersie_1"
    chi2: float
    df: int
    p: float


@dataclass(frozen=True)
class DispersionCheck:
    model: NegBinModel  # alpha estimated; the coefficients of that fit
    dispersie_se: float
    tegen_poisson: LikelihoodRatio
    tegen_dispersie_1: LikelihoodRatio


@dataclass(frozen=True)
class MeanReversion:
    maat: str
    criterium: str      # the year-before count that defines "high before"
    drempel: float      # its 75th percentile; "high" is above it
    n: int
    n_hoog: int
    aandeel_hoog: float
    alle: PairedTest
    zonder_hoog: PairedTest


def wilcoxon_tests(frame: pd.DataFrame) -> tuple[list[WilcoxonTest], list[Omission]]:
    tests, omitted = [], []
    for m in MEASURES:
        pairs = population(frame, m.source)[[m.before, m.after]].dropna()
        diff = (pairs[m.before] - pairs[m.after]).to_numpy(float)
        if np.count_nonzero(diff) < 2:
            omitted.append(Omission(f"buiten_studie/wilcoxon/{m.maat}", "minder dan twee "
                                    "subjecten met een verschil tussen voor en na"))
            continue
        result = stats.wilcoxon(diff, zero_method="wilcox", correction=False,
                                method="approx")
        tests.append(WilcoxonTest(m.maat, len(diff), float(result.zstatistic),
                                  float(result.pvalue)))
    return tests, omitted


def _lr(tegen: str, full: float, restricted: float, boundary: bool) -> LikelihoodRatio:
    chi2 = max(0.0, 2.0 * (full - restricted))
    p = float(stats.chi2.sf(chi2, 1)) * (0.5 if boundary else 1.0)
    return LikelihoodRatio(tegen, chi2, 1, p)


def estimated_dispersion(frame: pd.DataFrame, fixed: NegBinModel) -> DispersionCheck | Omission:
    """NB2 with alpha estimated; LR tests against Poisson and against ``fixed`` (alpha = 1)."""
    y, x = design(frame, PREDICTORS)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        nb = sm.NegativeBinomial(y, x, loglike_method="nb2").fit(disp=0, maxiter=500)
        poisson = sm.GLM(y, x, family=sm.families.Poisson()).fit(tol=1e-12)
    notes = sorted({w.category.__name__ for w in caught})
    where = "buiten_studie/dispersie"
    if not nb.mle_retvals.get("converged", False):
        return Omission(where, "de schatting van de dispersie convergeerde niet")
    try:
        cov = nb.cov_params()
    except (ValueError, np.linalg.LinAlgError):
        return Omission(where, "de dispersie ligt op de rand (alpha = 0, geen overdispersie): "
                        "geen standaardfouten")
    params, bse = nb.params.drop("alpha"), nb.bse.drop("alpha")

    model = NegBinModel(
        naam="dispersie_geschat", afhankelijke=DEPENDENT, termen=PREDICTORS,
        dispersie=float(nb.params["alpha"]), dispersie_geschat=True, covariantie="model",
        n=len(y), coefficienten=coefficients(params, bse),
        type3=type3_tests(params, cov, [(c, (c,)) for c in params.index]),
        loglikelihood=float(nb.llf), opmerkingen=tuple(notes))
    return DispersionCheck(model, float(nb.bse["alpha"]),
                           _lr("poisson", float(nb.llf), float(poisson.llf), boundary=True),
                           _lr("dispersie_1", float(nb.llf), fixed.loglikelihood, False))


def _reversion(frame: pd.DataFrame, m: Measure) -> MeanReversion | Omission:
    columns = list(dict.fromkeys((m.before, m.after, m.year_before)))
    data = population(frame, m.source)[columns].dropna()
    where = f"buiten_studie/regressie_naar_het_gemiddelde/{m.maat}"
    if len(data) < 4:
        return Omission(where, "te weinig subjecten")
    threshold = float(np.percentile(data[m.year_before].to_numpy(float), 75))
    high = data[m.year_before] > threshold
    rest = data[~high]
    all_test = paired_test(m.maat, data[m.before].to_numpy(float),
                           data[m.after].to_numpy(float))
    rest_test = paired_test(m.maat, rest[m.before].to_numpy(float),
                            rest[m.after].to_numpy(float))
    if isinstance(all_test, Omission) or isinstance(rest_test, Omission):
        return Omission(where, "het verschil zonder de hoge groep is niet te berekenen")
    return MeanReversion(m.maat, m.year_before, threshold, len(data), int(high.sum()),
                         float(high.mean()), all_test, rest_test)


def mean_reversion(frame: pd.DataFrame) -> tuple[list[MeanReversion], list[Omission]]:
    found, omitted = [], []
    for m in MEASURES:
        result = _reversion(frame, m)
        if isinstance(result, MeanReversion):
            found.append(result)
        else:
            omitted.append(result)
    return found, omitted
