"""The surname comparison of :mod:`vhh.linkage.link.levels`, vectorised over pairs.

Every string is coded once against one vocabulary shared by both sides, so equality tests
are integer comparisons. Jaro-Winkler is computed only for the pairs that no equality
level decided, once per distinct pair of strings (rapidfuzz, in C), always with the
lower code first so that a pair and its mirror get the same number.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler, Levenshtein
from vhh.linkage.normalise.identity_codes import factorized

__all__ = ["JW_HIGH", "JW_LOW", "JW_MID", "PART_WIDTH", "SurnameFields", "surname_levels"]

JW_HIGH, JW_MID, JW_LOW = 0.94, 0.88, 0.80
PART_WIDTH = 3  # surname words beyond the third are not compared
# level indices, in the order of vhh.linkage.link.levels.SURNAME
(_GELIJK, _KERN, _DEEL, _JW_HOOG, _EEN_LETTER, _FONETISCH, _JW_MIDDEN, _JW_LAAG, _OMGEDRAAID,
 _ANDERS, _ONTBREEKT) = range(11)


@dataclass(frozen=True, eq=False)
class SurnameFields:
    """One side's surnames as integer codes into a shared vocabulary (-1 = none), held per
    distinct surname (prefix and core): the identities of a national extract write a few
    hundred thousand surnames, and a comparison depends on the two surnames alone. Per
    identity only its distinct surname and its particle-free key are held."""

    prefix: np.ndarray   # (k,) tussenvoegsel
    core: np.ndarray     # (k,) the whole core ("jansen-vries")
    distinct_kern: np.ndarray  # (k,) the particle-free key ("jansenvries")
    partset: np.ndarray  # (k,) the sorted parts ("jansen vries"): the same words in any order
    parts: np.ndarray    # (k, PART_WIDTH) each part ("jansen", "vries")
    phonetic: np.ndarray  # (k, PART_WIDTH) each part's Dutch phonetic key
    n_parts: np.ndarray  # (k,) int8
    vocabulary: np.ndarray  # object array: code -> string
    lengths: np.ndarray     # int64: code -> the string's length
    distinct: np.ndarray  # (n,) int32: each identity's distinct surname
    kern: np.ndarray      # (n,) int32: each identity's particle-free key

    def __repr__(self) -> str:  # the vocabulary holds surnames: counts only
        return (f"SurnameFields({len(self.distinct)} surnames, {len(self.core)} distinct, "
                f"{len(self.vocabulary)} distinct words)")

    @classmethod
    def pair(cls, left: pd.DataFrame, right: pd.DataFrame
             ) -> tuple[SurnameFields, SurnameFields]:
        """Both sides' fields, coded against one vocabulary. Each distinct surname (prefix
        and core) is coded once; only its position and key are spread over the rows."""
        sides = [_distinct_surnames(frame) for frame in (left, right)]
        columns = [_columns(distinct) for distinct, _ in sides]
        every = np.concatenate([values for side in columns for values in side.values()])
        codes, vocabulary = pd.factorize(pd.Series(every, dtype=object), sort=False)
        vocab = np.asarray(vocabulary, dtype=object)
        lengths = np.fromiter((len(word) for word in vocab), dtype=np.int64, count=len(vocab))
        empty = np.flatnonzero(vocab == "")
        codes = np.where(np.isin(codes, empty), -1, codes).astype(np.int32)
        out, at = [], 0
        for side, (distinct, spread) in zip(columns, sides, strict=True):
            coded = {}
            for name, values in side.items():
                coded[name], at = codes[at:at + len(values)], at + len(values)
            k = len(distinct)
            out.append(cls(coded["prefix"], coded["core"], coded["kern"], coded["partset"],
                           np.stack([coded[f"part{j}"] for j in range(PART_WIDTH)], axis=1)
                           .reshape(k, PART_WIDTH),
                           np.stack([coded[f"phon{j}"] for j in range(PART_WIDTH)], axis=1)
                           .reshape(k, PART_WIDTH),
                           distinct["parts"].map(len).to_numpy().astype(np.int8),
                           vocab, lengths, spread.astype(np.int32), coded["kern"][spread]))
        return out[0], out[1]


def _distinct_surnames(frame: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """The rows with distinct (prefix, core) and each row's position among them."""
    if frame.empty:
        return frame, np.zeros(0, dtype=np.intp)
    prefix, _ = factorized(frame, "prefix", as_text=True)
    core, _ = factorized(frame, "core", as_text=True)
    key = core.astype(np.int64) * (int(prefix.max()) + 1) + prefix
    _, first, spread = np.unique(key, return_index=True, return_inverse=True)
    return frame.iloc[first].reset_index(drop=True), spread.reshape(-1)


def _tuple_columns(column: pd.Series, name: str, joined: bool) -> dict[str, np.ndarray]:
    """Each position of a tuple column (and, with ``joined``, its sorted words joined), the
    tuples factorised once."""
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    out = {}
    for j in range(PART_WIDTH):
        table = np.array([u[j] if j < len(u) else "" for u in uniques] + [""], dtype=object)
        out[f"{name}{j}"] = table[codes]
    if joined:
        table = np.array([" ".join(sorted(u)) for u in uniques] + [""], dtype=object)
        out["partset"] = table[codes]
    return out


