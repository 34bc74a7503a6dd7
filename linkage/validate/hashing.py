"""Hashes and codes of a police chunk, worked out once per distinct value.

Each police chunk's text columns are factorized once (:func:`factorized`); the row hash
(:func:`row_hashes`, which tells exact copies of an id across chunks) and the identities
(:func:`identity_fields`, :func:`tuple_codes`) are then computed on the distinct values and
spread by the codes, instead of hashing a million strings again for each. Each gives what
its plain definition gives: pandas' ``hash_pandas_object``, grouping by ``astype(str)``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from vhh.linkage.contract import IDENTITY_FIELDS
from vhh.linkage.errors import LinkageError
from vhh.linkage.io.arrow_csv import SAMPLE, chunk_codes, repeats
from vhh.linkage.normalise.distinct import Distinct, TextCodes, text_codes

__all__ = ["column_hash", "combine_hashes", "factorized", "identity_fields", "positions",
           "row_hashes", "tuple_codes"]


def tuple_codes(codes: list[np.ndarray], sizes: list[int]) -> tuple[np.ndarray, int]:
    """One code per row for the tuple of its codes (``codes[i]`` in ``range(sizes[i])``),
    numbered in order of first appearance: rows get the same code iff all their codes are
    equal (mixed radix, re-factorized before the number could pass 2**62)."""
    key, size = codes[0].astype(np.int64), max(sizes[0], 1)
    for more, n in zip(codes[1:], sizes[1:], strict=True):
        if size * max(n, 1) >= 2**62:
            key, distinct = pd.factorize(key)
            size = max(len(distinct), 1)
        key, size = key * max(n, 1) + more, size * max(n, 1)
    local, distinct = pd.factorize(key)
    return np.asarray(local, dtype=np.intp), len(distinct)


def _as_text(values: pd.Series) -> TextCodes:
    """``values.astype(str)`` as text codes; a column of whole numbers (``geslacht``) is
    factorized first and only its distinct numbers written as text."""
    if pd.api.types.is_integer_dtype(values.dtype):
        codes, uniques = pd.factorize(values.to_numpy())
        text = pd.Series(uniques, dtype=values.dtype).astype(str).to_numpy(dtype=object)
        return TextCodes(np.asarray(codes, dtype=np.intp), text)  # distinct numbers: distinct
    fast = text_codes(values)  # Python strings: astype(str) leaves them as they are
    if fast is not None:
        return fast
    codes, uniques = pd.factorize(values.astype(str).to_numpy(dtype=object))
    return TextCodes(np.asarray(codes, dtype=np.intp), np.asarray(uniques, dtype=object))


def identity_fields(valid: pd.DataFrame, positions: np.ndarray | None, distinct: Distinct
                     ) -> list[TextCodes]:
    """The IDENTITY_FIELDS of the valid rows as text (``astype(str)``), as codes: from the
    raw chunk's codes (``positions``: the valid rows' positions in it) where prepare left
    the column as read, else factorized here."""
    fields = []
    for name in IDENTITY_FIELDS:
        raw = distinct.get(name)
        if positions is not None and raw is not None and name not in _PREPARED:
            fields.append(raw.take(positions))  # Python strings: astype(str) leaves them
            continue
        fields.append(_as_text(valid[name]))
    return fields


_PREPARED = ("geboortedatum", "geslacht")  # identity fields that prepare() rewrites


def factorized(chunk: pd.DataFrame, id_column: str | None = None) -> dict[str, TextCodes]:
    """The text columns of the chunk that are Python strings only, factorized once: the
    id (its codes tell its duplicates) and every column that repeats its values (judged
    on its first rows: nothing is gained by factorizing a column of distinct values).
    The reader's own codes are taken where it made them (it judged by the same rule)."""
    known = chunk_codes(chunk)
    out = {}
    for col in chunk.columns:
        if col == "bronrij":
            continue
        head = chunk[col].iloc[:SAMPLE]
        if col != id_column and not repeats(len(pd.unique(head.to_numpy())), len(head)):
            continue
        if (made := known.get(str(col))) is not None:
            out[str(col)] = TextCodes(*made)
        elif (codes := text_codes(chunk[col])) is not None:
            out[str(col)] = codes
    return out


