"""Decisions from comparisons: ordered tiers, one subject per police identity, no guesses.

For each candidate pair the first configured tier that holds gives its ``regel`` and
``besluit``. Then, per police identity, only the best tier survives; when more than one
subject is best (twins, namesakes with the same birthdate) the identity goes to review for
every one of them with rule ``ambigu_<tier>``, never to the first one found.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from vhh.linkage.link.rules import rule

__all__ = ["decide_pairs", "resolve_per_identity"]

NO_RULE = "geen"


def decide_pairs(pairs: pd.DataFrame, tiers: tuple[str, ...], surname_threshold: float
                 ) -> pd.DataFrame:
    """Add ``regel``, ``besluit``, ``rang`` (tier position) and ``score`` to every pair."""
    out = pairs.copy()
    regel = pd.Series(NO_RULE, index=out.index, dtype=object)
    besluit = pd.Series("geen", index=out.index, dtype=object)
    rang = pd.Series(len(tiers), index=out.index, dtype=int)
    for position, name in enumerate(tiers):
        r = rule(name)
        free = regel == NO_RULE
        hit = free & r.holds(out, surname_threshold) if len(out) else free
        regel[hit] = name
        besluit[hit] = r.besluit
        rang[hit] = position
    out["regel"], out["besluit"], out["rang"] = regel, besluit, rang
    out["score"] = _score(out)
    return out


def _score(p: pd.DataFrame) -> pd.Series:
    """A readable 0-1 agreement score (shown, not used to break ties)."""
    if p.empty:
        return pd.Series(dtype=float)
    bd = p["geboortedatum"].map({"exact": 1.0, "partial": 0.8, "swap": 0.7, "one_digit": 0.7,
                                 "year_decade": 0.6, "year_century": 0.6}).fillna(0.0)
    ini = p["voorletter"].map({"equal": 1.0, "compatible": 0.9, "missing": 0.5}).fillna(0.0)
    return ((p["achternaam_sim"].astype(float) + bd + ini) / 3).round(4)


def resolve_per_identity(decided: pd.DataFrame) -> pd.DataFrame:
    """Keep, per identity, the pairs at its best tier; ties between subjects go to review."""
    kept = decided[decided["regel"] != NO_RULE]
    if kept.empty:
        return kept.assign(ambigu=pd.Series(dtype=bool))
    best = kept.groupby("i")["rang"].transform("min")
    kept = kept[kept["rang"] == best].copy()
    n_subjects = kept.groupby("i")["s"].transform("nunique")
    ambiguous = (n_subjects > 1).to_numpy()
    kept["ambigu"] = ambiguous
    kept.loc[ambiguous, "regel"] = "ambigu_" + kept.loc[ambiguous, "regel"].astype(str)
    kept.loc[ambiguous, "besluit"] = "review"
    kept["besluit"] = np.where(kept["besluit"] == "match", "match", "review")
    return kept
