"""Parsing of the date notations found in GCOS and police extracts (vectorised).

Accepted: ``dd-mm-yyyy``, ``d-m-yyyy`` (also with ``/`` or ``.``), ISO ``yyyy-mm-dd`` (with an
optional time part), and real date values from Parquet or XLSX. ``00`` for the day or month
means *unknown* and gives a partial date, which is not an error: birthdates may be partial
(linkage can still use the known parts), event dates may not (they cannot be placed in a
window), and the validator says so with its own reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from vhh.linkage.normalise.names import is_missing

__all__ = ["ParsedDates", "birth_year", "date_key_to_timestamp", "parse_dates"]

_KEY = re.compile(r"[0-9]{8}")

_DMY = r"^\s*(?P<d>\d{1,2})[-/.](?P<m>\d{1,2})[-/.](?P<y>\d{4})\s*$"
_ISO = (r"^\s*(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
        r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*$")

_DMY_RE, _ISO_RE = re.compile(_DMY), re.compile(_ISO)

OK, PARTIAL, MISSING, INVALID = "ok", "partial", "missing", "invalid"


@dataclass(frozen=True)
class ParsedDates:
    """The parse of one date column, aligned with its index.

    ``key`` is ``YYYYMMDD`` with ``00`` for unknown parts ("" when missing or invalid);
    ``date`` is the full date (NaT unless status is ``ok``); ``status`` is one of
    ``ok``, ``partial``, ``missing``, ``invalid``.
    """

    key: pd.Series
    date: pd.Series
    status: pd.Series

    def __repr__(self) -> str:  # birthdates: never in a repr
        return f"ParsedDates({len(self.key)} values)"


def _from_datetimes(values: pd.Series) -> ParsedDates:
    date = pd.to_datetime(values, errors="coerce").astype("datetime64[ns]")
    key = date.dt.strftime("%Y%m%d").fillna("")
    status = pd.Series(np.where(date.isna(), MISSING, OK), index=values.index, dtype=object)
    return ParsedDates(key=key.astype(object), date=date, status=status)


def parse_dates(values: pd.Series) -> ParsedDates:
    """Parse a column of date text (or date values) into keys, dates and a status.

    Each distinct value is parsed once and the result spread back: extracts repeat the same
    dates (a birthdate per row of a person, a few thousand incident days) many times.
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        return _from_datetimes(values)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if len(uniques) == len(values):
        return _parse_distinct(values)
    parsed = _parse_distinct(pd.Series(uniques, dtype=object))
    # position len(uniques) holds the parse of a missing value, for the NA sentinel (-1)
    missing = _parse_distinct(pd.Series([""], dtype=object))
    take = np.where(codes < 0, len(uniques), codes)

    def spread(part: pd.Series, extra: pd.Series) -> pd.Series:
        joined = pd.concat([part, extra], ignore_index=True)
        return pd.Series(joined.to_numpy()[take], index=values.index, dtype=joined.dtype)

    return ParsedDates(key=spread(parsed.key, missing.key), date=spread(parsed.date, missing.date),
                       status=spread(parsed.status, missing.status))


def _parse_distinct(values: pd.Series) -> ParsedDates:
    text = values.astype("string").fillna("").str.strip()
    if values.dtype == object:
        is_date = values.map(lambda v: hasattr(v, "year") and hasattr(v, "month"))
        if is_date.any():
            dated = _from_datetimes(values.where(is_date))
            text = text.where(~is_date, dated.key.str.slice(0, 4) + "-"
                              + dated.key.str.slice(4, 6) + "-" + dated.key.str.slice(6, 8))
    y, m, d, matched = _date_numbers(text)
    sane = matched & (m <= 12) & (d <= 31) & (y >= 1000)
    full = sane & (m > 0) & (d > 0)
    partial = sane & ~full & ~((m == 0) & (d > 0))  # a known day in an unknown month is junk
    # YYYYMMDD as one number, then one zero-padding: the patterns allow at most 4 digits of
    # year and 2 of month and day, so this is the three parts padded and joined
    key = pd.Series(y * 10000 + m * 100 + d, index=values.index).astype(str).str.zfill(8)
    date = pd.to_datetime(key.where(full), format="%Y%m%d", errors="coerce").astype(
        "datetime64[ns]"
    )
    real = full & date.notna()  # 31-02 and friends fail here
    status = np.select(
        [text == "", real, partial], [MISSING, OK, PARTIAL], default=INVALID
    )
    status_s = pd.Series(status, index=values.index, dtype=object)
    key = key.where(status_s.isin([OK, PARTIAL]), "").astype(object)
    return ParsedDates(key=key, date=date.where(status_s == OK), status=status_s)


