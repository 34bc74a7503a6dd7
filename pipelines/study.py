"""The linkage study end to end: extracts in, de-identified analysis file and report out.

read and validate (quarantine) → scope → link BVH and HKS → startdatum → filter → count in
windows → study variables → pseudonymise → disclosure control → output schema → report →
secure outputs → gated, signed, atomic export. Each step is a stage of :mod:`vhh.pipelines.stages`
that returns a typed result; the report is assembled from those results
(:mod:`vhh.pipelines.accounts`); only :mod:`vhh.pipelines.outputs` writes files.

Crash safety: the run holds its output folder alone and first removes what an interrupted
run left there; nothing is written before every decision is made; an earlier ``export/`` is
moved aside (under its run id) before ``secure/`` is written, because from then on it no
longer belongs to the folder beside it; a successful run removes it again, a failed one
says where it is. So ``export/`` is always a complete, signed delivery of the ``secure/``
beside it, or absent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from vhh.linkage.privacy.identifiers import IdentifierCollector
from vhh.linkage.privacy.keys import MasterKey
from vhh.linkage.privacy.signing import fingerprint, signing_key
from vhh.linkage.report.model import AuditReport
from vhh.linkage.settings import Settings
from vhh.linkage.stopwatch import Stopwatch
from vhh.linkage.validate.codes import incident_codes
from vhh.linkage.validate.inputs import LoadedInputs, Observer, load_inputs
from vhh.pipelines import stages
from vhh.pipelines.accounts import Accounts, audit_report, internal_report, losses
from vhh.pipelines.outputs import (
    Retired,
    output_folder,
    public_key_file,
    retire_previous_export,
    tidy_retired,
    vocabulary_words,
    write_export,
    write_secure,
)

__all__ = ["StudyResult", "run_study"]

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
class _Computed:
    """Everything a run decided, before it writes a file."""

    accounts: Accounts
    pseudonymised: stages.Pseudonymised
    checked: pd.DataFrame           # the analysis file as exported
    report: AuditReport

    def __repr__(self) -> str:
        return f"_Computed({self.accounts!r})"


def _compute(settings: Settings, key: MasterKey, clock: Stopwatch) -> _Computed:
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
    return _Computed(accounts, pseudonymised, checked, audit_report(accounts, key, started))


def _write(done: _Computed, key: MasterKey, out_dir: Path, clock: Stopwatch
           ) -> tuple[dict[str, Path], AuditReport, Retired | None]:
    """secure/, then the gated export/; the export of an earlier run is moved aside first,
    and a failure says where it went."""
    a, settings = done.accounts, done.accounts.settings
    retired = retire_previous_export(out_dir)
    try:
        with clock.stage("secure"):
            lost = losses(a)
            unknown = dict(a.loaded.validated["gcos_subjecten"].unknown_domains)
            write_secure(out_dir / "secure", a.loaded.validated, a.links, done.pseudonymised,
                         key, settings, internal_report(done.report, lost, a.links, unknown), lost)
        with clock.stage("export"):  # its own time is not in the report it writes
            words = vocabulary_words(a.filtered, [t.path.name for t in a.loaded.tables.values()])
            files, final = write_export(out_dir / "export", done.checked, done.report,
                                        settings, a.protected.measures, words, a.identifiers,
                                        clock, key)
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
        done = _compute(settings, key, clock)
        files, final, retired = _write(done, key, out_dir, clock)
        notices += tidy_retired(out_dir, final.run_id, retired)
    public = signing_key(key, settings.project).public_key()
    return StudyResult(final, out_dir / "export", out_dir / "secure", files,
                       public_key_file(out_dir / "secure"), fingerprint(public),
                       tuple(notices))
