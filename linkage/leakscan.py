"""The export gate: scan every cell of every file bound for ``export/`` for identifiers.

The identifier set is built from *all* input rows (not just the subjects): surnames (raw
and normalised, each component), initials + surname, birthdates (every notation, matched
after parsing, so ``1-2-1980``, ``01/02/1980``, ``19800201`` and ``1980-02-01`` are all the
same hit), gcos_id, bvh_id, hks_id and registratienummer. A hit names the file and the
column (or line) and never the value. Data cells are matched as a whole and by token; in
the generated text files (code book, report) words of our own fixed vocabulary are not
counted as surnames, and the configuration's own dates (study period, extraction date) are
not counted as birthdates, because the template writes them whatever the data.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from linkage.dates import parse_dates
from linkage.names import normalise_text, parse_initials, parse_surname

__all__ = ["Identifiers", "LeakHit", "build_identifiers", "scan_file", "scan_frame"]

_TOKEN = re.compile(r"[0-9a-z]+")
_IDTOKEN = re.compile(r"[0-9A-Za-z][0-9A-Za-z\-_/.]*[0-9A-Za-z]|[0-9A-Za-z]")
_ID_SEPARATOR = re.compile(r"[\-_/.]")
_MAX_ID_PARTS = 6  # an id spans at most this many separator-delimited parts of a token
# Digits, not word boundaries, delimit a date: "geboren_1-2-1980" and "x19800201" count too.
_DATE = re.compile(r"(?<!\d)(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?!\d)"
                   r"|(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)"
                   r"|(?<!\d)(\d{8})(?!\d)")
# hash-like hex runs (file hashes, run ids in the report) are not dates, whatever digits
# they happen to hold; without this a SHA-256 now and then "contains" a birthdate
_HEX = re.compile(r"(?<![0-9A-Za-z])(?=[0-9]*[a-f])[0-9a-f]{16,}(?![0-9A-Za-z])")
MIN_SURNAME_TOKEN = 3
MIN_NUMERIC_ID = 5


@dataclass
class Identifiers:
    """Sets of identifying values, normalised for lookup. Never logged, never written."""

    surname_tokens: set[str] = field(default_factory=set)
    surnames_full: set[str] = field(default_factory=set)
    initial_surnames: set[str] = field(default_factory=set)
    dates: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)
    unscannable_ids: int = 0

    def __repr__(self) -> str:  # never show contents
        return (f"Identifiers(surnames={len(self.surnames_full)}, dates={len(self.dates)}, "
                f"ids={len(self.ids)})")


@dataclass(frozen=True)
class LeakHit:
    file: str
    where: str   # column name, or "regel N" in a text file
    kind: str    # achternaam, voorletters+achternaam, geboortedatum, id

    def __str__(self) -> str:
        return f"{self.file}, {self.where}: contains an input {self.kind}"


def build_identifiers(frames: Iterable[pd.DataFrame]) -> Identifiers:
    """Collect identifiers from raw input frames (any of the four sources)."""
    ids = Identifiers()
    for frame in frames:
        if "achternaam" in frame:
            _add_names(ids, frame)
        if "geboortedatum" in frame:
            parsed = parse_dates(frame["geboortedatum"].astype(str))
            keys = parsed.key[parsed.status == "ok"]
            ids.dates.update(keys.unique().tolist())
        for col in ("gcos_id", "bvh_id", "hks_id", "registratienummer"):
            if col in frame:
                _add_ids(ids, frame[col])
    return ids


def _add_names(ids: Identifiers, frame: pd.DataFrame) -> None:
    """Surnames of every row (each distinct spelling parsed once), and initials + surname
    for the short surnames that are too short to scan as a word of their own."""
    blank = pd.Series("", index=frame.index)
    names = pd.DataFrame({"a": frame["achternaam"].astype(str),
                          "t": frame.get("tussenvoegsel", blank).astype(str),
                          "v": frame.get("voorletters", blank).astype(str)})
    short: set[tuple[str, str]] = set()
    for raw, prefix in names[["a", "t"]].drop_duplicates().itertuples(index=False):
        parsed = parse_surname(raw, prefix)
        if not parsed.core:
            continue
        full = normalise_text(f"{parsed.prefix} {parsed.core}")
        ids.surnames_full.update({full, normalise_text(raw)})
        for comp in parsed.components:
            ids.surname_tokens.update(t for t in comp.split() if len(t) >= MIN_SURNAME_TOKEN)
        if len(parsed.core) < MIN_SURNAME_TOKEN:  # longer ones hit as words of their own
            short.add((raw, prefix))
    if not short:
        return
    keys = pd.Series(list(zip(names["a"], names["t"], strict=True)), index=names.index)
    rows = names[keys.isin(short)].drop_duplicates()
    for raw, prefix, initials in rows.itertuples(index=False):
        parsed = parse_surname(raw, prefix)
        letters = "".join(parse_initials(initials)).lower()
        if letters:
            full = normalise_text(f"{parsed.prefix} {parsed.core}")
            ids.initial_surnames.update({f"{letters} {parsed.core}", f"{letters} {full}"})


def _add_ids(ids: Identifiers, values: pd.Series) -> None:
    for value in values.astype(str).str.strip().unique():
        if not value:
            continue
        if value.isdigit() and len(value) < MIN_NUMERIC_ID:
            ids.unscannable_ids += 1
            continue
        ids.ids.add(value.lower())


def _date_keys(text: str) -> Iterator[str]:
    for m in _DATE.finditer(_HEX.sub(" ", text)):
        d, mo, y, y2, mo2, d2, compact = m.groups()
        if d:
            yield f"{y}{int(mo):02d}{int(d):02d}"
        elif y2:
            yield f"{y2}{int(mo2):02d}{int(d2):02d}"
        elif compact:
            yield compact                       # yyyymmdd
            yield compact[4:] + compact[2:4] + compact[:2]  # ddmmyyyy read as such


def _id_candidates(text: str) -> Iterator[str]:
    """Every id-like token, and every run of its parts between the separators - _ / .

    So "subject_G123456.csv", "G123456/B7654321" and "123456.0" all yield the id inside.
    """
    for token in _IDTOKEN.findall(text):
        low = token.lower()
        starts = [0, *(m.end() for m in _ID_SEPARATOR.finditer(low))]
        ends = [*(m.start() for m in _ID_SEPARATOR.finditer(low)), len(low)]
        for i, start in enumerate(starts):
            for end in ends[i:i + _MAX_ID_PARTS]:
                yield low[start:end]


def cell_hits(text: str, ids: Identifiers, vocabulary: frozenset[str] = frozenset()
              ) -> list[str]:
    """Kinds of identifier found in one cell's text (empty when clean)."""
    kinds = []
    norm = normalise_text(text)
    whole = bool(norm) and norm in ids.surnames_full and norm not in vocabulary
    if whole or ids.surname_tokens & (set(_TOKEN.findall(norm)) - vocabulary):
        kinds.append("achternaam")
    if norm and ids.initial_surnames and any(n in norm for n in ids.initial_surnames):
        kinds.append("voorletters+achternaam")
    if any(k in ids.dates and k not in vocabulary for k in _date_keys(text)):
        kinds.append("geboortedatum")
    low = text.strip().lower()
    if low in ids.ids or any(t in ids.ids for t in _id_candidates(text)):
        kinds.append("id")
    return kinds


