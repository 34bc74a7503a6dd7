"""Building blocks of ``analyse.html``: escaped tables, headings and notes, inline styles.

Styling lives in ``style`` attributes, as in the audit report, so the page needs no style
sheet and the text between the tags is only the template's words and the results' numbers.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

__all__ = ["BEYOND_BOX", "Cell", "heading", "note", "numeric", "paragraph", "table"]

_TABLE = 'style="border-collapse:collapse;margin:0.3em 0 1.2em"'
_TH = 'style="border:1px solid #bbb;padding:2px 8px;text-align:left;background:#eee"'
_TD = 'style="border:1px solid #bbb;padding:2px 8px;text-align:left"'
_TDN = 'style="border:1px solid #bbb;padding:2px 8px;text-align:right"'
_NOTE = 'style="color:#555"'
BEYOND_BOX = ('style="border-left:4px solid #e07b39;padding:0.2em 1em;margin:1.5em 0;'
              'background:#fdf6f0"')


class Cell(str):
    """Text for a table cell that is right-aligned like a number."""


def numeric(text: str) -> Cell:
    return Cell(text)


def _e(text: object) -> str:
    return html.escape(str(text), quote=False)


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    head = "".join(f"<th {_TH}>{_e(h)}</th>" for h in headers)
    lines = [f"<table {_TABLE}>", f"<tr>{head}</tr>"]
    for row in rows:
        cells = "".join(f"<td {_TDN if isinstance(v, Cell) else _TD}>{_e(v)}</td>"
                        for v in row)
        lines.append(f"<tr>{cells}</tr>")
    lines.append("</table>")
    return "\n".join(lines)


def heading(level: int, text: str) -> str:
    return f"<h{level}>{_e(text)}</h{level}>"


def paragraph(text: str) -> str:
    return f"<p>{_e(text)}</p>"


def note(text: str) -> str:
    return f"<p {_NOTE}>{_e(text)}</p>"
