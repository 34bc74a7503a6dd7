"""The pairs the EM sessions train on: joins on one field over all (subject, identity) pairs.

A session must see every pair that agrees on its field, not only the candidate pairs of
blocking: the candidates are a union of passes, some of which also require the first
initial, so among them the initials of different persons agree far more often than at
random, and the model would learn that agreement means little. Splink runs its EM
blocking rules on the whole data for the same reason.

When a join would give more than ``max_pairs`` pairs (a common surname on a national
extract), it is sampled with a cap per block: every block (one surname) gives all its pairs
up to ``cap`` of them, and a larger block ``cap`` pairs drawn uniformly (seeded), the cap
chosen so that about ``max_pairs`` pairs are drawn. Each drawn pair carries its weight
(the block's pairs over the block's drawn pairs), so weighted counts estimate the counts of
the whole join without bias (Horvitz-Thompson).

Why not simpler: drawing whole blocks at random (as this module once did) fails on real name
frequencies: one common surname holds most of the join, so the sample is either that block
or almost nothing (on 10M police rows it kept 22 pairs, and EM on those found a match share
a hundred times too large). Drawing pairs uniformly over the join is unbiased but nearly
blind: the matches sit in the many small blocks of rare surnames, and a uniform draw of
200,000 from 10^9 pairs holds a few dozen of them. The cap keeps the small blocks whole.
"""

from __future__ import annotations

import numpy as np
from vhh.linkage.arrays import distinct_sorted

__all__ = ["SAMPLE_SEED", "join_pairs"]

SAMPLE_SEED = 2013


def _sorted_positions(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The positions with a key (>= 0), in order of key (stable), and their keys."""
    at = np.flatnonzero(keys >= 0)
    order = np.argsort(keys[at], kind="stable")
    return at[order], keys[at][order]


def _cap(sizes: np.ndarray, max_pairs: int) -> int:
    """The largest cap per block with at most ``max_pairs`` pairs drawn in all (at least 1)."""
    ordered = np.sort(sizes)
    below = np.r_[0, np.cumsum(ordered)]  # pairs of the blocks smaller than each
    lo, hi = 1, int(ordered[-1])
    while lo < hi:
        mid = (lo + hi + 1) // 2
        k = int(np.searchsorted(ordered, mid))
        if below[k] + mid * (len(ordered) - k) <= max_pairs:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _drawn(sizes: np.ndarray, ends: np.ndarray, max_pairs: int) -> np.ndarray:
    """The numbers of the drawn pairs: every pair of a block within the cap, ``cap`` draws
    (with replacement, then distinct) from a larger one."""
    cap = _cap(sizes, max_pairs)
    small = np.flatnonzero(sizes <= cap)
    big = np.flatnonzero(sizes > cap)
    whole = np.repeat(ends[small] - sizes[small], sizes[small])
    whole += np.arange(len(whole)) - np.repeat(np.cumsum(sizes[small]) - sizes[small],
                                               sizes[small])
    rng = np.random.default_rng(SAMPLE_SEED)
    offsets = (rng.random(len(big) * cap) * np.repeat(sizes[big], cap)).astype(np.int64)
    sampled = np.repeat(ends[big] - sizes[big], cap) + np.minimum(
        offsets, np.repeat(sizes[big] - 1, cap))
    return distinct_sorted(np.concatenate([whole, sampled]))


def join_pairs(left: np.ndarray, right: np.ndarray, max_pairs: int
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """(s, i, weight) of every pair with ``left[s] == right[i] >= 0`` (weight 1), or of
    about ``max_pairs`` of them drawn with a cap per block when the join has more (see the
    module docstring), and the number of pairs of the whole join.

    The join is never built: its pairs are numbered block by block (block ``k`` holds
    ``n_left[k] * n_right[k]`` pairs) and only the drawn numbers are turned into pairs.
    """
    lpos, lkey = _sorted_positions(left)
    rpos, rkey = _sorted_positions(right)
    lkeys, lstart, lcount = np.unique(lkey, return_index=True, return_counts=True)
    rkeys, rstart, rcount = np.unique(rkey, return_index=True, return_counts=True)
    _, lk, rk = np.intersect1d(lkeys, rkeys, assume_unique=True, return_indices=True)
    lstart, lcount, rstart, rcount = lstart[lk], lcount[lk], rstart[rk], rcount[rk]
    sizes = lcount.astype(np.int64) * rcount
    ends = np.cumsum(sizes)
    total = int(ends[-1]) if len(ends) else 0
    drawn = (_drawn(sizes, ends, max_pairs) if total > max_pairs
             else np.arange(total, dtype=np.int64))
    block = np.searchsorted(ends, drawn, side="right")
    within = drawn - (ends[block] - sizes[block])
    row, column = np.divmod(within, rcount[block])
    per_block = np.bincount(block, minlength=len(sizes))
    weight = sizes[block] / per_block[block]
    return (lpos[lstart[block] + row].astype(np.int64),
            rpos[rstart[block] + column].astype(np.int64), weight, total)
