"""The analysis file in, checked: the exported file (outside) or the sealed frame (inside).

Both routes end in one :class:`AnalysisData`: the columns the analyses use, numbers as
floats (missing as NaN), ``gevonden_hks`` as a boolean, and where the data came from.
Every problem in a file is collected and raised once as an :class:`InputError` naming the
file and the column and counting rows; a value is never shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from vhh.linkage.analysis.variables import REQUIRED_COLUMNS
from vhh.linkage.errors import InputError, Problem
from vhh.linkage.privacy.keys import MasterKey
from vhh.linkage.privacy.sealed import read_sealed_frame

__all__ = ["INSIDE", "OUTSIDE", "SEALED_FRAME", "AnalysisData", "check_frame", "load_export",
           "load_run", "read_table"]

OUTSIDE, INSIDE = "buiten", "binnen"
SEALED_FRAME = Path("secure") / "analysebestand_volledig.enc"
_TRUE = {"true", "1", "1.0", "ja", "yes"}
_FALSE = {"false", "0", "0.0", "nee", "no"}
SUFFIXES = (".csv", ".parquet", ".sav")


@dataclass(frozen=True, repr=False)
class AnalysisData:
    """The checked frame and its provenance. The repr shows its shape, never a value."""

    frame: pd.DataFrame
    route: str          # OUTSIDE: an exported file; INSIDE: the run's sealed full frame
    source: str         # the file's name (outside) or the run folder's name (inside)
    run_id: str = ""

    def __repr__(self) -> str:
        return (f"AnalysisData(route={self.route!r}, source={self.source!r}, "
                f"rows={len(self.frame)}, columns={len(self.frame.columns)})")


def read_table(path: Path) -> pd.DataFrame:
    """An analysis file as written by the export: .csv, .parquet or .sav."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError([Problem(str(path), "not an analysis file",
                                  hint="use the export's .csv, .parquet or .sav")])
    if not path.is_file():
        raise InputError([Problem(str(path), "file not found")])
    try:
        if suffix == ".parquet":
            return pd.read_parquet(path)
        if suffix == ".sav":
            import pyreadstat

            frame, _ = pyreadstat.read_sav(str(path), user_missing=False)
            return frame
        return _read_csv(path)
    except Exception as exc:  # any reader's failure; its own text may quote the data

        raise InputError([Problem(str(path), f"cannot be read as {suffix[1:]} "
                                  f"({type(exc).__name__})")]) from None


def _read_csv(path: Path) -> pd.DataFrame:
    with path.open(encoding="utf-8-sig") as handle:
        first = handle.readline()
    sep = ";" if first.count(";") > first.count(",") else ","
    return pd.read_csv(path, sep=sep, encoding="utf-8-sig", dtype=str, keep_default_na=False)


def _numbers(column: pd.Series, name: str, where: str, problems: list[Problem]) -> pd.Series:
    text = column.astype("string").str.strip()
    empty = column.isna() | (text == "") | text.isna()
    values = pd.to_numeric(text.where(~empty), errors="coerce").astype(float)
    bad = int((values.isna() & ~empty).sum())
    if bad:
        problems.append(Problem(where, f"{bad} rows are not numbers", column=name))
    finite = values.dropna()
    if (finite < 0).any() or not np.allclose(finite, np.round(finite)):
        n = int(((finite < 0) | (finite != np.round(finite))).sum())
        problems.append(Problem(where, f"{n} rows are not whole numbers of 0 or more",
                                column=name))
    return values


def _flags(column: pd.Series, name: str, where: str, problems: list[Problem]) -> pd.Series:
    text = column.astype("string").str.strip().str.lower().fillna("")
    known = text.isin(_TRUE | _FALSE)
    if not known.all():
        problems.append(Problem(where, f"{int((~known).sum())} rows are not true/false or 1/0",
                                column=name))
    return text.isin(_TRUE)


def check_frame(raw: pd.DataFrame, where: str) -> pd.DataFrame:
    """The analysed columns, typed; every problem of the file at once (InputError)."""
    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    problems = [Problem(where, "column missing from the analysis file", column=c,
                        hint="analyse reads the export of 'vhh-link run' as written")
                for c in missing]
    out: dict[str, pd.Series] = {}
    for name in REQUIRED_COLUMNS:
        if name in missing:
            continue
        if name == "gevonden_hks":
            out[name] = _flags(raw[name], name, where, problems)
        else:
            out[name] = _numbers(raw[name], name, where, problems)
    if problems:
        raise InputError(problems)
    return pd.DataFrame(out).reset_index(drop=True)


def load_export(path: Path) -> AnalysisData:
    """Outside route: an exported analysis file (after disclosure protection)."""
    return AnalysisData(check_frame(read_table(path), str(path)), OUTSIDE, path.name)


def load_run(run_dir: Path, key: MasterKey) -> AnalysisData:
    """Inside route: the run's sealed full-resolution frame (RUN_DIR or RUN_DIR/secure)."""
    path = run_dir / SEALED_FRAME
    if not path.exists() and (run_dir / SEALED_FRAME.name).exists():
        path = run_dir / SEALED_FRAME.name
    header, frame = read_sealed_frame(path, key)
    return AnalysisData(check_frame(frame, str(path)), INSIDE, run_dir.resolve().name,
                        header.run_id)
