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

from vhh.linkage.report.serial import (
    JsonValue,
    ModelError,
    from_json,
    json_field,
    json_schema,
    to_json,
)

__all__ = [
    "REPORT_VERSION",
    "AuditReport",
    "Block",
    "ConfigRef",
    "Descriptives",
    "Filters",
    "Followup",
    "Frequency",
    "FunnelStep",
    "InputFile",
    "InternalReport",
    "KAnonymitySummary",
    "KeyedBlock",
    "ModelError",
    "LinkSummary",
    "Loss",
    "Measure",
    "NumericSummary",
    "PrivacySummary",
    "RowReconciliation",
    "ValidationSummary",
    "report_schema",
]

REPORT_VERSION: Final = 1
SCHEMA_ID: Final = "https://vhh-linkage.invalid/schemas/auditrapport-v1.json"
Counts = Mapping[str, int]


@dataclass(frozen=True)
class ConfigRef:
    """The configuration file the run read, by name and hash."""

    bestand: str
    sha256: str


@dataclass(frozen=True)
class InputFile:
    """One input extract as read: name, hash, rows and how it was decoded."""

    bron: str
    bestand: str
    sha256: str
    rijen: int
    codering: str
    scheidingsteken: str
    genegeerde_kolommen: tuple[str, ...]


@dataclass(frozen=True)
class FunnelStep:
    """One step of the funnel: ``in - uit = rest``; ``redenen`` add up to ``uit``."""

    stap: str
    label: str
    inn: int = json_field(json="in")
    uit: int = json_field()
    rest: int = json_field()
    redenen: Counts = json_field()
    verwijdert: bool = json_field()

    @classmethod
    def of(cls, stap: str, label: str, inn: int, uit: int, redenen: Counts,
           verwijdert: bool = True) -> FunnelStep:
        return cls(stap, label, inn, uit, inn - uit, dict(redenen), verwijdert)


@dataclass(frozen=True)
class RowReconciliation:
    """Every row read of one source, by outcome: ``gelezen`` = sum of ``uitkomst``."""

    bron: str
    gelezen: int
    uitkomst: Counts
    quarantaine_redenen: Counts


@dataclass(frozen=True)
class Block:
    """A blocking key's block, by pass and size (the key itself only in the secure report)."""

    blokkering: str
    paren: int


@dataclass(frozen=True)
class LinkSummary:
    """What linking one police source did."""

    identiteiten: int
    paren_per_blokkering: Counts
    kandidaatparen: int
    grootste_blokken: tuple[Block, ...]
    afgetopte_blokken: tuple[Block, ...]
    besluiten_per_regel: Counts
    gevonden_per_regel: Counts
    rijen_per_besluit: Counts
    reviewwachtrij: int
    ecm_gewichten: JsonValue | None = json_field(omit_if_none=True, default=None)


@dataclass(frozen=True)
class BvhFilters:
    """BVH rows of analysed subjects per category and role, and codes not in the table.

    Roles are named when they are known words (the contract's or the configuration's);
    any other role and every unknown code is counted under a keyed tag (``rol-...``,
    ``code-...``), its value only in the internal report's ``waarden_achter_labels``.
    """

    per_categorie: Counts
    per_rol: Counts
    onbekende_codes: Counts


@dataclass(frozen=True)
class HksFilters:
    """HKS rows of analysed subjects per afdoening (unknown ones by keyed tag)."""

    per_afdoening: Counts


@dataclass(frozen=True)
class Filters:
    """The filter counts of both police sources."""

    bvh: BvhFilters
    hks: HksFilters


@dataclass(frozen=True)
class Followup:
    """Analysed subjects whose after-windows end before the extraction date, or not."""

    volledig: int
    onvolledig: int


@dataclass(frozen=True)
class KAnonymitySummary:
    """k-anonymity on the quasi-identifiers."""

    k: int
    klassen: int
    records_onder_k: int
    klassen_onder_k: int


@dataclass(frozen=True)
class Measure:
    """One disclosure-control measure and how many records it changed."""

    maatregel: str
    variabele: str
    wijziging: str
    records: int


@dataclass(frozen=True)
class PrivacySummary:
    """Disclosure control: the quasi-identifiers, k before and after, the measures."""

    quasi_identificatoren: tuple[str, ...]
    doel_k: int
    voor: KAnonymitySummary
    na: KAnonymitySummary
    maatregelen: tuple[Measure, ...]


@dataclass(frozen=True)
class ValidationSummary:
    """Rows quarantined per source, the output schema's verdict, unscannable ids."""

    quarantaine: Counts
    uitvoerschema: str
    niet_scanbare_ids: int


@dataclass(frozen=True)
class NumericSummary:
    """N, mean, SD, min and max of one variable; all but N withheld for a small N."""

    variabele: str
    n: int
    gemiddelde: float | None
    sd: float | None
    min: float | None
    max: float | None
    onderdrukt: bool | None = json_field(omit_if_none=True, default=None)


@dataclass(frozen=True)
class Frequency:
    """One value of a categorical variable and its count ('<5' when small)."""

    waarde: str
    aantal: str


@dataclass(frozen=True)
class Descriptives:
    """Table 5.1 of the reference study, under the small-cell rule."""

    numeriek: tuple[NumericSummary, ...]
    frequenties: Mapping[str, tuple[Frequency, ...]]
    kleine_cellen_drempel: int


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
    invoer: tuple[InputFile, ...]
    trechter: tuple[FunnelStep, ...]
    rijen: Mapping[str, RowReconciliation]
    gcos_besprekingen: RowReconciliation
    koppeling: Mapping[str, LinkSummary]
    koppelregels: Mapping[str, str]
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