def _date_numbers(text: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Year, month and day of each text (0 where none), and whether all three were read.

    The texts are stripped (see :func:`_parse_distinct`). The ASCII ones are read by Arrow's
    regular expressions (RE2) in one pass per notation: on ASCII text without white space
    at either end, RE2's ``\\d``, ``\\s``, ``^`` and ``$`` match what Python's do there.
    The others go through :func:`_read` one by one, which is the definition (a property
    test holds the two equal).
    """
    values = text.to_numpy(dtype=object)
    read = np.zeros((len(values), 4), dtype=np.int64)
    if not len(values):
        return read[:, 0], read[:, 1], read[:, 2], read[:, 3].astype(bool)
    try:
        array = pa.array(values, type=pa.string())
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeError):  # not all (valid) text
        array = None
    if array is None or array.null_count:
        plain = np.ones(len(values), dtype=bool)
    else:
        plain = ~pc.string_is_ascii(array).to_numpy(zero_copy_only=False)
        open_rows = np.flatnonzero(~plain)
        for pattern in (_DMY, _ISO):  # the order of _read: day-month-year first
            if not len(open_rows):
                break
            found = pc.extract_regex(array.take(pa.array(open_rows)), pattern)
            hit = found.is_valid().to_numpy(zero_copy_only=False)
            rows, found = open_rows[hit], found.filter(pa.array(hit))
            for k, part in enumerate("ymd"):
                read[rows, k] = pc.cast(found.field(part), pa.int64()).to_numpy()
            read[rows, 3] = 1
            open_rows = open_rows[~hit]
    for row in np.flatnonzero(plain):
        read[row] = _read(values[row])
    return read[:, 0], read[:, 1], read[:, 2], read[:, 3].astype(bool)


_UNREAD = (0, 0, 0, 0)


def _read(value: object) -> tuple[int, int, int, int]:
    """(year, month, day, 1) of the day-month-year notation, else of ISO; ``_UNREAD`` if neither.

    ``\\d`` also matches non-ASCII digits, which ``pd.to_numeric`` does not read: such a part
    goes to ``to_numeric`` itself, so a value reads exactly as it did when whole columns of
    parts went through ``to_numeric``.
    """
    match = (_DMY_RE.search(value) or _ISO_RE.search(value)) if isinstance(value, str) else None
    if match is None:
        return _UNREAD
    y, m, d = match.group("y", "m", "d")
    if match.group().isascii():
        return int(y), int(m), int(d), 1
    year, month, day = (_to_numeric(part) for part in (y, m, d))
    if year is None or month is None or day is None:
        return _UNREAD
    return year, month, day, 1


def _to_numeric(digits: str) -> int | None:
    number = pd.to_numeric(pd.Series([digits], dtype="string"), errors="coerce").iloc[0]
    return None if pd.isna(number) else int(number)


def date_key_to_timestamp(key: pd.Series) -> pd.Series:
    """Full ``YYYYMMDD`` keys to dates; partial or empty keys give NaT."""
    full = key.str.len().eq(8) & ~key.str.slice(4, 6).eq("00") & ~key.str.slice(6, 8).eq("00")
    return pd.to_datetime(key.where(full), format="%Y%m%d", errors="coerce").astype(
        "datetime64[ns]"
    )


def birth_year(key: str | None) -> int | None:
    """The year of a "YYYYMMDD" birthdate key, or None when it is missing or unknown (0000).

    A key that is not eight digits is a ``ValueError`` whose message never holds the value.
    """
    text = "" if is_missing(key) else str(key)
    if text == "":
        return None
    if not _KEY.fullmatch(text):
        raise ValueError("malformed birthdate: birthdates must be 'YYYYMMDD' (00 for an unknown "
                         "month or day) or ''")
    year = int(text[:4])
    return None if year == 0 else year
