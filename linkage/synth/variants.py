"""How an identity is written: per-person tables of surname and initials spellings.

Each person gets a few spellings of the surname and of the initials (rows of the tables
below); a police row picks one by fancy indexing according to its noise kind, so there is
no per-row Python.

Surname rows: the clean core (prefix in its own column), the prefix inside the surname,
inverted ("Berg, van der"), upper case, without diacritics, one component of a double
name, the components swapped, a one-letter typo, a particle inside the name joined with a
hyphen ("Wouters-van Eijndhoven"), only the part before an inner particle ("Wouters"), and
the *other* name of a partner-name subject (:mod:`vhh.linkage.synth.people`).

Initials rows: dotted "J.P.", plain "JP", spaced "J P", lower case "j.p.", "J. P.", without
the final dot, the last initial dropped or one added, none, and the old spellings "Th."
(Theodorus, Thomas) and "Y." (IJsbrand).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd
from vhh.linkage.synth.names import ascii_fold
from vhh.linkage.synth.slips import typo

__all__ = ["I_DOTSPACE", "I_DOTTED", "I_LOWER", "I_PLAIN", "I_SPACED", "I_SPECIAL",
           "S_CLEAN", "S_FULL", "S_INVERTED", "IdentityVariants", "person_variants",
           "pick_rows"]

(S_CLEAN, S_FULL, S_INVERTED, S_UPPER, S_ASCII, S_COMP1, S_COMP2, S_SWAPPED, S_TYPO,
 S_HYPHEN, S_FIRST_PART, S_ALT) = range(12)
(I_DOTTED, I_PLAIN, I_SPACED, I_LOWER, I_DOTSPACE, I_NOFINAL, I_CHANGED, I_EMPTY,
 I_SPECIAL) = range(9)
_INNER_PARTICLE = re.compile(r" (?=(?:van|de|der|den|ten|ter|te|op|in|uit|von|und|zu)\b)",
                             re.IGNORECASE)
_MIN_TYPO_LENGTH = 4


class IdentityVariants:
    """Per-person renderings: ``surname``/``prefix`` are (12, n), ``initials`` is (9, n)."""

    def __init__(self, surname: np.ndarray, prefix: np.ndarray, initials: np.ndarray) -> None:
        self.surname, self.prefix, self.initials = surname, prefix, initials


def _map_unique(values: pd.Series, func: Callable[[str], str]) -> pd.Series:
    """``values.map(func)``, calling ``func`` once per distinct value."""
    codes, uniques = pd.factorize(values, sort=False)
    mapped = np.array([func(u) for u in uniques] + [""], dtype=object)
    return pd.Series(mapped[codes], index=values.index)


def _join(prefix: pd.Series, core: pd.Series) -> pd.Series:
    return (prefix + " " + core).where(prefix != "", core)


def _hyphenated(core: str) -> str:
    """"Wouters van Eijndhoven" -> "Wouters-van Eijndhoven"; other names unchanged."""
    return _INNER_PARTICLE.sub("-", core, count=1) if " " in core else core


def _first_part(core: str) -> str:
    """The words before an inner particle, or the first of several words."""
    head = _INNER_PARTICLE.split(core, maxsplit=1)[0]
    return head.split(" ")[0] if " " in head else head


def _typos(rng: np.random.Generator, core1: pd.Series, core2: pd.Series
           ) -> tuple[np.ndarray, np.ndarray]:
    """A one-typo spelling of a core long enough (the first, else the second)."""
    t1, t2 = core1.to_numpy(dtype=object).copy(), core2.to_numpy(dtype=object).copy()
    for p in range(len(t1)):
        if len(t1[p]) >= _MIN_TYPO_LENGTH:
            t1[p] = typo(t1[p], rng)
        elif len(t2[p]) >= _MIN_TYPO_LENGTH:
            t2[p] = typo(t2[p], rng)
    return t1, t2


def _name(p1: pd.Series, c1: pd.Series, p2: pd.Series, c2: pd.Series
          ) -> tuple[pd.Series, pd.Series]:
    """(clean surname, surname with its prefix) of a (double) name."""
    rest = ("-" + _join(p2, c2)).where(c2 != "", "")
    return c1 + rest, _join(p1, c1) + rest


def _surname_rows(people: pd.DataFrame, t1: np.ndarray, t2: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    p1, c1, p2, c2 = (people[c].astype(object) for c in ("prefix1", "core1", "prefix2", "core2"))
    double = c2 != ""
    clean, full = _name(p1, c1, p2, c2)
    inverted = (clean + ", " + p1).where(p1 != "", clean)
    swapped = (c2 + "-" + _join(p1, c1)).where(double, clean)
    typo_name, _ = _name(p1, pd.Series(t1, index=people.index), p2,
                         pd.Series(t2, index=people.index))
    hyphen, _ = _name(p1, _map_unique(c1, _hyphenated), p2, c2)
    alt = [people[c].astype(object) for c in ("alt_prefix1", "alt_core1", "alt_prefix2",
                                              "alt_core2")]
    has_alt = alt[1] != ""
    alt_clean = _name(*alt)[0].where(has_alt, clean)
    empty = pd.Series("", index=people.index, dtype=object)
    surname = [clean, full, inverted, _map_unique(clean, str.upper),
               _map_unique(clean, ascii_fold), c1, c2.where(double, c1), swapped, typo_name,
               hyphen, _map_unique(c1, _first_part), alt_clean]
    prefix = [p1, empty, empty, _map_unique(p1, str.upper), _map_unique(p1, ascii_fold), p1,
              p2.where(double, p1), p2.where(double, p1), p1, p1, p1,
              alt[0].where(has_alt, p1)]
    return (np.array([s.to_numpy(dtype=object) for s in surname]),
            np.array([s.to_numpy(dtype=object) for s in prefix]))


_SURNAME_COLUMNS = ("prefix1", "core1", "prefix2", "core2", "alt_prefix1", "alt_core1",
                    "alt_prefix2", "alt_core2")


def _distinct(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(code, first): each row's number for its combination of values in ``columns``, and
    the first row of each combination. Tables are built once per combination."""
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        codes, uniques = pd.factorize(np.asarray(column, dtype=object), sort=False)
        key, _ = pd.factorize(key * (len(uniques) + 1) + codes, sort=False)
    return key, np.unique(key, return_index=True)[1]


