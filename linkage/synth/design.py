"""The funnel design: each GCOS row's fate, kader, case-conference dates and birthdate.

Fates (the truth ``subjects.fate``): ``quarantined`` (an unparseable birthdate or an empty
surname), ``out_of_scope_kader``, ``out_of_scope_period`` (in-scope kader, but every
discussion before or after the study period), ``no_initial``, ``not_in_bvh``,
``no_startdatum`` (found in BVH, never discussed) and ``analysed``. Rows are shuffled so that
the fates are mixed through the file.

Analysed subjects also get special roles, disjoint where they would interfere: a few with
100-150 BVH rows (``heavy``), a few with only traffic rows (``traffic_only``), a few whose
startdatum is a calendar edge case with police rows on the window boundaries (``edge``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from vhh.linkage.synth.dates import (
    EXTRACTION,
    STUDY_END,
    STUDY_START,
    add_months,
    day,
    uniform_days,
)
from vhh.linkage.synth.population import draw_birthdates
from vhh.linkage.synth.settings import KADERS_IN_SCOPE, KADERS_OUT_OF_SCOPE, FunnelDesign

__all__ = ["EDGE_STARTS", "FATES", "SubjectPlan", "plan_subjects"]

FATES: tuple[str, ...] = (
    "quarantined", "out_of_scope_kader", "out_of_scope_period", "no_initial", "not_in_bvh",
    "no_startdatum", "analysed",
)
# Startdata whose windows hit month ends, 29 February and the period's own edges.
EDGE_STARTS: tuple[int, ...] = tuple(day(x) for x in (
    "2013-02-28", "2013-03-31", "2013-01-31", "2013-05-31", "2013-08-31", "2013-12-30",
    "2013-12-31", "2013-01-01", "2013-10-31", "2013-11-30", "2013-07-31", "2013-06-30",
))
KADER_WEIGHTS: tuple[float, ...] = (0.45, 0.35, 0.20)
PRE_PERIOD_SHARE = 0.2
AFTER_DISCUSSIONS = (0, 1, 2, 3, 4, 5)
AFTER_WEIGHTS = (0.25, 0.3, 0.2, 0.12, 0.08, 0.05)
DISCUSSED_FATES = ("quarantined", "out_of_scope_kader", "no_initial", "not_in_bvh", "analysed")
PARTIAL_BIRTHDATES = 2   # out-of-scope (period) subjects with "00" in their birthdate
UNKNOWN_SEX = 2          # out-of-scope (kader) subjects with sex "O"/"onbekend"


@dataclass(frozen=True, eq=False)
class SubjectPlan:
    """One row per GCOS row (in file order), and one row per discussion.

    ``frame`` columns: fate, quarantine ("", "birthdate", "surname"), kader, start (day
    number of the first discussion in the period, -1 if none), invoer, birth, and the flags
    heavy, traffic_only, edge, in_hks, from_voornamen, partial_birth, unknown_sex.
    ``discussions`` columns: pos (row in ``frame``), date (day number).
    """

    frame: pd.DataFrame
    discussions: pd.DataFrame


def _fates(design: FunnelDesign, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    counts = (design.quarantined, design.out_of_scope_kader, design.out_of_scope_period,
              design.no_initial, design.not_in_bvh, design.no_startdatum, design.analysed)
    fate = np.repeat(np.array(FATES, dtype=object), counts)
    reason = np.full(len(fate), "", dtype=object)
    reason[: design.quarantined_bad_birthdate] = "birthdate"
    reason[design.quarantined_bad_birthdate: design.quarantined] = "surname"
    order = rng.permutation(len(fate))
    return fate[order], reason[order]


def _pick(rng: np.random.Generator, candidates: np.ndarray, k: int) -> np.ndarray:
    return rng.permutation(candidates)[:k]


def _roles(design: FunnelDesign, rng: np.random.Generator, fate: np.ndarray
           ) -> dict[str, np.ndarray]:
    n = len(fate)
    analysed = rng.permutation(np.flatnonzero(fate == "analysed"))
    h, t, e = design.heavy_subjects, design.traffic_only_subjects, design.edge_subjects
    flags = {name: np.zeros(n, dtype=bool) for name in
             ("heavy", "traffic_only", "edge", "in_hks", "from_voornamen")}
    flags["heavy"][analysed[:h]] = True
    flags["traffic_only"][analysed[h: h + t]] = True
    flags["edge"][analysed[h + t: h + t + e]] = True
    flags["in_hks"][_pick(rng, analysed, design.analysed_in_hks)] = True
    flags["from_voornamen"][_pick(rng, analysed, design.initials_from_voornamen)] = True
    return flags


def _kaders(rng: np.random.Generator, fate: np.ndarray) -> np.ndarray:
    n = len(fate)
    inside = np.array(KADERS_IN_SCOPE, dtype=object)[
        rng.choice(len(KADERS_IN_SCOPE), size=n, p=KADER_WEIGHTS)]
    outside = np.array(KADERS_OUT_OF_SCOPE, dtype=object)[
        rng.integers(0, len(KADERS_OUT_OF_SCOPE), size=n)]
    kader = np.where(fate == "out_of_scope_kader", outside, inside)
    return np.where(fate == "no_startdatum", "", kader)  # only name, birthdate, invoerdatum


def _in_period_dates(rng: np.random.Generator, start: np.ndarray, discussed: np.ndarray
                     ) -> list[pd.DataFrame]:
    """The first discussion in the period, an optional one in 2011, and later ones."""
    pos = np.flatnonzero(discussed)
    frames = [pd.DataFrame({"pos": pos, "date": start[pos]})]
    pre = pos[rng.random(len(pos)) < PRE_PERIOD_SHARE]
    frames.append(pd.DataFrame({"pos": pre, "date": uniform_days(
        rng, np.full(len(pre), day("2011-01-01")), np.full(len(pre), STUDY_START - 1))}))
    after = rng.choice(AFTER_DISCUSSIONS, size=len(pos), p=AFTER_WEIGHTS)
    rep = np.repeat(pos, after)
    later = np.minimum(start[rep] + rng.integers(7, 541, size=len(rep)), EXTRACTION)
    frames.append(pd.DataFrame({"pos": rep, "date": later}))
    return frames


def _out_of_period_dates(rng: np.random.Generator, fate: np.ndarray) -> pd.DataFrame:
    """1-4 discussions, all before the period (2010-2011) or all after it (2014)."""
    pos = np.flatnonzero(fate == "out_of_scope_period")
    k = rng.integers(1, 5, size=len(pos))
    rep = np.repeat(pos, k)
    before = np.repeat(rng.random(len(pos)) < 0.6, k)
    lo = np.where(before, day("2010-06-01"), STUDY_END + 1)
    hi = np.where(before, STUDY_START - 1, EXTRACTION)
    return pd.DataFrame({"pos": rep, "date": uniform_days(rng, lo, hi)})


def _discussions(rng: np.random.Generator, fate: np.ndarray, edge: np.ndarray
                 ) -> tuple[np.ndarray, pd.DataFrame]:
    n = len(fate)
    start = uniform_days(rng, np.full(n, STUDY_START), np.full(n, STUDY_END))
    edge_pos = np.flatnonzero(edge)
    start[edge_pos] = np.resize(np.array(EDGE_STARTS), len(edge_pos))
    discussed = np.isin(fate, DISCUSSED_FATES)
    start = np.where(discussed, start, -1)
    frames = [*_in_period_dates(rng, start, discussed), _out_of_period_dates(rng, fate)]
    dates = pd.concat(frames, ignore_index=True).drop_duplicates()
    return start, dates.sort_values(["pos", "date"], ignore_index=True)


def _reference_and_invoer(rng: np.random.Generator, fate: np.ndarray, dates: pd.DataFrame
                          ) -> tuple[np.ndarray, np.ndarray]:
    """The date ages are measured on (first discussion) and the GCOS invoerdatum."""
    n = len(fate)
    first = dates.groupby("pos")["date"].min().reindex(range(n)).to_numpy()
    never = np.isnan(first)
    fallback = uniform_days(rng, np.full(n, STUDY_START), np.full(n, STUDY_END))
    reference = np.where(never, fallback, np.nan_to_num(first)).astype(np.int64)
    invoer = reference - np.where(never, 0, rng.integers(0, 61, size=n))
    return reference, invoer


def _birthdates(rng: np.random.Generator, kader: np.ndarray, start: np.ndarray,
                reference: np.ndarray) -> np.ndarray:
    """Aged 12-75 at the startdatum (complex youth cases: 12-23); ages measured on the first
    discussion when there is no startdatum."""
    jeugd = kader == KADERS_IN_SCOPE[1]
    on = np.where(start >= 0, start, reference)
    max_age = np.where(jeugd, 23, 75)
    adult = draw_birthdates(rng, on, np.full(len(on), 12), max_age, skew=(2.0, 4.0))
    young = draw_birthdates(rng, on, np.full(len(on), 12), max_age, skew=(1.5, 2.0))
    return np.asarray(np.where(jeugd, young, adult))


def _first_k(mask: np.ndarray, k: int) -> np.ndarray:
    out = np.zeros(len(mask), dtype=bool)
    out[np.flatnonzero(mask)[:k]] = True
    return out


def plan_subjects(design: FunnelDesign, rng: np.random.Generator) -> SubjectPlan:
    """Fates, kaders, discussions, birthdates and special roles of every GCOS row."""
    fate, reason = _fates(design, rng)
    flags = _roles(design, rng, fate)
    kader = _kaders(rng, fate)
    start, dates = _discussions(rng, fate, flags["edge"])
    reference, invoer = _reference_and_invoer(rng, fate, dates)
    birth = _birthdates(rng, kader, start, reference)
    frame = pd.DataFrame({"fate": fate, "quarantine": reason, "kader": kader, "start": start,
                          "invoer": invoer, "birth": birth, **flags})
    frame["partial_birth"] = _first_k(fate == "out_of_scope_period", PARTIAL_BIRTHDATES)
    frame["unknown_sex"] = _first_k(fate == "out_of_scope_kader", UNKNOWN_SEX)
    return SubjectPlan(frame=frame, discussions=dates)


def edge_dates(start: np.ndarray) -> np.ndarray:
    """(n, 6) boundary dates around each startdatum: on it, -12m, +3m, -3m, +12m, -1 day."""
    return np.stack([start, add_months(start, -12), add_months(start, 3),
                     add_months(start, -3), add_months(start, 12), start - 1], axis=1)
