"""The pool of synthetic names: drawn once per seed with Faker (nl_NL), then sampled by numpy.

Faker's Dutch surnames come with their tussenvoegsel ("van Vliet", "de Gruijl"); they are
split here into (prefix, core). Every name of Faker's list is kept, also those a registry
finds awkward: particles inside the name ("Wouters van Eijndhoven", "Bruijne van der
Veen"), two words ("Ariens Ansems"), a hyphen ("Coret-Coredo") and the prefix after a comma
("Bourgondië, van"). Double surnames are also made by the population step. A short
curated list adds surnames with diacritics and with 't/ter/ten.
Every name is invented or taken from Faker's public word lists: no real person's record.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from faker import Faker

__all__ = [
    "NamePool",
    "ascii_fold",
    "name_pool",
    "split_surname",
]

PREFIX_WORDS: tuple[str, ...] = (
    "van", "de", "der", "den", "het", "'t", "te", "ter", "ten", "in", "op", "'s", "d'",
    "la", "le", "du", "uit", "uijt", "aan", "bij", "onder", "over", "voor", "von",
)
EXTRA_SURNAMES: tuple[str, ...] = (
    "Çelik", "Öztürk", "Özdemir", "Yücel", "Güler", "Koç", "Brüggemann", "Müller", "Daniëls",
    "Rosé", "Hoëvenaars", "Pérez", "Ménard", "'t Hart", "van 't Hof", "ter Horst",
    "ter Steege", "ten Brink", "ten Hove", "Bouzid", "Amrani", "Haddou", "Kartosen",
    "IJzerman", "IJsselmuiden",
)
EXTRA_SURNAME_SHARE = 0.08
EXTRA_MALE: tuple[str, ...] = ("IJsbrand", "IJsbrecht")
EXTRA_FEMALE: tuple[str, ...] = ("IJke", "IJmkje")
EXTRA_FIRST_SHARE = 0.005
_SURNAME_DRAWS = 4000
_FIRST_NAME_DRAWS = 2500


def ascii_fold(text: str) -> str:
    """Drop diacritics: "Çelik" -> "Celik", "Daniëls" -> "Daniels"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _cp1252(text: str) -> bool:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def split_surname(raw: str) -> tuple[str, str] | None:
    """(prefix, core) of a Dutch surname, or None when it has no letters or cannot be
    written in cp1252 (the HKS extract's encoding).

    "van der Berg" -> ("van der", "Berg"); "Van Bragt" -> ("van", "Bragt");
    "'t Hart" -> ("'t", "Hart"); "Bourgondië, van" -> ("van", "Bourgondië");
    "Wouters van Eijndhoven" -> ("", "Wouters van Eijndhoven").
    """
    if not _cp1252(raw) or not any(c.isalpha() for c in raw):
        return None
    head, comma, tail = raw.rpartition(",")
    if comma and tail.strip() and all(w.lower() in PREFIX_WORDS for w in tail.split()):
        return tail.strip().lower(), head.strip()
    words = raw.split()
    i = 0
    while i < len(words) - 1 and words[i].lower() in PREFIX_WORDS:
        i += 1
    return " ".join(w.lower() for w in words[:i]), " ".join(words[i:])


@dataclass(frozen=True)
class NamePool:
    """Names to sample from, with their relative frequencies (weights sum to 1)."""

    prefix: tuple[str, ...]
    core: tuple[str, ...]
    surname_weight: tuple[float, ...]
    male: tuple[str, ...]
    male_weight: tuple[float, ...]
    female: tuple[str, ...]
    female_weight: tuple[float, ...]


def _counts(names: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
    return counts


def _with_extras(counts: dict[str, int], extras: tuple[str, ...], share: float
                 ) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """Names and weights, the extras together carrying ``share`` of the weight."""
    base = sum(counts.values())
    each = share * base / ((1 - share) * len(extras))
    merged: dict[str, float] = {**counts}
    for name in extras:
        merged[name] = merged.get(name, 0) + each
    total = sum(merged.values())
    return tuple(merged), tuple(w / total for w in merged.values())


def _surnames(fake: Faker) -> tuple[tuple[str, ...], tuple[str, ...], tuple[float, ...]]:
    drawn = [fake.last_name() for _ in range(_SURNAME_DRAWS)]
    kept = [raw for raw in drawn if split_surname(raw) is not None]
    names, weights = _with_extras(_counts(kept), EXTRA_SURNAMES, EXTRA_SURNAME_SHARE)
    parts = [split_surname(name) for name in names]
    prefixes = tuple(p[0] for p in parts if p is not None)
    cores = tuple(p[1] for p in parts if p is not None)
    return prefixes, cores, weights


def _first_names(draw: list[str], extras: tuple[str, ...]
                 ) -> tuple[tuple[str, ...], tuple[float, ...]]:
    kept = [n for n in draw if "A" <= n[0] <= "Z" and n.isalpha() and _cp1252(n)]
    return _with_extras(_counts(kept), extras, EXTRA_FIRST_SHARE)


@lru_cache(maxsize=4)
def name_pool(seed: int) -> NamePool:
    """The name pool for a seed (cached for the run: the same seed gives the same pool)."""
    fake = Faker("nl_NL")
    fake.seed_instance(seed)
    prefix, core, weight = _surnames(fake)
    male, male_w = _first_names([fake.first_name_male() for _ in range(_FIRST_NAME_DRAWS)],
                                EXTRA_MALE)
    female, female_w = _first_names(
        [fake.first_name_female() for _ in range(_FIRST_NAME_DRAWS)], EXTRA_FEMALE)
    return NamePool(prefix, core, weight, male, male_w, female, female_w)


def initial_of(name: str) -> str:
    """The initial a given name gives: "IJ" for IJsbrand, else its first letter."""
    return "IJ" if name[:2].upper() == "IJ" else name[0].upper()


def pool_arrays(values: tuple[str, ...]) -> np.ndarray:
    """An object array of pool values, for fancy indexing."""
    return np.array(values, dtype=object)
