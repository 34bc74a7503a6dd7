"""The audit report, assembled from the stages' results: nothing here computes a decision.

Each section of :class:`~vhh.linkage.report.model.AuditReport` comes from one stage: the
funnel from scope, linkage and startdatum; the row reconciliation from validation,
linkage, filters and windows; the rest from the stage that did the work. The funnel and
the reconciliation are checked before anything is written: numbers that do not add up
are a bug and block the export.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import pandas as pd
from vhh.linkage.contract import DEVIATIONS, ID_COLUMN, SOURCE_OF, SOURCES, UNKNOWN_KADER
from vhh.linkage.errors import ExportBlocked
from vhh.linkage.io.readers import RawTable
from vhh.linkage.link.engine import LinkResult
from vhh.linkage.link.methods import rule_descriptions
from vhh.linkage.privacy.disclosure import KAnonymity
from vhh.linkage.privacy.identifiers import Identifiers
from vhh.linkage.privacy.keys import MasterKey
from vhh.linkage.report.accounting import build_funnel, dispositions, row_reconciliation
from vhh.linkage.report.choices import deciding_settings, open_choices
from vhh.linkage.report.descriptives import descriptives
from vhh.linkage.report.funnel import check_funnel, check_reconciliation
from vhh.linkage.report.model import (
    REPORT_VERSION,
    AuditReport,
    Block,
    ConfigRef,
    Descriptives,
    Deviation,
    Filters,
    Followup,
    FunnelStep,
    InputFile,
    InternalReport,
    KAnonymitySummary,
    KeyedBlock,
    LinkSummary,
    Loss,
    Measure,
    PrivacySummary,
    ReviewSummary,
    RowReconciliation,
    StudyChoice,
    ValidationSummary,
    WeightHistogram,
)
from vhh.linkage.report.serial import JsonValue
from vhh.linkage.report.tags import filter_section
from vhh.linkage.settings import Settings
from vhh.linkage.study.scope import discussed_before_period
from vhh.linkage.validate.inputs import LoadedInputs
from vhh.linkage.validate.sources import EXACT_COPY_REASON
from vhh.linkage.version import __version__
from vhh.pipelines.stages import Counted, Filtered, Links, Protected, Scoped, Started

__all__ = ["Accounts", "audit_report", "deviations", "internal_report", "link_summary",
           "losses", "run_id", "tagged_values", "warnings"]

TITLE = "Auditrapport koppeling Veiligheidshuis (GCOS-BVH-HKS)"
_KEY_FLAGS = {"sleutel_leesbaar_voor_anderen": "--allow-insecure-key",
              "sleutel_lage_entropie": "--allow-weak-key"}


def run_id(settings: Settings, tables: dict[str, RawTable], key: MasterKey) -> str:
    """The run's identifier: tool version, configuration, key and inputs, hashed."""
    text = "|".join([__version__, settings.sha256, key.key_id,
                     *(tables[s].sha256 for s in SOURCES)])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Accounts:
    """Everything the report is made of: the results of every stage."""

    settings: Settings
    loaded: LoadedInputs
    identifiers: Identifiers
    scoped: Scoped
    links: Links
    started: Started
    filtered: Filtered
    counted: Counted
    analysis: pd.DataFrame          # pseudonymised, before disclosure control
    protected: Protected

    def __repr__(self) -> str:  # every stage's result: theirs are safe, the frames are not
        return f"Accounts({self.loaded!r}, {self.links!r}, {len(self.analysis)} analysed)"


def _funnel(a: Accounts) -> tuple[FunnelStep, ...]:
    v = a.loaded.validated
    lost = a.links.bvh.subjects[~a.links.bvh.subjects["gevonden"]]
    no_start = a.scoped.in_scope.loc[
        ~a.scoped.in_scope["gcos_id"].isin(set(a.started.all_starts.index)), "gcos_id"]
    leaves = {"scope": a.scoped.out_of_scope,
              "gevonden_bvh": pd.Series(lost["reden"].to_numpy(), index=lost["gcos_id"]),
              "startdatum": pd.Series("geen_startdatum", index=no_start.to_numpy(),
                                      dtype=object)}
    quarantine = v["gcos_subjecten"].quarantine
    return build_funnel(v["gcos_subjecten"].rows_read, len(quarantine),
                        leaves, a.settings.funnel.order, len(a.started.analysed),
                        int(a.analysis["gevonden_hks"].sum()),
                        int((quarantine["reden"] == EXACT_COPY_REASON).sum()))


def _in_review(rows: pd.DataFrame, link: LinkResult, id_col: str) -> pd.Series:
    links = link.linked_rows
    review_ids = set(links.column("record_id")[links.equals("besluit", "review")])
    return rows[id_col].isin(review_ids)


def _rows(a: Accounts, short: str, reasons: pd.Series) -> RowReconciliation:
    source = SOURCE_OF[short]
    validated, link = a.loaded.validated[source], a.links.by_source[short]
    rows = validated.valid
    return row_reconciliation(short, validated.rows_read, validated.quarantine, dispositions(
        rows, link.row_subject, _in_review(rows, link, ID_COLUMN[source]), a.started.analysed,
        reasons,
        a.counted.in_window[short]))


