"""The linkage study end to end: extracts in, de-identified analysis file and report out.

read and validate (quarantine) → scope → link BVH and HKS → startdatum → filter → count in
windows → study variables → pseudonymise → disclosure control → output schema → report →
secure outputs → gated atomic export. Each step is a stage of :mod:`vhh.pipelines.stages`
that returns a typed result; the report is assembled from those results
(:mod:`vhh.pipelines.accounts`); only :mod:`vhh.pipelines.outputs` writes files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from vhh.linkage.privacy.identifiers import IdentifierCollector
from vhh.linkage.privacy.keys import MasterKey
from vhh.linkage.report.model import AuditReport
from vhh.linkage.settings import Settings
from vhh.linkage.stopwatch import Stopwatch
from vhh.linkage.validate.codes import incident_codes
from vhh.linkage.validate.inputs import LoadedInputs, Observer, load_inputs
from vhh.pipelines import stages
from vhh.pipelines.accounts import Accounts, audit_report, internal_report, losses
from vhh.pipelines.outputs import vocabulary_words, write_export, write_secure

__all__ = ["StudyResult", "run_study"]

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


def run_study(settings: Settings, key: MasterKey, out_dir: Path,
              progress: Progress | None = None) -> StudyResult:
    """Run the whole study and write ``out_dir/export`` and ``out_dir/secure``."""
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
    report = audit_report(accounts, key, started)
    secure = out_dir / "secure"
    with clock.stage("secure"):
        lost = losses(accounts)
        unknown = dict(loaded.validated["gcos_subjecten"].unknown_domains)
        write_secure(secure, loaded.validated, links, pseudonymised, key, settings,
                     internal_report(report, lost, links, unknown), lost)
    with clock.stage("export"):  # its own time is not in the report it writes
        words = vocabulary_words(filtered, [t.path.name for t in loaded.tables.values()])
        files, final = write_export(out_dir / "export", checked, report, settings,
                                    protected.measures, words, identifiers, clock)
    return StudyResult(final, out_dir / "export", secure, files)
