"""Surname parts without particles: what stays the same however a Dutch surname is written.

:func:`vhh.linkage.normalise.names.parse_surname` strips the tussenvoegsel of each
hyphen-separated component, but keeps particles *inside* a component ("Wouters van
Eijndhoven" is one component) and keeps a space-joined double name as one component
("Jansen de Vries"). Registries write such names in several ways: with or without the
particle, with a hyphen instead of a space, with only one of the names (a married woman's
birth name or partner's name), or in the other order. The *parts* of a surname are its
words that are not particles, in order: every such spelling of one name has the same
parts, or shares one of them.

===============================  ==========================
surname                          parts
===============================  ==========================
van der Berg; Berg, van der      ("berg",)
Wouters van Eijndhoven           ("wouters", "eijndhoven")
van de Kooij-Wittenboer          ("kooij", "wittenboer")
Jansen-de Vries; Jansen de Vries ("jansen", "vries")
's Gravensande                   ("gravensande",)
Van (the surname itself)         ("van",)
===============================  ==========================

A component made only of particle words keeps its last word (so that the surnames "Van"
and "De" do not vanish), as :func:`parse_surname` does.
"""

from __future__ import annotations

from typing import Final

from vhh.linkage.normalise.names import TUSSENVOEGSELS

__all__ = ["particle_free_key", "surname_parts"]

_MAX_WORDS: Final = max(len(words) for words in TUSSENVOEGSELS)


def _particle_at(words: tuple[str, ...], k: int) -> int:
    """The number of words of the longest particle starting at ``words[k]`` (0: none)."""
    for n in range(min(_MAX_WORDS, len(words) - k), 0, -1):
        if words[k:k + n] in TUSSENVOEGSELS:
            return n
    return 0


def _component_parts(component: str) -> tuple[str, ...]:
    words = tuple(component.split())
    parts: list[str] = []
    k = 0
    while k < len(words):
        n = _particle_at(words, k)
        if n:
            k += n
            continue
        parts.append(words[k])
        k += 1
    return tuple(parts) if parts else words[-1:]


def surname_parts(components: tuple[str, ...]) -> tuple[str, ...]:
    """The non-particle words of the normalised ``components`` of a surname, in order.

    ``components`` is :attr:`ParsedSurname.components` (normalised text). A word repeated
    in two components is kept once.
    """
    out: list[str] = []
    for component in components:
        for part in _component_parts(component):
            if part not in out:
                out.append(part)
    return tuple(out)


def particle_free_key(parts: tuple[str, ...]) -> str:
    """The parts joined without separator: one key for "Jansen-de Vries" and "Jansen de
    Vries" ("jansenvries"); "" for no parts."""
    return "".join(parts)
