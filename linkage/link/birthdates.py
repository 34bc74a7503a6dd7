"""Compare birthdates carried as "YYYYMMDD" strings, tolerating the usual typing slips.

A birthdate is an 8-digit string "YYYYMMDD" where "00" marks an unknown month or day (a
partial date), or "" when it is missing. A year "0000" (the GBA spelling of a wholly unknown
date, "00000000") also counts as missing. None and NaN, as pandas gives for an empty cell,
count as missing too. Anything else is a ``ValueError``; the message never holds the value.

``compare_birthdates`` returns the first level in this order that holds:

=============  ==========================================================================
missing        either date is missing
exact          equal and complete (no "00")
partial        same year; month and day each equal or "00" on one side; some "00" involved
swap           same year, day and month exchanged (they differ and both are 1-12)
one_digit      exactly one of the 8 digits differs
year_decade    month and day equal, years exactly 10 apart (1989 vs 1999 is one_digit)
year_century   month and day equal, years exactly 100 apart (typed 19xx for 20xx)
different      anything else
=============  ==========================================================================

The slips after ``partial`` compare the digit strings literally, "00" included. ``LEVELS``
lists the levels from best to worst with ``missing`` last.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

__all__ = [
    "LEVELS",
    "birth_year",
    "compare_birthdates",
    "compare_birthdates_series",
    "within_one_slip",
    "within_one_slip_pairs",
    "BirthDigits",
    "birthdate_levels_pairs",
    "ONE_SLIP_LEVELS",
]

LEVELS: Final = (
    "exact", "partial", "swap", "one_digit", "year_decade", "year_century", "different",
    "missing",
)
_WITHIN_ONE_SLIP: Final = frozenset(LEVELS[:6])
_DATE: Final = re.compile(r"[0-9]{8}")
_FORMAT_HINT: Final = "birthdates must be 'YYYYMMDD' (00 for an unknown month or day) or ''"


@dataclass(frozen=True, slots=True)
class _Date:
    digits: str
    year: int
    month: int
    day: int


def _is_missing(value: object) -> bool:
    """True for None, float NaN, numpy NaN and pandas NA."""
    if value is None:
        return True
    try:
        return bool(value != value)
    except (TypeError, ValueError):  # pandas NA refuses to be a bool
        return True


def _parse(value: str | None) -> _Date | None:
    """The date, or None when it is missing; ValueError (without the value) when malformed."""
    text = "" if _is_missing(value) else str(value)
    if text == "":
        return None
    if not _DATE.fullmatch(text):
        raise ValueError(f"malformed birthdate: {_FORMAT_HINT}")
    year, month, day = int(text[:4]), int(text[4:6]), int(text[6:])
    return None if year == 0 else _Date(text, year, month, day)


def _exact(a: _Date, b: _Date) -> bool:
    return a.digits == b.digits and a.month != 0 and a.day != 0


def _partial(a: _Date, b: _Date) -> bool:
    month_ok = a.month == b.month or 0 in (a.month, b.month)
    day_ok = a.day == b.day or 0 in (a.day, b.day)
    some_unknown = 0 in (a.month, b.month, a.day, b.day)
    return a.year == b.year and month_ok and day_ok and some_unknown


def _swap(a: _Date, b: _Date) -> bool:
    exchanged = a.month == b.day and a.day == b.month and a.month != a.day
    return a.year == b.year and exchanged and a.month <= 12 and a.day <= 12


def _one_digit(a: _Date, b: _Date) -> bool:
    return sum(x != y for x, y in zip(a.digits, b.digits, strict=True)) == 1


def _years_apart(gap: int) -> Callable[[_Date, _Date], bool]:
    def test(a: _Date, b: _Date) -> bool:
        return (a.month, a.day) == (b.month, b.day) and abs(a.year - b.year) == gap

    return test


_TESTS: Final = (
    ("exact", _exact),
    ("partial", _partial),
    ("swap", _swap),
    ("one_digit", _one_digit),
    ("year_decade", _years_apart(10)),
    ("year_century", _years_apart(100)),
)


def compare_birthdates(a: str | None, b: str | None) -> str:
    """The agreement level of two birthdates, one of ``LEVELS``. Symmetric."""
    date_a, date_b = _parse(a), _parse(b)
    if date_a is None or date_b is None:
        return "missing"
    return next((level for level, test in _TESTS if test(date_a, date_b)), "different")


ONE_SLIP_LEVELS: Final = tuple(LEVELS[:6])
"""The levels :func:`within_one_slip` accepts, for vectorised ``isin`` tests."""


def within_one_slip(level: str) -> bool:
    """True for every level from exact up to year_century: one slip at most."""
    if level not in LEVELS:
        raise ValueError(f"unknown birthdate level {level!r}; expected one of {LEVELS}")
    return level in _WITHIN_ONE_SLIP


def birth_year(s: str | None) -> int | None:
    """The year of a birthdate, or None when it is missing or the year is unknown."""
    date = _parse(s)
    return None if date is None else date.year


# --------------------------------------------------------------------------------------------
# Vectorised comparison
# --------------------------------------------------------------------------------------------


def _digit_matrix(dates: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(n x 8 digit matrix, missing mask); missing rows hold zeros."""
    text = dates.astype("string").fillna("")
    empty = (text == "").to_numpy(dtype=bool)
    valid = text.str.fullmatch(_DATE.pattern).to_numpy(dtype=bool)
    if not (valid | empty).all():
        raise ValueError(f"{int((~(valid | empty)).sum())} malformed birthdates: {_FORMAT_HINT}")
    raw = "".join(text.where(~empty, "00000000").tolist()).encode("ascii")
    digits = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 8).astype(np.int16) - ord("0")
    return digits, empty


