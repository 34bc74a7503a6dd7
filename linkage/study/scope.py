"""Scope: which GCOS subjects belong to the study, and each one's startdatum.

Out of scope, with a reason: ``kader`` (discussed under a kader the study does not cover)
and ``periode`` (discussed, but never within the study period). As in the reference
study, a subject whose kader is empty is not out of scope (an unknown kader is not another
kader), and a subject without any recorded discussion stays in scope here: it is searched
in the police extracts and leaves after the BVH step as "te weinig GCOS-gegevens".

Kaders are matched forgiving of case, accents and spacing; a subject in scope carries the
kader as configured (or :data:`UNKNOWN_KADER`), so that the analysis file holds one
spelling per kader.
"""

from __future__ import annotations

import pandas as pd
from vhh.linkage.contract import UNKNOWN_KADER, match_key
from vhh.linkage.settings import ScopeSettings, WindowSettings

__all__ = ["OUT_OF_SCOPE_REASONS", "UNKNOWN_KADER", "apply_scope", "discussed_before_period",
           "start_dates", "times_discussed"]

OUT_OF_SCOPE_REASONS = ("kader", "periode")


def _in_period(dates: pd.Series, scope: ScopeSettings) -> pd.Series:
    return (dates >= pd.Timestamp(scope.period_start)) & (dates <= pd.Timestamp(scope.period_end))


def _kaders(values: pd.Series, scope: ScopeSettings) -> pd.Series:
    """Each subject's kader as configured, UNKNOWN_KADER when empty, "" when another."""
    configured = {match_key(k): k for k in scope.kaders}
    keys = values.astype(str).map(match_key)
    canonical = keys.map(configured).fillna("")
    return canonical.where(keys != "", UNKNOWN_KADER)


def apply_scope(subjects: pd.DataFrame, besprekingen: pd.DataFrame, scope: ScopeSettings
                ) -> tuple[pd.DataFrame, pd.Series]:
    """Subjects in scope (kader as configured), and per out-of-scope gcos_id its reason."""
    kader = _kaders(subjects["kader"], scope)
    wrong_kader = kader == ""
    discussed = set(besprekingen["gcos_id"])
    in_period = set(besprekingen.loc[_in_period(besprekingen["bespreekdatum"], scope), "gcos_id"])
    ids = subjects["gcos_id"]
    wrong_period = ids.isin(discussed) & ~ids.isin(in_period) & ~wrong_kader
    reason = pd.Series("", index=subjects.index, dtype=object)
    reason[wrong_kader] = "kader"
    reason[wrong_period] = "periode"
    out = reason != ""
    kept = subjects.loc[~out].assign(kader=kader[~out])
    return kept, pd.Series(reason[out].to_numpy(), index=ids[out].to_numpy())


def _counted(besprekingen: pd.DataFrame, scope: ScopeSettings, windows: WindowSettings
             ) -> pd.core.groupby.SeriesGroupBy:
    """The discussion dates a startdatum is taken from: in the study period, or all."""
    dates = besprekingen
    if windows.start == "first_in_period":
        dates = besprekingen[_in_period(besprekingen["bespreekdatum"], scope)]
    return dates.groupby("gcos_id")["bespreekdatum"]


def start_dates(besprekingen: pd.DataFrame, scope: ScopeSettings, windows: WindowSettings
                ) -> pd.Series:
    """gcos_id -> startdatum: the first bespreekdatum in the study period (or ever)."""
    return _counted(besprekingen, scope, windows).min()


def times_discussed(besprekingen: pd.DataFrame) -> pd.Series:
    """gcos_id -> how many discussions GCOS records: every row counts, whatever its date."""
    return besprekingen.groupby("gcos_id").size()


def discussed_before_period(besprekingen: pd.DataFrame, scope: ScopeSettings) -> set[str]:
    """The subjects with a discussion before the study period began."""
    before = besprekingen["bespreekdatum"] < pd.Timestamp(scope.period_start)
    return set(besprekingen.loc[before, "gcos_id"])
