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

from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["PIECE_ROWS", "csv_bytes", "csv_pieces"]

PIECE_ROWS = 250_000
_TAIL = ",0"  # every distinct value is formatted next to a constant, then cut off


def _whole(frame: pd.DataFrame) -> bytes:
    text: str = frame.to_csv(index=False, lineterminator="\n")
    return text.encode("utf-8")


def _distinct(values: pd.Series) -> tuple[np.ndarray, object] | None:
    """Codes and distinct values such that equal codes format alike, or None when hashing
    cannot tell that (an object column of mixed types: 1, 1.0 and True hash alike but
    format as 1, 1.0 and True; a nullable float column: 0.0 and -0.0)."""
    if isinstance(values.dtype, np.dtype):
        raw = values.to_numpy()
        if raw.dtype.kind == "f":  # by bit pattern: 0.0 and -0.0 format differently
            codes, bits = pd.factorize(raw.view(f"i{raw.itemsize}"), use_na_sentinel=True)
            return codes, bits.view(raw.dtype)
        if raw.dtype.kind not in "iubMmO" or (raw.dtype == object and pd.api.types.infer_dtype(
                raw, skipna=True) not in ("string", "empty")):
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


def _formatted(values: pd.Series) -> tuple[np.ndarray, pa.Array] | None:
    """Each row's position in the column's formatted distinct values (the last one is the
    empty cell of a missing value), or None when this column needs ``to_csv`` whole."""
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
    return np.where(codes < 0, len(cells) - 1, codes), pa.array(cells, type=pa.string())


def _frame_pieces(frame: pd.DataFrame, piece_rows: int) -> Iterator[bytes] | None:
    columns = []
    for k in range(frame.shape[1]):
        formatted = _formatted(frame.iloc[:, k])
        if formatted is None:
            return None
        columns.append(formatted)

    def pieces() -> Iterator[bytes]:
        for lo in range(0, len(frame), piece_rows):
            cells = [pc.take(text, pa.array(codes[lo:lo + piece_rows]))
                     for codes, text in columns]
            rows = pc.binary_join_element_wise(*cells, ",")
            yield _buffer(pc.binary_join_element_wise(rows, "", "\n"))
    return pieces()


def _buffer(rows: pa.Array) -> bytes:
    """The concatenated text of a string array without nulls."""
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int32)[
        rows.offset:rows.offset + len(rows) + 1]
    return rows.buffers()[2].to_pybytes()[offsets[0]:offsets[-1]] if len(rows) else b""


def csv_pieces(frames: Sequence[pd.DataFrame], piece_rows: int = PIECE_ROWS
               ) -> Iterator[bytes]:
    """UTF-8 CSV of the frames one after the other, header once, in pieces of
    ``piece_rows`` rows: the bytes of ``to_csv(index=False, lineterminator="\\n")`` of the
    frames with rows, concatenated (of the first frame when none has rows)."""
    if not frames:
        raise ValueError("csv_pieces needs at least one frame")
    full = [f for f in frames if len(f)]  # an empty frame adds no rows, nor its dtypes
    first = full[0] if full else frames[0]
    same = all(list(f.columns) == list(first.columns) and f.dtypes.equals(first.dtypes)
               for f in full)
    if not same or first.shape[1] < 2:
        yield _whole(pd.concat(full, ignore_index=True) if len(full) > 1 else first)
        return
    if len(full) > 1 and any(_by_whole_column(d) for d in first.dtypes):
        full = [pd.concat(full, ignore_index=True)]
    yield _whole(first.iloc[:0])
    for frame in full:
        pieces = _frame_pieces(frame, piece_rows)
        if pieces is None:
            text: str = frame.to_csv(index=False, header=False, lineterminator="\n")
            yield text.encode("utf-8")
        else:
            yield from pieces


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The whole CSV text of one frame (see :func:`csv_pieces`)."""
    return b"".join(csv_pieces([frame]))
