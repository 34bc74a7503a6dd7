"""The reference study's variable choices for chapter 7.1, defined once.

Four before/after measures (BVH incidents and HKS convictions, quarter and year), the eight
variables of table 7.1 in the study's order, and the model of table 7.2 (HKS convictions in
the year after on convictions in the year before, age, times discussed, plan van aanpak and
leefgebieden with 8-11 merged). BVH analyses use every analysed subject; HKS analyses only
the subjects found in HKS (the others have counts that do not apply). Names are the analysis
file's column names; the Dutch labels are for the tables an analyst reads.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

__all__ = ["CORRELATION_VARIABLES", "DEPENDENT", "FOCAL", "INTERCEPT", "LABELS", "MEASURES",
           "MODERATORS", "PREDICTORS", "REQUIRED_COLUMNS", "Measure", "measure",
           "population", "population_label"]


@dataclass(frozen=True)
class Measure:
    """One before/after pair: ``maat`` is the name the JSON uses (``bvh_kwartaal``...)."""

    maat: str
    source: str   # bvh or hks
    window: str   # kwartaal or jaar

    @property
    def before(self) -> str:
        return f"{self.source}_{self.window}_voor"

    @property
    def after(self) -> str:
        return f"{self.source}_{self.window}_na"

    @property
    def year_before(self) -> str:
        """The count that selects subjects with a high year before (regression to the mean)."""
        return f"{self.source}_jaar_voor"

    @property
    def label(self) -> str:
        what = "BVH-incidenten" if self.source == "bvh" else "HKS-veroordelingen"
        return f"{what}, {self.window}"


MEASURES: tuple[Measure, ...] = tuple(Measure(f"{s}_{w}", s, w) for s in ("bvh", "hks")
                                      for w in ("kwartaal", "jaar"))
CORRELATION_VARIABLES = ("hks_kwartaal_na", "hks_jaar_na", "hks_kwartaal_voor", "hks_jaar_voor",
                         "leeftijd", "aantal_besproken", "plan_van_aanpak",
                         "leefgebieden_8plus")
DEPENDENT = "hks_jaar_na"
FOCAL = "hks_jaar_voor"
PREDICTORS = (FOCAL, "leeftijd", "aantal_besproken", "plan_van_aanpak", "leefgebieden_8plus")
# the study examined whether the effect depends on these (interaction with FOCAL)
MODERATORS = PREDICTORS[1:]
INTERCEPT = "(Intercept)"
REQUIRED_COLUMNS = (*(c for m in MEASURES for c in (m.before, m.after)), "gevonden_hks",
                    *PREDICTORS[1:])

LABELS = {
    "hks_kwartaal_na": "Veroordelingen kwartaal na",
    "hks_jaar_na": "Veroordelingen jaar na",
    "hks_kwartaal_voor": "Veroordelingen kwartaal voor",
    "hks_jaar_voor": "Veroordelingen jaar voor",
    "bvh_kwartaal_na": "Incidenten kwartaal na",
    "bvh_jaar_na": "Incidenten jaar na",
    "bvh_kwartaal_voor": "Incidenten kwartaal voor",
    "bvh_jaar_voor": "Incidenten jaar voor",
    "leeftijd": "Leeftijd bij start",
    "aantal_besproken": "Aantal keer besproken",
    "plan_van_aanpak": "Plan van aanpak",
    "leefgebieden_8plus": "Leefgebieden (8-11 samengevoegd)",
    INTERCEPT: "Constante",
}


def measure(maat: str) -> Measure:
    """The measure called ``maat``; ValueError for an unknown name."""
    for m in MEASURES:
        if m.maat == maat:
            return m
    raise ValueError(f"unknown measure {maat!r}")


def population(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    """The subjects an analysis of ``source`` covers: all (bvh) or those found in HKS (hks)."""
    if source == "hks":
        return frame[frame["gevonden_hks"].astype(bool)]
    return frame


def population_label(source: str) -> str:
    return "gevonden in HKS" if source == "hks" else "alle geanalyseerde subjecten"
