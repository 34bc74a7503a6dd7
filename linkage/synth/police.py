"""The police rows (BVH incidents, HKS antecedents) as numeric frames, before any text.

A row frame has one row per police row: ``pid`` (the person it truly belongs to), ``date``
(its true day number), ``clean`` (one of the guaranteed noise-free rows of a subject),
``origin`` (``base``, ``edge``, ``invalid``, ``duplicate``, ``no_identity``) and ``bad_date``
(the unparseable text written instead of the date, "" normally). BVH rows add ``code``
(index into :data:`ALL_CODES`), ``rol`` and ``regkey`` (the registration number as an
integer); HKS rows add ``feit`` and ``afdoening``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from vhh.linkage.synth.codes import (
    AFDOENING_WEIGHTS,
    AFDOENINGEN,
    BAD_EVENT_DATES,
    BAD_PLEEGDATES,
    CATEGORY_WEIGHTS,
    COUNTED_CATEGORIES,
    FEITEN,
    INCIDENT_CODES,
    ROLE_WEIGHTS,
    ROLES,
    UNKNOWN_CODES,
)
from vhh.linkage.synth.dates import EXTRACTION, POLICE_START, uniform_days
from vhh.linkage.synth.design import edge_dates
from vhh.linkage.synth.settings import FunnelDesign, SynthSettings

__all__ = ["ALL_CODES", "CODE_CATEGORY", "KEY_SPACE", "KeyRange", "bvh_rows", "draw_codes",
           "draw_hks_details", "draw_roles", "event_dates", "hks_rows", "join_incidents",
           "lognormal_counts", "registration_keys", "registration_numbers", "repeat_rows"]

ALL_CODES: tuple[tuple[str, str, str], ...] = (
    *INCIDENT_CODES, *((code, text, "onbekend") for code, text in UNKNOWN_CODES))
CODE_CATEGORY = np.array([c[2] for c in ALL_CODES], dtype=object)
FOUND_FATES = ("analysed", "no_startdatum", "no_initial")
CLEAN_BVH_ROWS = 2
CLEAN_HKS_ROWS = 1
NEAR_START_SHARE = 0.4
JOIN_SHARE_OTHERS = 0.15
JOIN_SHARE_SUBJECTS = 0.05
OTHERS_WITHOUT_BVH = 0.10
OUT_OF_SCOPE_IN_HKS = 0.5
UNITS: tuple[str, ...] = tuple(f"{region:02d}{unit:02d}" for region in range(1, 26)
                               for unit in (0, 1))
KEY_SPACE = len(UNITS) * 1_000_000
_KEY_STEP = 15_485_863  # prime, coprime with the key space: i -> i * step is a bijection
_TWELVE_YEARS = 4383


def registration_keys(first: int, n: int, offset: int) -> np.ndarray:
    """Distinct registration keys for incidents first..first+n-1 (a bijection)."""
    return (np.arange(first, first + n, dtype=np.int64) * _KEY_STEP + offset) % KEY_SPACE


def lognormal_counts(rng: np.random.Generator, n: int, median: float, sigma: float, lo: int,
               hi: int) -> np.ndarray:
    draw = np.round(rng.lognormal(np.log(median), sigma, size=n))
    return np.clip(draw, lo, hi).astype(np.int64)


def _codes_of(category: str) -> np.ndarray:
    return np.flatnonzero(category == CODE_CATEGORY)


def draw_codes(rng: np.random.Generator, n: int, traffic_only: np.ndarray) -> np.ndarray:
    """A code index per row; rows of traffic-only persons get traffic codes."""
    names = [c for c, _ in CATEGORY_WEIGHTS]
    category = rng.choice(len(names), size=n, p=[w for _, w in CATEGORY_WEIGHTS])
    category[traffic_only] = names.index("verkeer")
    code = np.zeros(n, dtype=np.int64)
    for k, name in enumerate(names):
        rows = np.flatnonzero(category == k)
        choices = _codes_of(name)
        code[rows] = choices[rng.integers(0, len(choices), size=len(rows))]
    return code


def counted(code: np.ndarray) -> np.ndarray:
    """Whether each code's category counts (misdrijf, overtreding)."""
    return np.isin(CODE_CATEGORY[code], COUNTED_CATEGORIES)


