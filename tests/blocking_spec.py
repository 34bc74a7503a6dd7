"""The blocking passes as the text keys they are specified by (a test oracle).

Two identities are candidates in a pass when their keys are equal and not empty. The
engine (:mod:`vhh.linkage.link.blocking`) finds the same pairs from integer codes; a test
holds the two equal. Frames are normalised identities (``birth``, ``byear``, ``first``,
``phonetic``, ``parts``, ``kern``).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd


def _complete(birth: str) -> bool:
    return len(birth) == 8 and birth[4:6] != "00" and birth[6:] != "00"


def _month_day(f: pd.DataFrame) -> pd.Series:
    return f["birth"].map(lambda b: b[4:] if _complete(b) else "")


def _birthdate(f: pd.DataFrame) -> pd.Series:
    return f["birth"].map(lambda b: b if _complete(b) else "")


def _exploded(f: pd.DataFrame, column: str) -> pd.Series:
    return f[column].explode().fillna("")


def _phonetic_year(f: pd.DataFrame) -> pd.Series:
    keys = _exploded(f, "phonetic")
    year = f["byear"].reindex(keys.index).astype(str)
    return (keys + "|" + year).where((keys != "") & (year != "-1"), "")


def _surname_initial(f: pd.DataFrame) -> pd.Series:
    keys = _exploded(f, "parts")
    first = f["first"].reindex(keys.index)
    return (keys + "|" + first).where((keys != "") & (first != ""), "")


def _surname_day_month(f: pd.DataFrame) -> pd.Series:
    keys = _exploded(f, "parts")
    mmdd = _month_day(f).reindex(keys.index).fillna("")
    return (keys + "|" + mmdd).where((keys != "") & (mmdd != ""), "")


def _affix(f: pd.DataFrame, cut: Callable[[str], str]) -> pd.Series:
    return f["kern"].map(lambda k: cut(k) if len(k) >= 3 else "")


def _begin_initial_year(f: pd.DataFrame) -> pd.Series:
    begin, year = _affix(f, lambda k: k[:3]), f["byear"].astype(str)
    known = (begin != "") & (f["first"] != "") & (year != "-1")
    return (begin + "|" + f["first"] + "|" + year).where(known, "")


def _end_initial_day_month(f: pd.DataFrame) -> pd.Series:
    end, mmdd = _affix(f, lambda k: k[-3:]), _month_day(f)
    known = (end != "") & (f["first"] != "") & (mmdd != "")
    return (end + "|" + f["first"] + "|" + mmdd).where(known, "")


BLOCKING_KEYS: dict[str, Callable[[pd.DataFrame], pd.Series]] = {
    "geboortedatum": _birthdate,
    "fonetisch_jaar": _phonetic_year,
    "achternaam_voorletter": _surname_initial,
    "achternaam_dagmaand": _surname_day_month,
    "begin_voorletter_jaar": _begin_initial_year,
    "eind_voorletter_dagmaand": _end_initial_day_month,
}
