"""Validation at the edge: parse each extract, check it lazily with pandera, quarantine.

Every row read ends in exactly one of two frames: ``valid`` (parsed, typed) or
``quarantine`` (with its file row number and every reason it failed). Nothing is dropped
silently, and no reason text contains a value from the row.

Copies of one id: when every column of every copy is equal (an extract that wrote a row
twice), the first is used and the others are set aside with :data:`EXACT_COPY_REASON`, so
the report counts them; when the copies differ in anything, every copy is quarantined with
:data:`DUPLICATE_REASON` (which one is right cannot be known).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

import numpy as np
import pandas as pd
from vhh.linkage.contract import ID_COLUMN, LEEFGEBIEDEN, match_key
from vhh.linkage.errors import InputError, Problem
from vhh.linkage.normalise.dates import ParsedDates, parse_dates
from vhh.linkage.normalise.distinct import Distinct, TextCodes, per_distinct
from vhh.linkage.validate.domains import count_domains
from vhh.linkage.validate.per_value import cases_per_value, schema_cases
from vhh.schemas.inputs import INPUT_MODELS

__all__ = [
    "DUPLICATE_REASON",
    "REMARKS",
    "REMARK_COLUMNS",
    "EXACT_COPY_REASON",
    "FUTURE_REASON",
    "LATE_REASON",
    "UNIQUE_SOURCES",
    "exact_copies",
    "quarantine_late",
    "Validated",
    "parse_sex",
    "move_to_quarantine",
    "prepare",
    "quarantine_frame",
    "validate_source",
]

_SEX = {"m": 0, "man": 0, "mannelijk": 0, "v": 1, "vrouw": 1, "vrouwelijk": 1, "f": 1,
        "o": 9, "onbekend": 9, "x": 9, "": 9}
DUPLICATE_REASON = "komt meer dan eens voor (alle exemplaren apart gezet)"
EXACT_COPY_REASON = "exacte kopie van een eerdere rij met dit id (die rij is gebruikt)"
LATE_REASON = ("datum ligt na de extractiedatum ([windows] extraction_date): controleer de "
               "extractie of die instelling")
FUTURE_REASON = "datum ligt in de toekomst (na de dag van deze run)"
UNIQUE_SOURCES = ("gcos_subjecten", "bvh_incidenten", "hks_antecedenten")
"""The extracts whose id names one row (a discussion's gcos_id repeats by design)."""
_BUILTIN_REASONS = {
    "field_uniqueness": DUPLICATE_REASON,
    # pandera names inherited checks by their method; these are the shared identity checks
    "_surname": "achternaam ontbreekt of bevat geen letters",
    "_birth_read": "geboortedatum ontbreekt of is onleesbaar",
    "_birth_range": "geboortedatum ligt voor 1900 of in de toekomst",
    "_sex": "geslacht onbekende code (gebruik M/V/O of man/vrouw/onbekend)",
}
QUARANTINE_COLUMNS = ("bron", "bronrij", "record_id", "kolom", "reden")
REMARK_COLUMNS = ("bron", "bronrij", "record_id", "kolom", "opmerking")
REMARKS: Mapping[str, str] = MappingProxyType({
    "leefgebied_onbekend": "leefgebieden noemt een naam die geen ingesteld leefgebied is "
                           "(telt niet mee; [gcos] leefgebieden)",
    "kader_ontbreekt": "kader is leeg: het subject blijft in de scope (een onbekend kader is "
                       "geen ander kader)",
    "geen_getal": "geen geheel getal van 0 of meer: telt als vastgelegd",
})
"""What a valid GCOS row may carry besides its values: reported, never quarantined."""
_PLAN = ("doelen", "besluiten", "acties")


def _empty(columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=int if c == "bronrij" else object)
                         for c in columns})