def _bvh_counts(rng: np.random.Generator, people: pd.DataFrame, s: SynthSettings) -> np.ndarray:
    fate = people["fate"].to_numpy()
    n = len(people)
    count = np.zeros(n, dtype=np.int64)
    found = np.isin(fate, FOUND_FATES)
    count[found] = lognormal_counts(rng, int(found.sum()), s.subject_bvh_rows_median, 0.8,
                                    3, 99)
    heavy = people["heavy"].to_numpy()
    count[heavy] = rng.integers(100, 151, size=int(heavy.sum()))
    oos = np.isin(fate, ("out_of_scope_kader", "out_of_scope_period"))
    count[oos] = lognormal_counts(rng, int(oos.sum()), s.subject_bvh_rows_median * 0.7, 0.9,
                                  0, 99)
    count[oos & (rng.random(n) < 0.15)] = 0
    other = fate == ""
    count[other] = lognormal_counts(rng, int(other.sum()), s.other_bvh_rows_median, 0.9, 1, 80)
    count[other & (rng.random(n) < OTHERS_WITHOUT_BVH)] = 0
    return count


def event_dates(rng: np.random.Generator, people: pd.DataFrame, pid: np.ndarray) -> np.ndarray:
    """Dates from age 12 (and 2010) to the extraction; some near the subject's startdatum."""
    birth = people["birth"].to_numpy()[pid]
    start = people["start"].to_numpy()[pid]
    lo = np.maximum(POLICE_START, birth + _TWELVE_YEARS)
    anywhere = uniform_days(rng, lo, np.full(len(pid), EXTRACTION))
    near = uniform_days(rng, np.maximum(lo, start - 365), np.minimum(EXTRACTION, start + 365))
    use_near = (start >= 0) & (rng.random(len(pid)) < NEAR_START_SHARE)
    return np.asarray(np.where(use_near, near, anywhere))


def repeat_rows(people: pd.DataFrame, count: np.ndarray, clean_rows: int) -> pd.DataFrame:
    pid = np.repeat(np.arange(len(people)), count)
    rank = np.arange(len(pid)) - np.repeat(np.cumsum(count) - count, count)
    found = np.isin(people["fate"].to_numpy()[pid], FOUND_FATES)
    return pd.DataFrame({"pid": pid, "clean": found & (rank < clean_rows)})


def _bvh_base(rng: np.random.Generator, people: pd.DataFrame, s: SynthSettings) -> pd.DataFrame:
    rows = repeat_rows(people, _bvh_counts(rng, people, s), CLEAN_BVH_ROWS)
    pid = rows["pid"].to_numpy()
    rows["date"] = event_dates(rng, people, pid)
    rows["code"] = draw_codes(rng, len(rows), people["traffic_only"].to_numpy()[pid])
    rows["origin"] = "base"
    return rows


def _misdrijf(rng: np.random.Generator, n: int) -> np.ndarray:
    choices = _codes_of("misdrijf")
    return choices[rng.integers(0, len(choices), size=n)]


def _edge_rows(rng: np.random.Generator, people: pd.DataFrame, mask: np.ndarray,
               per_person: int) -> pd.DataFrame:
    """Rows exactly on the window boundaries of the persons in ``mask`` (edge subjects)."""
    pos = np.flatnonzero(mask)
    dates = edge_dates(people["start"].to_numpy()[pos])[:, :per_person]
    pid = np.repeat(pos, dates.shape[1])
    return pd.DataFrame({"pid": pid, "clean": False, "date": dates.ravel(),
                         "code": _misdrijf(rng, len(pid)), "origin": "edge"})


