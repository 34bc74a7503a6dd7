"""The stages of the study, each a function of the previous stages' results.

Every stage takes typed inputs and the settings and returns a frozen result; none of them
touches a file (that is :mod:`vhh.pipelines.outputs`) and none builds the report (that is
:mod:`vhh.pipelines.accounts`, from these results). The study flow in
:mod:`vhh.pipelines.study` calls them in order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
from vhh.linkage.arrays import spread_onto
from vhh.linkage.contract import ID_COLUMN, REVIEW_ACCEPTED, SHORT_NAME
from vhh.linkage.errors import ExportBlocked
from vhh.linkage.heap import release
from vhh.linkage.link.engine import LinkResult, link_identities, prepare_subjects
from vhh.linkage.link.methods import rule_names
from vhh.linkage.link.review import read_review_file
from vhh.linkage.privacy.disclosure import KAnonymity, protect
from vhh.linkage.privacy.keys import MasterKey
from vhh.linkage.privacy.pseudonyms import pseudonymise
from vhh.linkage.settings import LinkageSettings, Settings
from vhh.linkage.stopwatch import Stopwatch
from vhh.linkage.study.filters import FilterOutcome, filter_bvh, filter_hks
from vhh.linkage.study.scope import apply_scope, start_dates, times_discussed
from vhh.linkage.study.variables import gcos_variables
from vhh.linkage.study.windows import count_in_windows, followup_complete
from vhh.linkage.validate.inputs import LoadedInputs
from vhh.linkage.validate.police import PoliceExtract
from vhh.linkage.worker import AVAILABLE as WORKERS_AVAILABLE
from vhh.linkage.worker import Beside, call_beside
from vhh.schemas.analysis import (
    ANALYSIS_COLUMNS,
    COUNT_COLUMNS,
    analysis_schema,
    summarise_failures,
)

__all__ = ["Counted", "Filtered", "Links", "Protected", "Pseudonymised", "Scoped", "Started",
           "count", "filter_rows", "link", "protect_file", "pseudonymise_file", "scope",
           "start", "study_variables", "validate_output"]


@dataclass(frozen=True)
class Scoped:
    """Subjects in the study (``in_scope``, normalised as ``subjects``) and out of it."""

    in_scope: pd.DataFrame
    out_of_scope: pd.Series         # gcos_id -> reason (kader, periode)
    subjects: pd.DataFrame          # in_scope as normalised identities, one per subject

    def __repr__(self) -> str:
        return f"Scoped({len(self.in_scope)} in scope, {len(self.out_of_scope)} out of scope)"


def scope(loaded: LoadedInputs, settings: Settings, clock: Stopwatch) -> Scoped:
    """Which subjects belong to the study, and their identities normalised once."""
    with clock.stage("scope"):
        in_scope, out_of_scope = apply_scope(loaded.validated["gcos_subjecten"].valid,
                                             loaded.validated["gcos_besprekingen"].valid,
                                             settings.scope)
    with clock.stage("normalise"):
        subjects = prepare_subjects(in_scope)
    return Scoped(in_scope, out_of_scope, subjects)


_NO_DECISIONS = pd.DataFrame({c: pd.Series(dtype=object)
                              for c in ("bronrij", "review_id", "bron", "besluit")})


@dataclass(frozen=True)
class Links:
    """The linkage of both police sources, by short name (bvh, hks), and the review
    decisions it was given (the decided rows of the review file, empty without one)."""

    by_source: Mapping[str, LinkResult]
    decisions: pd.DataFrame = field(default_factory=_NO_DECISIONS.copy)

    def stale_decisions(self) -> pd.DataFrame:
        """Decisions for a pair that is no longer under review (the data or rules changed)."""
        applied = {r for link in self.by_source.values() for r in link.review_applied}
        return self.decisions[~self.decisions["review_id"].isin(applied)]

    def waiting(self) -> int:
        """Pairs still waiting for a decision, over both sources."""
        return sum(len(link.review) for link in self.by_source.values())

    @property
    def bvh(self) -> LinkResult:
        return self.by_source["bvh"]

    @property
    def hks(self) -> LinkResult:
        return self.by_source["hks"]

    def found(self, source: str) -> set[str]:
        status = self.by_source[source].subjects
        return set(status.loc[status["gevonden"], "gcos_id"])

    def __repr__(self) -> str:
        return "Links(" + ", ".join(f"{s}: {len(self.found(s))} found"
                                    for s in self.by_source) + ")"


HKS_BESIDE_FROM_ROWS = 200_000
"""HKS extracts of this many valid rows are linked in a worker process beside the BVH
linkage (:func:`vhh.linkage.worker.call_beside`; 8 s of a 5M BVH run): two linkages at
once, on the machine's two cores. Smaller ones are linked in process, where starting a
worker would cost more than it saves. Both give the same result."""


def lean_link(short: str, subjects: pd.DataFrame, identities: pd.DataFrame,
              codes: np.ndarray, record_ids: pd.Series, settings: LinkageSettings,
              decisions: pd.Series | None) -> LinkResult:
    """:func:`link_identities` without the pair table: the report needs only the number
    of candidate pairs (in a worker, the pairs are never sent back)."""
    result = link_identities(short, subjects, identities, codes, record_ids, settings,
                             decisions, keep_pairs=False)
    return replace(result, blocking=result.blocking.without_pairs())


def _arguments(extract: PoliceExtract, subjects: pd.DataFrame, settings: Settings,
               decisions: pd.Series | None) -> tuple[Any, ...]:
    rows = extract.validated.valid
    return (SHORT_NAME[extract.raw.source], subjects, extract.identities, extract.codes,
            rows[ID_COLUMN[extract.raw.source]], settings.linkage, decisions)


def _timed(result: LinkResult, clock: Stopwatch) -> LinkResult:
    for step, seconds in result.seconds.items():
        clock.add(f"link_{result.source}.{step}", seconds)
    return result


def _link_one(extract: PoliceExtract, subjects: pd.DataFrame, settings: Settings,
              decisions: pd.Series | None, clock: Stopwatch) -> LinkResult:
    with clock.stage(f"link_{SHORT_NAME[extract.raw.source]}"):
        result = lean_link(*_arguments(extract, subjects, settings, decisions))
    release(collect=False)  # the linkage's freed pages back to the OS
    return _timed(result, clock)


def _beside(extract: PoliceExtract, subjects: pd.DataFrame, settings: Settings,
            decisions: pd.Series | None) -> Beside | None:
    """The HKS linkage started in a worker, when the extract is large enough."""
    if not (settings.inputs.workers and WORKERS_AVAILABLE) or \
            len(extract.validated.valid) < HKS_BESIDE_FROM_ROWS:
        return None
    return call_beside(lean_link, "links the HKS extract",
                       *_arguments(extract, subjects, settings, decisions))


def link(loaded: LoadedInputs, scoped: Scoped, settings: Settings, clock: Stopwatch) -> Links:
    """Link the subjects to each police source (with the review decisions, if any); a
    large HKS extract in a worker while the BVH extract is linked here. ``link_hks`` is
    then the worker's own time and ``link_hks_wait`` the time the run waited for it."""
    table, decisions = _NO_DECISIONS, None
    if settings.linkage.review_decisions is not None:
        table = read_review_file(settings.resolve(settings.linkage.review_decisions))
        decisions = pd.Series(table["besluit"].to_numpy(), index=table["review_id"].to_numpy())
    police = loaded.police
    beside = _beside(police["hks_antecedenten"], scoped.subjects, settings, decisions)
    try:
        bvh = _link_one(police["bvh_incidenten"], scoped.subjects, settings, decisions, clock)
        if beside is None:
            hks = _link_one(police["hks_antecedenten"], scoped.subjects, settings,
                            decisions, clock)
        else:
            with clock.stage("link_hks_wait"):
                hks = beside.result()
            clock.add("link_hks", sum(hks.seconds.values()))
            hks = _timed(hks, clock)
    finally:
        if beside is not None:
            beside.close()
    return Links({"bvh": bvh, "hks": hks}, table)


