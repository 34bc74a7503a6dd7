"""CSV text of large frames, byte for byte as ``DataFrame.to_csv`` writes it, in pieces.

``koppelingen.csv`` has a row per linked police row (millions on a national extract) and
about twenty columns that repeat per pair (rule, weights, levels). ``to_csv`` formats every
cell in the interpreter and returns the whole file as one string; here each column's
*distinct* values are formatted once, by pandas itself, and the rows are put together by
Arrow in pieces of :data:`PIECE_ROWS` rows, so the file is never held as text at once.

Exactness: each distinct value is formatted by ``to_csv`` in a column of its own dtype
(numbers, dates and categories format per value, or, for dates, per set of values, which
the distinct values preserve), so a cell reads as it would in the whole frame. Where that
cannot be told apart line by line (a value holding a line break, a frame of fewer than two
columns, frames whose dtypes differ) the text comes from ``to_csv`` itself.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["PIECE_ROWS", "SharedRows", "csv_bytes", "csv_pieces"]

PIECE_ROWS = 50_000
_TAIL = ",0"  # every distinct value is formatted next to a constant, then cut off


@dataclass(frozen=True, eq=False)
class SharedRows:
    """A table whose rows repeat a few shared rows, held without the repeats: per row its
    own columns (``own``) and the position ``at`` of its row in ``shared``; ``columns``
    orders the whole. ``koppelingen.csv`` is one: a row per police row, the pair's rule and
    weights shared by all rows of one police identity."""

    columns: tuple[str, ...]
    shared: pd.DataFrame
    at: np.ndarray
    own: pd.DataFrame

    def __len__(self) -> int:
        return len(self.at)

    def __repr__(self) -> str:  # the frames hold ids: sizes only
        return f"SharedRows({len(self.at)} rows, {len(self.shared)} shared)"

    def column(self, name: str) -> pd.Series:
        """One column, a value per row (index 0..n-1)."""
        if name in self.own.columns:
            return self.own[name].reset_index(drop=True)
        return self.shared[name].take(self.at).reset_index(drop=True)

    def equals(self, name: str, value: object) -> np.ndarray:
        """Per row: whether column ``name`` holds ``value``; a shared column is compared
        once per shared row, not once per row."""
        if name in self.own.columns:
            return np.asarray((self.own[name] == value).to_numpy(dtype=bool, na_value=False))
        per_shared = (self.shared[name] == value).to_numpy(dtype=bool, na_value=False)
        return np.asarray(per_shared[self.at])

    def frame(self) -> pd.DataFrame:
        """The whole table, every row written out."""
        return pd.DataFrame({name: self.column(name) for name in self.columns},
                            index=pd.RangeIndex(len(self)))

    @property
    def dtypes(self) -> pd.Series:
        return pd.Series({name: (self.own if name in self.own.columns else self.shared)[name]
                          .dtype for name in self.columns}, dtype=object)


Table: TypeAlias = pd.DataFrame | SharedRows


def _whole(frame: pd.DataFrame) -> bytes:
    text: str = frame.to_csv(index=False, lineterminator="\n")
    return text.encode("utf-8")


def _text_distinct(values: np.ndarray) -> tuple[np.ndarray, object] | None:
    """Codes and distinct texts of an object array of str (missing: -1), told apart by
    Arrow: pandas' own hashing of texts stops at a NUL character ("a\\0b" and "a\\0c" get
    one code). None for a text Arrow cannot hold (a lone surrogate)."""
    try:
        encoded = pa.array(values, type=pa.large_string(), from_pandas=True).dictionary_encode()
    except (pa.ArrowException, UnicodeError):
        return None
    codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
    return codes.astype(np.int64), np.array(encoded.dictionary.to_pylist(), dtype=object)


def _distinct(values: pd.Series) -> tuple[np.ndarray, object] | None:
    """Codes and distinct values such that equal codes format alike, or None when hashing
    cannot tell that (an object column of mixed types: 1, 1.0 and True hash alike but
    format as 1, 1.0 and True; a nullable float column: 0.0 and -0.0)."""
    if isinstance(values.dtype, pd.StringDtype):
        return _text_distinct(values.to_numpy(dtype=object, na_value=None))
    if isinstance(values.dtype, np.dtype):
        raw = values.to_numpy()
        if raw.dtype.kind == "f":  # by bit pattern: 0.0 and -0.0 format differently
            codes, bits = pd.factorize(raw.view(f"i{raw.itemsize}"), use_na_sentinel=True)
            return codes, bits.view(raw.dtype)
        if raw.dtype == object:
            kind = pd.api.types.infer_dtype(raw, skipna=True)
            return _text_distinct(raw) if kind in ("string", "empty") else None
        if raw.dtype.kind not in "iubMm":
            return None
    elif pd.api.types.is_float_dtype(values.dtype):
        return None
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes, uniques


def _by_whole_column(dtype: object) -> bool:
    """Dates and durations format by the set of a column's values (all at midnight: the
    date only), so frames holding them are joined before they are formatted."""
    inner = getattr(dtype, "categories", None)
    kind = getattr(inner.dtype if inner is not None else dtype, "kind", "")
    return kind in ("M", "m")


@functools.cache
def _quoting() -> str:
    """The characters that make ``to_csv`` quote a text (the csv module decides: with
    ``\\n`` as line end, a ``\\r`` is not quoted in Python 3.11), found by asking it."""
    probe = list(',"\n\r\t ;')
    text: str = pd.DataFrame({"v": probe, "z": 0}).to_csv(index=False, header=False,
                                                          lineterminator="\n")
    return "".join(c for c in probe if f'"{c}' in text)


def _arrow_cells(values: pd.Series) -> pa.Array:
    """The cells of a column of Arrow strings, formatted per row inside Arrow."""
    arrow = pa.array(values.array)
    if isinstance(arrow, pa.ChunkedArray):
        arrow = arrow.combine_chunks()
    text = pc.fill_null(arrow.cast(pa.large_string()), "")
    pattern = "[" + "".join("\\" + c if c in "\\]^-[" else c for c in _quoting()) + "]"
    quoted = pc.binary_join_element_wise(_text('"'), pc.replace_substring(text, '"', '""'),
                                         _text('"'), _text(""))
    return pc.if_else(pc.match_substring_regex(text, pattern), quoted, text)


def _formatted(values: pd.Series) -> tuple[np.ndarray | None, pa.Array] | None:
    """Each row's position in the column's formatted distinct values (the last one is the
    empty cell of a missing value; None: one cell per row), or None when this column needs
    ``to_csv`` whole."""
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        return None, _arrow_cells(values)  # ids: mostly distinct, formatted in Arrow
    distinct = _distinct(values)
    if distinct is None:
        return None
    codes, uniques = distinct
    text: str = pd.DataFrame({"v": uniques, "z": 0}).to_csv(
        index=False, header=False, lineterminator="\n")
    lines = text.split("\n")[:-1]
    if len(lines) != len(uniques):  # type: ignore[arg-type]  # a quoted line break
        return None
    cells = [line[:-len(_TAIL)] for line in lines]
    cells.append("")
    at = np.where(codes < 0, len(cells) - 1, codes)
    text_cells = pa.array(cells, type=pa.large_string())
    return (at.astype(np.int32) if len(cells) < 2**31 else at), text_cells


# per column: the position of each row's cell in ``text`` (None: a cell per row), and for a
# column of a SharedRows' shared rows, each row's shared row (looked up piece by piece, so
# that no array of every row's cell is held for the shared columns)
Cells = tuple[np.ndarray | None, pa.Array, np.ndarray | None]


def _text(value: str) -> pa.Scalar:
    return pa.scalar(value, type=pa.large_string())


def _cells(table: Table) -> list[Cells] | None:
    """Per column: each row's formatted cell as a position into the column's cells."""
    columns: list[Cells | None] = []
    if isinstance(table, pd.DataFrame):
        for k in range(table.shape[1]):
            formatted = _formatted(table.iloc[:, k])
            columns.append(None if formatted is None else (*formatted, None))
    else:
        for name in table.columns:
            own = name in table.own.columns
            formatted = _formatted((table.own if own else table.shared)[name])
            columns.append(None if formatted is None else
                           (*formatted, None if own else table.at))
    return None if any(c is None for c in columns) else columns  # type: ignore[return-value]


def _piece(cells: Cells, lo: int, hi: int) -> pa.Array:
    codes, text, shared = cells
    if shared is None:
        return (text.slice(lo, hi - lo) if codes is None
                else pc.take(text, pa.array(codes[lo:hi])))
    rows = shared[lo:hi]
    return pc.take(text, pa.array(rows if codes is None else codes[rows]))


def _frame_pieces(table: Table, piece_rows: int) -> Iterator[bytes] | None:
    columns = _cells(table)
    if columns is None:
        return None

    def pieces() -> Iterator[bytes]:
        for lo in range(0, len(table), piece_rows):
            cells = [_piece(c, lo, lo + piece_rows) for c in columns]
            rows = pc.binary_join_element_wise(*cells, _text(","))
            yield _buffer(pc.binary_join_element_wise(rows, _text(""), _text("\n")))
    return pieces()


def _buffer(rows: pa.Array) -> bytes:
    """The concatenated text of a string array without nulls."""
    if isinstance(rows, pa.ChunkedArray):
        rows = rows.combine_chunks()
    wide = pa.types.is_large_string(rows.type)
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int64 if wide else np.int32)[
        rows.offset:rows.offset + len(rows) + 1]
    data = rows.buffers()[2]
    return data.slice(offsets[0], offsets[-1] - offsets[0]).to_pybytes() if len(rows) else b""


def _names(table: Table) -> list[str]:
    return list(table.columns)


def _frame(table: Table) -> pd.DataFrame:
    return table if isinstance(table, pd.DataFrame) else table.frame()


def _joined(tables: list[Table]) -> pd.DataFrame:
    frames = [_frame(t) for t in tables]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def csv_pieces(tables: Sequence[Table], piece_rows: int = PIECE_ROWS) -> Iterator[bytes]:
    """UTF-8 CSV of the tables one after the other, header once, in pieces of
    ``piece_rows`` rows: the bytes of ``to_csv(index=False, lineterminator="\\n")`` of the
    tables with rows, concatenated (of the first table when none has rows)."""
    if not tables:
        raise ValueError("csv_pieces needs at least one frame")
    full = [t for t in tables if len(t)]  # an empty table adds no rows, nor its dtypes
    first = full[0] if full else tables[0]
    same = all(_names(t) == _names(first) and t.dtypes.equals(first.dtypes) for t in full)
    if not same or len(_names(first)) < 2 or (  # dates format by the whole column
            len(full) > 1 and any(_by_whole_column(d) for d in first.dtypes)) or (
            isinstance(first, SharedRows) and any(_by_whole_column(d) for d in first.dtypes)):
        yield _whole(_joined(full) if full else _frame(first))
        return
    yield _whole(first.iloc[:0] if isinstance(first, pd.DataFrame)
                 else pd.DataFrame(columns=list(first.columns)))
    for table in full:
        pieces = _frame_pieces(table, piece_rows)
        if pieces is None:
            text: str = _frame(table).to_csv(index=False, header=False, lineterminator="\n")
            yield text.encode("utf-8")
        else:
            yield from pieces


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The whole CSV text of one frame (see :func:`csv_pieces`)."""
    return b"".join(csv_pieces([frame]))
