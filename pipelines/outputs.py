"""The run's files: ``secure/`` (never leaves) and the gated ``export/`` (may leave).

Every file is written atomically; the export is written to a staging folder, scanned by
the leak scanner, sealed with the signed manifest and only then renamed into place
(:mod:`vhh.linkage.privacy.gate`, :mod:`vhh.linkage.privacy.signing`). What of each export
file is the project's own text, and what the data brought, is described by
:func:`vhh.linkage.report.exportspec.export_own_text`; the gate scans the rest. The output
folder is held by one run at a time (:func:`output_folder`), which first removes whatever
an interrupted run left there, and says so.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import platform
import shutil
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path

import pandas as pd
from vhh.linkage.errors import ConfigError
from vhh.linkage.io.atomic import atomic_write_bytes, output_lock, remove_temporaries
from vhh.linkage.io.csv_text import csv_bytes, csv_pieces
from vhh.linkage.io.digest import file_sha256
from vhh.linkage.io.writers import write_csv, write_parquet, write_sav
from vhh.linkage.link.review import review_file
from vhh.linkage.privacy.crosswalk import encrypt_crosswalk
from vhh.linkage.privacy.gate import (
    Seal,
    publish_export,
    remove_staging,
    retire_export,
    retired_name,
)
from vhh.linkage.privacy.identifiers import Identifiers
from vhh.linkage.privacy.keys import MasterKey
from vhh.linkage.privacy.sealed import seal_frame
from vhh.linkage.privacy.signing import (
    MANIFEST,
    PUBLIC_KEY_FILE,
    SIGNATURE,
    Manifest,
    fingerprint,
    public_key_hex,
    public_key_pem,
    sign_manifest,
    signing_key,
)
from vhh.linkage.report.codebook import (
    codebook_dict,
    codebook_json,
    codebook_markdown,
    sav_labels,
)
from vhh.linkage.report.exportspec import REPORT_HTML, REPORT_JSON, export_own_text
from vhh.linkage.report.html import render_html
from vhh.linkage.report.model import REPORT_VERSION, AuditReport, InternalReport
from vhh.linkage.settings import Settings
from vhh.linkage.stopwatch import Stopwatch
from vhh.linkage.validate.sources import Validated
from vhh.linkage.version import __version__
from vhh.pipelines.stages import Links, Pseudonymised

__all__ = ["REPORT_HTML", "REPORT_JSON", "FinalReport", "Retired", "export_writers",
           "manifest_seal", "output_folder", "public_key_file", "report_json",
           "retire_previous_export", "tidy_retired", "write_export", "write_secure"]

Writer = Callable[[Path], None]


def _text(content: str) -> Writer:
    def write(path: Path) -> None:
        path.write_text(content, encoding="utf-8")
    return write


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Frames of the same columns, one after the other (empty ones add nothing)."""
    rows = [f for f in frames if len(f)]
    return pd.concat(rows, ignore_index=True) if rows else frames[0].iloc[:0]


def report_json(report: AuditReport) -> str:
    """The exported report as text (the bytes ``verify`` re-reads)."""
    return json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n"


def _write_remarks(secure: Path, validated: Mapping[str, Validated]) -> None:
    """What valid rows carry besides their values, and the unknown leefgebied names."""
    for source, v in validated.items():
        if len(v.remarks):
            atomic_write_bytes(secure / "opmerkingen" / f"{source}.csv", csv_bytes(v.remarks))
    names = validated["gcos_subjecten"].unknown_domains
    if names:
        table = pd.DataFrame({"naam": list(names), "aantal": list(names.values())})
        atomic_write_bytes(secure / "onbekende_leefgebieden.csv", csv_bytes(table))


def _write_review(secure: Path, links: Links) -> None:
    """The review queue for Excel, and decisions whose pair no longer exists."""
    queue = _concat([r.review for r in links.by_source.values()])
    atomic_write_bytes(secure / "review.csv", review_file(queue))
    stale = links.stale_decisions()
    if len(stale):
        atomic_write_bytes(secure / "review_vervallen.csv", csv_bytes(stale))


def write_secure(secure: Path, validated: Mapping[str, Validated], links: Links,
                 pseudonymised: Pseudonymised, key: MasterKey, settings: Settings,
                 internal: InternalReport, lost: pd.DataFrame) -> None:
    """The files that never leave: decisions, review queue, quarantine, remarks, crosswalk,
    losses, and the analysis file at full resolution (sealed, for ``vhh-link analyse``)."""
    for source, v in validated.items():
        atomic_write_bytes(secure / "quarantaine" / f"{source}.csv", csv_bytes(v.quarantine))
    _write_remarks(secure, validated)
    results = list(links.by_source.values())
    # a row per linked police row: written in pieces, never held as text whole
    atomic_write_bytes(secure / "koppelingen.csv", csv_pieces([r.linked_rows for r in results]))
    _write_review(secure, links)
    atomic_write_bytes(secure / "crosswalk.enc", encrypt_crosswalk(
        pseudonymised.crosswalk, key, settings.project, internal.run_id))
    # before disclosure control: the inside route of vhh-link analyse checks its output
    atomic_write_bytes(secure / "analysebestand_volledig.enc", seal_frame(
        pseudonymised.analysis, key, settings.project, internal.run_id))
    atomic_write_bytes(secure / "verlies_per_subject.csv", csv_bytes(lost))
    text = json.dumps(internal.to_json(), ensure_ascii=False, indent=2, default=str)
    atomic_write_bytes(secure / "auditrapport_intern.json", text.encode())
    atomic_write_bytes(secure / "auditrapport_intern.html", render_html(internal).encode("utf-8"))
    # not secret: the trust anchor an auditor receives, by another channel than the export
    public = signing_key(key, settings.project).public_key()
    atomic_write_bytes(public_key_file(secure), public_key_pem(public), mode=0o644)


