"""Observation windows around the startdatum, in calendar months, half-open.

With ``start_day = "after"`` (the default): before-quarter ``[start-3m, start)``,
before-year ``[start-12m, start)``, after-quarter ``[start, start+3m)``, after-year
``[start, start+12m)``: an incident on the startdatum counts *after*. With ``"before"`` the
boundary shifts by one day: before-windows ``(start-12m, start]``, after-windows
``(start, start+12m]``, so the start day counts *before*.

Month arithmetic follows the calendar and clamps to the month's last day: 31 January + 1
month is 28 (or 29) February; 29 February 2012 - 12 months is 28 February 2011.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from vhh.linkage.settings import WindowSettings

__all__ = ["Window", "add_months", "bounds_frame", "count_in_windows",
           "followup_complete", "window_bounds", "windows_for"]


@dataclass(frozen=True)
class Window:
    """One named window: ``months`` long, before or after the start."""

    name: str   # kwartaal_voor, jaar_voor, kwartaal_na, jaar_na
    months: int
    after: bool


def windows_for(settings: WindowSettings) -> tuple[Window, ...]:
    q, y = settings.quarter_months, settings.year_months
    return (Window("kwartaal_voor", q, False), Window("jaar_voor", y, False),
            Window("kwartaal_na", q, True), Window("jaar_na", y, True))


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` shifted by ``months`` calendar months, clamped to the month's end."""
    shifted: dt.date = (pd.Timestamp(day) + pd.DateOffset(months=months)).date()
    return shifted


def window_bounds(start: dt.date, window: Window, start_day: str = "after"
                  ) -> tuple[dt.date, dt.date]:
    """The half-open ``[lo, hi)`` range of dates in ``window`` for this startdatum."""
    shift = dt.timedelta(days=1) if start_day == "before" else dt.timedelta(0)
    if window.after:
        lo, hi = start, add_months(start, window.months)
    else:
        lo, hi = add_months(start, -window.months), start
    return lo + shift, hi + shift


def _shift_months(dates: pd.Series, months: int) -> pd.Series:
    """Vectorised calendar-month shift with clamping (same rule as :func:`add_months`)."""
    d = pd.DatetimeIndex(dates)
    total = d.year.to_numpy() * 12 + (d.month.to_numpy() - 1) + months
    year, month = total // 12, total % 12 + 1
    first = pd.to_datetime({"year": year, "month": month, "day": 1})
    last_day = (first + pd.offsets.MonthEnd(0)).dt.day.to_numpy()
    day = np.minimum(d.day.to_numpy(), last_day)
    return pd.Series(first.to_numpy() + (day - 1).astype("timedelta64[D]"),
                     index=dates.index).astype("datetime64[ns]")


def bounds_frame(starts: pd.Series, settings: WindowSettings) -> pd.DataFrame:
    """Per subject (index of ``starts``): lo/hi of every window as datetime columns."""
    out = {}
    shift = pd.Timedelta(days=1) if settings.start_day == "before" else pd.Timedelta(0)
    for w in windows_for(settings):
        other = _shift_months(starts, w.months if w.after else -w.months)
        lo, hi = (starts, other) if w.after else (other, starts)
        out[f"{w.name}_lo"] = lo + shift
        out[f"{w.name}_hi"] = hi + shift
    return pd.DataFrame(out, index=starts.index)


def count_in_windows(events: pd.DataFrame, starts: pd.Series, settings: WindowSettings,
                     prefix: str) -> tuple[pd.DataFrame, pd.Series]:
    """Count events (columns ``gcos_id``, ``datum``) per subject in each window.

    ``starts`` is indexed by gcos_id. Returns one row per subject in ``starts`` with columns
    ``{prefix}_{window}`` (int), and per event (index of ``events``) whether it lies in any
    window.
    """
    bounds = bounds_frame(starts, settings)
    # each event's subject as a position in ``starts`` (-1: none, as an inner join drops
    # it): the bounds are taken per event and the counts are one bincount per window, not
    # a join and a groupby over the events' gcos_id texts per window
    subject = bounds.index.get_indexer(events["gcos_id"])
    kept = subject >= 0
    at = subject[kept]
    joined = bounds.iloc[at].set_axis(events.index[kept])
    datum = events["datum"][kept]
    result = pd.DataFrame(index=starts.index)
    inside_any = np.zeros(len(at), dtype=bool)
    for w in windows_for(settings):
        lo, hi = joined[f"{w.name}_lo"], joined[f"{w.name}_hi"]
        inside = ((datum >= lo) & (datum < hi)).to_numpy(dtype=bool)
        inside_any |= inside
        result[f"{prefix}_{w.name}"] = np.bincount(at[inside], minlength=len(starts)
                                                   ).astype(int)
    counted = np.zeros(len(events), dtype=bool)
    counted[kept] = inside_any
    return result, pd.Series(counted, index=events.index)


def followup_complete(starts: pd.Series, settings: WindowSettings) -> pd.Series:
    """True where every after-window ends on or before the extraction date (inclusive)."""
    bounds = bounds_frame(starts, settings)
    last_hi = bounds[[f"{w.name}_hi" for w in windows_for(settings) if w.after]].max(axis=1)
    limit = pd.Timestamp(settings.extraction_date) + pd.Timedelta(days=1)
    return last_hi <= limit
