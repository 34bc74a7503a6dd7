"""The secure CSV files are the bytes ``to_csv`` writes, however they are put together.

:func:`vhh.linkage.io.csv_text.csv_pieces` formats each column's distinct values once and
joins rows in pieces; the reference is pandas itself on the frames joined as
``pipelines.outputs`` joined them (frames without rows left out).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vhh.linkage.io.csv_text import SharedRows, csv_bytes, csv_pieces

# the characters that decide quoting, plus Dutch names and a character outside Latin-1
# (a NUL too: pandas' own hashing of texts stops there)
_TEXT = st.text(alphabet=st.sampled_from(list("ab ,\"';éĳ'tvan der-\u20ac0.\x00")), max_size=6)
_BREAKS = st.text(alphabet=st.sampled_from(list("a,\"\n\r")), max_size=4)  # to_csv's own
_FLOAT = st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                   st.sampled_from([0.0, -0.0, 1.0, 1e-7, 123456789.125]))


def _reference(frames: list[pd.DataFrame]) -> bytes:
    full = [f for f in frames if len(f)]
    joined = pd.concat(full, ignore_index=True) if full else frames[0].iloc[:0]
    text: str = joined.to_csv(index=False, lineterminator="\n")
    return text.encode("utf-8")


@st.composite
def _frames(draw: st.DrawFn) -> list[pd.DataFrame]:
    n = draw(st.integers(0, 12))
    kinds = draw(st.lists(st.sampled_from(
        ["text", "text_or_none", "float", "int", "bool", "category", "date", "datetime",
         "mixed", "arrow", "breaks"]), min_size=1, max_size=5))
    data: dict[str, object] = {}
    for k, kind in enumerate(kinds):
        name = f"k{k}"
        if kind in ("text", "breaks"):
            data[name] = draw(st.lists(_TEXT if kind == "text" else _BREAKS, min_size=n,
                                       max_size=n))
        elif kind == "text_or_none":
            data[name] = pd.Series(draw(st.lists(st.one_of(st.none(), _TEXT), min_size=n,
                                                 max_size=n)), dtype=object)
        elif kind == "float":
            data[name] = np.array(draw(st.lists(_FLOAT, min_size=n, max_size=n)), dtype=float)
        elif kind == "int":
            data[name] = np.array(draw(st.lists(st.integers(-10**12, 10**12), min_size=n,
                                                max_size=n)), dtype=np.int64)
        elif kind == "bool":
            data[name] = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
        elif kind == "category":
            data[name] = pd.Categorical(draw(st.lists(st.one_of(st.none(), _TEXT),
                                                      min_size=n, max_size=n)))
        elif kind in ("date", "datetime"):
            hours = st.just(0) if kind == "date" else st.integers(0, 23)
            days = draw(st.lists(st.one_of(st.none(), st.tuples(st.integers(0, 400), hours)),
                                 min_size=n, max_size=n))
            data[name] = pd.to_datetime([None if d is None else
                                         pd.Timestamp("2020-01-01") + pd.Timedelta(days=d[0],
                                                                                   hours=d[1])
                                         for d in days])
        elif kind == "mixed":  # 1, 1.0 and True hash alike in an object column
            data[name] = pd.Series(draw(st.lists(st.sampled_from([1, 1.0, True, "1", None]),
                                                 min_size=n, max_size=n)), dtype=object)
        else:
            data[name] = pd.Series(draw(st.lists(st.one_of(st.none(), _TEXT, _BREAKS),
                                                 min_size=n, max_size=n)),
                                   dtype="string[pyarrow]")
    frame = pd.DataFrame(data)
    cuts = sorted(draw(st.lists(st.integers(0, n), max_size=3)))
    bounds = [0, *cuts, n]
    return [frame.iloc[lo:hi] for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)]


@settings(max_examples=200, deadline=None)
@given(_frames(), st.integers(1, 5))
def test_pieces_are_the_bytes_pandas_writes(frames: list[pd.DataFrame], piece_rows: int) -> None:
    assert b"".join(csv_pieces(frames, piece_rows=piece_rows)) == _reference(frames)


@settings(max_examples=100, deadline=None)
@given(_frames(), st.lists(st.integers(0, 11), max_size=30), st.lists(_TEXT, max_size=30),
       st.integers(1, 7))
def test_shared_rows_are_written_as_their_rows(frames: list[pd.DataFrame], at: list[int],
                                               own: list[str], piece_rows: int) -> None:
    shared = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    at = [a % len(shared) for a in at] if len(shared) else []
    own = (own * 30)[:len(at)] if own else [""] * len(at)
    table = SharedRows(("eigen", *shared.columns), shared, np.array(at, dtype=np.int64),
                       pd.DataFrame({"eigen": pd.Series(own, dtype=object)}))
    expected = table.frame()
    assert list(expected["eigen"]) == own and len(expected) == len(at)
    halves = [SharedRows(table.columns, shared, table.at[:3], table.own.iloc[:3]),
              SharedRows(table.columns, shared, table.at[3:], table.own.iloc[3:])]
    assert b"".join(csv_pieces([table], piece_rows=piece_rows)) == _reference([expected])
    assert b"".join(csv_pieces(halves, piece_rows=piece_rows)) == _reference(
        [h.frame() for h in halves])


def test_which_rows_hold_a_value_is_asked_of_shared_and_own_columns_alike() -> None:
    """A shared column is compared once per shared row; the answer per row is the one the
    written-out column gives, a missing value holding no value."""
    shared = pd.DataFrame({"besluit": pd.Series(["match", "review", None], dtype=object),
                           "regel": pd.array(["a", pd.NA, "review"], dtype="string")})
    table = SharedRows(("record_id", "besluit", "regel"), shared,
                       np.array([1, 0, 2, 1, 1], dtype=np.int64),
                       pd.DataFrame({"record_id": ["B1", "review", "B3", None, "B5"]}))
    for name in table.columns:
        column = table.column(name)
        expected = [value == "review" if isinstance(value, str) else False for value in column]
        assert table.equals(name, "review").tolist() == expected
    assert table.equals("besluit", "review").tolist() == [True, False, False, True, True]


def test_a_koppelingen_like_table_is_written_exactly() -> None:
    rows = 1_000
    frame = pd.DataFrame({
        "gcos_id": [f"G{k // 7:06d}" for k in range(rows)],
        "record_id": [f"B{k:07d}" if k % 97 else f"B,{k}" for k in range(rows)],
        "regel": pd.Series(["fellegi_sunter", "exact"] * (rows // 2)),
        "score": np.round(np.linspace(-20, 20, rows), 4),
        "match_kans": np.where(np.arange(rows) % 3 == 0, np.nan, 0.999999),
        "n": np.arange(rows)})
    assert csv_bytes(frame) == _reference([frame])
    assert len(list(csv_pieces([frame], piece_rows=64))) == 1 + 16  # header, then pieces
    assert b"".join(csv_pieces([frame.iloc[:400], frame.iloc[400:]], piece_rows=64)) == \
        _reference([frame])


def test_zero_and_minus_zero_and_dates_with_and_without_a_time() -> None:
    signed = pd.DataFrame({"x": [0.0, -0.0, 0.0], "y": ["a", "b", "c"]})
    assert b"-0.0,b" in csv_bytes(signed)
    assert csv_bytes(signed) == _reference([signed])
    # alone, a column of midnights is written as dates; joined with a time, as times
    when = pd.DataFrame({"t": pd.to_datetime(["2020-01-01 00:00", "2020-01-02 03:00"]),
                         "y": ["a", "b"]})
    pieces = [when.iloc[:1], when.iloc[1:]]
    assert b"".join(csv_pieces(pieces)) == _reference(pieces)
    assert b"2020-01-01 00:00:00,a" in b"".join(csv_pieces(pieces))


def test_ids_in_arrow_are_quoted_as_the_csv_module_quotes() -> None:
    ids = ["B1", "B,2", 'B"3', "B\n4", "B\r5", "B 6", "", None, "van 't Hof"]
    frame = pd.DataFrame({"record_id": pd.Series(ids, dtype="string[pyarrow]"),
                          "n": range(len(ids))})
    assert csv_bytes(frame) == _reference([frame])


def test_texts_that_differ_after_a_nul_stay_apart() -> None:
    frame = pd.DataFrame({"record_id": ["a\x00b", "a\x00c", "a\x00b", None],
                          "n": [1, 2, 3, 4]})
    assert csv_bytes(frame) == _reference([frame])
    assert b"a\x00c,2" in csv_bytes(frame)


def test_frames_of_different_dtypes_are_joined_as_pandas_joins_them() -> None:
    ints = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    floats = pd.DataFrame({"a": [1.5, np.nan], "b": ["z", "w"]})
    assert b"".join(csv_pieces([ints, floats])) == _reference([ints, floats])
    assert b"1.0,x" in b"".join(csv_pieces([ints, floats]))  # the joined column is float


def test_no_frame_is_a_mistake() -> None:
    with pytest.raises(ValueError, match="at least one frame"):
        list(csv_pieces([]))