def _fields(digits: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    year = digits[:, :4] @ np.array([1000, 100, 10, 1], dtype=np.int16)
    return year, digits[:, 4] * 10 + digits[:, 5], digits[:, 6] * 10 + digits[:, 7]


def _level_masks(da: np.ndarray, db: np.ndarray) -> list[np.ndarray]:
    """Masks in the order of ``_TESTS``."""
    (ya, ma, dd_a), (yb, mb, dd_b) = _fields(da), _fields(db)
    same_year, same_md = ya == yb, (ma == mb) & (dd_a == dd_b)
    unknown = (ma == 0) | (mb == 0) | (dd_a == 0) | (dd_b == 0)
    month_ok = (ma == mb) | (ma == 0) | (mb == 0)
    day_ok = (dd_a == dd_b) | (dd_a == 0) | (dd_b == 0)
    exchanged = (ma == dd_b) & (dd_a == mb) & (ma != dd_a) & (ma <= 12) & (dd_a <= 12)
    return [
        (da == db).all(axis=1) & (ma != 0) & (dd_a != 0),
        same_year & month_ok & day_ok & unknown,
        same_year & exchanged,
        (da != db).sum(axis=1) == 1,
        same_md & (np.abs(ya - yb) == 10),
        same_md & (np.abs(ya - yb) == 100),
    ]


def compare_birthdates_series(a: pd.Series, b: pd.Series) -> pd.Series:
    """``compare_birthdates`` row by row, by position; the result carries a's index.

    Gives the same level as the scalar function on every element. NaN and None are missing.
    """
    if len(a) != len(b):
        raise ValueError(f"cannot compare {len(a)} birthdates with {len(b)}: lengths differ")
    (da, empty_a), (db, empty_b) = _digit_matrix(a), _digit_matrix(b)
    missing = empty_a | empty_b | (_fields(da)[0] == 0) | (_fields(db)[0] == 0)
    conditions = [missing, *_level_masks(da, db)]
    choices = ["missing", *(level for level, _ in _TESTS)]
    levels = np.select(conditions, choices, default="different")
    return pd.Series(levels, index=a.index, dtype=object, name="birthdate_level")


class BirthDigits:
    """Birthdates parsed once into an (n x 8) digit matrix, for comparing many pairs."""

    def __init__(self, dates: pd.Series) -> None:
        self.digits, empty = _digit_matrix(dates)
        self.missing = empty | (_fields(self.digits)[0] == 0)


def _pair_batches(a: BirthDigits, b: BirthDigits, left: np.ndarray, right: np.ndarray,
                  batch: int) -> Iterator[tuple[slice, np.ndarray, list[np.ndarray]]]:
    for start in range(0, len(left), batch):
        part = slice(start, start + batch)
        ls, rs = left[part], right[part]
        yield part, a.missing[ls] | b.missing[rs], _level_masks(a.digits[ls], b.digits[rs])


def birthdate_levels_pairs(a: BirthDigits, b: BirthDigits, left: np.ndarray,
                           right: np.ndarray, batch: int = 2_000_000) -> np.ndarray:
    """``compare_birthdates_series`` for the pairs (``a[left[k]]``, ``b[right[k]]``)."""
    out = np.empty(len(left), dtype=object)
    choices = ["missing", *(level for level, _ in _TESTS)]
    for part, missing, masks in _pair_batches(a, b, left, right, batch):
        out[part] = np.select([missing, *masks], choices, default="different")
    return out


def within_one_slip_pairs(a: pd.Series | BirthDigits, b: pd.Series | BirthDigits,
                          left: np.ndarray, right: np.ndarray, batch: int = 2_000_000
                          ) -> np.ndarray:
    """Per pair (``a[left[k]]``, ``b[right[k]]``): is the level within one slip?

    The same answer as ``compare_birthdates_series(...).isin(ONE_SLIP_LEVELS)`` on the
    expanded pairs, but each side's dates are parsed once and the pairs are taken in
    batches, so tens of millions of candidate pairs never become strings.
    """
    da = a if isinstance(a, BirthDigits) else BirthDigits(a)
    db = b if isinstance(b, BirthDigits) else BirthDigits(b)
    out = np.zeros(len(left), dtype=bool)
    for part, missing, masks in _pair_batches(da, db, left, right, batch):
        out[part] = ~missing & np.logical_or.reduce(masks)
    return out
