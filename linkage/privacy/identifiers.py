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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from vhh.linkage.contract import ID_COLUMN
from vhh.linkage.normalise.dates import parse_dates
from vhh.linkage.normalise.names import (
    TUSSENVOEGSELS,
    normalise_text,
    parse_initials,
    parse_surname,
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
        found = self._found
        whole = {normalise_text(f"{parsed.prefix} {parsed.core}"), normalise_text(raw)}
        found.surnames_full.update(w for w in whole if w and not PARTICLES.issuperset(w.split()))
        short = []
        for comp in parsed.components:
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

    def _add_initials(self, surname: pd.Series, prefix: pd.Series, initials: pd.Series) -> None:
        maybe = surname.isin({raw for raw, _ in self._short_names})
        rows = pd.DataFrame({"a": surname[maybe], "t": prefix[maybe], "v": initials[maybe]})
        for row in rows.drop_duplicates().itertuples(index=False, name=None):
            cores = self._short_names.get(row[:2])
            if cores is None or row in self._seen_initials:
                continue
            self._seen_initials.add(row)
            parsed = parse_initials(row[2])
            if parsed:  # all the initials, and the first alone ("J. Li" for J.P.M. Li)
                forms = {"".join(parsed).lower(), parsed[0].lower()}
                self._found.initial_surnames.update(f"{form} {core}" for core in cores
                                                    for form in forms)
