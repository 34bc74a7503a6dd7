"""Normalise names for linkage: free text, Dutch surnames with tussenvoegsels, and initials.

Everything here is pure: strings in, strings or small frozen values out. Nothing raises on
odd input (None, NaN, punctuation only); such input gives an empty result.

Surnames
--------
``parse_surname`` splits a surname into its tussenvoegsel (``prefix``) and its core. The
canonical spelling of a prefix is its ``normalise_text`` form with abbreviations expanded:

* apostrophes are dropped: ``'t`` -> ``"t"``, ``van 't`` -> ``"van t"``, ``d'`` -> ``"d"``;
* ``v.d.``, ``vd``, ``v/d`` and ``v. der`` -> ``"van der"``; ``v.`` -> ``"van"``.

A prefix may stand before the core ("van der Berg"), after it ("Berg van der") or after a
comma ("Berg, van der"). Only a hyphen splits a double surname ("Jansen-de Vries"); a space
never does, so "Jansen de Vries" is one component "jansen de vries". Each component loses its
own prefix; the prefix of the whole name is the prefix of its first component.

``core`` joins the components with a hyphen ("jansen-vries"), so that feeding a parse its own
``core`` and ``prefix`` gives the same parse back; a space-joined core could not be told apart
from a single surname with a space in it.

Initials
--------
``parse_initials`` reads any notation ("J.P.M.", "JPM", "j.p.m", "J. P. M.") into a tuple of
uppercase initials. Rules, in order, for each run of letters ("chunk") between non-letters:

1. A chunk that is just the letters I and J in any case ("IJ", "IJ.", "Ij.", "ij") is the
   Dutch digraph IJ (IJsbrand): one initial ``"IJ"``. Dotted separately ("I.J.", "I J") they
   are two initials. Inside a longer undotted run ("IJP", "PIJ") every letter counts alone.
2. A dotted chunk that is a Latin abbreviation of a given name as written on Dutch documents
   (``Th.``, ``Chr.``, ``Ph.``, ``Joh.``, ``Jac.``, ``Wm.``, ``Fr.``, ``Ch.``; any case) is
   one initial: its first letter.
3. Otherwise a capital followed by lowercase letters is one initial ("Th", "Chr", "Jan" -> T,
   C, J; "Ij..." -> IJ), and every other letter is an initial of its own ("JPM", "jpm").

Only the letters A-Z count (after removing diacritics); digits and other characters separate
chunks and are otherwise ignored. Without voorletters the initials come from voornamen: one per
given name, and one per part of a hyphenated given name ("Anne-Marie" -> A, M, as Dutch civil
registration writes A.M.); a given name starting with "IJ"/"Ij" gives the digraph IJ.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

import jellyfish

__all__ = [
    "TUSSENVOEGSELS",
    "ParsedSurname",
    "first_initial",
    "initials_compatible",
    "is_missing",
    "normalise_text",
    "parse_initials",
    "parse_surname",
    "surname_similarity",
]

# --------------------------------------------------------------------------------------------
# Free text
# --------------------------------------------------------------------------------------------

_APOSTROPHES: Final = "'’‘`´ʼʹ′‛"
_DROP_APOSTROPHES: Final = MappingProxyType({ord(c): None for c in _APOSTROPHES})

# Letters that Unicode decomposition leaves alone but that registries transliterate.
_TRANSLITERATION: Final = MappingProxyType(
    {
        ord(k): v
        for k, v in {
            "ß": "ss", "ẞ": "SS", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe",
            "Œ": "OE", "ĳ": "ij", "Ĳ": "IJ", "ı": "i", "ł": "l", "Ł": "L", "đ": "d",
            "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH",
        }.items()
    }
)

# Case folding and compatibility decomposition do not commute for a few rare characters;
# the fold is repeated until it is stable, at most this many times.
_MAX_FOLD_PASSES: Final = 5


def is_missing(value: object) -> bool:
    """True for None, float NaN, numpy NaN and pandas NA."""
    if value is None:
        return True
    try:
        return bool(value != value)
    except (TypeError, ValueError):  # pandas NA refuses to be a bool
        return True


_ASCII_PUNCTUATION: Final = re.compile(r"[^a-z0-9]+")


def _as_text(value: object) -> str:
    return "" if is_missing(value) else str(value)


def _strip_diacritics(text: str) -> str:
    """Decompose, drop combining marks, transliterate; keeps case and punctuation."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_DROP_APOSTROPHES))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.translate(_TRANSLITERATION)


