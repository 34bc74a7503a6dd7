"""The study variables: one row per analysed subject, as the reference study defined them.

- ``geslacht``: 0 man, 1 vrouw, 9 onbekend;
- ``leeftijd``: whole years at the startdatum (an unknown birth day counts as the 15th, an
  unknown birth month as 1 July);
- ``aantal_besproken``: every discussion GCOS records for the subject, whatever its date;
- ``leefgebieden``: how many of the 11 GCOS life domains hold information (0-11), and
  ``leefgebieden_8plus`` with 8-11 collapsed into 8, as the study did;
- ``plan_van_aanpak``: 0 none, 1/2/3 = how many of doelen, besluiten, acties are recorded;
- ``start_kwartaal``: the startdatum as year and quarter ("2013-Q2"), never the exact date.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["age_at", "gcos_variables", "year_quarter"]


def _approximate_birth(keys: pd.Series) -> pd.Series:
    year = keys.str.slice(0, 4)
    month = keys.str.slice(4, 6)
    day = keys.str.slice(6, 8)
    unknown_month = month == "00"
    month = month.where(~unknown_month, "07")
    day = day.where(~(day == "00"), "15").where(~unknown_month, "01")
    return pd.to_datetime(year + month + day, format="%Y%m%d", errors="coerce")


def age_at(birth_keys: pd.Series, on: pd.Series) -> pd.Series:
    """Whole years between a birthdate key (YYYYMMDD, 00 = unknown) and a date."""
    born = _approximate_birth(birth_keys)
    years = on.dt.year - born.dt.year
    before_birthday = (on.dt.month < born.dt.month) | (
        (on.dt.month == born.dt.month) & (on.dt.day < born.dt.day))
    return (years - before_birthday.astype(int)).astype("Int64")


def year_quarter(dates: pd.Series) -> pd.Series:
    """'2013-Q2' style labels."""
    return dates.dt.year.astype(str) + "-Q" + dates.dt.quarter.astype(str)


def gcos_variables(subjects: pd.DataFrame, starts: pd.Series, discussed: pd.Series
                   ) -> pd.DataFrame:
    """The GCOS-side variables for subjects (indexed by gcos_id) that have a startdatum."""
    s = subjects.set_index("gcos_id").loc[starts.index]
    start = starts.astype("datetime64[ns]")
    plan = (s["doelen"] > 0).astype(int) + (s["besluiten"] > 0).astype(int) + (
        s["acties"] > 0).astype(int)
    out = pd.DataFrame(index=starts.index)
    out["kader"] = s["kader"].str.strip()
    out["geslacht"] = s["geslacht"].astype(int)
    out["leeftijd"] = age_at(s["geboortedatum"], start).array  # Int64: a missing age stays NA
    out["aantal_besproken"] = discussed.reindex(starts.index).fillna(0).astype(int)
    out["leefgebieden"] = s["leefgebieden"].astype(int)
    out["leefgebieden_8plus"] = np.minimum(s["leefgebieden"].astype(int), 8)
    out["plan_van_aanpak"] = plan.astype(int)
    out["start_kwartaal"] = year_quarter(start)
    return out
