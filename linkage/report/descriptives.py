"""The descriptive table of the report, after the reference study's table 5.1.

N, mean, SD, min and max per numeric variable, and frequencies of the categorical ones,
under the small-cell rule: a statistic over fewer than ``small_cell`` subjects is not
shown, nor is a frequency below it.
"""

from __future__ import annotations

import pandas as pd
from vhh.linkage.privacy.disclosure import small_cell_table
from vhh.linkage.report.model import Descriptives, Frequency, NumericSummary

__all__ = ["CATEGORICAL", "NUMERIC", "descriptives"]

NUMERIC = ("leeftijd", "aantal_besproken", "leefgebieden", "leefgebieden_8plus",
           "plan_van_aanpak", "bvh_kwartaal_voor", "bvh_jaar_voor", "bvh_kwartaal_na",
           "bvh_jaar_na", "hks_kwartaal_voor", "hks_jaar_voor", "hks_kwartaal_na", "hks_jaar_na")
CATEGORICAL = ("kader", "geslacht", "plan_van_aanpak", "gevonden_hks", "followup_volledig")


def _numeric(values: pd.Series, name: str, small_cell: int) -> NumericSummary:
    values = pd.to_numeric(values, errors="coerce").dropna()
    n = int(len(values))
    if n < small_cell:
        return NumericSummary(name, n, None, None, None, None, onderdrukt=True)
    sd = round(float(values.std(ddof=1)), 2) if n > 1 else None
    return NumericSummary(name, n, round(float(values.mean()), 2), sd,
                          float(values.min()), float(values.max()))


def descriptives(frame: pd.DataFrame, small_cell: int) -> Descriptives:
    """N, mean, SD, min, max per numeric variable; frequencies of categorical ones."""
    numeric = tuple(_numeric(frame[col], col, small_cell) for col in NUMERIC)
    freq = {col: tuple(Frequency(str(r.waarde), str(r.aantal)) for r in
                       small_cell_table(frame, col, small_cell).itertuples(index=False))
            for col in CATEGORICAL}
    return Descriptives(numeric, freq, small_cell)
