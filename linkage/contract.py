"""The input contract and the project's fixed vocabulary, each fact defined once.

Every other module imports these names instead of spelling them again: the four extracts
and their id columns, the columns each must or may have, the identity fields the linkage
reads, the incident categories, the names of the linkage rules, the quasi-identifiers and
the export formats. Changing a fact here changes it everywhere.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

__all__ = [
    "BVH_ROLES",
    "CATEGORIES",
    "CONFIG_DEVIATIONS",
    "DEVIATIONS",
    "EXPORT_FORMATS",
    "GCOS_SOURCES",
    "HKS_AFDOENINGEN",
    "ID_COLUMN",
    "IDENTITY_FIELDS",
    "INCIDENT_CODES",
    "LEEFGEBIEDEN",
    "OPTIONAL",
    "POLICE_SOURCES",
    "QUASI_IDENTIFIERS",
    "REQUIRED",
    "REVIEW_ACCEPTED",
    "TIER_NAMES",
    "WEIGHT_RULE_NAMES",
    "SHORT_NAME",
    "SOURCE_OF",
    "SOURCES",
    "STUDY_KADERS",
    "UNKNOWN_KADER",
    "match_key",
]

SOURCES: Final = ("gcos_subjecten", "gcos_besprekingen", "bvh_incidenten", "hks_antecedenten")
"""The four extracts, in the order they are read and reported."""
GCOS_SOURCES: Final = SOURCES[:2]
"""Read whole: one row per subject or per discussion."""
POLICE_SOURCES: Final = SOURCES[2:]
"""Read in chunks: tens of millions of rows in a national extract."""

ID_COLUMN: Mapping[str, str] = MappingProxyType({
    "gcos_subjecten": "gcos_id", "gcos_besprekingen": "gcos_id",
    "bvh_incidenten": "bvh_id", "hks_antecedenten": "hks_id",
})
"""The column that names a row of each extract (unique, except in gcos_besprekingen)."""

SHORT_NAME: Mapping[str, str] = MappingProxyType({"bvh_incidenten": "bvh",
                                                  "hks_antecedenten": "hks"})
"""The short name of a police source, as the linkage, the report and the variables use it."""
SOURCE_OF: Mapping[str, str] = MappingProxyType({v: k for k, v in SHORT_NAME.items()})

INCIDENT_CODES: Final = "incidentcodes"
"""The data steward's table of incident codes (not an extract; read with the same reader)."""

REQUIRED: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "gcos_subjecten": (
        "gcos_id", "achternaam", "voorletters", "geboortedatum", "geslacht", "kader",
        "leefgebieden", "doelen", "besluiten", "acties",
    ),
    "gcos_besprekingen": ("gcos_id", "bespreekdatum"),
    "bvh_incidenten": (
        "bvh_id", "registratienummer", "incidentdatum", "mk_code", "rol", "achternaam",
        "voorletters", "geboortedatum",
    ),
    "hks_antecedenten": (
        "hks_id", "pleegdatum", "afdoening", "achternaam", "voorletters", "geboortedatum",
    ),
    INCIDENT_CODES: ("code", "categorie"),
})
"""Columns each table must have (after renaming with ``[columns.<source>]``)."""

OPTIONAL: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "gcos_subjecten": ("tussenvoegsel", "voornamen", "invoerdatum"),
    "gcos_besprekingen": (),
    "bvh_incidenten": ("tussenvoegsel", "mk_omschrijving", "geslacht"),
    "hks_antecedenten": ("tussenvoegsel", "feit_omschrijving", "geslacht"),
    INCIDENT_CODES: ("omschrijving",),
})
"""Columns read when present and filled with "" when absent."""

IDENTITY_FIELDS: Final = ("achternaam", "tussenvoegsel", "voorletters", "geboortedatum",
                          "geslacht")
"""The fields a police row is linked on; rows equal on all of them are one identity."""

CATEGORIES: Final = ("misdrijf", "overtreding", "verkeer", "administratief", "overig")
"""The categories of the incident-code table."""

BVH_ROLES: Final = ("verdachte", "slachtoffer", "getuige", "aangever", "betrokkene", "melder",
                    "benadeelde", "aanhouder", "eigenaar", "bestuurder", "gezochte",
                    "vermiste", "overleden")
