"""Noise on the identity fields of police rows, and the rendering of those fields as text.

Every noisy row gets exactly one kind of noise (``links.noise`` names it). The ``default``
kinds change only how an identity is written, so that the strict rule (core surname
component + first initial + birthdate) still finds the row; the ``high`` kinds are typing
slips of at most "one slip" (see :mod:`vhh.linkage.synth.guard`), applied to GCOS persons' rows
only. A row whose slip would make it confusable with another GCOS person is left clean.

The slips: a one-letter typo in a core of at least six letters (never the first letter),
day and month swapped (both at most 12 and different), one digit of the day, month or the
last two year digits changed, the year off by ten, or the initials left out. A 19xx/20xx
century slip is not made: here it would give a birthdate in the future (which validation
rightly quarantines, changing the funnel) or an age over 110.

Rendering works on per-person variant tables (a few strings per person), from which each
row picks one by fancy indexing: no per-row Python.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from vhh.linkage.synth.dates import from_ymd, to_ymd, valid_ymd
from vhh.linkage.synth.names import ascii_fold
from vhh.linkage.synth.settings import SynthSettings

__all__ = ["DEFAULT_KINDS", "HIGH_KINDS", "KINDS", "IdentityVariants", "assign_kinds",
           "draw_noise", "noisy_birth", "person_variants", "render_identity"]

DEFAULT_KINDS: tuple[str, ...] = (
    "prefix_in_surname", "upper_case", "diacritics_dropped", "initials_notation",
    "initials_extra_or_missing", "double_surname_one_component", "double_surname_swapped",
)
HIGH_KINDS: tuple[str, ...] = (
    "surname_typo", "birthdate_day_month_swap", "birthdate_digit", "birthdate_year",
    "initial_missing",
)
KINDS: tuple[str, ...] = ("none", *DEFAULT_KINDS, *HIGH_KINDS)
K = {name: code for code, name in enumerate(KINDS)}
IDENTITY_CHANGING = tuple(K[k] for k in ("surname_typo", "birthdate_day_month_swap",
                                        "birthdate_digit", "birthdate_year"))
_ROUNDS = 30
_MIN_TYPO_LENGTH = 6
_NOISY_BIRTH_YEARS = (1900, 2001)  # slipped birthdates stay before every police date
_NOISY_ORIGINS = ("base", "edge", "duplicate")

# surname variant rows of the per-person tables
S_CLEAN, S_FULL, S_INVERTED, S_UPPER, S_ASCII, S_COMP1, S_COMP2, S_SWAPPED, S_TYPO = range(9)
# initials variant rows
I_DOTTED, I_PLAIN, I_SPACED, I_LOWER, I_DOTSPACE, I_NOFINAL, I_CHANGED, I_EMPTY = range(8)
_NOTATIONS = (I_PLAIN, I_SPACED, I_LOWER, I_DOTSPACE, I_NOFINAL)


class IdentityVariants:
    """Per-person renderings: ``surname``/``prefix`` are (9, n), ``initials`` is (8, n)."""

    def __init__(self, surname: np.ndarray, prefix: np.ndarray, initials: np.ndarray,
                 typo_core1: np.ndarray, typo_core2: np.ndarray) -> None:
        self.surname, self.prefix, self.initials = surname, prefix, initials
        self.typo_core1, self.typo_core2 = typo_core1, typo_core2


def _map_unique(values: pd.Series, func: Callable[[str], str]) -> pd.Series:
    """``values.map(func)``, calling ``func`` once per distinct value."""
    codes, uniques = pd.factorize(values, sort=False)
    mapped = np.array([func(u) for u in uniques] + [""], dtype=object)
    return pd.Series(mapped[codes], index=values.index)


def _join(prefix: pd.Series, core: pd.Series) -> pd.Series:
    return (prefix + " " + core).where(prefix != "", core)


def _typo(word: str, rng: np.random.Generator) -> str:
    """One substitution, transposition or deletion, never at the first letter."""
    for _ in range(_ROUNDS):
        i = int(rng.integers(1, len(word) - 1))
        op = int(rng.integers(0, 3))
        if op == 0:
            letter = "abcdefghijklmnopqrstuvwxyz"[int(rng.integers(0, 26))]
            out = word[:i] + letter + word[i + 1:]
        elif op == 1:
            out = word[:i] + word[i + 1] + word[i] + word[i + 2:]
        else:
            out = word[:i] + word[i + 1:]
        if out != word and out.lower() != word.lower():
            return out
    return word[:1] + word[2:]


def _typos(rng: np.random.Generator, core1: pd.Series, core2: pd.Series, want: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray]:
    """A one-typo spelling of the longer-enough core, for the persons in ``want``."""
    t1, t2 = core1.to_numpy(dtype=object).copy(), core2.to_numpy(dtype=object).copy()
    for p in np.flatnonzero(want):
        if len(t1[p]) >= _MIN_TYPO_LENGTH:
            t1[p] = _typo(t1[p], rng)
        elif len(t2[p]) >= _MIN_TYPO_LENGTH:
            t2[p] = _typo(t2[p], rng)
    return t1, t2


def _distinct(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(code, first): each row's number for its combination of values in ``columns``, and
    the first row of each combination. Tables are built once per combination."""
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        codes, uniques = pd.factorize(np.asarray(column, dtype=object), sort=False)
        key, _ = pd.factorize(key * (len(uniques) + 1) + codes, sort=False)
    return key, np.unique(key, return_index=True)[1]


