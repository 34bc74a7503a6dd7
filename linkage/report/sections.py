"""The sections of the audit report: one frozen dataclass per part an auditor reads.

Field names are the Dutch JSON keys. :mod:`vhh.linkage.report.model` assembles them into
the report and is the module to import them from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from vhh.linkage.report.serial import JsonValue, ModelError, json_field

__all__ = ["Block", "BvhFilters", "ConfigRef", "DecidingSettings", "Descriptives", "Deviation",
           "Filters", "Followup", "Frequency", "FunnelStep", "HksFilters", "InputFile",
           "KAnonymitySummary", "LinkSummary", "Measure", "NumericSummary", "PrivacySummary",
           "ReviewSummary", "RowReconciliation", "StudyChoice", "ValidationSummary",
           "WeightHistogram"]

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
class WeightHistogram:
    """Match weights of the candidate pairs of one source, in bins, with the thresholds.

    ``grenzen`` are the bin edges (one more than ``aantallen``, increasing); a pair with a
    weight at or above ``bovengrens`` is a match, below ``ondergrens`` no match, and in
    between it goes to review. A method without weights leaves the histogram out.
    """

    grenzen: tuple[float, ...]
    aantallen: tuple[int, ...]
    ondergrens: float | None = json_field(omit_if_none=True, default=None)
    bovengrens: float | None = json_field(omit_if_none=True, default=None)

    def __post_init__(self) -> None:
        if len(self.grenzen) != len(self.aantallen) + 1 or not self.aantallen:
            raise ModelError("WeightHistogram: grenzen must hold one more value than "
                             "aantallen, and there must be at least one bin")
        if any(b <= a for a, b in zip(self.grenzen, self.grenzen[1:], strict=False)):
            raise ModelError("WeightHistogram: grenzen must increase")
        if min(self.aantallen) < 0:
            raise ModelError("WeightHistogram: a negative count")


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
    # method probabilistic: the Fellegi-Sunter model (m, u, weights per level, prior)
    model: JsonValue | None = json_field(omit_if_none=True, default=None)
    gewichten_histogram: WeightHistogram | None = json_field(omit_if_none=True, default=None)


@dataclass(frozen=True)
class ReviewSummary:
    """The review round: pairs still undecided, decisions read back and what they met.

    While ``wachtend`` is more than 0 the figures are provisional: a decision may add or
    remove a link. ``vervallen`` counts decisions for a pair that no longer exists (the data
    or the rules changed); they are listed in ``secure/review_vervallen.csv``.
    """

    wachtend: int
    besluitenbestand: str
    besluiten_gelezen: int
    toegepast: int
    vervallen: int

    @property
    def voorlopig(self) -> bool:
        return self.wachtend > 0


@dataclass(frozen=True)
class DecidingSettings:
    """The settings that decide the outcome, shown on top of the report (keys as configured)."""

    methode: str
    koppelregels: tuple[str, ...]
    drempel_achternaam: float | None   # method rules
    kaders: tuple[str, ...]
    periode_start: str
    periode_eind: str
    startdatum: str
    startdag_telt: str
    kwartaal_maanden: int
    jaar_maanden: int
    extractiedatum: str
    getelde_categorieen: tuple[str, ...]
    onbekende_codes: str
    rollen: tuple[str, ...]
    hks_afdoeningen: tuple[str, ...]
    trechtervolgorde: tuple[str, ...]
    k: int
    privacyactie: str
    # method probabilistic: the match weights (log2 odds) of a match and of review
    bovengrens_gewicht: float | None = json_field(omit_if_none=True, default=None)
    ondergrens_gewicht: float | None = json_field(omit_if_none=True, default=None)


@dataclass(frozen=True)
class StudyChoice:
    """A choice the reference study leaves open, as this run made it, and how many subjects
    it touched (``None`` where that is not counted)."""

    onderwerp: str
    keuze: str
    aantal: int | None


@dataclass(frozen=True)
class BvhFilters:
    """BVH rows of analysed subjects per category and role, and codes not in the table."""

    per_categorie: Counts
    per_rol: Counts
    onbekende_codes: Counts


@dataclass(frozen=True)
class HksFilters:
    """HKS rows of analysed subjects per afdoening."""

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
    # per source: valid rows per remark (reported, not quarantined), e.g. leefgebied_onbekend
    opmerkingen: Mapping[str, Counts] = json_field(default_factory=dict)


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
class Deviation:
    """A deliberate deviation from the minimum protection, and who accepted it how."""

    naam: str
    omschrijving: str
    geaccepteerd_met: str
