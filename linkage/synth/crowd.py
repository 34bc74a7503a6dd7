"""The crowd: the many non-subjects of a national-size study, drawn one batch at a time.

A crowd has exactly the BVH and HKS row budgets it is given. Per-person row counts are
drawn as for the others of :func:`vhh.linkage.synth.generate` (a lognormal number of BVH rows,
some persons only in HKS) and the last person's count is cut to fit. Persons are drawn
only for counts that hold rows, independently of the subjects: like the people of a real
national extract, some resemble a subject by chance.

Crowd rows are nobody's in the truth: never a subject's and never designed to be
quarantined, so a streamed study's truth is the in-memory study's truth with larger row
totals. They get the same noise as everyone's rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from vhh.linkage.synth.names import NamePool
from vhh.linkage.synth.noise import applicability, draw_noise
from vhh.linkage.synth.people import draw_others
from vhh.linkage.synth.police import (
    OTHERS_WITHOUT_BVH,
    draw_codes,
    draw_hks_details,
    draw_roles,
    event_dates,
    join_incidents,
    lognormal_counts,
    registration_keys,
    repeat_rows,
)
from vhh.linkage.synth.settings import SynthSettings
from vhh.linkage.synth.variants import IdentityVariants, person_variants

__all__ = ["Crowd", "draw_crowd", "fit_counts"]

HKS_ROWS_MEDIAN = 2.0  # as for the others of the in-memory study
_ROWS_GUESS = 4.0  # rows per person, a guess that only sizes each draw


@dataclass(frozen=True, eq=False)
class Crowd:
    """Non-subjects and their police rows (numeric, ``pid`` indexes ``people``)."""

    people: pd.DataFrame
    variants: IdentityVariants
    bvh: pd.DataFrame
    hks: pd.DataFrame


def fit_counts(count: np.ndarray, budget: int) -> np.ndarray:
    """The counts of the first persons that together hold exactly ``budget`` rows, the
    last one's cut to fit (``count`` must hold at least ``budget``)."""
    if budget <= 0:
        return np.zeros(0, dtype=np.int64)
    total = np.cumsum(count)
    last = int(np.searchsorted(total, budget))
    out = np.asarray(count[: last + 1], dtype=np.int64).copy()
    out[last] -= int(total[last]) - budget
    return out


def _enough(draw: Callable[[int], np.ndarray], budget: int) -> np.ndarray:
    """Concatenated draws of ``draw(n)`` until they hold ``budget`` rows."""
    chunks: list[np.ndarray] = []
    held = 0
    while held < budget:
        n = int((budget - held) / _ROWS_GUESS * 1.1) + 16
        chunks.append(draw(n))
        held += int(chunks[-1].sum())
    return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int64)


def _bvh_counts(rng: np.random.Generator, budget: int, s: SynthSettings) -> np.ndarray:
    """BVH rows per person (0 for some: they are in HKS only), exactly ``budget`` in all."""
    def draw(n: int) -> np.ndarray:
        count = lognormal_counts(rng, n, s.other_bvh_rows_median, 0.9, 1, 80)
        count[rng.random(n) < OTHERS_WITHOUT_BVH] = 0
        return np.asarray(count)

    return fit_counts(_enough(draw, budget), budget)


def _hks_counts(rng: np.random.Generator, bvh_count: np.ndarray, budget: int
                ) -> tuple[np.ndarray, np.ndarray]:
    """(bvh_count, hks_count) with exactly ``budget`` HKS rows: persons without BVH rows
    first, then the others in random order, then new persons in HKS only if needed."""
    n = len(bvh_count)
    order = np.concatenate([np.flatnonzero(bvh_count == 0),
                            rng.permutation(np.flatnonzero(bvh_count > 0))])
    count = lognormal_counts(rng, n, HKS_ROWS_MEDIAN, 0.8, 1, 30)[order]
    more = _enough(lambda k: lognormal_counts(rng, k, HKS_ROWS_MEDIAN, 0.8, 1, 30),
                   budget - int(count.sum()))
    fitted = fit_counts(np.concatenate([count, more]), budget)
    owner = np.concatenate([order, n + np.arange(len(more))])[: len(fitted)]
    hks = np.zeros(max(n, int(owner.max(initial=-1)) + 1), dtype=np.int64)
    hks[owner] = fitted
    bvh = np.zeros(len(hks), dtype=np.int64)
    bvh[:n] = bvh_count
    return bvh, hks


def _people(rng: np.random.Generator, pool: NamePool, n: int) -> pd.DataFrame:
    return draw_others(rng, pool, n).assign(fate="", start=-1, traffic_only=False)


def _bvh_rows(rng: np.random.Generator, people: pd.DataFrame, count: np.ndarray,
              first_incident: int, key_offset: int) -> pd.DataFrame:
    rows = repeat_rows(people, count, 0)
    rows["date"] = event_dates(rng, people, rows["pid"].to_numpy())
    rows["code"] = draw_codes(rng, len(rows), np.zeros(len(rows), dtype=bool))
    rows["origin"] = "base"
    rows["regkey"] = registration_keys(first_incident, len(rows), key_offset)
    join_incidents(rng, rows, people)
    rows["bad_date"] = ""
    rows["rol"] = draw_roles(rng, len(rows))
    return rows


def _hks_rows(rng: np.random.Generator, people: pd.DataFrame, count: np.ndarray
              ) -> pd.DataFrame:
    rows = repeat_rows(people, count, 0)
    rows["date"] = event_dates(rng, people, rows["pid"].to_numpy())
    rows["origin"] = "base"
    rows["bad_date"] = ""
    draw_hks_details(rng, rows)
    return rows


def draw_crowd(rng: np.random.Generator, pool: NamePool, bvh_rows: int, hks_rows: int,
               s: SynthSettings, first_incident: int, key_offset: int) -> Crowd:
    """Non-subjects with exactly ``bvh_rows`` BVH and ``hks_rows`` HKS rows; their
    incidents take the registration keys from ``first_incident`` on."""
    bvh_count, hks_count = _hks_counts(rng, _bvh_counts(rng, bvh_rows, s), hks_rows)
    present = (bvh_count + hks_count) > 0
    people = _people(rng, pool, int(present.sum()))
    bvh = _bvh_rows(rng, people, bvh_count[present], first_incident, key_offset)
    hks = _hks_rows(rng, people, hks_count[present])
    app = applicability(people)
    for rows in (bvh, hks):
        draw_noise(rng, rows, people, app, s)
    variants = person_variants(rng, people)
    return Crowd(people, variants, bvh, hks)
