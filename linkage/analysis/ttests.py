"""Hypothesis 1: paired t-tests of the counts before and after the startdatum.

One test per measure (BVH and HKS, quarter and year), on the subjects with both counts
(HKS: the subjects found in HKS), as SPSS ``T-TEST PAIRS`` computes it: the mean difference
before − after, its t with n − 1 degrees of freedom, the two-sided p and the 95% confidence
interval of the difference. The statistics are scipy's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from vhh.linkage.analysis.omission import Omission
from vhh.linkage.analysis.variables import MEASURES, Measure, population

__all__ = ["PairedTest", "paired_pairs", "paired_test", "paired_tests"]


@dataclass(frozen=True)
class PairedTest:
    """A paired t-test; field names are the keys of ``analyse.json``."""

    maat: str
    n: int
    voor_gemiddelde: float
    voor_sd: float
    na_gemiddelde: float
    na_sd: float
    verschil: float
    verschil_sd: float
    t: float
    df: int
    p: float
    ci_laag: float
    ci_hoog: float
    # 95% intervals of the two means, for the before/after plot
    voor_ci_laag: float
    voor_ci_hoog: float
    na_ci_laag: float
    na_ci_hoog: float


def paired_pairs(frame: pd.DataFrame, m: Measure) -> tuple[np.ndarray, np.ndarray]:
    """(before, after) of the subjects in the measure's population with both counts."""
    pairs = population(frame, m.source)[[m.before, m.after]].dropna()
    return pairs[m.before].to_numpy(float), pairs[m.after].to_numpy(float)


def _mean_ci(x: np.ndarray) -> tuple[float, float]:
    if np.std(x) == 0:
        return float(x[0]), float(x[0])
    low, high = stats.ttest_1samp(x, 0.0).confidence_interval(0.95)
    return float(low), float(high)


def paired_test(maat: str, before: np.ndarray, after: np.ndarray) -> PairedTest | Omission:
    """The paired t-test of ``before`` against ``after``, or why it cannot be computed."""
    where = f"t_toetsen/{maat}"
    if len(before) < 2:
        return Omission(where, "minder dan twee subjecten met beide tellingen")
    diff = before - after
    if np.std(diff) == 0:
        return Omission(where, "alle verschillen zijn gelijk: t is niet gedefinieerd")
    result = stats.ttest_rel(before, after)
    low, high = result.confidence_interval(0.95)
    b_low, b_high = _mean_ci(before)
    a_low, a_high = _mean_ci(after)
    return PairedTest(
        maat=maat, n=len(before),
        voor_gemiddelde=float(before.mean()), voor_sd=float(before.std(ddof=1)),
        na_gemiddelde=float(after.mean()), na_sd=float(after.std(ddof=1)),
        verschil=float(diff.mean()), verschil_sd=float(diff.std(ddof=1)),
        t=float(result.statistic), df=int(result.df), p=float(result.pvalue),
        ci_laag=float(low), ci_hoog=float(high),
        voor_ci_laag=b_low, voor_ci_hoog=b_high, na_ci_laag=a_low, na_ci_hoog=a_high)


def paired_tests(frame: pd.DataFrame) -> tuple[list[PairedTest], list[Omission]]:
    """The study's four tests, in the order bvh_kwartaal, bvh_jaar, hks_kwartaal, hks_jaar."""
    tests: list[PairedTest] = []
    omitted: list[Omission] = []
    for m in MEASURES:
        result = paired_test(m.maat, *paired_pairs(frame, m))
        if isinstance(result, PairedTest):
            tests.append(result)
        else:
            omitted.append(result)
    return tests, omitted
