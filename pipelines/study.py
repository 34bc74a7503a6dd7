"""The linkage study end to end: extracts in, de-identified analysis file and report out.

read → validate (quarantine) → scope → link BVH → startdatum → link HKS → filter →
windows → study variables → pseudonymise → disclosure control → output schema →
gated atomic export; secure outputs (links, review queue, quarantine, crosswalk, internal
report) go to ``secure/`` and never leave.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa
from vhh.linkage.errors import ExportBlocked, InputError, Problem
from vhh.linkage.io.readers import RawTable, read_source, read_source_chunks
from vhh.linkage.io.writers import (
    atomic_write_bytes,
    publish_export,
    write_csv,
    write_parquet,
    write_sav,
)
from vhh.linkage.link.engine import LinkResult, link_identities, prepare_subjects
from vhh.linkage.link.methods import rule_descriptions, rule_names
from vhh.linkage.link.review import read_review_decisions
from vhh.linkage.privacy.crosswalk import encrypt_crosswalk
from vhh.linkage.privacy.disclosure import protect
from vhh.linkage.privacy.keys import MasterKey
from vhh.linkage.privacy.leakscan import IdentifierCollector, Identifiers
from vhh.linkage.privacy.pseudonyms import pseudonymise
from vhh.linkage.report.accounting import build_funnel, dispositions, row_reconciliation
from vhh.linkage.report.codebook import codebook_dict, codebook_json, codebook_markdown
from vhh.linkage.report.contents import descriptives, report_vocabulary
from vhh.linkage.report.funnel import check_funnel, check_reconciliation
from vhh.linkage.report.html import render_html
from vhh.linkage.settings import Settings
from vhh.linkage.stopwatch import Stopwatch
from vhh.linkage.study.filters import filter_bvh, filter_hks, read_incident_codes
from vhh.linkage.study.scope import apply_scope, start_dates, times_discussed
from vhh.linkage.study.variables import gcos_variables
from vhh.linkage.study.windows import count_in_windows, followup_complete
from vhh.linkage.validate.police import ID_COLUMN, PoliceExtract, reduce_police_chunks
from vhh.linkage.validate.sources import Validated, move_to_quarantine, validate_source
from vhh.linkage.version import __version__
from vhh.schemas.analysis import (
    ANALYSIS_COLUMNS,
    COUNT_COLUMNS,
    analysis_schema,
    summarise_failures,
)

__all__ = ["StudyResult", "load_inputs", "read_inputs", "run_study", "scan_inputs",
           "validate_inputs"]

SOURCES = ("gcos_subjecten", "gcos_besprekingen", "bvh_incidenten", "hks_antecedenten")
GCOS_SOURCES = SOURCES[:2]  # read whole; the police extracts are read in chunks
Progress = Callable[[str], None]


@dataclass
class StudyResult:
    report: dict[str, Any]
    export_dir: Path
    secure_dir: Path
    files: dict[str, Path] = field(default_factory=dict)


@dataclass
class LoadedInputs:
    """The four extracts read and validated; the police ones in compact form."""

    tables: dict[str, RawTable]       # provenance of each file (police frames are empty)
    validated: dict[str, Validated]
    police: dict[str, PoliceExtract]
    identifiers: Identifiers          # the leak scanner's identifiers of every row read


def _keep(settings: Settings, source: str) -> tuple[str, ...]:
    """Columns the config names beyond the input contract (another HKS date column)."""
    return (settings.filters.hks_date_column,) if source == "hks_antecedenten" else ()


def _options(settings: Settings, source: str) -> dict[str, Any]:
    """The reader's options for ``source`` from the config."""
    return {"encoding": settings.inputs.encoding, "delimiter": settings.inputs.delimiter,
            "rename": settings.columns.get(source), "keep": _keep(settings, source)}


def _read(settings: Settings, source: str) -> RawTable:
    return read_source(source, settings.input_path(source), **_options(settings, source))


