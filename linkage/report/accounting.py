"""Building the funnel and the row reconciliation from what each step returned."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
from vhh.linkage.arrays import spread_onto
from vhh.linkage.report.labels import FUNNEL_STEPS
from vhh.linkage.report.model import FunnelStep, RowReconciliation

__all__ = ["build_funnel", "row_reconciliation"]


def _counts(values: pd.Series) -> dict[str, int]:
    return {str(k): int(v) for k, v in values.value_counts().sort_index().items()}


_REASON_ORDER = {
    "scope": ("kader", "periode"),
    "gevonden_bvh": ("geen_voorletter", "geen_kandidaat", "alleen_ter_beoordeling"),
    "startdatum": ("geen_startdatum",),
}


def build_funnel(read: int, quarantined: int, leaves: Mapping[str, pd.Series],
                 order: Sequence[str], analysed: int, found_hks: int, copies: int = 0
                 ) -> tuple[FunnelStep, ...]:
    """The funnel: quarantine, then each step of ``order`` in turn, then HKS.

    ``leaves`` maps a step to the gcos_ids that fail it (index) with their reason (value).
    A subject failing several steps leaves at the first of them in ``order``. ``copies`` of
    the ``quarantined`` rows were exact copies of a row that is used (not invalid input).
    """
    reasons = {"ongeldige_invoer": quarantined - copies, "exacte_kopie": copies}
    label = FUNNEL_STEPS["quarantaine"] + (" of als exacte kopie" if copies else "")
    steps = [FunnelStep.of("quarantaine", label, read, quarantined,
                           {k: n for k, n in reasons.items() if n})]
    gone: set[str] = set()
    remaining = read - quarantined
    for name in order:
        reasons = leaves[name][~leaves[name].index.isin(list(gone))]
        counts = {r: int((reasons == r).sum()) for r in _REASON_ORDER[name]}
        steps.append(FunnelStep.of(name, FUNNEL_STEPS[name], remaining, len(reasons), counts))
        remaining -= len(reasons)
        gone |= set(reasons.index)
    steps.append(FunnelStep.of("gevonden_hks", FUNNEL_STEPS["gevonden_hks"], analysed,
                               analysed - found_hks, {"niet_in_hks": analysed - found_hks},
                               verwijdert=False))
    return tuple(steps)


def row_reconciliation(source: str, read: int, quarantine: pd.DataFrame,
                       dispositions: pd.Series) -> RowReconciliation:
    """read = quarantined + every disposition of the valid rows, by name."""
    outcome: dict[str, int] = {"quarantaine": len(quarantine)}
    outcome.update(_counts(dispositions))
    reasons = _counts(quarantine["reden"]) if len(quarantine) else {}
    return RowReconciliation(source, read, outcome, reasons)


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
    reasons = spread_onto(filter_reasons, valid.index, "")
    filtered = considered & (reasons != "")
    out[filtered] = "gefilterd_" + reasons[filtered]
    outside = considered & ~filtered & ~spread_onto(in_window, valid.index, False)
    out[outside] = "buiten_vensters"
    return out
