"""The identifiers the export gate looks for, collected from every input row.

The set is built from *all* input rows (not just the subjects): surnames, initials + short
surnames, birthdates (every notation, matched after parsing), gcos_id, bvh_id, hks_id and
registratienummer. It is built from whole frames (:func:`build_identifiers`) or chunk by
chunk (:class:`IdentifierCollector`), with the same result. Ids are kept as 64-bit hashes
(:class:`HashedIds`), so that tens of millions of police rows fit in bounded memory.
Nothing here is ever logged or written.

Surnames are kept the way the scanner matches them (:mod:`vhh.linkage.privacy.leakscan`):

* a one-word surname, or one part of a double surname ("Jansen-de Vries": jansen, vries),
  is a *word*, matched as a whole word;
* a surname of several words without a hyphen ("Kuijc van Malsen", "Die Bont") is a
  *phrase*, matched only as those words in that order: its words are not surnames alone;
* a tussenvoegsel or particle (:data:`PARTICLES`: van, der, de, 't, la, le, d', ...) is never
  an identifier on its own;
* a surname shorter than :data:`MIN_SURNAME_TOKEN` letters ("Li", "Ng") is matched only
  together with its initials ("W. Li", "Li, W."), or as the whole of a text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from vhh.linkage.arrays import sorted_distinct
from vhh.linkage.contract import ID_COLUMN
from vhh.linkage.io.arrow_csv import Codes, made_of
from vhh.linkage.normalise.dates import parse_dates
from vhh.linkage.normalise.names import (
    TUSSENVOEGSELS,
    normalise_text,
    parse_initials,
    parse_surname,
)
from vhh.linkage.privacy.hashedids import (
    HashedIds,
    encodable,
    hash_texts,
    hash_utf8,
    plain_ascii_ids,
)

__all__ = ["ID_COLUMNS", "MIN_NUMERIC_ID", "MIN_SURNAME_TOKEN", "PARTICLES", "HashedIds",
           "IdentifierCollector", "Identifiers", "build_identifiers"]

MIN_SURNAME_TOKEN = 3
MIN_NUMERIC_ID = 5
PARTICLES: frozenset[str] = frozenset(
    {word for spelling in TUSSENVOEGSELS for word in spelling}
    | {"van", "der", "de", "den", "ter", "ten", "t", "het", "in", "op", "te", "la", "le",
       "du", "d", "s", "l", "uijt"})
"""Words of tussenvoegsels (normalised: 't -> t, d' -> d): never an identifier alone."""


@dataclass
class Identifiers:
    """Identifying values, normalised for lookup. Never logged, never written.

    Surnames and birthdates are per distinct value (tens of thousands) and kept as sets;
    ids are per row (tens of millions) and kept as hashes, see :class:`HashedIds`.
    ``surname_words``: one-word surnames and parts of double surnames; ``surname_phrases``:
    surnames of several words, space-joined; ``surnames_full``: whole surnames as written
    (a text that is nothing but one of them); ``short_surnames`` and ``initial_surnames``:
    the surnames too short to match alone, and "initials surname" for each (``"jpm li"``,
    ``"j li"``).
    """

    surname_words: set[str] = field(default_factory=set)
    surname_phrases: set[str] = field(default_factory=set)
    surnames_full: set[str] = field(default_factory=set)
    short_surnames: set[str] = field(default_factory=set)
    initial_surnames: set[str] = field(default_factory=set)
    dates: set[str] = field(default_factory=set)
    ids: HashedIds = field(default_factory=HashedIds)
    unscannable_ids: int = 0
    _longest: tuple[int, int] = field(default=(0, 1), repr=False, compare=False)

    @property
    def phrase_length(self) -> int:
        """The most words any surname phrase has (1 when there is none); worked out once
        per size of the phrase set, not once per text scanned."""
        if self._longest[0] != len(self.surname_phrases):
            longest = max((p.count(" ") + 1 for p in self.surname_phrases), default=1)
            self._longest = (len(self.surname_phrases), longest)
        return self._longest[1]

    def __repr__(self) -> str:  # never show contents
        return (f"Identifiers(surnames={len(self.surnames_full)}, dates={len(self.dates)}, "
                f"ids={len(self.ids)})")


def build_identifiers(frames: Iterable[pd.DataFrame]) -> Identifiers:
    """Collect identifiers from whole raw input frames (any of the four sources).

    Each frame is a source of its own (see :meth:`IdentifierCollector.add`).
    """
    collector = IdentifierCollector()
    for number, frame in enumerate(frames):
        collector.add(frame, source=f"frame {number}")
    return collector.finish()


ID_COLUMNS = (*dict.fromkeys(ID_COLUMN.values()), "registratienummer")
_MERGE_AT_LEAST = 1 << 20  # pending hashes before a merge is worth its while
_HASH_BATCH = 1 << 16  # ids normalised and hashed at a time: few strings alive at once


_SIMPLE_SURNAME = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
"""A surname of ASCII letters, double ones joined by single hyphens ("Bakker", "Jansen-Smit"):
its components are the hyphen-separated words lowercased, with no prefix of its own (a lone
word is its own core, even one that is a tussenvoegsel: the surname "Van")."""

_WHOLE_ONLY = re.compile(r"[^\x00-\x7f]|[,'`]")
"""What makes ``parse_surname`` look at a surname as a whole, not part by part: a comma (a
prefix after it), an apostrophe (an elided article, "d'Ancona"), or any non-ASCII character
(other hyphens, apostrophes and Unicode folding)."""


def _factorised(values: pd.Series, made: Codes | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The distinct texts of a column (as ``astype(str)`` gives them) and each row's code;
    ``made``: the reader's codes of the column (Arrow's dictionary of its text as read).

    Distinct by exact equality: Arrow's dictionary, or Python's for a column with a lone
    surrogate. Not ``pd.factorize``: its string table compares texts only up to a NUL
    character ("A\x00B" is "A" to it) and can lose a text with a lone surrogate (pandas 2.3),
    so a surname or a birthdate could be dropped as a repeat of another."""
    if made is not None:
        return made[1], made[0]
    texts = values.astype(str).to_numpy(dtype=object)
    try:
        encoded = pa.array(texts, type=pa.large_string()).dictionary_encode()
    except UnicodeEncodeError:
        seen: dict[str, int] = {}
        codes = np.fromiter((seen.setdefault(text, len(seen)) for text in texts.tolist()),
                            dtype=np.int64, count=len(texts))
        return np.array(list(seen), dtype=object), codes
    distinct = np.empty(len(encoded.dictionary), dtype=object)
    distinct[:] = encoded.dictionary.to_pylist()
    return distinct, encoded.indices.to_numpy().astype(np.int64)