def _check_hks_date_column(settings: Settings, table: RawTable) -> None:
    hks_col = settings.filters.hks_date_column
    if hks_col != "pleegdatum" and hks_col not in table.frame:
        raise InputError(f"{settings.input_path('hks_antecedenten')}: the column '{hks_col}' "
                         "named in [filters] hks_date_column is missing")


def read_inputs(settings: Settings) -> dict[str, RawTable]:
    """Read all four extracts whole (small extracts, tools); every problem reported at once."""
    tables: dict[str, RawTable] = {}
    problems: list[Problem] = []
    for source in SOURCES:
        try:
            tables[source] = _read(settings, source)
        except InputError as err:
            problems.extend(err.problems)
    if problems:
        raise InputError(problems)
    _check_hks_date_column(settings, tables["hks_antecedenten"])
    return tables


def _quarantine_orphans(out: dict[str, Validated]) -> None:
    besp = out["gcos_besprekingen"]
    orphan = ~besp.valid["gcos_id"].isin(set(out["gcos_subjecten"].valid["gcos_id"]))
    out["gcos_besprekingen"] = move_to_quarantine(
        besp, orphan, "gcos_id",
        "gcos_id komt niet voor in gcos_subjecten (of is daar apart gezet)")


def _validate_all(settings: Settings, tables: dict[str, RawTable]) -> dict[str, Validated]:
    problems: list[Problem] = []
    out: dict[str, Validated] = {}
    for source, table in tables.items():
        try:
            out[source] = validate_source(source, table.frame, file=str(table.path),
                                          hks_date_column=settings.filters.hks_date_column)
        except InputError as err:
            problems.extend(err.problems)
    if problems:
        raise InputError(problems)
    _quarantine_orphans(out)
    return out


def validate_inputs(settings: Settings) -> dict[str, Validated]:
    """Read and validate whole files, police rows in full (``vhh-link explain``)."""
    read_incident_codes(settings.resolve(settings.filters.incident_codes))
    return _validate_all(settings, read_inputs(settings))


@dataclass
class ScannedInputs:
    """What ``vhh-link verify`` needs of the inputs: provenance, identifiers, category words."""

    tables: dict[str, RawTable]
    identifiers: Identifiers
    values: dict[tuple[str, str], set[str]]


def _open_all(settings: Settings) -> tuple[dict[str, RawTable],
                                           dict[str, Iterator[pd.DataFrame]]]:
    """GCOS extracts read whole, police extracts opened for chunks; all problems at once."""
    tables: dict[str, RawTable] = {}
    chunks: dict[str, Iterator[pd.DataFrame]] = {}
    problems: list[Problem] = []
    for source in SOURCES:
        try:
            if source in GCOS_SOURCES:
                tables[source] = _read(settings, source)
            else:
                tables[source], chunks[source] = read_source_chunks(
                    source, settings.input_path(source), chunk_rows=settings.inputs.chunk_rows,
                    **_options(settings, source))
        except InputError as err:
            problems.extend(err.problems)
    if problems:
        raise InputError(problems)
    _check_hks_date_column(settings, tables["hks_antecedenten"])
    return tables, chunks


def scan_inputs(settings: Settings, columns: Iterable[tuple[str, str]] = ()) -> ScannedInputs:
    """The leak scanner's identifiers of every input row, and the distinct lower-cased
    values of ``columns`` ((source, column) pairs), reading police extracts in chunks."""
    tables, chunks = _open_all(settings)
    collector = IdentifierCollector()
    values: dict[tuple[str, str], set[str]] = {c: set() for c in columns}
    for source in SOURCES:
        frames = [tables[source].frame] if source in GCOS_SOURCES else chunks[source]
        for frame in frames:
            collector.add(frame, source=source)
            for src, column in values:
                if src == source and column in frame:
                    values[(src, column)] |= set(
                        frame[column].astype(str).str.strip().str.lower().unique())
    return ScannedInputs(tables, collector.finish(), values)


