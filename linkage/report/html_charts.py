"""The inline SVG charts of the audit report: the funnel, and the match-weight histogram.

Plain ``<svg>`` with ``<rect>``, ``<line>`` and ``<text>``: no script, no external
reference, the same bytes for the same report.
"""

from __future__ import annotations

from collections.abc import Sequence

from vhh.linkage.report.html_parts import e, fmt, note
from vhh.linkage.report.model import FunnelStep, WeightHistogram

__all__ = ["funnel_svg", "histogram_svg"]

_BAR_LABELS = {
    "quarantaine": "Geldige GCOS-subjecten",
    "scope": "Binnen de scope",
    "gevonden_bvh": "Gevonden in BVH",
    "startdatum": "Genoeg GCOS-gegevens (geanalyseerd)",
    "gevonden_hks": "Waarvan gevonden in HKS",
}
_NO, _REVIEW, _MATCH = "#b0b0b0", "#e09a2c", "#3f7f4f"
W, H, LEFT, BOTTOM, TOP = 640, 230, 48, 40, 26


def funnel_svg(steps: Sequence[FunnelStep]) -> str:
    """A horizontal bar per step: how many GCOS subjects are left after it."""
    if not steps:
        return note("Geen trechter in het rapport.")
    bars = [("Gelezen", steps[0].inn)]
    bars += [(_BAR_LABELS.get(s.stap, f"Na stap {s.stap}"), s.rest) for s in steps]
    top = max(max(n for _, n in bars), 1)
    row, label_w, bar_w = 26, 260, 420
    height = row * len(bars) + 8
    parts = [f'<svg role="img" width="{label_w + bar_w + 70}" height="{height}" '
             f'viewBox="0 0 {label_w + bar_w + 70} {height}">',
             "<title>Trechter: aantal GCOS-subjecten na elke stap</title>"]
    for k, (label, n) in enumerate(bars):
        y = 4 + k * row
        width = round(bar_w * max(n, 0) / top)
        parts += [f'<text x="0" y="{y + 16}" font-size="13">{e(label)}</text>',
                  f'<rect x="{label_w}" y="{y}" width="{width}" height="{row - 6}" '
                  'fill="#4a78a8"></rect>',
                  f'<text x="{label_w + width + 6}" y="{y + 16}" font-size="13">{e(n)}</text>']
    parts.append("</svg>")
    return "\n".join(parts)


def _x(value: float, lo: float, hi: float) -> float:
    return LEFT + (W - LEFT - 10) * (value - lo) / (hi - lo)


def _colour(mid: float, h: WeightHistogram) -> str:
    if h.bovengrens is not None and mid >= h.bovengrens:
        return _MATCH
    if h.ondergrens is not None and mid < h.ondergrens:
        return _NO
    return _REVIEW if h.ondergrens is not None or h.bovengrens is not None else "#4a78a8"


def _threshold(value: float | None, name: str, lo: float, hi: float, dy: int) -> list[str]:
    if value is None or not lo <= value <= hi:
        return []
    x = round(_x(value, lo, hi), 1)
    return [f'<line x1="{x}" y1="{TOP - 6}" x2="{x}" y2="{H - BOTTOM}" stroke="#222" '
            'stroke-width="1.5" stroke-dasharray="5,3"></line>',
            f'<text x="{x + 4}" y="{TOP - 10 + dy}" font-size="12">{e(name)} {e(value)}</text>']


def _bars(h: WeightHistogram, lo: float, hi: float) -> list[str]:
    top = max(max(h.aantallen), 1)
    parts = []
    for (a, b), n in zip(zip(h.grenzen, h.grenzen[1:], strict=False), h.aantallen, strict=True):
        x0, x1 = _x(a, lo, hi), _x(b, lo, hi)
        height = (H - BOTTOM - TOP) * n / top
        parts.append(f'<rect x="{x0:.1f}" y="{H - BOTTOM - height:.1f}" '
                     f'width="{max(x1 - x0 - 1, 1):.1f}" height="{height:.1f}" '
                     f'fill="{_colour((a + b) / 2, h)}"><title>{e(a)} tot {e(b)}: {e(n)} '
                     'paren</title></rect>')
    return parts


def _axes(h: WeightHistogram, lo: float, hi: float) -> list[str]:
    base = H - BOTTOM
    parts = [f'<line x1="{LEFT}" y1="{base}" x2="{W - 10}" y2="{base}" stroke="#444"></line>',
             f'<text x="{LEFT - 6}" y="{TOP + 4}" font-size="11" text-anchor="end">'
             f'{e(max(h.aantallen))}</text>',
             f'<text x="{LEFT - 6}" y="{base}" font-size="11" text-anchor="end">0</text>']
    step = max(1, len(h.grenzen) // 8)
    for edge in h.grenzen[::step]:
        parts.append(f'<text x="{_x(edge, lo, hi):.1f}" y="{base + 16}" font-size="11" '
                     f'text-anchor="middle">{e(edge)}</text>')
    parts.append(f'<text x="{(LEFT + W) / 2:.0f}" y="{H - 6}" font-size="12" '
                 'text-anchor="middle">koppelgewicht</text>')
    return parts


def histogram_svg(h: WeightHistogram, source: str) -> str:
    """Pairs per match-weight bin; bars coloured by the decision their weight gives."""
    lo, hi = h.grenzen[0], h.grenzen[-1]
    parts = [f'<svg role="img" width="{W}" height="{H}" viewBox="0 0 {W} {H}">',
             f"<title>Koppelgewichten {e(source)}: aantal kandidaatparen per gewicht</title>",
             *_bars(h, lo, hi), *_axes(h, lo, hi),
             *_threshold(h.ondergrens, "ondergrens", lo, hi, 0),
             *_threshold(h.bovengrens, "bovengrens", lo, hi, 14), "</svg>"]
    legend = []
    if h.ondergrens is not None:
        legend.append(f"grijs: geen koppeling (onder de ondergrens {fmt(h.ondergrens)})")
    if h.ondergrens is not None or h.bovengrens is not None:
        legend.append("oranje: ter beoordeling")
    if h.bovengrens is not None:
        legend.append(f"groen: koppeling (vanaf de bovengrens {fmt(h.bovengrens)})")
    text = "\n".join(parts)
    return text + "\n" + note("Kleuren: " + "; ".join(legend) + ".") if legend else text
