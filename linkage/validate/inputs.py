"""The one reading path: every command reads the extracts through here.

``run``, ``validate``, ``explain`` and ``verify`` open the four extracts the same way: the
GCOS extracts (one row per subject or discussion) whole, the police extracts
``[inputs] chunk_rows`` rows at a time, so that a national extract never sits in memory as
text. Every problem in every file is collected and raised at once.

- :func:`load_inputs` also validates: GCOS rows into valid rows and a quarantine, police
  chunks into the compact form of :mod:`vhh.linkage.validate.police`.
- :func:`read_inputs` only reads (``verify`` needs the identifiers, not the validation).

Both hand each raw chunk to an optional ``observe(source, chunk)`` before letting it go:
the run's leak scanner collects its identifiers there.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd
from vhh.linkage.arrays import no_rows
from vhh.linkage.contract import GCOS_SOURCES, SOURCES
from vhh.linkage.errors import InputError, Problem
from vhh.linkage.io.readers import RawTable, read_source, read_source_chunks
from vhh.linkage.settings import Settings
from vhh.linkage.stopwatch import Stopwatch
from vhh.linkage.validate.police import PoliceExtract, reduce_police_chunks
from vhh.linkage.validate.sources import Validated, move_to_quarantine, validate_source

__all__ = ["LoadedInputs", "Observer", "load_inputs", "open_inputs", "quarantine_orphans",
           "read_inputs",
           "reader_options"]

Observer = Callable[[str, pd.DataFrame], None]
"""Sees every raw chunk of every extract: ``observe(source, chunk)``."""
ORPHAN_REASON = "gcos_id komt niet voor in gcos_subjecten (of is daar apart gezet)"


@dataclass(frozen=True)
class LoadedInputs:
    """The four extracts read and validated; the police ones in compact form."""

    tables: Mapping[str, RawTable]          # provenance of each file (frames are empty)
    validated: Mapping[str, Validated]
    police: Mapping[str, PoliceExtract]

    def __repr__(self) -> str:  # shapes only: the frames hold names and birthdates
        sizes = ", ".join(f"{s}: {v.rows_read} read, {len(v.quarantine)} quarantined"
                          for s, v in self.validated.items())
        return f"LoadedInputs({sizes})"


@dataclass(frozen=True)
class OpenedInputs:
    """GCOS extracts read whole; police extracts opened, their chunks not yet read."""

    tables: Mapping[str, RawTable]
    chunks: Mapping[str, Iterator[pd.DataFrame]]

    def __repr__(self) -> str:  # the GCOS frames hold names and birthdates: sizes only
        return "OpenedInputs(" + ", ".join(f"{s}: {len(t.frame)} rows read"
                                           for s, t in self.tables.items()) + ")"

    def frames(self, source: str) -> Iterator[pd.DataFrame]:
        """The raw frames of ``source``: the whole GCOS table, or the police chunks."""
        if source in GCOS_SOURCES:
            return iter([self.tables[source].frame])
        return self.chunks[source]


def reader_options(settings: Settings, source: str) -> dict[str, Any]:
    """The reader's options for ``source`` from the config."""
    keep = (settings.filters.hks_date_column,) if source == "hks_antecedenten" else ()
    return {"encoding": settings.inputs.encoding, "delimiter": settings.inputs.delimiter,
            "rename": settings.columns.get(source), "keep": keep}


def _check_hks_date_column(settings: Settings, table: RawTable) -> None:
    column = settings.filters.hks_date_column
    if column != "pleegdatum" and column not in table.frame:
        raise InputError([Problem(str(settings.input_path("hks_antecedenten")),
                                  "the column named in [filters] hks_date_column is missing",
                                  row=1, column=column,
                                  hint="name a column of the HKS extract, or pleegdatum")])


