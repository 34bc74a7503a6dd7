"""Which linked police rows count, and the named reason for every row that does not.

BVH: by the incident-code table's category (default: misdrijf and overtreding count;
verkeer, administratief and overig are filtered), unknown codes (config: drop or count,
listed either way), roles (default: every role, as the study), and duplicate
registrations (the same registratienummer twice for one person counts once).
HKS: every antecedent by default; config may restrict by afdoening.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from vhh.linkage.settings import FilterSettings

__all__ = ["FilterOutcome", "filter_bvh", "filter_hks"]

COUNTED = ""


@dataclass(frozen=True)
class FilterOutcome:
    """Per linked row (index kept): ``reden`` is "" when it counts, else why not."""

    reden: pd.Series
    unknown_codes: dict[str, int]
    per_role: dict[str, int]
    per_category: dict[str, int]

    def __repr__(self) -> str:  # counts only, like every carrier of row-level data
        counted = int((self.reden == "").sum())
        return f"FilterOutcome({len(self.reden)} linked rows, {counted} counted)"


def _counts(values: pd.Series) -> dict[str, int]:
    return {str(k): int(v) for k, v in values.value_counts().sort_index().items()}


def filter_bvh(rows: pd.DataFrame, codes: pd.Series, settings: FilterSettings) -> FilterOutcome:
    """Reasons for linked BVH rows (columns gcos_id, mk_code, rol, registratienummer)."""
    category = rows["mk_code"].map(codes)
    unknown = category.isna()
    reden = pd.Series(COUNTED, index=rows.index, dtype=object)
    if settings.unknown_codes == "drop":
        reden[unknown] = "onbekende_code"
    known_out = ~unknown & ~category.isin(settings.count_categories)
    reden[known_out] = "categorie_" + category[known_out].astype(str)
    if settings.roles:
        wrong_role = (reden == COUNTED) & ~rows["rol"].isin(settings.roles)
        reden[wrong_role] = "rol_niet_geteld"
    if settings.deduplicate_registrations:
        counted = reden == COUNTED
        dup = rows[counted].duplicated(["gcos_id", "registratienummer"], keep="first")
        reden[dup[dup].index] = "dubbele_registratie"
    return FilterOutcome(
        reden=reden,
        unknown_codes=_counts(rows.loc[unknown, "mk_code"]),
        per_role=_counts(rows["rol"]),
        per_category=_counts(category.fillna("onbekend")),
    )


def filter_hks(rows: pd.DataFrame, settings: FilterSettings) -> FilterOutcome:
    """Reasons for linked HKS rows (column afdoening)."""
    reden = pd.Series(COUNTED, index=rows.index, dtype=object)
    if settings.hks_afdoeningen:
        reden[~rows["afdoening"].isin(settings.hks_afdoeningen)] = "afdoening_niet_geteld"
    return FilterOutcome(reden=reden, unknown_codes={}, per_role={},
                         per_category=_counts(rows["afdoening"]))
