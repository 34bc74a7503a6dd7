"""Which linked police rows count, and the named reason for every row that does not.

BVH: by the incident-code table's category (default: misdrijf and overtreding count;
verkeer, administratief and overig are filtered), unknown codes (config: drop or count,
listed either way), roles (default: every role, as the study), and duplicate
registrations (the same registratienummer twice for one person counts once).
HKS: every antecedent by default; config may restrict by afdoening.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from vhh.linkage.contract import CATEGORIES
from vhh.linkage.errors import InputError, Problem
from vhh.linkage.io.readers import detect_encoding
from vhh.linkage.settings import FilterSettings

__all__ = ["FilterOutcome", "filter_bvh", "filter_hks", "read_incident_codes"]

COUNTED = ""


@dataclass(frozen=True)
class FilterOutcome:
    """Per linked row (index kept): ``reden`` is "" when it counts, else why not."""

    reden: pd.Series
    unknown_codes: dict[str, int]
    per_role: dict[str, int]
    per_category: dict[str, int]


def read_incident_codes(path: Path) -> pd.Series:
    """code -> categorie from the steward's incident-code table (code;omschrijving;categorie)."""
    if not path.exists():
        raise InputError([Problem(str(path), "incident-code table not found",
                                  hint="set [filters] incident_codes in the config")])
    data = path.read_bytes()
    text = data.decode(detect_encoding(data, "auto", str(path))).lstrip("\ufeff")
    sep = ";" if text.split("\n", 1)[0].count(";") >= text.split("\n", 1)[0].count(",") else ","
    from io import StringIO

    table = pd.read_csv(StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    table.columns = [c.strip().lower() for c in table.columns]
    problems = [Problem(str(path), "required column is missing", row=1, column=c)
                for c in ("code", "categorie") if c not in table.columns]
    if problems:
        raise InputError(problems)
    table["code"] = table["code"].str.strip().str.upper()
    table["categorie"] = table["categorie"].str.strip().str.lower()
    bad = ~table["categorie"].isin(CATEGORIES)
    problems = [Problem(str(path), f"categorie must be one of {', '.join(CATEGORIES)}",
                        row=int(r) + 2, column="categorie") for r in table.index[bad]]
    dup = table["code"].duplicated(keep=False)
    problems += [Problem(str(path), "code appears more than once", row=int(r) + 2, column="code")
                 for r in table.index[dup]]
    if problems:
        raise InputError(problems)
    return pd.Series(table["categorie"].to_numpy(), index=table["code"].to_numpy())


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
