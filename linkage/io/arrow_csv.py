"""CSV records parsed by Arrow's streaming reader, a chunk ahead on a second thread.

pandas' own CSV parser holds the interpreter while it makes a Python string of every cell;
Arrow's parser does not, so here it reads the next chunk of the file on a thread of its
own while the caller validates the current one, and dictionary-encodes its columns there
too (Arrow's compute functions do not hold the interpreter either). The chunks handed out
are the ones pandas' reader gave (:func:`vhh.linkage.io.readers.read_source_chunks` holds the two to
the same frames in ``tests/test_arrow_csv.py``): text columns of Python strings, every
value as written (no missing values, no types), blank lines and lines of white space
skipped, exactly ``chunk_rows`` records a chunk.

One thing is stricter than pandas: a record with more or fewer fields than the header is
not padded or shifted (pandas padded a short record with empty values and took the first
value of a long first record as the row label). Each is named by its record number and
the run stops, so that no record is read into the wrong columns.
"""

from __future__ import annotations

import queue
import threading
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv

__all__ = ["Codes", "FieldCounts", "Made", "arrow_records", "arrow_supports", "chunk_codes",
           "made_of", "register_made", "repeats"]

_BLOCK = 1 << 20  # bytes parsed at a time: Arrow holds ~36 MB so (290 MB at 8 MB), as fast
_LISTED = 20  # records with a wrong number of fields named one by one; the rest counted
_ARROW_ENCODINGS = {"utf-8": "utf8", "utf-8-sig": "utf8"}  # Arrow drops a UTF-8 BOM itself
SAMPLE = 20_000  # rows that tell a column that hardly repeats (a registration number)
_ALL_BUT = 0.95   # ... when this share of them is distinct (birthdates: 0.6 of 20k rows)

Codes = tuple[np.ndarray, np.ndarray]
"""A text column as (codes, uniques): ``uniques[codes]`` is the column, value for value;
``uniques`` (object) the distinct texts in order of first appearance, ``codes`` intp."""


def repeats(n_distinct: int, n_head: int) -> bool:
    """Whether a column whose first ``n_head`` values (at most :data:`SAMPLE`) hold
    ``n_distinct`` distinct ones repeats its values enough to be worked on per value."""
    return n_head <= 100 or n_distinct < _ALL_BUT * n_head


@dataclass(frozen=True, repr=False)
class Made:
    """What the reader made of a chunk's columns besides the frame: text codes of the
    columns that repeat their values, and the Arrow text of the columns asked for."""

    codes: Mapping[str, Codes]
    arrow: Mapping[str, pa.Array]

    def __repr__(self) -> str:  # names of columns only
        return f"Made(codes={sorted(self.codes)}, arrow={sorted(self.arrow)})"


_NOTHING = Made({}, {})
_MADE: dict[int, tuple[weakref.ref[pd.DataFrame], Made]] = {}


def register_made(frame: pd.DataFrame, made: Made) -> None:
    """Remember what the reader made of ``frame`` (for as long as the frame lives)."""
    key = id(frame)
    _MADE[key] = (weakref.ref(frame), made)
    weakref.finalize(frame, _MADE.pop, key, None)


def made_of(frame: pd.DataFrame) -> Made:
    """What the reader made of ``frame``'s columns as it read them (nothing for a frame it
    did not hand out). Meant for a chunk whose columns are not assigned to; one that was
    (its values no longer those of the codes at the rows checked) gets nothing."""
    known = _MADE.get(id(frame))
    if known is None or known[0]() is not frame or not _as_read(frame, known[1]):
        return _NOTHING
    return known[1]


_CHECKED = 64  # rows at which a column's values are held to its codes, evenly spread


def _as_read(frame: pd.DataFrame, made: Made) -> bool:
    """Whether each column with codes or Arrow text still holds them, at a few rows."""
    at = np.unique(np.linspace(0, max(len(frame) - 1, 0), _CHECKED).astype(np.intp))
    for name, (codes, uniques) in made.codes.items():
        if name not in frame or len(codes) != len(frame) or \
                frame[name].to_numpy()[at].tolist() != uniques[codes[at]].tolist():
            return False
    for name, text in made.arrow.items():
        if name not in frame or len(text) != len(frame) or \
                frame[name].to_numpy()[at].tolist() != text.take(at).to_pylist():
            return False
    return True