@dataclass(frozen=True)
class Started:
    """Startdatum of every subject with a discussion, and of the analysed ones."""

    all_starts: pd.Series           # gcos_id -> startdatum, every subject with one
    starts: pd.Series               # the analysed subjects: found in BVH, with a startdatum

    @property
    def analysed(self) -> set[str]:
        return set(self.starts.index)

    def __repr__(self) -> str:  # indexed by gcos_id: counts only
        return f"Started({len(self.all_starts)} with a startdatum, {len(self.starts)} analysed)"


def start(loaded: LoadedInputs, links: Links, settings: Settings) -> Started:
    """The startdatum; only subjects found in BVH with one are analysed."""
    besp = loaded.validated["gcos_besprekingen"].valid
    all_starts = start_dates(besp, settings.scope, settings.windows)
    starts = all_starts[all_starts.index.isin(links.found("bvh"))].sort_index()
    return Started(all_starts, starts)


def _linked_rows(rows: pd.DataFrame, link: LinkResult, analysed: set[str]) -> pd.DataFrame:
    """The police rows linked to an analysed subject, codes as plain text, with gcos_id."""
    mine = (link.row_subject != "") & link.row_subject.isin(analysed)
    linked = rows[mine].assign(gcos_id=link.row_subject[mine].astype(object))
    coded = [c for c in ("mk_code", "rol", "afdoening") if c in linked]
    return linked.astype({c: object for c in coded})


