"""The export gate's scanner: every cell of every file bound for ``export/`` is searched.

A hit names the file and the column (or line) and never the value. Data cells are matched
as a whole and by token; birthdates in every notation are matched after parsing, so
``1-2-1980``, ``01/02/1980``, ``19800201`` and ``1980-02-01`` are all the same hit. In the
generated text files (code book, report) words of our own fixed vocabulary are not counted
as surnames, and the configuration's own dates (study period, extraction date) are not
counted as birthdates, because the template writes them whatever the data. The
identifiers come from :mod:`vhh.linkage.privacy.identifiers`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd
from vhh.linkage.normalise.names import normalise_text
from vhh.linkage.privacy.identifiers import HashedIds, Identifiers

__all__ = ["LeakHit", "cell_hits", "scan_file", "scan_frame"]

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
_SCAN_BATCH = 4096  # texts whose id candidates are looked up in one go
_T = TypeVar("_T")



@dataclass(frozen=True)
class LeakHit:
    file: str
    where: str   # column name, or "regel N" in a text file
    kind: str    # achternaam, voorletters+achternaam, geboortedatum, id

    def __str__(self) -> str:
        return f"{self.file}, {self.where}: contains an input {self.kind}"


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
    return _batch_hits([text], ids, vocabulary)[0]


def _batch_hits(texts: Sequence[str], ids: Identifiers, vocabulary: frozenset[str] = frozenset()
                ) -> list[list[str]]:
    """:func:`cell_hits` of many texts, their id lookups in one vectorised batch."""
    has_id = _has_id(texts, ids.ids)
    return [[*_name_and_date_kinds(text, ids, vocabulary), *(["id"] if hit else [])]
            for text, hit in zip(texts, has_id, strict=True)]


def _name_and_date_kinds(text: str, ids: Identifiers, vocabulary: frozenset[str]) -> list[str]:
    kinds = []
    norm = normalise_text(text)
    whole = bool(norm) and norm in ids.surnames_full and norm not in vocabulary
    if whole or ids.surname_tokens & (set(_TOKEN.findall(norm)) - vocabulary):
        kinds.append("achternaam")
    if norm and ids.initial_surnames and any(n in norm for n in ids.initial_surnames):
        kinds.append("voorletters+achternaam")
    if any(k in ids.dates and k not in vocabulary for k in _date_keys(text)):
        kinds.append("geboortedatum")
    return kinds


def _has_id(texts: Sequence[str], ids: HashedIds) -> np.ndarray:
    """Per text: whether the whole text, or any id candidate in it, is an input id."""
    if not len(ids):
        return np.zeros(len(texts), dtype=bool)
    candidates: list[str] = []
    ends = np.empty(len(texts), dtype=np.intp)
    for number, text in enumerate(texts):
        candidates.append(text.strip().lower())
        candidates.extend(_id_candidates(text))
        ends[number] = len(candidates)
    owner = np.repeat(np.arange(len(texts)), np.diff(ends, prepend=0))
    has_id = np.zeros(len(texts), dtype=bool)
    has_id[owner[ids.contains(candidates)]] = True
    return has_id


def _batches(items: Sequence[_T], size: int = _SCAN_BATCH) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def scan_frame(frame: pd.DataFrame, ids: Identifiers, file: str) -> list[LeakHit]:
    """Every (column, kind) with a hit in a data frame bound for export."""
    hits: list[LeakHit] = []
    for number, col in enumerate(frame.columns, start=1):
        name_kinds = cell_hits(str(col), ids)
        where = f"kolom {number}" if name_kinds else f"kolom '{col}'"  # never quote a hit
        values = frame[col].dropna().astype(str).unique().tolist()
        found = {k for batch in _batches(values) for kinds in _batch_hits(batch, ids)
                 for k in kinds}
        for kind in sorted(found):
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
        for texts in _batches([str(label) for label in labels]):
            hits.extend(LeakHit(name, "label", kind)
                        for found in _batch_hits(texts, ids, vocabulary) for kind in found)
        return hits
    lines = list(_text_lines(path))
    hits = []
    for batch in _batches(lines):
        kinds = _batch_hits([line for _, line in batch], ids, vocabulary)
        for (number, _), found in zip(batch, kinds, strict=True):
            hits.extend(LeakHit(name, f"regel {number}", kind) for kind in found)
    return hits
