"""Candidate pairs from several blocking passes, so one bad field cannot hide a match.

Passes (each a named rule):

- ``geboortedatum``: the same full birthdate;
- ``fonetisch_jaar``: the same Dutch phonetic key of any surname component + birth year;
- ``achternaam_voorletter``: the same core surname component + first initial;
- ``achternaam_dagmaand``: the same core surname component + birth month and day, so that
  a slip in the year is still paired when the subject has no initial.

A key whose block would give more than ``max_block_pairs`` pairs (a very common surname,
1 January birthdates) is not paired in that pass; it is reported, and the other passes
still cover its records.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["BLOCKING_PASSES", "Blocking", "candidate_pairs"]


def _birthdate(f: pd.DataFrame) -> pd.Series:
    full = f["birth"].str.len().eq(8) & ~f["birth"].str.contains("00$|^....00", regex=True)
    return f["birth"].where(full, "")


def _phonetic_year(f: pd.DataFrame) -> pd.Series:
    keys = f["phonetic"].explode().fillna("")
    year = f["byear"].reindex(keys.index).astype(str)
    return (keys + "|" + year).where((keys != "") & (year != "-1"), "")


def _surname_initial(f: pd.DataFrame) -> pd.Series:
    keys = f["components"].explode().fillna("")
    first = f["first"].reindex(keys.index)
    return (keys + "|" + first).where((keys != "") & (first != ""), "")


def _surname_day_month(f: pd.DataFrame) -> pd.Series:
    keys = f["components"].explode().fillna("")
    mmdd = f["birth"].str[4:].reindex(keys.index).fillna("")
    known = (mmdd.str.len() == 4) & (mmdd.str[:2] != "00") & (mmdd.str[2:] != "00")
    return (keys + "|" + mmdd).where((keys != "") & known, "")


BLOCKING_PASSES: dict[str, Callable[[pd.DataFrame], pd.Series]] = {
    "geboortedatum": _birthdate,
    "fonetisch_jaar": _phonetic_year,
    "achternaam_voorletter": _surname_initial,
    "achternaam_dagmaand": _surname_day_month,
}


@dataclass(frozen=True)
class Blocking:
    """Candidate pairs and what the passes did, for the report."""

    pairs: pd.DataFrame  # columns: s (subject position), i (identity position), passes
    pairs_per_pass: dict[str, int]
    largest_blocks: list[dict[str, object]]  # pass, size (pairs); secure report adds the key
    capped_blocks: list[dict[str, object]]


def _block(left: pd.Series, right: pd.Series, cap: int, name: str
           ) -> tuple[pd.DataFrame, list[dict[str, object]], list[dict[str, object]]]:
    left = left[left != ""]
    right = right[right != ""]
    lcount = left.value_counts()
    rcount = right.value_counts()
    sizes = (lcount * rcount.reindex(lcount.index).fillna(0)).astype(int)
    sizes = sizes[sizes > 0].sort_values(ascending=False)
    capped = sizes[sizes > cap]
    biggest = [{"pass": name, "key": str(k), "pairs": int(v)} for k, v in sizes.head(5).items()]
    capped_list = [{"pass": name, "key": str(k), "pairs": int(v)} for k, v in capped.items()]
    keep_l = left[~left.isin(capped.index)]
    merged = pd.merge(
        pd.DataFrame({"s": keep_l.index, "key": keep_l.to_numpy()}),
        pd.DataFrame({"i": right.index, "key": right.to_numpy()}),
        on="key",
    )[["s", "i"]]
    merged["pass"] = name
    return merged, biggest, capped_list


def candidate_pairs(subjects: pd.DataFrame, identities: pd.DataFrame, max_block_pairs: int
                    ) -> Blocking:
    """All candidate (subject, identity) pairs over every blocking pass."""
    frames, per_pass, largest, capped = [], {}, [], []
    for name, key_of in BLOCKING_PASSES.items():
        pairs, big, cap = _block(key_of(subjects), key_of(identities), max_block_pairs, name)
        pairs = pairs.drop_duplicates(["s", "i"])
        per_pass[name] = len(pairs)
        frames.append(pairs)
        largest.extend(big)
        capped.extend(cap)
    allpairs = pd.concat(frames, ignore_index=True)
    if allpairs.empty:
        combined = pd.DataFrame({"s": pd.Series(dtype=int), "i": pd.Series(dtype=int),
                                 "passes": pd.Series(dtype=str)})
    else:
        # each pass is a bit; the passes that paired (s, i) are named once per combination
        names = sorted(BLOCKING_PASSES)
        bit = allpairs["pass"].map({n: 1 << k for k, n in enumerate(names)}).astype(np.int64)
        # (s, i, pass) is unique per pass, so the sum of the bits is their OR
        flags = bit.groupby([allpairs["s"], allpairs["i"]], sort=True).sum()
        label = {f: "+".join(n for k, n in enumerate(names) if f >> k & 1)
                 for f in flags.unique()}
        combined = flags.map(label).rename("passes").reset_index()
    largest.sort(key=lambda b: -int(b["pairs"]))  # type: ignore[call-overload]
    return Blocking(combined, per_pass, largest[:10], capped)
