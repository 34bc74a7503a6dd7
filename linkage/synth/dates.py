"""Dates as integer day numbers (days since 1970-01-01), vectorised.

The generator keeps every date as an int64 day number and only turns it into text at the
end, through a lookup table of every day from 1900 to 2016 in each written style. That keeps
formatting millions of dates a single fancy-indexing step.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

__all__ = [
    "DATE_STYLES",
    "EXTRACTION",
    "POLICE_START",
    "STUDY_END",
    "STUDY_START",
    "add_months",
    "day",
    "draw_styles",
    "format_days",
    "from_ymd",
    "to_ymd",
    "valid_ymd",
    "ymd_int",
]


def day(iso: str) -> int:
    """The day number of an ISO date."""
    return int(np.datetime64(iso, "D").astype(np.int64))


STUDY_START = day("2013-01-01")
STUDY_END = day("2013-12-31")
POLICE_START = day("2010-01-01")
EXTRACTION = day("2014-12-31")
TABLE_START = day("1900-01-01")
TABLE_END = day("2016-12-31")

DATE_STYLES: tuple[str, ...] = ("dd-mm-yyyy", "d-m-yyyy", "yyyy-mm-dd")
DATE_STYLE_WEIGHTS: tuple[float, ...] = (0.85, 0.10, 0.05)
_DAYS_IN_MONTH = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def to_ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month and day arrays of day numbers."""
    dt = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    months = dt.astype("datetime64[M]")
    year = months.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    dom = (dt - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, dom


def days_in_month(year: np.ndarray, month: np.ndarray) -> np.ndarray:
    year, month = np.asarray(year), np.asarray(month)
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    return np.asarray(_DAYS_IN_MONTH[np.clip(month, 1, 12) - 1] + ((month == 2) & leap))


def valid_ymd(year: np.ndarray, month: np.ndarray, dom: np.ndarray) -> np.ndarray:
    """Whether each (year, month, day) is a real calendar date."""
    month_ok = (month >= 1) & (month <= 12)
    return month_ok & (dom >= 1) & (dom <= days_in_month(year, month))


def from_ymd(year: np.ndarray, month: np.ndarray, dom: np.ndarray) -> np.ndarray:
    """Day numbers of valid (year, month, day) arrays."""
    months = (np.asarray(year, dtype=np.int64) - 1970) * 12 + np.asarray(month) - 1
    first = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    return np.asarray(first + np.asarray(dom, dtype=np.int64) - 1)


def ymd_int(days: np.ndarray) -> np.ndarray:
    """Day numbers as yyyymmdd integers."""
    year, month, dom = to_ymd(days)
    return np.asarray(year * 10000 + month * 100 + dom)


def add_months(days: np.ndarray, months: int) -> np.ndarray:
    """Shift by calendar months, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    year, month, dom = to_ymd(days)
    total = year * 12 + month - 1 + months
    new_year, new_month = total // 12, total % 12 + 1
    return from_ymd(new_year, new_month, np.minimum(dom, days_in_month(new_year, new_month)))


@lru_cache(maxsize=1)
def _table() -> np.ndarray:
    """(styles x days) object array of formatted dates; pure, holds no personal data."""
    year, month, dom = to_ymd(np.arange(TABLE_START, TABLE_END + 1))
    rows = [
        [f"{d:02d}-{m:02d}-{y}" for y, m, d in zip(year, month, dom, strict=True)],
        [f"{d}-{m}-{y}" for y, m, d in zip(year, month, dom, strict=True)],
        [f"{y}-{m:02d}-{d:02d}" for y, m, d in zip(year, month, dom, strict=True)],
    ]
    table = np.array(rows, dtype=object)
    table.setflags(write=False)
    return table


def format_days(days: np.ndarray, styles: np.ndarray | int = 0) -> np.ndarray:
    """Day numbers as text in the given style index (0, 1, 2 of ``DATE_STYLES``)."""
    days = np.asarray(days, dtype=np.int64)
    if days.size and (days.min() < TABLE_START or days.max() > TABLE_END):
        raise ValueError("date outside the formatting table (1900-2016)")
    return np.asarray(_table()[styles, days - TABLE_START])


def draw_styles(rng: np.random.Generator, n: int) -> np.ndarray:
    """A date style index per value: mostly dd-mm-yyyy, some d-m-yyyy and ISO."""
    return rng.choice(len(DATE_STYLES), size=n, p=DATE_STYLE_WEIGHTS)


def uniform_days(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """A uniform day in [lo, hi] (inclusive) per element; hi < lo gives lo."""
    lo, hi = np.asarray(lo, dtype=np.int64), np.asarray(hi, dtype=np.int64)
    span = np.maximum(hi - lo, 0) + 1
    return np.asarray(lo + (rng.random(np.broadcast(lo, hi).shape) * span).astype(np.int64))
