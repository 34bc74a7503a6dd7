"""A coded column (distinct values once, a code per row) is the object column it stands for.

The police identities' normalised columns are held this way (issue 17: 150 MiB less at 5M
BVH rows); every pandas operation the linkage steps use must give what the plain object
column gives, value for value and dtype for dtype.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from vhh.linkage.normalise.coded import CodedArray, coded
from vhh.linkage.normalise.identities import normalise_identities
from vhh.linkage.normalise.identity_codes import (
    BIRTH_CODE,
    CODE_OF,
    INITIALS_CODE,
    SURNAME_CODE,
    exploded,
    factorized,
)

DISTINCT = [("van", "der", "berg"), ("jansen",), (), ("'t", "hart")]
CODES = np.array([1, 0, 1, 3, 2, 1, 0], dtype=np.int32)


def _pair() -> tuple[pd.Series, pd.Series]:
    plain = np.empty(len(CODES), dtype=object)
    for k, code in enumerate(CODES):
        plain[k] = DISTINCT[code]
    index = pd.RangeIndex(10, 10 + len(CODES))
    return pd.Series(coded(CODES, DISTINCT), index=index), pd.Series(plain, index=index)


def test_its_values_are_the_distinct_values_at_the_codes_with_tuples_kept_whole() -> None:
    held, plain = _pair()
    assert held.to_numpy().tolist() == plain.to_numpy().tolist()
    assert held.to_numpy().dtype == object
    assert held[13] == ("'t", "hart") and held.iloc[4] == ()


@pytest.mark.parametrize("step", [
    lambda s: s.map(len),
    lambda s: s.map("|".join),
    lambda s: s.astype(str),
    lambda s: s.explode().fillna(""),
    lambda s: s.iloc[[6, 0, 3]],
    lambda s: s.loc[[12, 11]],
    lambda s: s[s.map(len) > 1],
    lambda s: s.reset_index(drop=True),
    lambda s: pd.concat([s, s.iloc[:2]]),
    lambda s: s.copy(),
    lambda s: pd.Series(list(s), index=s.index, dtype=object),
    lambda s: pd.Series([len(u) for u in pd.factorize(s, use_na_sentinel=False)[1]]),
])
def test_every_step_the_linkage_uses_gives_the_plain_result(step) -> None:  # type: ignore[no-untyped-def]
    held, plain = _pair()
    got, want = step(held), step(plain)
    assert got.index.tolist() == want.index.tolist()
    assert pd.Series(got.to_numpy(), dtype=object).tolist() == want.tolist()
    if want.dtype != object:  # map(len) gives integers on both
        assert got.dtype == want.dtype


def test_comparisons_run_on_the_distinct_values_and_agree() -> None:
    held, plain = _pair()
    assert (held == ("jansen",)).tolist() == (plain == ("jansen",)).tolist()
    text = pd.Series(coded(CODES, ["a", "", "a", "b"][:4]))
    assert (text == "").tolist() == [v == "" for v in text.to_numpy()]
    assert (text != "a").tolist() == [v != "a" for v in text.to_numpy()]
    assert not text.isna().any()


def test_it_costs_a_code_per_row_not_a_pointer_and_tells_no_value() -> None:
    held, _ = _pair()
    array = held.array
    assert isinstance(array, CodedArray)
    assert array.nbytes == 4 * len(CODES)
    assert "berg" not in repr(array) and "jansen" not in repr(array)
    assert repr(array) == "CodedArray(7 values, 4 distinct)"


def test_iterating_gives_the_values_in_order_and_none_where_missing() -> None:
    held = coded(np.array([2, -1, 0], dtype=np.int32), ["a", "b", ("c", "d")])
    assert list(held) == [("c", "d"), None, "a"]
    assert list(coded(np.zeros(0, dtype=np.int32), [])) == []


def test_a_taken_row_past_the_end_is_missing() -> None:
    held, _ = _pair()
    taken = held.array.take([0, -1], allow_fill=True)
    assert taken[0] == ("jansen",) and taken[1] is None
    assert taken.isna().tolist() == [False, True]
    assert taken.to_numpy().tolist() == [("jansen",), None]


IDENTITIES = pd.DataFrame({
    "achternaam": ["Berg", "Berg", "Vries-de Jong", "Hart", "Müller", "", "Berg"],
    "tussenvoegsel": ["van der", "van der", "de", "'t", "", "", ""],
    "voorletters": ["J.H.", "JH", "A", "Th.", "", "IJ.", "J.H."],
    "geboortedatum": ["1980-01-02", "1980-01-02", "1975-13-01", "", "2001-02-29",
                      "1990-05-05", "1980-01-02"],
    "geslacht": [0, 0, 1, 9, 1, 0, 0],
    "voornamen": [""] * 7,
})


def test_held_police_identities_equal_plain_ones_column_for_column() -> None:
    held = normalise_identities(IDENTITIES)
    plain = normalise_identities(IDENTITIES, held=False)
    assert list(held.columns) == list(plain.columns)
    for column in plain.columns:
        assert held[column].to_numpy().tolist() == plain[column].to_numpy().tolist(), column
    assert isinstance(held["core"].array, CodedArray)
    assert not isinstance(plain["core"].array, CodedArray)
    assert held["byear"].dtype == plain["byear"].dtype  # numbers stay a numeric column


def test_the_code_steps_read_a_held_column_through_its_codes() -> None:
    held = normalise_identities(IDENTITIES)
    plain = normalise_identities(IDENTITIES, held=False)
    for column, code in CODE_OF.items():
        assert code in (SURNAME_CODE, INITIALS_CODE, BIRTH_CODE)
        if column == "byear":
            continue
        got_codes, got_uniques = factorized(held, column, as_text=True)
        want_codes, want_uniques = factorized(plain, column, as_text=True)
        assert got_codes.tolist() == want_codes.tolist(), column
        assert list(got_uniques) == list(want_uniques), column
    for column in ("parts", "phonetic", "components"):
        pd.testing.assert_series_equal(exploded(held, column), exploded(plain, column))


def test_a_missing_row_compares_and_maps_as_a_missing_object_value() -> None:
    text = pd.Series(coded(np.array([0, 1], dtype=np.int32), ["a", "b"])).array.take(
        [0, -1, 1], allow_fill=True)
    plain = pd.Series(["a", None, "b"], dtype=object)
    held = pd.Series(text)
    assert (held == "b").tolist() == (plain == "b").tolist()
    assert (held != "b").tolist() == (plain != "b").tolist()
    assert held.map(lambda v: v is None).tolist() == [False, True, False]
    assert held.astype(str).tolist() == plain.astype(str).tolist()
