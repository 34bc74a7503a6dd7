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


def normalise_identities(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the normalised linkage fields to a frame of identities (one row each).

    Columns added: ``prefix``, ``core``, ``components`` (tuple), ``phonetic`` (tuple, one
    per component), ``initials`` (tuple), ``first`` (first initial), ``birth`` (the
    YYYYMMDD key), ``byear`` (int, -1 when unknown).
    """
    out = frame.copy()
    voornamen = out["voornamen"] if "voornamen" in out else pd.Series("", index=out.index)
    surnames = [parse_surname(a, t) for a, t in zip(out["achternaam"], out["tussenvoegsel"],
                                                    strict=True)]
    out["prefix"] = [s.prefix for s in surnames]
    out["core"] = [s.core for s in surnames]
    out["components"] = [s.components for s in surnames]
    out["phonetic"] = [tuple(dutch_phonetic(c) for c in s.components) for s in surnames]
    initials = [parse_initials(v, n) for v, n in zip(out["voorletters"], voornamen, strict=True)]
    out["initials"] = initials
    out["first"] = [first_initial(i) for i in initials]
    out["birth"] = out["geboortedatum"].astype(str)
    out["byear"] = [birth_year(b) or -1 for b in out["birth"]]
    return out
