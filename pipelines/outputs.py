"""The run's files: ``secure/`` (never leaves) and the gated ``export/`` (may leave).

Every file is written atomically; the export is written to a staging folder, scanned by
the leak scanner and only then swapped into place (:mod:`vhh.linkage.privacy.gate`). What
of each export file is the project's own text, and what the data brought, is described by
:func:`vhh.linkage.report.exportspec.export_own_text`; the gate scans the rest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
from vhh.linkage.io.atomic import atomic_write_bytes
from vhh.linkage.io.writers import write_csv, write_parquet, write_sav
from vhh.linkage.privacy.crosswalk import encrypt_crosswalk
from vhh.linkage.privacy.gate import publish_export
from vhh.linkage.privacy.identifiers import Identifiers
from vhh.linkage.privacy.keys import MasterKey
from vhh.linkage.privacy.sealed import seal_frame
from vhh.linkage.report.codebook import (
    codebook_dict,
    codebook_json,
    codebook_markdown,
    sav_labels,
)
from vhh.linkage.report.exportspec import REPORT_HTML, REPORT_JSON, export_own_text
from vhh.linkage.report.html import render_html
from vhh.linkage.report.model import AuditReport, InternalReport
from vhh.linkage.settings import Settings
from vhh.linkage.stopwatch import Stopwatch
from vhh.linkage.validate.sources import Validated
from vhh.pipelines.stages import Links, Pseudonymised

__all__ = ["REPORT_HTML", "REPORT_JSON", "FinalReport", "export_writers", "report_json",
           "write_export", "write_secure"]

Writer = Callable[[Path], None]


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    text: str = frame.to_csv(index=False, lineterminator="\n")
    return text.encode("utf-8")


def _text(content: str) -> Writer:
    def write(path: Path) -> None:
        path.write_text(content, encoding="utf-8")
    return write


def report_json(report: AuditReport) -> str:
    """The exported report as text (the bytes ``verify`` re-reads)."""
    return json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n"


def write_secure(secure: Path, validated: Mapping[str, Validated], links: Links,
                 pseudonymised: Pseudonymised, key: MasterKey, settings: Settings,
                 internal: InternalReport, lost: pd.DataFrame) -> None:
    """The files that never leave: decisions, review queue, quarantine, crosswalk, losses,
    and the analysis file at full resolution (sealed, for ``vhh-link analyse --run``)."""
    for source, v in validated.items():
        atomic_write_bytes(secure / "quarantaine" / f"{source}.csv", _csv_bytes(v.quarantine))
    results = list(links.by_source.values())
    atomic_write_bytes(secure / "koppelingen.csv", _csv_bytes(
        pd.concat([r.koppelingen for r in results], ignore_index=True)))
    atomic_write_bytes(secure / "review.csv", _csv_bytes(
        pd.concat([r.review for r in results], ignore_index=True)))
    atomic_write_bytes(secure / "crosswalk.enc", encrypt_crosswalk(
        pseudonymised.crosswalk, key, settings.project, internal.run_id))
    # before disclosure control: the inside route of vhh-link analyse checks its output
    atomic_write_bytes(secure / "analysebestand_volledig.enc", seal_frame(
        pseudonymised.analysis, key, settings.project, internal.run_id))
    atomic_write_bytes(secure / "verlies_per_subject.csv", _csv_bytes(lost))
    text = json.dumps(internal.to_json(), ensure_ascii=False, indent=2, default=str)
    atomic_write_bytes(secure / "auditrapport_intern.json", text.encode())
    atomic_write_bytes(secure / "auditrapport_intern.html", render_html(internal).encode("utf-8"))


@dataclass
class FinalReport:
    """The report as written into the export (with its files' hashes, times and end)."""

    report: AuditReport


def _analysis_writers(frame: pd.DataFrame, settings: Settings) -> dict[str, Writer]:
    writers: dict[str, Writer] = {}
    if "csv" in settings.export.formats:
        writers["analysebestand.csv"] = lambda p: write_csv(frame, p)
    if "parquet" in settings.export.formats:
        writers["analysebestand.parquet"] = lambda p: write_parquet(frame, p)
    if "sav" in settings.export.formats:
        writers["analysebestand.sav"] = lambda p: write_sav(frame, p, sav_labels())
    return writers


def export_writers(frame: pd.DataFrame, book: Mapping[str, object], report: AuditReport,
                   settings: Settings, clock: Stopwatch, final: FinalReport) -> dict[str, Writer]:
    """Each export file's writer, by name, in the order they must run."""
    writers = _analysis_writers(frame, settings)
    writers["codeboek.md"] = _text(codebook_markdown(book))
    writers["codeboek.json"] = _text(codebook_json(book))

    def write_report(path: Path) -> None:  # last but one: it lists the others' hashes
        hashes = {name: hashlib.sha256((path.parent / name).read_bytes()).hexdigest()
                  for name in writers if name != path.name and (path.parent / name).exists()}
        final.report = replace(report, bestanden=hashes, tijden=dict(clock.stages),
                               eind=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
        path.write_text(report_json(final.report), encoding="utf-8")

    def write_html(path: Path) -> None:  # from the JSON on disk, as verify re-renders it
        data = json.loads((path.parent / REPORT_JSON).read_text(encoding="utf-8"))
        path.write_bytes(render_html(AuditReport.from_json(data)).encode("utf-8"))

    writers[REPORT_JSON] = write_report
    writers[REPORT_HTML] = write_html
    return writers


def write_export(target: Path, frame: pd.DataFrame, report: AuditReport, settings: Settings,
                 measures: list[dict[str, object]], identifiers: Identifiers,
                 clock: Stopwatch, *, dry_run: bool = False) -> tuple[dict[str, Path], AuditReport]:
    """Write, scan and publish ``export/`` (``dry_run``: write and scan only); the report as
    exported."""
    book = codebook_dict(settings, measures)
    final = FinalReport(report)
    files = publish_export(target, export_writers(frame, book, report, settings, clock, final),
                           identifiers, export_own_text(settings), dry_run=dry_run)
    return files, final.report
