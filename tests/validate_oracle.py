"""Reference oracle: the input validation as it was before it was made faster.

A frozen copy of ``linkage/dates.py``, ``schemas/inputs.py`` and ``linkage/validate.py``
at commit dff183f (only what ``validate_source`` needs, with the cross-module imports
folded into one file). ``tests/test_validate_speed_equivalence.py`` checks that the live code
returns exactly what this returns, and ``benchmarks/validate_speed.py`` times the two.
Do not edit it to follow changes in the live code: its worth is that it does not change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series
from vhh.linkage.errors import InputError, Problem
from vhh.linkage.normalise.names import normalise_text

_DMY = r"^\s*(?P<d>\d{1,2})[-/.](?P<m>\d{1,2})[-/.](?P<y>\d{4})\s*$"
_ISO = (r"^\s*(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
        r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*$")

OK, PARTIAL, MISSING, INVALID = "ok", "partial", "missing", "invalid"


@dataclass(frozen=True)
class ParsedDates:
    """The parse of one date column, aligned with its index.

    ``key`` is ``YYYYMMDD`` with ``00`` for unknown parts ("" when missing or invalid);
    ``date`` is the full date (NaT unless status is ``ok``); ``status`` is one of
    ``ok``, ``partial``, ``missing``, ``invalid``.
    """

    key: pd.Series
    date: pd.Series
    status: pd.Series


def _from_datetimes(values: pd.Series) -> ParsedDates:
    date = pd.to_datetime(values, errors="coerce").astype("datetime64[ns]")
    key = date.dt.strftime("%Y%m%d").fillna("")
    status = pd.Series(np.where(date.isna(), MISSING, OK), index=values.index, dtype=object)
    return ParsedDates(key=key.astype(object), date=date, status=status)


def parse_dates(values: pd.Series) -> ParsedDates:
    """Parse a column of date text (or date values) into keys, dates and a status.

    Each distinct value is parsed once and the result spread back: extracts repeat the same
    dates (a birthdate per row of a person, a few thousand incident days) many times.
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        return _from_datetimes(values)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if len(uniques) == len(values):
        return _parse_distinct(values)
    parsed = _parse_distinct(pd.Series(uniques, dtype=object))
    # position len(uniques) holds the parse of a missing value, for the NA sentinel (-1)
    missing = _parse_distinct(pd.Series([""], dtype=object))
    take = np.where(codes < 0, len(uniques), codes)

    def spread(part: pd.Series, extra: pd.Series) -> pd.Series:
        joined = pd.concat([part, extra], ignore_index=True)
        return pd.Series(joined.to_numpy()[take], index=values.index, dtype=joined.dtype)

    return ParsedDates(key=spread(parsed.key, missing.key), date=spread(parsed.date, missing.date),
                       status=spread(parsed.status, missing.status))


def _parse_distinct(values: pd.Series) -> ParsedDates:
    text = values.astype("string").fillna("").str.strip()
    if values.dtype == object:
        is_date = values.map(lambda v: hasattr(v, "year") and hasattr(v, "month"))
        if is_date.any():
            dated = _from_datetimes(values.where(is_date))
            text = text.where(~is_date, dated.key.str.slice(0, 4) + "-"
                              + dated.key.str.slice(4, 6) + "-" + dated.key.str.slice(6, 8))
    parts = text.str.extract(_DMY)
    iso = text.str.extract(_ISO)
    parts = parts.fillna(iso)
    y = pd.to_numeric(parts["y"], errors="coerce")
    m = pd.to_numeric(parts["m"], errors="coerce")
    d = pd.to_numeric(parts["d"], errors="coerce")
    matched = y.notna() & m.notna() & d.notna()
    sane = matched & (m <= 12) & (d <= 31) & (y >= 1000)
    full = sane & (m > 0) & (d > 0)
    partial = sane & ~full & ~((m == 0) & (d > 0))  # a known day in an unknown month is junk
    key = (
        y.fillna(0).astype(int).astype(str).str.zfill(4)
        + m.fillna(0).astype(int).astype(str).str.zfill(2)
        + d.fillna(0).astype(int).astype(str).str.zfill(2)
    )
    date = pd.to_datetime(key.where(full), format="%Y%m%d", errors="coerce").astype(
        "datetime64[ns]"
    )
    real = full & date.notna()  # 31-02 and friends fail here
    status = np.select(
        [text == "", real, partial], [MISSING, OK, PARTIAL], default=INVALID
    )
    status_s = pd.Series(status, index=values.index, dtype=object)
    key = key.where(status_s.isin([OK, PARTIAL]), "").astype(object)
    return ParsedDates(key=key, date=date.where(status_s == OK), status=status_s)


