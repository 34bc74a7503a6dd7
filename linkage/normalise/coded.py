"""A column held as one table of distinct values and a small integer code per row.

:func:`~vhh.linkage.normalise.identities.normalise_identities` parses each distinct surname,
notation of initials and birthdate once. Spread back over the identities as object columns,
its ten normalised columns cost a pointer per identity each: at 5M BVH rows (1.95M
identities) 150 MiB held through the whole linkage, at 20M about 0.6 GiB. A
:class:`CodedArray` keeps the distinct values once and, per row, the code the identity
already carries (the same int32 array as its code column, not a copy), so the column costs
nothing extra.

It is a pandas extension array: ``frame["core"]``, ``.to_numpy()``, ``.map(f)``,
``.astype(str)``, comparisons, ``.loc``/``.iloc``, ``take``, ``concat`` and ``copy`` give
the values the object column gave, value for value; element-wise work (``map``,
``astype``, comparisons) runs over the distinct values and is spread by the codes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd
from pandas._libs import reshape
from pandas.api.extensions import ExtensionArray, ExtensionDtype, take

__all__ = ["CodedArray", "CodedDtype", "coded"]


class CodedDtype(ExtensionDtype):  # type: ignore[misc]
    """The dtype of a :class:`CodedArray`: Python objects, ``None`` for missing."""

    name = "coded"
    type = object
    kind = "O"
    na_value = None

    @classmethod
    def construct_array_type(cls) -> Any:  # type[CodedArray] ("type" is the field above)
        return CodedArray


_DTYPE = CodedDtype()


class CodedArray(ExtensionArray):  # type: ignore[misc]
    """``table[codes]`` without making it: ``codes`` int32 (a position in ``table`` per row,
    -1 for missing), ``table`` an object array of the distinct values."""

    def __init__(self, codes: np.ndarray, table: np.ndarray) -> None:
        self._codes = codes
        self._table = table

    # -- what the linkage steps read directly ------------------------------------------
    @property
    def codes(self) -> np.ndarray:
        return self._codes

    @property
    def table(self) -> np.ndarray:
        return np.asarray(self._table)

    def values_at(self, rows: np.ndarray) -> np.ndarray:
        """The values (an object array) at ``rows``."""
        return np.asarray(self._table[self._codes[rows]])

    def per_value(self, f: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        """``f`` (array in, array of the same length out) on the distinct values, spread."""
        if not len(self._codes):
            return np.asarray(f(self._table[:0]))
        return np.asarray(np.asarray(f(self._with_missing()))[self._codes])

    def _with_missing(self) -> np.ndarray:
        """The table, with ``None`` appended when a row is missing: code -1 finds it."""
        if (self._codes < 0).any():
            return np.append(self._table, np.array([None], dtype=object))
        return np.asarray(self._table)

    # -- the extension array interface -------------------------------------------------
    @classmethod
    def _from_sequence(cls, scalars: Sequence[Any], *, dtype: Any = None,
                       copy: bool = False) -> CodedArray:
        values = _objects(scalars)
        return cls(np.arange(len(values), dtype=np.int32), values)

    @classmethod
    def _from_factorized(cls, values: np.ndarray, original: CodedArray) -> CodedArray:
        return cls._from_sequence(list(values))

    @property
    def dtype(self) -> CodedDtype:
        return _DTYPE

    @property
    def nbytes(self) -> int:
        return int(self._codes.nbytes)

    def __len__(self) -> int:
        return len(self._codes)

    def __getitem__(self, item: Any) -> Any:
        if isinstance(item, (int, np.integer)):
            code = self._codes[item]
            return self._table[code] if code >= 0 else None
        item = pd.api.indexers.check_array_indexer(self, item) \
            if not isinstance(item, slice) else item
        return type(self)(self._codes[item], self._table)

    def __iter__(self) -> Iterator[Any]:
        # the values made at once, not one __getitem__ per element
        return iter(self.to_numpy().tolist())

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self.to_numpy(dtype=dtype)

    def to_numpy(self, dtype: Any = None, copy: bool = False,
                 na_value: Any = pd.api.extensions.no_default) -> np.ndarray:
        out = self._with_missing()[self._codes]
        if na_value is not pd.api.extensions.no_default:
            out[pd.isna(out)] = na_value
        return np.asarray(out if dtype is None or np.dtype(dtype) == object
                          else out.astype(dtype))

    def isna(self) -> np.ndarray:
        return self.per_value(lambda t: pd.isna(t).astype(bool))

    def take(self, indices: Sequence[int], *, allow_fill: bool = False,
             fill_value: Any = None) -> CodedArray:
        codes = take(self._codes, indices, allow_fill=allow_fill, fill_value=-1)
        return type(self)(np.asarray(codes, dtype=np.int32), self._table)

    def copy(self) -> CodedArray:
        return type(self)(self._codes.copy(), self._table)

    @classmethod
    def _concat_same_type(cls, to_concat: Sequence[CodedArray]) -> CodedArray:
        if all(a._table is to_concat[0]._table for a in to_concat):
            return cls(np.concatenate([a._codes for a in to_concat]), to_concat[0]._table)
        return cls._from_sequence([v for a in to_concat for v in a.to_numpy()])

    def map(self, mapper: Any, na_action: Any = None) -> Any:
        """``Series.map`` on the object column, run on the distinct values."""
        return self.per_value(
            lambda t: pd.Series(t, dtype=object).map(mapper, na_action).to_numpy())

    def astype(self, dtype: Any, copy: bool = True) -> Any:
        if isinstance(dtype, CodedDtype):
            return self.copy() if copy else self
        return self.per_value(lambda t: pd.Series(t, dtype=object).astype(dtype).to_numpy())

    def _cmp(self, other: Any, op: Callable[[Any, Any], Any]) -> np.ndarray:
        if isinstance(other, tuple):  # one value (a tuple column's element), not a row
            return self.per_value(lambda t: np.fromiter((bool(op(v, other)) for v in t),
                                                        dtype=bool, count=len(t)))
        if np.ndim(other) == 0:
            return self.per_value(lambda t: np.asarray(op(t, other), dtype=bool))
        return np.asarray(op(self.to_numpy(), np.asarray(other, dtype=object)), dtype=bool)

    def __eq__(self, other: Any) -> Any:
        if isinstance(other, (pd.Series, pd.Index, pd.DataFrame)):
            return NotImplemented
        return self._cmp(other, lambda a, b: a == b)

    def __ne__(self, other: Any) -> Any:
        if isinstance(other, (pd.Series, pd.Index, pd.DataFrame)):
            return NotImplemented
        return self._cmp(other, lambda a, b: a != b)

    def _explode(self) -> tuple[np.ndarray, np.ndarray]:
        """``Series.explode`` as on the object column: tuples become rows (object dtype)."""
        values, counts = reshape.explode(self.to_numpy())
        return np.asarray(values), np.asarray(counts)

    def _values_for_factorize(self) -> tuple[np.ndarray, Any]:
        return self.to_numpy(), None

    def __repr__(self) -> str:  # names and birthdates: their number only
        return f"CodedArray({len(self._codes)} values, {len(self._table)} distinct)"


def _objects(values: Sequence[Any]) -> np.ndarray:
    """An object array of ``values`` as they are (tuples stay elements, not rows)."""
    return np.fromiter(values, dtype=object, count=len(values))


def coded(codes: np.ndarray, values: Sequence[Any]) -> CodedArray:
    """A :class:`CodedArray` of ``values[codes]`` (``values`` the distinct results;
    ``codes`` is kept as it is when it is int32 already)."""
    return CodedArray(np.asarray(codes, dtype=np.int32), _objects(values))
