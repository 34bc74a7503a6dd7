"""Verify check 2: every analysis file has the code book's columns and passes the schema.

The category lists the schema allows (kaders, rule names) come from the code book's
``keuzes``, so the check needs nothing but the delivered folder.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from vhh.linkage.contract import REVIEW_ACCEPTED
from vhh.linkage.io.writers import unguard_formula
from vhh.linkage.tools.checks import Check, guarded
from vhh.schemas.analysis import analysis_schema, summarise_failures

__all__ = ["ANALYSIS_SUFFIXES", "CODEBOOK", "check_analysis_files"]

CODEBOOK = "codeboek.json"
ANALYSIS_SUFFIXES = (".csv", ".parquet", ".sav")
_TRUE = {"true": True, "1": True, "1.0": True, "false": False, "0": False, "0.0": False}



def check_analysis_files(export: Path) -> list[Check]:
    paths = sorted(p for p in export.glob("analysebestand.*") if p.suffix in ANALYSIS_SUFFIXES)
    if not paths:
        return [Check("analysis file present", False, "no analysebestand.csv/.parquet/.sav")]
    try:
        book = json.loads((export / CODEBOOK).read_text(encoding="utf-8"))
        variables = [v["naam"] for v in book["variabelen"]]
        choices = book["keuzes"]
        schema = analysis_schema(choices["scope"]["kaders"],
                                 [*choices["koppeling"]["regels"], REVIEW_ACCEPTED])
    except (OSError, ValueError, KeyError, TypeError) as err:
        return [Check(f"{CODEBOOK} readable", False,
                      f"cannot be read as the code book ({type(err).__name__})")]
    checks = []
    for path in paths:
        try:
            frame = _read_analysis(path)
        except Exception as err:  # any reader's error: the file is not what it claims to be
            checks.append(Check(f"{path.name} readable", False,
                                f"cannot be read ({type(err).__name__})"))
            continue
        checks.append(_columns_check(path.name, list(frame.columns), variables))
        checks.append(guarded(f"{path.name} passes the strict schema",
                              functools.partial(_schema_check, path, frame, schema)))
    return checks


def _read_analysis(path: Path) -> pd.DataFrame:
    if path.suffix == ".csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    import pyreadstat

    frame, _ = pyreadstat.read_sav(str(path), user_missing=True)  # keep geslacht 9
    return frame


def _columns_check(file: str, columns: list[str], variables: list[str]) -> Check:
    name = f"{file} columns equal the code book"
    if columns == variables:
        return Check(name, True, f"{len(columns)} columns")
    extra = len(set(columns) - set(variables))
    missing = len(set(variables) - set(columns))
    detail = f"{extra} columns not in the code book, {missing} code book variables missing"
    if not extra and not missing:
        detail = "same columns in another order"
    return Check(name, False, detail)


def _schema_check(path: Path, frame: pd.DataFrame, schema: pa.DataFrameSchema) -> Check:
    name = f"{path.name} passes the strict schema"
    typed, problems = _as_schema_types(frame, schema, unguard=path.suffix == ".csv")
    try:
        schema.validate(typed, lazy=True)
    except pa.errors.SchemaErrors as err:
        problems += summarise_failures(err)
    if problems:
        return Check(name, False, f"{len(problems)} problems: " + "; ".join(problems))
    return Check(name, True, f"{len(frame)} rows")


def _as_schema_types(frame: pd.DataFrame, schema: pa.DataFrameSchema, unguard: bool
                     ) -> tuple[pd.DataFrame, list[str]]:
    """Give CSV text and SPSS doubles the schema's types; count cells that do not convert."""
    out, problems = frame.copy(), []
    for name, column in schema.columns.items():
        if name not in out:
            continue
        kind = str(column.dtype)
        if kind == "bool":
            out[name], bad = _to_bool(out[name])
        elif kind in ("int64", "Int64"):
            out[name], bad = _to_int(out[name], nullable=kind == "Int64")
        else:
            if unguard:
                out[name] = out[name].map(unguard_formula)
            continue
        if bad:
            problems.append(f"{name}: {bad} cells are not of type {kind}")
    return out, problems


def _to_bool(series: pd.Series) -> tuple[pd.Series, int]:
    if pd.api.types.is_bool_dtype(series):
        return series, 0
    mapped = series.astype(str).str.strip().str.lower().map(_TRUE)
    bad = int(mapped.isna().sum())
    return (series if bad else mapped.astype(bool)), bad


def _to_int(series: pd.Series, nullable: bool) -> tuple[pd.Series, int]:
    if pd.api.types.is_integer_dtype(series):
        return series, 0
    blank = series.isna() | (series.astype(str).str.strip() == "")
    numbers = pd.to_numeric(series.mask(blank), errors="coerce")
    wrong = (numbers.isna() & ~blank) | (numbers.notna() & (numbers % 1 != 0))
    ints = numbers.mask(wrong).astype("Int64")
    if not nullable and not ints.isna().any():
        ints = ints.astype("int64")
    return ints, int(wrong.sum())