def _fold_once(text: str) -> str:
    unquoted = text.translate(_DROP_APOSTROPHES)  # before NFKD, which spaces out "´"
    folded = _strip_diacritics(unicodedata.normalize("NFKD", unquoted).casefold())
    spaced = "".join(c if c.isalnum() else " " for c in folded)
    return " ".join(spaced.split())


def normalise_text(s: str | None) -> str:
    """Lowercase ASCII-like text for comparison: no diacritics, apostrophes or punctuation.

    Apostrophes are dropped ("'t" -> "t"), other punctuation becomes a space, whitespace is
    collapsed. None and NaN give "". Idempotent.
    """
    text = _as_text(s)
    if text.isascii():  # the common case, one pass and no Unicode tables
        return " ".join(_ASCII_PUNCTUATION.sub(" ", text.translate(_DROP_APOSTROPHES).lower())
                        .split())
    return _normalise_unicode(text)


def _normalise_unicode(text: str) -> str:
    """The general path of :func:`normalise_text`: fold until stable."""
    for _ in range(_MAX_FOLD_PASSES):
        folded = _fold_once(text)
        if folded == text:
            break
        text = folded
    return text


# --------------------------------------------------------------------------------------------
# Surnames
# --------------------------------------------------------------------------------------------

_CANONICAL_PREFIXES: Final = (
    # Dutch
    "van", "van de", "van den", "van der", "van het", "van t", "van ter", "van ten",
    "de", "der", "den", "het", "t", "s", "te", "ten", "ter",
    "in de", "in den", "in het", "in t", "op de", "op den", "op het", "op t", "op ten",
    "uit de", "uit den", "uit het", "uit t", "aan de", "aan den", "aan het",
    "bij de", "bij den", "onder de", "over de", "voor de", "voor den",
    # French, Romance
    "d", "l", "la", "le", "les", "du", "des", "de la", "de las", "de los", "de l",
    "da", "das", "dos", "di", "del", "della", "dalla", "dei",
    # German
    "von", "von der", "von dem", "von den", "vom", "zu", "zum", "zur", "von und zu",
)
_ABBREVIATED_PREFIXES: Final = (
    ("vd", "van der"), ("v d", "van der"), ("v der", "van der"),
    ("v den", "van den"), ("v de", "van de"), ("v", "van"),
)

TUSSENVOEGSELS: Final = MappingProxyType(
    {
        tuple(spelling.split()): canonical
        for spelling, canonical in (
            *((p, p) for p in _CANONICAL_PREFIXES),
            *_ABBREVIATED_PREFIXES,
        )
    }
)
"""Recognised tussenvoegsels: normalised words -> canonical prefix spelling."""

