"""pandera's checks of a police chunk, the columns that repeat their values once per value.

The schemas' column checks are element-wise: a value fails or passes wherever it stands. A
police chunk of a million rows has a few thousand distinct names, birthdates, codes and
event dates, so those columns are checked by the schema's own columns
(``select_columns``) on a frame of their distinct prepared values, and each failing value
is spread back to its rows by the chunk's codes (:mod:`vhh.linkage.normalise.distinct`).
The unique and nearly unique columns are checked on the chunk itself. The failure cases
are the same as those of one validation of the whole chunk; where their order could show
(a row with two reasons under one quarantine column), the chunk is validated whole.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pandera.pandas as pa
from vhh.linkage.normalise.distinct import Distinct
from vhh.schemas.inputs import INPUT_MODELS

__all__ = ["cases_per_value", "schema_cases"]


def schema_cases(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> pd.DataFrame:
    """The failure cases (index, column, check) of ``frame`` that name a row."""
    try:
        # in place: the checks only read, and a copy of a million-row frame costs a second
        schema.validate(frame, lazy=True, inplace=True)
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
        cases = cases[cases["index"].notna()]
        return pd.DataFrame({"index": cases["index"].astype(int).to_numpy(),
                             "column": cases["column"].to_numpy(),
                             "check": cases["check"].to_numpy()})
    return pd.DataFrame({"index": pd.Series(dtype=int), "column": pd.Series(dtype=object),
                         "check": pd.Series(dtype=object)})


# The prepared police columns that prepare() computes from one raw column, value by value
# (the others it leaves as read); "datum_status" comes from [filters] hks_date_column.
_PREPARED_FROM = {"geboortedatum": "geboortedatum", "geboortedatum_status": "geboortedatum",
                  "geslacht": "geslacht", "mk_code": "mk_code", "rol": "rol",
                  "incidentdatum_status": "incidentdatum"}
_PER_VALUE_SOURCES = ("bvh_incidenten", "hks_antecedenten")


def _value_codes(schema: pa.DataFrameSchema, frame: pd.DataFrame, date_column: str,
                 distinct: Distinct) -> dict[str, np.ndarray]:
    """Per schema column worth checking once per distinct value: the code of each row's
    raw value (the prepared value is a function of it). Not a unique column, and only
    when the column repeats its values (at most half as many distinct as rows)."""
    origin = {**_PREPARED_FROM, "datum_status": date_column}
    out = {}
    for name, column in schema.columns.items():
        raw = distinct.get(origin.get(str(name), str(name)))
        if raw is not None and not column.unique and 2 * len(raw.uniques) <= len(frame):
            out[str(name)] = raw.codes
    return out


def cases_per_value(source: str, frame: pd.DataFrame, date_column: str, distinct: Distinct,
                    kolom: Callable[[pd.DataFrame], list[str]]) -> pd.DataFrame | None:
    """The failure cases of the whole schema, with the columns that repeat their values
    checked once per distinct value (pandera's column checks are element-wise: a value
    fails or passes wherever it stands). The unique and nearly unique columns are checked
    on the frame itself.

    None when this cannot be told to be the same as one validation of the whole frame: not
    a police source, nothing to gain, or a row that fails twice under one quarantine column
    (the order of its reasons follows pandera's order of the cases; then validate whole).
    """
    schema = INPUT_MODELS[source].to_schema()
    if source not in _PER_VALUE_SOURCES or frame.empty or schema.checks:
        return None  # frame-level checks see whole rows: only the whole frame will do
    codes = _value_codes(schema, frame, date_column, distinct)
    if not codes:
        return None
    rest = [c for c in schema.columns if c not in codes]
    values, sizes = _distinct_values(frame, codes)
    per_value = schema_cases(schema.select_columns(list(codes)), values)
    parts = [schema_cases(_decided(schema.select_columns(rest), distinct), frame) if rest else None]
    for (column, check), group in per_value.groupby(["column", "check"], sort=False):
        failing = np.zeros(sizes[str(column)], dtype=bool)
        at = group["index"].to_numpy(dtype=np.int64)
        failing[at[at < len(failing)]] = True  # the padding repeats value 0
        rows = frame.index[failing[codes[str(column)]]]
        parts.append(pd.DataFrame({"index": rows.to_numpy(dtype=int), "column": column,
                                   "check": check}))
    cases = pd.concat([p for p in parts if p is not None], ignore_index=True)
    named = pd.DataFrame({"index": cases["index"].to_numpy(), "kolom": kolom(cases)})
    if named.duplicated().any():
        return None
    return cases


def _decided(schema: pa.DataFrameSchema, distinct: Distinct) -> pa.DataFrameSchema:
    """``schema`` without the checks that the factorization has already passed: a column
    left as read whose text codes exist has no missing value (so it is not null), and if
    each of its codes occurs once, no value repeats (so it is unique)."""
    passed: dict[str, dict[str, bool]] = {}
    for name, column in schema.columns.items():
        raw = distinct.get(str(name))
        if raw is None or str(name) in _PREPARED_FROM or name == "datum_status":
            continue
        passed[str(name)] = {"nullable": True}
        if column.unique and (not len(raw.codes) or np.bincount(raw.codes).max() <= 1):
            passed[str(name)]["unique"] = False
    return schema.update_columns(passed) if passed else schema


def _distinct_values(frame: pd.DataFrame, codes: dict[str, np.ndarray]
                     ) -> tuple[pd.DataFrame, dict[str, int]]:
    """A frame whose row ``j`` of column ``c`` holds the prepared value of raw code ``j``
    (taken from a row with that code; a code no row has left gets row 0's value), padded
    with that first value to one length; and the number of codes per column."""
    columns, sizes = {}, {}
    for name, code in codes.items():
        size = int(code.max()) + 1
        first = np.zeros(size, dtype=np.int64)
        first[code[::-1]] = np.arange(len(code))[::-1]
        columns[name], sizes[name] = frame[name].to_numpy()[first], size
    length = max(sizes.values())
    return pd.DataFrame({
        name: pd.Series(np.concatenate([v, np.repeat(v[:1], length - len(v))]),
                        dtype=frame[name].dtype)
        for name, v in columns.items()}), sizes