def row_hashes(chunk: pd.DataFrame, distinct: Distinct,
               hashed: Mapping[str, np.ndarray] | None = None) -> np.ndarray:
    """A 64-bit hash of every raw row's content (all columns but ``bronrij``), per row.

    ``pd.util.hash_pandas_object(content, index=False)``, value for value: a column of
    Python strings is hashed per distinct value (as pandas does inside, after factorizing
    it again) and the columns are combined as pandas combines them. ``hashed``: columns
    whose per-row hash is known already (:func:`column_hash` of a column of Python
    strings, which is pandas' hash of each), used as they are.
    """
    hashed = hashed or {}
    names = [c for c in chunk.columns if c != "bronrij"]  # no copy of the chunk (drop)
    if not all(str(c) in distinct or isinstance(chunk[c].dtype, np.dtype) for c in names):
        return np.asarray(pd.util.hash_pandas_object(chunk.drop(columns="bronrij"),
                                                     index=False), dtype=np.uint64)
    columns = []
    for col in names:
        codes = distinct.get(str(col))
        if str(col) in hashed and codes is not None:  # strings only, hashed as here
            columns.append(hashed[str(col)])
        elif codes is None:  # categorize (factorizing first) changes nothing for strings
            values = chunk[col].to_numpy()
            strings = pd.api.types.infer_dtype(values, skipna=False) == "string"
            columns.append(pd.util.hash_array(values, categorize=not strings))
        else:
            columns.append(pd.util.hash_array(codes.uniques, categorize=False)[codes.codes])
    return combine_hashes(columns, len(chunk))


def column_hash(chunk: pd.DataFrame, column: str, distinct: Distinct) -> np.ndarray:
    """A 64-bit hash of each row's ``column`` written as text (``astype(str)``): equal
    texts hash equal, so two rows can share a text only where their hashes agree. Worked
    out once per distinct text where the column is factorized."""
    codes = distinct.get(column)
    if codes is not None:
        hashed = pd.util.hash_array(codes.uniques, categorize=False)[codes.codes]
    else:
        hashed = pd.util.hash_array(chunk[column].astype(str).to_numpy(dtype=object),
                                    categorize=True)
    return np.asarray(hashed, dtype=np.uint64)


def combine_hashes(columns: list[np.ndarray], rows: int) -> np.ndarray:
    """pandas' combination of per-column hashes into one per row (``combine_hash_arrays``
    in pandas.core.util.hashing, as hash_pandas_object uses it for a frame)."""
    if not columns:
        return np.empty(0, dtype=np.uint64) if rows == 0 else np.full(
            rows, np.uint64(0x345678) + np.uint64(97531), dtype=np.uint64)
    mult = np.uint64(1000003)
    out = np.zeros_like(columns[0]) + np.uint64(0x345678)
    with np.errstate(over="ignore"):
        for i, hashed in enumerate(columns):
            inverse = len(columns) - i
            out ^= hashed
            out *= mult
            mult += np.uint64(82520 + inverse + inverse)
        out += np.uint64(97531)
    return out


def positions(chunk: pd.DataFrame, bronrij: np.ndarray) -> np.ndarray:
    """The positions in ``chunk`` of the rows numbered ``bronrij`` (each must be there)."""
    numbers = chunk["bronrij"].to_numpy(dtype=np.int64)
    if len(numbers) > 1 and (np.diff(numbers) > 0).all():
        at = np.searchsorted(numbers, bronrij)
    else:
        at = pd.Index(numbers).get_indexer(bronrij)
    at = np.asarray(at, dtype=np.intp)
    inside = (at >= 0) & (at < len(numbers))
    if not inside.all() or not np.array_equal(numbers[at], bronrij):
        raise LinkageError("a validated row has no row number of its chunk; this should "
                           "never happen: report it to the maintainers")
    return at
