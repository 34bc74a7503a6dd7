"""The strict pandera schema of the analysis file: nothing beyond the code book passes.

Strict (no extra column, so no identifier column can slip in), exact types, one row per
pseudonym, quarter counts within year counts, missing counts only where follow-up is
incomplete. Failures are summarised per column and check as counts, never values.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series
from vhh.linkage.contract import UNKNOWN_KADER

__all__ = ["ANALYSIS_COLUMNS", "COUNT_COLUMNS", "AnalysisFile", "analysis_schema",
           "summarise_failures"]

COUNT_COLUMNS = tuple(f"{src}_{w}" for src in ("bvh", "hks")
                      for w in ("kwartaal_voor", "jaar_voor", "kwartaal_na", "jaar_na"))
SUPPRESSED = "onderdrukt"


class AnalysisFile(pa.DataFrameModel):
    pseudoniem: Series[str] = pa.Field(unique=True, str_matches=r"^v1:[a-z2-7]{32}$")
    kader: Series[str]
    geslacht: Series[int] = pa.Field(isin=[0, 1, 9])
    leeftijd: Series[pd.Int64Dtype] = pa.Field(ge=0, le=120, nullable=True)
    leeftijdsklasse: Series[str]
    aantal_besproken: Series[int] = pa.Field(ge=0)
    leefgebieden: Series[int] = pa.Field(ge=0, le=11)
    leefgebieden_8plus: Series[int] = pa.Field(ge=0, le=8)
    plan_van_aanpak: Series[int] = pa.Field(isin=[0, 1, 2, 3])
    start_kwartaal: Series[str] = pa.Field(str_matches=r"^(\d{4}(-Q[1-4])?|onderdrukt)$")
    followup_volledig: Series[bool]
    gevonden_bvh: Series[bool]
    gevonden_hks: Series[bool]
    koppelregel_bvh: Series[str]
    koppelregel_hks: Series[str]
    bvh_kwartaal_voor: Series[pd.Int64Dtype] = pa.Field(ge=0)
    bvh_jaar_voor: Series[pd.Int64Dtype] = pa.Field(ge=0)
    bvh_kwartaal_na: Series[pd.Int64Dtype] = pa.Field(ge=0, nullable=True)
    bvh_jaar_na: Series[pd.Int64Dtype] = pa.Field(ge=0, nullable=True)
    hks_kwartaal_voor: Series[pd.Int64Dtype] = pa.Field(ge=0)
    hks_jaar_voor: Series[pd.Int64Dtype] = pa.Field(ge=0)
    hks_kwartaal_na: Series[pd.Int64Dtype] = pa.Field(ge=0, nullable=True)
    hks_jaar_na: Series[pd.Int64Dtype] = pa.Field(ge=0, nullable=True)

    @pa.dataframe_check(name="kwartaal_niet_groter_dan_jaar")
    def _quarter_within_year(cls, df: pd.DataFrame) -> pd.Series:
        ok = pd.Series(True, index=df.index)
        for src in ("bvh", "hks"):
            for side in ("voor", "na"):
                q, y = df[f"{src}_kwartaal_{side}"], df[f"{src}_jaar_{side}"]
                ok &= (q.isna() | y.isna() | (q <= y)).fillna(True).astype(bool)
        return ok

    @pa.dataframe_check(name="ontbrekend_alleen_bij_onvolledige_followup")
    def _missing_only_if_incomplete(cls, df: pd.DataFrame) -> pd.Series:
        after = [c for c in COUNT_COLUMNS if c.endswith("_na")]
        return ~df[after].isna().any(axis=1) | ~df["followup_volledig"]

    class Config:
        strict = True
        ordered = True


ANALYSIS_COLUMNS = tuple(AnalysisFile.to_schema().columns)


def analysis_schema(kaders: Sequence[str], rules: Sequence[str]) -> pa.DataFrameSchema:
    """The schema with the configured category lists filled in."""
    schema = AnalysisFile.to_schema()
    return schema.update_columns({
        "kader": {"checks": [pa.Check.isin([*kaders, UNKNOWN_KADER, SUPPRESSED])]},
        "koppelregel_bvh": {"checks": [pa.Check.isin(list(rules))]},
        "koppelregel_hks": {"checks": [pa.Check.isin(["", *rules])]},
    })


def summarise_failures(err: pa.errors.SchemaErrors) -> list[str]:
    """'column: check (N rows)' lines; the failing values are never shown."""
    cases = err.failure_cases
    grouped = cases.groupby(["column", "check"], dropna=False).size()
    return [f"{col if isinstance(col, str) else 'bestand'}: {check} ({n} rijen)"
            for (col, check), n in grouped.items()]
