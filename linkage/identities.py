"""Collapse police rows to distinct identities and normalise each identity once.

A person with 100 BVH rows is usually written the same way on most of them: we link the
distinct identity tuples, not the rows, and join the decision back to every row. This is
what keeps linkage fast on national extracts, and it makes every decision the same for
rows that look the same.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from linkage.birthdates import birth_year
from linkage.names import first_initial, parse_initials, parse_surname
from linkage.phonetic import dutch_phonetic

__all__ = ["IDENTITY_FIELDS", "collapse_identities", "normalise_identities"]

IDENTITY_FIELDS = ("achternaam", "tussenvoegsel", "voorletters", "geboortedatum", "geslacht")


def collapse_identities(rows: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Distinct identity tuples of ``rows`` and, per row, the position of its identity."""
    keys = rows.loc[:, list(IDENTITY_FIELDS)].astype(str)
    codes = keys.groupby(list(IDENTITY_FIELDS), sort=False, dropna=False).ngroup().to_numpy()
    first = pd.Series(np.arange(len(rows))).groupby(codes).first()
    identities = keys.iloc[first.to_numpy()].reset_index(drop=True)
    identities["voornamen"] = ""
    identities["n_rijen"] = np.bincount(codes, minlength=len(identities))
    return identities, codes


def _per_distinct(keys: list[tuple[object, ...]], parse) -> list:  # type: ignore[no-untyped-def]
    """``parse(*key)`` for each key, computed once per distinct key (a local table only)."""
    table = {k: parse(*k) for k in dict.fromkeys(keys)}
    return [table[k] for k in keys]


def normalise_identities(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the normalised linkage fields to a frame of identities (one row each).

    Columns added: ``prefix``, ``core``, ``components`` (tuple), ``phonetic`` (tuple, one
    per component), ``initials`` (tuple), ``first`` (first initial), ``birth`` (the
    YYYYMMDD key), ``byear`` (int, -1 when unknown). Each distinct surname spelling and
    each distinct notation of initials is parsed once: a national extract has millions of
    identities but only tens of thousands of surname spellings.
    """
    out = frame.copy()
    voornamen = out["voornamen"] if "voornamen" in out else pd.Series("", index=out.index)
    surnames = _per_distinct(list(zip(out["achternaam"], out["tussenvoegsel"], strict=True)),
                             parse_surname)
    out["prefix"] = [s.prefix for s in surnames]
    out["core"] = [s.core for s in surnames]
    out["components"] = [s.components for s in surnames]
    out["phonetic"] = _per_distinct([(s.components,) for s in surnames],
                                    lambda comps: tuple(dutch_phonetic(c) for c in comps))
    initials = _per_distinct(list(zip(out["voorletters"], voornamen, strict=True)),
                             parse_initials)
    out["initials"] = initials
    out["first"] = [first_initial(i) for i in initials]
    out["birth"] = out["geboortedatum"].astype(str)
    out["byear"] = _per_distinct([(b,) for b in out["birth"]], lambda b: birth_year(b) or -1)
    return out