def _exact(text: str) -> bool:
    """A text that pandas' string table compares exactly: no NUL, no lone surrogate."""
    return "\x00" not in text and (text.isascii() or encodable(text) is text)


class IdentifierCollector:
    """Collect identifiers from raw input frames fed one chunk at a time, in bounded memory.

    ``add`` each chunk of each source (the caller may free the chunk afterwards), then
    ``finish`` once. The result is the same as :func:`build_identifiers` on the whole
    frames: ids as hashes (each chunk's ids hashed, the distinct hashes merged when the pending
    ones outgrow the merged set, so the work is not quadratic), surnames parsed once per
    distinct (achternaam, tussenvoegsel) pair and birthdates once per distinct notation over
    all chunks. The shortcuts taken for speed (Arrow for the ids, surnames parsed part by
    part) are held against a plain row-by-row definition in ``tests/test_identifiers_fast.py``.
    """

    def __init__(self) -> None:
        self._found = Identifiers()
        self._merged = np.empty(0, dtype=np.uint64)
        self._pending: list[np.ndarray] = []
        self._pending_size = 0
        self._short_ids: set[tuple[str, str, str]] = set()   # (source, column, value)
        self._seen_names: set[tuple[str, str]] = set()
        self._prefixes: dict[str, str] = {}  # tussenvoegsel as written -> canonical
        self._parts: dict[str, tuple[str, str] | None] = {}  # part of a surname -> parse
        self._short_names: dict[tuple[str, str], tuple[str, ...]] = {}  # -> short cores
        self._seen_initials: set[tuple[str, str, str]] = set()
        self._seen_dates: set[str] = set()
        self._finished = False

    def add(self, frame: pd.DataFrame, *, source: str) -> None:
        """Collect one raw chunk. ``source`` names the file the chunk comes from: chunks of
        one source count as one frame for ``unscannable_ids`` (distinct per source and
        column, as for a whole frame)."""
        if self._finished:
            raise RuntimeError("IdentifierCollector.add() after finish()")
        made = made_of(frame)
        if "achternaam" in frame:
            self._add_names(frame, made.codes)
        if "geboortedatum" in frame:
            self._add_dates(frame["geboortedatum"], made.codes.get("geboortedatum"))
        for col in ID_COLUMNS:
            if col in frame:
                self._add_ids(frame[col], source, col, made.arrow.get(col))

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
        self._prefixes, self._parts = {}, {}
        return found

    def close(self) -> None:
        """Nothing to free in process (the interface of :class:`CollectorProcess`)."""

    def _add_ids(self, values: pd.Series, source: str, column: str,
                 read: pa.Array | None = None) -> None:
        """The ids of one column of a chunk: the plain ones (:func:`plain_ascii_ids`, nearly all)
        lowercased and hashed in Arrow, row by row without a Python string each; the others
        one distinct value at a time by :meth:`_hash_ids`. ``read``: the column's Arrow text
        as the reader parsed it (the same texts, not converted again)."""
        texts = values.astype(str).to_numpy(dtype=object) if read is None else None
        try:
            arrow = read.cast(pa.large_string()) if read is not None else pa.array(
                texts, type=pa.large_string())
        except UnicodeEncodeError:  # a lone surrogate (a JSON escape, say): all the general way
            plain = np.zeros(len(values), dtype=bool)
        else:
            plain = plain_ascii_ids(arrow, MIN_NUMERIC_ID)
        hashes = []
        if plain.any():
            chosen = arrow if plain.all() else arrow.filter(pa.array(plain))
            lowered = pc.ascii_lower(chosen).cast(pa.large_binary())
            hashes = [hash_utf8(lowered.slice(start, _HASH_BATCH))
                      for start in range(0, len(lowered), _HASH_BATCH)]
        if not plain.all():
            # distinct by Python's own equality: pandas' hash table can lose a text with a
            # lone surrogate (pandas 2.3), which only this path sees
            if texts is None:  # only the reader's Arrow text so far
                texts = values.astype(str).to_numpy(dtype=object)
            others = list(dict.fromkeys(texts[~plain].tolist()))
            hashes += [self._hash_ids(others[start:start + _HASH_BATCH], source, column)
                       for start in range(0, len(others), _HASH_BATCH)]
        if hashes:
            self._pending.append(sorted_distinct(np.concatenate(hashes)))
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
        return hash_texts(scannable)

    def _merge(self) -> None:
        if not self._pending:
            return
        joined = np.concatenate([self._merged, *self._pending])
        self._pending, self._pending_size = [], 0  # free the parts before sorting
        self._merged = np.empty(0, dtype=np.uint64)
        self._merged = sorted_distinct(joined, runs=True)

    def _add_dates(self, values: pd.Series, made: Codes | None = None) -> None:
        """The birthdates of a column: each distinct notation parsed once over all chunks.

        ``parse_dates`` puts its values through ``pd.factorize`` (see :func:`_factorised`):
        the notations it could confuse (with a NUL or a lone surrogate, never a date) are
        parsed one at a time, so none takes the place of a real date."""
        distinct, _ = _factorised(values, made)
        new = [text for text in distinct.tolist() if text not in self._seen_dates]
        if not new:
            return
        self._seen_dates.update(new)
        exact = [text for text in new if _exact(text)]
        for batch in [exact] + [[text] for text in new if not _exact(text)]:
            if not batch:
                continue
            parsed = parse_dates(pd.Series(batch, dtype=object))
            self._found.dates.update(parsed.key[parsed.status == "ok"].unique().tolist())

    def _add_names(self, frame: pd.DataFrame, made: Mapping[str, Codes]) -> None:
        """Surnames of every row (each distinct spelling parsed once over all chunks), and
        initials + surname for the short surnames, too short to scan as a word of their own.

        The distinct (achternaam, tussenvoegsel) pairs come from the codes of each column
        factorised once, not from a frame of pairs."""
        blank = pd.Series("", index=frame.index)
        surnames, surname_codes = _factorised(frame["achternaam"], made.get("achternaam"))
        prefixes, prefix_codes = _factorised(frame.get("tussenvoegsel", blank),
                                             made.get("tussenvoegsel"))
        pairs = pd.unique(surname_codes * len(prefixes) + prefix_codes)  # hashed, not sorted
        for at, prefix_at in zip(*np.divmod(pairs, max(len(prefixes), 1)), strict=True):
            pair = (surnames[at], prefixes[prefix_at])
            if pair not in self._seen_names:
                self._seen_names.add(pair)
                self._add_surname(*pair)
        if self._short_names:  # short names of earlier chunks take this chunk's initials too
            maybe = self._maybe_short(surnames, surname_codes)
            initials = frame.get("voorletters", blank)[maybe].astype(str).to_numpy(dtype=object)
            self._add_initials(surnames[surname_codes[maybe]], prefixes[prefix_codes[maybe]],
                               initials)

    def _given_prefix(self, prefix: str) -> str:
        """The canonical tussenvoegsel of a tussenvoegsel column's value (a handful distinct)."""
        given = self._prefixes.get(prefix)
        if given is None:
            given = self._prefixes[prefix] = parse_surname("", prefix).prefix
        return given

    def _alone(self, raw: str) -> tuple[str, tuple[str, ...]]:
        """``prefix`` and ``components`` of ``parse_surname(raw)``, without a tussenvoegsel.

        A surname with no comma, apostrophe or non-ASCII character is parsed part by part:
        ``parse_surname`` normalises and splits each hyphen-separated part on its own, so
        its components are those of its parts (each part parsed once over all chunks, and
        a part that is one word not at all) and its prefix that of its first part that has
        a word. The others are parsed whole. ``tests/test_identifiers_fast.py`` holds this
        against ``parse_surname`` itself."""
        if _SIMPLE_SURNAME.fullmatch(raw):
            return "", tuple(raw.lower().split("-"))
        if _WHOLE_ONLY.search(raw):
            parsed = parse_surname(raw)
            return parsed.prefix, parsed.components
        parts = [self._part(part) for part in raw.split("-")]
        cores = [part for part in parts if part is not None]
        return (cores[0][0] if cores else ""), tuple(core for _, core in cores)

    def _part(self, part: str) -> tuple[str, str] | None:
        """(prefix, core) of one part of a surname (``None``: no word in it), cached."""
        if part not in self._parts:
            parsed = parse_surname(part)
            self._parts[part] = (parsed.prefix, parsed.core) if parsed.core else None
        return self._parts[part]

    def _add_surname(self, raw: str, prefix: str) -> None:
        """The surname of a pair: ``parse_surname(raw, prefix)`` has the components of
        ``raw`` alone, and the prefix of the tussenvoegsel column when that has one."""
        own, components = self._alone(raw)
        if not components:
            return
        core = "-".join(components)
        found = self._found
        whole = {normalise_text(f"{self._given_prefix(prefix) or own} {core}"),
                 normalise_text(raw)}
        found.surnames_full.update(w for w in whole if w and not PARTICLES.issuperset(w.split()))
        short = []
        for comp in components:
            words = comp.split()
            if len(words) > 1:
                if not PARTICLES.issuperset(words):
                    found.surname_phrases.add(comp)
            elif comp in PARTICLES:
                continue
            elif len(comp) >= MIN_SURNAME_TOKEN:
                found.surname_words.add(comp)
            else:
                short.append(comp)
        if short:  # too short to hit as words of their own: with their initials
            found.short_surnames.update(short)
            self._short_names[(raw, prefix)] = tuple(short)

    def _maybe_short(self, surnames: np.ndarray, codes: np.ndarray) -> np.ndarray:
        """Per row: whether its achternaam is one with short cores (in any pair)."""
        short = {raw for raw, _ in self._short_names}
        return np.isin(codes, [at for at, raw in enumerate(surnames.tolist()) if raw in short])

    def _add_initials(self, surname: np.ndarray, prefix: np.ndarray, initials: np.ndarray
                      ) -> None:
        rows = zip(surname.tolist(), prefix.tolist(), initials.tolist(), strict=True)
        for row in dict.fromkeys(rows):  # distinct by Python's equality, see _factorised
            cores = self._short_names.get(row[:2])
            if cores is None or row in self._seen_initials:
                continue
            self._seen_initials.add(row)
            parsed = parse_initials(row[2])
            if parsed:  # all the initials, and the first alone ("J. Li" for J.P.M. Li)
                forms = {"".join(parsed).lower(), parsed[0].lower()}
                self._found.initial_surnames.update(f"{form} {core}" for core in cores
                                                    for form in forms)