def _invalid_rows(rng: np.random.Generator, owners: np.ndarray, people: pd.DataFrame, k: int,
                  texts: tuple[str, ...]) -> pd.DataFrame:
    """k rows whose date is written as unparseable text; their true date lies in the
    before-quarter of the owner, so counting them would show."""
    pid = np.resize(rng.permutation(owners), k)
    return pd.DataFrame({"pid": pid, "clean": False,
                         "date": people["start"].to_numpy()[pid] - 10,
                         "code": _misdrijf(rng, k), "origin": "invalid",
                         "bad_date": np.resize(np.array(texts, dtype=object), k)})


def join_incidents(rng: np.random.Generator, rows: pd.DataFrame, people: pd.DataFrame) -> None:
    """Let some rows share another row's incident (registratienummer, date, code)."""
    pid = rows["pid"].to_numpy()
    fate = people["fate"].to_numpy()[pid]
    base = (rows["origin"] == "base").to_numpy() & ~rows["clean"].to_numpy()
    u = rng.random(len(rows))
    subject_ok = np.isin(fate, FOUND_FATES) & ~people["traffic_only"].to_numpy()[pid]
    joiner = base & (((fate == "") & (u < JOIN_SHARE_OTHERS))
                     | (subject_ok & (u < JOIN_SHARE_SUBJECTS)))
    hosts = np.flatnonzero((rows["origin"] == "base").to_numpy() & ~joiner)
    if not len(hosts) or not joiner.any():
        return
    target = np.flatnonzero(joiner)
    host = hosts[rng.integers(0, len(hosts), size=len(target))]
    for col in ("date", "code", "regkey"):
        values = rows[col].to_numpy().copy()
        values[target] = values[host]
        rows[col] = values


def _duplicates(rng: np.random.Generator, rows: pd.DataFrame, people: pd.DataFrame, k: int
                ) -> pd.DataFrame:
    """k exact re-registrations (same registratienummer) of counted rows of analysed
    subjects, each of another subject."""
    pid = rows["pid"].to_numpy()
    ok = ((rows["origin"] == "base").to_numpy() & ~rows["clean"].to_numpy()
          & (people["fate"].to_numpy()[pid] == "analysed") & counted(rows["code"].to_numpy()))
    candidates = rows.iloc[rng.permutation(np.flatnonzero(ok))]
    picked = candidates.drop_duplicates("pid").head(k).copy()
    picked["origin"] = "duplicate"
    return picked


def _no_identity(rng: np.random.Generator, people: pd.DataFrame, k: int) -> pd.DataFrame:
    others = np.flatnonzero(people["fate"].to_numpy() == "")
    pid = np.resize(rng.permutation(others), k)
    return pd.DataFrame({"pid": pid, "clean": False, "date": event_dates(rng, people, pid),
                         "code": _misdrijf(rng, k), "origin": "no_identity"})


@dataclass(frozen=True)
class KeyRange:
    """The registration keys a BVH extract used: incidents ``0..used-1`` under ``offset``.
    More rows get distinct keys from incident ``used`` on (while fewer than KEY_SPACE)."""

    offset: int
    used: int