def _surname_rows(people: pd.DataFrame, t1: np.ndarray, t2: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    p1, c1, p2, c2 = (people[c].astype(object) for c in ("prefix1", "core1", "prefix2", "core2"))
    double = c2 != ""
    comp2 = _join(p2, c2)
    rest = ("-" + comp2).where(double, "")
    clean = c1 + rest
    full = _join(p1, c1) + rest
    inverted = (clean + ", " + p1).where(p1 != "", clean)
    swapped = (c2 + "-" + _join(p1, c1)).where(double, clean)
    typo = pd.Series(t1, index=people.index) + ("-" + _join(p2, pd.Series(
        t2, index=people.index))).where(double, "")
    empty = pd.Series("", index=people.index, dtype=object)
    surname = [clean, full, inverted, _map_unique(clean, str.upper),
               _map_unique(clean, ascii_fold), c1, c2.where(double, c1), swapped, typo]
    prefix = [p1, empty, empty, _map_unique(p1, str.upper), _map_unique(p1, ascii_fold), p1,
              p2.where(double, p1), p2.where(double, p1), p1]
    return (np.array([s.to_numpy(dtype=object) for s in surname]),
            np.array([s.to_numpy(dtype=object) for s in prefix]))


def _surname_table(people: pd.DataFrame, t1: np.ndarray, t2: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
    columns = [people[c].to_numpy() for c in ("prefix1", "core1", "prefix2", "core2")]
    code, first = _distinct(*columns, t1, t2)
    surname, prefix = _surname_rows(people.iloc[first].reset_index(drop=True), t1[first],
                                    t2[first])
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
    out: np.ndarray = np.where(drop, dropped[code],
                               dotted.to_numpy(dtype=object)[code] + extra + ".")
    return out


def _initials_table(rng: np.random.Generator, tokens: pd.Series) -> np.ndarray:
    code, first = _distinct(tokens.to_numpy())
    tokens = tokens.iloc[first].reset_index(drop=True)
    dotted = tokens.str.replace(" ", ".", regex=False) + "."
    ambiguous = tokens.str.startswith("I J")  # "IJ" would read as the digraph
    plain = tokens.str.replace(" ", "", regex=False).where(~ambiguous, tokens)
    table = np.array([s.to_numpy(dtype=object) for s in (
        dotted, plain, tokens, dotted.str.lower(), tokens.str.replace(" ", ". ") + ".",
        dotted.str.rstrip("."))])[:, code]
    empty = np.full(len(code), "", dtype=object)
    return np.vstack([table, _changed(rng, tokens, code, dotted), empty])


def person_variants(rng: np.random.Generator, people: pd.DataFrame, typo_for: np.ndarray
                    ) -> IdentityVariants:
    """The rendering tables for every person; typo spellings only where ``typo_for``."""
    t1, t2 = _typos(rng, people["core1"], people["core2"], typo_for)
    surname, prefix = _surname_table(people, t1, t2)
    initials = _initials_table(rng, people["tokens"].astype(object))
    return IdentityVariants(surname, prefix, initials, t1, t2)


def applicability(people: pd.DataFrame) -> np.ndarray:
    """(n_persons, n_kinds) bool: whether each noise kind can apply to each person."""
    n = len(people)
    app = np.ones((n, len(KINDS)), dtype=bool)
    surname = (people["prefix1"] + people["core1"] + people["prefix2"] + people["core2"])
    double = (people["core2"] != "").to_numpy()
    year, month, dom = to_ymd(people["birth"].to_numpy())
    long_core = ((people["core1"].str.len() >= _MIN_TYPO_LENGTH)
                 | (people["core2"].str.len() >= _MIN_TYPO_LENGTH)).to_numpy()
    app[:, K["prefix_in_surname"]] = (people["prefix1"] != "").to_numpy()
    app[:, K["diacritics_dropped"]] = (_map_unique(surname, ascii_fold) != surname).to_numpy()
    app[:, K["double_surname_one_component"]] = double
    app[:, K["double_surname_swapped"]] = double
    app[:, K["surname_typo"]] = long_core
    app[:, K["birthdate_day_month_swap"]] = (dom <= 12) & (month <= 12) & (dom != month)
    app[:, K["birthdate_year"]] = ~((month == 2) & (dom == 29)) & (year >= 1910)
    return app


def _choose(rng: np.random.Generator, kinds: tuple[str, ...], fallback: str,
            app_rows: np.ndarray) -> np.ndarray:
    """A kind of ``kinds`` applicable to each row's person (``fallback`` if none drawn)."""
    codes = np.array([K[k] for k in kinds])
    out = np.full(len(app_rows), -1)
    todo = np.arange(len(app_rows))
    for _ in range(_ROUNDS):
        if not len(todo):
            break
        pick = codes[rng.integers(0, len(codes), size=len(todo))]
        ok = app_rows[todo, pick]
        out[todo[ok]] = pick[ok]
        todo = todo[~ok]
    out[todo] = K[fallback]
    return out


def assign_kinds(rng: np.random.Generator, person: np.ndarray, eligible: np.ndarray,
                 may_slip: np.ndarray, app: np.ndarray, high: bool, share: float,
                 high_share: float) -> np.ndarray:
    """A noise kind code per row: default kinds on ``share`` of the eligible rows, high
    kinds (mode "high", rows where ``may_slip``) on ``high_share`` more."""
    kind = np.zeros(len(person), dtype=np.int8)
    u = rng.random(len(person))
    default_rows = np.flatnonzero(eligible & (u < share))
    kind[default_rows] = _choose(rng, DEFAULT_KINDS, "upper_case", app[person[default_rows]])
    if high:
        high_rows = np.flatnonzero(eligible & may_slip & (u >= share) & (u < share + high_share))
        kind[high_rows] = _choose(rng, HIGH_KINDS, "initial_missing", app[person[high_rows]])
    return kind


def _digit_slip(rng: np.random.Generator, ymd: np.ndarray) -> np.ndarray:
    """yyyymmdd with one digit of day, month or the last two year digits changed; -1 if
    no valid date was found."""
    out = np.full(len(ymd), -1, dtype=np.int64)
    todo = np.arange(len(ymd))
    for _ in range(_ROUNDS):
        if not len(todo):
            break
        weight = 10 ** rng.choice(np.array([0, 1, 2, 3, 4, 5]), size=len(todo))
        digit = ymd[todo] // weight % 10
        new = (digit + rng.integers(1, 10, size=len(todo))) % 10
        cand = ymd[todo] + (new - digit) * weight
        y, m, d = cand // 10000, cand // 100 % 100, cand % 100
        ok = valid_ymd(y, m, d) & (y >= _NOISY_BIRTH_YEARS[0]) & (y <= _NOISY_BIRTH_YEARS[1])
        out[todo[ok]] = cand[ok]
        todo = todo[~ok]
    return out


def noisy_birth(rng: np.random.Generator, birth: np.ndarray, kind: np.ndarray) -> np.ndarray:
    """Row birthdates (day numbers) after birthdate noise; -1 where a slip failed."""
    out = birth.copy()
    year, month, dom = to_ymd(birth)
    swap = kind == K["birthdate_day_month_swap"]
    out[swap] = from_ymd(year[swap], dom[swap], month[swap])
    yr = kind == K["birthdate_year"]
    shifted = np.where(year[yr] + 10 <= _NOISY_BIRTH_YEARS[1], year[yr] + 10, year[yr] - 10)
    out[yr] = from_ymd(shifted, month[yr], dom[yr])
    dig = np.flatnonzero(kind == K["birthdate_digit"])
    slipped = _digit_slip(rng, (year * 10000 + month * 100 + dom)[dig])
    good = slipped > 0
    out[dig[good]] = from_ymd(slipped[good] // 10000, slipped[good] // 100 % 100,
                              slipped[good] % 100)
    out[dig[~good]] = -1
    return out


def render_identity(rng: np.random.Generator, variants: IdentityVariants, person: np.ndarray,
                    kind: np.ndarray) -> dict[str, np.ndarray]:
    """achternaam, tussenvoegsel and voorletters of each row."""
    coin = rng.random(len(person)) < 0.5
    s_row = np.full(len(person), S_CLEAN)
    s_row[kind == K["prefix_in_surname"]] = np.where(
        coin, S_FULL, S_INVERTED)[kind == K["prefix_in_surname"]]
    s_row[kind == K["upper_case"]] = S_UPPER
    s_row[kind == K["diacritics_dropped"]] = S_ASCII
    one = kind == K["double_surname_one_component"]
    s_row[one] = np.where(coin, S_COMP1, S_COMP2)[one]
    s_row[kind == K["double_surname_swapped"]] = S_SWAPPED
    s_row[kind == K["surname_typo"]] = S_TYPO
    i_row = np.full(len(person), I_DOTTED)
    notation = kind == K["initials_notation"]
    i_row[notation] = np.array(_NOTATIONS)[rng.integers(0, len(_NOTATIONS), size=len(person))
                                            ][notation]
    i_row[kind == K["initials_extra_or_missing"]] = I_CHANGED
    i_row[kind == K["initial_missing"]] = I_EMPTY
    return {"achternaam": variants.surname[s_row, person],
            "tussenvoegsel": variants.prefix[s_row, person],
            "voorletters": variants.initials[i_row, person]}


def draw_noise(rng: np.random.Generator, rows: pd.DataFrame, people: pd.DataFrame,
               app: np.ndarray, n_gcos: int, s: SynthSettings) -> None:
    """Add ``noise`` (kind code) and ``birth`` (the birthdate written) to ``rows``; rows
    of the first ``n_gcos`` persons may slip (mode "high")."""
    person = rows["pid"].to_numpy()
    eligible = ~rows["clean"].to_numpy() & rows["origin"].isin(_NOISY_ORIGINS).to_numpy()
    kind = assign_kinds(rng, person, eligible, person < n_gcos, app, s.noise == "high",
                        s.noise_share, s.high_noise_share)
    true_birth = people["birth"].to_numpy()[person]
    birth = noisy_birth(rng, true_birth, kind)
    failed = birth < 0
    kind[failed] = K["none"]
    rows["noise"] = kind
    rows["birth"] = np.where(failed, true_birth, birth)