@dataclass(frozen=True)
class Filtered:
    """Per police source: the reason each linked row of an analysed subject does not count."""

    bvh: FilterOutcome
    hks: FilterOutcome

    def __repr__(self) -> str:
        return f"Filtered(bvh: {self.bvh!r}, hks: {self.hks!r})"


def filter_rows(loaded: LoadedInputs, links: Links, started: Started, codes: pd.Series,
                settings: Settings, clock: Stopwatch) -> Filtered:
    """Filter the linked rows (categories, roles, duplicates; HKS afdoeningen)."""
    analysed = started.analysed
    bvh = loaded.validated["bvh_incidenten"].valid
    hks = loaded.validated["hks_antecedenten"].valid
    with clock.stage("filter"):
        return Filtered(filter_bvh(_linked_rows(bvh, links.bvh, analysed), codes,
                                   settings.filters),
                        filter_hks(_linked_rows(hks, links.hks, analysed), settings.filters))


@dataclass(frozen=True)
class Counted:
    """Counts per analysed subject and window, and which rows fell in a window."""

    counts: pd.DataFrame            # gcos_id -> the eight count columns
    in_window: Mapping[str, pd.Series]  # per source: per counted row, in some window

    def __repr__(self) -> str:  # indexed by gcos_id: counts only
        return f"Counted({len(self.counts)} subjects)"


def _counts_for(source: str, link: LinkResult, valid: pd.DataFrame, reasons: pd.Series,
                starts: pd.Series, settings: Settings, date_col: str
                ) -> tuple[pd.DataFrame, pd.Series]:
    linked = link.row_subject != ""
    considered = linked & link.row_subject.isin(set(starts.index)) & (
        spread_onto(reasons, valid.index, None) == "")
    events = pd.DataFrame({"gcos_id": link.row_subject[considered].astype(object),
                           "datum": valid.loc[considered, date_col]})
    return count_in_windows(events, starts, settings.windows, source)


def count(loaded: LoadedInputs, links: Links, filtered: Filtered, started: Started,
          settings: Settings) -> Counted:
    """Rows that count, per subject and observation window."""
    bvh_counts, bvh_in = _counts_for("bvh", links.bvh, loaded.validated["bvh_incidenten"].valid,
                                     filtered.bvh.reden, started.starts, settings,
                                     "incidentdatum")
    hks_counts, hks_in = _counts_for("hks", links.hks,
                                     loaded.validated["hks_antecedenten"].valid,
                                     filtered.hks.reden, started.starts, settings, "datum")
    return Counted(bvh_counts.join(hks_counts), {"bvh": bvh_in, "hks": hks_in})


