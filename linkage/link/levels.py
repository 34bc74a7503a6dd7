"""Graded comparison levels for the Fellegi-Sunter model, computed for many pairs at once.

Each comparison sorts a pair into the first of its levels that holds (the order is the
specification). A level marked *null* means the comparison cannot be made (a value is
missing on one side): it weighs nothing either way.

achternaam (surname), on the parsed surname (:mod:`vhh.linkage.normalise.particles`):

================  ===================================================================
gelijk            tussenvoegsel and core equal
kern_gelijk       the same words without particles ("van der Berg" ~ "Berg";
                  "Wouters van Eijndhoven" ~ "Wouters-Eijndhoven"), or the same words in
                  another order ("Jansen-de Vries" ~ "de Vries-Jansen")
deel_gelijk       one surname word equal: a double or partner name written in part
                  ("Jansen-de Vries" ~ "de Vries")
jw_hoog           best Jaro-Winkler similarity over the whole and the parts >= 0.94
een_letter        one letter added, left out or replaced (a typo in a short name: "Wel" ~
                  "Wyl", where Jaro-Winkler says little)
fonetisch         the Dutch phonetic key of some part equal (Meijer ~ Meyer)
jw_midden         Jaro-Winkler >= 0.88
jw_laag           Jaro-Winkler >= 0.80
omgedraaid        given name and surname exchanged: each side's surname begins with the
                  other side's first initial, and the first initials differ
anders            none of these
ontbreekt (null)  a surname is empty
================  ===================================================================

voorletters (initials; IJ, I and Y count as one letter):

==================  ==============================================================
alle_gelijk         the same two or more initials
een_gelijk          both have exactly one initial, the same
voorvoegsel         one side's initials begin the other's ("J." ~ "J.P.M.")
later_anders        the first initial equal, a later known initial conflicts
eerste_anders       the first initial differs
ontbreekt (null)    no initials on one side
==================  ==============================================================

geboortedatum (birthdate, "YYYYMMDD" with 00 for an unknown part):

==================  ==============================================================
gelijk              equal and complete
onvolledig          same year, month and day equal or unknown (00) on one side
gewisseld           day and month exchanged
een_cijfer          one of the eight digits differs
binnen_10_dagen     both complete and at most 10 days apart (across a month end)
jaar_anders         month and day equal, the years 1, 10 or 100 apart
twee_slips          two digits differ, or day and month exchanged plus one digit
anders              none of these
ontbreekt (null)    no birthdate on one side
==================  ==============================================================

geslacht (sex): gelijk, anders, onbekend (null: unknown on one side).

A pair's four levels together are its *pattern* (:func:`pattern_codes`), one small
integer: the EM works on the counts of patterns, never on the pairs themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod

import numpy as np
import pandas as pd
from vhh.linkage.link.birthdates import BirthDigits
from vhh.linkage.link.birthdates_packed import PackedBirth, birth_levels
from vhh.linkage.link.surname_levels import SurnameFields, surname_levels
from vhh.linkage.normalise.identity_codes import factorized

__all__ = ["BIRTHDATE", "COMPARISONS", "INITIALS", "N_PATTERNS", "SEX", "SURNAME",
           "Comparison", "Fields", "compare_levels", "fields_of", "pattern_codes",
           "pattern_levels"]


@dataclass(frozen=True)
class Comparison:
    """A comparison: its name, its levels in order, and the level that weighs nothing."""

    name: str
    levels: tuple[str, ...]
    null: str

    @property
    def null_index(self) -> int:
        return self.levels.index(self.null)

    def level(self, name: str) -> int:
        return self.levels.index(name)


SURNAME = Comparison("achternaam", ("gelijk", "kern_gelijk", "deel_gelijk", "jw_hoog",
                                    "een_letter", "fonetisch", "jw_midden", "jw_laag", "omgedraaid",
                                    "anders", "ontbreekt"), "ontbreekt")
INITIALS = Comparison("voorletters", ("alle_gelijk", "een_gelijk", "voorvoegsel",
                                      "later_anders", "eerste_anders", "ontbreekt"),
                      "ontbreekt")
BIRTHDATE = Comparison("geboortedatum", ("gelijk", "onvolledig", "gewisseld", "een_cijfer",
                                         "binnen_10_dagen", "jaar_anders", "twee_slips",
                                         "anders", "ontbreekt"), "ontbreekt")
SEX = Comparison("geslacht", ("gelijk", "anders", "onbekend"), "onbekend")
COMPARISONS = (SURNAME, INITIALS, BIRTHDATE, SEX)
_SIZES = tuple(len(c.levels) for c in COMPARISONS)
N_PATTERNS = prod(_SIZES)
INITIAL_WIDTH = 4  # initials beyond the fourth are not compared
NO_DAY = PackedBirth.NO_DAY  # day numbers before 1970 are negative: no sentinel in range
_IJ = {"IJ": "I", "Y": "I"}


@dataclass(frozen=True, eq=False)
class Fields:
    """One side's comparison fields as arrays (codes shared with the other side)."""

    surname: SurnameFields
    initials: np.ndarray    # (n, INITIAL_WIDTH) uint8 letter codes, 0 = none
    n_initials: np.ndarray  # int8
    birth: PackedBirth
    birth_key: np.ndarray   # int64 YYYYMMDD, 0 when missing
    sex: np.ndarray         # int8: 0, 1, 9
    surname_initial: np.ndarray  # uint8 letter code of the surname's first letter, 0 = none

    def __repr__(self) -> str:  # coded names and birthdates: their number only
        return f"Fields({len(self.sex)} identities)"

    def __len__(self) -> int:
        return len(self.sex)