"""BVH roles the report names by name (the validator lowercases ``rol``); any other value
is reported by count and keyed tag, its text only in ``secure/``."""
HKS_AFDOENINGEN: Final = ("Veroordeling", "Sepot", "OM-transactie", "Strafbeschikking",
                          "Vrijspraak", "Voorwaardelijk sepot", "Technisch sepot",
                          "Beleidssepot", "Transactie", "Schikking", "Ontslag van "
                          "rechtsvervolging", "Voeging", "Taakstraf", "Boete",
                          "Onbekend")
"""HKS afdoeningen the report names by name (compared without regard to case); any other
value is reported by count and keyed tag, its text only in ``secure/``."""

TIER_NAMES: Final = ("exact", "strict", "fuzzy", "police_no_initial", "review")
"""The decision tiers of ``method = "rules"`` (the study's rule is ``strict``), in order."""
WEIGHT_RULE_NAMES: Final = ("fellegi_sunter", "aanvulling_geboortedatum", "mogelijk_partnernaam",
                            "subject_zonder_voorletter", "latere_voorletter_anders")
"""The rules of ``method = "probabilistic"``: the match weight, and the named exceptions
that send a pair to review or complete it (see :mod:`vhh.linkage.link.fs_decide`)."""
REVIEW_ACCEPTED: Final = "review_geaccepteerd"
"""The rule of a pair that a person accepted in review."""

LEEFGEBIEDEN: Final = (
    "dagbesteding", "denkwereld, gedrag, motivatie", "justitieel", "thuissituatie",
    "verslaving", "sociale relaties", "financiën", "wonen", "lichamelijk welzijn",
    "psychisch welzijn", "identiteitsbewijs",
)
"""The 11 leefgebieden (life domains) of a GCOS case file, titled as GCOS titles its tabs.
One title holds commas; the field ``leefgebieden`` separates titles with ``;``."""

STUDY_KADERS: Final = ("Individuele risicoburgers", "Complexe jeugdzaken", "High Impact Crime")
"""The kaders (case-conference types) of the reference study; the veelpleger and
groepsaanpak conferences were left out."""

UNKNOWN_KADER: Final = "onbekend"
"""The kader of an in-scope subject whose GCOS field kader is empty (in the analysis file)."""

QUASI_IDENTIFIERS: Final = ("leeftijd", "geslacht", "kader", "start_kwartaal")
"""Variables of the analysis file that could single a subject out in combination."""

EXPORT_FORMATS: Final = ("csv", "parquet", "sav")
"""The formats the analysis file can be exported in."""


def match_key(name: str) -> str:
    """A configured name (kader, leefgebied) as it is matched against the data: case,
    accents, punctuation and spacing do not count ("Financiën" = "FINANCIEN";
    "denkwereld,gedrag , motivatie" = "Denkwereld, gedrag, motivatie")."""
    decomposed = unicodedata.normalize("NFKD", str(name)).casefold()
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c))
DEVIATIONS: Mapping[str, str] = MappingProxyType({
    "k_onder_3": "k-anonimiteit met k kleiner dan 3: een record kan in een klasse van 1 of "
                 "2 personen staan",
    "geen_quasi_identificatoren": "generaliseren zonder quasi-identificatoren: er wordt "
                                  "niets beschermd",
    "sleutel_lage_entropie": "een sleutel met lage entropie (nullen, een herhaalde byte of "
                             "minder dan 16 verschillende bytes): pseudoniemen zijn te raden",
    "sleutel_leesbaar_voor_anderen": "een sleutelbestand dat anderen dan de eigenaar kunnen "
                                     "lezen: wie het leest, kan heridentificeren",
})
"""Deliberate deviations from the minimum protection, by name, with what they risk (Dutch:
both reports print them). A run refuses each unless it is accepted, and records each one
it accepted."""
CONFIG_DEVIATIONS: Final = ("k_onder_3", "geen_quasi_identificatoren")
"""The deviations a configuration accepts in ``[privacy] accepted_deviations``; the others
are accepted on the command line (``--allow-weak-key``, ``--allow-insecure-key``)."""
