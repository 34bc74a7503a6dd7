"""The EM sessions' joins: every pair when small, a sample capped per block when large."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from vhh.linkage.link.training import join_pairs


def _brute(left: np.ndarray, right: np.ndarray) -> set[tuple[int, int]]:
    return {(s, i) for s in range(len(left)) for i in range(len(right))
            if left[s] >= 0 and left[s] == right[i]}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-1, 6), max_size=40), st.lists(st.integers(-1, 6), max_size=60))
def test_a_join_under_the_cap_is_every_pair_once(left: list[int], right: list[int]) -> None:
    lk, rk = np.array(left, np.int64), np.array(right, np.int64)
    s, i, weight, total = join_pairs(lk, rk, max_pairs=10**9)
    pairs = list(zip(s.tolist(), i.tolist(), strict=True))
    assert len(pairs) == len(set(pairs)) == total
    assert set(pairs) == _brute(lk, rk)
    assert (weight == 1).all()


def test_a_large_join_keeps_the_small_blocks_whole_and_weighs_the_common_one() -> None:
    """One common surname holds most of the join (as "de Jong" does), while the matches sit
    in the many blocks of rare surnames: those are kept whole, the common block is drawn
    from, and the weights add up to the whole join, block by block."""
    common_left, common_right = 2_000, 100_000   # 2e8 pairs in one block
    rare = 50_000                                # 50,000 blocks of one pair each
    left = np.r_[np.zeros(common_left, np.int64), np.arange(1, rare + 1)]
    right = np.r_[np.zeros(common_right, np.int64), np.arange(1, rare + 1)]
    s, i, weight, total = join_pairs(left, right, max_pairs=200_000)
    assert total == common_left * common_right + rare
    assert 190_000 <= len(s) <= 200_000
    assert (left[s] == right[i]).all()
    assert len(set(zip(s.tolist(), i.tolist(), strict=True))) == len(s)
    rare_rows = left[s] > 0
    assert rare_rows.sum() == rare and (weight[rare_rows] == 1).all()
    assert np.isclose(weight[~rare_rows].sum(), common_left * common_right)
    # within the common block the draw is uniform: every subject about equally often
    per_subject = np.bincount(s[~rare_rows], minlength=common_left)
    assert per_subject.min() > 0.5 * per_subject.mean()


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 40), min_size=1, max_size=12),
       st.lists(st.integers(1, 40), min_size=1, max_size=12), st.integers(1, 400))
def test_weighted_counts_add_up_to_every_block(lsizes: list[int], rsizes: list[int],
                                               max_pairs: int) -> None:
    n = min(len(lsizes), len(rsizes))
    left = np.repeat(np.arange(n), lsizes[:n])
    right = np.repeat(np.arange(n), rsizes[:n])
    s, i, weight, total = join_pairs(left, right, max_pairs)
    assert total == sum(a * b for a, b in zip(lsizes[:n], rsizes[:n], strict=True))
    assert (left[s] == right[i]).all()
    for key in range(n):
        assert np.isclose(weight[left[s] == key].sum(), lsizes[key] * rsizes[key])
    if total > max_pairs:
        assert len(s) <= max(max_pairs, n)


def test_the_sample_is_the_same_on_every_run() -> None:
    rng = np.random.default_rng(0)
    left, right = rng.integers(0, 20, 3_000), rng.integers(0, 20, 30_000)
    one, two = join_pairs(left, right, 5_000), join_pairs(left, right, 5_000)
    assert all(np.array_equal(a, b) for a, b in zip(one[:3], two[:3], strict=True))


def test_no_keys_no_pairs() -> None:
    s, i, _, total = join_pairs(np.array([-1, -1]), np.array([3, 4]), 100)
    assert total == 0 and len(s) == len(i) == 0
