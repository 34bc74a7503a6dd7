"""The pairs the EM sessions train on: joins on one field over all (subject, identity) pairs.

A session must see every pair that agrees on its field, not only the candidate pairs of
blocking: the candidates are a union of passes, some of which also require the first
initial, so among them the initials of different persons agree far more often than at
random, and the model would learn that agreement means little. Splink runs its EM
blocking rules on the whole data for the same reason.

When a join would give more than ``max_pairs`` pairs (a common surname on a national
extract), whole blocks are kept at random (seeded) until about ``max_pairs`` remain: the
EM needs a large sample, not every pair.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from vhh.linkage.link.levels import Fields

__all__ = ["SAMPLE_SEED", "join_pairs", "session_pairs"]

SAMPLE_SEED = 2013


def join_pairs(left: np.ndarray, right: np.ndarray, max_pairs: int
               ) -> tuple[np.ndarray, np.ndarray, int]:
    """(s, i) of every pair with ``left[s] == right[i] >= 0``, at most about ``max_pairs``
    of them (whole blocks drawn at random when there are more), and the number of pairs
    of the whole join."""
    lk = pd.Series(np.flatnonzero(left >= 0), index=left[left >= 0])
    rk = pd.Series(np.flatnonzero(right >= 0), index=right[right >= 0])
    lcount, rcount = lk.index.value_counts(), rk.index.value_counts()
    sizes = (lcount * rcount.reindex(lcount.index).fillna(0)).astype(np.int64)
    sizes = sizes[sizes > 0]
    total = int(sizes.sum())
    if total > max_pairs:
        rng = np.random.default_rng(SAMPLE_SEED)
        keep = rng.random(len(sizes)) < max_pairs / total
        sizes = sizes[keep]
    keys = sizes.index.to_numpy()
    left_part = lk[lk.index.isin(keys)]
    right_part = rk[rk.index.isin(keys)]
    merged = pd.merge(pd.DataFrame({"key": left_part.index, "s": left_part.to_numpy()}),
                      pd.DataFrame({"key": right_part.index, "i": right_part.to_numpy()}),
                      on="key")
    return merged["s"].to_numpy(np.int64), merged["i"].to_numpy(np.int64), total


def _complete_birth(f: Fields) -> np.ndarray:
    key = f.birth_key
    complete = (key > 0) & (key % 100 > 0) & (key // 100 % 100 > 0)
    return np.where(complete, key, -1)


def session_pairs(a: Fields, b: Fields, max_pairs: int
                  ) -> dict[str, tuple[np.ndarray, np.ndarray, int]]:
    """The pairs of each EM session of :data:`vhh.linkage.link.model.SESSIONS` (s, i, and
    the size of the whole join)."""
    return {
        "geboortedatum_gelijk": join_pairs(_complete_birth(a), _complete_birth(b), max_pairs),
        "achternaam_gelijk": join_pairs(a.surname.kern.astype(np.int64),
                                        b.surname.kern.astype(np.int64), max_pairs),
    }
