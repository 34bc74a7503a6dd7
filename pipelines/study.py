"""The linkage study end to end: extracts in, de-identified analysis file and report out.

read and validate (quarantine) → scope → link BVH and HKS → startdatum → filter → count in
windows → study variables → pseudonymise → disclosure control → output schema → report →
secure outputs → gated atomic export. ``vhh-link validate`` runs the same stages and the
same gate as a dry run (:func:`dry_run_export`). Each step is a stage of :mod:`vhh.pipelines.stages`
that returns a typed result; the report is assembled from those results
(:mod:`vhh.pipelines.accounts`); only :mod:`vhh.pipelines.outputs` writes files.
"""

from __future__ import annotations

import datetime as dt
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from vhh.linkage.errors import ExportBlocked
from vhh.linkage.privacy.identifiers import IdentifierCollector
from vhh.linkage.privacy.keys import KEY_BYTES, MasterKey
from vhh.linkage.report.model import AuditReport
from vhh.linkage.settings import Settings
from vhh.linkage.stopwatch import Stopwatch
from vhh.linkage.validate.codes import incident_codes
from vhh.linkage.validate.inputs import LoadedInputs, Observer, load_inputs
from vhh.pipelines import stages
from vhh.pipelines.accounts import (
    Accounts,
    audit_report,
    internal_report,
    losses,
    tagged_values,
)
from vhh.pipelines.outputs import write_export, write_secure

__all__ = ["DryRun", "Prepared", "StudyResult", "dry_run_export", "prepare_study", "run_study"]

Progress = Callable[[str], None]


@dataclass(frozen=True)
class StudyResult:
    """What a run wrote: the report as exported, and where the two folders are."""

    report: AuditReport
    export_dir: Path
    secure_dir: Path
    files: dict[str, Path] = field(default_factory=dict)


def _collecting(collector: IdentifierCollector, clock: Stopwatch) -> Observer:
    """The leak scanner's collector as an observer of every raw chunk, timed."""
    def observe(source: str, frame: pd.DataFrame) -> None:
        with clock.stage("identifiers"):
            collector.add(frame, source=source)
    return observe


def _read(settings: Settings, clock: Stopwatch) -> tuple[pd.Series, LoadedInputs,
                                                        IdentifierCollector]:
    with clock.stage("read"):
        codes = incident_codes(settings)
    collector = IdentifierCollector()
    quiet = Stopwatch(clock.stages)  # no progress line per chunk of identifiers
    return codes, load_inputs(settings, clock, _collecting(collector, quiet)), collector


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


def prepare_study(settings: Settings, key: MasterKey, progress: Progress | None = None
                  ) -> Prepared:
    """Read, link, count, protect and account: the run up to its files."""
    clock = Stopwatch(progress=progress)
    started = dt.datetime.now(dt.UTC)
    codes, loaded, collector = _read(settings, clock)
    identifiers = collector.finish()
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


def _export(prepared: Prepared, target: Path, dry_run: bool
            ) -> tuple[dict[str, Path], AuditReport]:
    a, clock = prepared.accounts, prepared.clock
    with clock.stage("export"):  # its own time is not in the report it writes
        return write_export(target, prepared.checked, prepared.report, a.settings,
                            a.protected.measures, a.identifiers, clock, dry_run=dry_run)


def run_study(settings: Settings, key: MasterKey, out_dir: Path,
              progress: Progress | None = None) -> StudyResult:
    """Run the whole study and write ``out_dir/export`` and ``out_dir/secure``."""
    prepared = prepare_study(settings, key, progress)
    a, secure = prepared.accounts, out_dir / "secure"
    with prepared.clock.stage("secure"):
        lost = losses(a)
        internal = internal_report(prepared.report, lost, a.links, tagged_values(a, key))
        write_secure(secure, a.loaded.validated, a.links, prepared.pseudonymised, key, settings,
                     internal, lost)
    files, final = _export(prepared, out_dir / "export", dry_run=False)
    return StudyResult(final, out_dir / "export", secure, files)


@dataclass(frozen=True)
class DryRun:
    """What the dry run found: the run's inputs and report, and why the gate would block."""

    prepared: Prepared
    blocked: tuple[str, ...]        # the gate's reasons; empty when the export would pass


def dry_run_export(settings: Settings, progress: Progress | None = None) -> DryRun:
    """The run as ``vhh-link validate`` tries it: every stage and the export gate on the
    files the run would write, under a throw-away key, in a temporary folder that is
    removed; nothing of ``secure/`` is written. The key only changes pseudonyms and tags,
    which the gate checks by their shape, never as data."""
    key = MasterKey(secrets.token_bytes(KEY_BYTES), "<dry run>")
    prepared = prepare_study(settings, key, progress)
    with tempfile.TemporaryDirectory(prefix="vhh-dry-run-") as folder:
        try:
            _export(prepared, Path(folder) / "export", dry_run=True)
        except ExportBlocked as blocked:
            return DryRun(prepared, blocked.reasons)
    return DryRun(prepared, ())