def load_inputs(settings: Settings, clock: Stopwatch | None = None, *,
                identifiers: bool = True) -> LoadedInputs:
    """Read and validate the four extracts, the police ones chunk by chunk.

    GCOS extracts (one row per subject or discussion) are read whole. The police extracts
    are read ``[inputs] chunk_rows`` rows at a time: each chunk goes to the leak scanner,
    is validated and reduced to distinct identities + events (:mod:`vhh.linkage.validate.police`)
    and let go, so memory does not grow with the raw text of tens of millions of rows.
    Every problem in every file is reported at once. ``identifiers=False`` skips the leak
    scanner's identifiers (``vhh-link validate`` exports nothing).
    """
    clock = clock or Stopwatch()
    t0 = time.perf_counter()
    tables, chunks = _open_all(settings)
    clock.add("read", time.perf_counter() - t0)
    problems: list[Problem] = []

    collector = IdentifierCollector()

    def collector_for(source: str) -> Callable[[pd.DataFrame], None]:
        def collect(chunk: pd.DataFrame) -> None:
            if not identifiers:
                return
            t = time.perf_counter()
            collector.add(chunk, source=source)
            clock.add("identifiers", time.perf_counter() - t)
        return collect

    validated: dict[str, Validated] = {}
    police: dict[str, PoliceExtract] = {}
    for source in SOURCES:
        before = dict(clock.stages)
        t0 = time.perf_counter()
        try:
            if source in GCOS_SOURCES:
                collector_for(source)(tables[source].frame)
                validated[source] = validate_source(
                    source, tables[source].frame, file=str(tables[source].path))
            else:
                police[source] = reduce_police_chunks(
                    source, tables[source], clock.timed(chunks[source], "read"),
                    hks_date_column=settings.filters.hks_date_column,
                    on_chunk=collector_for(source))
                validated[source] = police[source].validated
        except InputError as err:
            problems.extend(err.problems)
        other = sum(clock.stages.get(n, 0.0) - before.get(n, 0.0)
                    for n in ("read", "identifiers"))
        clock.add("validate", time.perf_counter() - t0 - other)
    if problems:
        raise InputError(problems)
    _quarantine_orphans(validated)
    for source in GCOS_SOURCES:  # the raw text is not needed after this
        tables[source] = replace(tables[source], frame=tables[source].frame.iloc[:0])
    return LoadedInputs(tables, validated, police, collector.finish())


def _run_id(settings: Settings, tables: dict[str, RawTable], key: MasterKey) -> str:
    text = "|".join([__version__, settings.sha256, key.key_id,
                     *(tables[s].sha256 for s in SOURCES)])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _counts_for(source: str, link: LinkResult, valid: pd.DataFrame, filt: pd.Series,
                starts: pd.Series, settings: Settings, date_col: str
                ) -> tuple[pd.DataFrame, pd.Series]:
    analysed = set(starts.index)
    linked = link.row_subject != ""
    considered = linked & link.row_subject.isin(analysed) & (filt.reindex(valid.index) == "")
    events = pd.DataFrame({"gcos_id": link.row_subject[considered],
                           "datum": valid.loc[considered, date_col]})
    return count_in_windows(events, starts, settings.windows, source)


