"""vhh.linkage.arrays.find_sorted: positions in a sorted array, -1 where absent."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from vhh.linkage.arrays import find_sorted


@settings(max_examples=80, deadline=None)
@given(st.sets(st.integers(-50, 50), max_size=30), st.lists(st.integers(-60, 60), max_size=40),
       st.booleans())
def test_each_needle_is_found_where_it_is_or_not_at_all(haystack, needles, sort_needles):
    hay = np.array(sorted(haystack), dtype=np.int64)
    wanted = np.array(needles, dtype=np.int64)
    at = find_sorted(hay, wanted, sort_needles=sort_needles)
    expected = [sorted(haystack).index(x) if x in haystack else -1 for x in needles]
    assert at.tolist() == expected


def test_unsigned_hashes_and_empty_sides() -> None:
    hay = np.array([3, 2**63 + 5, 2**64 - 1], dtype=np.uint64)
    assert find_sorted(hay, np.array([2**64 - 1, 4, 3], dtype=np.uint64),
                       sort_needles=True).tolist() == [2, -1, 0]
    assert find_sorted(hay[:0], np.array([1], dtype=np.uint64)).tolist() == [-1]
    assert find_sorted(hay, hay[:0]).tolist() == []
