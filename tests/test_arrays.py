"""vhh.linkage.arrays: positions in a sorted array (-1 where absent), and a reindex of a
few labelled values onto many rows by those positions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vhh.linkage.arrays import distinct_sorted, find_sorted, spread_onto


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


@settings(max_examples=80, deadline=None)
@given(st.sets(st.integers(0, 60), max_size=40), st.sets(st.integers(-5, 70), max_size=20),
       st.sampled_from(["text", "flag", "number"]), st.booleans(), st.booleans())
def test_spread_values_are_what_reindex_gives(rows, labelled, kind, shuffled, repeated):
    """On ascending distinct row labels it takes the fast path; on any other index (a
    shuffled one, a repeated label), or values it cannot hold as reindex would, it is
    reindex itself. Labels absent from the rows are dropped, rows without one get fill."""
    index = pd.Index(sorted(rows), dtype=np.int64)
    if shuffled:
        index = index[::-1]
    labels = sorted(labelled) + ([max(labelled)] if repeated and labelled else [])
    data = {"text": [f"r{k}" for k in range(len(labels))],
            "flag": [k % 2 == 0 for k in range(len(labels))],
            "number": list(range(len(labels)))}[kind]
    values = pd.Series(data, index=pd.Index(labels, dtype=np.int64),
                       dtype={"text": object, "flag": bool, "number": np.int64}[kind],
                       name="reden")
    fill = {"text": "", "flag": False, "number": -1}[kind]
    if not values.index.is_unique:  # reindex refuses repeated labels, and so must it
        with pytest.raises(ValueError, match="duplicate labels"):
            values.reindex(index, fill_value=fill)
        with pytest.raises(ValueError, match="duplicate labels"):
            spread_onto(values, index, fill)
        return
    pd.testing.assert_series_equal(spread_onto(values, index, fill),
                                   values.reindex(index, fill_value=fill))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(0, 2**64 - 1), max_size=50),
       st.sampled_from([np.uint64, np.int64, np.int32, np.int16, np.uint16, np.int8,
                        np.uint8, bool]), st.booleans())
def test_distinct_sorted_values_are_what_np_unique_gives(values, dtype, square):
    """The same array (values, order and dtype) for integers of any width, flags, an empty
    array and a two-dimensional one (flattened, as np.unique does)."""
    a = np.array(values, dtype=np.uint64).astype(dtype)
    if square and len(a) >= 4:
        a = a[:4].reshape(2, 2)
    got, expected = distinct_sorted(a), np.unique(a)
    assert got.dtype == expected.dtype and got.tolist() == expected.tolist()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-(2**15), 2**15 - 1), min_size=1, max_size=60),
       st.sampled_from([np.int16, np.int8, np.uint8, bool]), st.integers(1, 7))
def test_small_integers_counted_piece_by_piece_are_what_np_unique_gives(values, dtype, piece):
    """1- and 2-byte integers are counted, not sorted: negative ones, the extremes of the
    type and pieces of any size give np.unique's array."""
    import vhh.linkage.arrays as arrays
    a = np.array(values, dtype=np.int64).astype(dtype)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(arrays, "_PIECE", piece)
        got = distinct_sorted(a)
    expected = np.unique(a)
    assert got.dtype == expected.dtype and got.tolist() == expected.tolist()


def test_distinct_sorted_leaves_floats_and_texts_to_np_unique():
    nan = float("nan")
    floats = np.array([2.0, nan, 1.0, nan, 2.0])
    assert np.array_equal(distinct_sorted(floats), np.unique(floats), equal_nan=True)
    assert len(distinct_sorted(floats)) == 3  # NaNs are one value, as np.unique has it
    texts = np.array(["b", "a", "b"], dtype=object)
    assert distinct_sorted(texts).tolist() == ["a", "b"]



def test_a_frame_without_its_rows_keeps_its_columns_and_none_of_its_memory() -> None:
    import gc
    import weakref

    from vhh.linkage.arrays import no_rows
    ids = np.arange(500, dtype=np.int64)
    frame = pd.DataFrame({"id": ids, "code": pd.Categorical(["a", "b"] * 250),
                          "text": pd.array(["x"] * 500, dtype="string[pyarrow]")}, copy=False)
    alive = weakref.ref(ids)
    empty = no_rows(frame)
    del ids, frame
    gc.collect()
    assert alive() is None
    assert empty.empty and list(empty.columns) == ["id", "code", "text"]
    assert empty.dtypes.astype(str).tolist() == ["int64", "category", "string"]
    assert empty["code"].cat.categories.tolist() == ["a", "b"]
