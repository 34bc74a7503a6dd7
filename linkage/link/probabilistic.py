"""The probabilistic alternative to the rule tiers: Fellegi-Sunter weights estimated by ECM.

Selected with ``[linkage] method = "probabilistic"``. Blocking and comparison are the same
as for the rules; only the decision differs. Each candidate pair gets five binary features
derived from the comparison columns (:data:`FEATURES`). recordlinkage's ``ECMClassifier``
estimates, without training data, per feature the probability of agreement among matches
(m) and among non-matches (u), and the share of matches (p). Every pair then gets its match
probability from the Fellegi-Sunter sum of log2 weights:

- at or above :data:`MATCH_PROBABILITY`: ``match``;
- at or above :data:`REVIEW_PROBABILITY`: ``review`` (a person decides);
- below: no decision.

Choices, each for a reason seen on the synthetic data:

- A missing first initial (either side) is *unknown*, not a disagreement: such pairs are
  left out of the fit and the two initial features weigh nothing in their probability. As
  in the rules, they never get more than ``review``: the study requires a first initial.
- m and u are kept inside [0.001, 0.999] (:data:`PROBABILITY_BOUND`). The candidate pairs
  hold few non-matches, so ECM readily estimates u = 0 for "all initials equal", which
  would make that one feature outweigh any birthdate disagreement.

Every decision is labelled ``ecm`` with the match probability as its score; one subject per
police identity is then kept by :func:`vhh.linkage.link.decide.resolve_per_identity`, so that a tie
between subjects goes to review.

recordlinkage is imported here and nowhere else.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import recordlinkage
from vhh.linkage.link.birthdates import within_one_slip
from vhh.linkage.link.decide import NO_TIER

__all__ = ["FEATURES", "MATCH_PROBABILITY", "REGEL", "REVIEW_PROBABILITY", "EcmModel",
           "decide_probabilistic", "ecm_features", "fit_ecm"]

REGEL = "ecm"
MATCH_PROBABILITY = 0.99
REVIEW_PROBABILITY = 0.50
PROBABILITY_BOUND = 0.001
FEATURES = ("achternaam", "eerste_voorletter", "alle_voorletters", "geboortedatum_exact",
            "geboortedatum_een_slip")
INITIAL_FEATURES = ("eerste_voorletter", "alle_voorletters")
_RANK_MATCH, _RANK_REVIEW, _RANK_NONE = 0, 1, 2


def ecm_features(pairs: pd.DataFrame, surname_threshold: float) -> pd.DataFrame:
    """The binary (0/1) features of every pair, indexed by (s, i)."""
    values = {
        "achternaam": pairs["achternaam_component"].astype(bool)
        | (pairs["achternaam_sim"].astype(float) >= surname_threshold),
        "eerste_voorletter": pairs["voorletter"].isin(("equal", "compatible")),
        "alle_voorletters": pairs["voorletters_gelijk"].astype(bool),
        "geboortedatum_exact": pairs["geboortedatum"] == "exact",
        "geboortedatum_een_slip": pairs["geboortedatum"].map(within_one_slip).astype(bool),
    }
    index = pd.MultiIndex.from_arrays([pairs["s"].to_numpy(), pairs["i"].to_numpy()],
                                      names=["s", "i"])
    return pd.DataFrame({k: np.asarray(v, dtype=np.int8) for k, v in values.items()},
                        index=index)


def _bounded(value: float) -> float:
    return min(max(value, PROBABILITY_BOUND), 1 - PROBABILITY_BOUND)


@dataclass(frozen=True)
class EcmModel:
    """Fellegi-Sunter parameters: m and u per feature, the match share p, the fit size."""

    m: dict[str, float]
    u: dict[str, float]
    p: float
    trained_on: int = 0

    def log2_weight(self, feature: str, agree: bool) -> float:
        m, u = self.m[feature], self.u[feature]
        return math.log2(m / u) if agree else math.log2((1 - m) / (1 - u))

    def probability(self, features: pd.DataFrame, initial_unknown: np.ndarray) -> np.ndarray:
        """The match probability of every pair; unknown initial features weigh nothing."""
        log_odds = np.full(len(features), math.log2(self.p / (1 - self.p)))
        for name in FEATURES:
            weight = np.where(features[name].to_numpy() == 1, self.log2_weight(name, True),
                              self.log2_weight(name, False))
            if name in INITIAL_FEATURES:
                weight = np.where(initial_unknown, 0.0, weight)
            log_odds += weight
        probability: np.ndarray = 1.0 / (1.0 + np.exp2(-log_odds))
        return probability

    def report(self) -> dict[str, Any]:
        """m, u and the log2 agreement/disagreement weights per feature, for the report."""
        per_feature = {name: {"m": round(self.m[name], 6), "u": round(self.u[name], 6),
                              "log2_gewicht_gelijk": round(self.log2_weight(name, True), 4),
                              "log2_gewicht_ongelijk": round(self.log2_weight(name, False), 4)}
                       for name in self.m}
        return {"kenmerken": per_feature, "aandeel_matches": round(self.p, 6),
                "drempels": {"match": MATCH_PROBABILITY, "review": REVIEW_PROBABILITY},
                "getraind_op_paren": self.trained_on}


def fit_ecm(features: pd.DataFrame) -> EcmModel:
    """Estimate m, u and p with recordlinkage's ECMClassifier (unsupervised, deterministic
    from its 'jaro' starting values); m and u are bounded, see the module docstring."""
    classifier = recordlinkage.ECMClassifier(binarize=None)
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", category=RuntimeWarning)  # log(0) inside the EM
        classifier.fit(features)

    def agreement(side: dict[str, Any], feature: str) -> float:
        return _bounded(float(side.get(feature, {}).get(1, 0.0)))

    return EcmModel({f: agreement(classifier.m_probs, f) for f in features.columns},
                    {f: agreement(classifier.u_probs, f) for f in features.columns},
                    _bounded(float(classifier.p)), trained_on=len(features))


def _unfitted_report() -> dict[str, Any]:
    return EcmModel({}, {}, 0.5).report() | {"aandeel_matches": None}


def decide_probabilistic(pairs: pd.DataFrame, surname_threshold: float
                         ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Add ``regel``, ``besluit``, ``rang`` and ``score`` (the match probability) to every
    pair, like :func:`vhh.linkage.link.decide.decide_pairs`; also return the ECM parameters.

    With fewer than two distinct feature patterns among the pairs with known initials
    there is nothing to estimate: every pair then goes to review.
    """
    out = pairs.reset_index(drop=True)
    features = ecm_features(out, surname_threshold)
    unknown = (out["voorletter"] == "missing").to_numpy()
    training = features[~unknown]
    if training.drop_duplicates().shape[0] < 2:
        probability, report = np.full(len(out), REVIEW_PROBABILITY), _unfitted_report()
    else:
        model = fit_ecm(training)
        probability, report = model.probability(features, unknown), model.report()
    match = (probability >= MATCH_PROBABILITY) & ~unknown
    review = (probability >= REVIEW_PROBABILITY) & ~match
    out = out.assign(regel=np.where(match | review, REGEL, NO_TIER),
                     besluit=np.select([match, review], ["match", "review"], default="geen"),
                     rang=np.select([match, review], [_RANK_MATCH, _RANK_REVIEW],
                                    default=_RANK_NONE),
                     score=np.round(probability, 6))
    return out, report
