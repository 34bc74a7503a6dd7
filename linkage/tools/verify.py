"""Re-check a delivered export folder: what an auditor runs on receipt (``vhh-link verify``).

Checks, each reported as OK, FAIL or SKIP with a reason made of counts and file or column
names only (never a cell value):

0. the report: ``auditrapport.json`` is a report of the model this version reads
   (:class:`~vhh.linkage.report.model.AuditReport`); nothing else is checked without it;
1. the signature (:mod:`vhh.linkage.tools.verify_manifest`): ``manifest.sig`` signs
   ``manifest.json``; with a trust anchor (a public key, or the project's key file) it is
   the anchor's signature - without one, every check below shows consistency only, never
   who made the folder; every file of the folder is in the manifest with its SHA-256;
   pointed at a run's folder, no unfinished export lies beside ``export/``;
1b. files: every file listed in the report (``bestanden``) is present with the listed
   SHA-256, and no other file is in the folder besides the report and manifest files;
2. analysis files: the columns of every ``analysebestand.*`` equal the variables of
   ``codeboek.json`` and the file passes the strict output schema (category lists from the
   code book's ``keuzes``);
3. arithmetic: the funnel adds up and every row reconciliation accounts for every row read;
4. the HTML report is the rendering of the JSON report (skipped for another tool version);
5. with an inputs configuration: the inputs are the ones the report names, and the leak
   scanner finds no input identifier in any export file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from vhh.linkage.errors import VerificationError
from vhh.linkage.io.digest import file_sha256
from vhh.linkage.privacy.signing import MANIFEST_FILES, TrustAnchor
from vhh.linkage.report.funnel import check_funnel, check_reconciliation
from vhh.linkage.report.html import render_html
from vhh.linkage.report.model import AuditReport, ModelError
from vhh.linkage.tools.checks import (
    FILES,
    FUNNEL,
    HTML,
    REPORT_HTML,
    REPORT_JSON,
    ROWS,
    Check,
    guarded,
)
from vhh.linkage.tools.verify_analysis import check_analysis_files
from vhh.linkage.tools.verify_leaks import check_leaks
from vhh.linkage.tools.verify_manifest import (
    check_beside,
    check_manifest_files,
    check_signature,
)
from vhh.linkage.version import __version__

__all__ = ["Check", "find_export", "read_report", "require_all", "verify_export"]

MODEL = f"{REPORT_JSON} is a report this version reads"


def find_export(folder: Path) -> Path:
    """The export folder: ``folder`` itself or ``folder/export``."""
    for candidate in (folder, folder / "export"):
        if (candidate / REPORT_JSON).is_file():
            return candidate
    raise VerificationError(f"{folder}: no {REPORT_JSON} here or in {folder / 'export'}; point "
                            "verify at the delivered export folder")


def read_report(export: Path) -> AuditReport:
    """The delivered report, read through the report model."""
    try:
        data = json.loads((export / REPORT_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise VerificationError(f"{export / REPORT_JSON}: cannot be read as JSON "
                                f"({type(err).__name__})") from None
    return AuditReport.from_json(data)


def verify_export(folder: Path, inputs_config: Path | None = None,
                  anchor: TrustAnchor | None = None) -> list[Check]:
    """Run every check on a delivered export folder (see the module docstring)."""
    export = find_export(folder)
    try:
        report = read_report(export)
    except ModelError as err:  # the path of the field, never its value
        return [Check(MODEL, False, str(err))]
    signed = check_signature(export, anchor)
    checks = [Check(MODEL, True, f"report format {report.rapportversie}"), *signed.checks,
              guarded(FILES, lambda: check_files(export, report)),
              check_manifest_files(export, signed.manifest, report),
              *check_beside(folder, export),
              *check_analysis_files(export),
              check_arithmetic_funnel(report), check_arithmetic_rows(report),
              guarded(HTML, lambda: check_html(export, report))]
    if inputs_config is not None:
        checks += check_leaks(export, report, inputs_config)
    return checks


def require_all(checks: Iterable[Check]) -> None:
    """Raise :class:`VerificationError` when any check failed."""
    checks = list(checks)
    failed = [c.name for c in checks if c.ok is False]
    if failed:
        raise VerificationError(f"{len(failed)} of {len(checks)} checks failed: "
                                + "; ".join(failed))


def check_files(export: Path, report: AuditReport) -> Check:
    """1. Every listed file present with its hash; no unlisted file."""
    listed = report.bestanden
    if listed is None:
        return Check(FILES, False, f"{REPORT_JSON} lists no files (the field 'bestanden')")
    unsafe = [n for n in listed if Path(n).name != n or n.startswith(".")]
    if unsafe:
        return Check(FILES, False, f"{len(unsafe)} listed names are not plain file names")
    present = {p.relative_to(export).as_posix() for p in export.rglob("*") if p.is_file()}
    missing = sorted(set(listed) - present)
    changed = sorted(n for n in set(listed) & present if file_sha256(export / n) != listed[n])
    extra = present - set(listed) - {REPORT_JSON, REPORT_HTML, *MANIFEST_FILES}
    problems = []
    if changed:
        problems.append(f"{len(changed)} differ ({', '.join(changed)})")
    if missing:
        problems.append(f"{len(missing)} missing ({', '.join(missing)})")
    if extra:
        problems.append(f"{len(extra)} unlisted files in the folder")
    if problems:
        return Check(FILES, False, f"of {len(listed)} listed files: " + "; ".join(problems))
    return Check(FILES, True, f"{len(listed)} files, no unlisted file")


def check_arithmetic_funnel(report: AuditReport) -> Check:
    """3a. The funnel adds up."""
    problems = check_funnel(report.trechter)
    if problems:
        return Check(FUNNEL, False, f"{len(problems)} problems: " + "; ".join(problems))
    return Check(FUNNEL, True, f"{len(report.trechter)} steps")


def check_arithmetic_rows(report: AuditReport) -> Check:
    """3b. Every row read of every source is accounted for."""
    tables = report.reconciliations()
    problems = [p for rows in tables.values() for p in check_reconciliation(rows)]
    if problems:
        return Check(ROWS, False, "; ".join(problems))
    return Check(ROWS, True, f"{len(tables)} sources")


def check_html(export: Path, report: AuditReport) -> Check:
    """4. The HTML is the rendering of the JSON (by this version of the renderer)."""
    path = export / REPORT_HTML
    if not path.is_file():
        return Check(HTML, False, f"{REPORT_HTML} is missing")
    if report.versie != __version__:
        return Check(HTML, None, f"report made by version {report.versie}, this is "
                                 f"{__version__}")
    if path.read_bytes() != render_html(report).encode("utf-8"):
        return Check(HTML, False, f"{REPORT_HTML} differs from the rendering of {REPORT_JSON}")
    return Check(HTML, True)
