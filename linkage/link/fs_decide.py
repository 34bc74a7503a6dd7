"""Decisions of the Fellegi-Sunter method: two thresholds, named caps, one subject per identity.

A pair's *match weight* is its waterfall: the prior, the weight of each comparison's level,
the two term-frequency adjustments and the weight of *one subject per identity*. That last
term makes the weight the log2 odds that this police identity belongs to this subject
rather than to another subject or to nobody: with ``w`` the pairwise weights of all the
identity's candidate subjects and ``π`` the share of police identities that belong to some
subject (estimated with the model), it is ``-log2((1 - π) + Σ 2^w of the other subjects)``.
An identity with one good candidate in data where most identities are a subject's gains;
one that fits two subjects about equally loses.

Then, for each pair (the first rule that applies decides, and names itself):

=============================  ==================================================================
mogelijk_partnernaam           surname entirely different, two or more initials all equal, the
                               birthdate equal, the subject a woman (police: woman or unknown):
                               review, whatever the weight ("mogelijk partnernaam")
subject_zonder_voorletter      the GCOS subject has no initial: never automatic (the study
                               requires one); review when the weight reaches the lower threshold
latere_voorletter_anders       the first initial equal but a later known one differs (a
                               brother, a near-namesake: "A.M." and "A.J."): never automatic;
                               review when the weight reaches the lower threshold
fellegi_sunter                 weight >= ``match_weight``: match; >= ``review_weight``: review
=============================  ==================================================================

Per police identity only its best pair survives (highest weight); when two subjects share
the best weight the identity goes to review for both (rule ``ambigu_<rule>``). A pair that
would reach the lower threshold on its own but not beside another subject that fits
(nearly) as well goes to review as ``ambigu_fellegi_sunter``: a tie is for a person, not
for no one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from vhh.linkage.contract import WEIGHT_RULE_NAMES
from vhh.linkage.link.levels import BIRTHDATE, INITIALS, SURNAME

__all__ = ["AMBIGUOUS_RULE", "DECISION_CODES", "FS_RULE_DESCRIPTIONS", "IDENTITY_TERM",
           "REASONS", "RULE_CODES", "RULE_NAMES", "Thresholds", "WeightHistogram", "contested",
           "decide", "identity_term", "identity_totals", "resolve"]

RULE_NAMES = WEIGHT_RULE_NAMES
FS_RULE, _COMPLETION, PARTNER_RULE, NO_INITIAL_RULE, LATER_INITIAL_RULE = RULE_NAMES
FS_RULE_DESCRIPTIONS = {
    FS_RULE: "Fellegi-Sunter: matchgewicht (prior + gewicht per vergelijking) boven de "
             "bovengrens: match; tussen de grenzen: review",
    "aanvulling_geboortedatum": "geboortedatum ontbreekt in de politieregistratie; "
                                "achternaam en voorletters gelijk aan een identiteit die al "
                                "automatisch aan dit subject gekoppeld is, en geen andere "
                                "persoon past: match",
    PARTNER_RULE: "achternaam geheel anders, twee of meer voorletters en geboortedatum gelijk, "
                  "vrouw: mogelijk partnernaam, altijd review",
    NO_INITIAL_RULE: "subject zonder voorletter in GCOS: nooit automatisch, review vanaf de "
                     "ondergrens",
    LATER_INITIAL_RULE: "eerste voorletter gelijk, een latere bekende voorletter anders: "
                        "nooit automatisch, review vanaf de ondergrens",
}
IDENTITY_TERM = "gewicht_een_subject_per_identiteit"
REASONS = {
    "match": "gewicht boven de bovengrens",
    "review": "gewicht tussen de grenzen: een persoon beslist",
    PARTNER_RULE: "mogelijk partnernaam",
    NO_INITIAL_RULE: "subject heeft geen voorletter in GCOS: nooit automatisch",
    LATER_INITIAL_RULE: "een latere voorletter is anders: nooit automatisch",
    "andere_persoon": "tegenstrijdige voorletters of geboortedatum staan zo op meer rijen: "
                      "een andere persoon (tweeling, naamgenoot)",
    "aanvulling_geboortedatum": "geboortedatum ontbreekt; verder gelijk aan een al gekoppelde "
                                "identiteit van dit subject",
    "ambigu": "even sterk gewicht bij meer subjecten: een persoon beslist",
    "ambigu_fellegi_sunter": "past (bijna) even goed bij een ander subject: een persoon "
                             "beslist",
}
_MAX_BITS = 200.0  # 2^w stays finite
_BATCH = 1_000_000
_WOMAN, _MAN = 1, 0


@dataclass(frozen=True)
class Thresholds:
    """The two match weights that divide the decisions, and whether a subject without
    initials is kept from automatic matches."""

    match: float
    review: float
    cap_no_initial: bool = True


def identity_totals(w: np.ndarray, i: np.ndarray, n_identities: int,
                    out: np.ndarray | None = None) -> np.ndarray:
    """Per identity: the sum of 2^w over its candidate pairs (added in pair order, a
    batch of pairs at a time), added to ``out`` when given: the pairs may come in parts,
    the sums are the same."""
    out = np.zeros(n_identities, dtype=np.float64) if out is None else out
    for lo in range(0, len(w), _BATCH):
        np.add.at(out, i[lo:lo + _BATCH], np.exp2(np.minimum(w[lo:lo + _BATCH], _MAX_BITS)))
    return out


def identity_term(w: np.ndarray, i: np.ndarray, totals: np.ndarray, identity_share: float
                  ) -> np.ndarray:
    """The weight of *one subject per identity* for pairs with pairwise weight ``w``."""
    others = np.maximum(totals[i] - np.exp2(np.minimum(w, _MAX_BITS)), 0.0)
    return np.asarray(-np.log2((1.0 - identity_share) + others))


def _partner(lv: tuple[np.ndarray, ...], subject_sex: np.ndarray, police_sex: np.ndarray
             ) -> np.ndarray:
    surname, initials, birth, _ = lv
    return np.asarray((surname == SURNAME.level("anders"))
                      & (initials == INITIALS.level("alle_gelijk"))
                      & (birth == BIRTHDATE.level("gelijk")) & (subject_sex == _WOMAN)
                      & (police_sex != _MAN))


AMBIGUOUS_RULE = "ambigu_" + FS_RULE
RULE_CODES = ("", PARTNER_RULE, NO_INITIAL_RULE, LATER_INITIAL_RULE, FS_RULE, AMBIGUOUS_RULE)
DECISION_CODES = ("geen", "review", "match")


def decide(total: np.ndarray, lv: tuple[np.ndarray, ...], subject_initials: np.ndarray,
           subject_sex: np.ndarray, police_sex: np.ndarray, t: Thresholds
           ) -> tuple[np.ndarray, np.ndarray]:
    """(regel, besluit) per pair as codes into :data:`RULE_CODES` and
    :data:`DECISION_CODES` (besluit 0, "geen", for pairs that reach no decision).

    ``subject_initials`` is the number of initials of each pair's subject."""
    partner = _partner(lv, subject_sex, police_sex)
    never = (subject_initials == 0, lv[1] == INITIALS.level("later_anders"))
    above = total >= t.match
    review = total >= t.review
    rule = np.select([partner, never[0] & review, never[1] & review, review],
                     [1, 2, 3, 4], default=0).astype(np.int8)
    capped = (never[0] | never[1]) & review
    besluit = np.select([partner, capped, above, review], [1, 1, 2, 1],
                        default=0).astype(np.int8)
    return rule, besluit


