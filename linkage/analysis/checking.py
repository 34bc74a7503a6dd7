"""Output checking for the inside route: only results without personal data leave.

The route of Wpg art. 22: the analysis runs on the full-resolution frame inside the secure
environment, and only checked results are written out. The rules, applied to the typed
results:

1. no table cell or statistic over fewer than ``small_cell`` subjects: a t-test, Wilcoxon
   test or model on fewer subjects is withheld whole; a correlation whose pair has fewer is
   withheld with its N; the regression-to-the-mean split is withheld when either group is
   small; the distributions are built in classes of at least ``small_cell`` already, and the
   per-value counts they replace are listed as withheld;
2. no minimum or maximum: no result type holds one, and the last distribution class is open;
3. every statistic is rounded to ``result_decimals`` decimals;
4. everything withheld is listed with its reason (counts and thresholds only).
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass, replace
from typing import Any, Protocol, TypeVar, cast

from vhh.linkage.analysis.beyond import MeanReversion
from vhh.linkage.analysis.correlations import CorrelationMatrix
from vhh.linkage.analysis.omission import Omission
from vhh.linkage.analysis.regression import NegBinModel
from vhh.linkage.analysis.results import AnalysisResults, OutputCheck

__all__ = ["RULES", "check_output", "rounded"]

T = TypeVar("T")


class Counted(Protocol):
    """A result over ``n`` subjects for one measure (t-test, Wilcoxon test)."""

    @property
    def maat(self) -> str: ...

    @property
    def n(self) -> int: ...


C = TypeVar("C", bound=Counted)

RULES = (
    "geen tabelcel of statistiek over minder dan {k} subjecten",
    "geen minimum of maximum",
    "statistieken afgerond op {d} decimalen",
    "wat is achtergehouden staat hieronder, met de reden",
)


def _round_any(value: Any, decimals: int) -> Any:
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, float):
        return round(value, decimals)
    if isinstance(value, tuple):
        return tuple(_round_any(v, decimals) for v in value)
    if is_dataclass(value) and not isinstance(value, type):
        return replace(value, **{f.name: _round_any(getattr(value, f.name), decimals)
                                 for f in fields(value)})
    raise TypeError(f"cannot round a {type(value).__name__}")  # pragma: no cover


def rounded(value: T, decimals: int) -> T:
    """``value`` with every float inside (dataclasses, tuples) rounded to ``decimals``."""
    return cast(T, _round_any(value, decimals))


def _few(k: int) -> str:
    return f"minder dan {k} subjecten"


def _keep_models(models: tuple[NegBinModel, ...], k: int, out: list[Omission]
                 ) -> tuple[NegBinModel, ...]:
    kept = []
    for m in models:
        if m.n < k:
            out.append(Omission(f"regressie/{m.naam}", _few(k)))
        else:
            kept.append(m)
    return tuple(kept)


def _correlations(c: CorrelationMatrix, k: int, out: list[Omission]) -> CorrelationMatrix:
    names = c.variabelen
    r = [list(row) for row in c.r]
    p = [list(row) for row in c.p]
    n = [list(row) for row in c.n_paren]
    for i in range(len(names)):
        for j in range(i, len(names)):
            cell = n[i][j]
            if cell is not None and cell < k:
                for a, b in ((i, j), (j, i)):
                    r[a][b] = p[a][b] = n[a][b] = None
                what = names[i] if i == j else f"{names[i]} x {names[j]}"
                out.append(Omission(f"correlaties/{what}", _few(k)))
    return replace(c, r=tuple(map(tuple, r)), p=tuple(map(tuple, p)),
                   n_paren=tuple(map(tuple, n)), n=c.n if (c.n or 0) >= k else None)


def _reversion(items: tuple[MeanReversion, ...], k: int, out: list[Omission]
               ) -> tuple[MeanReversion, ...]:
    kept = []
    for item in items:
        if min(item.n_hoog, item.n - item.n_hoog) < k:
            out.append(Omission(f"buiten_studie/regressie_naar_het_gemiddelde/{item.maat}",
                                f"de groep met een hoog jaar vóór of de rest telt {_few(k)}"))
        else:
            kept.append(item)
    return tuple(kept)


def _by_n(items: tuple[C, ...], part: str, k: int, out: list[Omission]) -> tuple[C, ...]:
    kept = []
    for item in items:
        if item.n < k:
            out.append(Omission(f"{part}/{item.maat}", _few(k)))
        else:
            kept.append(item)
    return tuple(kept)


def _single(model: NegBinModel | None, part: str, k: int, out: list[Omission]
            ) -> NegBinModel | None:
    if model is not None and model.n < k:
        out.append(Omission(part, _few(k)))
        return None
    return model


def check_output(results: AnalysisResults, small_cell: int, decimals: int) -> AnalysisResults:
    """The results as they may leave, with the list of what was withheld and why."""
    k, out = small_cell, list[Omission]()
    dispersion = results.dispersie
    if dispersion is not None and dispersion.model.n < k:
        out.append(Omission("buiten_studie/dispersie", _few(k)))
        dispersion = None
    checked = replace(
        results,
        n_subjecten=results.n_subjecten if (results.n_subjecten or 0) >= k else None,
        n_gevonden_hks=results.n_gevonden_hks if (results.n_gevonden_hks or 0) >= k else None,
        t_toetsen=_by_n(results.t_toetsen, "t_toetsen", k, out),
        correlaties=(None if results.correlaties is None
                     else _correlations(results.correlaties, k, out)),
        regressie=_single(results.regressie, "regressie/studie", k, out),
        interacties=_keep_models(results.interacties, k, out),
        verdelingen=results.verdelingen,
        wilcoxon=_by_n(results.wilcoxon, "buiten_studie/wilcoxon", k, out),
        dispersie=dispersion,
        robuust=_single(results.robuust, "buiten_studie/robuust", k, out),
        regressie_naar_het_gemiddelde=_reversion(results.regressie_naar_het_gemiddelde, k,
                                                 out))
    out += [Omission(f"verdelingen/{d.maat}", f"aantallen per waarde: klassen met {_few(k)} "
                     "samengevoegd, de hoogste klasse open (geen maximum)")
            for d in results.verdelingen if d.samengevoegd]
    check = OutputCheck(True, k, decimals, tuple(out))
    return replace(rounded(checked, decimals), uitvoercontrole=check)