def run_study(settings: Settings, key: MasterKey, out_dir: Path,
              progress: Progress | None = None) -> StudyResult:
    """Run the whole study and write ``out_dir/export`` and ``out_dir/secure``."""
    clock = Stopwatch(progress=progress)
    started = dt.datetime.now(dt.UTC)
    secure = out_dir / "secure"
    with clock.stage("read"):
        codes = read_incident_codes(settings.resolve(settings.filters.incident_codes))
    loaded = load_inputs(settings, clock)
    tables, v, identifiers = loaded.tables, loaded.validated, loaded.identifiers
    run_id = _run_id(settings, tables, key)
    rows_read = {s: x.rows_read for s, x in v.items()}
    gcos, besp = v["gcos_subjecten"].valid, v["gcos_besprekingen"].valid
    bvh, hks = v["bvh_incidenten"].valid, v["hks_antecedenten"].valid

    with clock.stage("scope"):
        in_scope, out_of_scope = apply_scope(gcos, besp, settings.scope)
    with clock.stage("normalise"):
        subjects = prepare_subjects(in_scope)
    decisions = None
    if settings.linkage.review_decisions is not None:
        decisions = read_review_decisions(settings.resolve(settings.linkage.review_decisions))
    bvh_link = _link(loaded.police["bvh_incidenten"], subjects, settings, decisions, clock)
    hks_link = _link(loaded.police["hks_antecedenten"], subjects, settings, decisions, clock)
    found_ids = set(bvh_link.subjects.loc[bvh_link.subjects["gevonden"], "gcos_id"])
    all_starts = start_dates(besp, settings.scope, settings.windows)
    starts = all_starts[all_starts.index.isin(found_ids)].sort_index()
    analysed = set(starts.index)

    with clock.stage("filter"):
        bvh_filter = filter_bvh(_linked_rows(bvh, bvh_link, analysed), codes, settings.filters)
        hks_filter = filter_hks(_linked_rows(hks, hks_link, analysed), settings.filters)
    with clock.stage("aggregate"):
        bvh_counts, bvh_in = _counts_for("bvh", bvh_link, bvh, bvh_filter.reden, starts,
                                         settings, "incidentdatum")
        hks_counts, hks_in = _counts_for("hks", hks_link, hks, hks_filter.reden, starts,
                                         settings, "datum")
        analysis = _analysis_frame(settings, in_scope, besp, starts, bvh_counts, hks_counts,
                                   bvh_link, hks_link)
    with clock.stage("pseudonymise"):
        analysis.insert(0, "pseudoniem", pseudonymise(analysis.index.to_series(), key,
                                                      settings.project).to_numpy())
        crosswalk = pd.DataFrame({"pseudoniem": analysis["pseudoniem"].to_numpy(),
                                  "gcos_id": analysis.index.to_numpy()})
        analysis = analysis.reset_index(drop=True)
    with clock.stage("disclosure"):
        protected, changes, k_before, k_after = protect(analysis, settings.privacy,
                                                        COUNT_COLUMNS)
        protected = protected.loc[:, list(ANALYSIS_COLUMNS)]
    with clock.stage("validate_output"):
        rules = (*rule_names(settings.linkage), "review_geaccepteerd")
        try:
            protected = analysis_schema(settings.scope.kaders, rules).validate(protected,
                                                                               lazy=True)
        except pa.errors.SchemaErrors as err:
            raise ExportBlocked(["the analysis file fails its schema:",
                                 *summarise_failures(err)]) from None

    lost_bvh = bvh_link.subjects[~bvh_link.subjects["gevonden"]]
    no_start = in_scope.loc[~in_scope["gcos_id"].isin(set(all_starts.index)), "gcos_id"]
    leaves = {"scope": out_of_scope,
              "gevonden_bvh": pd.Series(lost_bvh["reden"].to_numpy(), index=lost_bvh["gcos_id"]),
              "startdatum": pd.Series("geen_startdatum", index=no_start.to_numpy(), dtype=object)}
    funnel = build_funnel(rows_read["gcos_subjecten"],
                          len(v["gcos_subjecten"].quarantine), leaves, settings.funnel.order,
                          len(analysed), int(analysis["gevonden_hks"].sum()))
    rows = {
        "bvh": row_reconciliation("bvh", rows_read["bvh_incidenten"],
                                  v["bvh_incidenten"].quarantine,
                                  dispositions(bvh, bvh_link.row_subject,
                                               _in_review(bvh, bvh_link), analysed,
                                               bvh_filter.reden, bvh_in)),
        "hks": row_reconciliation("hks", rows_read["hks_antecedenten"],
                                  v["hks_antecedenten"].quarantine,
                                  dispositions(hks, hks_link.row_subject,
                                               _in_review(hks, hks_link), analysed,
                                               hks_filter.reden, hks_in)),
    }
    funnel_dicts = [s.as_dict() for s in funnel]
    report: dict[str, Any] = {
        "titel": "Auditrapport koppeling Veiligheidshuis (GCOS-BVH-HKS)",
        "versie": __version__, "run_id": run_id, "sleutel_id": key.key_id,
        "project": settings.project,
        "configuratie": {"bestand": Path(settings.source).name, "sha256": settings.sha256},
        "invoer": [{"bron": s, "bestand": t.path.name, "sha256": t.sha256,
                    "rijen": rows_read[s], "codering": t.encoding,
                    "scheidingsteken": t.delimiter, "genegeerde_kolommen": list(t.ignored_columns)}
                   for s, t in tables.items()],
        "trechter": funnel_dicts,
        "rijen": rows,
        "gcos_besprekingen": row_reconciliation(
            "gcos_besprekingen", rows_read["gcos_besprekingen"],
            v["gcos_besprekingen"].quarantine,
            pd.Series("gebruikt", index=besp.index)),
        "koppeling": {"bvh": _link_report(bvh_link), "hks": _link_report(hks_link)},
        "koppelregels": rule_descriptions(settings.linkage),
        "filters": {"bvh": {"per_categorie": bvh_filter.per_category,
                            "per_rol": bvh_filter.per_role,
                            "onbekende_codes": bvh_filter.unknown_codes},
                    "hks": {"per_afdoening": hks_filter.per_category}},
        "followup": {"volledig": int(analysis["followup_volledig"].sum()),
                     "onvolledig": int((~analysis["followup_volledig"]).sum())},
        "privacy": {"quasi_identificatoren": list(settings.privacy.quasi_identifiers),
                    "doel_k": settings.privacy.k, "voor": k_before.as_dict(),
                    "na": k_after.as_dict(), "maatregelen": changes},
        "validatie": {"quarantaine": {s: len(x.quarantine) for s, x in v.items()},
                      "uitvoerschema": "geslaagd",
                      # numeric ids under 5 digits cannot be told apart from counts
                      "niet_scanbare_ids": identifiers.unscannable_ids},
        "beschrijvend": descriptives(analysis, settings.privacy.small_cell),
        "start": started.isoformat(timespec="seconds"),
    }
    problems = check_funnel(funnel_dicts) + [
        p for r in rows.values() for p in check_reconciliation(r)]
    if problems:  # a bug, never a data problem: refuse to export numbers that do not add up
        raise ExportBlocked(["the report does not add up:", *problems])

    with clock.stage("secure"):
        secure.mkdir(parents=True, exist_ok=True)
        _write_secure(secure, v, bvh_link, hks_link, crosswalk, key, settings, run_id, report,
                      in_scope, out_of_scope, found_ids, analysed)
    with clock.stage("export"):  # its own time is not in the report it writes
        book = codebook_dict(settings, changes)
        vocabulary = report_vocabulary(settings, changes, [
            *bvh_filter.per_role, *bvh_filter.unknown_codes, *hks_filter.per_category,
            *(t.path.name for t in tables.values())])
        files = publish_export(out_dir / "export",
                               _export_writers(protected, book, report, settings, clock),
                               identifiers, vocabulary)
    return StudyResult(report, out_dir / "export", secure, files)


