"""Normalising identities: names, tussenvoegsels, initials, dates, a Dutch phonetic key."""

from vhh.linkage.normalise.dates import parse_dates
from vhh.linkage.normalise.identities import collapse_identities, normalise_identities
from vhh.linkage.normalise.names import ParsedSurname, normalise_text, parse_initials, parse_surname
from vhh.linkage.normalise.phonetic import dutch_phonetic

__all__ = ["collapse_identities", "dutch_phonetic", "normalise_identities", "normalise_text",
           "parse_dates", "parse_initials", "parse_surname", "ParsedSurname"]
