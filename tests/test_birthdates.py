"""Specification of vhh.linkage.link.birthdates: agreement levels of two "YYYYMMDD" birthdates.

All dates are invented.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vhh.linkage.link.birthdates import (
    LEVELS,
    compare_birthdates,
    compare_birthdates_series,
    within_one_slip,
)
from vhh.linkage.normalise.dates import birth_year

EXAMPLES = [
    # exact
    ("19850314", "19850314", "exact"),
    # partial: an unknown month and/or day on either side, known parts equal
    ("19850314", "19850300", "partial"),
    ("19850314", "19850014", "partial"),
    ("19850314", "19850000", "partial"),
    ("19850000", "19850000", "partial"),
    ("19850300", "19850014", "partial"),
    # swap: day and month exchanged, both 1-12
    ("19850304", "19850403", "swap"),
    ("19851201", "19850112", "swap"),
    # one digit differs anywhere
    ("19850314", "19850315", "one_digit"),
    ("19850314", "19860314", "one_digit"),
    ("19850314", "19950314", "one_digit"),  # a decade slip that is also one digit
    ("19850314", "18850314", "one_digit"),  # a century slip that is also one digit
    ("19850300", "19850400", "one_digit"),
    # year_decade: years exactly 10 apart in more than one digit
    ("19990314", "20090314", "year_decade"),
    ("19950101", "20050101", "year_decade"),
    # year_century: typed 19xx for 20xx
    ("20050314", "19050314", "year_century"),
    ("20120601", "19120601", "year_century"),
    # different
    ("19850314", "19850331", "different"),
    ("19850314", "19870416", "different"),
    ("19850314", "19850400", "different"),  # a known month that differs is not partial
    ("19851301", "19850113", "different"),  # "swap" needs both day and month to be 1-12
    ("19850314", "19950315", "different"),
    ("19990314", "20090315", "different"),
    ("20050314", "19050315", "different"),
    # missing
    ("", "19850314", "missing"),
    ("19850314", "", "missing"),
    ("", "", "missing"),
    ("00000000", "19850314", "missing"),  # GBA's wholly unknown date
    ("00000314", "00000314", "missing"),  # a date without a year
]


@pytest.mark.parametrize(("a", "b", "level"), EXAMPLES)
def test_each_pair_gets_the_first_level_that_holds(a: str, b: str, level: str) -> None:
    assert compare_birthdates(a, b) == level
    assert compare_birthdates(b, a) == level


def test_levels_are_an_ordered_immutable_tuple_from_best_to_worst() -> None:
    assert LEVELS == (
        "exact", "partial", "swap", "one_digit", "year_decade", "year_century", "different",
        "missing",
    )
    assert isinstance(LEVELS, tuple)


def test_every_level_is_reachable() -> None:
    assert {level for _, _, level in EXAMPLES} == set(LEVELS)


def test_equal_dates_with_an_unknown_part_are_partial_not_exact() -> None:
    assert compare_birthdates("19850300", "19850300") == "partial"


def test_day_month_swap_needs_day_and_month_to_differ() -> None:
    assert compare_birthdates("19850303", "19850303") == "exact"


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan, pd.NA])
def test_none_and_nan_count_as_missing(missing: object) -> None:
    assert compare_birthdates(missing, "19850314") == "missing"  # type: ignore[arg-type]
    assert birth_year(missing) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "bad",
    ["1985-03-14", "198503", "1985031", "198503140", "nan", " 19850314", "1985O314", "١٩٨٥٠٣١٤"],
)
def test_malformed_dates_raise_without_showing_the_value(bad: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        compare_birthdates(bad, "19850314")
    assert bad.strip() not in str(excinfo.value)
    assert "YYYYMMDD" in str(excinfo.value)


@pytest.mark.parametrize(
    ("level", "expected"),
    [("exact", True), ("partial", True), ("swap", True), ("one_digit", True),
     ("year_decade", True), ("year_century", True), ("different", False), ("missing", False)],
)
def test_within_one_slip_holds_from_exact_to_year_century(level: str, expected: bool) -> None:
    assert within_one_slip(level) is expected


def test_within_one_slip_rejects_an_unknown_level() -> None:
    with pytest.raises(ValueError, match="unknown birthdate level"):
        within_one_slip("close")


@pytest.mark.parametrize(
    ("date", "year"),
    [("19850314", 1985), ("19850000", 1985), ("20010101", 2001), ("", None), ("00000000", None)],
)
def test_birth_year_reads_the_year_or_none(date: str, year: int | None) -> None:
    assert birth_year(date) == year


def test_birth_year_rejects_a_malformed_date() -> None:
    with pytest.raises(ValueError):
        birth_year("14-03-1985")


# --------------------------------------------------------------------------------------------
# Vectorised comparison
# --------------------------------------------------------------------------------------------


def test_series_comparison_gives_the_scalar_level_for_every_example() -> None:
    a = pd.Series([x for x, _, _ in EXAMPLES], index=range(100, 100 + len(EXAMPLES)))
    b = pd.Series([y for _, y, _ in EXAMPLES])
    result = compare_birthdates_series(a, b)
    assert result.tolist() == [level for _, _, level in EXAMPLES]
    assert result.index.equals(a.index)


def test_series_comparison_treats_nan_and_none_as_missing() -> None:
    a = pd.Series(["19850314", None, np.nan, pd.NA], dtype=object)
    b = pd.Series(["19850314"] * 4)
    assert compare_birthdates_series(a, b).tolist() == ["exact"] + ["missing"] * 3
    text = pd.Series(["19850314", pd.NA], dtype="string")
    assert compare_birthdates_series(text, text).tolist() == ["exact", "missing"]


def test_series_comparison_of_empty_series_is_empty() -> None:
    empty = pd.Series([], dtype=object)
    assert compare_birthdates_series(empty, empty).empty


def test_series_comparison_refuses_series_of_different_lengths() -> None:
    with pytest.raises(ValueError, match="lengths differ"):
        compare_birthdates_series(pd.Series(["19850314"]), pd.Series(["19850314"] * 2))


def test_series_comparison_counts_malformed_dates_without_showing_them() -> None:
    bad = pd.Series(["19850314", "14-03-1985", "1985"])
    with pytest.raises(ValueError) as excinfo:
        compare_birthdates_series(bad, bad)
    assert "2 malformed birthdates" in str(excinfo.value)
    assert "14-03-1985" not in str(excinfo.value)


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------

digits8 = st.from_regex(r"[0-9]{8}", fullmatch=True)
plausible = st.builds(
    "{:04d}{:02d}{:02d}".format,
    st.sampled_from([0, 1905, 1985, 1995, 2005, 2085]),
    st.integers(0, 13),
    st.integers(0, 13),
)


@st.composite
def related_pair(draw: st.DrawFn) -> tuple[str, str]:
    """A date and a second one a typical slip away, so that every level is exercised."""
    a = draw(plausible | digits8)
    y, m, d = a[:4], a[4:6], a[6:]
    position = draw(st.integers(0, 7))
    digit = draw(st.sampled_from("0123456789"))
    b = draw(
        st.sampled_from(
            [
                a,
                "",
                y + d + m,
                y + "00" + d,
                y + m + "00",
                a[:position] + digit + a[position + 1:],
                f"{(int(y) + 10) % 10000:04d}{m}{d}",
                f"{(int(y) + 100) % 10000:04d}{m}{d}",
            ]
        )
        | digits8
        | plausible
    )
    return (a, b) if draw(st.booleans()) else (b, a)


@settings(max_examples=200)
@given(related_pair())
def test_compare_birthdates_is_symmetric(pair: tuple[str, str]) -> None:
    a, b = pair
    assert compare_birthdates(a, b) == compare_birthdates(b, a)


@settings(max_examples=200)
@given(related_pair())
def test_level_is_always_one_of_levels(pair: tuple[str, str]) -> None:
    assert compare_birthdates(*pair) in LEVELS


@settings(max_examples=100)
@given(st.lists(related_pair(), max_size=30))
def test_series_and_scalar_comparison_agree_on_every_element(
    pairs: list[tuple[str, str]],
) -> None:
    a = pd.Series([x for x, _ in pairs], dtype=object)
    b = pd.Series([y for _, y in pairs], dtype=object)
    expected = [compare_birthdates(x, y) for x, y in pairs]
    assert compare_birthdates_series(a, b).tolist() == expected


@settings(max_examples=200)
@given(plausible | digits8)
def test_a_complete_date_is_exact_with_itself(date: str) -> None:
    complete = date[:4] != "0000" and date[4:6] != "00" and date[6:] != "00"
    assert (compare_birthdates(date, date) == "exact") is complete