def contested(w: np.ndarray, term: np.ndarray, identity_share: float, t: Thresholds
              ) -> np.ndarray:
    """Pairs that reach the lower threshold alone (pairwise weight plus the term of an
    identity without other candidates) but not beside their competitors."""
    alone = w - np.log2(1.0 - identity_share)
    return np.asarray((alone >= t.review) & (w + term < t.review) & (term < alone - w - 1e-9))


def resolve(kept: pd.DataFrame) -> pd.DataFrame:
    """Per identity the pair with the highest ``match_gewicht``; a tie between subjects at
    that weight sends each of them to review as ``ambigu_<rule>``."""
    if kept.empty:
        return kept.assign(ambigu=pd.Series(dtype=bool))
    best = kept.groupby("i")["match_gewicht"].transform("max")
    top = kept[kept["match_gewicht"] >= best - 1e-9].copy()
    ambiguous = (top.groupby("i")["s"].transform("nunique") > 1).to_numpy()
    top["ambigu"] = ambiguous
    top.loc[ambiguous, "regel"] = "ambigu_" + top.loc[ambiguous, "regel"].astype(str)
    top.loc[ambiguous, "besluit"] = "review"
    top.loc[ambiguous, "reden"] = REASONS["ambigu"]
    return top


@dataclass
class WeightHistogram:
    """Counts of candidate pairs per whole bit of match weight, with both thresholds."""

    low: int = -40
    high: int = 60

    def __post_init__(self) -> None:
        self.counts = np.zeros(self.high - self.low, dtype=np.int64)

    def add(self, weights: np.ndarray) -> None:
        bins = np.clip(np.floor(weights).astype(np.int64), self.low, self.high - 1) - self.low
        self.counts += np.bincount(bins, minlength=len(self.counts))

    def as_dict(self, t: Thresholds) -> dict[str, object]:
        """Only the range that holds pairs: edges (left, inclusive) and counts."""
        used = np.flatnonzero(self.counts)
        lo, hi = (int(used[0]), int(used[-1]) + 1) if len(used) else (0, 0)
        return {"randen": list(range(self.low + lo, self.low + hi + 1)),
                "aantallen": [int(x) for x in self.counts[lo:hi]],
                "bovengrens": t.match, "ondergrens": t.review,
                "toelichting": "kandidaatparen per heel bit matchgewicht (linkerrand telt mee)"}