def study_variables(loaded: LoadedInputs, scoped: Scoped, started: Started, links: Links,
                    counted: Counted, settings: Settings) -> pd.DataFrame:
    """One row per analysed subject (index gcos_id): GCOS variables, status and counts."""
    besp = loaded.validated["gcos_besprekingen"].valid
    discussed = times_discussed(besp)
    frame = gcos_variables(scoped.in_scope, started.starts, discussed)
    complete = followup_complete(started.starts, settings.windows)
    frame["followup_volledig"] = complete.reindex(frame.index).astype(bool)
    status = {s: link.subjects.set_index("gcos_id").reindex(frame.index)
              for s, link in links.by_source.items()}
    frame["gevonden_bvh"] = status["bvh"]["gevonden"].astype(bool)
    frame["gevonden_hks"] = status["hks"]["gevonden"].astype(bool)
    frame["koppelregel_bvh"] = status["bvh"]["regel"].astype(str)
    frame["koppelregel_hks"] = status["hks"]["regel"].astype(str)
    for col in COUNT_COLUMNS:
        values = counted.counts[col].reindex(frame.index).astype("Int64")
        if col.endswith("_na"):
            values = values.where(frame["followup_volledig"], pd.NA)
        frame[col] = values
    return frame


@dataclass(frozen=True)
class Pseudonymised:
    """The analysis frame with pseudonyms instead of gcos_ids, and the crosswalk."""

    analysis: pd.DataFrame
    crosswalk: pd.DataFrame         # pseudoniem, gcos_id: for secure/crosswalk.enc only

    def __repr__(self) -> str:
        return f"Pseudonymised({len(self.analysis)} subjects)"


def pseudonymise_file(analysis: pd.DataFrame, key: MasterKey, settings: Settings
                      ) -> Pseudonymised:
    """Replace the gcos_id index by keyed-hash pseudonyms; keep the crosswalk apart."""
    out = analysis.copy()
    out.insert(0, "pseudoniem", pseudonymise(out.index.to_series(), key,
                                             settings.project).to_numpy())
    crosswalk = pd.DataFrame({"pseudoniem": out["pseudoniem"].to_numpy(),
                              "gcos_id": out.index.to_numpy()})
    return Pseudonymised(out.reset_index(drop=True), crosswalk)


@dataclass(frozen=True)
class Protected:
    """The analysis file after disclosure control, with the measures and k before/after."""

    frame: pd.DataFrame
    measures: list[dict[str, object]]
    before: KAnonymity
    after: KAnonymity

    def __repr__(self) -> str:  # a row per subject: its shape only
        return (f"Protected({len(self.frame)} subjects, {len(self.measures)} measures, "
                f"k {self.before.k} -> {self.after.k})")


def protect_file(analysis: pd.DataFrame, settings: Settings) -> Protected:
    """k-anonymity on the quasi-identifiers, top-coding; only the code book's columns."""
    protected, changes, before, after = protect(analysis, settings.privacy, COUNT_COLUMNS)
    return Protected(protected.loc[:, list(ANALYSIS_COLUMNS)], changes, before, after)


def output_rules(settings: Settings) -> tuple[str, ...]:
    """The rule names the analysis file's koppelregel columns may hold."""
    return (*rule_names(settings.linkage), REVIEW_ACCEPTED)


def validate_output(protected: Protected, settings: Settings) -> pd.DataFrame:
    """The analysis file against its strict schema; anything else blocks the export."""
    schema = analysis_schema(settings.scope.kaders, output_rules(settings))
    try:
        return schema.validate(protected.frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        raise ExportBlocked(["the analysis file fails its schema:",
                             *summarise_failures(err)]) from None