def date_key_to_timestamp(key: pd.Series) -> pd.Series:
    """Full ``YYYYMMDD`` keys to dates; partial or empty keys give NaT."""
    full = key.str.len().eq(8) & ~key.str.slice(4, 6).eq("00") & ~key.str.slice(6, 8).eq("00")
    return pd.to_datetime(key.where(full), format="%Y%m%d", errors="coerce").astype(
        "datetime64[ns]"
    )


# Text columns are typed ``object``, not ``str``: the readers hand over text only (CSV read
# as str, XLSX/Parquet cast to text), and pandera's ``str`` test visits every cell in Python,
# which was 40% of validation time on large extracts. The named checks below still run.
Text = Series[object]

_DATE_OK = ("ok",)
_BIRTH_OK = ("ok", "partial")


def _has_letter(s: pd.Series) -> pd.Series:
    return s.astype(str).str.contains(r"[^\W\d_]", regex=True)


def _plausible_birth(s: pd.Series) -> pd.Series:
    """Birthdate keys (YYYYMMDD, 00 = unknown) from 1900 up to today."""
    year = pd.to_numeric(s.str.slice(0, 4), errors="coerce")
    today = dt.date.today().strftime("%Y%m%d")
    return (s == "") | ((year >= 1900) & (s.str.replace("0000$", "0101", regex=True) <= today))


class _Identity(pa.DataFrameModel):
    bronrij: Series[int]
    achternaam: Text
    tussenvoegsel: Text
    voorletters: Text
    geboortedatum: Text
    geboortedatum_status: Text

    @pa.check("achternaam", name="achternaam ontbreekt of bevat geen letters")
    def _surname(cls, s: Series[str]) -> Series[bool]:
        return _has_letter(s)

    @pa.check("geboortedatum_status", name="geboortedatum ontbreekt of is onleesbaar")
    def _birth_read(cls, s: Series[str]) -> Series[bool]:
        # issue 12 changed the contract: a missing birthdate is no longer set apart (the
        # engine weighs it as nothing); only an unreadable one is
        return s.isin((*_BIRTH_OK, "missing"))

    @pa.check("geboortedatum", name="geboortedatum ligt voor 1900 of in de toekomst")
    def _birth_range(cls, s: Series[str]) -> Series[bool]:
        return _plausible_birth(s)


class GcosSubjecten(_Identity):
    gcos_id: Text = pa.Field(unique=True)
    voornamen: Text
    geslacht: Series[int]
    kader: Text
    leefgebieden: Series[int]
    doelen: Series[int]
    besluiten: Series[int]
    acties: Series[int]

    @pa.check("gcos_id", name="gcos_id ontbreekt")
    def _id(cls, s: Series[str]) -> Series[bool]:
        return s.str.strip() != ""

    @pa.check("geslacht", name="geslacht onbekende code (gebruik M/V/O of man/vrouw/onbekend)")
    def _sex(cls, s: Series[int]) -> Series[bool]:
        return s.isin((0, 1, 9))

    @pa.check("kader", name="kader ontbreekt")
    def _kader(cls, s: Series[str]) -> Series[bool]:
        return s.str.strip() != ""

    @pa.check("leefgebieden", name="leefgebieden bevat een onbekende naam")
    def _domains(cls, s: Series[int]) -> Series[bool]:
        return s.between(0, 11)

    @pa.check("doelen", "besluiten", "acties", name="geen geheel getal van 0 of meer")
    def _counts(cls, s: Series[int]) -> Series[bool]:
        return s >= 0

    class Config:
        strict = False


class GcosBesprekingen(pa.DataFrameModel):
    bronrij: Series[int]
    gcos_id: Text
    bespreekdatum_status: Text

    @pa.check("gcos_id", name="gcos_id ontbreekt")
    def _id(cls, s: Series[str]) -> Series[bool]:
        return s.str.strip() != ""

    @pa.check("bespreekdatum_status", name="bespreekdatum ontbreekt, is onvolledig of onleesbaar")
    def _date(cls, s: Series[str]) -> Series[bool]:
        return s.isin(_DATE_OK)

    class Config:
        strict = False


class _Police(_Identity):
    geslacht: Series[int]

    @pa.check("geslacht", name="geslacht onbekende code")
    def _sex(cls, s: Series[int]) -> Series[bool]:
        return s.isin((0, 1, 9))