def _initials_matrix(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    codes, uniques = factorized(frame, "initials")
    table = np.zeros((len(uniques) + 1, INITIAL_WIDTH), dtype=np.uint8)
    count = np.zeros(len(uniques) + 1, dtype=np.int8)
    for k, value in enumerate(uniques):
        letters = [_IJ.get(x) or x for x in (value if isinstance(value, tuple) else ())]
        count[k] = min(len(letters), 127)
        for j, letter in enumerate(letters[:INITIAL_WIDTH]):
            table[k, j] = ord(letter[0]) - 64
    return np.asarray(table[codes]), np.asarray(count[codes])


def _surname_initial(frame: pd.DataFrame) -> np.ndarray:
    """The letter code (as in the initials) of the first letter of the particle-free key."""
    codes, uniques = factorized(frame, "kern", as_text=True)
    table = np.array([ord(x[:1].upper()) - 64 if "a" <= x[:1] <= "z" else 0 for x in uniques]
                     + [0], dtype=np.uint8)
    return np.asarray(table[codes])


def _birth_keys(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per identity its birthdate's YYYYMMDD key (0 when missing) and day number, each
    distinct date parsed once."""
    codes, uniques = factorized(frame, "birth", as_text=True)
    distinct = pd.Series(uniques, dtype=object)
    digits = BirthDigits(distinct)
    key = digits.digits.astype(np.int64) @ (10 ** np.arange(7, -1, -1, dtype=np.int64))
    key = np.where(digits.missing, 0, key)
    parsed = pd.to_datetime(distinct, format="%Y%m%d", errors="coerce")
    days = np.where(parsed.isna(), NO_DAY,
                    parsed.to_numpy(dtype="datetime64[D]").astype(np.int64))
    return np.asarray(key[codes]), np.asarray(days.astype(np.int64)[codes])


def fields_of(left: pd.DataFrame, right: pd.DataFrame) -> tuple[Fields, Fields]:
    """Comparison fields of two normalised frames (from ``normalise_identities``), with the
    surname codes of both sides drawn from one vocabulary."""
    names = SurnameFields.pair(left, right)
    out = []
    for frame, surname in zip((left, right), names, strict=True):
        initials, count = _initials_matrix(frame)
        sex = frame["geslacht"].astype(int).to_numpy().astype(np.int8)
        key, days = _birth_keys(frame)
        birth = PackedBirth.of(key, days)
        out.append(Fields(surname, initials, count, birth, key, sex, _surname_initial(frame)))
    return out[0], out[1]


def _packed_initials(side: Fields) -> np.ndarray:
    """Each identity's first four initials as one little-endian uint32 (the first initial in
    the lowest byte): a view of the matrix, no copy."""
    return np.ascontiguousarray(side.initials).view("<u4").reshape(-1)


# the first k initials of a packed code (k = 0..INITIAL_WIDTH)
_PREFIX_MASK = np.array([(1 << (8 * k)) - 1 for k in range(INITIAL_WIDTH + 1)], dtype=np.uint32)


def _initials_table() -> np.ndarray:
    """The level per combination of five facts of a pair (see :func:`_initial_levels`)."""
    lv = INITIALS.level
    table = np.empty(32, dtype=np.int8)
    for k in range(32):
        missing, equal, several, prefix, first = (bool(k >> bit & 1) for bit in range(5))
        table[k] = (lv("ontbreekt") if missing else lv("alle_gelijk") if equal and several
                    else lv("een_gelijk") if equal else lv("voorvoegsel") if prefix
                    else lv("later_anders") if first else lv("eerste_anders"))
    return table


_INITIALS_TABLE = _initials_table()


def _initial_levels(a: Fields, b: Fields, s: np.ndarray, i: np.ndarray) -> np.ndarray:
    """The initials level of every pair, on the four initials packed into one integer (one
    gather a side instead of four, no matrix per pair). ``tests/test_fellegi_sunter.py``
    holds it to the matrix form of the specification."""
    na, nb = a.n_initials[s], b.n_initials[i]
    differ = _packed_initials(a)[s] ^ _packed_initials(b)[i]
    shorter = np.minimum(np.minimum(na, nb), INITIAL_WIDTH)
    prefix = (differ & _PREFIX_MASK[shorter]) == 0
    equal = prefix & (na == nb)
    facts = (((na == 0) | (nb == 0)).view(np.uint8) | equal.view(np.uint8) << 1
             | (na >= 2).view(np.uint8) << 2 | prefix.view(np.uint8) << 3
             | ((differ & 0xFF) == 0).view(np.uint8) << 4)
    return np.asarray(_INITIALS_TABLE[facts])


def _birth_levels(a: Fields, b: Fields, s: np.ndarray, i: np.ndarray) -> np.ndarray:
    return np.asarray(birth_levels(a.birth, b.birth, s, i))


def _sex_levels(a: Fields, b: Fields, s: np.ndarray, i: np.ndarray) -> np.ndarray:
    ls, rs = a.sex[s], b.sex[i]
    lv = SEX.level
    return np.select([(ls == 9) | (rs == 9), ls == rs], [lv("onbekend"), lv("gelijk")],
                     default=lv("anders")).astype(np.int8)


def compare_levels(a: Fields, b: Fields, s: np.ndarray, i: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The level (index into each comparison's levels) of every pair (``a[s[k]]``,
    ``b[i[k]]``), in the order of :data:`COMPARISONS`."""
    s, i = np.asarray(s, dtype=np.int64), np.asarray(i, dtype=np.int64)
    surname, initials = surname_levels(a.surname, b.surname, s, i), _initial_levels(a, b, s, i)
    other = surname == SURNAME.level("anders")
    crossed = other & (initials == INITIALS.level("eerste_anders"))
    crossed[crossed] = ((a.surname_initial[s[crossed]] == b.initials[i[crossed], 0])
                        & (b.surname_initial[i[crossed]] == a.initials[s[crossed], 0]))
    surname[crossed] = SURNAME.level("omgedraaid")
    return surname, initials, _birth_levels(a, b, s, i), _sex_levels(a, b, s, i)


def pattern_codes(levels: tuple[np.ndarray, ...]) -> np.ndarray:
    """Each pair's four levels as one integer in ``range(N_PATTERNS)``."""
    code = np.zeros(len(levels[0]), dtype=np.int32)
    for size, level in zip(_SIZES, levels, strict=True):
        code = code * size + level
    return code.astype(np.uint16)


def _level_table() -> np.ndarray:
    rest, columns = np.arange(N_PATTERNS, dtype=np.int32), []
    for size in reversed(_SIZES):
        columns.append((rest % size).astype(np.int8))
        rest = rest // size
    return np.stack(columns[::-1])


_LEVEL_TABLE = _level_table()  # (comparisons x N_PATTERNS) int8


def pattern_levels(codes: np.ndarray) -> tuple[np.ndarray, ...]:
    """The inverse of :func:`pattern_codes` (a look-up per comparison)."""
    at = np.asarray(codes, dtype=np.intp)
    return tuple(row[at] for row in _LEVEL_TABLE)
