"""Writing the analysis file: CSV, Parquet and SPSS, with a formula-injection guard.

The writers know formats, not meanings: the labels an SPSS file carries come from the
code book (:func:`vhh.linkage.report.codebook.sav_labels`) as a :class:`SavLabels`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["FORMULA_START", "SavLabels", "guard_formula", "spreadsheet_csv", "unguard_formula",
           "write_csv", "write_parquet", "write_sav"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class SavLabels:
    """What an SPSS file says about its variables besides their values."""

    variables: Mapping[str, str] = field(default_factory=dict)            # name -> label
    values: Mapping[str, Mapping[int, str]] = field(default_factory=dict)  # name -> code -> label
    missing: Mapping[str, tuple[int, ...]] = field(default_factory=dict)   # declared missings
    measures: Mapping[str, str] = field(default_factory=dict)  # name -> nominal/ordinal/scale


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def guard_formula(value: object) -> object:
    """Neutralise a text cell a spreadsheet would run as a formula; numbers stay as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _is_number(value):
        return "'" + value
    return value


def unguard_formula(value: object) -> object:
    """The value :func:`guard_formula` was given (for reading a guarded file back)."""
    if isinstance(value, str) and value[:1] == "'" and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def _guarded(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells formula-guarded; flags as 0/1, as the code book has them."""
    guarded = frame.copy()
    for col in guarded.columns:
        if pd.api.types.is_bool_dtype(guarded[col]):
            guarded[col] = guarded[col].astype(int)
        elif guarded[col].dtype == object or pd.api.types.is_string_dtype(guarded[col]):
            guarded[col] = guarded[col].map(guard_formula)
    return guarded


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """The analysis file as CSV: UTF-8, ",", flags 0/1, text cells formula-guarded."""
    # RFC 4180 line ends: with them the csv writer also quotes a cell holding a bare CR
    _guarded(frame).to_csv(path, index=False, encoding="utf-8", lineterminator="\r\n")


def spreadsheet_csv(frame: pd.DataFrame) -> bytes:
    """A CSV a person opens in Dutch Excel by double-clicking: ";" between cells, UTF-8 with
    a byte-order mark (so accents survive), text cells formula-guarded."""
    text: str = _guarded(frame).to_csv(index=False, sep=";", lineterminator="\r\n")
    return b"\xef\xbb\xbf" + text.encode("utf-8")


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    frame.to_parquet(path, index=False)


def write_sav(frame: pd.DataFrame, path: Path, labels: SavLabels = SavLabels()) -> None:
    """SPSS file with variable labels, value labels, formats, declared missings and
    measurement levels (Nominal, Ordinal, Scale), so SPSS and PSPP offer the right analyses."""
    import pyreadstat

    out = frame.copy()
    formats = {}
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_bool_dtype(series):
            out[col] = series.astype(int)
            formats[col] = "F1.0"
        elif pd.api.types.is_integer_dtype(series):
            out[col] = series.astype("float64")  # SPSS numbers are doubles; NA -> sysmis
            formats[col] = "F8.0"
    names: dict[str, str | None] = {k: v for k, v in labels.variables.items()
                                    if k in out.columns}
    vlabels = {k: {float(c): t for c, t in m.items()} for k, m in labels.values.items()
               if k in out.columns}
    missing: dict[str, list[Any]] = {k: list(v) for k, v in labels.missing.items()
                                     if k in out.columns}
    measures = {k: v for k, v in labels.measures.items() if k in out.columns}
    pyreadstat.write_sav(out, str(path), column_labels=names, variable_value_labels=vlabels,
                         variable_format=formats, missing_ranges=missing,
                         variable_measure=measures, file_label="vhh-linkage analysebestand")