def open_inputs(settings: Settings) -> OpenedInputs:
    """Read the GCOS extracts and open the police extracts; every problem at once."""
    tables: dict[str, RawTable] = {}
    chunks: dict[str, Iterator[pd.DataFrame]] = {}
    problems: list[Problem] = []
    for source in SOURCES:
        path, options = settings.input_path(source), reader_options(settings, source)
        try:
            if source in GCOS_SOURCES:
                tables[source] = read_source(source, path, **options)
            else:
                tables[source], chunks[source] = read_source_chunks(
                    source, path, chunk_rows=settings.inputs.chunk_rows, **options)
        except InputError as err:
            problems.extend(err.problems)
    if problems:
        raise InputError(problems)
    _check_hks_date_column(settings, tables["hks_antecedenten"])
    return OpenedInputs(tables, chunks)


def read_inputs(settings: Settings, observe: Observer) -> Mapping[str, RawTable]:
    """Read every row of every extract (police ones in chunks) for ``observe`` only."""
    opened = open_inputs(settings)
    for source in SOURCES:
        for frame in opened.frames(source):
            observe(source, frame)
    return opened.tables


def quarantine_orphans(validated: dict[str, Validated]) -> None:
    """Discussions of a subject that is not (or no longer) among the valid subjects."""
    besp = validated["gcos_besprekingen"]
    orphan = ~besp.valid["gcos_id"].isin(set(validated["gcos_subjecten"].valid["gcos_id"]))
    validated["gcos_besprekingen"] = move_to_quarantine(besp, orphan, "gcos_id", ORPHAN_REASON)


class _Observed:
    """An observer that keeps the seconds spent in it, so validation is timed without it."""

    def __init__(self, observe: Observer | None) -> None:
        self.observe, self.seconds = observe, 0.0

    def __call__(self, source: str, frame: pd.DataFrame) -> None:
        if self.observe is not None:
            t0 = time.perf_counter()
            self.observe(source, frame)
            self.seconds += time.perf_counter() - t0


def _load_one(settings: Settings, opened: OpenedInputs, source: str, clock: Stopwatch,
              seen: _Observed, today: dt.date) -> tuple[Validated, PoliceExtract | None]:
    table = opened.tables[source]
    if source in GCOS_SOURCES:
        seen(source, table.frame)
        return validate_source(source, table.frame, file=str(table.path),
                               leefgebieden=settings.gcos.leefgebieden), None
    extract = reduce_police_chunks(
        source, table, clock.timed(opened.chunks[source], "read"),
        hks_date_column=settings.filters.hks_date_column,
        on_chunk=lambda chunk: seen(source, chunk),
        latest=settings.windows.extraction_date, today=today)
    return extract.validated, extract


def load_inputs(settings: Settings, clock: Stopwatch | None = None,
                observe: Observer | None = None, today: dt.date | None = None
                ) -> LoadedInputs:
    """Read and validate the four extracts, the police ones chunk by chunk.

    Each police chunk is validated and reduced to distinct identities + events and let go;
    its event dates after the extraction date or after ``today`` (default: the day of the
    run) are set aside with their own reasons.
    Every problem in every file is reported at once. ``clock`` gets the stages ``read`` and
    ``validate`` (without the time spent in ``observe``, which the caller times itself).
    """
    clock = clock or Stopwatch()
    with clock.stage("read"):
        opened = open_inputs(settings)
    problems: list[Problem] = []
    validated: dict[str, Validated] = {}
    police: dict[str, PoliceExtract] = {}
    today = today or dt.date.today()
    for source in SOURCES:
        seen, read_before = _Observed(observe), clock.stages.get("read", 0.0)
        t0 = time.perf_counter()
        try:
            validated[source], extract = _load_one(settings, opened, source, clock, seen,
                                                   today)
            if extract is not None:
                police[source] = extract
        except InputError as err:
            problems.extend(err.problems)
        reading = clock.stages.get("read", 0.0) - read_before
        clock.add("validate", time.perf_counter() - t0 - reading - seen.seconds)
    if problems:
        raise InputError(problems)
    quarantine_orphans(validated)
    tables = {s: replace(t, frame=no_rows(t.frame)) for s, t in opened.tables.items()}
    return LoadedInputs(tables, validated, police)
