"""The export gate: scan every cell of every file bound for ``export/`` for identifiers.

The identifier set is built from *all* input rows (not just the subjects): surnames (raw
and normalised, each component), initials + surname, birthdates (every notation, matched
after parsing, so ``1-2-1980``, ``01/02/1980``, ``19800201`` and ``1980-02-01`` are all the
same hit), gcos_id, bvh_id, hks_id and registratienummer. A hit names the file and the
column (or line) and never the value. Data cells are matched as a whole and by token; in
the generated text files (code book, report) words of our own fixed vocabulary are not
counted as surnames, and the configuration's own dates (study period, extraction date) are
not counted as birthdates, because the template writes them whatever the data.

The set is built from whole frames (:func:`build_identifiers`) or chunk by chunk
(:class:`IdentifierCollector`), with the same result. Ids are kept as 64-bit hashes
(:class:`HashedIds`), so that tens of millions of police rows fit in bounded memory.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd
from vhh.linkage.normalise.dates import parse_dates
from vhh.linkage.normalise.names import normalise_text, parse_initials, parse_surname
from vhh.linkage.normalise.particles import surname_parts

__all__ = ["HashedIds", "IdentifierCollector", "Identifiers", "LeakHit", "build_identifiers",
           "scan_file", "scan_frame"]

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
_SCAN_BATCH = 4096  # texts whose id candidates are looked up in one go
_T = TypeVar("_T")


class HashedIds:
    """A set of id strings held as a sorted array of distinct 64-bit hashes (8 bytes an id).

    Twenty million ids as Python strings in a set take gigabytes; as hashes they take 160 MB.
    Membership hashes the question the same way and looks it up with ``np.searchsorted``.
    An id that is in the set is always found: equal strings give equal hashes, so a miss is
    impossible. Two different strings may share a hash (about n / 2**64 per lookup): such a
    false hit only blocks an export, the safe side. The hash (``pd.util.hash_array``, SipHash
    under pandas' fixed, public key) is not a pseudonym: the array is as sensitive as the ids,
    lives in memory only and is never written or shown.
    """

    __slots__ = ("_hashes",)

    def __init__(self, hashes: np.ndarray | None = None) -> None:
        """``hashes`` must be sorted and distinct (as from :func:`_sorted_distinct`)."""
        self._hashes = np.empty(0, dtype=np.uint64) if hashes is None else hashes
        self._hashes.flags.writeable = False

    @classmethod
    def from_strings(cls, values: Iterable[str]) -> HashedIds:
        """The set of ``values`` as given (normalising them is the caller's business)."""
        return cls(_sorted_distinct(_hash(list(values))))

    def contains(self, values: Sequence[str]) -> np.ndarray:
        """One boolean per value: whether it is in the set (one batch, vectorised)."""
        if not len(self._hashes) or not len(values):
            return np.zeros(len(values), dtype=bool)
        wanted = _hash(values)
        order = np.argsort(wanted)  # sorted needles: searchsorted walks on instead of jumping
        wanted = wanted[order]
        at = np.minimum(np.searchsorted(self._hashes, wanted), len(self._hashes) - 1)
        found = np.empty(len(values), dtype=bool)
        found[order] = self._hashes[at] == wanted
        return found

    def __contains__(self, value: object) -> bool:
        return isinstance(value, str) and bool(self.contains([value])[0])

    def __len__(self) -> int:
        return len(self._hashes)

    def __repr__(self) -> str:  # never show contents, not even hashed
        return f"HashedIds({len(self)} ids)"


def _hash(values: Sequence[str]) -> np.ndarray:
    """64-bit hashes of strings, vectorised; the same string always gives the same hash."""
    array = np.empty(len(values), dtype=object)
    array[:] = values
    try:
        return np.asarray(pd.util.hash_array(array, categorize=False), dtype=np.uint64)
    except UnicodeEncodeError:  # a lone surrogate (a JSON escape, say): hash its bytes
        array[:] = [_encodable(v) for v in values]
        return np.asarray(pd.util.hash_array(array, categorize=False), dtype=np.uint64)


def _encodable(value: str) -> str:
    """``value`` itself when UTF-8 can encode it, else its surrogate-passing bytes as text.

    Deterministic, so equal strings still hash equal; at worst two strings now share a hash
    (a false hit, the safe side).
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogatepass").decode("latin-1")
    return value


def _sorted_distinct(hashes: np.ndarray) -> np.ndarray:
    """Sort in place (a merge when the array is a few sorted runs) and drop repeats."""
    if len(hashes) < 2:
        return hashes
    hashes.sort(kind="stable")  # timsort: sorted parts are merged, not re-sorted
    keep = np.empty(len(hashes), dtype=bool)
    keep[0] = True
    np.not_equal(hashes[1:], hashes[:-1], out=keep[1:])
    return hashes[keep]


@dataclass
class Identifiers:
    """Identifying values, normalised for lookup. Never logged, never written.

    Surnames and birthdates are per distinct value (tens of thousands) and kept as sets;
    ids are per row (tens of millions) and kept as hashes, see :class:`HashedIds`.
    """

    surname_tokens: set[str] = field(default_factory=set)
    surnames_full: set[str] = field(default_factory=set)
    initial_surnames: set[str] = field(default_factory=set)
    dates: set[str] = field(default_factory=set)
    ids: HashedIds = field(default_factory=HashedIds)
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
    """Collect identifiers from whole raw input frames (any of the four sources).

    Each frame is a source of its own (see :meth:`IdentifierCollector.add`).
    """
    collector = IdentifierCollector()
    for number, frame in enumerate(frames):
        collector.add(frame, source=f"frame {number}")
    return collector.finish()


ID_COLUMNS = ("gcos_id", "bvh_id", "hks_id", "registratienummer")
_MERGE_AT_LEAST = 1 << 20  # pending hashes before a merge is worth its while
_HASH_BATCH = 1 << 16  # ids normalised and hashed at a time: few strings alive at once


class IdentifierCollector:
    """Collect identifiers from raw input frames fed one chunk at a time, in bounded memory.

    ``add`` each chunk of each source (the caller may free the chunk afterwards), then
    ``finish`` once. The result is the same as :func:`build_identifiers` on the whole
    frames: ids as hashes (each chunk's distinct ids, merged when the pending ones outgrow the
    merged set, so the work is not quadratic), surnames parsed once per distinct
    (achternaam, tussenvoegsel) pair and birthdates once per distinct notation over all
    chunks.
    """

    def __init__(self) -> None:
        self._found = Identifiers()
        self._merged = np.empty(0, dtype=np.uint64)
        self._pending: list[np.ndarray] = []
        self._pending_size = 0
        self._short_ids: set[tuple[str, str, str]] = set()   # (source, column, value)
        self._seen_names: set[tuple[str, str]] = set()
        self._short_names: dict[tuple[str, str], tuple[str, str]] = {}  # -> (core, full)
        self._seen_initials: set[tuple[str, str, str]] = set()
        self._seen_dates: set[str] = set()
        self._finished = False

    def add(self, frame: pd.DataFrame, *, source: str) -> None:
        """Collect one raw chunk. ``source`` names the file the chunk comes from: chunks of
        one source count as one frame for ``unscannable_ids`` (distinct per source and
        column, as for a whole frame)."""
        if self._finished:
            raise RuntimeError("IdentifierCollector.add() after finish()")
        if "achternaam" in frame:
            self._add_names(frame)
        if "geboortedatum" in frame:
            self._add_dates(frame["geboortedatum"])
        for col in ID_COLUMNS:
            if col in frame:
                self._add_ids(frame[col], source, col)

    def finish(self) -> Identifiers:
        """The identifiers of every chunk added; the collector is spent afterwards."""
        if self._finished:
            raise RuntimeError("IdentifierCollector.finish() called twice")
        self._finished = True
        self._merge()
        found, self._found = self._found, Identifiers()
        found.ids = HashedIds(self._merged)
        found.unscannable_ids = len(self._short_ids)
        self._merged = np.empty(0, dtype=np.uint64)
        self._seen_names, self._seen_initials, self._seen_dates = set(), set(), set()
        return found

    def _add_ids(self, values: pd.Series, source: str, column: str) -> None:
        distinct = values.astype(str).unique()
        hashes = [self._hash_ids(distinct[start:start + _HASH_BATCH], source, column)
                  for start in range(0, len(distinct), _HASH_BATCH)]
        if hashes:
            self._pending.append(_sorted_distinct(np.concatenate(hashes)))
            self._pending_size += len(self._pending[-1])
        if self._pending_size >= max(len(self._merged), _MERGE_AT_LEAST):
            self._merge()

    def _hash_ids(self, raw: Sequence[str], source: str, column: str) -> np.ndarray:
        """Hashes of the normalised scannable ids among ``raw``; the short ones are counted.

        A plain loop over a slice, not Series.str: its accessor is a reference cycle that
        keeps a whole chunk of strings alive until the garbage collector happens to run."""
        scannable = []
        for text in raw:
            value = text.strip()
            if not value:
                continue
            if value.isdigit() and len(value) < MIN_NUMERIC_ID:
                self._short_ids.add((source, column, value))
            else:
                scannable.append(value.lower())
        return _hash(scannable)

    def _merge(self) -> None:
        if not self._pending:
            return
        joined = np.concatenate([self._merged, *self._pending])
        self._pending, self._pending_size = [], 0  # free the parts before sorting
        self._merged = np.empty(0, dtype=np.uint64)
        self._merged = _sorted_distinct(joined)

    def _add_dates(self, values: pd.Series) -> None:
        new = [v for v in values.astype(str).unique() if v not in self._seen_dates]
        if not new:
            return
        self._seen_dates.update(new)
        parsed = parse_dates(pd.Series(new, dtype=object))
        self._found.dates.update(parsed.key[parsed.status == "ok"].unique().tolist())

    def _add_names(self, frame: pd.DataFrame) -> None:
        """Surnames of every row (each distinct spelling parsed once over all chunks), and
        initials + surname for the short surnames, too short to scan as a word of their own."""
        blank = pd.Series("", index=frame.index)
        surname = frame["achternaam"].astype(str)
        prefix = frame.get("tussenvoegsel", blank).astype(str)
        pairs = pd.DataFrame({"a": surname, "t": prefix}).drop_duplicates()
        for pair in pairs.itertuples(index=False, name=None):
            if pair not in self._seen_names:
                self._seen_names.add(pair)
                self._add_surname(*pair)
        if self._short_names:  # short names of earlier chunks take this chunk's initials too
            self._add_initials(surname, prefix, frame.get("voorletters", blank).astype(str))

    def _add_surname(self, raw: str, prefix: str) -> None:
        parsed = parse_surname(raw, prefix)
        if not parsed.core:
            return
        full = normalise_text(f"{parsed.prefix} {parsed.core}")
        self._found.surnames_full.update({full, normalise_text(raw)})
        self._found.surname_tokens.update(t for t in surname_parts(parsed.components)
                                          if len(t) >= MIN_SURNAME_TOKEN)
        if len(parsed.core) < MIN_SURNAME_TOKEN:  # longer ones hit as words of their own
            self._short_names[(raw, prefix)] = (parsed.core, full)

    def _add_initials(self, surname: pd.Series, prefix: pd.Series, initials: pd.Series) -> None:
        maybe = surname.isin({raw for raw, _ in self._short_names})
        rows = pd.DataFrame({"a": surname[maybe], "t": prefix[maybe], "v": initials[maybe]})
        for row in rows.drop_duplicates().itertuples(index=False, name=None):
            names = self._short_names.get(row[:2])
            if names is None or row in self._seen_initials:
                continue
            self._seen_initials.add(row)
            letters = "".join(parse_initials(row[2])).lower()
            if letters:
                core, full = names
                self._found.initial_surnames.update({f"{letters} {core}", f"{letters} {full}"})


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
