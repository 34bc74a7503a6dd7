"""Typing slips: in a surname, and in a birthdate (one slip, or more than one).

All work on numbers (yyyymmdd integers or day numbers) or on one word at a time; a slip
that would give no valid date, or a date outside the years births are drawn from, is not
made (the caller keeps the row clean).
"""

from __future__ import annotations

import numpy as np
from vhh.linkage.synth.dates import from_ymd, to_ymd, valid_ymd

__all__ = ["BIRTH_YEARS", "day_shift", "digit_slip", "typo", "year_typo"]

BIRTH_YEARS = (1900, 2001)  # a slipped birthdate stays before every police date
_ROUNDS = 30


def typo(word: str, rng: np.random.Generator) -> str:
    """One substitution, transposition or deletion of a letter, never of the first letter
    and never next to a space or hyphen (so the words of the name stay)."""
    spots = [k for k in range(1, len(word) - 1)
             if word[k].isalpha() and word[k - 1].isalpha() and word[k + 1].isalpha()]
    if not spots:
        return word + "e"
    for _ in range(_ROUNDS):
        i = spots[int(rng.integers(0, len(spots)))]
        op = int(rng.integers(0, 3))
        if op == 0:
            letter = "abcdefghijklmnopqrstuvwxyz"[int(rng.integers(0, 26))]
            out = word[:i] + letter + word[i + 1:]
        elif op == 1:
            out = word[:i] + word[i + 1] + word[i] + word[i + 2:]
        else:
            out = word[:i] + word[i + 1:]
        if out.lower() != word.lower():
            return out
    return word[:spots[0]] + word[spots[0] + 1:]


def _in_range(ymd: np.ndarray) -> np.ndarray:
    y, m, d = ymd // 10000, ymd // 100 % 100, ymd % 100
    return np.asarray(valid_ymd(y, m, d) & (y >= BIRTH_YEARS[0]) & (y <= BIRTH_YEARS[1]))


def digit_slip(rng: np.random.Generator, ymd: np.ndarray) -> np.ndarray:
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
        ok = _in_range(cand)
        out[todo[ok]] = cand[ok]
        todo = todo[~ok]
    return out


def day_shift(rng: np.random.Generator, days: np.ndarray) -> np.ndarray:
    """Day numbers 2 to 10 days away in a neighbouring month (across a month end); -1 when
    none is found."""
    out = np.full(len(days), -1, dtype=np.int64)
    todo = np.arange(len(days))
    _, month, _ = to_ymd(days)
    for _ in range(_ROUNDS):
        if not len(todo):
            break
        step = rng.integers(2, 11, size=len(todo)) * np.where(rng.random(len(todo)) < 0.5,
                                                              -1, 1)
        cand = days[todo] + step
        _, cm, _ = to_ymd(cand)
        ok = cm != month[todo]
        out[todo[ok]] = cand[ok]
        todo = todo[~ok]
    return out


def year_typo(days: np.ndarray) -> np.ndarray:
    """The last two digits of the year exchanged (1987 -> 1978), or, when they are equal or
    the result is out of range, both of them one lower (1977 -> 1966): two digits either
    way; -1 when neither is a valid date."""
    year, month, dom = to_ymd(days)
    tens, units = year // 10 % 10, year % 10
    swapped = year - tens * 10 - units + units * 10 + tens
    lower = np.where((tens > 0) & (units > 0), year - 11, year + 11)
    year2 = np.where((tens != units) & (swapped >= BIRTH_YEARS[0]) & (swapped <= BIRTH_YEARS[1]),
                     swapped, lower)
    ok = valid_ymd(year2, month, dom) & (year2 >= BIRTH_YEARS[0]) & (year2 <= BIRTH_YEARS[1])
    return np.where(ok, from_ymd(year2, month, np.where(ok, dom, 1)), -1)