def _columns(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    return {"prefix": frame["prefix"].astype(str).to_numpy(dtype=object),
            "core": frame["core"].astype(str).to_numpy(dtype=object),
            "kern": frame["kern"].astype(str).to_numpy(dtype=object),
            **_tuple_columns(frame["parts"], "part", True),
            **_tuple_columns(frame["parts_phonetic"], "phon", False)}


def _any_equal(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Per row: some known code of ``left`` equals some known code of ``right``."""
    hit = np.zeros(len(left), dtype=bool)
    for p in range(left.shape[1]):
        for q in range(right.shape[1]):
            hit |= (left[:, p] == right[:, q]) & (left[:, p] >= 0)
    return hit


def _similarity(a: np.ndarray, b: np.ndarray, vocabulary: np.ndarray, lengths: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
    """Jaro-Winkler and Levenshtein distance of code pairs (both known), each distinct pair
    computed once; the distance only where it can be 1 (it is reported as 2 otherwise)."""
    low, high = np.minimum(a, b).astype(np.int64), np.maximum(a, b).astype(np.int64)
    inverse, key = pd.factorize(low << 32 | high)  # hashed: no sort of every pair
    if not len(key):
        return np.zeros(0), np.zeros(0, np.int64)
    x, y = vocabulary[key >> 32], vocabulary[key & 0xFFFFFFFF]
    sims = np.minimum(1.0, np.asarray(process.cpdist(
        list(x), list(y), scorer=JaroWinkler.normalized_similarity, dtype=np.float64,
        workers=1)))
    near = np.flatnonzero((np.abs(lengths[key >> 32] - lengths[key & 0xFFFFFFFF]) <= 1)
                          & (sims < JW_HIGH))
    edits = np.full(len(key), 2, dtype=np.int64)
    if len(near):
        edits[near] = process.cpdist(list(x[near]), list(y[near]), scorer=Levenshtein.distance,
                                     dtype=np.int32, workers=1)
    return sims[inverse], edits[inverse]


def best_similarity(a: SurnameFields, b: SurnameFields, s: np.ndarray, i: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
    """The best Jaro-Winkler similarity and the fewest edits of each pair of distinct
    surnames, over the cores and all pairs of parts."""
    rows = [np.arange(len(s))]
    left, right = [a.core[s]], [b.core[i]]
    several = np.flatnonzero((a.n_parts[s] > 1) | (b.n_parts[i] > 1))
    for p in range(PART_WIDTH):
        for q in range(PART_WIDTH):
            lp, rq = a.parts[s[several], p], b.parts[i[several], q]
            ok = (lp >= 0) & (rq >= 0)
            rows.append(several[ok])
            left.append(lp[ok])
            right.append(rq[ok])
    row, lc, rc = np.concatenate(rows), np.concatenate(left), np.concatenate(right)
    known = (lc >= 0) & (rc >= 0)
    sims, edits = _similarity(lc[known], rc[known], a.vocabulary, a.lengths)
    best = np.zeros(len(s), dtype=np.float64)
    fewest = np.full(len(s), np.iinfo(np.int32).max, dtype=np.int64)
    np.maximum.at(best, row[known], sims)
    np.minimum.at(fewest, row[known], edits)
    return best, fewest


def surname_levels(a: SurnameFields, b: SurnameFields, s: np.ndarray, i: np.ndarray
                   ) -> np.ndarray:
    """The surname level of every pair (``a[s[k]]``, ``b[i[k]]``).

    A level depends on the two surnames alone, so it is found once per distinct pair of
    surnames (a fifth of the candidate pairs on the studies at hand), on a row of each."""
    width = max(len(b.core), 1)
    # hashed, not sorted (np.unique): the order of the distinct pairs does not matter
    back, pair = pd.factorize(a.distinct[s].astype(np.int64) * width + b.distinct[i])
    return np.asarray(_levels_of(a, b, pair // width, pair % width)[back])


def _levels_of(a: SurnameFields, b: SurnameFields, s: np.ndarray, i: np.ndarray
               ) -> np.ndarray:
    """The surname level of every pair of distinct surnames (``a``'s ``s[k]``-th, ``b``'s
    ``i[k]``-th), pair by pair."""
    level = np.full(len(s), _ANDERS, dtype=np.int8)
    missing = (a.distinct_kern[s] < 0) | (b.distinct_kern[i] < 0)
    same_core = a.core[s] == b.core[i]
    kern = ((a.distinct_kern[s] == b.distinct_kern[i])
            | ((a.partset[s] == b.partset[i]) & (a.n_parts[s] > 1)))
    part = _any_equal(a.parts[s], b.parts[i])
    decided = missing | kern | part
    open_rows = np.flatnonzero(~decided)
    sims, edits = best_similarity(a, b, s[open_rows], i[open_rows])
    phonetic = _any_equal(a.phonetic[s[open_rows]], b.phonetic[i[open_rows]])
    level[open_rows] = np.select(
        [sims >= JW_HIGH, edits == 1, phonetic, sims >= JW_MID, sims >= JW_LOW],
        [_JW_HOOG, _EEN_LETTER, _FONETISCH, _JW_MIDDEN, _JW_LAAG], default=_ANDERS)
    level[part] = _DEEL
    level[kern] = _KERN
    level[kern & same_core & (a.prefix[s] == b.prefix[i])] = _GELIJK
    level[missing] = _ONTBREEKT
    return level
