"""The distribution of each count before and after, in classes safe to publish.

The counts are skewed (many zeros, a long tail), which a mean hides; the before/after plot
shows how many subjects had 0, 1, 2, ... events. Classes are formed from 0 upwards: a class
grows until it holds at least ``small_cell`` subjects both before and after, and the tail
that does not reach it joins the last class, which is open ("5 of meer"). So no class is
small, and no plot or table shows the largest count.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from vhh.linkage.analysis.omission import Omission
from vhh.linkage.analysis.ttests import paired_pairs
from vhh.linkage.analysis.variables import MEASURES, Measure

__all__ = ["Distribution", "class_bounds", "distribution", "distributions"]


@dataclass(frozen=True)
class Distribution:
    maat: str
    klassen: tuple[str, ...]
    voor: tuple[int, ...]
    na: tuple[int, ...]
    n: int
    samengevoegd: bool    # some class holds more than one observed value


def class_bounds(before: np.ndarray, after: np.ndarray, small_cell: int) -> list[int]:
    """Lower bounds of the classes (the last class is open upwards)."""
    top = int(max(before.max(), after.max()))
    bounds: list[int] = []
    start = 0
    while start <= top:
        end = start
        while end <= top and (
                np.count_nonzero((before >= start) & (before <= end)) < small_cell
                or np.count_nonzero((after >= start) & (after <= end)) < small_cell):
            end += 1
        if end > top:  # the rest never reaches the threshold: it joins the class before
            break
        bounds.append(start)
        start = end + 1
    return bounds or [0]


def _label(low: int, high: int | None) -> str:
    if high is None:
        return f"{low} of meer" if low else "alle"
    return str(low) if low == high else f"{low}-{high}"


def distribution(m: Measure, before: np.ndarray, after: np.ndarray, small_cell: int
                 ) -> Distribution | Omission:
    if len(before) < small_cell:
        return Omission(f"verdelingen/{m.maat}", f"minder dan {small_cell} subjecten")
    bounds = class_bounds(before, after, small_cell)
    edges = [*bounds, np.inf]
    highs: list[int | None] = [b - 1 for b in bounds[1:]]
    labels = [_label(low, high) for low, high in zip(bounds, [*highs, None], strict=True)]
    voor = tuple(int(c) for c in np.histogram(before, bins=edges)[0])
    na = tuple(int(c) for c in np.histogram(after, bins=edges)[0])
    values = np.unique(np.concatenate([before, after]))
    merged = bool((np.histogram(values, bins=edges)[0] > 1).any())
    return Distribution(m.maat, tuple(labels), voor, na, len(before), merged)


def distributions(frame: pd.DataFrame, small_cell: int
                  ) -> tuple[list[Distribution], list[Omission]]:
    found, omitted = [], []
    for m in MEASURES:
        before, after = paired_pairs(frame, m)
        result = distribution(m, before, after, small_cell)
        if isinstance(result, Distribution):
            found.append(result)
        else:
            omitted.append(result)
    return found, omitted
