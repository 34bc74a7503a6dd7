"""Scan one written export file: the data it holds, and whatever is not the project's text.

Each format is read back from disk, as a recipient would read it, and split into strings
at slots (:mod:`vhh.linkage.privacy.owntext`): an analysis file into its column names,
labels, value labels and cells; a JSON file into its keys and string values by path; a
text file (Markdown, HTML) into lines. A string that its slot declares the project's own
is passed; every other string is searched by :mod:`vhh.linkage.privacy.leakscan`. A hit
names the file and the field or line, and what to do; never the value.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
from vhh.linkage.privacy.identifiers import Identifiers
from vhh.linkage.privacy.leakscan import SCAN_BATCH, LeakHit, batch_hits, cell_hits
from vhh.linkage.privacy.owntext import (
    COLUMN_NAMES,
    LINE,
    OwnText,
    Slot,
    json_strings,
    path_text,
)

__all__ = ["Found", "own_lines", "scan_export_file", "scan_frame", "scan_texts"]

Found = tuple[str, str, str]  # (where, text, advice): a string to scan and how to name it
_TAG = re.compile(r"<[^>]+>")
_TABLES = (".csv", ".parquet", ".sav")


def scan_texts(file: str, found: Iterable[Found], ids: Identifiers) -> list[LeakHit]:
    """Every (where, kind) with a hit among ``found``, once each, in order."""
    hits: dict[tuple[str, str], LeakHit] = {}
    items = list(found)
    for start in range(0, len(items), SCAN_BATCH):
        batch = items[start:start + SCAN_BATCH]
        for (where, _, advice), kinds in zip(batch, batch_hits([t for _, t, _ in batch], ids),
                                             strict=True):
            for kind in kinds:
                hits.setdefault((where, kind), LeakHit(file, where, kind, advice))
    return list(hits.values())


def scan_export_file(path: Path, ids: Identifiers, own: OwnText | None = None,
                     name: str | None = None) -> list[LeakHit]:
    """Scan one export file of any format the project writes (``own``: its description;
    without one every string of the file is scanned)."""
    own = own or OwnText()
    name = name or path.name
    suffix = path.suffix.lower()
    if suffix in _TABLES:
        frame, labels = _read_table(path, suffix)
        return scan_frame(frame, ids, name, own, labels)
    if suffix == ".json":
        found = _json_found(json.loads(path.read_text(encoding="utf-8")), own, ids)
    else:
        found = _line_found(path.read_text(encoding="utf-8"), own, html_file=suffix == ".html")
    data = [(d.field, d.text, d.advice) for d in own.data]
    return scan_texts(name, [*found, *data], ids)


def _read_table(path: Path, suffix: str
                ) -> tuple[pd.DataFrame, dict[str, tuple[str, list[str]]] | None]:
    if suffix == ".csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False), None
    if suffix == ".parquet":
        return pd.read_parquet(path), None
    import pyreadstat

    frame, meta = pyreadstat.read_sav(str(path))
    labels = {col: (str(label or ""), [str(v) for v in
                                       meta.variable_value_labels.get(col, {}).values()])
              for col, label in zip(meta.column_names, meta.column_labels, strict=True)}
    return frame, labels


def scan_frame(frame: pd.DataFrame, ids: Identifiers, file: str, own: OwnText | None = None,
               labels: dict[str, tuple[str, list[str]]] | None = None) -> list[LeakHit]:
    """Every (place, kind) with a hit in a table bound for export: its column names, its
    cells and (SPSS) its variable and value labels, less what ``own`` declares own."""
    own = own or OwnText()
    found: list[Found] = []
    for number, column in enumerate(map(str, frame.columns), start=1):
        named = _column_where(number, column, own, ids)
        if not own.is_own(COLUMN_NAMES, column):
            found.append((f"the name of column {number}", column, _advice(own, COLUMN_NAMES)))
        found += _cells(frame.iloc[:, number - 1], ("kolom", column), named, own)
        if labels is not None and column in labels:
            label, values = labels[column]
            if label and not own.is_own(("label", column), label):
                found.append((f"the label of {named}", label, ""))
            found += [(f"a value label of {named}", v, "") for v in values
                      if not own.is_own(("waardelabel", column), v)]
    return scan_texts(file, found, ids)


def _column_where(number: int, column: str, own: OwnText, ids: Identifiers) -> str:
    """How a message names a column: by name, unless the name itself holds a hit."""
    if own.is_own(COLUMN_NAMES, column) or not cell_hits(column, ids):
        return f"column '{column}'"
    return f"column {number}"


def _cells(values: pd.Series, slot: tuple[str, str], where: str, own: OwnText) -> list[Found]:
    distinct = values.dropna().astype(str).unique().tolist()
    rule = own.slot(slot)
    advice = rule.advice if rule else ""
    return [(where, v, advice) for v in distinct if not (rule and rule.is_own(v))]


def _advice(own: OwnText, path: tuple[str, ...]) -> str:
    slot = own.slot(path)
    return slot.advice if slot else ""


def _json_found(document: object, own: OwnText, ids: Identifiers) -> list[Found]:
    found: list[Found] = []
    for path, text in json_strings(document):
        slot = own.slot(path)
        if slot is not None and slot.is_own(text):
            continue
        found.append((_json_where(path, slot, ids), text, slot.advice if slot else ""))
    return found


def _json_where(path: tuple[str, ...], slot: Slot | None, ids: Identifiers) -> str:
    if slot is not None:
        return slot.field
    keys = [s for s in path if s not in ("[]", "{}")]
    return f"the field {path_text(path, {k: not cell_hits(k, ids) for k in keys})}"


def _line_found(text: str, own: OwnText, *, html_file: bool) -> list[Found]:
    """The lines that are not the project's own text (for HTML: their text, tags dropped)."""
    slot = own.slot(LINE)
    found: list[Found] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if slot is not None and slot.is_own(line):
            continue
        shown = html.unescape(_TAG.sub(" ", line)) if html_file else line
        if shown.strip():
            found.append((f"line {number} (not the project's own text)", shown,
                          slot.advice if slot else ""))
    return found


def own_lines(text: str) -> frozenset[str]:
    """The lines of a text the project wrote itself (for a :class:`Slot` at ``regel``)."""
    return frozenset(text.splitlines())

