"""Reading the extracts at the edge: CSV (delimiter and encoding detected), XLSX, Parquet.

Every reader returns a frame of text columns with the canonical names of the input
contract plus ``bronrij``: the row number in the file, counting the header as row 1 (the
number a data officer sees in a spreadsheet). Nothing is parsed or dropped here; that is
the validator's job, so that every row read is accounted for. A CSV record with another
number of fields than the header is an error named by its row, never padded or shifted.
CSV is parsed by Arrow (:mod:`vhh.linkage.io.arrow_csv`); a file whose header line holds a
quote by pandas' parser, which the Arrow path is held to.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
from vhh.linkage.arrays import no_rows
from vhh.linkage.contract import ID_COLUMN, OPTIONAL, REQUIRED
from vhh.linkage.errors import InputError, Problem
from vhh.linkage.io.arrow_csv import FieldCounts, arrow_records, arrow_supports, register_made
from vhh.linkage.io.scan import BOM, is_utf16, nul_problem, scan_file, utf16_problem

__all__ = ["RawTable", "detect_encoding", "read_source",
           "read_source_chunks"]

_ID_TEXT = (*dict.fromkeys(ID_COLUMN.values()), "registratienummer")  # kept in Arrow too
_TAIL = 1 << 16   # the end of a file read to see whether its last line is whole
DELIMITERS = (";", ",", "\t", "|")
_DELIMITER_NAMES = "';', ',', '|' or tab"


@dataclass(frozen=True)
class RawTable:
    """One input file as read: text columns, row numbers, and its provenance."""

    source: str
    path: Path
    frame: pd.DataFrame
    sha256: str
    encoding: str
    delimiter: str
    ignored_columns: tuple[str, ...]

    def __repr__(self) -> str:  # the frame holds names and birthdates: its shape only
        return (f"RawTable({self.source}, {self.path.name}, {len(self.frame)} rows, "
                f"{len(self.frame.columns)} columns, {self.encoding})")


def _check_path(source: str, path: Path) -> None:
    """A missing file, or a folder where a file belongs, named before anything is read."""
    if not path.exists():
        raise InputError([Problem(str(path), "file not found",
                                  hint=f"check [inputs] {source} in the config")])
    if path.is_dir():
        raise InputError([Problem(str(path), "is a folder, not a file",
                                  hint=f"point [inputs] {source} at the extract file itself")])


def detect_encoding(data: bytes, declared: str, name: str) -> str:
    """The encoding to decode ``data`` with; an error that names the line if it cannot be."""
    if is_utf16(data):
        raise utf16_problem(name)
    if declared == "auto":
        if data.startswith(BOM):
            return "utf-8-sig"
        try:
            data.decode("utf-8")
            return "utf-8"
        except UnicodeDecodeError:
            return "cp1252"
    try:
        data.decode(declared)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            [Problem(name, f"is not valid {declared} text", row=line,
                     hint="set [inputs] encoding = \"auto\" or the file's real encoding")]
        ) from None
    return declared


def _detect_delimiter(header: str, declared: str) -> str:
    if declared != "auto":
        return declared
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _read_other(path: Path) -> pd.DataFrame:
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            frame = pd.read_parquet(path)
        else:
            frame = pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
    except Exception as exc:  # the libraries raise many types; we report the kind only
        raise InputError(
            [Problem(str(path), f"cannot be read as {suffix[1:]} ({type(exc).__name__})",
                     hint="save it again from the source system, or export it as CSV")]
        ) from None
    for col in frame.columns:
        if not pd.api.types.is_datetime64_any_dtype(frame[col]):
            frame[col] = frame[col].astype("string").fillna("").astype(object)
    return frame


def _canonical_header(name: object) -> str:
    return str(name).replace("\ufeff", "").strip().lower()


def read_source(
    source: str, path: Path, *, encoding: str = "auto", delimiter: str = "auto",
    rename: Mapping[str, str] | None = None, keep: tuple[str, ...] = (),
) -> RawTable:
    """Read one input file into a :class:`RawTable` with canonical column names."""
    _check_path(source, path)
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".parquet"):  # CSV: the chunked reader, one chunk
        table, chunks = read_source_chunks(source, path, encoding=encoding, delimiter=delimiter,
                                           rename=rename, chunk_rows=1 << 40, keep=keep)
        (frame,) = list(chunks)  # to the end: a cut-off last line is found there
        return replace(table, frame=frame)
    data = _read_bytes(path)
    digest = hashlib.sha256(data).hexdigest()
    if not data.strip(BOM + b" \r\n\t"):
        raise InputError([Problem(str(path), "file is empty",
                                  hint="export the extract again; an empty file is never valid")])
    frame = _read_other(path)
    columns = _columns(list(frame.columns), rename)
    _check_columns(source, path, frame.set_axis(columns, axis=1), "")
    ignored = tuple(c for c in columns if c not in _wanted(source, columns, keep))
    return RawTable(source, path, _shape(source, frame, columns, 2, keep), digest, "binary",
                    "", ignored)


def _check_columns(source: str, path: Path, frame: pd.DataFrame, sep: str) -> None:
    problems = []
    dupes = sorted({c for c in frame.columns if list(frame.columns).count(c) > 1})
    for col in dupes:
        problems.append(Problem(str(path), "column appears twice in the header", column=col))
    missing = [c for c in REQUIRED[source] if c not in frame.columns]
    if missing:
        hint = "map the source's own header with a [columns." + source + "] table in the config"
        if len(frame.columns) == 1:
            hint = (f"the header has one column only: is the delimiter really '{sep}'? "
                    f"Save the file with {_DELIMITER_NAMES} between the columns, or set "
                    "[inputs] delimiter to the one it has") if sep else hint
        problems.extend(
            Problem(str(path), "required column is missing", row=1, column=c, hint=hint)
            for c in missing
        )
    if problems:
        raise InputError(problems)


def _columns(frame_columns: list[object], rename: Mapping[str, str] | None) -> list[str]:
    renames = {k.strip().lower(): v for k, v in (rename or {}).items()}
    return [renames.get(_canonical_header(c), _canonical_header(c)) for c in frame_columns]


def _wanted(source: str, columns: list[str], keep: tuple[str, ...]) -> tuple[str, ...]:
    """The columns read: required, optional when present, and ``keep`` when present (a
    column the config names, such as another HKS date column)."""
    known = REQUIRED[source] + tuple(c for c in OPTIONAL[source] if c in columns)
    return known + tuple(c for c in dict.fromkeys(keep) if c in columns and c not in known)


def _shape(source: str, frame: pd.DataFrame, columns: list[str], first_row: int,
           keep: tuple[str, ...] = ()) -> pd.DataFrame:
    """Canonical columns, the optional ones filled with "", and ``bronrij`` from ``first_row``."""
    frame.columns = columns
    return _numbered(source, frame.loc[:, list(_wanted(source, columns, keep))], first_row)


def _numbered(source: str, frame: pd.DataFrame, first_row: int) -> pd.DataFrame:
    """The wanted columns of a frame with the optional ones filled with "", and ``bronrij``
    from ``first_row`` (the index its position in the file)."""
    for col in OPTIONAL[source]:
        if col not in frame.columns:
            frame[col] = ""
    frame.insert(0, "bronrij", pd.RangeIndex(first_row, first_row + len(frame)))
    frame.index = pd.RangeIndex(first_row - 2, first_row - 2 + len(frame))
    return frame


def _whole_in_slices(whole: RawTable, chunk_rows: int
                     ) -> tuple[RawTable, Iterator[pd.DataFrame]]:
    """A file read whole (XLSX, Parquet), handed out in chunks like a CSV."""
    frame = whole.frame

    def slices() -> Iterator[pd.DataFrame]:
        for start in range(0, max(len(frame), 1), chunk_rows):
            yield frame.iloc[start:start + chunk_rows]

    return replace(whole, frame=no_rows(frame)), slices()


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _unreadable(path, exc) from None


def _unreadable(path: Path, exc: OSError) -> InputError:
    return InputError([Problem(str(path), f"cannot be read ({exc.strerror})",
                               hint="check that this user may read the file")])


def _csv_options(path: Path, encoding: str, delimiter: str
                 ) -> tuple[str, str, dict[str, Any]]:
    """sha256, the header line, and the options to parse ``path`` with (encoding and
    delimiter settled)."""
    try:
        digest, used_encoding, empty, nul = scan_file(path, encoding)
    except OSError as exc:
        raise _unreadable(path, exc) from None
    if empty:
        raise InputError([Problem(str(path), "file is empty",
                                  hint="export the extract again; an empty file is never valid")])
    with path.open("rb") as handle:
        head = handle.read(1 << 20).decode(used_encoding, errors="ignore")
    header = head.removeprefix("\ufeff").split("\n", 1)[0].rstrip("\r")
    sep = _detect_delimiter(header, delimiter)
    if nul is not None:
        raise nul_problem(path, nul, header, sep, used_encoding)
    return digest, header, {"sep": sep, "dtype": str, "keep_default_na": False,
                         "na_filter": False, "quoting": csv.QUOTE_MINIMAL,
                         "skip_blank_lines": True, "encoding": used_encoding}


def _last_record_fields(path: Path, options: Mapping[str, Any]) -> int | None:
    """The number of fields of the file's last record (None for an empty tail).

    Only the end of the file is read and parsed, so a national extract costs nothing extra.
    """
    size = path.stat().st_size
    with path.open("rb") as handle:
        handle.seek(max(0, size - _TAIL))
        tail = handle.read().decode(options["encoding"], errors="replace")
    if size > _TAIL:
        tail = tail.split("\n", 1)[-1]  # the first line of the tail may be a part
    rows = [r for r in csv.reader(io.StringIO(tail, newline=""), delimiter=options["sep"])
            if any(cell.strip() for cell in r)]
    return len(rows[-1]) if rows else None


def _cut_off(path: Path, columns: list[str], fields: int, row: int) -> InputError:
    return InputError([Problem(
        str(path), f"the last line is cut off: it has {fields} of the header's "
        f"{len(columns)} fields", row=row, column=columns[fields],
        hint="the extract is incomplete (an interrupted export or copy): export it again; "
        "if the line is whole, a value holds the delimiter or a line break: quote it")])


def _parse_error(path: Path, sep: str, exc: Exception | str) -> InputError:
    return InputError([Problem(
        str(path), f"cannot be parsed as CSV with delimiter '{sep}' ({exc})",
        hint="check that every row has as many fields as the header; quote values that "
        "contain the delimiter")])


def read_source_chunks(
    source: str, path: Path, *, encoding: str = "auto", delimiter: str = "auto",
    rename: Mapping[str, str] | None = None, chunk_rows: int = 1_000_000,
    keep: tuple[str, ...] = (),
) -> tuple[RawTable, Iterator[pd.DataFrame]]:
    """Read one input file ``chunk_rows`` rows at a time.

    Returns the file's :class:`RawTable` (provenance, with an empty frame: the header is
    checked before the first chunk is read) and an iterator of chunks shaped exactly as
    :func:`read_source` shapes the whole file: canonical columns, ``bronrij`` counted over
    the whole file, and an index that continues across chunks (row position in the file).
    The file is never held in memory as a whole; CSV is hashed and checked block by block.
    A last line with fewer fields than the header (a cut-off file) is an error, raised when
    the last chunk has been read (its row number is known then).
    """
    _check_path(source, path)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".parquet"):
        return _whole_in_slices(read_source(source, path, encoding=encoding,
                                            delimiter=delimiter, rename=rename, keep=keep),
                                chunk_rows)
    digest, header_line, options = _csv_options(path, encoding, delimiter)
    sep = options["sep"]
    try:
        header = pd.read_csv(path, nrows=0, **options)
    except pd.errors.ParserError as exc:
        raise _parse_error(path, sep, exc) from None
    columns = _columns(list(header.columns), rename)
    _check_columns(source, path, header.set_axis(columns, axis=1), sep)
    ignored = tuple(c for c in columns if c not in _wanted(source, columns, keep))
    table = RawTable(source, path, _shape(source, header, columns, 2, keep), digest,
                     options["encoding"], sep, ignored)
    last_fields = _last_record_fields(path, options)
    read = _arrow_chunks if arrow_supports(header_line) else _chunks
    return table, read(path, options, (source, columns, keep), chunk_rows, table, last_fields)


def _chunks(path: Path, options: Mapping[str, Any], shape: tuple[str, list[str], tuple[str, ...]],
            chunk_rows: int, table: RawTable, last_fields: int | None
            ) -> Iterator[pd.DataFrame]:
    source, columns, keep = shape
    first_row, any_rows = 2, False
    try:
        with pd.read_csv(path, chunksize=chunk_rows, **options) as reader:
            for chunk in reader:
                any_rows = True
                first_row += len(chunk)
                yield _shape(source, chunk, columns, first_row - len(chunk), keep)
                del chunk  # the caller's chunk is not held while the next one is read
    except pd.errors.ParserError as exc:
        raise _parse_error(path, options["sep"], exc) from None
    if not any_rows:
        yield table.frame
    elif last_fields is not None and last_fields < len(columns):
        raise _cut_off(path, columns, last_fields, first_row - 1)


def _arrow_chunks(path: Path, options: Mapping[str, Any],
                  shape: tuple[str, list[str], tuple[str, ...]], chunk_rows: int,
                  table: RawTable, last_fields: int | None) -> Iterator[pd.DataFrame]:
    """The chunks of :func:`_chunks`, parsed by Arrow a chunk ahead (see
    :mod:`vhh.linkage.io.arrow_csv`); a record with a wrong number of fields is an error."""
    source, columns, keep = shape
    wanted = _wanted(source, columns, keep)
    counts = FieldCounts()
    first_row = 2
    try:
        for chunk, made in arrow_records(
                str(path), encoding=options["encoding"], sep=options["sep"],
                n_columns=len(columns), wanted=[columns.index(c) for c in wanted],
                names=wanted, chunk_rows=chunk_rows, counts=counts,
                encode=ID_COLUMN.get(source), keep=_ID_TEXT):
            first_row += len(chunk)
            chunk = _numbered(source, chunk, first_row - len(chunk))
            register_made(chunk, made)  # for the validator and the leak scanner
            yield chunk
            del chunk, made  # the caller's chunk is not held while the next one is read
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:  # the kind only: Arrow shows values
        raise _parse_error(path, options["sep"], type(exc).__name__) from None
    if first_row == 2:
        yield table.frame
    problems = _field_problems(path, columns, counts, last_fields)
    if problems:
        raise InputError(problems)


def _field_problems(path: Path, columns: list[str], counts: FieldCounts,
                    last_fields: int | None) -> list[Problem]:
    """A problem per record with a wrong number of fields; a cut-off last line as such."""
    listed = list(counts.listed)
    cut = None
    if last_fields is not None and last_fields < len(columns) and listed and \
            listed[-1][1] == last_fields and not counts.more:
        cut = _cut_off(path, columns, last_fields, listed.pop()[0]).problems[0]
    problems = [Problem(
        str(path), f"the line has {fields} of the header's {len(columns)} fields",
        row=row, column=columns[fields] if fields < len(columns) else None,
        hint=_FIELDS_HINT) for row, fields in listed]
    if counts.more:
        problems.append(Problem(str(path), f"{counts.more} more lines have another number "
                                "of fields than the header", hint=_FIELDS_HINT))
    return [*problems, *([cut] if cut else [])]


_FIELDS_HINT = ("a value holds the delimiter or a line break without quotes around it, or "
                "the export is damaged: quote such values, or export the file again")
