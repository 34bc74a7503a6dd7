"""The blocking join by sorted runs (:func:`vhh.linkage.link.blocking._join`) finds the
pairs of its plain definition, a merge on the key, however its pieces fall; the passes'
pairs, gathered in one growing array and combined in place (``_combine``), are the
distinct pairs of all passes with the passes that found each."""

from __future__ import annotations

from unittest import mock

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from vhh.linkage.link import blocking

_SIDE = st.lists(st.tuples(st.integers(0, 30), st.integers(0, 5)), max_size=40)


@settings(max_examples=100, deadline=None)
@given(_SIDE, _SIDE, st.integers(1, 9))
def test_the_join_by_sorted_runs_is_the_merge(left, right, piece) -> None:  # type: ignore[no-untyped-def]
    # index: row position (repeated, as for exploded surname parts); value: the key
    lk = pd.Series([k for _, k in left], index=[p for p, _ in left], dtype=np.int64)
    rk = pd.Series([k for _, k in right], index=[p for p, _ in right], dtype=np.int64)
    merged = pd.merge(pd.DataFrame({"s": lk.index, "key": lk.to_numpy()}),
                      pd.DataFrame({"i": rk.index, "key": rk.to_numpy()}), on="key")
    n = 31
    plain = np.sort((merged["s"].to_numpy(np.int64) * n + merged["i"].to_numpy(np.int64))
                    << blocking._PASS_BITS | 4)
    packed = blocking._Packed()
    packed.extend(3)[:] = -1  # pairs already there stay, the new ones come after them
    with mock.patch.object(blocking, "_PIECE", piece):
        blocking._join(lk, rk, n, 4, packed)
    assert packed.values[:3].tolist() == [-1, -1, -1]
    assert np.sort(packed.values[3:]).tolist() == plain.tolist()


_PASS = st.lists(st.tuples(st.integers(0, 6), st.integers(0, 9)), max_size=30)


@settings(max_examples=100, deadline=None)
@given(st.lists(_PASS, min_size=1, max_size=4), st.integers(1, 9))
def test_the_passes_pairs_combine_to_distinct_pairs_with_their_passes(
        passes: list[list[tuple[int, int]]], piece: int) -> None:
    n = 10
    packed = blocking._Packed()
    expected: dict[tuple[int, int], set[str]] = {}
    names = sorted(blocking.PASS_NAMES)
    for name, pairs in zip(blocking.PASS_NAMES, passes, strict=False):
        out = packed.extend(len(pairs))
        for k, (s, i) in enumerate(pairs):
            out[k] = (s * n + i) << blocking._PASS_BITS | 1 << names.index(name)
            expected.setdefault((s, i), set()).add(name)
    with mock.patch.object(blocking, "_PIECE", piece):
        combined, per_pass = blocking._combine(packed, n)
    got = list(zip(combined["s"], combined["i"], combined["passes"].astype(str), strict=True))
    assert got == [(s, i, "+".join(sorted(expected[(s, i)]))) for s, i in sorted(expected)]
    assert combined["s"].dtype == np.int32 and combined["i"].dtype == np.int32
    assert per_pass == {name: sum(name in v for v in expected.values())
                        for name in blocking.PASS_NAMES}
    assert len(packed.values) == 0  # the pairs were handed over, not kept twice


def test_the_report_without_pairs_lets_the_pair_table_go() -> None:
    """``without_pairs`` keeps the report numbers and no array of the table: a slice of no
    rows would be a view that keeps every pair alive (at 5M rows 0.2 GB for the rest of
    the run)."""
    import gc
    import weakref

    s = np.arange(1000, dtype=np.int32)
    passes = pd.Categorical.from_codes(np.zeros(1000, dtype=np.int8), categories=["x"])
    table = pd.DataFrame({"s": s, "i": s[::-1].copy(), "passes": passes}, copy=False)
    alive = weakref.ref(s)
    report = blocking.Blocking(table, {"x": 1000}, [], [])
    lean = report.without_pairs()
    del s, passes, table, report
    gc.collect()
    assert alive() is None
    assert lean.n_pairs == 1000 and lean.pairs_per_pass == {"x": 1000}
    assert list(lean.pairs.columns) == ["s", "i", "passes"] and lean.pairs.empty
    assert lean.pairs["s"].dtype == np.int32
    assert isinstance(lean.pairs["passes"].dtype, pd.CategoricalDtype)
