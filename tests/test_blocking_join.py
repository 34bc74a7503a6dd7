"""The blocking join by sorted runs (:func:`vhh.linkage.link.blocking._join`) finds the
pairs of its plain definition, a merge on the key, however its pieces fall."""

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
    with mock.patch.object(blocking, "_PIECE", piece):
        packed = blocking._join(lk, rk, n, 4)
    assert np.sort(packed).tolist() == plain.tolist()