def _besprekingen(a: Accounts) -> RowReconciliation:
    v = a.loaded.validated["gcos_besprekingen"]
    return row_reconciliation("gcos_besprekingen", v.rows_read, v.quarantine,
                              pd.Series("gebruikt", index=v.valid.index))


def _blocks(blocks: list[dict[str, object]]) -> tuple[Block, ...]:
    return tuple(Block(str(b["pass"]), int(b["pairs"])) for b in blocks)  # type: ignore[call-overload]


def _counts(values: pd.Series) -> dict[str, int]:
    return {str(k): int(n) for k, n in values.value_counts().sort_index().items()}


def link_summary(link: LinkResult) -> LinkSummary:
    """The report's view of one source's linkage."""
    found = link.subjects[link.subjects["gevonden"]]
    return LinkSummary(
        identiteiten=link.identities, paren_per_blokkering=link.blocking.pairs_per_pass,
        kandidaatparen=int(link.blocking.n_pairs),
        grootste_blokken=_blocks(link.blocking.largest_blocks),
        afgetopte_blokken=_blocks(link.blocking.capped_blocks),
        besluiten_per_regel=link.decisions_by_rule, gevonden_per_regel=_counts(found["regel"]),
        rijen_per_besluit=_counts(link.linked_rows.column("besluit")),
        reviewwachtrij=int(len(link.review)),
        model=JsonValue(link.model) if link.model else None,
        gewichten_histogram=_histogram(link.histogram))


def _histogram(found: dict[str, Any] | None) -> WeightHistogram | None:
    """The linkage's weight histogram in the report's terms (none without pairs)."""
    if not found or not found.get("aantallen"):
        return None
    return WeightHistogram(tuple(float(x) for x in found["randen"]),
                           tuple(int(n) for n in found["aantallen"]),
                           float(found["ondergrens"]), float(found["bovengrens"]))


def _k(k: KAnonymity) -> KAnonymitySummary:
    return KAnonymitySummary(k.k, k.classes, k.records_at_risk, k.classes_at_risk)


def _privacy(a: Accounts) -> PrivacySummary:
    p = a.protected
    measures = tuple(Measure(str(m["maatregel"]), str(m["variabele"]), str(m["wijziging"]),
                             int(m["records"])) for m in p.measures)  # type: ignore[call-overload]
    return PrivacySummary(a.settings.privacy.quasi_identifiers, a.settings.privacy.k,
                          _k(p.before), _k(p.after), measures)


def _inputs(loaded: LoadedInputs) -> tuple[InputFile, ...]:
    return tuple(InputFile(s, t.path.name, t.sha256, loaded.validated[s].rows_read, t.encoding,
                           t.delimiter, tuple(t.ignored_columns))
                 for s, t in loaded.tables.items())


def _remarks(loaded: LoadedInputs) -> dict[str, dict[str, int]]:
    """Per source: valid rows per remark (reported, never quarantined)."""
    return {src: {str(k): int(n) for k, n in
                  v.remarks.drop_duplicates(["bronrij", "opmerking"])["opmerking"]
                  .value_counts().sort_index().items()}
            for src, v in loaded.validated.items() if len(v.remarks)}


def _choices(a: Accounts, funnel: tuple[FunnelStep, ...]) -> tuple[StudyChoice, ...]:
    """The study's open choices as configured, with the subjects each touched."""
    besp = a.loaded.validated["gcos_besprekingen"].valid
    remarks = a.loaded.validated["gcos_subjecten"].remarks
    per = remarks.drop_duplicates(["bronrij", "opmerking"])["opmerking"].value_counts()
    touched = {
        "startdatum": len(a.started.analysed & discussed_before_period(besp, a.settings.scope)),
        "kader_onbekend": int((a.scoped.in_scope["kader"] == UNKNOWN_KADER).sum()),
        "te_weinig_gcos": next(s.uit for s in funnel if s.stap == "startdatum"),
        "leefgebied_onbekend": int(per.get("leefgebied_onbekend", 0)),
        "plan_tekst": int(per.get("geen_getal", 0)),
    }
    return tuple(StudyChoice(topic, choice, touched.get(topic))
                 for topic, choice in open_choices(a.settings))


def _review(a: Accounts) -> ReviewSummary:
    path = a.settings.linkage.review_decisions
    stale = len(a.links.stale_decisions())
    return ReviewSummary(a.links.waiting(), path.name if path else "",
                         len(a.links.decisions), len(a.links.decisions) - stale, stale)


def deviations(settings: Settings, key: MasterKey) -> tuple[Deviation, ...]:
    """Every weakness the run was told to accept: in the configuration, or for the key."""
    where = f"[privacy] accepted_deviations in {Path(settings.source).name}"
    named = [(n, where) for n in settings.privacy.accepted_deviations]
    named += [(n, _KEY_FLAGS[n]) for n in key.deviations]
    return tuple(Deviation(n, DEVIATIONS[n], how) for n, how in named)


