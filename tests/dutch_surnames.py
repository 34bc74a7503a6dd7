"""Surname sets for the gate's precision: real-looking Dutch names, many of them words.

* :data:`DUTCH_WORD_SURNAMES`: Dutch surnames that are also ordinary words or particles of
  the project's own text (de Jong, Bakker, Groot, Klein, Post, Kok, Die, Man, Plan, ...);
* :func:`faker_surnames`: every nl_NL last name Faker knows (noble and multi-word ones
  included: "Gepa van Bourgondië", "Kuijc van Malsen", "Die Bont", "Le Grand");
* :func:`national_surnames`: a national-size set, millions of distinct spellings made from
  those by typing slips and double surnames, as a national police extract holds them.

Every name here is a public word-list entry or derived from one: no real person's record.
The benchmark ``benchmarks/leakscan_ids.py`` uses the same sets.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

__all__ = ["DUTCH_WORD_SURNAMES", "faker_surnames", "identity_frame", "national_surnames"]

DUTCH_WORD_SURNAMES: tuple[str, ...] = (
    "de Jong", "Bakker", "Visser", "Groot", "de Groot", "Klein", "Post", "Kok", "Die", "Man",
    "de Man", "Plan", "Smit", "de Vries", "van Dijk", "Mulder", "de Boer", "Dekker", "Brouwer",
    "de Wit", "Hoek", "Koster", "Prins", "Vos", "Bos", "Huisman", "Kuiper", "Schouten",
    "Veenstra", "Kramer", "van der Meer", "Boer", "Wit", "Graaf", "de Graaf", "Zwart", "Wolf",
    "de Haan", "Haan", "Koning", "de Koning", "Kaiser", "Jong", "Oud", "Nieuw", "Jonker",
    "Baas", "Knecht", "Boon", "Vis", "Hart", "'t Hart", "Kerk", "van der Kerk", "Berg",
    "Dam", "Dijk", "Veen", "Ven", "Broek", "Bosch", "Water", "Land", "Kader", "Rol", "Code",
    "Regel", "Stap", "Label", "Bron", "Jaar", "Kwartaal", "Geslacht", "Leeftijd", "Vrouw",
    "Aantal", "Waarde", "Totaal", "Reden", "Export", "Start", "Eind", "Versie", "Besluit",
    "Aanpak", "Plan van Aanpak", "Van", "De", "Der", "Den", "Ter", "Ten", "Het", "In", "Op",
    "Te", "La", "Le", "Du", "Geen", "Alle", "Niet", "Wel", "Gevonden", "Jeugd", "Nazorg",
    "Geweld", "Huiselijk", "Rijen", "Invoer", "Privacy", "Filters", "Koppeling", "Onbekend",
    "Verdachte", "Getuige", "Sepot", "Veroordeling", "Strafbeschikking", "Exact", "Strict",
    "Fuzzy", "Review", "Misdrijf", "Overtreding", "Verkeer", "Overig", "Administratief",
)


def faker_surnames() -> tuple[str, ...]:
    """Every nl_NL last name of Faker's person provider, as Faker spells it."""
    from faker.providers.person.nl_NL import Provider

    return tuple(dict.fromkeys(Provider.last_names))


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _slips(name: str) -> Iterator[str]:
    """Every spelling one typing slip away (a letter dropped, doubled, swapped, replaced)."""
    for i in range(len(name)):
        yield name[:i] + name[i + 1:]
        yield name[:i] + name[i] + name[i:]
        if i + 1 < len(name):
            yield name[:i] + name[i + 1] + name[i] + name[i + 2:]
        for c in _LETTERS:
            if c != name[i].lower():
                yield name[:i] + c + name[i + 1:]


def national_surnames(n: int, seed: int = 2013) -> list[str]:
    """``n`` distinct surname spellings: the Faker names and Dutch word names, their
    double surnames, and one-slip typos of both (seeded: the same n gives the same list)."""
    base = [*faker_surnames(), *DUTCH_WORD_SURNAMES]
    seen = dict.fromkeys(base)
    rng = np.random.default_rng(seed)
    simple = [b for b in base if " " not in b and "," not in b]
    while len(seen) < n:
        a, b = rng.choice(len(simple), size=2)
        seen.setdefault(f"{simple[a]}-{simple[b]}")
        for slip in _slips(str(base[rng.integers(len(base))])):
            seen.setdefault(slip)
            if len(seen) >= n:
                break
    return list(seen)[:n]


def identity_frame(surnames: list[str], seed: int = 7) -> pd.DataFrame:
    """Police-like rows for these surnames: initials and birthdates drawn, ids numbered."""
    rng = np.random.default_rng(seed)
    n = len(surnames)
    letters = np.array(list("ABCDEFGHIJKLMNOPRSTWY"))
    days = pd.Timestamp("1940-01-01") + pd.to_timedelta(rng.integers(0, 25_000, n), unit="D")
    return pd.DataFrame({
        "achternaam": surnames, "tussenvoegsel": "",
        "voorletters": [f"{a}." for a in letters[rng.integers(len(letters), size=n)]],
        "geboortedatum": days.strftime("%d-%m-%Y"),
        "bvh_id": [f"N{k:09d}" for k in range(n)],
    })
