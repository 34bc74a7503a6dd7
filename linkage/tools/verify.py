"""Re-check a delivered export folder: what an auditor runs on receipt (``vhh-link verify``).

Checks, each reported as OK, FAIL or SKIP with a reason made of counts and file or column
names only (never a cell value):

1. files: every file listed in ``auditrapport.json`` (``bestanden``) is present with the
   listed SHA-256, and no other file is in the folder besides the two report files;
2. analysis files: the columns of every ``analysebestand.*`` equal the variables of
   ``codeboek.json`` and the file passes the strict output schema (category lists from the
   code book's ``keuzes``);
3. arithmetic: the funnel adds up and every row reconciliation accounts for every row read;
4. the HTML report is the rendering of the JSON report (skipped for another tool version);
5. with an inputs configuration: the inputs are the ones the report names, and the leak
   scanner finds no input identifier in any export file.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa
from vhh.linkage.contract import REVIEW_ACCEPTED
from vhh.linkage.errors import VerificationError
from vhh.linkage.io.readers import RawTable
from vhh.linkage.io.writers import unguard_formula
from vhh.linkage.privacy.leakscan import scan_file
from vhh.linkage.report.contents import report_vocabulary
from vhh.linkage.report.funnel import check_funnel, check_reconciliation
from vhh.linkage.report.html import render_html
from vhh.linkage.settings import Settings, load_settings
from vhh.linkage.version import __version__
from vhh.schemas.analysis import analysis_schema, summarise_failures

__all__ = ["Check", "export_vocabulary", "find_export", "require_all", "verify_export"]

REPORT_JSON, REPORT_HTML, CODEBOOK = "auditrapport.json", "auditrapport.html", "codeboek.json"
ANALYSIS_SUFFIXES = (".csv", ".parquet", ".sav")
FILES, FUNNEL, ROWS = ("files match the report's SHA-256 list", "funnel adds up",
                      "row reconciliation adds up")
HTML, LEAKS = f"{REPORT_HTML} renders {REPORT_JSON}", "no input identifier in any export file"
_TRUE = {"true": True, "1": True, "1.0": True, "false": False, "0": False, "0.0": False}


@dataclass(frozen=True)
class Check:
    """One verification outcome; ``ok`` is None when the check could not apply."""

    name: str
    ok: bool | None
    detail: str = ""

    def line(self) -> str:
        status = {True: "OK", False: "FAIL", None: "SKIP"}[self.ok]
        return f"{status:<4}  {self.name}" + (f": {self.detail}" if self.detail else "")


def find_export(folder: Path) -> Path:
    """The export folder: ``folder`` itself or ``folder/export``."""
    for candidate in (folder, folder / "export"):
        if (candidate / REPORT_JSON).is_file():
            return candidate
    raise VerificationError(f"{folder}: no {REPORT_JSON} here or in {folder / 'export'}; point "
                            "verify at the delivered export folder")


def verify_export(folder: Path, inputs_config: Path | None = None) -> list[Check]:
    """Run every check on a delivered export folder (see the module docstring)."""
    export = find_export(folder)
    try:
        report = json.loads((export / REPORT_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise VerificationError(f"{export / REPORT_JSON}: cannot be read as JSON "
                                f"({type(err).__name__})") from None
    checks = [_guarded(FILES, lambda: check_files(export, report)),
              *check_analysis_files(export),
              _guarded(FUNNEL, lambda: check_arithmetic_funnel(report)),
              _guarded(ROWS, lambda: check_arithmetic_rows(report)),
              _guarded(HTML, lambda: check_html(export, report))]
    if inputs_config is not None:
        try:
            checks += check_leaks(export, report, inputs_config)
        except (KeyError, TypeError, AttributeError) as err:  # a garbled report
            checks.append(Check(LEAKS, False, f"cannot be checked ({type(err).__name__})"))
    return checks


def require_all(checks: Iterable[Check]) -> None:
    """Raise :class:`VerificationError` when any check failed."""
    checks = list(checks)
    failed = [c.name for c in checks if c.ok is False]
    if failed:
        raise VerificationError(f"{len(failed)} of {len(checks)} checks failed: "
                                + "; ".join(failed))


def _guarded(name: str, run: Callable[[], Check]) -> Check:
    """A check whose report or file is malformed fails instead of crashing the command."""
    try:
        return run()
    except KeyError as err:
        return Check(name, False, f"the report or code book lacks the field {err.args[0]!r}")
    except (OSError, TypeError, ValueError, AttributeError) as err:
        return Check(name, False, f"cannot be checked ({type(err).__name__})")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- 1. files -------------------------------------------------------------------------------


def check_files(export: Path, report: Mapping[str, Any]) -> Check:
    name = FILES
    listed: Mapping[str, str] = report["bestanden"]
    unsafe = [n for n in listed if Path(n).name != n or n.startswith(".")]
    if unsafe:
        return Check(name, False, f"{len(unsafe)} listed names are not plain file names")
    present = {p.relative_to(export).as_posix() for p in export.rglob("*") if p.is_file()}
    missing = sorted(set(listed) - present)
    changed = sorted(n for n in set(listed) & present if _sha256(export / n) != listed[n])
    extra = present - set(listed) - {REPORT_JSON, REPORT_HTML}
    problems = []
    if changed:
        problems.append(f"{len(changed)} differ ({', '.join(changed)})")
    if missing:
        problems.append(f"{len(missing)} missing ({', '.join(missing)})")
    if extra:
        problems.append(f"{len(extra)} unlisted files in the folder")
    if problems:
        return Check(name, False, f"of {len(listed)} listed files: " + "; ".join(problems))
    return Check(name, True, f"{len(listed)} files, no unlisted file")


# --- 2. analysis files ----------------------------------------------------------------------


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
        checks.append(_guarded(f"{path.name} passes the strict schema",
                               lambda f=frame, p=path: _schema_check(p, f, schema)))
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


# --- 3. arithmetic --------------------------------------------------------------------------


def check_arithmetic_funnel(report: Mapping[str, Any]) -> Check:
    problems = check_funnel(report["trechter"])
    if problems:
        return Check(FUNNEL, False, f"{len(problems)} problems: " + "; ".join(problems))
    return Check(FUNNEL, True, f"{len(report['trechter'])} steps")


def check_arithmetic_rows(report: Mapping[str, Any]) -> Check:
    tables = [*report["rijen"].values()]
    if "gcos_besprekingen" in report:
        tables.append(report["gcos_besprekingen"])
    problems = [p for rows in tables for p in check_reconciliation(rows)]
    if problems:
        return Check(ROWS, False, "; ".join(problems))
    return Check(ROWS, True, f"{len(tables)} sources")


# --- 4. the HTML report ---------------------------------------------------------------------


def check_html(export: Path, report: Mapping[str, Any]) -> Check:
    name = HTML
    path = export / REPORT_HTML
    if not path.is_file():
        return Check(name, False, f"{REPORT_HTML} is missing")
    if report.get("versie") != __version__:
        return Check(name, None, f"report made by version {report.get('versie')}, this is "
                                 f"{__version__}")
    if path.read_bytes() != render_html(report).encode("utf-8"):
        return Check(name, False, f"{REPORT_HTML} differs from the rendering of {REPORT_JSON}")
    return Check(name, True)


# --- 5. leak scan against the inputs --------------------------------------------------------


def check_leaks(export: Path, report: Mapping[str, Any], config: Path) -> list[Check]:
    """Scan every export file for identifiers of the inputs named in ``config``."""
    from vhh.pipelines.study import scan_inputs  # the pipeline's own reader; pipelines sit above

    settings = load_settings(config)
    scanned = scan_inputs(settings, CATEGORY_COLUMNS)
    tables = scanned.tables
    listed = {i["bron"]: i["sha256"] for i in report.get("invoer", [])}
    differ = sorted(s for s, t in tables.items() if listed.get(s) != t.sha256)
    inputs = Check("inputs are the ones the report names", not differ,
                   f"{len(differ)} of {len(tables)} differ ({', '.join(differ)})" if differ
                   else f"{len(tables)} files")
    vocabulary = export_vocabulary(settings, report, tables, scanned.values)
    names = sorted(n for n in [*report.get("bestanden", {}), REPORT_JSON, REPORT_HTML]
                   if (export / n).is_file() and Path(n).name == n)
    hits = [h for n in names for h in scan_file(export / n, scanned.identifiers, vocabulary, n)]
    by = Counter((h.file, h.kind) for h in hits)
    detail = "; ".join(f"{f}: {n} × {k}" for (f, k), n in sorted(by.items()))
    scan = Check(LEAKS, not hits,
                 detail if hits else f"{len(names)} files scanned")
    return [inputs, scan]


# the input columns whose values the report may name as category words
CATEGORY_COLUMNS = (("bvh_incidenten", "rol"), ("bvh_incidenten", "mk_code"),
                    ("hks_antecedenten", "afdoening"))


def export_vocabulary(settings: Settings, report: Mapping[str, Any],
                      tables: Mapping[str, RawTable],
                      values: Mapping[tuple[str, str], set[str]] | None = None
                      ) -> frozenset[str]:
    """The words the export's text files may hold whatever the data, as at export time.

    ``values`` holds the distinct lower-cased values of :data:`CATEGORY_COLUMNS` when the
    inputs were read in chunks; without it they are taken from the ``tables``' frames.
    """
    if values is None:
        values = {(source, column): _distinct_lower(tables[source].frame, column)
                  for source, column in CATEGORY_COLUMNS}
    changes = report.get("privacy", {}).get("maatregelen", [])  # fewer words: a stricter scan
    return report_vocabulary(settings, changes,
                             [*_report_words(report, values),
                              *(t.path.name for t in tables.values())])


def _distinct_lower(frame: pd.DataFrame, column: str) -> set[str]:
    if column not in frame:
        return set()
    return set(frame[column].astype(str).str.strip().str.lower().unique())


def _report_words(report: Mapping[str, Any], values: Mapping[tuple[str, str], set[str]]
                  ) -> list[str]:
    """Category words the report names (roles, codes, afdoeningen), kept only when the inputs
    hold them in that column, so a report cannot excuse a surname by naming it a role."""
    f = report.get("filters", {})
    wanted = [(f.get("bvh", {}).get("per_rol", {}), "bvh_incidenten", "rol"),
              (f.get("bvh", {}).get("onbekende_codes", {}), "bvh_incidenten", "mk_code"),
              (f.get("hks", {}).get("per_afdoening", {}), "hks_antecedenten", "afdoening")]
    words = []
    for keys, source, column in wanted:
        seen = values.get((source, column), set())
        words += [k for k in keys if str(k).strip().lower() in seen]
    return words
