"""Writing the export: formats, formula-injection guard, and an atomic, gated folder swap.

Files are first written to a temporary folder next to ``export/``, every one is scanned
by the leak scanner, and only when all are clean is the folder renamed into place (a
rename is atomic on one file system). A blocked or interrupted run leaves no partial
``export/``: the previous export, if any, stays until the new one is complete.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd
from vhh.linkage.errors import ExportBlocked
from vhh.linkage.privacy.leakscan import Identifiers, scan_file
from vhh.linkage.report.codebook import VARIABLES, value_labels

__all__ = ["atomic_write_bytes", "guard_formula", "publish_export", "write_csv",
           "write_parquet", "write_sav"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def guard_formula(value: object) -> object:
    """Neutralise a text cell a spreadsheet would run as a formula; numbers stay as they are."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _is_number(value):
        return "'" + value
    return value


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    guarded = frame.copy()
    for col in guarded.columns:
        if guarded[col].dtype == object or pd.api.types.is_string_dtype(guarded[col]):
            guarded[col] = guarded[col].map(guard_formula)
    # RFC 4180 line ends: with them the csv writer also quotes a cell holding a bare CR
    guarded.to_csv(path, index=False, encoding="utf-8", lineterminator="\r\n")


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    frame.to_parquet(path, index=False)


def write_sav(frame: pd.DataFrame, path: Path) -> None:
    """SPSS file with Dutch variable labels, value labels, formats and declared missings."""
    import pyreadstat

    out = frame.copy()
    formats, missing = {}, {}
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_bool_dtype(series):
            out[col] = series.astype(int)
            formats[col] = "F1.0"
        elif pd.api.types.is_integer_dtype(series):
            out[col] = series.astype("float64")  # SPSS numbers are doubles; NA -> sysmis
            formats[col] = "F8.0"
    labels = {v.name: v.label for v in VARIABLES if v.name in out.columns}
    vlabels = {k: {float(c): t for c, t in m.items()} for k, m in value_labels().items()
               if k in out.columns}
    if "geslacht" in out.columns:
        missing["geslacht"] = [9]
    pyreadstat.write_sav(out, str(path), column_labels=labels, variable_value_labels=vlabels,
                         variable_format=formats, missing_ranges=missing,
                         file_label="vhh-linkage analysebestand")


def atomic_write_bytes(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write a file via a temporary name in the same folder and an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def publish_export(target: Path, writers: Mapping[str, Callable[[Path], None]],
                   identifiers: Identifiers, vocabulary: frozenset[str]) -> dict[str, Path]:
    """Write every file to a temporary folder, scan them, then swap the folder into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".export-", dir=target.parent))
    try:
        for name, write in writers.items():
            write(staging / name)
        hits = [h for name in writers for h in scan_file(staging / name, identifiers,
                                                         vocabulary, name)]
        if hits:
            raise ExportBlocked([str(h) for h in hits])
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=".export-old-", dir=target.parent))
            os.replace(target, old / "export")
            os.replace(staging, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return {name: target / name for name in writers}