def public_key_file(secure: Path) -> Path:
    """Where a run writes the public key of its signature (for the auditor)."""
    return secure / PUBLIC_KEY_FILE


def _versions() -> dict[str, str]:
    """What made the export's bytes: this tool, the report format and the writers."""
    found = {"vhh-linkage": __version__, "rapportversie": str(REPORT_VERSION),
             "python": platform.python_version()}
    for package in ("pandas", "pyarrow", "pyreadstat"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:  # pragma: no cover - a dependency
            found[package] = "onbekend"
    return found


def manifest_seal(settings: Settings, key: MasterKey, report: AuditReport) -> Seal:
    """The gate's last step: the manifest of every staged file, signed with the project's
    signing key (derived from ``key``)."""
    private = signing_key(key, settings.project)
    public = private.public_key()

    def seal(hashes: Mapping[str, str]) -> dict[str, bytes]:
        manifest = Manifest(settings.project, report.run_id, settings.sha256, key.key_id,
                            _versions(), dict(hashes), public_key_hex(public),
                            fingerprint(public)).to_bytes()
        return {MANIFEST: manifest, SIGNATURE: sign_manifest(manifest, private)}

    return seal


def _out_folder(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise ConfigError(f"{out_dir}: --out is a file, not a folder; give a folder (it is "
                          "made when missing)")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"{out_dir}: cannot make the output folder ({exc.strerror}); give "
                          "--out a folder this user may write") from None


def _leftovers(out_dir: Path) -> list[str]:
    """Remove what an interrupted run left in ``out_dir``; what was removed, in words."""
    said = []
    for path in remove_staging(out_dir / "export"):
        said.append(f"removed {path.name} in {out_dir}: an unfinished export of an "
                    "interrupted run, never scanned and never published")
    temporaries = [*remove_temporaries(out_dir, recursive=False),
                   *remove_temporaries(out_dir / "secure")]
    if temporaries:
        said.append(f"removed {len(temporaries)} half-written temporary files of an "
                    f"interrupted run in {out_dir}")
    return said


@contextlib.contextmanager
def output_folder(out_dir: Path) -> Iterator[list[str]]:
    """Hold ``out_dir`` for one run: made if missing, locked against a second run, and
    cleared of an interrupted run's staging and temporary files. Yields the notices."""
    _out_folder(out_dir)
    with contextlib.ExitStack() as stack:
        try:
            held = stack.enter_context(output_lock(out_dir))
        except OSError as exc:
            raise ConfigError(f"{out_dir}: cannot write in the output folder "
                              f"({exc.strerror}); give --out a folder this user may write"
                              ) from None
        if not held:
            raise ConfigError(f"{out_dir}: another vhh-link run is writing in this folder; "
                              "wait until it ends, or give another --out")
        yield _leftovers(out_dir)


@dataclass(frozen=True)
class Retired:
    """An earlier export moved aside before this run wrote its ``secure/``."""

    path: Path
    run_id: str

    def note(self) -> str:
        """What a failed run says about it."""
        return (f"the export of the previous run (run {self.run_id}) was moved to "
                f"{self.path}: this run had begun to write secure/, which that export no "
                "longer belongs to (it still verifies on its own)")


def retire_previous_export(out_dir: Path) -> Retired | None:
    """Move ``out_dir/export`` aside, if there is one (see :func:`retire_export`)."""
    moved = retire_export(out_dir / "export")
    return None if moved is None else Retired(*moved)


def tidy_retired(out_dir: Path, run_id: str, retired: Retired | None) -> list[str]:
    """After a successful run: the export it moved aside is replaced (removed), and so is
    one of its own run id (same inputs, configuration, key and version) that an interrupted
    run moved aside; any other is kept, and said."""
    for path in {retired.path if retired else None, retired_name(out_dir / "export", run_id)}:
        if path is not None and path.is_dir():
            shutil.rmtree(path)
    return [f"kept {path}: an earlier export that an interrupted run moved aside; it does not "
            "belong to secure/ (remove it when it is no longer needed)"
            for path in sorted(out_dir.glob("export.vorige-*"))]


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
        hashes = {name: file_sha256(path.parent / name)
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
                 clock: Stopwatch, key: MasterKey, *, dry_run: bool = False
                 ) -> tuple[dict[str, Path], AuditReport]:
    """Write, scan, sign and publish ``export/`` (``dry_run``: write, scan and sign only);
    the report as exported."""
    book = codebook_dict(settings, measures)
    final = FinalReport(report)
    files = publish_export(target, export_writers(frame, book, report, settings, clock, final),
                           identifiers, export_own_text(settings),
                           manifest_seal(settings, key, report), dry_run=dry_run)
    return files, final.report