class BvhIncidenten(_Police):
    bvh_id: Text = pa.Field(unique=True)
    registratienummer: Text
    incidentdatum_status: Text
    mk_code: Text
    rol: Text

    @pa.check("bvh_id", name="bvh_id ontbreekt")
    def _id(cls, s: Series[str]) -> Series[bool]:
        return s.str.strip() != ""

    @pa.check("registratienummer", name="registratienummer ontbreekt")
    def _reg(cls, s: Series[str]) -> Series[bool]:
        return s.str.strip() != ""

    @pa.check("incidentdatum_status", name="incidentdatum ontbreekt, is onvolledig of onleesbaar")
    def _date(cls, s: Series[str]) -> Series[bool]:
        return s.isin(_DATE_OK)

    @pa.check("mk_code", name="mk_code ontbreekt")
    def _code(cls, s: Series[str]) -> Series[bool]:
        return s.str.strip() != ""

    @pa.check("rol", name="rol ontbreekt")
    def _rol(cls, s: Series[str]) -> Series[bool]:
        return s.str.strip() != ""

    class Config:
        strict = False


class HksAntecedenten(_Police):
    hks_id: Text = pa.Field(unique=True)
    datum_status: Text

    @pa.check("hks_id", name="hks_id ontbreekt")
    def _id(cls, s: Series[str]) -> Series[bool]:
        return s.str.strip() != ""

    @pa.check("datum_status", name="pleegdatum (of de gekozen datumkolom) ontbreekt, "
              "is onvolledig of onleesbaar")
    def _date(cls, s: Series[str]) -> Series[bool]:
        return s.isin(_DATE_OK)

    class Config:
        strict = False


INPUT_MODELS = {
    "gcos_subjecten": GcosSubjecten,
    "gcos_besprekingen": GcosBesprekingen,
    "bvh_incidenten": BvhIncidenten,
    "hks_antecedenten": HksAntecedenten,
}


LEEFGEBIEDEN = (
    "Huisvesting", "Financiën", "Dagbesteding", "Opleiding", "Lichamelijke gezondheid",
    "Psychische gezondheid", "Verslaving", "Relaties", "Sociaal netwerk",
    "Politie en justitie", "Vrije tijd",
)
_DOMAIN_KEYS = frozenset(normalise_text(d) for d in LEEFGEBIEDEN)
_SEX = {"m": 0, "man": 0, "mannelijk": 0, "v": 1, "vrouw": 1, "vrouwelijk": 1, "f": 1,
        "o": 9, "onbekend": 9, "x": 9, "": 9}
_ID_COLUMN = {"gcos_subjecten": "gcos_id", "gcos_besprekingen": "gcos_id",
              "bvh_incidenten": "bvh_id", "hks_antecedenten": "hks_id"}
_BUILTIN_REASONS = {
    "field_uniqueness": "komt meer dan eens voor (alle exemplaren apart gezet)",
    # pandera names inherited checks by their method; these are the shared identity checks
    "_surname": "achternaam ontbreekt of bevat geen letters",
    "_birth_read": "geboortedatum ontbreekt of is onleesbaar",
    "_birth_range": "geboortedatum ligt voor 1900 of in de toekomst",
    "_sex": "geslacht onbekende code (gebruik M/V/O of man/vrouw/onbekend)",
}
QUARANTINE_COLUMNS = ("bron", "bronrij", "record_id", "kolom", "reden")


@dataclass(frozen=True)
class Validated:
    """The outcome of validating one source."""

    source: str
    valid: pd.DataFrame
    quarantine: pd.DataFrame  # one row per quarantined input row: bron, bronrij, record_id, ...
    rows_read: int


def parse_sex(values: pd.Series) -> pd.Series:
    """M/V/O, man/vrouw/onbekend (any case) to 0/1/9; -1 for an unknown notation."""
    key = values.astype(str).str.strip().str.lower().str.rstrip(".")
    return key.map(_SEX).fillna(-1).astype(int)


def _count(values: pd.Series) -> pd.Series:
    text = values.astype(str).str.strip().replace("", "0")
    number = pd.to_numeric(text, errors="coerce")
    whole = number.notna() & (number == np.floor(number.fillna(0)))
    return number.where(whole, -1).astype(int)


def _domains(values: pd.Series) -> pd.Series:
    def count(text: str) -> int:
        names = {normalise_text(p) for p in str(text).split(";")} - {""}
        return len(names) if names <= _DOMAIN_KEYS else -1

    return values.map(count).astype(int)


def _with_birthdate(frame: pd.DataFrame) -> pd.DataFrame:
    parsed = parse_dates(frame["geboortedatum"])
    frame["geboortedatum"] = parsed.key
    frame["geboortedatum_status"] = parsed.status
    return frame


