"""Statistical disclosure control before export: k-anonymity on the quasi-identifiers.

Measures as in sdcMicro/ARX: an equivalence class is the set of records sharing all
quasi-identifier values; k is the size of the smallest class; a record is at risk when
its class is smaller than the configured k. With ``action = "generalise"`` the file is
protected in a fixed, reported order:

1. global recoding: ``leeftijd`` to bands (``leeftijdsklasse``; the exact age is removed);
2. global recoding: ``start_kwartaal`` to the year, if still needed;
3. local suppression: for records still at risk, quasi-identifier values are set to missing
   one at a time (start, age, kader, geslacht) until their class reaches k;
4. top-coding of the event counts at ``top_code`` (a value of 20 means "20 or more").

Suppressed values count as their own category (conservative: they never merge into
another class). Every change is reported with its count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from vhh.linkage.settings import PrivacySettings

__all__ = ["KAnonymity", "age_band", "k_anonymity", "protect", "small_cell_table"]

SUPPRESSED = "onderdrukt"
_QI_COLUMN = {"leeftijd": "leeftijd", "geslacht": "geslacht", "kader": "kader",
              "start_kwartaal": "start_kwartaal"}
_SUPPRESSION_ORDER = ("start_kwartaal", "leeftijd", "kader", "geslacht")


@dataclass(frozen=True)
class KAnonymity:
    k: int                 # size of the smallest equivalence class (0 for an empty file)
    classes: int
    records_at_risk: int   # records in classes smaller than the target k
    classes_at_risk: int

    def as_dict(self) -> dict[str, int]:
        return {"k": self.k, "klassen": self.classes, "records_onder_k": self.records_at_risk,
                "klassen_onder_k": self.classes_at_risk}


def _keys(frame: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    return frame.loc[:, list(columns)].astype(str).agg("|".join, axis=1)


def k_anonymity(frame: pd.DataFrame, columns: Sequence[str], target: int) -> KAnonymity:
    """k, number of classes and records/classes below ``target`` for these columns."""
    if frame.empty:
        return KAnonymity(0, 0, 0, 0)
    sizes = _keys(frame, columns).value_counts()
    small = sizes[sizes < target]
    return KAnonymity(int(sizes.min()), int(len(sizes)), int(small.sum()), int(len(small)))


def age_band(ages: pd.Series, edges: Sequence[int]) -> pd.Series:
    """'<18', '18-24', ..., '65+' style bands for the given lower edges."""
    labels = [f"<{edges[0]}"] + [f"{a}-{b - 1}" for a, b in zip(edges, edges[1:], strict=False)]
    labels.append(f"{edges[-1]}+")
    bins = [-np.inf, *edges, np.inf]
    banded = pd.cut(ages.astype(float), bins=bins, labels=labels, right=False)
    return banded.astype(object).where(ages.notna(), SUPPRESSED)


def _columns(qis: Sequence[str], banded: bool) -> list[str]:
    return [("leeftijdsklasse" if (q == "leeftijd" and banded) else _QI_COLUMN[q]) for q in qis]


def protect(frame: pd.DataFrame, privacy: PrivacySettings, count_columns: Sequence[str]
            ) -> tuple[pd.DataFrame, list[dict[str, object]], KAnonymity, KAnonymity]:
    """Apply the configured protection; returns (frame, changes, k before, k after)."""
    out = frame.copy()
    out["leeftijdsklasse"] = age_band(out["leeftijd"], privacy.age_bands)
    qis = privacy.quasi_identifiers
    before = k_anonymity(out, _columns(qis, banded=False), privacy.k)
    changes: list[dict[str, object]] = []
    if privacy.action == "report":
        return out, changes, before, before
    if before.records_at_risk == 0:  # nothing to recode, but extreme counts are still capped
        return _top_code(out, count_columns, privacy.top_code, changes), changes, before, before
    banded = "leeftijd" in qis
    if banded:
        changes.append({"maatregel": "globale hercodering", "variabele": "leeftijd",
                        "wijziging": "leeftijd vervangen door leeftijdsklasse",
                        "records": int(out["leeftijd"].notna().sum())})
        out["leeftijd"] = pd.array([pd.NA] * len(out), dtype="Int64")
    cols = _columns(qis, banded)
    if "start_kwartaal" in qis and k_anonymity(out, cols, privacy.k).records_at_risk:
        changes.append({"maatregel": "globale hercodering", "variabele": "start_kwartaal",
                        "wijziging": "kwartaal vervangen door jaar", "records": len(out)})
        out["start_kwartaal"] = out["start_kwartaal"].astype(str).str.slice(0, 4)
    out = _suppress(out, qis, cols, privacy.k, changes)
    out = _top_code(out, count_columns, privacy.top_code, changes)
    return out, changes, before, k_anonymity(out, cols, privacy.k)


def _suppress(out: pd.DataFrame, qis: Sequence[str], cols: list[str], k: int,
              changes: list[dict[str, object]]) -> pd.DataFrame:
    for qi in _SUPPRESSION_ORDER:
        if qi not in qis:
            continue
        keys = _keys(out, cols)
        sizes = keys.map(keys.value_counts())
        risky = sizes < k
        if not risky.any():
            break
        col = cols[list(qis).index(qi)]
        if col == "geslacht":
            out.loc[risky, col] = 9  # 9 = onbekend: the code book's own missing value
        else:
            out[col] = out[col].astype(object)
            out.loc[risky, col] = SUPPRESSED
        changes.append({"maatregel": "lokale onderdrukking", "variabele": qi,
                        "wijziging": f"waarde onderdrukt bij records in klassen kleiner dan {k}",
                        "records": int(risky.sum())})
    return out


def _top_code(out: pd.DataFrame, count_columns: Sequence[str], top: int,
              changes: list[dict[str, object]]) -> pd.DataFrame:
    for col in count_columns:
        over = out[col].notna() & (out[col] > top)
        if over.any():
            out.loc[over, col] = top
            changes.append({"maatregel": "topcodering", "variabele": col,
                            "wijziging": f"waarden boven {top} op {top} gezet "
                                         f"({top} = {top} of meer)",
                            "records": int(over.sum())})
    return out


def small_cell_table(frame: pd.DataFrame, column: str, threshold: int) -> pd.DataFrame:
    """A frequency table with counts below ``threshold`` suppressed (shown as '<threshold')."""
    counts = frame[column].astype(str).value_counts().sort_index()
    shown = [str(int(n)) if n >= threshold else f"<{threshold}" for n in counts]
    return pd.DataFrame({"waarde": counts.index, "aantal": shown})