@dataclass(frozen=True)
class Validated:
    """The outcome of validating one source.

    ``remarks`` lists what a valid row carries that is reported but does not make it
    unusable (one row per row and remark, see :data:`REMARKS`); ``unknown_domains`` counts
    the leefgebied names that are no configured title, per name as written (data: for
    ``secure/`` only).
    """

    source: str
    valid: pd.DataFrame
    quarantine: pd.DataFrame  # one row per quarantined input row: bron, bronrij, record_id, ...
    rows_read: int
    remarks: pd.DataFrame = field(default_factory=lambda: _empty(REMARK_COLUMNS))
    unknown_domains: Mapping[str, int] = field(default_factory=dict)

    def __repr__(self) -> str:  # counts only: the frames hold names and birthdates
        return (f"Validated({self.source}: {self.rows_read} read, {len(self.valid)} valid, "
                f"{len(self.quarantine)} quarantined, {len(self.remarks)} remarks)")



def exact_copies(source: str, raw: pd.DataFrame, distinct: Distinct | None = None
                 ) -> pd.Series:
    """Per raw row: whether it repeats an earlier row of its id in every column.

    Only ids all of whose copies are equal count (those copies but the first are marked);
    an id with copies that differ anywhere is left to the uniqueness check, which sets every
    copy aside. ``bronrij`` (the row number) is not part of the comparison.
    """
    marked = pd.Series(False, index=raw.index)
    if source not in UNIQUE_SOURCES or raw.empty:
        return marked
    id_col = ID_COLUMN[source]
    ids = (distinct or {}).get(id_col)
    if ids is not None:  # duplicated(keep=False): the id's code occurs more than once
        repeated = pd.Series(np.bincount(ids.codes)[ids.codes] > 1, index=raw.index)
    else:
        repeated = raw[id_col].duplicated(keep=False)
    if not repeated.any():
        return marked
    content = raw.loc[repeated].drop(columns="bronrij")
    versions = content.drop_duplicates()[id_col].value_counts()
    same = content[id_col].isin(set(versions.index[versions == 1]))
    marked[content.index] = (same & content.duplicated(keep="first")).to_numpy()
    return marked


def parse_sex(values: pd.Series, codes: TextCodes | None = None) -> pd.Series:
    """M/V/O, man/vrouw/onbekend (any case) to 0/1/9; -1 for an unknown notation.

    ``codes``: ``values`` factorized already (the same result, without factorizing again).
    """
    return _per_distinct(values, _sex_codes, codes)


def _per_distinct(values: pd.Series, transform: Callable[[pd.Series], pd.Series],
                  codes: TextCodes | None) -> pd.Series:
    if codes is None:
        return per_distinct(values, transform)
    return codes.spread(transform, values.index, values.name)


def _parse_dates(values: pd.Series, codes: TextCodes | None) -> ParsedDates:
    """``parse_dates(values)``; with ``codes``, each distinct text parsed once as there,
    without factorizing the column again (``parse_dates`` is element-wise)."""
    if codes is None:
        return parse_dates(values)
    parsed = parse_dates(pd.Series(codes.uniques, dtype=object))

    def spread(part: pd.Series) -> pd.Series:
        return pd.Series(part.to_numpy()[codes.codes], index=values.index, dtype=part.dtype)

    return ParsedDates(key=spread(parsed.key), date=spread(parsed.date),
                       status=spread(parsed.status))


def _sex_codes(values: pd.Series) -> pd.Series:
    key = values.astype(str).str.strip().str.lower().str.rstrip(".")
    return key.map(_SEX).fillna(-1).astype(int)