def _with_date(frame: pd.DataFrame, column: str, target: str) -> pd.DataFrame:
    parsed = parse_dates(frame[column])
    frame[target] = parsed.date
    frame[f"{target}_status"] = parsed.status
    return frame


def prepare(source: str, raw: pd.DataFrame, *, hks_date_column: str = "pleegdatum") -> pd.DataFrame:
    """Parse the text columns of one source into the prepared frame the schema checks."""
    frame = raw.copy()
    if source == "gcos_besprekingen":
        return _with_date(frame, "bespreekdatum", "bespreekdatum")
    frame = _with_birthdate(frame)
    frame["geslacht"] = parse_sex(frame["geslacht"])
    if source == "gcos_subjecten":
        frame["leefgebieden"] = _domains(frame["leefgebieden"])
        for col in ("doelen", "besluiten", "acties"):
            frame[col] = _count(frame[col])
        return _with_date(frame, "invoerdatum", "invoerdatum")
    if source == "bvh_incidenten":
        frame["mk_code"] = frame["mk_code"].astype(str).str.strip().str.upper()
        frame["rol"] = frame["rol"].astype(str).str.strip().str.lower()
        return _with_date(frame, "incidentdatum", "incidentdatum")
    return _with_date(frame, hks_date_column, "datum")


def _reason(column: str, check: str, date_column: str) -> tuple[str, str]:
    column = column.removesuffix("_status")
    return (date_column if column == "datum" else column), _BUILTIN_REASONS.get(check, check)


def _failures(source: str, frame: pd.DataFrame, date_column: str) -> pd.DataFrame:
    """One row per (row index, column, reason) that fails the source's schema."""
    try:
        INPUT_MODELS[source].validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
        cases = cases[cases["index"].notna()]
        pairs = [_reason(str(c), str(k), date_column)
                 for c, k in zip(cases["column"], cases["check"], strict=True)]
        return pd.DataFrame(
            {"index": cases["index"].astype(int).to_numpy(),
             "kolom": [p[0] for p in pairs], "reden": [p[1] for p in pairs]}
        )
    return pd.DataFrame({"index": pd.Series(dtype=int), "kolom": pd.Series(dtype=str),
                         "reden": pd.Series(dtype=str)})


def quarantine_frame(source: str, frame: pd.DataFrame, failures: pd.DataFrame) -> pd.DataFrame:
    """Quarantine rows: all reasons of a row joined, one row per input row."""
    if failures.empty:
        return pd.DataFrame(columns=list(QUARANTINE_COLUMNS))
    failures = failures.sort_values(["index", "kolom"]).drop_duplicates()
    grouped = failures.groupby("index", sort=True).agg(
        kolom=("kolom", lambda s: ";".join(dict.fromkeys(s))),
        reden=("reden", lambda s: "; ".join(dict.fromkeys(s))),
    )
    rows = frame.loc[grouped.index]
    return pd.DataFrame(
        {"bron": source, "bronrij": rows["bronrij"].to_numpy(),
         "record_id": rows[_ID_COLUMN[source]].to_numpy(),
         "kolom": grouped["kolom"].to_numpy(), "reden": grouped["reden"].to_numpy()}
    )


def validate_source(
    source: str, raw: pd.DataFrame, *, file: str, hks_date_column: str = "pleegdatum",
) -> Validated:
    """Validate one source: every row ends up valid or quarantined, with reasons."""
    if raw.empty and source != "hks_antecedenten":
        raise InputError([Problem(file, "has a header but no data rows",
                                  hint="export the extract again")])
    frame = prepare(source, raw, hks_date_column=hks_date_column)
    failures = _failures(source, frame, hks_date_column)
    quarantine = quarantine_frame(source, frame, failures)
    bad = frame.index.isin(failures["index"].unique())
    return Validated(source, frame.loc[~bad].copy(), quarantine, len(frame))


def move_to_quarantine(validated: Validated, mask: pd.Series, kolom: str, reden: str
                       ) -> Validated:
    """Move valid rows selected by ``mask`` to the quarantine with one reason."""
    if not mask.any():
        return validated
    moved = validated.valid[mask]
    extra = pd.DataFrame({"bron": validated.source, "bronrij": moved["bronrij"].to_numpy(),
                          "record_id": moved[_ID_COLUMN[validated.source]].to_numpy(),
                          "kolom": kolom, "reden": reden})
    quarantine = pd.concat([validated.quarantine, extra], ignore_index=True)
    return Validated(validated.source, validated.valid[~mask].copy(), quarantine,
                     validated.rows_read)