def _link(extract: PoliceExtract, subjects: pd.DataFrame, settings: Settings,
          decisions: pd.Series | None, clock: Stopwatch) -> LinkResult:
    source = "bvh" if extract.raw.source == "bvh_incidenten" else "hks"
    rows = extract.validated.valid
    with clock.stage(f"link_{source}"):
        result = link_identities(source, subjects, extract.identities, extract.codes,
                                 rows[ID_COLUMN[extract.raw.source]], settings.linkage,
                                 decisions, keep_pairs=False)
    for step, seconds in result.seconds.items():
        clock.add(f"link_{source}.{step}", seconds)
    # the report needs only the number of candidate pairs: let the pair table go
    return replace(result, blocking=result.blocking.without_pairs())


def _linked_rows(rows: pd.DataFrame, link: LinkResult, analysed: set[str]) -> pd.DataFrame:
    """The police rows linked to an analysed subject, codes as plain text, with gcos_id."""
    mine = (link.row_subject != "") & link.row_subject.isin(analysed)
    linked = rows[mine].assign(gcos_id=link.row_subject[mine])
    coded = [c for c in ("mk_code", "rol", "afdoening") if c in linked]
    return linked.astype({c: object for c in coded})


def _in_review(rows: pd.DataFrame, link: LinkResult) -> pd.Series:
    review_ids = set(link.koppelingen.loc[link.koppelingen["besluit"] == "review", "record_id"])
    id_col = "bvh_id" if link.source == "bvh" else "hks_id"
    return rows[id_col].isin(review_ids)