def draw_roles(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.choice(len(ROLES), size=n, p=ROLE_WEIGHTS)


def bvh_rows(rng: np.random.Generator, people: pd.DataFrame, design: FunnelDesign,
             s: SynthSettings) -> tuple[pd.DataFrame, KeyRange]:
    """Every BVH row, in a random order, and the registration keys they used."""
    fate = people["fate"].to_numpy()
    owners = np.flatnonzero((fate == "analysed") & ~people["traffic_only"].to_numpy())
    rows = pd.concat([
        _bvh_base(rng, people, s),
        _edge_rows(rng, people, people["edge"].to_numpy(), 6),
        _invalid_rows(rng, owners, people, design.bvh_invalid_date, BAD_EVENT_DATES),
    ], ignore_index=True)
    offset = int(rng.integers(0, KEY_SPACE))
    rows["regkey"] = registration_keys(0, len(rows), offset)
    join_incidents(rng, rows, people)
    lost = _no_identity(rng, people, design.bvh_no_identity)
    lost["regkey"] = registration_keys(len(rows), len(lost), offset)
    keys = KeyRange(offset, len(rows) + len(lost))
    rows = pd.concat([rows, _duplicates(rng, rows, people, design.duplicate_registrations),
                      lost], ignore_index=True)
    rows["bad_date"] = rows["bad_date"].fillna("") if "bad_date" in rows else ""
    rows["rol"] = draw_roles(rng, len(rows))
    rows = rows.iloc[rng.permutation(len(rows))].reset_index(drop=True)
    return rows, keys


def _hks_counts(rng: np.random.Generator, people: pd.DataFrame, s: SynthSettings,
                bvh_count: np.ndarray) -> np.ndarray:
    fate = people["fate"].to_numpy()
    n = len(people)
    in_hks = people["in_hks"].to_numpy().copy()
    oos = np.isin(fate, ("out_of_scope_kader", "out_of_scope_period"))
    in_hks |= oos & (rng.random(n) < OUT_OF_SCOPE_IN_HKS)
    other = fate == ""
    in_hks |= other & ((rng.random(n) < s.other_hks_share) | (bvh_count == 0))
    subject = np.isin(fate, FOUND_FATES)
    count = np.where(subject | oos, lognormal_counts(rng, n, 4.0, 0.8, 1, 40),
                     lognormal_counts(rng, n, 2.0, 0.8, 1, 30))
    return np.where(in_hks, count, 0)


def hks_rows(rng: np.random.Generator, people: pd.DataFrame, design: FunnelDesign,
             s: SynthSettings, bvh: pd.DataFrame) -> pd.DataFrame:
    """Every HKS row, in a random order (none with ``s.hks_empty``)."""
    if s.hks_empty:
        return _no_hks_rows(rng)
    bvh_count = np.bincount(bvh["pid"].to_numpy(), minlength=len(people))
    base = repeat_rows(people, _hks_counts(rng, people, s, bvh_count), CLEAN_HKS_ROWS)
    base["date"] = event_dates(rng, people, base["pid"].to_numpy())
    base["origin"] = "base"
    edge = _edge_rows(rng, people, people["edge"].to_numpy() & people["in_hks"].to_numpy(), 3)
    owners = np.flatnonzero(people["in_hks"].to_numpy())
    invalid = _invalid_rows(rng, owners, people, design.hks_invalid_date, BAD_PLEEGDATES)
    rows = pd.concat([base, edge.drop(columns="code"), invalid.drop(columns="code")],
                     ignore_index=True)
    rows["bad_date"] = rows["bad_date"].fillna("") if "bad_date" in rows else ""
    draw_hks_details(rng, rows)
    return rows.iloc[rng.permutation(len(rows))].reset_index(drop=True)


def _no_hks_rows(rng: np.random.Generator) -> pd.DataFrame:
    rows = pd.DataFrame({"pid": np.zeros(0, np.int64), "clean": np.zeros(0, bool),
                         "date": np.zeros(0, np.int64), "origin": np.zeros(0, object),
                         "bad_date": np.zeros(0, object)})
    draw_hks_details(rng, rows)
    return rows


def draw_hks_details(rng: np.random.Generator, rows: pd.DataFrame) -> None:
    """Add ``feit`` and ``afdoening`` to HKS rows."""
    rows["feit"] = rng.integers(0, len(FEITEN), size=len(rows))
    rows["afdoening"] = rng.choice(len(AFDOENINGEN), size=len(rows), p=AFDOENING_WEIGHTS)


def registration_numbers(regkey: np.ndarray, year: np.ndarray) -> np.ndarray:
    """"PL0900-2012123456": unit, then the incident year and a serial of six digits."""
    unit = np.array([f"PL{u}-" for u in UNITS], dtype=object)[regkey // 1_000_000]
    serial = (year.astype(np.int64) * 1_000_000 + regkey % 1_000_000).astype(str)
    return np.asarray(unit + serial.astype(object))
