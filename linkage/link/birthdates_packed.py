"""The birthdate levels of :mod:`vhh.linkage.link.levels`, on dates packed into integers.

Each side's dates are packed once: the eight digits as a binary-coded decimal (four bits a
digit, in one 32-bit unsigned integer), the same with day and month exchanged, year, month and
day, and the day number. A pair's count of differing digits is then the count of non-zero
nibbles of the two codes' exclusive or: no digit matrix per pair, which made comparing
millions of candidate pairs slow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

__all__ = ["PackedBirth", "birth_levels"]

# level indices, in the order of vhh.linkage.link.levels.BIRTHDATE
(_GELIJK, _ONVOLLEDIG, _GEWISSELD, _EEN_CIJFER, _BINNEN_10, _JAAR, _TWEE, _ANDERS,
 _ONTBREEKT) = range(9)


def _bcd(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    out = np.zeros(len(year), dtype=np.uint32)
    for value, width in ((year, 4), (month, 2), (day, 2)):
        for k in range(width - 1, -1, -1):
            out = (out << np.uint32(4)) | (value // 10 ** k % 10).astype(np.uint32)
    return out


_LOW_BITS = np.uint32(0x11111111)  # the lowest bit of each nibble


def _differing_digits(x: np.ndarray) -> np.ndarray:
    """The number of non-zero nibbles of each 32-bit code (a bit count of their ors)."""
    nib = (x | x >> np.uint32(1) | x >> np.uint32(2) | x >> np.uint32(3)) & _LOW_BITS
    return np.asarray(np.bitwise_count(nib), dtype=np.int8)


@dataclass(frozen=True, eq=False)
class PackedBirth:
    """One side's birthdates, packed (see the module docstring)."""

    NO_DAY: ClassVar[int] = int(np.iinfo(np.int64).min)

    missing: np.ndarray   # bool
    bcd: np.ndarray       # uint32 digits YYYYMMDD
    swapped: np.ndarray   # uint32 digits YYYYDDMM
    year: np.ndarray      # int16
    month: np.ndarray     # int8
    day: np.ndarray       # int8
    day_number: np.ndarray  # int64, NO_DAY when not a complete date

    def __repr__(self) -> str:  # birthdates: their number only
        return f"PackedBirth({len(self.missing)} dates, {int(self.missing.sum())} missing)"

    @classmethod
    def of(cls, key: np.ndarray, day_number: np.ndarray) -> PackedBirth:
        """From YYYYMMDD keys (0 when missing) and day numbers."""
        key = np.asarray(key, dtype=np.int64)
        year, month, day = key // 10_000, key // 100 % 100, key % 100
        return cls(year == 0, _bcd(year, month, day), _bcd(year, day, month),
                   year.astype(np.int16), month.astype(np.int8), day.astype(np.int8),
                   np.asarray(day_number, dtype=np.int64))


def birth_levels(a: PackedBirth, b: PackedBirth, s: np.ndarray, i: np.ndarray) -> np.ndarray:
    """The birthdate level of every pair (``a[s[k]]``, ``b[i[k]]``)."""
    ya, ma, da = a.year[s], a.month[s], a.day[s]
    yb, mb, db = b.year[i], b.month[i], b.day[i]
    code_a = a.bcd[s]
    differ = _differing_digits(code_a ^ b.bcd[i])
    unknown = (ma == 0) | (mb == 0) | (da == 0) | (db == 0)
    month_ok = (ma == mb) | (ma == 0) | (mb == 0)
    day_ok = (da == db) | (da == 0) | (db == 0)
    exchanged = (ma == db) & (da == mb) & (ma != da) & (ma <= 12) & (da <= 12)
    days_a, days_b = a.day_number[s], b.day_number[i]
    known = (days_a != PackedBirth.NO_DAY) & (days_b != PackedBirth.NO_DAY)
    near = known & (np.abs(np.where(known, days_a - days_b, 0)) <= 10)
    gap = np.abs(ya.astype(np.int32) - yb)
    same_md = (ma == mb) & (da == db)
    return np.select(
        [a.missing[s] | b.missing[i], (differ == 0) & ~unknown,
         (ya == yb) & month_ok & day_ok & unknown, (ya == yb) & exchanged, differ == 1, near,
         same_md & ((gap == 1) | (gap == 10) | (gap == 100)),
         (differ == 2) | (_differing_digits(code_a ^ b.swapped[i]) == 1)],
        [_ONTBREEKT, _GELIJK, _ONVOLLEDIG, _GEWISSELD, _EEN_CIJFER, _BINNEN_10, _JAAR, _TWEE],
        default=_ANDERS).astype(np.int8)
