"""Reading the extracts at the edge: CSV (delimiter and encoding detected), XLSX, Parquet.

Every reader returns a frame of text columns with the canonical names of the input
contract plus ``bronrij``: the row number in the file, counting the header as row 1 (the
number a data officer sees in a spreadsheet). Nothing is parsed or dropped here; that is
the validator's job, so that every row read is accounted for.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from linkage.errors import InputError, Problem

__all__ = ["REQUIRED", "OPTIONAL", "RawTable", "read_source", "detect_encoding"]

REQUIRED: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "gcos_subjecten": (
            "gcos_id", "achternaam", "voorletters", "geboortedatum", "geslacht", "kader",
            "leefgebieden", "doelen", "besluiten", "acties",
        ),
        "gcos_besprekingen": ("gcos_id", "bespreekdatum"),
        "bvh_incidenten": (
            "bvh_id", "registratienummer", "incidentdatum", "mk_code", "rol", "achternaam",
            "voorletters", "geboortedatum",
        ),
        "hks_antecedenten": (
            "hks_id", "pleegdatum", "afdoening", "achternaam", "voorletters", "geboortedatum",
        ),
    }
)
OPTIONAL: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "gcos_subjecten": ("tussenvoegsel", "voornamen", "invoerdatum"),
        "gcos_besprekingen": (),
        "bvh_incidenten": ("tussenvoegsel", "mk_omschrijving", "geslacht"),
        "hks_antecedenten": ("tussenvoegsel", "feit_omschrijving", "geslacht"),
    }
)
_BOM = b"\xef\xbb\xbf"


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


def detect_encoding(data: bytes, declared: str, name: str) -> str:
    """The encoding to decode ``data`` with; an error that names the line if it cannot be."""
    if declared == "auto":
        if data.startswith(_BOM):
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
    counts = {d: header.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _read_csv(path: Path, data: bytes, encoding: str, delimiter: str) -> tuple[pd.DataFrame, str]:
    # the header alone is decoded here; the parser decodes the bytes itself, so the file
    # is never held as one Python string (nor as the 4-byte-per-character StringIO buffer)
    head = data[: 1 << 20].decode(encoding, errors="ignore")
    header = head.removeprefix("\ufeff").split("\n", 1)[0]
    sep = _detect_delimiter(header, delimiter)
    try:
        frame = pd.read_csv(
            io.BytesIO(data), sep=sep, dtype=str, keep_default_na=False,
            na_filter=False, quoting=csv.QUOTE_MINIMAL, skip_blank_lines=True,
            encoding=encoding,
        )
    except pd.errors.ParserError as exc:
        # pandas names the line and field counts, never the values
        raise InputError(
            [Problem(str(path), f"cannot be parsed as CSV with delimiter '{sep}' ({exc})",
                     hint="check that every row has as many fields as the header; quote "
                     "values that contain the delimiter")]
        ) from None
    return frame, sep


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
    rename: Mapping[str, str] | None = None,
) -> RawTable:
    """Read one input file into a :class:`RawTable` with canonical column names."""
    if not path.exists():
        raise InputError([Problem(str(path), "file not found",
                                  hint=f"check [inputs] {source} in the config")])
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if not data.strip(_BOM + b" \r\n\t"):
        raise InputError([Problem(str(path), "file is empty",
                                  hint="export the extract again; an empty file is never valid")])
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".parquet"):
        frame, used_encoding, sep = _read_other(path), "binary", ""
    else:
        used_encoding = detect_encoding(data, encoding, str(path))
        frame, sep = _read_csv(path, data, used_encoding, delimiter)
    renames = {k.strip().lower(): v for k, v in (rename or {}).items()}
    frame.columns = [renames.get(_canonical_header(c), _canonical_header(c))
                     for c in frame.columns]
    _check_columns(source, path, frame, sep)
    wanted = REQUIRED[source] + tuple(c for c in OPTIONAL[source] if c in frame.columns)
    ignored = tuple(c for c in frame.columns if c not in wanted)
    frame = frame.loc[:, list(wanted)].copy()
    for col in OPTIONAL[source]:
        if col not in frame.columns:
            frame[col] = ""
    frame.insert(0, "bronrij", pd.RangeIndex(2, len(frame) + 2))
    frame.index = pd.RangeIndex(len(frame))
    return RawTable(source, path, frame, digest, used_encoding, sep, ignored)


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
                    "set [inputs] delimiter") if sep else hint
        problems.extend(
            Problem(str(path), "required column is missing", row=1, column=c, hint=hint)
            for c in missing
        )
    if problems:
        raise InputError(problems)
