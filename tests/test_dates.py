"""Date notations of the extracts, partial dates, and the parse-distinct-once shortcut."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vhh.linkage.normalise.dates import parse_dates


@pytest.mark.parametrize(("text", "key", "status"), [
    ("01-02-1980", "19800201", "ok"),
    ("1-2-1980", "19800201", "ok"),
    ("1980-02-01", "19800201", "ok"),
    ("01/02/1980", "19800201", "ok"),
    ("2013-05-01 00:00:00", "20130501", "ok"),
    ("00-05-1984", "19840500", "partial"),
    ("00-00-1984", "19840000", "partial"),
    ("05-00-1984", "", "invalid"),      # a known day in an unknown month is not a date
    ("31-02-1985", "", "invalid"),
    ("1985-13-40", "", "invalid"),
    ("abc", "", "invalid"),
    ("", "", "missing"),
])
def test_notations(text, key, status):
    parsed = parse_dates(pd.Series([text]))
    assert (parsed.key.iloc[0], parsed.status.iloc[0]) == (key, status)
    assert pd.isna(parsed.date.iloc[0]) == (status != "ok")


def test_real_date_values_from_parquet_or_excel():
    parsed = parse_dates(pd.Series(pd.to_datetime(["2013-05-01", None])))
    assert list(parsed.key) == ["20130501", ""]
    assert list(parsed.status) == ["ok", "missing"]


_TEXTS = st.sampled_from(["01-02-1980", "1-2-1980", "00-05-1984", "31-02-1985", "", "x",
                          "2013-12-31", None])


@settings(max_examples=100, deadline=None)
@given(st.lists(_TEXTS, min_size=1, max_size=30))
def test_parsing_repeated_values_equals_parsing_each_alone(texts):
    series = pd.Series(texts, dtype=object, index=range(7, 7 + len(texts)))
    whole = parse_dates(series)
    for idx, text in series.items():
        alone = parse_dates(pd.Series([text], dtype=object))
        assert whole.key[idx] == alone.key.iloc[0]
        assert whole.status[idx] == alone.status.iloc[0]
    assert list(whole.key.index) == list(series.index)


# pieces of date notations, also the near misses: white space of every kind, digits of other
# scripts (fullwidth, Arabic-Indic), a time part, too many digits, letters
_PIECES = st.sampled_from(["1", "01", "12", "31", "00", "1980", "2013", "19800", "-", "/",
                           ".", " ", "T", "12:30", "12:30:15.5", ":", "\t", "\x0b", "\x1c",
                           "\xa0", "１", "٣", "x", "é", "\udcff"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_PIECES, max_size=8).map("".join), min_size=1, max_size=40))
def test_dates_read_in_one_pass_equal_reading_each_text_by_the_definition(texts):
    from vhh.linkage.normalise.dates import _date_numbers, _read  # the definition
    stripped = pd.Series([t.strip() for t in texts], dtype=object)
    read = zip(*(x.tolist() for x in _date_numbers(stripped)), strict=True)
    assert [(y, m, d, int(ok)) for y, m, d, ok in read] == [_read(t) for t in stripped]


def test_each_notation_is_read_by_the_one_pass_as_written():
    from vhh.linkage.normalise.dates import _date_numbers
    texts = pd.Series(["01-02-1980", "1/2/1980", "1.2.1980", "1980-02-01", "1980-2-1 12:30",
                       "1980-02-01T12:30:15.5", "１-02-1980", "01-02-19800", "", "1980/02/01"])
    y, m, d, matched = _date_numbers(texts)
    assert list(zip(y.tolist(), m.tolist(), d.tolist(), matched.tolist(), strict=True)) == [
        (1980, 2, 1, True)] * 6 + [(0, 0, 0, False)] * 4  # a fullwidth digit is not read