_MAX_PREFIX_WORDS: Final = max(len(words) for words in TUSSENVOEGSELS)
_HYPHENS: Final = re.compile(r"[-‐‑‒–—―−﹣－]")
_ELIDED_ARTICLE: Final = re.compile(r"\b([dl])[" + _APOSTROPHES + r"]\s*(?=\w)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ParsedSurname:
    """A surname split into its tussenvoegsel and core.

    ``prefix``: canonical tussenvoegsel ("van der", "t"), "" if none.
    ``core``: the components joined by "-" ("berg", "jansen-vries"), "" if none.
    ``components``: the normalised core of each part of a double surname, each without its
    own prefix (("jansen", "vries")).
    ``display``: the original text, stripped; for display only, never for matching.
    """

    prefix: str
    core: str
    components: tuple[str, ...]
    display: str

    def __repr__(self) -> str:  # a surname: never in a repr, a traceback or a log line
        return f"ParsedSurname({len(self.components)} components)"


def _canonical_prefix(words: tuple[str, ...]) -> str:
    return TUSSENVOEGSELS.get(words, " ".join(words))


def _longest_prefix_at(words: tuple[str, ...], *, at_end: bool) -> int:
    """Number of words of the longest recognised prefix at the start (or end) of words."""
    for n in range(min(_MAX_PREFIX_WORDS, len(words)), 0, -1):
        if (words[-n:] if at_end else words[:n]) in TUSSENVOEGSELS:
            return n
    return 0


def _strip_leading(words: tuple[str, ...]) -> tuple[list[str], tuple[str, ...]]:
    """Strip recognised prefixes repeatedly from the start: (prefixes, rest)."""
    found: list[str] = []
    while n := _longest_prefix_at(words, at_end=False):
        found.append(TUSSENVOEGSELS[words[:n]])
        words = words[n:]
    return found, words


def _strip_trailing(words: tuple[str, ...]) -> tuple[tuple[str, ...], list[str]]:
    """Strip recognised prefixes repeatedly from the end: (rest, prefixes)."""
    found: list[str] = []
    while n := _longest_prefix_at(words, at_end=True):
        found.insert(0, TUSSENVOEGSELS[words[-n:]])
        words = words[:-n]
    return words, found


def _split_component(words: tuple[str, ...]) -> tuple[str, str]:
    """(prefix, core) of one part of a surname; words is not empty.

    A part made only of prefix words keeps its last word as the core, so that the real
    surnames "Van" and "De" do not vanish.
    """
    leading, rest = _strip_leading(words)
    rest, trailing = _strip_trailing(rest)
    if not rest:
        return _canonical_prefix(words[:-1]), words[-1]
    return " ".join(leading + trailing), " ".join(rest)


def _split_comma_prefix(text: str) -> tuple[str, str]:
    """("Berg", "van der") from "Berg, van der"; (text, "") when no prefix follows a comma."""
    head, comma, tail = text.rpartition(",")
    words = tuple(normalise_text(tail).split())
    if comma and words in TUSSENVOEGSELS and normalise_text(head):
        return head, TUSSENVOEGSELS[words]
    return text, ""


def _component_words(text: str) -> list[tuple[str, ...]]:
    spaced = _ELIDED_ARTICLE.sub(r"\1 ", text)
    parts = (tuple(normalise_text(part).split()) for part in _HYPHENS.split(spaced))
    return [words for words in parts if words]


def parse_surname(achternaam: str | None, tussenvoegsel: str | None = None) -> ParsedSurname:
    """Split a surname into canonical prefix, core and double-surname components.

    An explicit ``tussenvoegsel`` wins over any prefix found in ``achternaam`` (which is then
    taken as a duplicate and dropped). Never raises; empty input gives an empty core.
    """
    raw_name, raw_prefix = _as_text(achternaam).strip(), _as_text(tussenvoegsel).strip()
    given = _canonical_prefix(tuple(normalise_text(raw_prefix).split())) if raw_prefix else ""
    display = " ".join(text for text in (raw_prefix, raw_name) if text)
    words = raw_name.split("-")
    if raw_name.isascii() and all(word.isalpha() for word in words):
        # plain letters, one word or words joined by hyphens (most surnames, partner names
        # included): no comma, space or apostrophe, so no particle to find (a lone
        # particle word is a surname itself); the general path below gives the same
        # (tests/test_names.py holds the two equal)
        components = tuple(word.lower() for word in words)
        return ParsedSurname(given, "-".join(components), components, display)
    return _parsed_in_general(raw_name, given, display)


def _parsed_in_general(raw_name: str, given: str, display: str) -> ParsedSurname:
    """:func:`parse_surname` of any surname (``given``: the canonical explicit prefix)."""
    name, comma_prefix = _split_comma_prefix(raw_name)
    split = [_split_component(words) for words in _component_words(name)]
    components = tuple(core for _, core in split)
    prefix = given or comma_prefix or (split[0][0] if split else "")
    return ParsedSurname(prefix, "-".join(components), components, display)


def _jaro_winkler(x: str, y: str) -> float:
    low, high = sorted((x, y))  # fixed argument order: symmetric whatever the library does
    return jellyfish.jaro_winkler_similarity(low, high)


def surname_similarity(a: ParsedSurname, b: ParsedSurname) -> float:
    """Best Jaro-Winkler similarity over the two cores and all pairs of components.

    In [0, 1]; 0.0 when either core is empty; symmetric.
    """
    if not a.core or not b.core:
        return 0.0
    pairs = itertools.chain([(a.core, b.core)], itertools.product(a.components, b.components))
    return min(1.0, max(_jaro_winkler(x, y) for x, y in pairs))


# --------------------------------------------------------------------------------------------
# Initials
# --------------------------------------------------------------------------------------------

_ABBREVIATED_GIVEN_NAMES: Final = frozenset({"th", "ch", "chr", "ph", "joh", "jac", "wm", "fr"})
_LETTER_CHUNK: Final = re.compile(r"([A-Za-z]+)(\.?)")
_INITIAL_SEGMENT: Final = re.compile(r"[A-Z][a-z]*|[a-z]")
_GIVEN_NAME_SEPARATORS: Final = re.compile(r"[\s\-‐‑‒–—―−﹣－]+")
_IJ_ALTERNATIVES: Final = frozenset({frozenset({"IJ", "I"}), frozenset({"IJ", "Y"})})


def _initial_of(letters: str) -> str:
    """The initial a given name (or its abbreviation) starts with; "IJ" for IJsbrand."""
    return "IJ" if letters[:2].lower() == "ij" else letters[0].upper()


def _chunk_initials(letters: str, dotted: bool) -> tuple[str, ...]:
    if letters.lower() == "ij":
        return ("IJ",)
    if dotted and letters.lower() in _ABBREVIATED_GIVEN_NAMES:
        return (_initial_of(letters),)
    return tuple(_initial_of(segment) for segment in _INITIAL_SEGMENT.findall(letters))


def _initials_from_voorletters(text: str) -> tuple[str, ...]:
    chunks = _LETTER_CHUNK.findall(_strip_diacritics(text))
    return tuple(itertools.chain.from_iterable(_chunk_initials(c, bool(d)) for c, d in chunks))


def _initials_from_voornamen(text: str) -> tuple[str, ...]:
    names = _GIVEN_NAME_SEPARATORS.split(_strip_diacritics(text))
    letters = (re.sub(r"[^A-Za-z]", "", name) for name in names)
    return tuple(_initial_of(name) for name in letters if name)


def parse_initials(voorletters: str | None, voornamen: str | None = None) -> tuple[str, ...]:
    """Canonical uppercase initials from any notation; from voornamen if voorletters is empty.

    "J.P.M.", "JPM", "J P M", "j.p.m" -> ("J", "P", "M"); "Th.J." -> ("T", "J");
    "IJ." -> ("IJ",); "I.J." -> ("I", "J"). See the module docstring for the rules.
    """
    initials = _initials_from_voorletters(_as_text(voorletters))
    return initials or _initials_from_voornamen(_as_text(voornamen))


def first_initial(initials: tuple[str, ...]) -> str:
    """The first initial, or "" when there is none."""
    return initials[0] if initials else ""


def _as_first_initial(initials: str | tuple[str, ...]) -> str:
    return (initials if isinstance(initials, str) else first_initial(initials)).upper()


def initials_compatible(a: str | tuple[str, ...], b: str | tuple[str, ...]) -> bool:
    """Whether two first initials may belong to one person.

    Takes first initials ("J") or whole tuples of initials (their first initials count).
    Equal, or one is the digraph "IJ" and the other "I" or "Y" (IJ is often written so).
    An empty initial is unknown and compatible with nothing.
    """
    first_a, first_b = _as_first_initial(a), _as_first_initial(b)
    if not first_a or not first_b:
        return False
    return first_a == first_b or frozenset({first_a, first_b}) in _IJ_ALTERNATIVES