def chunk_codes(frame: pd.DataFrame) -> Mapping[str, Codes]:
    """The text codes the reader made of ``frame``'s columns (see :func:`made_of`)."""
    return made_of(frame).codes


def arrow_supports(header_line: str) -> bool:
    """Whether Arrow's reader can take the file whose first line is ``header_line``: a
    header with a quote may run over more than one line, which only pandas' reader
    (reading the header as a record) numbers right; such a file is read by pandas."""
    return '"' not in header_line


@dataclass
class FieldCounts:
    """Records whose number of fields differs from the header's, as Arrow met them."""

    listed: list[tuple[int, int]] = field(default_factory=list)  # (record number, fields)
    more: int = 0  # records past those listed

    def __call__(self, row: pv.InvalidRow) -> str:
        """Arrow's invalid-row handler: always skip; remember the record unless it is a
        line of white space (pandas skips those as blank lines)."""
        if row.text is not None and not row.text.strip():
            return "skip"
        if len(self.listed) < _LISTED and row.number is not None:
            self.listed.append((int(row.number), int(row.actual_columns)))
        else:
            self.more += 1
        return "skip"

    def __repr__(self) -> str:  # numbers only (the record's text is never kept)
        return f"FieldCounts({len(self.listed) + self.more} records)"


def _reader(path: str, encoding: str, sep: str, n_columns: int, wanted: Sequence[int],
            counts: FieldCounts) -> pv.CSVStreamingReader:
    names = [f"f{i}" for i in range(n_columns)]
    return pv.open_csv(
        path,
        read_options=pv.ReadOptions(use_threads=False, block_size=_BLOCK, skip_rows=1,
                                    column_names=names,
                                    encoding=_ARROW_ENCODINGS.get(encoding, encoding)),
        parse_options=pv.ParseOptions(delimiter=sep, quote_char='"', double_quote=True,
                                      escape_char=False, newlines_in_values=True,
                                      ignore_empty_lines=True, invalid_row_handler=counts),
        convert_options=pv.ConvertOptions(
            include_columns=[names[i] for i in wanted],
            column_types={names[i]: pa.string() for i in wanted},
            null_values=[], strings_can_be_null=False, quoted_strings_can_be_null=False))


_DONE = object()


def _make(produce: Callable[[], Iterator[Any]], items: queue.Queue[object],
          taken: threading.Semaphore, stop: threading.Event) -> None:
    """The thread of :func:`_ahead`: each item put once the caller took the one before."""
    try:
        for item in produce():
            items.put(item)
            del item  # the caller's now
            while not taken.acquire(timeout=0.1):
                if stop.is_set():
                    return
    except BaseException as exc:  # handed to the caller, raised there  # noqa: BLE001
        items.put(exc)
        return
    items.put(_DONE)


def _ahead(produce: Callable[[], Iterator[Any]]) -> Iterator[Any]:
    """The items of ``produce()``, each made on a thread of its own while the caller works
    on the one before. The thread makes the next item only when the caller has taken the
    last one, so one item (a chunk, in Arrow form) is made ahead, never more; no item is
    held here once handed out.

    An error on the thread is raised here; a caller that stops early stops the thread."""
    items: queue.Queue[object] = queue.Queue()
    taken = threading.Semaphore(0)  # released for each item the caller takes
    stop = threading.Event()
    thread = threading.Thread(target=_make, args=(produce, items, taken, stop),
                              name="vhh-csv-parse", daemon=True)
    thread.start()
    try:
        while True:
            box = [items.get()]
            if box[0] is _DONE:
                return
            if isinstance(box[0], BaseException):
                raise box[0]
            taken.release()
            yield box.pop()
    finally:
        stop.set()
        thread.join()