def warnings(loaded: LoadedInputs) -> tuple[str, ...]:
    """What the data officer should look at although the run went on (Dutch)."""
    hks = loaded.validated["hks_antecedenten"]
    if hks.rows_read:
        return ()
    name = loaded.tables["hks_antecedenten"].path.name
    return (f"{name} heeft een kop maar geen gegevensrijen: niemand is in HKS gevonden en "
            "alle HKS-tellingen zijn 0; controleer of de extractie volledig is",)


def _filters(a: Accounts, key: MasterKey) -> Filters:
    return filter_section(a.filtered.bvh, a.filtered.hks, a.settings, key)[0]


def tagged_values(a: Accounts, key: MasterKey) -> dict[str, str]:
    """The roles, codes and afdoeningen behind the report's keyed tags (secure only)."""
    return filter_section(a.filtered.bvh, a.filtered.hks, a.settings, key)[1]


def _descriptives(a: Accounts) -> Descriptives:
    """Table 5.1 of the file as exported, under its disclosure settings."""
    changed = {str(m["variabele"]) for m in a.protected.measures}
    return descriptives(a.protected.frame, a.settings.privacy.small_cell, changed)


def audit_report(a: Accounts, key: MasterKey, started: dt.datetime) -> AuditReport:
    """The report of the run, checked: a funnel or reconciliation that does not add up is a
    bug, never a data problem, and blocks the export."""
    s, f = a.settings, a.filtered
    funnel = _funnel(a)
    report = AuditReport(
        titel=TITLE, versie=__version__, rapportversie=REPORT_VERSION,
        run_id=run_id(s, dict(a.loaded.tables), key), sleutel_id=key.key_id, project=s.project,
        configuratie=ConfigRef(Path(s.source).name, s.sha256),
        instellingen=deciding_settings(s), invoer=_inputs(a.loaded),
        trechter=funnel, keuzes=_choices(a, funnel),
        rijen={"bvh": _rows(a, "bvh", f.bvh.reden), "hks": _rows(a, "hks", f.hks.reden)},
        gcos_besprekingen=_besprekingen(a),
        koppeling={src: link_summary(link) for src, link in a.links.by_source.items()},
        koppelregels=rule_descriptions(s.linkage),
        review=_review(a),
        filters=_filters(a, key),
        followup=Followup(int(a.analysis["followup_volledig"].sum()),
                          int((~a.analysis["followup_volledig"]).sum())),
        privacy=_privacy(a),
        validatie=ValidationSummary(
            {src: len(x.quarantine) for src, x in a.loaded.validated.items()}, "geslaagd",
            # numeric ids under 5 digits cannot be told apart from counts
            a.identifiers.unscannable_ids, _remarks(a.loaded)),
        beschrijvend=_descriptives(a),
        start=started.isoformat(timespec="seconds"),
        afwijkingen=deviations(s, key), waarschuwingen=warnings(a.loaded))
    problems = check_funnel(report.trechter) + [
        p for r in report.rijen.values() for p in check_reconciliation(r)]
    if problems:
        raise ExportBlocked(["the report does not add up:", *problems])
    return report


def losses(a: Accounts) -> pd.DataFrame:
    """Who was lost where: gcos_id, stap, reden (secure/verlies_per_subject.csv)."""
    q = a.loaded.validated["gcos_subjecten"].quarantine
    rows = [{"gcos_id": r, "stap": "quarantaine", "reden": why}
            for r, why in zip(q["record_id"], q["reden"], strict=True)]
    rows += [{"gcos_id": g, "stap": "scope", "reden": r}
             for g, r in a.scoped.out_of_scope.items()]
    lost = a.links.bvh.subjects[~a.links.bvh.subjects["gevonden"]]
    rows += [{"gcos_id": g, "stap": "gevonden_bvh", "reden": r}
             for g, r in zip(lost["gcos_id"], lost["reden"], strict=True)]
    rows += [{"gcos_id": g, "stap": "startdatum", "reden": "geen_startdatum"}
             for g in sorted(a.links.found("bvh") - a.started.analysed)]
    return pd.DataFrame(rows, columns=["gcos_id", "stap", "reden"])


def internal_report(report: AuditReport, lost: pd.DataFrame, links: Links,
                    unknown_domains: dict[str, int] | None = None,
                    tagged: dict[str, str] | None = None) -> InternalReport:
    """The report with who was lost where, the largest blocks' keys, the unknown leefgebied
    names and the values behind the keyed tags (secure only)."""
    keyed = {src: tuple(KeyedBlock(str(b["pass"]), str(b["key"]), int(b["pairs"]))  # type: ignore[call-overload]
                        for b in link.blocking.largest_blocks)
             for src, link in links.by_source.items()}
    base = {f.name: getattr(report, f.name) for f in fields(report)}
    return InternalReport(**base, verlies_per_subject=tuple(
        Loss(str(r.gcos_id), str(r.stap), str(r.reden)) for r in lost.itertuples(index=False)),
        blokken_met_sleutel=keyed, onbekende_leefgebieden=dict(unknown_domains or {}),
        waarden_achter_labels=dict(tagged or {}))
