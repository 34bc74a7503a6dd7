"""The linkage study end to end: extracts in, de-identified analysis file and report out.

read and validate (quarantine) → scope → link BVH and HKS → startdatum → filter → count in
windows → study variables → pseudonymise → disclosure control → output schema → report →
secure outputs → gated, signed, atomic export. ``vhh-link validate`` runs the same stages
and the same gate as a dry run (:func:`dry_run_export`). Each step is a stage of
:mod:`vhh.pipelines.stages` that returns a typed result; the report is assembled from those
results (:mod:`vhh.pipelines.accounts`); only :mod:`vhh.pipelines.outputs` writes files.

Crash safety: the run holds its output folder alone and first removes what an interrupted
run left there; nothing is written before every decision is made; an earlier ``export/`` is
moved aside (under its run id) before ``secure/`` is written, because from then on it no
longer belongs to the folder beside it; a successful run removes it again, a failed one
says where it is. So ``export/`` is always a complete, signed delivery of the ``secure/``
beside it, or absent.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from vhh.linkage.contract import POLICE_SOURCES
from vhh.linkage.errors import ExportBlocked
from vhh.linkage.heap import release
from vhh.linkage.privacy.collector_process import CollectorProcess
from vhh.linkage.privacy.identifiers import IdentifierCollector, Identifiers
from vhh.linkage.privacy.keys import KEY_BYTES, MasterKey
from vhh.linkage.privacy.signing import fingerprint, signing_key
from vhh.linkage.report.model import AuditReport
from vhh.linkage.settings import Settings
from vhh.linkage.stopwatch import Stopwatch
from vhh.linkage.validate.codes import incident_codes
from vhh.linkage.validate.inputs import LoadedInputs, Observer, load_inputs
from vhh.linkage.worker import AVAILABLE as WORKERS_AVAILABLE
from vhh.pipelines import stages
from vhh.pipelines.accounts import (
    Accounts,
    audit_report,
    internal_report,
    losses,
    tagged_values,
)
from vhh.pipelines.outputs import (
    Retired,
    output_folder,
    public_key_file,
    retire_previous_export,
    tidy_retired,
    write_export,
    write_secure,
)

__all__ = ["DryRun", "Prepared", "StudyResult", "dry_run_export", "prepare_study",
           "run_study"]

Progress = Callable[[str], None]


@dataclass(frozen=True)
class StudyResult:
    """What a run wrote: the report as exported, where the two folders are, the public key
    of the signature (for the auditor) and what the run had to say about the folder."""

    report: AuditReport
    export_dir: Path
    secure_dir: Path
    files: dict[str, Path] = field(default_factory=dict)
    public_key: Path | None = None
    fingerprint: str = ""
    notices: tuple[str, ...] = ()

    def __repr__(self) -> str:  # the report is long; what a run wrote, in one line
        return (f"StudyResult(run {self.report.run_id}: {len(self.files)} export files in "
                f"{self.export_dir}, secure {self.secure_dir})")


WORKER_FROM_BYTES = 64 << 20
"""Police extracts of this many bytes together (about 600,000 BVH rows) have their
identifiers collected in a worker process (:class:`CollectorProcess`), beside the
validation; smaller ones in process, where starting a process would cost more than it
saves. Both give the same identifiers."""

Collector = IdentifierCollector | CollectorProcess


def _collector(settings: Settings) -> Collector:
    size = 0
    for source in POLICE_SOURCES:
        with contextlib.suppress(OSError):  # missing or unreadable: open_inputs names it
            size += settings.input_path(source).stat().st_size
    wanted = settings.inputs.workers and WORKERS_AVAILABLE and size >= WORKER_FROM_BYTES
    return CollectorProcess() if wanted else IdentifierCollector()


def _collecting(collector: Collector, clock: Stopwatch) -> Observer:
    """The leak scanner's collector as an observer of every raw chunk, timed."""
    def observe(source: str, frame: pd.DataFrame) -> None:
        with clock.stage("identifiers"):
            collector.add(frame, source=source)
    return observe


def _read(settings: Settings, clock: Stopwatch, collector: Collector
          ) -> tuple[pd.Series, LoadedInputs]:
    with clock.stage("read"):
        codes = incident_codes(settings)
    quiet = Stopwatch(clock.stages)  # no progress line per chunk of identifiers
    return codes, load_inputs(settings, clock, _collecting(collector, quiet))


def _identifiers(collector: Collector, clock: Stopwatch) -> Identifiers:
    """The collected identifiers; a worker's own processor time is added as its stage."""
    with clock.stage("identifiers"):
        found = collector.finish()
    if isinstance(collector, CollectorProcess):
        clock.add("identifiers_worker", collector.seconds)
        # the worker's reply (80 MB at 5M BVH rows) arrives as a pipe's buffer, its copy
        # and the unpickled arrays: glibc keeps those freed pages in the heap (about
        # 400 MiB resident when the linkage starts) unless asked (4 ms) to return them.
        # The run's peak does not fall: the linkage would have reused those pages
        release(collect=False)
    return found


