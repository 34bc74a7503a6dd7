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
from vhh.linkage.link.birthdates import ONE_SLIP_LEVELS

__all__ = ["REVIEW_SURNAME_SIMILARITY", "RULES", "Rule", "rule"]

_INITIAL_OK = ("equal", "compatible")
REVIEW_SURNAME_SIMILARITY = 0.80
"""Surname similarity enough to put a pair before a person (the review tier): one typing
slip in a surname of six letters or more almost always keeps Jaro-Winkler at 0.80 or more,
while the match tiers use the stricter configured threshold."""


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


def _one_slip(p: pd.DataFrame) -> pd.Series:
    return p["geboortedatum"].isin(ONE_SLIP_LEVELS)


def _slipped(p: pd.DataFrame, threshold: float) -> pd.Series:
    return _surname_close(p, threshold) & p["voorletter"].isin(_INITIAL_OK) & _one_slip(p)


def _per_subject(p: pd.DataFrame, mask: pd.Series) -> pd.Series:
    """Per pair: whether ``mask`` holds for some pair of the same subject."""
    return mask.groupby(p["s"]).transform("any").astype(bool)


def _initial_only_missing(p: pd.DataFrame, threshold: float) -> pd.Series:
    """The police identity lacks initials but is otherwise exact, the subject is found in
    this source with its initial, and no namesake with another initial shares the birthdate.

    A pair with a known initial on the subject's side proves that the subject has one, so a
    missing initial here is missing on the police side.
    """
    exact = (p["voorletter"] == "missing") & p["achternaam_component"] & (
        p["geboortedatum"] == "exact") & ~p["geslacht_conflict"]
    found = _per_subject(p, _slipped(p, threshold))
    namesake = _per_subject(p, (p["voorletter"] == "different") & _surname_close(p, threshold)
                            & (p["geboortedatum"] == "exact"))
    return exact & found & ~namesake


def _fuzzy(p: pd.DataFrame, threshold: float) -> pd.Series:
    return _slipped(p, threshold)


def _review(p: pd.DataFrame, threshold: float) -> pd.Series:
    surname = _surname_close(p, min(threshold, REVIEW_SURNAME_SIMILARITY))
    return surname & (p["voorletter"] == "missing") & _one_slip(p)


RULES = MappingProxyType({
    "exact": Rule("exact", "match", "achternaam, alle voorletters en geboortedatum gelijk", _exact),
    "strict": Rule("strict", "match",
                   "achternaam (een component) + eerste voorletter + geboortedatum gelijk "
                   "(de regel van het referentieonderzoek)", _strict),
    "fuzzy": Rule("fuzzy", "match",
                  "achternaam gelijkend + eerste voorletter + geboortedatum met hooguit één "
                  "verschrijving (dag/maand omgewisseld, één cijfer, jaar ±10/±100, onvolledig)",
                  _fuzzy),
    "police_no_initial": Rule(
        "police_no_initial", "match",
        "voorletters ontbreken alleen in de politieregistratie; achternaam en geboortedatum "
        "gelijk, het subject is in deze bron al met voorletter gevonden en geen naamgenoot met "
        "een andere voorletter heeft dezelfde geboortedatum", _initial_only_missing),
    "review": Rule("review", "review",
                   "achternaam gelijkend (overeenkomst ≥ 0,80) + geboortedatum met hooguit één "
                   "verschrijving maar voorletter ontbreekt aan één kant: een persoon beslist",
                   _review),
})


def rule(name: str) -> Rule:
    """The rule called ``name``."""
    return RULES[name]
