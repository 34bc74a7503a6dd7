"""A small Dutch phonetic key for core surnames.

jellyfish's Soundex, Metaphone and NYSIIS are built for English. ``dutch_phonetic`` folds the
spelling variants Dutch registries actually produce (Meijer/Meyer/Meier, Smit/Smid/Smidt,
Hendriks/Hendrikx/Hendricks, Visser/Fisser, Bos/Bosch) into one key, while keeping apart names
that differ in sound (Mulder/Molder, Bos/Vos, Jansen/Janssens).

The key is meant for prefix-free core surnames (``ParsedSurname.core`` or a component); the
input is normalised with ``normalise_text`` first, and each word is coded on its own and the
codes joined by a space. The rules in ``RULES`` are applied in order to each word:

=====================  ===========  =======================================================
spelling               becomes      why
=====================  ===========  =======================================================
eij, eiy, ey           ei           old spellings of ei: Meijer, Meyer = Meier
ij, y after a, o, u    i            aij/ooij/uij/uy are old spellings of ai/ooi/ui:
                                    Bruijn = Bruyn = Bruin, Kuijpers = Kuypers = Kuipers
ij, y (elsewhere)      ei           ij and ei sound alike: Thijssen = Thyssen = Theissen
auw, ouw, au           ou           au/ou(w) sound alike: Schauten = Schouten
sch                    s            ch after s is silent or dropped in variants:
                                    Bosch = Bos, Visscher = Visser, Schmidt ~ Smit
ch                     g            ch and g sound alike: Tichelaar ~ Tigelaar
ck                     k            Hendricks = Hendriks, Decker = Dekker
ph                     f            Philips = Filips
th                     t            Thomassen = Tomassen
qu                     kw           Quint = Kwint
q (elsewhere)          k            Qasim = Kasim
c before e, i          s            Cees = Sees
c (elsewhere)          k            Claassen = Klaassen
x                      ks           Hendrikx = Hendriks
z                      s            Zwart = Swart
v                      f            Visser = Fisser (v/f are confused in speech)
h after a consonant    (dropped)    de Jongh = de Jong
d, dt at the end       t            Smid = Smidt = Smit
ae                     a            Claessen = Claassen
a doubled letter       one letter   Janssen = Jansen, Goossens = Gosens, Bakker = Baker
=====================  ===========  =======================================================

Decisions: "ui" and "ij" stay different (Buis is not Bijs); "ie" stays apart from "i" (Pieters
is not Piters); a trailing "e" and a trailing "s" stay (Jansen is not Janssens). The key is
deterministic; applying it to its own output is not guaranteed to be a no-op.
"""

from __future__ import annotations

import re
from typing import Final

from vhh.linkage.normalise.names import normalise_text

__all__ = ["RULES", "dutch_phonetic"]

RULES: Final[tuple[tuple[re.Pattern[str], str], ...]] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"eij|eiy|ey", "ei"),
        (r"(?<=[aou])(?:ij|y)", "i"),
        (r"ij|y", "ei"),
        (r"[ao]uw|au", "ou"),
        (r"sch", "s"),
        (r"ch", "g"),
        (r"ck", "k"),
        (r"ph", "f"),
        (r"th", "t"),
        (r"qu", "kw"),
        (r"q", "k"),
        (r"c(?=[ei])", "s"),
        (r"c", "k"),
        (r"x", "ks"),
        (r"z", "s"),
        (r"v", "f"),
        (r"(?<=[bdfgjklmnprstw])h", ""),
        (r"dt?$", "t"),
        (r"ae", "a"),
        (r"(.)\1+", r"\1"),
    )
)
"""Ordered (pattern, replacement) rules; see the module docstring for the reasons."""


def _code_word(word: str) -> str:
    for pattern, replacement in RULES:
        word = pattern.sub(replacement, word)
    return word


def dutch_phonetic(core: str) -> str:
    """Dutch phonetic key of a prefix-free core surname: "Meijer" -> "meier".

    The input is normalised first; each word is coded separately; "" gives "".
    """
    return " ".join(_code_word(word) for word in normalise_text(core).split())
