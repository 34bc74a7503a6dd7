"""Building the funnel and the row reconciliation from what each step returned."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from linkage.funnel import FunnelStep

__all__ = ["build_funnel", "row_reconciliation"]


def _counts(values: pd.Series) -> dict[str, int]:
    return {str(k): int(v) for k, v in values.value_counts().sort_index().items()}


def build_funnel(read: int, quarantined: int, out_of_scope: pd.Series, bvh_status: pd.DataFrame,
                 no_start: int, analysed_found_hks: int, analysed: int) -> list[FunnelStep]:
    """The study's funnel in its default order."""
    in_scope = read - quarantined - len(out_of_scope)
    lost_bvh = bvh_status.loc[~bvh_status["gevonden"], "reden"]
    reasons_bvh = {r: int((lost_bvh == r).sum())
                   for r in ("geen_voorletter", "geen_kandidaat", "alleen_ter_beoordeling")}
    found = in_scope - len(lost_bvh)
    return [
        FunnelStep("quarantaine", "GCOS-subjecten gelezen; apart gezet wegens ongeldige invoer",
                   read, quarantined, {"ongeldige_invoer": quarantined} if quarantined else {}),
        FunnelStep("scope", "Buiten de scope van het onderzoek", read - quarantined,
                   len(out_of_scope), {r: int((out_of_scope == r).sum())
                                       for r in ("kader", "periode")}),
        FunnelStep("gevonden_bvh", "Niet gevonden in BVH", in_scope, len(lost_bvh), reasons_bvh),
        FunnelStep("startdatum", "Te weinig GCOS-gegevens (geen startdatum)", found, no_start,
                   {"geen_startdatum": no_start}),
        FunnelStep("gevonden_hks", "Niet gevonden in HKS (blijven in het analysebestand)",
                   analysed, analysed - analysed_found_hks,
                   {"niet_in_hks": analysed - analysed_found_hks}, verwijdert=False),
    ]


def row_reconciliation(source: str, read: int, quarantine: pd.DataFrame,
                       dispositions: pd.Series) -> dict[str, object]:
    """read = quarantined + every disposition of the valid rows, by name."""
    outcome: dict[str, int] = {"quarantaine": len(quarantine)}
    outcome.update(_counts(dispositions))
    return {"bron": source, "gelezen": read, "uitkomst": outcome,
            "quarantaine_redenen": _counts(quarantine["reden"]) if len(quarantine) else {}}


def dispositions(valid: pd.DataFrame, row_subject: pd.Series, in_review: pd.Series,
                 analysed: set[str], filter_reasons: pd.Series, in_window: pd.Series
                 ) -> pd.Series:
    """One named outcome per valid police row."""
    out = pd.Series("geteld", index=valid.index, dtype=object)
    linked = row_subject != ""
    out[~linked & in_review] = "ter_beoordeling"
    out[~linked & ~in_review] = "niet_gekoppeld"
    not_analysed = linked & ~row_subject.isin(analysed)
    out[not_analysed] = "subject_niet_geanalyseerd"
    considered = linked & ~not_analysed
    reasons = filter_reasons.reindex(valid.index, fill_value="")
    filtered = considered & (reasons != "")
    out[filtered] = "gefilterd_" + reasons[filtered]
    outside = considered & ~filtered & ~in_window.reindex(valid.index, fill_value=False)
    out[outside] = "buiten_vensters"
    return out


def reasons_by_subject(status: pd.DataFrame) -> Mapping[str, str]:
    return dict(zip(status["gcos_id"], status["reden"], strict=True))
