"""Collapse police rows to distinct identities and normalise each identity once.

A person with 100 BVH rows is usually written the same way on most of them: we link the
distinct identity tuples, not the rows, and join the decision back to every row. This is
what keeps linkage fast on national extracts, and it makes every decision the same for
rows that look the same.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from vhh.linkage.normalise.coded import coded
from vhh.linkage.normalise.identity_codes import BIRTH_CODE, INITIALS_CODE, SURNAME_CODE
from vhh.linkage.normalise.names import first_initial, parse_initials, parse_surname
from vhh.linkage.normalise.particles import particle_free_key, surname_parts
from vhh.linkage.normalise.phonetic import dutch_phonetic

__all__ = ["IDENTITY_FIELDS", "collapse_identities", "normalise_identities"]

from vhh.linkage.contract import IDENTITY_FIELDS


def collapse_identities(rows: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Distinct identity tuples of ``rows`` and, per row, the position of its identity."""
    keys = rows.loc[:, list(IDENTITY_FIELDS)].astype(str)
    codes = keys.groupby(list(IDENTITY_FIELDS), sort=False, dropna=False).ngroup().to_numpy()
    first = pd.Series(np.arange(len(rows))).groupby(codes).first()
    identities = keys.iloc[first.to_numpy()].reset_index(drop=True)
    identities["voornamen"] = ""
    identities["n_rijen"] = np.bincount(codes, minlength=len(identities))
    return identities, codes


def _per_distinct_pair(first: pd.Series, second: pd.Series, parse  # type: ignore[no-untyped-def]
                       ) -> tuple[np.ndarray, list]:  # type: ignore[type-arg]
    """Per row, the position of its distinct (a, b) (found by hashing in C), and
    ``parse(a, b)`` once for each distinct (a, b)."""
    if not len(first):  # an empty extract
        return np.zeros(0, dtype=np.intp), []
    a_codes, a_values = pd.factorize(first, use_na_sentinel=False)
    b_codes, b_values = pd.factorize(second, use_na_sentinel=False)
    codes, pairs = pd.factorize(a_codes.astype(np.int64) * len(b_values) + b_codes)
    a_of, b_of = np.divmod(pairs, len(b_values))
    # as Python lists: an Arrow-backed index looked up value by value costs more than the
    # parsing (the same values: missing ones are pd.NA either way)
    a_list, b_list = list(a_values), list(b_values)
    return codes, [parse(a_list[a], b_list[b]) for a, b in zip(a_of.tolist(), b_of.tolist(),
                                                                strict=True)]


def _spreader(held: bool) -> Callable[[np.ndarray, list], Any]:  # type: ignore[type-arg]
    """``values[codes]`` as an object array, or (``held``) as the distinct values and the
    codes (:mod:`vhh.linkage.normalise.coded`): no pointer per identity."""
    if held:
        return coded

    def spread(codes: np.ndarray, values: list) -> np.ndarray:  # type: ignore[type-arg]
        return coded(codes, values).to_numpy()
    return spread


def _birth_year(birth: str) -> int:
    """The year of a "YYYYMMDD" key, -1 when it is missing or the year unknown."""
    year = int(birth[:4]) if len(birth) == 8 and birth[:4].isdigit() else 0
    return year if year > 0 else -1


def normalise_identities(frame: pd.DataFrame, *, held: bool = True) -> pd.DataFrame:
    """Add the normalised linkage fields to a frame of identities (one row each).

    Columns added: ``prefix``, ``core``, ``components`` (tuple), ``phonetic`` (tuple, one
    per component), ``parts`` (tuple, the surname's words without particles, see
    :mod:`vhh.linkage.normalise.particles`), ``kern`` (the parts joined), ``parts_phonetic``
    (tuple, one per part), ``initials`` (tuple), ``first`` (first initial), ``birth`` (the
    YYYYMMDD key), ``byear`` (int, -1 when unknown), and the codes of
    :mod:`~vhh.linkage.normalise.identity_codes` (the identity's distinct surname,
    initials and birthdate). Each distinct surname spelling and
    each distinct notation of initials is parsed once: a national extract has millions of
    identities but only tens of thousands of surname spellings.
    """
    _spread = _spreader(held)
    out = frame.copy(deep=False)  # the new columns are its own; the given ones are shared
    voornamen = out["voornamen"] if "voornamen" in out else pd.Series("", index=out.index)
    codes, parsed = _per_distinct_pair(out["achternaam"], out["tussenvoegsel"], parse_surname)
    codes = codes.astype(np.int32)  # one array: the code column and every column coded by it
    out["prefix"] = _spread(codes, [p.prefix for p in parsed])
    out["core"] = _spread(codes, [p.core for p in parsed])
    out["components"] = _spread(codes, [p.components for p in parsed])
    words: dict[str, str] = {}  # each word coded once

    def key(word: str) -> str:
        if word not in words:
            words[word] = dutch_phonetic(word)
        return words[word]

    out["phonetic"] = _spread(codes, [tuple(key(x) for x in p.components) for p in parsed])
    parts = [surname_parts(p.components) for p in parsed]
    out["parts"] = _spread(codes, parts)
    out["kern"] = _spread(codes, [particle_free_key(x) for x in parts])
    out["parts_phonetic"] = _spread(codes, [tuple(key(w) for w in x) for x in parts])
    initial_codes, initials = _per_distinct_pair(out["voorletters"], voornamen, parse_initials)
    initial_codes = initial_codes.astype(np.int32)
    out["initials"] = _spread(initial_codes, initials)
    out["first"] = _spread(initial_codes, [first_initial(x) for x in initials])
    # one str per date, and its year
    birth_codes, dates = pd.factorize(out["geboortedatum"], use_na_sentinel=False)
    birth_codes = birth_codes.astype(np.int32)
    births = pd.Series(dates, name="geboortedatum").map(str)
    out["birth"] = _spread(birth_codes, list(births))
    out["byear"] = births.map(_birth_year).astype(int).to_numpy()[birth_codes]
    # each identity's distinct surname, initials and birthdate, for the steps that work
    # per distinct value (:mod:`vhh.linkage.normalise.identity_codes`)
    out[SURNAME_CODE] = codes
    out[INITIALS_CODE] = initial_codes
    out[BIRTH_CODE] = birth_codes
    return out
