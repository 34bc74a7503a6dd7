"""The audit report as a type: frozen dataclasses, filled by the stages of a run.

``auditrapport.json`` (export), ``auditrapport_intern.json`` (secure), both HTML pages,
the console summary and ``vhh-link verify`` are all derived from these classes, never from
loose dictionary keys: renaming a field is a change a type checker and the JSON Schema
test see (``docs/auditrapport.schema.json``). Field names are the Dutch JSON keys an
auditor reads. :data:`REPORT_VERSION` is written into every report; a reader refuses a
version it does not know.

Counts per reason, category or rule are mappings (their keys depend on the data and the
configuration); everything else is a named field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from vhh.linkage.report.sections import (
    Block,
    BvhFilters,
    ConfigRef,
    DecidingSettings,
    Descriptives,
    Deviation,
    Filters,
    Followup,
    Frequency,
    FunnelStep,
    HksFilters,
    InputFile,
    KAnonymitySummary,
    LinkSummary,
    Measure,
    NumericSummary,
    PrivacySummary,
    ReviewSummary,
    RowReconciliation,
    StudyChoice,
    ValidationSummary,
    WeightHistogram,
)
from vhh.linkage.report.serial import (
    ModelError,
    from_json,
    json_field,
    json_schema,
    to_json,
)

__all__ = [
    "REPORT_VERSION", "AuditReport", "Block", "BvhFilters", "ConfigRef", "DecidingSettings",
    "Descriptives", "Deviation", "Filters", "Followup", "Frequency", "FunnelStep", "HksFilters",
    "InputFile", "InternalReport", "KAnonymitySummary", "KeyedBlock", "ModelError", "LinkSummary",
    "Loss", "Measure", "NumericSummary", "PrivacySummary", "ReviewSummary", "RowReconciliation",
    "StudyChoice", "ValidationSummary", "WeightHistogram", "report_schema",
]

REPORT_VERSION: Final = 1
SCHEMA_ID: Final = "https://vhh-linkage.invalid/schemas/auditrapport-v1.json"
Counts = Mapping[str, int]


@dataclass(frozen=True)
class AuditReport:
    """The audit report of one run, as exported (``export/auditrapport.json``)."""

    titel: str
    versie: str
    rapportversie: int
    run_id: str
    sleutel_id: str
    project: str
    configuratie: ConfigRef
    instellingen: DecidingSettings
    invoer: tuple[InputFile, ...]
    trechter: tuple[FunnelStep, ...]
    keuzes: tuple[StudyChoice, ...]
    rijen: Mapping[str, RowReconciliation]
    gcos_besprekingen: RowReconciliation
    koppeling: Mapping[str, LinkSummary]
    koppelregels: Mapping[str, str]
    review: ReviewSummary
    filters: Filters
    followup: Followup
    privacy: PrivacySummary
    validatie: ValidationSummary
    beschrijvend: Descriptives
    start: str
    # known only once the export is written: its files' hashes, stage times, the end
    bestanden: Mapping[str, str] | None = json_field(omit_if_none=True, default=None)
    tijden: Mapping[str, float] | None = json_field(omit_if_none=True, default=None)
    eind: str | None = json_field(omit_if_none=True, default=None)
    # every weakness the run was told to accept (k < 3, a weak or open key, ...), by name
    afwijkingen: tuple[Deviation, ...] = json_field(default=())
    # what the data officer should look at although the run went on (an empty HKS extract)
    waarschuwingen: tuple[str, ...] = json_field(default=())

    def reconciliations(self) -> dict[str, RowReconciliation]:
        """Every row reconciliation: the police sources and the GCOS discussions."""
        return {**self.rijen, "gcos_besprekingen": self.gcos_besprekingen}

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = to_json(self)
        return out

    @classmethod
    def from_json(cls, data: Any) -> AuditReport:
        """The report in ``data`` (parsed JSON); :class:`ModelError` if it does not fit."""
        _check_version(data)
        return from_json(cls, data)


@dataclass(frozen=True)
class Loss:
    """Where one GCOS subject left the funnel, and why (secure report only)."""

    gcos_id: str
    stap: str
    reden: str


@dataclass(frozen=True)
class KeyedBlock:
    """A large block with its key (secure report only: the key is a name fragment)."""

    pass_: str = json_field(json="pass")
    key: str = json_field()
    pairs: int = json_field()


@dataclass(frozen=True)
class InternalReport(AuditReport):
    """The audit report with who was lost where (``secure/auditrapport_intern.json``)."""

    verlies_per_subject: tuple[Loss, ...] = json_field(default=())
    blokken_met_sleutel: Mapping[str, tuple[KeyedBlock, ...]] = json_field(default_factory=dict)
    # leefgebied names that are no configured title, as written, with how often (data)
    onbekende_leefgebieden: Mapping[str, int] = json_field(default_factory=dict)
    # the roles, codes and afdoeningen behind the keyed tags of the filter section
    waarden_achter_labels: Mapping[str, str] = json_field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Any) -> InternalReport:
        _check_version(data)
        return from_json(cls, data)


def _check_version(data: Any) -> None:
    version = data.get("rapportversie") if isinstance(data, dict) else None
    if version != REPORT_VERSION:
        raise ModelError(f"$.rapportversie: this is report format {version!r}; this version "
                         f"of vhh-linkage reads format {REPORT_VERSION}")


def report_schema() -> dict[str, Any]:
    """The JSON Schema of ``auditrapport.json``."""
    return json_schema(AuditReport, schema_id=SCHEMA_ID,
                       title="Auditrapport koppeling Veiligheidshuis")


if __name__ == "__main__":  # python -m vhh.linkage.report.model > docs/auditrapport.schema.json
    import json
    import sys

    sys.stdout.write(json.dumps(report_schema(), ensure_ascii=False, indent=2) + "\n")
