"""Scope: which GCOS subjects belong to the study, and each one's startdatum.

Out of scope, with a reason: ``kader`` (discussed under a kader the study does not cover)
and ``periode`` (discussed, but never within the study period). A subject without any
recorded discussion stays in scope here and leaves later as "te weinig GCOS-gegevens".
"""

from __future__ import annotations

import pandas as pd
from vhh.linkage.normalise.names import normalise_text
from vhh.linkage.settings import ScopeSettings, WindowSettings

__all__ = ["OUT_OF_SCOPE_REASONS", "apply_scope", "start_dates", "times_discussed"]

OUT_OF_SCOPE_REASONS = ("kader", "periode")


def _in_period(dates: pd.Series, scope: ScopeSettings) -> pd.Series:
    return (dates >= pd.Timestamp(scope.period_start)) & (dates <= pd.Timestamp(scope.period_end))


def apply_scope(subjects: pd.DataFrame, besprekingen: pd.DataFrame, scope: ScopeSettings
                ) -> tuple[pd.DataFrame, pd.Series]:
    """Subjects in scope, and per out-of-scope gcos_id its reason."""
    kaders = {normalise_text(k) for k in scope.kaders}
    wrong_kader = ~subjects["kader"].map(normalise_text).isin(kaders)
    discussed = set(besprekingen["gcos_id"])
    in_period = set(besprekingen.loc[_in_period(besprekingen["bespreekdatum"], scope), "gcos_id"])
    ids = subjects["gcos_id"]
    wrong_period = ids.isin(discussed) & ~ids.isin(in_period) & ~wrong_kader
    reason = pd.Series("", index=subjects.index, dtype=object)
    reason[wrong_kader] = "kader"
    reason[wrong_period] = "periode"
    out = reason != ""
    return subjects.loc[~out].copy(), pd.Series(reason[out].to_numpy(), index=ids[out].to_numpy())


def _counted(besprekingen: pd.DataFrame, scope: ScopeSettings, windows: WindowSettings
             ) -> pd.core.groupby.SeriesGroupBy:
    """The discussion dates that count, per gcos_id: in the study period, or all of them."""
    dates = besprekingen
    if windows.start == "first_in_period":
        dates = besprekingen[_in_period(besprekingen["bespreekdatum"], scope)]
    return dates.groupby("gcos_id")["bespreekdatum"]


def start_dates(besprekingen: pd.DataFrame, scope: ScopeSettings, windows: WindowSettings
                ) -> pd.Series:
    """gcos_id -> startdatum: the first bespreekdatum in the study period (or ever)."""
    return _counted(besprekingen, scope, windows).min()


def times_discussed(besprekingen: pd.DataFrame, scope: ScopeSettings, windows: WindowSettings
                    ) -> pd.Series:
    """gcos_id -> number of distinct discussion dates counted (in the period, or ever)."""
    return _counted(besprekingen, scope, windows).nunique()
