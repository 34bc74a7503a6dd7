"""Inline SVG plots for ``analyse.html``: no scripts, no libraries, no external files.

- :func:`before_after_svg`: per measure, the mean before and after with its 95% interval
  (left) and the distribution in safe classes, before and after side by side (right);
- :func:`coefficient_svg`: the model's coefficients with their 95% Wald intervals around 0.

Every text is escaped; the numbers are the results' own (already checked on the inside
route), so a plot shows nothing a table does not.
"""

from __future__ import annotations

import html

from vhh.linkage.analysis.distributions import Distribution
from vhh.linkage.analysis.formats import number
from vhh.linkage.analysis.regression import NegBinModel
from vhh.linkage.analysis.ttests import PairedTest
from vhh.linkage.analysis.variables import INTERCEPT, LABELS

__all__ = ["AFTER_COLOUR", "BEFORE_COLOUR", "before_after_svg", "coefficient_svg"]

BEFORE_COLOUR, AFTER_COLOUR = "#1f4e79", "#e07b39"
_FONT = 'font-family="sans-serif" font-size="11"'


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _text(x: float, y: float, text: str, anchor: str = "middle", extra: str = "") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" {_FONT}{extra}>'
            f"{_e(text)}</text>")


def _means_panel(test: PairedTest) -> list[str]:
    top: float = max(test.voor_ci_hoog, test.na_ci_hoog, 0.1) * 1.15
    base, height = 175.0, 140.0

    def y(v: float) -> float:
        return base - height * max(v, 0.0) / top

    parts = [f'<line x1="30" y1="{base}" x2="170" y2="{base}" stroke="#999"/>',
             f'<line x1="55" y1="{y(test.voor_gemiddelde):.1f}" x2="145" '
             f'y2="{y(test.na_gemiddelde):.1f}" stroke="#777" stroke-dasharray="3,3"/>']
    for x, mean, low, high, colour, word in (
            (55, test.voor_gemiddelde, test.voor_ci_laag, test.voor_ci_hoog, BEFORE_COLOUR,
             "voor"),
            (145, test.na_gemiddelde, test.na_ci_laag, test.na_ci_hoog, AFTER_COLOUR, "na")):
        parts += [f'<line x1="{x}" y1="{y(low):.1f}" x2="{x}" y2="{y(high):.1f}" '
                  f'stroke="{colour}" stroke-width="2"/>',
                  f'<circle cx="{x}" cy="{y(mean):.1f}" r="4" fill="{colour}"/>',
                  _text(x, base + 14, word),
                  _text(x + 10, y(mean) - 6, number(mean), "start")]
    parts.append(_text(100, 26, "gemiddelde (95%-BI)"))

    return parts


def _bars_panel(dist: Distribution) -> list[str]:
    left, base, height, width = 215.0, 175.0, 140.0, 330.0
    shares = [(v / dist.n, a / dist.n) for v, a in zip(dist.voor, dist.na, strict=True)]
    top = max(max(s) for s in shares) * 1.1 or 1.0
    step = width / len(shares)
    bar = min(step * 0.4, 22.0)
    parts = [f'<line x1="{left}" y1="{base}" x2="{left + width}" y2="{base}" stroke="#999"/>',
             _text(left + width / 2 - 40, 26, "verdeling (% van de subjecten)")]
    for k, ((before, after), label) in enumerate(zip(shares, dist.klassen, strict=True)):
        x = left + k * step + step / 2
        for dx, share, colour in ((-bar, before, BEFORE_COLOUR), (0.0, after, AFTER_COLOUR)):
            h = height * share / top
            parts.append(f'<rect x="{x + dx:.1f}" y="{base - h:.1f}" width="{bar:.1f}" '
                         f'height="{h:.1f}" fill="{colour}"><title>{_e(label)}: '
                         f'{number(100 * share, 1)}%</title></rect>')
        low = k % 2 == 1 and len(shares) > 7  # many classes: every other label lower
        parts.append(_text(x, base + (25 if low else 14), label))
    return parts


def before_after_svg(title: str, test: PairedTest | None, dist: Distribution | None) -> str:
    """The before/after plot of one measure; a panel whose result is absent is left out."""
    parts = [f'<svg width="560" height="210" '
             f'viewBox="0 0 560 210" role="img" aria-label="{_e(title)}">',
             f"<title>{_e(title)}</title>"]
    if test is not None:
        parts += _means_panel(test)
    if dist is not None:
        parts += _bars_panel(dist)
    parts += [f'<rect x="450" y="2" width="10" height="10" fill="{BEFORE_COLOUR}"/>',
              _text(464, 11, "voor", "start"),
              f'<rect x="500" y="2" width="10" height="10" fill="{AFTER_COLOUR}"/>',
              _text(514, 11, "na", "start"), "</svg>"]
    return "\n".join(parts)


def coefficient_svg(model: NegBinModel, title: str) -> str:
    """B with its 95% Wald interval per parameter (the intercept left out), 0 marked."""
    rows = [c for c in model.coefficienten if c.parameter != INTERCEPT]
    low: float = min([0.0, *(c.ci_laag for c in rows)])
    high: float = max([0.0, *(c.ci_hoog for c in rows)])
    span: float = (high - low) or 1.0

    left, width, row_h = 230.0, 300.0, 26.0
    total = 40 + row_h * len(rows) + 20

    def x(v: float) -> float:
        return left + width * (v - low) / span

    parts = [f'<svg width="560" height="{total:.0f}" '
             f'viewBox="0 0 560 {total:.0f}" role="img" aria-label="{_e(title)}">',
             f"<title>{_e(title)}</title>", _text(left + width / 2, 16, "B (95%-Wald-BI)"),
             f'<line x1="{x(0):.1f}" y1="24" x2="{x(0):.1f}" y2="{total - 16:.0f}" '
             'stroke="#999" stroke-dasharray="3,3"/>',
             _text(x(0), total - 4, "0")]
    for k, c in enumerate(rows):
        y = 40 + row_h * k
        parts += [_text(left - 10, y + 4, LABELS.get(c.parameter, c.parameter), "end"),
                  f'<line x1="{x(c.ci_laag):.1f}" y1="{y}" x2="{x(c.ci_hoog):.1f}" y2="{y}" '
                  f'stroke="{BEFORE_COLOUR}" stroke-width="2"/>',
                  f'<circle cx="{x(c.b):.1f}" cy="{y}" r="4" fill="{BEFORE_COLOUR}">'
                  f"<title>{_e(c.parameter)}: B = {number(c.b, 3)}</title></circle>"]
    parts.append("</svg>")
    return "\n".join(parts)
