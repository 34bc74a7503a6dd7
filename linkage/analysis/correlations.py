"""Table 7.1: Pearson correlations of the eight variables, subjects found in HKS.

As SPSS ``CORRELATIONS`` computes them by default: each pair on the subjects with both
values (pairwise deletion), with a two-sided p. The variables keep the study's order; the
diagonal has r = 1 and no p. A pair with fewer than three subjects, or without spread, has no
r. The statistics are scipy's.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from vhh.linkage.analysis.omission import Omission
from vhh.linkage.analysis.variables import CORRELATION_VARIABLES, population

__all__ = ["CorrelationMatrix", "correlation_matrix", "stars"]

Matrix = tuple[tuple[float | None, ...], ...]


@dataclass(frozen=True)
class CorrelationMatrix:
    """Square lists in the order of ``variabelen``; ``n`` is the population's size."""

    variabelen: tuple[str, ...]
    r: Matrix
    p: Matrix
    n_paren: tuple[tuple[int | None, ...], ...]
    n: int | None


def stars(p: float | None) -> str:
    """'**' at p < .01, '*' at p < .05, as in table 7.1."""
    if p is None:
        return ""
    return "**" if p < 0.01 else "*" if p < 0.05 else ""


def _pair(x: pd.Series, y: pd.Series) -> tuple[float | None, float | None, int]:
    both = pd.concat([x, y], axis=1).dropna()
    n = len(both)
    a, b = both.iloc[:, 0].to_numpy(float), both.iloc[:, 1].to_numpy(float)
    if n < 3 or np.std(a) == 0 or np.std(b) == 0:
        return None, None, n
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a degenerate pair must not pass silently
        result = stats.pearsonr(a, b)
    return float(result.statistic), float(result.pvalue), n


def correlation_matrix(frame: pd.DataFrame,
                       variables: Sequence[str] = CORRELATION_VARIABLES
                       ) -> tuple[CorrelationMatrix, list[Omission]]:
    """The matrix of table 7.1 and the cells that could not be computed."""
    data = population(frame, "hks")
    k = len(variables)
    r: list[list[float | None]] = [[None] * k for _ in range(k)]
    p: list[list[float | None]] = [[None] * k for _ in range(k)]
    n: list[list[int | None]] = [[None] * k for _ in range(k)]
    omitted: list[Omission] = []
    for i, a in enumerate(variables):
        for j, b in enumerate(variables):
            if j < i:
                r[i][j], p[i][j], n[i][j] = r[j][i], p[j][i], n[j][i]
                continue
            if i == j:
                n[i][i] = int(data[a].notna().sum())
                r[i][i] = 1.0 if n[i][i] else None
                continue
            r[i][j], p[i][j], n[i][j] = _pair(data[a], data[b])
            if r[i][j] is None:
                omitted.append(Omission(f"correlaties/{a} x {b}",
                                        "minder dan drie subjecten met beide waarden of "
                                        "geen spreiding"))
    matrix = CorrelationMatrix(tuple(variables), tuple(map(tuple, r)), tuple(map(tuple, p)),
                               tuple(map(tuple, n)), len(data))
    return matrix, omitted