@dataclass(frozen=True)
class Prepared:
    """Everything a run computes before it writes a file."""

    accounts: Accounts
    report: AuditReport
    checked: pd.DataFrame           # the protected analysis file, passed by its schema
    pseudonymised: stages.Pseudonymised
    clock: Stopwatch

    def __repr__(self) -> str:
        return f"Prepared(run {self.report.run_id})"


def prepare_study(settings: Settings, key: MasterKey, clock: Stopwatch) -> Prepared:
    """Read, link, count, protect and account: the run up to its files."""
    started = dt.datetime.now(dt.UTC)
    collector = _collector(settings)
    try:
        return _prepared(settings, key, clock, started, collector)
    finally:
        collector.close()


def _prepared(settings: Settings, key: MasterKey, clock: Stopwatch, started: dt.datetime,
              collector: Collector) -> Prepared:
    """:func:`prepare_study` with its collector. A worker's identifiers are taken as soon
    as the extracts are read (it is at most a chunk behind), so that its memory is free
    before the linkage, the run's peak."""
    codes, loaded = _read(settings, clock, collector)
    identifiers = _identifiers(collector, clock)
    scoped = stages.scope(loaded, settings, clock)
    links = stages.link(loaded, scoped, settings, clock)
    start = stages.start(loaded, links, settings)
    filtered = stages.filter_rows(loaded, links, start, codes, settings, clock)
    with clock.stage("aggregate"):
        counted = stages.count(loaded, links, filtered, start, settings)
        variables = stages.study_variables(loaded, scoped, start, links, counted, settings)
    with clock.stage("pseudonymise"):
        pseudonymised = stages.pseudonymise_file(variables, key, settings)
    with clock.stage("disclosure"):
        protected = stages.protect_file(pseudonymised.analysis, settings)
    with clock.stage("validate_output"):
        checked = stages.validate_output(protected, settings)
    accounts = Accounts(settings, loaded, identifiers, scoped, links, start, filtered, counted,
                        pseudonymised.analysis, protected)
    return Prepared(accounts, audit_report(accounts, key, started), checked, pseudonymised,
                    clock)


def _export(prepared: Prepared, key: MasterKey, target: Path, dry_run: bool
            ) -> tuple[dict[str, Path], AuditReport]:
    a, clock = prepared.accounts, prepared.clock
    with clock.stage("export"):  # its own time is not in the report it writes
        return write_export(target, prepared.checked, prepared.report, a.settings,
                            a.protected.measures, a.identifiers, clock, key, dry_run=dry_run)


def _write(prepared: Prepared, key: MasterKey, out_dir: Path
           ) -> tuple[dict[str, Path], AuditReport, Retired | None]:
    """secure/, then the gated export/; the export of an earlier run is moved aside first,
    and a failure says where it went."""
    a = prepared.accounts
    retired = retire_previous_export(out_dir)
    try:
        with prepared.clock.stage("secure"):
            lost = losses(a)
            unknown = dict(a.loaded.validated["gcos_subjecten"].unknown_domains)
            internal = internal_report(prepared.report, lost, a.links, unknown,
                                       tagged_values(a, key))
            write_secure(out_dir / "secure", a.loaded.validated, a.links,
                         prepared.pseudonymised, key, a.settings, internal, lost)
        files, final = _export(prepared, key, out_dir / "export", dry_run=False)
    except BaseException as err:
        if retired is not None:
            err.add_note(retired.note())
        raise
    return files, final, retired


def run_study(settings: Settings, key: MasterKey, out_dir: Path,
              progress: Progress | None = None) -> StudyResult:
    """Run the whole study and write ``out_dir/export`` and ``out_dir/secure``."""
    clock = Stopwatch(progress=progress)
    with output_folder(out_dir) as notices:
        prepared = prepare_study(settings, key, clock)
        files, final, retired = _write(prepared, key, out_dir)
        notices += tidy_retired(out_dir, final.run_id, retired)
    public = signing_key(key, settings.project).public_key()
    return StudyResult(final, out_dir / "export", out_dir / "secure", files,
                       public_key_file(out_dir / "secure"), fingerprint(public),
                       tuple(notices))


@dataclass(frozen=True)
class DryRun:
    """What the dry run found: the run's inputs and report, and why the gate would block."""

    prepared: Prepared
    blocked: tuple[str, ...]        # the gate's reasons; empty when the export would pass


def dry_run_export(settings: Settings, progress: Progress | None = None) -> DryRun:
    """The run as ``vhh-link validate`` tries it: every stage and the export gate on the
    files the run would write, under a throw-away key, in a temporary folder that is
    removed; nothing of ``secure/`` is written. The key only changes pseudonyms, tags and
    the signature, which the gate checks by their shape, never as data."""
    key = MasterKey(secrets.token_bytes(KEY_BYTES), "<dry run>")
    prepared = prepare_study(settings, key, Stopwatch(progress=progress))
    with tempfile.TemporaryDirectory(prefix="vhh-dry-run-") as folder:
        try:
            _export(prepared, key, Path(folder) / "export", dry_run=True)
        except ExportBlocked as blocked:
            return DryRun(prepared, blocked.reasons)
    return DryRun(prepared, ())
