"""The export gate's scanner: does a text hold an input identifier, and which kind?

The texts come from :mod:`vhh.linkage.privacy.exportscan`, which reads every file bound for
``export/`` and hands over only what the data brought (and anything that is not the
project's own exact text). A hit names the kind, never the value. Kinds:

* ``achternaam``: a one-word surname (or a part of a double surname) as a whole word, a
  surname of several words as that phrase, or a whole text that is nothing but a surname;
  particles (van, de, 't, la, ...) never count alone;
* ``voorletters+achternaam``: a surname too short to count alone next to its initials, in
  any notation and on either side ("W. Li", "J.P.M. Li", "Li, W.");
* ``geboortedatum``: an input birthdate in any notation, matched after parsing
  (``1-2-1980``, ``01/02/1980``, ``19800201``, ``1980-02-01`` are the same hit);
* ``id``: an input gcos_id, bvh_id, hks_id or registratienummer, also inside a longer token;
* ``bsn``: any number shaped like a BSN (nine digits passing the eleven test), whether or
  not the inputs hold it: the extracts have no BSN column, so one in the export came from
  a free-text field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from vhh.linkage.normalise.names import normalise_text
from vhh.linkage.privacy.identifiers import PARTICLES, HashedIds, Identifiers

__all__ = ["KINDS", "LeakHit", "batch_hits", "cell_hits", "is_bsn"]

KINDS = ("achternaam", "voorletters+achternaam", "geboortedatum", "id", "bsn")
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
# nine digits, or four-two-three / three-three-three with dots, spaces or hyphens
_BSN = re.compile(r"(?<![0-9])(?:\d{9}|\d{4}([. ])\d{2}\1\d{3}|\d{3}([. -])\d{3}\2\d{3})"
                  r"(?![0-9])")
_MAX_INITIALS = 8  # initials gathered on either side of a short surname
SCAN_BATCH = 4096  # texts whose id candidates are looked up in one go


@dataclass(frozen=True)
class LeakHit:
    """One kind of identifier in one place of one export file; never the value."""

    file: str
    where: str   # "column 'kader'", "line 36 (not the project's own text)", "the list of roles"
    kind: str    # one of KINDS
    advice: str = ""  # what the data officer can do about it

    def __str__(self) -> str:
        text = f"{self.file}, {self.where}: contains an input {self.kind}"
        return f"{text}; {self.advice}" if self.advice else text


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


def is_bsn(digits: str) -> bool:
    """Whether nine digits pass the eleven test of a BSN (and are not all zero)."""
    if len(digits) != 9 or not digits.isdigit() or not int(digits):
        return False
    weighted = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    return (weighted - int(digits[8])) % 11 == 0


def _has_bsn(text: str) -> bool:
    plain = _HEX.sub(" ", text)
    return any(is_bsn(re.sub(r"[. -]", "", m.group(0))) for m in _BSN.finditer(plain))


def cell_hits(text: str, ids: Identifiers) -> list[str]:
    """Kinds of identifier found in one text (empty when clean)."""
    return batch_hits([text], ids)[0]


def batch_hits(texts: Sequence[str], ids: Identifiers) -> list[list[str]]:
    """:func:`cell_hits` of many texts, their id lookups in one vectorised batch."""
    has_id = _has_id(texts, ids.ids)
    return [[*_name_and_date_kinds(text, ids), *(["id"] if hit else []),
             *(["bsn"] if _has_bsn(text) else [])]
            for text, hit in zip(texts, has_id, strict=True)]


def _name_and_date_kinds(text: str, ids: Identifiers) -> list[str]:
    kinds = []
    words = normalise_text(text).split()
    if words and (_surname_in(words, ids) or " ".join(words) in ids.surnames_full):
        kinds.append("achternaam")
    if ids.short_surnames and _initials_and_surname_in(words, ids):
        kinds.append("voorletters+achternaam")
    if any(k in ids.dates for k in _date_keys(text)):
        kinds.append("geboortedatum")
    return kinds


def _surname_in(words: list[str], ids: Identifiers) -> bool:
    """A surname word (never a particle) or a surname phrase among the words."""
    if any(w in ids.surname_words for w in words if w not in PARTICLES):
        return True
    if not ids.surname_phrases:
        return False
    longest = min(ids.phrase_length, len(words))
    return any(" ".join(words[i:i + n]) in ids.surname_phrases
               for n in range(2, longest + 1) for i in range(len(words) - n + 1))


def _initials_and_surname_in(words: list[str], ids: Identifiers) -> bool:
    """A short surname with its initials before it ("j p m li", particles between them
    allowed: "j van li") or after it ("li j p m")."""
    for at, word in enumerate(words):
        if word not in ids.short_surnames:
            continue
        before = words[:at]
        while before and before[-1] in PARTICLES and len(before[-1]) > 1:
            before = before[:-1]
        after = words[at + 1:]
        for side in (before[::-1], after):
            for letters in _initial_forms(side):
                if f"{letters} {word}" in ids.initial_surnames:
                    return True
    return False


def _initial_forms(side: list[str]) -> Iterator[str]:
    """Initials next to a surname, nearest first: each run of single letters (``ij`` counts
    as one), and a word of two to four letters written without dots ("jpm")."""
    if side and 2 <= len(side[0]) <= 4 and side[0].isalpha() and side[0] != "ij":
        yield side[0]
    run: list[str] = []
    for word in side[:_MAX_INITIALS]:
        if not (word.isalpha() and (len(word) == 1 or word == "ij")):
            break
        run.append(word)
    for start in range(len(run)):
        for end in range(start + 1, len(run) + 1):
            yield "".join(run[start:end])


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


