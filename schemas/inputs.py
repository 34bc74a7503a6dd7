"""pandera models of the *prepared* input frames (text parsed, dates keyed).

The validator parses each extract into these columns and validates lazily, so every
problem in a file is found in one pass. Each check's name is the Dutch reason a data
officer reads in the quarantine file; none of them ever shows a value.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series
from vhh.linkage.normalise.distinct import per_distinct

__all__ = [
    "BvhIncidenten",
    "GcosBesprekingen",
    "GcosSubjecten",
    "HksAntecedenten",
    "INPUT_MODELS",
]

# Text columns are typed ``object``, not ``str``: the readers hand over text only (CSV read
# as str, XLSX/Parquet cast to text), and pandera's ``str`` test visits every cell in Python,
# which was 40% of validation time on large extracts. The named checks below still run; a
# check that works on text in Python does so once per distinct value (``per_distinct``) or
# in one vectorised pass, never once per row: an extract repeats its names and dates.
# Every column check must stay element-wise (a value passes or fails wherever it stands):
# the police columns that repeat their values are checked once per distinct value
# (vhh.linkage.validate.per_value); a check that looks at other rows belongs in a
# frame-level check (a model with one is validated on the whole chunk).
Text = Series[object]

_DATE_OK = ("ok",)
_BIRTH_OK = ("ok", "partial")
_IS_SPACE = np.frompyfunc(str.isspace, 1, 1)


def _has_letter(s: pd.Series) -> pd.Series:
    return per_distinct(s, lambda u: u.astype(str).str.contains(r"[^\W\d_]", regex=True))


def _filled(s: pd.Series) -> pd.Series:
    """``s.str.strip() != ""``: not empty once white space is stripped.

    A missing value passes (``nan != ""``); the column's own not-null check fails it. So
    the id checks, which see every row, are declared with ``ignore_na=False``: pandera
    then does not look for missing values once more per check (a pass over a million
    strings) only to drop rows this check passes anyway.

    Ids are nearly all distinct, so this is vectorised rather than run per distinct value:
    ``str.strip()`` removes exactly the characters ``str.isspace()`` tests for, so a text
    strips to "" if and only if it is "" or all white space.
    """
    values = s.to_numpy()
    if s.dtype != object or pd.api.types.infer_dtype(values, skipna=False) != "string":
        return s.str.strip() != ""  # not all text: the general path, as it always was
    blank = (values == "") | _IS_SPACE(values).astype(bool)
    return pd.Series(~blank, index=s.index)


def _plausible_birth(s: pd.Series) -> pd.Series:
    """Birthdate keys (YYYYMMDD, 00 = unknown) from 1900 up to today."""
    today = dt.date.today().strftime("%Y%m%d")

    def plausible(u: pd.Series) -> pd.Series:
        year = pd.to_numeric(u.str.slice(0, 4), errors="coerce")
        return (u == "") | ((year >= 1900) & (u.str.replace("0000$", "0101", regex=True) <= today))

    return per_distinct(s, plausible)


class _Identity(pa.DataFrameModel):
    bronrij: Series[int]
    achternaam: Text
    tussenvoegsel: Text
    voorletters: Text
    geboortedatum: Text
    geboortedatum_status: Text

    @pa.check("achternaam", name="achternaam ontbreekt of bevat geen letters")
    def _surname(cls, s: Series[str]) -> pd.Series:
        return _has_letter(s)

    @pa.check("geboortedatum_status", name="geboortedatum ontbreekt of is onleesbaar")
    def _birth_read(cls, s: Series[str]) -> pd.Series:
        return s.isin(_BIRTH_OK)

    @pa.check("geboortedatum", name="geboortedatum ligt voor 1900 of in de toekomst")
    def _birth_range(cls, s: Series[str]) -> pd.Series:
        return _plausible_birth(s)


class GcosSubjecten(_Identity):
    gcos_id: Text = pa.Field(unique=True)

    # a subject whose birthdate is not recorded stays in the study (the reference study
    # analysed one: age N = 194 of 195) and is linked on name and initials alone; an
    # unreadable birthdate is still set apart
    @pa.check("geboortedatum_status", name="geboortedatum ontbreekt of is onleesbaar")
    def _birth_read(cls, s: Series[str]) -> pd.Series:
        return s.isin((*_BIRTH_OK, "missing"))
    voornamen: Text
    geslacht: Series[int]
    kader: Text
    leefgebieden: Series[int]
    doelen: Series[int]
    besluiten: Series[int]
    acties: Series[int]

    @pa.check("gcos_id", name="gcos_id ontbreekt")
    def _id(cls, s: Series[str]) -> pd.Series:
        return _filled(s)

    @pa.check("geslacht", name="geslacht onbekende code (gebruik M/V/O of man/vrouw/onbekend)")
    def _sex(cls, s: Series[int]) -> pd.Series:
        return s.isin((0, 1, 9))

    # kader, leefgebieden and the plan fields never quarantine a subject: an empty kader, a
    # name that is no leefgebied or text in a plan field is reported by the validator
    # (vhh.linkage.validate.sources.REMARKS); the parsed counts are checked here.
    @pa.check("leefgebieden", "doelen", "besluiten", "acties",
              name="geen geheel getal van 0 of meer")
    def _counts(cls, s: Series[int]) -> pd.Series:
        return s >= 0

    class Config:
        strict = False


class GcosBesprekingen(pa.DataFrameModel):
    bronrij: Series[int]
    gcos_id: Text
    bespreekdatum_status: Text

    @pa.check("gcos_id", name="gcos_id ontbreekt")
    def _id(cls, s: Series[str]) -> pd.Series:
        return _filled(s)

    @pa.check("bespreekdatum_status", name="bespreekdatum ontbreekt, is onvolledig of onleesbaar")
    def _date(cls, s: Series[str]) -> pd.Series:
        return s.isin(_DATE_OK)

    class Config:
        strict = False


class _Police(_Identity):
    geslacht: Series[int]

    # a police row without a birthdate is still linkable on name and initials (weakly:
    # the linkage weighs a missing birthdate as nothing either way); only a row without
    # surname and birthdate, or with an unreadable birthdate, is set apart
    @pa.check("geboortedatum_status", name="geboortedatum ontbreekt of is onleesbaar")
    def _birth_read(cls, s: Series[str]) -> pd.Series:
        return s.isin((*_BIRTH_OK, "missing"))

    @pa.check("geslacht", name="geslacht onbekende code")
    def _sex(cls, s: Series[int]) -> pd.Series:
        return s.isin((0, 1, 9))


class BvhIncidenten(_Police):
    bvh_id: Text = pa.Field(unique=True)
    registratienummer: Text
    incidentdatum_status: Text
    mk_code: Text
    rol: Text

    @pa.check("bvh_id", name="bvh_id ontbreekt", ignore_na=False)
    def _id(cls, s: Series[str]) -> pd.Series:
        return _filled(s)

    @pa.check("registratienummer", name="registratienummer ontbreekt", ignore_na=False)
    def _reg(cls, s: Series[str]) -> pd.Series:
        return _filled(s)

    @pa.check("incidentdatum_status", name="incidentdatum ontbreekt, is onvolledig of onleesbaar")
    def _date(cls, s: Series[str]) -> pd.Series:
        return s.isin(_DATE_OK)

    @pa.check("mk_code", name="mk_code ontbreekt")
    def _code(cls, s: Series[str]) -> pd.Series:
        return _filled(s)

    @pa.check("rol", name="rol ontbreekt")
    def _rol(cls, s: Series[str]) -> pd.Series:
        return _filled(s)

    class Config:
        strict = False


class HksAntecedenten(_Police):
    hks_id: Text = pa.Field(unique=True)
    datum_status: Text

    @pa.check("hks_id", name="hks_id ontbreekt", ignore_na=False)
    def _id(cls, s: Series[str]) -> pd.Series:
        return _filled(s)

    @pa.check("datum_status", name="pleegdatum (of de gekozen datumkolom) ontbreekt, "
              "is onvolledig of onleesbaar")
    def _date(cls, s: Series[str]) -> pd.Series:
        return s.isin(_DATE_OK)

    class Config:
        strict = False


INPUT_MODELS = {
    "gcos_subjecten": GcosSubjecten,
    "gcos_besprekingen": GcosBesprekingen,
    "bvh_incidenten": BvhIncidenten,
    "hks_antecedenten": HksAntecedenten,
}
