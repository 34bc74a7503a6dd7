"""Numbers as a Dutch reader expects them: a decimal comma, p below .001 as "< 0,001"."""

from __future__ import annotations

import math

from vhh.linkage.analysis.correlations import stars

__all__ = ["dash", "number", "p_value", "with_stars"]

dash = "–"


def number(value: float | int | None, decimals: int = 2) -> str:
    """``1,23``; ``–`` for a missing or non-finite value."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return dash
    if isinstance(value, int):
        return str(value)
    return f"{value:.{decimals}f}".replace(".", ",").replace("-", "−")


def p_value(p: float | None) -> str:
    if p is None or not math.isfinite(p):
        return dash
    return "< 0,001" if p < 0.0005 else number(p, 3)


def with_stars(r: float | None, p: float | None) -> str:
    """A correlation as in table 7.1: ** at p < .01, * at p < .05."""
    return dash if r is None else number(r, 3) + stars(p)