@dataclass(frozen=True, repr=False)
class _Encoded:
    """A chunk as Arrow left it: per column its text and, for the columns worked on per
    distinct value, Arrow's dictionary encoding of it (made on the parse thread: Arrow's
    compute functions do not hold the interpreter)."""

    columns: tuple[tuple[str, pa.Array, pa.DictionaryArray | None], ...]

    def __repr__(self) -> str:  # names of columns only
        return f"_Encoded({[name for name, _, _ in self.columns]})"


def _encode(table: pa.Table, names: Sequence[str], encode: str | None) -> _Encoded:
    """The Arrow side of :func:`_frame`: each column's text, dictionary-encoded when it is
    the column ``encode`` or repeats its values (:func:`repeats`)."""
    columns = []
    for name, column in zip(names, table.columns, strict=True):
        values = column.combine_chunks()
        head = values.slice(0, SAMPLE)
        encoded = None
        if name == encode or repeats(pc.count_distinct(head).as_py(), len(head)):
            encoded = pc.dictionary_encode(values)
        columns.append((name, values, encoded))
    return _Encoded(tuple(columns))


def _encoded_chunks(open_reader: Callable[[], pv.CSVStreamingReader], chunk_rows: int,
                    names: Sequence[str], encode: str | None) -> Iterator[_Encoded]:
    """The reader's records, ``chunk_rows`` at a time, as :func:`_encode` leaves them."""
    pending: list[pa.RecordBatch] = []
    held = 0
    with open_reader() as reader:
        for batch in reader:
            if not batch.num_rows:
                continue
            pending.append(batch)
            held += batch.num_rows
            while held >= chunk_rows:
                table = pa.Table.from_batches(pending)
                pending, held = table.slice(chunk_rows).to_batches(), held - chunk_rows
                head = [table.slice(0, chunk_rows)]
                del table  # the batches' text is let go once encoded (copied by then)
                yield _encode(head.pop(), names, encode)
    if held:
        yield _encode(pa.Table.from_batches(pending), names, encode)


def arrow_records(path: str, *, encoding: str, sep: str, n_columns: int,
                  wanted: Sequence[int], names: Sequence[str], chunk_rows: int,
                  counts: FieldCounts, encode: str | None = None,
                  keep: Sequence[str] = ()) -> Iterator[tuple[pd.DataFrame, Made]]:
    """The records of the CSV file ``path`` (header skipped), ``chunk_rows`` at a time, as
    frames of the columns at positions ``wanted`` named ``names``, each value a Python
    string as written, with what was made on the way (see :func:`_frame`). Records with a
    wrong number of fields are skipped and left in ``counts`` for the caller to report
    (after the last chunk). The next chunk is parsed and encoded on a thread while the
    caller works on this one."""
    def produce() -> Iterator[_Encoded]:
        return _encoded_chunks(lambda: _reader(path, encoding, sep, n_columns, wanted, counts),
                               chunk_rows, names, encode)

    for encoded in _ahead(produce):
        box = [encoded]
        del encoded  # while the caller works: no Arrow copy of its chunk held here
        yield _frame(box.pop(), keep)


def _frame(chunk: _Encoded, keep: Sequence[str]) -> tuple[pd.DataFrame, Made]:
    """The chunk as pandas text columns (object dtype), and what was made on the way: the
    text codes of the dictionary-encoded columns (only their distinct texts made Python
    strings), and the Arrow text of the columns in ``keep``."""
    columns: dict[str, np.ndarray] = {}
    codes: dict[str, Codes] = {}
    arrow: dict[str, pa.Array] = {}
    for name, values, encoded in chunk.columns:
        if name in keep:
            arrow[name] = values
        if encoded is not None:
            uniques = np.empty(len(encoded.dictionary), dtype=object)
            uniques[:] = encoded.dictionary.to_pylist()
            at = encoded.indices.to_numpy(zero_copy_only=False).astype(np.intp)
            columns[name], codes[name] = uniques[at], (at, uniques)
        else:
            columns[name] = values.to_numpy(zero_copy_only=False)
    return pd.DataFrame(columns, copy=False), Made(codes, arrow)