def _analysis_frame(settings: Settings, in_scope: pd.DataFrame, besp: pd.DataFrame,
                    starts: pd.Series, bvh_counts: pd.DataFrame, hks_counts: pd.DataFrame,
                    bvh_link: LinkResult, hks_link: LinkResult) -> pd.DataFrame:
    discussed = times_discussed(besp, settings.scope, settings.windows)
    frame = gcos_variables(in_scope, starts, discussed)
    complete = followup_complete(starts, settings.windows)
    frame["followup_volledig"] = complete.reindex(frame.index).astype(bool)
    status = {s: link.subjects.set_index("gcos_id").reindex(frame.index)
              for s, link in (("bvh", bvh_link), ("hks", hks_link))}
    frame["gevonden_bvh"] = status["bvh"]["gevonden"].astype(bool)
    frame["gevonden_hks"] = status["hks"]["gevonden"].astype(bool)
    frame["koppelregel_bvh"] = status["bvh"]["tier"].astype(str)
    frame["koppelregel_hks"] = status["hks"]["tier"].astype(str)
    counts = bvh_counts.join(hks_counts)
    for col in COUNT_COLUMNS:
        values = counts[col].reindex(frame.index).astype("Int64")
        if col.endswith("_na"):
            values = values.where(frame["followup_volledig"], pd.NA)
        frame[col] = values
    return frame


def _link_report(link: LinkResult) -> dict[str, Any]:
    found = link.subjects[link.subjects["gevonden"]]
    return {
        "identiteiten": link.identities,
        "paren_per_blokkering": link.blocking.pairs_per_pass,
        "kandidaatparen": int(link.blocking.n_pairs),
        "grootste_blokken": [{"blokkering": b["pass"], "paren": b["pairs"]}
                             for b in link.blocking.largest_blocks],
        "afgetopte_blokken": [{"blokkering": b["pass"], "paren": b["pairs"]}
                              for b in link.blocking.capped_blocks],
        "besluiten_per_regel": link.decisions_by_rule,
        "gevonden_per_regel": {str(k): int(n) for k, n in
                               found["tier"].value_counts().sort_index().items()},
        "rijen_per_besluit": {str(k): int(n) for k, n in
                              link.koppelingen["besluit"].value_counts().sort_index().items()},
        "reviewwachtrij": int(len(link.review)),
        **({"model": link.model, "gewichten_histogram": link.histogram} if link.model else {}),
    }


