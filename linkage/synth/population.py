"""Synthetic people: names and birthdates, drawn column-wise with numpy.

A person frame has one row per person and these columns:

``sex`` (0 male, 1 female), ``voornamen`` ("Johannes Petrus"), ``tokens`` (their initials,
space separated: "J P", "IJ P"), ``letter`` (the first initial's class:
"IJ" and "Y" count as "I"), ``prefix1``/``core1`` and ``prefix2``/``core2`` (the two
components of a double surname; the second is "" for a single surname) and ``birth`` (day
number, see :mod:`vhh.linkage.synth.dates`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from vhh.linkage.synth.dates import day
from vhh.linkage.synth.names import NamePool, initial_of, pool_arrays

__all__ = ["GIVEN_COLUMNS", "NAME_COLUMNS", "SURNAME_COLUMNS", "draw_birthdates", "draw_people",
           "draw_surnames", "other_birthdates", "redraw_names"]

GIVEN_NAME_COUNTS = (1, 2, 3)
GIVEN_NAME_WEIGHTS = (0.3, 0.5, 0.2)
DOUBLE_SURNAME_SHARE = (0.02, 0.15)  # of men, of women: mostly a married woman's name
_YEAR = 365.2425


def _letter_class(tokens: np.ndarray) -> np.ndarray:
    first = pd.Series(tokens, dtype=object).str.slice(0, 1)
    return np.asarray(first.replace("Y", "I").to_numpy(dtype=object))


def _given_names(rng: np.random.Generator, pool: NamePool, sex: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
    """(voornamen, tokens) per person; sex-consistent first names."""
    n = len(sex)
    count = rng.choice(GIVEN_NAME_COUNTS, size=n, p=GIVEN_NAME_WEIGHTS)
    male, female = pool_arrays(pool.male), pool_arrays(pool.female)
    male_tok = np.array([initial_of(x) for x in pool.male], dtype=object)
    female_tok = np.array([initial_of(x) for x in pool.female], dtype=object)
    mi = rng.choice(len(male), size=(n, 3), p=pool.male_weight)
    fi = rng.choice(len(female), size=(n, 3), p=pool.female_weight)
    is_f = (sex == 1)[:, None]
    names = np.where(is_f, female[fi], male[mi])
    toks = np.where(is_f, female_tok[fi], male_tok[mi])
    voornamen, tokens = names[:, 0].copy(), toks[:, 0].copy()
    for k in (1, 2):
        more = count > k
        voornamen[more] = voornamen[more] + " " + names[more, k]
        tokens[more] = tokens[more] + " " + toks[more, k]
    return voornamen, tokens


def draw_surnames(rng: np.random.Generator, pool: NamePool, n: int) -> tuple[np.ndarray,
                                                                            np.ndarray]:
    """(prefix, core) of ``n`` single surnames drawn from the pool."""
    prefix, core = pool_arrays(pool.prefix), pool_arrays(pool.core)
    pick = rng.choice(len(core), size=n, p=pool.surname_weight)
    return prefix[pick], core[pick]


def _surnames(rng: np.random.Generator, pool: NamePool, sex: np.ndarray) -> dict[str, np.ndarray]:
    n = len(sex)
    prefix, core = pool_arrays(pool.prefix), pool_arrays(pool.core)
    first = rng.choice(len(core), size=n, p=pool.surname_weight)
    second = rng.choice(len(core), size=n, p=pool.surname_weight)
    share = np.where(sex == 1, DOUBLE_SURNAME_SHARE[1], DOUBLE_SURNAME_SHARE[0])
    double = (rng.random(n) < share) & (core[first] != core[second])
    empty = np.full(n, "", dtype=object)
    return {
        "prefix1": prefix[first], "core1": core[first],
        "prefix2": np.where(double, prefix[second], empty),
        "core2": np.where(double, core[second], empty),
    }


def draw_people(rng: np.random.Generator, pool: NamePool, sex: np.ndarray,
                birth: np.ndarray) -> pd.DataFrame:
    """A person frame for the given sexes and birth day numbers."""
    sex = np.asarray(sex, dtype=np.int8)
    voornamen, tokens = _given_names(rng, pool, sex)
    frame = pd.DataFrame({"sex": sex, "voornamen": voornamen, "tokens": tokens,
                          "letter": _letter_class(tokens), **_surnames(rng, pool, sex),
                          "birth": np.asarray(birth, dtype=np.int64)})
    return frame


NAME_COLUMNS = ("voornamen", "tokens", "letter", "prefix1", "core1", "prefix2", "core2")
GIVEN_COLUMNS = NAME_COLUMNS[:3]
SURNAME_COLUMNS = NAME_COLUMNS[3:]


def redraw_names(rng: np.random.Generator, pool: NamePool, people: pd.DataFrame,
                 which: np.ndarray, columns: tuple[str, ...] = NAME_COLUMNS) -> pd.DataFrame:
    """A copy of ``people`` with fresh ``columns`` (default: all name columns; same sex and
    birthdate) at positions ``which``."""
    out = people.copy()
    fresh = draw_people(rng, pool, people["sex"].to_numpy()[which],
                        people["birth"].to_numpy()[which])
    for col in columns:
        values = out[col].to_numpy().copy()
        values[which] = fresh[col].to_numpy()
        out[col] = values
    return out


def draw_birthdates(rng: np.random.Generator, reference: np.ndarray, min_age: np.ndarray,
                    max_age: np.ndarray, skew: tuple[float, float] = (2.0, 4.0)) -> np.ndarray:
    """Birth day numbers such that the age on ``reference`` lies in [min_age, max_age]."""
    lo = np.asarray(min_age) * _YEAR + 2
    hi = (np.asarray(max_age) + 1) * _YEAR - 2
    age_days = lo + rng.beta(*skew, size=len(reference)) * (hi - lo)
    return np.asarray(reference, dtype=np.int64) - age_days.astype(np.int64)


def other_birthdates(rng: np.random.Generator, n: int) -> np.ndarray:
    """Birthdates of non-subjects: aged 12 to 80 at the start of 2014, mostly young adults."""
    reference = np.full(n, day("2013-12-31"))
    return draw_birthdates(rng, reference, np.full(n, 12), np.full(n, 80), skew=(2.0, 3.5))
