"""The GCOS field ``leefgebieden``: which of the configured life-domain titles a cell names.

A cell lists titles separated by ``;`` (or line breaks). Titles are matched forgiving of
case, accents, punctuation and spacing (:func:`vhh.linkage.contract.match_key`). One GCOS
title holds commas ("denkwereld, gedrag, motivatie"), so a comma is not a separator in
its own right; but an export that joined titles with commas is still read: a part that
is no title is split on its commas and consecutive pieces are joined again where they
spell a title (longest first).

A name that is no configured title is not counted and is returned as written, so that a
run can list it in ``secure/`` (a name typed by a person is data, never for the console or
the export). It never quarantines the subject.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from vhh.linkage.contract import match_key
from vhh.linkage.normalise.distinct import per_distinct

__all__ = ["Domains", "count_domains", "parse_domains"]

_SEPARATORS = re.compile(r"[;\n\r]")


@dataclass(frozen=True)
class Domains:
    """The titles one cell names (as configured) and the names that are no title (as typed)."""

    known: frozenset[str]
    unknown: tuple[str, ...]


def _split_commas(text: str, titles: dict[str, str]) -> tuple[list[str], list[str]]:
    """Titles and unknown names in a part joined with commas, longest title first."""
    pieces = [p.strip() for p in text.split(",")]
    known, unknown = [], []
    start = 0
    while start < len(pieces):
        for end in range(len(pieces), start, -1):
            key = "".join(match_key(p) for p in pieces[start:end])
            if key in titles:
                known.append(titles[key])
                start = end
                break
        else:
            if match_key(pieces[start]):
                unknown.append(pieces[start])
            start += 1
    return known, unknown


def parse_domains(text: str, titles: tuple[str, ...]) -> Domains:
    """The configured titles named in one ``leefgebieden`` cell, and the other names."""
    by_key = {match_key(t): t for t in titles}
    known: set[str] = set()
    unknown: list[str] = []
    for part in _SEPARATORS.split(str(text)):
        key = match_key(part)
        if not key:
            continue
        if key in by_key:
            known.add(by_key[key])
            continue
        found, other = _split_commas(part, by_key)
        known.update(found)
        unknown += other
    return Domains(frozenset(known), tuple(dict.fromkeys(unknown)))


def count_domains(values: pd.Series, titles: tuple[str, ...]) -> tuple[pd.Series, pd.Series]:
    """Per cell: how many distinct titles it names (int), and its unknown names (tuple)."""
    parse: Callable[[str], Domains] = functools.cache(
        functools.partial(parse_domains, titles=titles))
    parsed = per_distinct(values, lambda u: u.map(parse))
    known = parsed.map(lambda d: len(d.known)).astype(int)
    unknown = parsed.map(lambda d: d.unknown)
    return known, unknown
