"""Noise on the identity fields of police rows: which kind each row gets, and its effect.

Every noisy row gets exactly one kind (``links.noise`` names it). Everyone's rows get noise,
the others' as well as the subjects': real extracts do not spare the people who happen to
resemble a subject.

- presentation (``noise_share`` of the rows): the same identity written otherwise:
  prefix inside the surname, upper case, no diacritics, another notation of the initials
  (also "Th." and "Y."), the last initial dropped or one added, one component of a double
  surname, the components swapped, an inner particle hyphenated, only the part before it;
- one slip (``slip_share``): a typo in the surname, day and month swapped, one digit,
  the year off by ten, the initials missing, the birthdate missing;
- more than one slip (``multi_slip_share``): 2-10 days off across a month end, the year's
  last digits exchanged, day/month swap plus a digit, a surname typo plus a digit.

In "high" mode ``high_noise_share`` replaces the slip share and a fifth of it is added as
multiple slips. Rows of partner-name subjects (:mod:`vhh.linkage.synth.people`) carry the
other name on :data:`PARTNER_ROW_SHARE` of their rows that are not clean.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from vhh.linkage.synth.dates import from_ymd, to_ymd
from vhh.linkage.synth.names import ascii_fold
from vhh.linkage.synth.settings import SynthSettings
from vhh.linkage.synth.slips import BIRTH_YEARS, day_shift, digit_slip, year_typo
from vhh.linkage.synth.variants import (
    I_CHANGED,
    I_DOTSPACE,
    I_DOTTED,
    I_EMPTY,
    I_LOWER,
    I_NOFINAL,
    I_PLAIN,
    I_SPACED,
    I_SPECIAL,
    S_ALT,
    S_ASCII,
    S_CLEAN,
    S_COMP1,
    S_COMP2,
    S_FIRST_PART,
    S_FULL,
    S_HYPHEN,
    S_INVERTED,
    S_SWAPPED,
    S_TYPO,
    S_UPPER,
    IdentityVariants,
    pick_rows,
)

__all__ = ["DEFAULT_KINDS", "KINDS", "MULTI_KINDS", "NO_BIRTHDATE", "PARTNER_KIND",
           "SLIP_KINDS", "applicability", "draw_noise", "noisy_birth", "render_identity"]

DEFAULT_KINDS: tuple[str, ...] = (
    "prefix_in_surname", "upper_case", "diacritics_dropped", "initials_notation",
    "initials_extra_or_missing", "double_surname_one_component", "double_surname_swapped",
    "particle_hyphenated", "particle_first_part",
)
SLIP_KINDS: tuple[str, ...] = (
    "surname_typo", "birthdate_day_month_swap", "birthdate_digit", "birthdate_year",
    "initial_missing", "birthdate_missing",
)
MULTI_KINDS: tuple[str, ...] = (
    "birthdate_days_across_month", "birthdate_year_digits_swapped",
    "birthdate_swap_and_digit", "surname_typo_and_birthdate_digit",
)
PARTNER_KIND = "partner_name"
KINDS: tuple[str, ...] = ("none", *DEFAULT_KINDS, *SLIP_KINDS, *MULTI_KINDS, PARTNER_KIND)
K = {name: code for code, name in enumerate(KINDS)}
NO_BIRTHDATE = -2  # the row's birthdate is left empty
PARTNER_ROW_SHARE = 0.6
_ROUNDS = 30
_NOISY_ORIGINS = ("base", "edge", "duplicate")
_INNER = ("van ", "de ", "der ", "den ", "ten ", "ter ", "te ")


def applicability(people: pd.DataFrame) -> np.ndarray:
    """(n_persons, n_kinds) bool: whether each noise kind can apply to each person."""
    n = len(people)
    app = np.ones((n, len(KINDS)), dtype=bool)
    surname = (people["prefix1"] + people["core1"] + people["prefix2"] + people["core2"])
    double = (people["core2"] != "").to_numpy()
    year, month, dom = to_ymd(people["birth"].to_numpy())
    long_core = ((people["core1"].str.len() >= 4) | (people["core2"].str.len() >= 4)).to_numpy()
    inner = people["core1"].str.contains(" ", regex=False).to_numpy()
    particle = people["core1"].str.lower().map(
        lambda c: any(f" {p}" in c for p in _INNER)).to_numpy(dtype=bool)
    swap = (dom <= 12) & (month <= 12) & (dom != month)
    year_ok = ~((month == 2) & (dom == 29)) & (year >= 1910)
    app[:, K["prefix_in_surname"]] = (people["prefix1"] != "").to_numpy()
    app[:, K["diacritics_dropped"]] = (surname.map(ascii_fold) != surname).to_numpy()
    app[:, K["double_surname_one_component"]] = double
    app[:, K["double_surname_swapped"]] = double
    app[:, K["particle_hyphenated"]] = particle
    app[:, K["particle_first_part"]] = inner
    app[:, K["surname_typo"]] = long_core
    app[:, K["surname_typo_and_birthdate_digit"]] = long_core
    app[:, K["birthdate_day_month_swap"]] = swap
    app[:, K["birthdate_swap_and_digit"]] = swap
    app[:, K["birthdate_year"]] = year_ok
    app[:, K[PARTNER_KIND]] = (people["alt_core1"] != "").to_numpy()
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


def _shares(s: SynthSettings) -> tuple[float, float, float]:
    if s.noise == "high":
        return s.noise_share, s.high_noise_share, s.high_noise_share / 5
    return s.noise_share, s.slip_share, s.multi_slip_share


def assign_kinds(rng: np.random.Generator, person: np.ndarray, eligible: np.ndarray,
                 app: np.ndarray, s: SynthSettings) -> np.ndarray:
    """A noise kind code per row (see the module docstring for the shares)."""
    share, slip, multi = _shares(s)
    kind = np.zeros(len(person), dtype=np.int8)
    u = rng.random(len(person))
    bounds = ((0.0, share, DEFAULT_KINDS, "upper_case"),
              (share, share + slip, SLIP_KINDS, "initial_missing"),
              (share + slip, share + slip + multi, MULTI_KINDS, "birthdate_days_across_month"))
    for lo, hi, kinds, fallback in bounds:
        rows = np.flatnonzero(eligible & (u >= lo) & (u < hi))
        kind[rows] = _choose(rng, kinds, fallback, app[person[rows]])
    partner = eligible & app[person, K[PARTNER_KIND]] & (rng.random(len(person))
                                                         < PARTNER_ROW_SHARE)
    kind[partner] = K[PARTNER_KIND]
    return kind


def _ymd(days: np.ndarray) -> np.ndarray:
    year, month, dom = to_ymd(days)
    return np.asarray(year * 10000 + month * 100 + dom)


def _days(ymd: np.ndarray) -> np.ndarray:
    return np.asarray(from_ymd(ymd // 10000, ymd // 100 % 100, ymd % 100))


def _apply(out: np.ndarray, rows: np.ndarray, values: np.ndarray) -> None:
    """Set the rows whose slip worked; -1 marks the ones whose slip failed."""
    out[rows] = np.where(values > 0, values, -1)


def _swap(days: np.ndarray) -> np.ndarray:
    year, month, dom = to_ymd(days)
    return np.asarray(from_ymd(year, dom, month))


def noisy_birth(rng: np.random.Generator, birth: np.ndarray, kind: np.ndarray) -> np.ndarray:
    """Row birthdates (day numbers) after birthdate noise; -1 where a slip failed and
    :data:`NO_BIRTHDATE` where the birthdate is left out."""
    out = birth.copy()
    year, month, dom = to_ymd(birth)
    swap = kind == K["birthdate_day_month_swap"]
    out[swap] = _swap(birth[swap])
    yr = np.flatnonzero(kind == K["birthdate_year"])
    shifted = np.where(year[yr] + 10 <= BIRTH_YEARS[1], year[yr] + 10, year[yr] - 10)
    out[yr] = from_ymd(shifted, month[yr], dom[yr])
    for name, start in (("birthdate_digit", None), ("surname_typo_and_birthdate_digit", None),
                        ("birthdate_swap_and_digit", "swap")):
        rows = np.flatnonzero(kind == K[name])
        base = _swap(birth[rows]) if start else birth[rows]
        slipped = digit_slip(rng, _ymd(base))
        _apply(out, rows, np.where(slipped > 0, _days(np.maximum(slipped, 19000101)), -1))
    rows = np.flatnonzero(kind == K["birthdate_days_across_month"])
    _apply(out, rows, day_shift(rng, birth[rows]))
    rows = np.flatnonzero(kind == K["birthdate_year_digits_swapped"])
    _apply(out, rows, year_typo(birth[rows]))
    out[kind == K["birthdate_missing"]] = NO_BIRTHDATE
    return out


_SURNAME_ROW = {"prefix_in_surname": None, "upper_case": S_UPPER,
                "diacritics_dropped": S_ASCII, "double_surname_one_component": None,
                "double_surname_swapped": S_SWAPPED, "surname_typo": S_TYPO,
                "surname_typo_and_birthdate_digit": S_TYPO, "particle_hyphenated": S_HYPHEN,
                "particle_first_part": S_FIRST_PART, PARTNER_KIND: S_ALT}
_NOTATIONS = (I_PLAIN, I_SPACED, I_LOWER, I_DOTSPACE, I_NOFINAL, I_SPECIAL)


def render_identity(rng: np.random.Generator, variants: IdentityVariants, person: np.ndarray,
                    kind: np.ndarray) -> dict[str, np.ndarray]:
    """achternaam, tussenvoegsel and voorletters of each row."""
    coin = rng.random(len(person)) < 0.5
    s_row = np.full(len(person), S_CLEAN)
    for name, row in _SURNAME_ROW.items():
        hit = kind == K[name]
        if name == "prefix_in_surname":
            s_row[hit] = np.where(coin, S_FULL, S_INVERTED)[hit]
        elif name == "double_surname_one_component":
            s_row[hit] = np.where(coin, S_COMP1, S_COMP2)[hit]
        else:
            s_row[hit] = row
    i_row = np.full(len(person), I_DOTTED)
    notation = kind == K["initials_notation"]
    i_row[notation] = np.array(_NOTATIONS)[rng.integers(0, len(_NOTATIONS), size=len(person))
                                            ][notation]
    i_row[kind == K["initials_extra_or_missing"]] = I_CHANGED
    i_row[kind == K["initial_missing"]] = I_EMPTY
    fields: dict[str, np.ndarray] = pick_rows(variants, person, s_row, i_row)
    return fields


def draw_noise(rng: np.random.Generator, rows: pd.DataFrame, people: pd.DataFrame,
               app: np.ndarray, s: SynthSettings) -> None:
    """Add ``noise`` (kind code) and ``birth`` (the birthdate written: a day number, or
    :data:`NO_BIRTHDATE`) to ``rows``."""
    person = rows["pid"].to_numpy()
    eligible = ~rows["clean"].to_numpy() & rows["origin"].isin(_NOISY_ORIGINS).to_numpy()
    kind = assign_kinds(rng, person, eligible, app, s)
    true_birth = people["birth"].to_numpy()[person]
    birth = noisy_birth(rng, true_birth, kind)
    failed = birth == -1
    kind[failed] = K["none"]
    rows["noise"] = kind
    rows["birth"] = np.where(failed, true_birth, birth)
