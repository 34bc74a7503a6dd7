"""What of an export file is the project's own text, and what the data brought.

The project writes column names, variable and value labels, the code book and the report's
template sentences before it has read any data: they are never identifiers, and the leak
scanner must not read them as such (a national extract has a surname for almost every
Dutch word). What the data brings (cells, the input file names, the extracts' own column
names, category values) is scanned wherever it appears. Each export writer describes its
file with an :class:`OwnText`: where the strings of the file sit (a *slot*: a JSON path, a
column, "a line"), which texts at that slot are the project's own, and how a data officer
finds and fixes a string that is not. Whatever sits at no described slot is scanned: a
new field is checked until someone declares it the project's own.

Slots are written as paths of segments joined by dots: a mapping key or field name, ``*``
for any one key (not ``[]`` or ``{}``), ``[]`` for any list position, ``{}`` for the keys of
a mapping themselves, a final ``**`` for anything below and a leading ``**`` for anything
above.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

__all__ = ["DataText", "OwnText", "Slot", "json_strings", "path_text"]

Path = tuple[str, ...]
LINE: Path = ("regel",)
COLUMN_NAMES: Path = ("kolomnamen",)


@dataclass(frozen=True)
class Slot:
    """One place in an export file: what the project itself writes there, and what a data
    officer is told when something else sits there and holds an identifier.

    ``template``: only the project's own code writes here, from its own constants (a funnel
    label, a rule's description): nothing here is scanned. ``own``: exact texts that are the
    project's own (a configured kader, a known role). ``shape``: computed text of a fixed
    form that cannot carry a value (a SHA-256, a keyed tag). Anything else is scanned.
    """

    field: str
    own: frozenset[str] = frozenset()
    shape: re.Pattern[str] | None = None
    template: bool = False
    advice: str = ""

    def is_own(self, text: str) -> bool:
        return (self.template or text in self.own
                or (self.shape is not None and self.shape.fullmatch(text) is not None))


@dataclass(frozen=True)
class DataText:
    """A data-derived string that a file holds in a form a reader cannot pick out again
    (the HTML report prints the report's data fields inside its template)."""

    field: str
    text: str
    advice: str = ""


@dataclass(frozen=True)
class OwnText:
    """The own-text description of one export file (see the module docstring).

    ``slots`` maps a slot pattern to its :class:`Slot`; the first pattern that fits a path
    wins, in the mapping's order. ``data`` are further data-derived strings to scan.
    """

    slots: Mapping[str, Slot] = field(default_factory=lambda: MappingProxyType({}))
    data: tuple[DataText, ...] = ()

    def slot(self, path: Path) -> Slot | None:
        """The slot that describes ``path``, or None: then the string is scanned."""
        for pattern, slot in self.slots.items():
            if _fits(tuple(pattern.split(".")), path):
                return slot
        return None

    def is_own(self, path: Path, text: str) -> bool:
        slot = self.slot(path)
        return slot is not None and slot.is_own(text)


def _fits(pattern: Path, path: Path) -> bool:
    if pattern and pattern[0] == "**":
        tail = pattern[1:]
        return len(path) >= len(tail) and _fits(tail, path[len(path) - len(tail):])
    if pattern and pattern[-1] == "**":
        head = pattern[:-1]
        return len(path) >= len(head) and _fits(head, path[:len(head)])
    return len(pattern) == len(path) and all(
        p == s or (p == "*" and s not in ("[]", "{}")) for p, s in zip(pattern, path, strict=True))


def json_strings(node: object, path: Path = ()) -> Iterator[tuple[Path, str]]:
    """Every string of a parsed JSON document with its path: a mapping's keys at
    ``path + ("{}",)``, list items at ``path + ("[]",)``. Numbers, booleans and nulls are
    not text and are left out: the report's numbers are counts the project computed."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*path, "{}"), str(key)
            yield from json_strings(value, (*path, str(key)))
    elif isinstance(node, list):
        for value in node:
            yield from json_strings(value, (*path, "[]"))
    elif isinstance(node, str):
        yield path, node


def path_text(path: Path, clean: Mapping[str, bool] | None = None) -> str:
    """A path as a data officer reads it (``invoer[].bestand``); a key that is not clean
    (``clean[key]`` false) is shown as ``*``, so that a message never quotes a value."""
    out = ""
    for segment in path:
        if segment == "[]":
            out += "[]"
        elif segment == "{}":
            out += " (a key)"
        else:
            shown = segment if clean is None or clean.get(segment, False) else "*"
            out += f".{shown}" if out else shown
    return out
