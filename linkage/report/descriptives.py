"""The descriptive table of the report, after the reference study's table 5.1.

N, mean, SD, min and max per numeric variable, and frequencies of the categorical ones,
computed on the analysis file *as exported* (after disclosure control) and under the same
rules: a statistic over fewer than ``small_cell`` subjects is not shown, nor is a
frequency below it. A minimum or maximum is a value of one subject: it is shown only when
at least ``small_cell`` subjects hold it and the variable was not changed by a protection
measure (recoded, suppressed, top-coded), so the report never prints the extreme that
the file itself hides (an age of a suppressed age, a count above the top code).
"""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd
from vhh.linkage.privacy.disclosure import small_cell_table
from vhh.linkage.report.model import Descriptives, Frequency, NumericSummary

__all__ = ["CATEGORICAL", "NUMERIC", "descriptives"]

NUMERIC = ("leeftijd", "aantal_besproken", "leefgebieden", "leefgebieden_8plus",
           "plan_van_aanpak", "bvh_kwartaal_voor", "bvh_jaar_voor", "bvh_kwartaal_na",
           "bvh_jaar_na", "hks_kwartaal_voor", "hks_jaar_voor", "hks_kwartaal_na", "hks_jaar_na")
CATEGORICAL = ("kader", "geslacht", "leeftijdsklasse", "plan_van_aanpak", "gevonden_hks",
               "followup_volledig")


def _extreme(values: pd.Series, at: float, small_cell: int, protected: bool) -> float | None:
    if protected or int((values == at).sum()) < small_cell:
        return None
    return float(at)


def _numeric(values: pd.Series, name: str, small_cell: int, protected: bool) -> NumericSummary:
    values = pd.to_numeric(values, errors="coerce").dropna()
    n = int(len(values))
    if n < small_cell:
        return NumericSummary(name, n, None, None, None, None, onderdrukt=True)
    sd = round(float(values.std(ddof=1)), 2) if n > 1 else None
    return NumericSummary(name, n, round(float(values.mean()), 2), sd,
                          _extreme(values, values.min(), small_cell, protected),
                          _extreme(values, values.max(), small_cell, protected))


def descriptives(frame: pd.DataFrame, small_cell: int, protected: Collection[str] = ()
                 ) -> Descriptives:
    """N, mean, SD, min, max per numeric variable; frequencies of categorical ones.

    ``frame`` is the protected analysis file; ``protected`` names the variables a
    protection measure changed (their minimum and maximum are never shown).
    """
    numeric = tuple(_numeric(frame[col], col, small_cell, col in protected)
                    for col in NUMERIC if col in frame)
    freq = {col: tuple(Frequency(str(r.waarde), str(r.aantal)) for r in
                       small_cell_table(frame, col, small_cell).itertuples(index=False))
            for col in CATEGORICAL if col in frame}
    return Descriptives(numeric, freq, small_cell)
