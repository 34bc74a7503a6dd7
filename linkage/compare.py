"""Comparison vectors for candidate pairs: every value a decision rule may look at.

Columns added to the pairs frame (all of them go into ``koppelingen.csv`` so that a
decision can be retraced):

- ``achternaam_gelijk``: the full normalised core surnames are equal;
- ``achternaam_component``: some component of a double surname equals some component of
  the other side;
- ``achternaam_sim``: the best Jaro-Winkler similarity over components and cores;
- ``voorletters_gelijk``: all initials equal (both sides have some);
- ``voorletter``: ``equal`` | ``compatible`` (IJ ~ I/Y) | ``missing`` | ``different``;
- ``geboortedatum``: a level of :data:`linkage.birthdates.LEVELS`;
- ``geslacht_conflict``: both sexes known and different.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from jellyfish import jaro_winkler_similarity

from linkage.birthdates import compare_birthdates_series
from linkage.names import ParsedSurname, initials_compatible, surname_similarity

__all__ = ["COMPARISON_COLUMNS", "compare_pairs"]

COMPARISON_COLUMNS = (
    "achternaam_gelijk", "achternaam_component", "achternaam_sim", "voorletters_gelijk",
    "voorletter", "geboortedatum", "geslacht_conflict",
)


def _first_initial_level(a: str, b: str) -> str:
    if not a or not b:
        return "missing"
    if a == b:
        return "equal"
    return "compatible" if initials_compatible((a,), (b,)) else "different"


def _similarity(core_a: str, comps_a: tuple[str, ...], core_b: str,
                comps_b: tuple[str, ...]) -> float:
    """:func:`surname_similarity` with a fast path for the usual single-component names."""
    if len(comps_a) == 1 and len(comps_b) == 1 and core_a and core_b:
        low, high = sorted((core_a, core_b))
        return min(1.0, jaro_winkler_similarity(low, high))
    return surname_similarity(ParsedSurname("", core_a, comps_a, ""),
                              ParsedSurname("", core_b, comps_b, ""))


def compare_pairs(pairs: pd.DataFrame, subjects: pd.DataFrame, identities: pd.DataFrame
                  ) -> pd.DataFrame:
    """Add the comparison columns to ``pairs`` (columns ``s`` and ``i``)."""
    out = pairs.copy()
    if out.empty:
        for col in COMPARISON_COLUMNS:
            out[col] = pd.Series(dtype=object)
        return out
    left = subjects.loc[out["s"].to_numpy()].reset_index(drop=True)
    right = identities.loc[out["i"].to_numpy()].reset_index(drop=True)
    out = out.reset_index(drop=True)
    lcore, rcore = left["core"].to_numpy(), right["core"].to_numpy()
    lcomp, rcomp = left["components"].to_numpy(), right["components"].to_numpy()
    out["achternaam_gelijk"] = (lcore == rcore) & (lcore != "")
    out["achternaam_component"] = [bool(set(a) & set(b)) for a, b in zip(lcomp, rcomp,
                                                                         strict=True)]
    out["achternaam_sim"] = np.round([_similarity(ca, a, cb, b) for ca, a, cb, b in
                                      zip(lcore, lcomp, rcore, rcomp, strict=True)], 4)
    li, ri = left["initials"].to_numpy(), right["initials"].to_numpy()
    out["voorletters_gelijk"] = [bool(a) and a == b for a, b in zip(li, ri, strict=True)]
    out["voorletter"] = [_first_initial_level(a, b) for a, b in
                         zip(left["first"], right["first"], strict=True)]
    out["geboortedatum"] = compare_birthdates_series(left["birth"], right["birth"]).to_numpy()
    ls, rs = left["geslacht"].astype(int).to_numpy(), right["geslacht"].astype(int).to_numpy()
    out["geslacht_conflict"] = (ls != rs) & (ls != 9) & (rs != 9)
    return out
