"""Window boundaries: calendar months, half-open, month ends and leap days."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vhh.linkage.settings import WindowSettings
from vhh.linkage.study.windows import (
    Window,
    _shift_months,
    add_months,
    count_in_windows,
    followup_complete,
    window_bounds,
    windows_for,
)

D = dt.date
AFTER_Q = Window("kwartaal_na", 3, True)
BEFORE_Y = Window("jaar_voor", 12, False)


def test_31_january_plus_three_months_is_30_april():
    assert window_bounds(D(2013, 1, 31), AFTER_Q) == (D(2013, 1, 31), D(2013, 4, 30))


def test_month_end_clamps_to_february_in_leap_and_common_years():
    assert add_months(D(2012, 1, 31), 1) == D(2012, 2, 29)
    assert add_months(D(2013, 1, 31), 1) == D(2013, 2, 28)


def test_leap_day_minus_a_year_is_28_february():
    assert window_bounds(D(2012, 2, 29), BEFORE_Y) == (D(2011, 2, 28), D(2012, 2, 29))


def test_start_day_before_shifts_both_edges_by_one_day():
    lo, hi = window_bounds(D(2013, 5, 10), AFTER_Q, start_day="before")
    assert (lo, hi) == (D(2013, 5, 11), D(2013, 8, 11))


@given(st.dates(min_value=D(1990, 1, 1), max_value=D(2030, 12, 31)),
       st.integers(min_value=-24, max_value=24))
def test_vectorised_shift_agrees_with_the_scalar_rule(day, months):
    got = _shift_months(pd.Series([pd.Timestamp(day)]), months).iloc[0].date()
    assert got == add_months(day, months)


def _count(dates: list[str], start: str, **kw) -> pd.Series:
    settings = WindowSettings(**kw)
    events = pd.DataFrame({"gcos_id": "G1", "datum": pd.to_datetime(dates)})
    starts = pd.Series([pd.Timestamp(start)], index=["G1"])
    counts, _ = count_in_windows(events, starts, settings, "bvh")
    return counts.loc["G1"]


def test_incident_on_the_startdatum_counts_after_by_default():
    c = _count(["2013-05-10"], "2013-05-10")
    assert (c["bvh_kwartaal_na"], c["bvh_jaar_na"], c["bvh_jaar_voor"]) == (1, 1, 0)


def test_incident_on_the_startdatum_counts_before_when_configured():
    c = _count(["2013-05-10"], "2013-05-10", start_day="before")
    assert (c["bvh_kwartaal_na"], c["bvh_jaar_voor"], c["bvh_kwartaal_voor"]) == (0, 1, 1)


@pytest.mark.parametrize(("date", "in_year_before", "in_quarter_after"), [
    ("2012-05-10", 1, 0),   # exactly start - 12 months: inside (closed lower edge)
    ("2012-05-09", 0, 0),   # one day earlier: outside
    ("2013-08-09", 0, 1),   # last day of the after-quarter
    ("2013-08-10", 0, 0),   # start + 3 months: outside (open upper edge)
])
def test_window_edges(date, in_year_before, in_quarter_after):
    c = _count([date], "2013-05-10")
    assert c["bvh_jaar_voor"] == in_year_before
    assert c["bvh_kwartaal_na"] == in_quarter_after


def test_followup_incomplete_when_the_after_year_passes_the_extraction_date():
    starts = pd.Series(pd.to_datetime(["2013-01-01", "2014-01-02"]), index=["A", "B"])
    ok = followup_complete(starts, WindowSettings(extraction_date=D(2014, 12, 31)))
    assert ok.to_dict() == {"A": True, "B": False}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["G1", "G2", "G3", "G9"]),
                          st.one_of(st.none(), st.dates(min_value=D(2010, 1, 1),
                                                        max_value=D(2016, 12, 31)))),
                max_size=40),
       st.lists(st.dates(min_value=D(2011, 1, 1), max_value=D(2015, 12, 31)),
                min_size=3, max_size=3),
       st.sampled_from(["after", "before"]))
def test_every_event_is_counted_in_the_windows_its_own_subject_and_date_give(
        rows, start_dates, start_day):
    """Per subject and window, the count is the number of its events whose date lies in
    the window's half-open range (:func:`window_bounds`); an event of a subject without a
    startdatum (G9) or without a date counts nowhere, and is marked as counted nowhere."""
    config = WindowSettings(start_day=start_day)
    events = pd.DataFrame({"gcos_id": pd.Series([g for g, _ in rows], dtype=object),
                           "datum": pd.to_datetime(pd.Series([d for _, d in rows],
                                                             dtype=object))})
    events.index = pd.RangeIndex(len(rows)) * 3 + 7  # police rows: positions in a file
    starts = pd.Series(pd.to_datetime(start_dates), index=["G1", "G2", "G3"])
    counts, counted = count_in_windows(events, starts, config, "bvh")
    assert list(counts.index) == ["G1", "G2", "G3"] and counted.index.equals(events.index)
    anywhere = [False] * len(rows)
    for w in windows_for(config):
        for g, start in zip(starts.index, start_dates, strict=True):
            lo, hi = window_bounds(start, w, start_day)
            inside = [k for k, (e, d) in enumerate(rows) if e == g and d and lo <= d < hi]
            assert counts.loc[g, f"bvh_{w.name}"] == len(inside)
            for k in inside:
                anywhere[k] = True
    assert counted.tolist() == anywhere

