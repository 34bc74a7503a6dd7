"""The named library of decision rules (tiers). A rule knows its name and its test.

Each rule takes the comparison columns of the candidate pairs and says, per pair,
whether it holds. The configured tiers are tried in order; the first that holds decides,
and its name is written next to the decision.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType

import pandas as pd

from linkage.birthdates import within_one_slip

__all__ = ["RULES", "Rule", "rule"]

_INITIAL_OK = ("equal", "compatible")


@dataclass(frozen=True)
class Rule:
    """A decision tier: its name, what it decides (match or review) and its test."""

    name: str
    besluit: str  # "match" or "review"
    description: str
    test: Callable[[pd.DataFrame, float], pd.Series]

    def holds(self, pairs: pd.DataFrame, surname_threshold: float) -> pd.Series:
        return self.test(pairs, surname_threshold).astype(bool)


def _surname_close(p: pd.DataFrame, threshold: float) -> pd.Series:
    return p["achternaam_component"] | (p["achternaam_sim"] >= threshold)


def _exact(p: pd.DataFrame, threshold: float) -> pd.Series:
    return p["achternaam_gelijk"] & p["voorletters_gelijk"] & (p["geboortedatum"] == "exact")


def _strict(p: pd.DataFrame, threshold: float) -> pd.Series:
    return (p["achternaam_component"] & p["voorletter"].isin(_INITIAL_OK)
            & (p["geboortedatum"] == "exact"))


def _fuzzy(p: pd.DataFrame, threshold: float) -> pd.Series:
    slip = p["geboortedatum"].map(within_one_slip).astype(bool)
    return _surname_close(p, threshold) & p["voorletter"].isin(_INITIAL_OK) & slip


def _review(p: pd.DataFrame, threshold: float) -> pd.Series:
    return (_surname_close(p, threshold) & (p["voorletter"] == "missing")
            & p["geboortedatum"].isin(("exact", "partial")))


RULES = MappingProxyType({
    "exact": Rule("exact", "match", "achternaam, alle voorletters en geboortedatum gelijk", _exact),
    "strict": Rule("strict", "match",
                   "achternaam (een component) + eerste voorletter + geboortedatum gelijk "
                   "(de regel van het referentieonderzoek)", _strict),
    "fuzzy": Rule("fuzzy", "match",
                  "achternaam gelijkend + eerste voorletter + geboortedatum met hooguit één "
                  "verschrijving (dag/maand omgewisseld, één cijfer, jaar ±10/±100, onvolledig)",
                  _fuzzy),
    "review": Rule("review", "review",
                   "achternaam + geboortedatum gelijk maar voorletter ontbreekt aan één kant: "
                   "een persoon beslist", _review),
})


def rule(name: str) -> Rule:
    """The rule called ``name``."""
    return RULES[name]
