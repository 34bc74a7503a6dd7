"""Building blocks of the audit report's HTML page: escaped text, tables, sections.

Styling lives in ``style`` attributes (no style sheet), so the page is self-contained and
the leak scanner, which strips tags, sees only words and numbers.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence

__all__ = ["BAD", "BANNER", "NOTE", "Row", "counts_table", "e", "fmt", "h3", "note", "p",
           "section", "table"]

Row = Sequence[object]

TABLE = 'style="border-collapse:collapse;margin:0.3em 0 1.2em"'
TH = 'style="border:1px solid #bbb;padding:2px 8px;text-align:left;background:#eee"'
TD = 'style="border:1px solid #bbb;padding:2px 8px;text-align:left"'
TDN = 'style="border:1px solid #bbb;padding:2px 8px;text-align:right"'
NOTE = 'style="color:#555"'
BAD = 'style="color:#a00;font-weight:bold"'
BANNER = ('style="border:3px solid #c60;background:#fff3e0;color:#7a3300;padding:0.6em 1em;'
          'font-size:1.15em;font-weight:bold;margin:1em 0"')


def fmt(value: object) -> str:
    """A value as a Dutch reader writes it: ja/nee, a decimal comma, – for nothing."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    if isinstance(value, tuple | list):
        return ", ".join(fmt(v) for v in value) or "–"
    return str(value)


def e(value: object) -> str:
    """A value formatted and HTML-escaped."""
    return html.escape(fmt(value), quote=False)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def table(headers: Sequence[str], rows: Iterable[Row]) -> str:
    head = "".join(f"<th {TH}>{e(h)}</th>" for h in headers)
    lines = [f"<table {TABLE}>", f"<tr>{head}</tr>"]
    for row in rows:
        cells = "".join(f"<td {TDN if _is_number(v) else TD}>{e(v)}</td>" for v in row)
        lines.append(f"<tr>{cells}</tr>")
    lines.append("</table>")
    return "\n".join(lines)


def note(text: str) -> str:
    return f"<p {NOTE}>{e(text)}</p>"


def counts_table(header: str, counts: Mapping[str, object],
                 labels: Mapping[str, str] | None = None) -> str:
    """A two-column table of counts; keys shown by their Dutch label when given."""
    if not counts:
        return note("Geen.")
    if labels is None:  # data words (categories, roles, codes): shown as they are
        return table([header, "aantal"], counts.items())
    return table([header, "aantal"],
                 [(labels.get(k) or k.replace("_", " "), v) for k, v in counts.items()])


def section(title: str, *body: str) -> str:
    return "\n".join([f"<h2>{e(title)}</h2>", *body])


def h3(title: str) -> str:
    return f"<h3>{e(title)}</h3>"


def p(text: str) -> str:
    return f"<p>{e(text)}</p>"