def _write_secure(secure: Path, v: dict[str, Validated], bvh_link: LinkResult,
                  hks_link: LinkResult, crosswalk: pd.DataFrame, key: MasterKey,
                  settings: Settings, run_id: str, report: dict[str, Any],
                  in_scope: pd.DataFrame, out_of_scope: pd.Series, found: set[str],
                  analysed: set[str]) -> None:
    def csv_bytes(frame: pd.DataFrame) -> bytes:
        return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")

    for source, validated in v.items():
        atomic_write_bytes(secure / "quarantaine" / f"{source}.csv",
                           csv_bytes(validated.quarantine))
    links = pd.concat([bvh_link.koppelingen, hks_link.koppelingen], ignore_index=True)
    atomic_write_bytes(secure / "koppelingen.csv", csv_bytes(links))
    review = pd.concat([bvh_link.review, hks_link.review], ignore_index=True)
    atomic_write_bytes(secure / "review.csv", csv_bytes(review))
    atomic_write_bytes(secure / "crosswalk.enc",
                       encrypt_crosswalk(crosswalk, key, settings.project, run_id))
    lost = _who_was_lost(v, in_scope, out_of_scope, bvh_link, found, analysed)
    atomic_write_bytes(secure / "verlies_per_subject.csv", csv_bytes(lost))
    internal = dict(report, verlies_per_subject=lost.to_dict(orient="records"),
                    blokken_met_sleutel={"bvh": bvh_link.blocking.largest_blocks,
                                         "hks": hks_link.blocking.largest_blocks})
    atomic_write_bytes(secure / "auditrapport_intern.json",
                       json.dumps(internal, ensure_ascii=False, indent=2, default=str).encode())

    atomic_write_bytes(secure / "auditrapport_intern.html",
                       render_html(internal, internal=True).encode("utf-8"))


def _who_was_lost(v: dict[str, Validated], in_scope: pd.DataFrame, out_of_scope: pd.Series,
                  bvh_link: LinkResult, found: set[str], analysed: set[str]) -> pd.DataFrame:
    rows = [{"gcos_id": r, "stap": "quarantaine", "reden": q}
            for r, q in zip(v["gcos_subjecten"].quarantine["record_id"],
                            v["gcos_subjecten"].quarantine["reden"], strict=True)]
    rows += [{"gcos_id": g, "stap": "scope", "reden": r} for g, r in out_of_scope.items()]
    lost = bvh_link.subjects[~bvh_link.subjects["gevonden"]]
    rows += [{"gcos_id": g, "stap": "gevonden_bvh", "reden": r}
             for g, r in zip(lost["gcos_id"], lost["reden"], strict=True)]
    rows += [{"gcos_id": g, "stap": "startdatum", "reden": "geen_startdatum"}
             for g in sorted(found - analysed)]
    return pd.DataFrame(rows, columns=["gcos_id", "stap", "reden"])


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _export_writers(frame: pd.DataFrame, book: dict[str, Any], report: dict[str, Any],
                    settings: Settings, clock: Stopwatch) -> dict[str, Callable[[Path], None]]:
    writers: dict[str, Callable[[Path], None]] = {}
    if "csv" in settings.export.formats:
        writers["analysebestand.csv"] = lambda p: write_csv(frame, p)
    if "parquet" in settings.export.formats:
        writers["analysebestand.parquet"] = lambda p: write_parquet(frame, p)
    if "sav" in settings.export.formats:
        writers["analysebestand.sav"] = lambda p: write_sav(frame, p)
    writers["codeboek.md"] = lambda p: _write_text(p, codebook_markdown(book))
    writers["codeboek.json"] = lambda p: _write_text(p, codebook_json(book))

    def write_report(path: Path) -> None:
        hashes = {name: hashlib.sha256((path.parent / name).read_bytes()).hexdigest()
                  for name in writers if name != path.name and (path.parent / name).exists()}
        final = dict(report, bestanden=hashes, tijden=dict(clock.stages),
                     eind=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
        path.write_text(json.dumps(final, ensure_ascii=False, indent=2) + "\n",
                        encoding="utf-8")
        report.update(final)

    writers["auditrapport.json"] = write_report

    def write_html(path: Path) -> None:  # from the JSON on disk, so verify can re-render it
        final = json.loads((path.parent / "auditrapport.json").read_text(encoding="utf-8"))
        path.write_bytes(render_html(final).encode("utf-8"))

    writers["auditrapport.html"] = write_html
    return writers
