"""Compute once per distinct value, then spread the result back over every row.

Extract columns repeat a few values many times (a surname per row of a person, a few
thousand incident days, five roles), so a Python-level string operation over a million rows
costs far more than the same operation over the distinct values plus one ``take``. For an
element-wise ``transform`` the outcome is the same value for value; missing values are
passed to ``transform`` like any other value, so their handling does not change either.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["Distinct", "TextCodes", "per_distinct", "text_codes"]


def per_distinct(values: pd.Series, transform: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``transform(values)`` computed on the distinct values only.

    ``transform`` must be element-wise: each output value depends on its input value
    alone. The result has the index and name of ``values`` and the dtype ``transform`` gives.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    distinct = pd.Series(uniques, name=values.name)
    result = transform(distinct)
    return pd.Series(result.to_numpy()[codes], index=values.index, name=values.name,
                     dtype=result.dtype)


@dataclass(frozen=True, repr=False)
class TextCodes:
    """A text column factorized once: ``uniques[codes]`` is the column, value for value.

    Made only for a column of Python strings with no missing value (see
    :func:`text_codes`), so that every step that works per distinct value of the column
    (parsing, hashing, telling duplicates) can share one factorization instead of each
    hashing a million strings again.
    """

    codes: np.ndarray    # intp, a position in ``uniques`` per row
    uniques: np.ndarray  # object: the distinct strings in order of first appearance

    def __repr__(self) -> str:  # the values are names and birthdates: sizes only
        return f"TextCodes({len(self.codes)} values, {len(self.uniques)} distinct)"

    def take(self, positions: np.ndarray) -> TextCodes:
        """The rows at ``positions`` (the distinct values are kept, used or not)."""
        return TextCodes(self.codes[positions], self.uniques)

    def spread(self, transform: Callable[[pd.Series], pd.Series], index: pd.Index,
               name: object = None) -> pd.Series:
        """``per_distinct(column, transform)``, without factorizing the column again."""
        result = transform(pd.Series(self.uniques, dtype=object, name=name))
        return pd.Series(result.to_numpy()[self.codes], index=index, name=name,
                         dtype=result.dtype)


def text_codes(values: pd.Series) -> TextCodes | None:
    """The column factorized, or None unless it is object dtype, Python strings only and
    not empty (then every caller takes its plain path, as before)."""
    if values.dtype != object or values.empty:
        return None
    codes, uniques = pd.factorize(values.to_numpy(), use_na_sentinel=True)
    if codes.min() < 0 or pd.api.types.infer_dtype(uniques, skipna=False) != "string" or \
            not _told_apart(uniques):
        return None
    return TextCodes(np.asarray(codes, dtype=np.intp), np.asarray(uniques, dtype=object))


def _told_apart(uniques: np.ndarray) -> bool:
    """Whether pandas' string table told these texts apart exactly: it compares texts only
    up to a NUL character and can merge texts with lone surrogates ("a\\0b" and "a\\0c"
    get one code), so a column holding either takes the plain path."""
    try:
        arrow = pa.array(uniques, type=pa.large_string())
    except (pa.ArrowException, UnicodeError):
        return False
    return not pc.any(pc.match_substring(arrow, "\x00")).as_py()


Distinct = Mapping[str, TextCodes]
"""Columns of a raw frame factorized once (:func:`text_codes`), aligned with its rows; a
column may be absent (then it is worked on as it is)."""