def _count(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A plan field as a count: a whole number of 0 or more as written, empty as 0, any other
    text as 1 (something is recorded); and where it was such other text."""
    text = values.astype(str).str.strip()
    number = pd.to_numeric(text.replace("", "0"), errors="coerce")
    whole = number.notna() & (number == np.floor(number.fillna(0))) & (number >= 0)
    return number.where(whole, 1).astype(int), ~whole


def _with_birthdate(frame: pd.DataFrame, distinct: Distinct) -> pd.DataFrame:
    parsed = _parse_dates(frame["geboortedatum"], distinct.get("geboortedatum"))
    frame["geboortedatum"] = parsed.key
    frame["geboortedatum_status"] = parsed.status
    return frame


def _with_date(frame: pd.DataFrame, column: str, target: str,
               distinct: Distinct | None = None) -> pd.DataFrame:
    parsed = _parse_dates(frame[column], (distinct or {}).get(column))
    frame[target] = parsed.date
    frame[f"{target}_status"] = parsed.status
    return frame


_FLAG = "opmerking:"  # prefix of the remark columns of a prepared frame: opmerking:kolom:key


def _gcos_fields(frame: pd.DataFrame, leefgebieden: tuple[str, ...]) -> pd.DataFrame:
    """The study fields of GCOS: leefgebieden counted, plan fields as counts, and per remark
    a column ``opmerking:<kolom>:<remark>`` (True where the row carries it)."""
    frame["leefgebieden"], unknown = count_domains(frame["leefgebieden"], leefgebieden)
    frame["leefgebieden_onbekend"] = unknown
    frame[f"{_FLAG}leefgebieden:leefgebied_onbekend"] = unknown.map(len).astype(bool)
    frame[f"{_FLAG}kader:kader_ontbreekt"] = per_distinct(
        frame["kader"], lambda u: u.astype(str).map(match_key) == "")
    for col in _PLAN:
        frame[col], text = _count(frame[col])
        frame[f"{_FLAG}{col}:geen_getal"] = text
    return frame


def prepare(source: str, raw: pd.DataFrame, *, hks_date_column: str = "pleegdatum",
            leefgebieden: tuple[str, ...] = LEEFGEBIEDEN, distinct: Distinct | None = None
            ) -> pd.DataFrame:
    """Parse the text columns of one source into the prepared frame the schema checks.

    ``distinct``: columns of ``raw`` factorized already; the same frame, made faster.
    """
    # a new frame over the same column arrays: every step below assigns whole columns,
    # never writes into one, so ``raw`` is left as it was without copying a million
    # strings a column (a deep copy also merged the columns into one block first)
    frame = raw.copy(deep=False)
    distinct = distinct or {}
    if source == "gcos_besprekingen":
        return _with_date(frame, "bespreekdatum", "bespreekdatum", distinct)
    frame = _with_birthdate(frame, distinct)
    frame["geslacht"] = parse_sex(frame["geslacht"], distinct.get("geslacht"))
    if source == "gcos_subjecten":
        frame = _gcos_fields(frame, leefgebieden)
        return _with_date(frame, "invoerdatum", "invoerdatum", distinct)
    if source == "bvh_incidenten":
        frame["mk_code"] = _per_distinct(frame["mk_code"], _upper, distinct.get("mk_code"))
        frame["rol"] = _per_distinct(frame["rol"], _lower, distinct.get("rol"))
        return _with_date(frame, "incidentdatum", "incidentdatum", distinct)
    return _with_date(frame, hks_date_column, "datum", distinct)


def _upper(u: pd.Series) -> pd.Series:
    return u.astype(str).str.strip().str.upper()


def _lower(u: pd.Series) -> pd.Series:
    return u.astype(str).str.strip().str.lower()


def _remarks(source: str, valid: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The remark rows of the valid rows, and the valid frame without the remark columns."""
    flags = [c for c in valid.columns if str(c).startswith(_FLAG)]
    if not flags:
        return _empty(REMARK_COLUMNS), valid
    parts = []
    for flag in flags:
        _, column, key = str(flag).split(":")
        rows = valid[valid[flag].to_numpy(dtype=bool)]
        parts.append(pd.DataFrame({"bron": source, "bronrij": rows["bronrij"].to_numpy(),
                                   "record_id": rows[ID_COLUMN[source]].to_numpy(),
                                   "kolom": column, "opmerking": key}))
    remarks = pd.concat(parts, ignore_index=True).sort_values(["bronrij", "kolom"],
                                                              ignore_index=True)
    return remarks.loc[:, list(REMARK_COLUMNS)], valid.drop(columns=flags)


def _unknown_domains(valid: pd.DataFrame) -> dict[str, int]:
    if "leefgebieden_onbekend" not in valid:
        return {}
    names = valid["leefgebieden_onbekend"].explode().dropna()
    return {str(k): int(n) for k, n in names.value_counts().sort_index().items()}


def _reason(column: str, check: str, date_column: str) -> tuple[str, str]:
    column = column.removesuffix("_status")
    return (date_column if column == "datum" else column), _BUILTIN_REASONS.get(check, check)


def _reasons(cases: pd.DataFrame, date_column: str) -> tuple[list[str], list[str]]:
    """The (kolom, reden) of each failure case, worked out once per (column, check)."""
    pairs = list(zip(map(str, cases["column"]), map(str, cases["check"]), strict=True))
    known = {pair: _reason(*pair, date_column) for pair in set(pairs)}
    return [known[p][0] for p in pairs], [known[p][1] for p in pairs]


def _failures(source: str, frame: pd.DataFrame, date_column: str,
              distinct: Distinct | None = None) -> pd.DataFrame:
    """One row per (row index, column, reason) that fails the source's schema."""
    cases = cases_per_value(source, frame, date_column, distinct,
                            lambda c: _reasons(c, date_column)[0]) if distinct else None
    if cases is None:
        cases = schema_cases(INPUT_MODELS[source].to_schema(), frame)
    kolom, reden = _reasons(cases, date_column)
    return pd.DataFrame({"index": cases["index"].to_numpy(dtype=int), "kolom": kolom,
                         "reden": reden})


def quarantine_frame(source: str, frame: pd.DataFrame, failures: pd.DataFrame) -> pd.DataFrame:
    """Quarantine rows: all reasons of a row joined, one row per input row."""
    if failures.empty:
        return pd.DataFrame(columns=list(QUARANTINE_COLUMNS))
    failures = failures.sort_values(["index", "kolom"]).drop_duplicates()
    index = failures["index"].to_numpy()
    starts = np.flatnonzero(np.r_[True, index[1:] != index[:-1]])  # first failure of a row
    rows = frame.loc[index[starts], ["bronrij", ID_COLUMN[source]]]
    return pd.DataFrame(
        {"bron": source, "bronrij": rows["bronrij"].to_numpy(),
         "record_id": rows[ID_COLUMN[source]].to_numpy(),
         "kolom": _joined(failures["kolom"].to_numpy(), starts, ";"),
         "reden": _joined(failures["reden"].to_numpy(), starts, "; ")}
    )


def _joined(values: np.ndarray, starts: np.ndarray, sep: str) -> np.ndarray:
    """Per run of rows (each starting at ``starts``): its distinct values in order, joined.

    Most quarantined rows fail one check, so only the runs of two or more are joined in
    Python; grouping with a lambda per row took seconds when a whole extract failed.
    """
    out: np.ndarray = values[starts].astype(object)
    ends = np.r_[starts[1:], len(values)]
    for i in np.flatnonzero(ends - starts > 1):
        out[i] = sep.join(dict.fromkeys(values[starts[i]:ends[i]]))
    return out


def validate_source(
    source: str, raw: pd.DataFrame, *, file: str, hks_date_column: str = "pleegdatum",
    leefgebieden: tuple[str, ...] = LEEFGEBIEDEN, distinct: Distinct | None = None,
) -> Validated:
    """Validate one source: every row ends up valid or quarantined, with reasons.

    Only what makes a row unusable quarantines it; what a valid GCOS row carries besides
    (an unknown leefgebied name, an empty kader, text in a plan field) is reported in
    :attr:`Validated.remarks`. ``leefgebieden`` are the configured GCOS titles.

    ``raw`` may be one chunk of a larger extract: rows keep their ``bronrij`` and index
    label, and each row is decided as in the whole extract, except that an id is only
    checked for duplicates within ``raw``. A caller that validates in chunks must find
    ids repeated across chunks itself.

    ``distinct``: columns of ``raw`` factorized already (:data:`Distinct`), so that the
    per-distinct work does not factorize them again; the outcome is the same.
    """
    if raw.empty and source != "hks_antecedenten":
        raise InputError([Problem(file, "has a header but no data rows",
                                  hint="export the extract again")])
    copies = exact_copies(source, raw, distinct)
    kept = raw[~copies] if copies.any() else raw
    if distinct and copies.any():
        at = np.flatnonzero(~copies.to_numpy())
        distinct = {c: codes.take(at) for c, codes in distinct.items()}
    frame = prepare(source, kept, hks_date_column=hks_date_column, leefgebieden=leefgebieden,
                    distinct=distinct)
    failures = _failures(source, frame, hks_date_column, distinct)
    quarantine = quarantine_frame(source, frame, failures)
    if copies.any():
        quarantine = _with_copies(source, raw[copies], quarantine)
    bad = frame.index.isin(failures["index"].unique())
    # take: one copy, where .loc[~bad].copy() made two
    remarks, valid = _remarks(source, frame.take(np.flatnonzero(~bad)))
    return Validated(source, valid, quarantine, len(raw), remarks, _unknown_domains(valid))


def _with_copies(source: str, copies: pd.DataFrame, quarantine: pd.DataFrame) -> pd.DataFrame:
    """The quarantine with the exact copies added, in file order."""
    extra = pd.DataFrame({"bron": source, "bronrij": copies["bronrij"].to_numpy(),
                          "record_id": copies[ID_COLUMN[source]].to_numpy(),
                          "kolom": ID_COLUMN[source], "reden": EXACT_COPY_REASON})
    both = pd.concat([quarantine, extra], ignore_index=True) if len(quarantine) else extra
    return both.sort_values("bronrij", kind="stable").reset_index(drop=True)


def move_to_quarantine(validated: Validated, mask: pd.Series, kolom: str, reden: str
                       ) -> Validated:
    """Move valid rows selected by ``mask`` to the quarantine with one reason."""
    if not mask.any():
        return validated
    moved = validated.valid[mask]
    extra = pd.DataFrame({"bron": validated.source, "bronrij": moved["bronrij"].to_numpy(),
                          "record_id": moved[ID_COLUMN[validated.source]].astype(object)
                          .to_numpy(), "kolom": kolom, "reden": reden})
    quarantine = (pd.concat([validated.quarantine, extra], ignore_index=True)
                  if len(validated.quarantine) else extra)
    moved_rows = set(moved["bronrij"])
    remarks = validated.remarks[~validated.remarks["bronrij"].isin(moved_rows)]
    valid = validated.valid[~mask].copy()
    return Validated(validated.source, valid, quarantine, validated.rows_read,
                     remarks.reset_index(drop=True), _unknown_domains(valid))


def quarantine_late(validated: Validated, column: str, kolom: str, latest: dt.date,
                    today: dt.date) -> Validated:
    """Set aside valid rows whose event date (``column``) lies after ``today`` (in the
    future) or after ``latest`` (the extraction date), each with its own reason, in file
    order. ``kolom`` is the column's name in the extract."""
    dates = validated.valid[column]
    future = dates > pd.Timestamp(today)
    late = (dates > pd.Timestamp(latest)) & ~future
    if not (future.any() or late.any()):
        return validated
    out = move_to_quarantine(validated, future, kolom, FUTURE_REASON)
    out = move_to_quarantine(out, late[~future], kolom, LATE_REASON)
    quarantine = out.quarantine.sort_values("bronrij", kind="stable").reset_index(drop=True)
    return replace(out, quarantine=quarantine)