def scan_frame(frame: pd.DataFrame, ids: Identifiers, file: str) -> list[LeakHit]:
    """Every (column, kind) with a hit in a data frame bound for export."""
    hits: list[LeakHit] = []
    for number, col in enumerate(frame.columns, start=1):
        name_kinds = cell_hits(str(col), ids)
        where = f"kolom {number}" if name_kinds else f"kolom '{col}'"  # never quote a hit
        values = frame[col].dropna().astype(str).unique()
        for kind in sorted({k for v in values for k in cell_hits(v, ids)}):
            hits.append(LeakHit(file, where, kind))
        for kind in name_kinds:
            hits.append(LeakHit(file, f"kolomnaam van {where}", kind))
    return hits


def _text_lines(path: Path) -> Iterator[tuple[int, str]]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        text = "\n".join(_json_strings(json.loads(text)))
    else:
        text = re.sub(r"<[^>]+>", " ", text)
    yield from enumerate(text.splitlines(), start=1)


def _json_strings(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield str(k)
            yield from _json_strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from _json_strings(v)
    elif node is not None:
        yield str(node)


def scan_file(path: Path, ids: Identifiers, vocabulary: frozenset[str] = frozenset(),
              name: str | None = None) -> list[LeakHit]:
    """Scan one export file of any format we write."""
    name = name or path.name
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return scan_frame(pd.read_csv(path, dtype=str, keep_default_na=False), ids, name)
    if suffix == ".parquet":
        return scan_frame(pd.read_parquet(path), ids, name)
    if suffix == ".sav":
        import pyreadstat

        frame, meta = pyreadstat.read_sav(str(path))
        hits = scan_frame(frame, ids, name)
        labels = [*meta.column_labels, *(str(v) for m in meta.variable_value_labels.values()
                                         for v in m.values())]
        for label in labels:
            for kind in cell_hits(str(label), ids, vocabulary):
                hits.append(LeakHit(name, "label", kind))
        return hits
    hits = []
    for number, line in _text_lines(path):
        for kind in cell_hits(line, ids, vocabulary):
            hits.append(LeakHit(name, f"regel {number}", kind))
    return hits
