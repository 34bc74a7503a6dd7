"""Settings of the synthetic data generator, and the funnel design they resolve to.

``SynthSettings`` is what a user sets; ``SynthSettings.design()`` resolves it into a
``FunnelDesign`` of plain counts. Every design count left at ``None`` is proportional to
``subjects``: ``round(reference * subjects / 213)``, where *reference* is the count of the
reference study (the numbers in ``REFERENCE``). At the default ``subjects=213`` the design is
therefore exactly the reference funnel. ``analysed_in_hks`` is proportional to the number of
analysed subjects instead (138 of 195 in the reference).

Every count is checked when the settings are made (and again by ``design()``): a design
that does not fit raises ``ValueError`` naming the counts involved and how to fix them.

Besides the counts, a few knobs shape the police data and scale it: the median number of
BVH rows of a subject (``subject_bvh_rows_median``) and of a non-subject
(``other_bvh_rows_median``; raise it for very large extracts), the share of non-subjects with
HKS antecedents, and the shares of noisy rows: ``noise_share`` rows written differently
(presentation), ``slip_share`` rows with one typing slip and ``multi_slip_share`` rows with
more than one (in "high" mode ``high_noise_share`` replaces the slip share, and a fifth of
it slips more than once). ``hks_empty`` writes an HKS extract without rows.

The traps (non-subjects built to look like a subject, and subjects whose name is written
otherwise by the police) are counts of the design too; see :mod:`vhh.linkage.synth.people`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from types import MappingProxyType

from vhh.linkage.contract import LEEFGEBIEDEN, STUDY_KADERS

__all__ = [
    "KADERS_IN_SCOPE",
    "KADERS_OUT_OF_SCOPE",
    "LEEFGEBIEDEN",
    "NOISE_MODES",
    "REFERENCE",
    "REFERENCE_SUBJECTS",
    "FunnelDesign",
    "SynthSettings",
]

# The eleven leefgebieden of a GCOS case (contract.LEEFGEBIEDEN, as GCOS titles its tabs)
# and the kaders of the reference study (contract.STUDY_KADERS), as the default config has.
KADERS_IN_SCOPE: tuple[str, ...] = STUDY_KADERS
KADERS_OUT_OF_SCOPE: tuple[str, ...] = ("Veelplegers", "Groepsaanpak", "Jeugdgroepen",
                                        "Risicojongeren", "Pooierboys")
NOISE_MODES: tuple[str, ...] = ("default", "high")

REFERENCE_SUBJECTS = 213
REFERENCE = MappingProxyType({
    # GCOS rows that validation must quarantine
    "quarantined_bad_birthdate": 1,
    "quarantined_empty_surname": 1,
    # GCOS subjects out of scope
    "out_of_scope_kader": 15,
    "out_of_scope_period": 10,
    # in-scope subjects that do not reach the analysis
    "no_initial": 8,
    "not_in_bvh": 7,
    "no_startdatum": 3,
    # analysed subjects with a special design
    "initials_from_voornamen": 2,
    "heavy_subjects": 3,
    "traffic_only_subjects": 3,
    "edge_subjects": 12,
    "duplicate_registrations": 8,
    # non-subjects built to resemble a subject (the traps)
    "namesakes_other_birthdate": 20,
    "near_namesakes": 8,
    "twins": 8,
    # women subjects whose GCOS surname is not what the police write (naamgebruik)
    "partner_n": 2,
    "partner_v": 2,
    "partner_p": 1,
    "partner_reverse": 2,
    # police rows that validation must quarantine
    "bvh_invalid_date": 3,
    "bvh_no_identity": 1,
    "hks_invalid_date": 2,
    # non-subjects
    "others": 1500,
})
REFERENCE_ANALYSED = 195
REFERENCE_ANALYSED_IN_HKS = 138


@dataclass(frozen=True)
class FunnelDesign:
    """The resolved design: every count the generator builds, as a plain integer."""

    subjects: int
    others: int
    quarantined_bad_birthdate: int
    quarantined_empty_surname: int
    out_of_scope_kader: int
    out_of_scope_period: int
    no_initial: int
    not_in_bvh: int
    no_startdatum: int
    analysed: int
    analysed_in_hks: int
    initials_from_voornamen: int
    heavy_subjects: int
    traffic_only_subjects: int
    edge_subjects: int
    duplicate_registrations: int
    namesakes_other_birthdate: int
    near_namesakes: int
    twins: int
    partner_n: int
    partner_v: int
    partner_p: int
    partner_reverse: int
    bvh_invalid_date: int
    bvh_no_identity: int
    hks_invalid_date: int

    @property
    def quarantined(self) -> int:
        return self.quarantined_bad_birthdate + self.quarantined_empty_surname

    @property
    def out_of_scope(self) -> int:
        return self.out_of_scope_kader + self.out_of_scope_period

    @property
    def gcos_rows(self) -> int:
        return self.quarantined + self.out_of_scope + self.subjects

    @property
    def found_bvh(self) -> int:
        return self.analysed + self.no_startdatum

    @property
    def lookalikes(self) -> int:
        return self.namesakes_other_birthdate + self.near_namesakes + self.twins

    @property
    def partners(self) -> int:
        return self.partner_n + self.partner_v + self.partner_p + self.partner_reverse


@dataclass(frozen=True)
class SynthSettings:
    """What to generate. Counts left at ``None`` are proportional to ``subjects``.

    ``subjects`` is the number of in-scope GCOS subjects; quarantined and out-of-scope GCOS
    rows come on top. ``noise`` is ``"default"`` (presentation differences only: every
    noisy row is still found by the strict rule) or ``"high"`` (also typing slips in the
    surname and birthdate, and missing initials).
    """

    seed: int = 2013
    subjects: int = REFERENCE_SUBJECTS
    others: int | None = None
    noise: str = "default"
    quarantined_bad_birthdate: int | None = None
    quarantined_empty_surname: int | None = None
    out_of_scope_kader: int | None = None
    out_of_scope_period: int | None = None
    no_initial: int | None = None
    not_in_bvh: int | None = None
    no_startdatum: int | None = None
    analysed_in_hks: int | None = None
    initials_from_voornamen: int | None = None
    heavy_subjects: int | None = None
    traffic_only_subjects: int | None = None
    edge_subjects: int | None = None
    duplicate_registrations: int | None = None
    namesakes_other_birthdate: int | None = None
    near_namesakes: int | None = None
    twins: int | None = None
    partner_n: int | None = None
    partner_v: int | None = None
    partner_p: int | None = None
    partner_reverse: int | None = None
    bvh_invalid_date: int | None = None
    bvh_no_identity: int | None = None
    hks_invalid_date: int | None = None
    # shape of the police data
    subject_bvh_rows_median: float = 12.0
    other_bvh_rows_median: float = 3.0
    other_hks_share: float = 0.35
    noise_share: float = 0.25
    slip_share: float = 0.04
    multi_slip_share: float = 0.006
    high_noise_share: float = 0.30
    hks_empty: bool = False

    def __post_init__(self) -> None:
        problems = self._basic_problems()
        if problems:
            raise ValueError("SynthSettings: " + "; ".join(problems))
        self.design()  # raises when the funnel design does not fit

    def _basic_problems(self) -> list[str]:
        problems = []
        if self.noise not in NOISE_MODES:
            problems.append(f"noise must be one of {', '.join(NOISE_MODES)}, not {self.noise!r}")
        if self.subjects < 1:
            problems.append(f"subjects must be 1 or more, not {self.subjects}")
        for f in fields(self):
            value = getattr(self, f.name)
            if (f.name not in ("seed", "noise", "subjects", "hks_empty") and value is not None
                    and value < 0):
                problems.append(f"{f.name} must be 0 or more, not {value}")
        for name in ("other_hks_share", "noise_share", "slip_share", "multi_slip_share",
                     "high_noise_share"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                problems.append(f"{name} must be between 0 and 1")
        if self.noise_share + max(self.high_noise_share * 1.2,
                                  self.slip_share + self.multi_slip_share) > 1.0:
            problems.append("noise_share and the slip shares together must not exceed 1")
        return problems

    def _count(self, name: str) -> int:
        value = getattr(self, name)
        if value is not None:
            return int(value)
        return round(REFERENCE[name] * self.subjects / REFERENCE_SUBJECTS)

    def design(self) -> FunnelDesign:
        """The resolved counts; ``ValueError`` when they do not fit in ``subjects``."""
        counts = {name: self._count(name) for name in REFERENCE}
        analysed = self.subjects - counts["no_initial"] - counts["not_in_bvh"] - counts[
            "no_startdatum"]
        if self.hks_empty:
            in_hks = 0
            counts["hks_invalid_date"] = 0
        elif self.analysed_in_hks is None:
            in_hks = round(REFERENCE_ANALYSED_IN_HKS * max(analysed, 0) / REFERENCE_ANALYSED)
        else:
            in_hks = int(self.analysed_in_hks)
        design = FunnelDesign(subjects=self.subjects, analysed=analysed, analysed_in_hks=in_hks,
                              **counts)
        problems = _design_problems(design)
        if problems:
            raise ValueError("SynthSettings: the funnel design does not fit: "
                             + "; ".join(problems))
        return design


def _design_problems(d: FunnelDesign) -> list[str]:
    problems = []
    if d.analysed < 0:
        problems.append(
            f"no_initial ({d.no_initial}) + not_in_bvh ({d.not_in_bvh}) + no_startdatum "
            f"({d.no_startdatum}) = {d.no_initial + d.not_in_bvh + d.no_startdatum} exceeds "
            f"subjects ({d.subjects}); lower them or raise subjects")
        return problems
    if d.analysed_in_hks > d.analysed:
        problems.append(f"analysed_in_hks ({d.analysed_in_hks}) exceeds the analysed subjects "
                        f"({d.analysed}); lower it")
    special = d.heavy_subjects + d.traffic_only_subjects + d.edge_subjects
    if special > d.analysed:
        problems.append(
            f"heavy_subjects ({d.heavy_subjects}) + traffic_only_subjects "
            f"({d.traffic_only_subjects}) + edge_subjects ({d.edge_subjects}) = {special} "
            f"exceeds the analysed subjects ({d.analysed}); lower them")
    for name in ("initials_from_voornamen", "duplicate_registrations"):
        if getattr(d, name) > d.analysed:
            problems.append(f"{name} ({getattr(d, name)}) exceeds the analysed subjects "
                            f"({d.analysed}); lower it")
    if d.lookalikes > d.others:
        problems.append(f"namesakes_other_birthdate + near_namesakes + twins ({d.lookalikes}) "
                        f"exceeds others ({d.others}); lower them or raise others")
    if d.lookalikes and d.analysed + d.no_startdatum == 0:
        problems.append("namesakes and twins need subjects found in BVH to resemble; set them "
                        "to 0")
    if d.partners > d.analysed:
        problems.append(f"the partner_* subjects ({d.partners}) exceed the analysed subjects "
                        f"({d.analysed}); lower them")
    return problems + _row_problems(d)


def _row_problems(d: FunnelDesign) -> list[str]:
    """Special police rows that need a kind of person the design has none of."""
    problems = []
    hosts = d.analysed - d.traffic_only_subjects
    if d.bvh_invalid_date and hosts <= 0:
        problems.append("bvh_invalid_date rows belong to analysed subjects; there are none "
                        "(besides traffic-only ones): set it to 0")
    if d.hks_invalid_date and d.analysed_in_hks == 0:
        problems.append("hks_invalid_date rows belong to analysed subjects in HKS; there are "
                        "none: set it to 0")
    if d.bvh_no_identity and d.others == 0:
        problems.append("bvh_no_identity rows belong to non-subjects; others is 0")
    return problems