def _surname_table(rng: np.random.Generator, people: pd.DataFrame
                   ) -> tuple[np.ndarray, np.ndarray]:
    code, first = _distinct(*(people[c].to_numpy() for c in _SURNAME_COLUMNS))
    distinct = people.iloc[first].reset_index(drop=True)
    t1, t2 = _typos(rng, distinct["core1"], distinct["core2"])
    surname, prefix = _surname_rows(distinct, t1, t2)
    return surname[:, code], prefix[:, code]


_EXTRA_INITIALS = np.array(list("ABCDEFGHKLMNPRSTW"), dtype=object)


def _changed(rng: np.random.Generator, tokens: pd.Series, code: np.ndarray,
             dotted: pd.Series) -> np.ndarray:
    """Per person, dotted: the last initial dropped (when there are several) or one added;
    the first is kept. ``tokens`` and ``dotted`` are per distinct value, ``code`` maps."""
    several = (tokens.str.count(" ") >= 1).to_numpy()[code]
    drop = several & (rng.random(len(code)) < 0.5)
    extra = _EXTRA_INITIALS[rng.integers(0, len(_EXTRA_INITIALS), size=len(code))]
    dropped = (tokens.str.rsplit(" ", n=1).str[0].str.replace(" ", ".", regex=False)
               + ".").to_numpy(dtype=object)
    result = np.where(drop, dropped[code], dotted.to_numpy(dtype=object)[code] + extra + ".")
    return np.asarray(result)


def _special(tokens: str, names: str) -> str:
    """"Th." for a first name Th..., "Y." for IJ...; else the dotted initials."""
    letters = tokens.split(" ")
    first = names.split(" ")[0] if names else ""
    if first[:2] == "Th":
        letters[0] = "Th"
    elif letters[0] == "IJ":
        letters[0] = "Y"
    return "".join(f"{x}." for x in letters)


def _initials_table(rng: np.random.Generator, people: pd.DataFrame) -> np.ndarray:
    code, first = _distinct(people["tokens"].to_numpy(), people["voornamen"].to_numpy())
    distinct = people.iloc[first].reset_index(drop=True)
    tokens = distinct["tokens"].astype(object)
    dotted = tokens.str.replace(" ", ".", regex=False) + "."
    ambiguous = tokens.str.startswith("I J")  # "IJ" would read as the digraph
    plain = tokens.str.replace(" ", "", regex=False).where(~ambiguous, tokens)
    special = pd.Series([_special(t, n) for t, n in zip(tokens, distinct["voornamen"],
                                                         strict=True)], dtype=object)
    table = np.array([s.to_numpy(dtype=object) for s in (
        dotted, plain, tokens, dotted.str.lower(), tokens.str.replace(" ", ". ") + ".",
        dotted.str.rstrip("."))])[:, code]
    empty = np.full(len(code), "", dtype=object)
    return np.vstack([table, _changed(rng, tokens, code, dotted), empty,
                      special.to_numpy(dtype=object)[code]])


def person_variants(rng: np.random.Generator, people: pd.DataFrame) -> IdentityVariants:
    """The rendering tables for every person."""
    surname, prefix = _surname_table(rng, people)
    return IdentityVariants(surname, prefix, _initials_table(rng, people))


def pick_rows(variants: IdentityVariants, person: np.ndarray, s_row: np.ndarray,
              i_row: np.ndarray) -> dict[str, np.ndarray]:
    """achternaam, tussenvoegsel and voorletters of rows ``person`` in the chosen spellings."""
    return {"achternaam": variants.surname[s_row, person],
            "tussenvoegsel": variants.prefix[s_row, person],
            "voorletters": variants.initials[i_row, person]}
