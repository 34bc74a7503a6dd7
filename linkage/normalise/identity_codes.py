"""The normalised identity columns worked on per distinct name, initials or birthdate.

:func:`~vhh.linkage.normalise.identities.normalise_identities` parses each distinct surname
(with its tussenvoegsel), each distinct notation of initials and each distinct birthdate
once and spreads the result over the identities; it keeps, per identity, the position of
its distinct value as a code column (:data:`CODE_OF`). Blocking and the comparison fields
then factorize, transform or explode those columns through the codes: over the tens of
thousands of distinct values, not again over millions of identities (at 20M BVH rows
8.4M identities: their surname columns hashed as text, tuples exploded and copied as
``astype(str)``, several times over).

Each function gives exactly what its plain counterpart gives on the column itself (the
same codes, uniques in the same order, the same exploded rows), on the whole frame or any
selection of its rows; a frame without the code column, or whose column no longer agrees
with its codes at a few rows checked, takes the plain path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from vhh.linkage.normalise.coded import CodedArray, coded
from vhh.linkage.normalise.distinct import per_distinct

__all__ = ["BIRTH_CODE", "CODE_OF", "INITIALS_CODE", "SURNAME_CODE", "exploded", "factorized",
           "transformed", "value_codes"]

SURNAME_CODE = "code_achternaam"
INITIALS_CODE = "code_voorletters"
BIRTH_CODE = "code_geboortedatum"
CODE_OF: dict[str, str] = {
    **dict.fromkeys(("prefix", "core", "components", "phonetic", "parts", "kern",
                     "parts_phonetic"), SURNAME_CODE),
    **dict.fromkeys(("initials", "first"), INITIALS_CODE),
    **dict.fromkeys(("birth", "byear"), BIRTH_CODE),
}
"""Normalised column -> the code column it is a function of."""

_CHECKED = 64  # rows at which a column is held to the value of its code


def _distinct_rows(frame: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray] | None:
    """(per row the position of its code among the codes in order of first appearance, the
    first row of each of those codes), or None when the frame has no codes for
    ``column`` or its values do not follow them."""
    code = CODE_OF.get(column)
    if code is None or code not in frame.columns or frame.empty:
        return None
    codes = frame[code].to_numpy()
    if codes.dtype.kind not in "iu" or codes.min() < 0:
        return None
    first = np.full(int(codes.max()) + 1, -1, dtype=np.intp)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)  # the last write: the first row
    used = np.flatnonzero(first >= 0)
    order = used[np.argsort(first[used], kind="stable")]
    rank = np.empty(len(first), dtype=np.intp)
    rank[order] = np.arange(len(order))
    spread, rows = rank[codes], first[order]
    values = frame[column].array
    if isinstance(values, CodedArray) and np.array_equal(values.codes, codes):
        return spread, rows  # its values are a function of these codes by construction
    at = np.unique(np.linspace(0, len(codes) - 1, _CHECKED).astype(np.intp))
    if _at(frame[column], rows[spread[at]]).tolist() != _at(frame[column], at).tolist():
        return None
    return spread, rows


def _at(values: pd.Series, rows: np.ndarray) -> np.ndarray:
    """The values at ``rows`` (positions) as an object or plain array, without making the
    whole column of a coded one."""
    array = values.array
    if isinstance(array, CodedArray):
        return array.values_at(rows)
    return np.asarray(values.to_numpy()[rows])


def _text(values: np.ndarray) -> np.ndarray:
    return np.asarray(pd.Series(values, dtype=object).astype(str).to_numpy(), dtype=object)


def factorized(frame: pd.DataFrame, column: str, as_text: bool = False
               ) -> tuple[np.ndarray, Any]:
    """``pd.factorize(frame[column]`` (``.astype(str)`` with ``as_text``)
    ``, use_na_sentinel=False)``: the codes and the distinct values, in the same order
    (an index or an array of them: iterate, index by position or take ``len``)."""
    found = _distinct_rows(frame, column)
    if found is None:
        values = frame[column].astype(str) if as_text else frame[column]
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
        return np.asarray(codes), uniques
    spread, rows = found
    table = _at(frame[column], rows)
    codes, uniques = pd.factorize(_text(table) if as_text else table, use_na_sentinel=False)
    return np.asarray(codes)[spread], uniques


def transformed(frame: pd.DataFrame, column: str,
                transform: Callable[[pd.Series], pd.Series], as_text: bool = False,
                *, held: bool = False) -> pd.Series:
    """``per_distinct(frame[column]`` (``.astype(str)`` with ``as_text``) ``, transform)``:
    ``transform`` must be element-wise. ``held``: the result's values held once each
    (a :class:`~vhh.linkage.normalise.coded.CodedArray`) when the column has codes."""
    found = _distinct_rows(frame, column)
    values = frame[column]
    if found is None:
        return per_distinct(values.astype(str) if as_text else values, transform)
    spread, rows = found
    table = _at(values, rows)
    result = transform(pd.Series(_text(table) if as_text else table, dtype=object,
                                 name=values.name))
    if held:
        return pd.Series(coded(spread, result.to_numpy(dtype=object)), index=values.index,
                         name=values.name)
    return pd.Series(result.to_numpy()[spread], index=values.index, name=values.name,
                     dtype=result.dtype)


def exploded(frame: pd.DataFrame, column: str, *, held: bool = False) -> pd.Series:
    """``frame[column].explode().fillna("")`` of a column of tuples (``held``: its values
    held once each, as in :func:`transformed`)."""
    found = _distinct_rows(frame, column)
    values = frame[column]
    if found is None:
        return values.explode().fillna("")
    spread, rows = found
    table = pd.Series(_at(values, rows), dtype=object).explode().fillna("")
    counts = np.bincount(table.index.to_numpy(), minlength=len(rows))
    starts = np.cumsum(counts) - counts
    per_row = counts[spread]
    row = np.repeat(np.arange(len(spread)), per_row)
    within = np.arange(len(row)) - np.repeat(np.cumsum(per_row) - per_row, per_row)
    at = np.repeat(starts[spread], per_row) + within
    if held:
        return pd.Series(coded(at, table.to_numpy()), index=values.index[row],
                         name=values.name)
    return pd.Series(table.to_numpy()[at], index=values.index[row], name=values.name,
                     dtype=object)


def value_codes(values: pd.Series, vocabulary: pd.Index) -> np.ndarray:
    """``vocabulary.get_indexer(values)`` (-1: not in it), each distinct value looked up
    once when ``values`` holds them once (a coded column)."""
    array = values.array
    if isinstance(array, CodedArray):
        found = vocabulary.get_indexer(array.table) if len(array.table) else np.empty(0, np.intp)
        codes = array.codes
        return np.where(codes >= 0, found[np.maximum(codes, 0)] if len(found) else -1, -1)
    return np.asarray(vocabulary.get_indexer(values.to_numpy()))
