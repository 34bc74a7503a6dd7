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


def _per_distinct(columns: list[pd.Series], parse) -> np.ndarray:  # type: ignore[no-untyped-def]
    """``parse(*values)`` per row of ``columns``, computed once per distinct combination.

    The distinct combinations are found by hashing in C (``pd.factorize``) and the results
    taken back by position, so millions of identities cost one call per distinct spelling
    and no per-row Python.
    """
    if len(columns) == 1:
        codes, uniques = pd.factorize(columns[0], use_na_sentinel=False)
        values = [(u,) for u in uniques]
    else:
        codes, uniques = pd.MultiIndex.from_arrays(columns).factorize()
        values = list(uniques)
    table = np.empty(len(values), dtype=object)
    table[:] = [parse(*v) for v in values]
    return table[codes] if len(codes) else np.empty(0, dtype=object)


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
    surname_codes, surname_keys = pd.MultiIndex.from_arrays(
        [out["achternaam"], out["tussenvoegsel"]]).factorize()
    parsed = [parse_surname(a, t) for a, t in surname_keys]

    def per_surname(values: list[object]) -> np.ndarray:
        table = np.empty(len(values), dtype=object)
        table[:] = values
        return table[surname_codes]

    out["prefix"] = per_surname([p.prefix for p in parsed])
    out["core"] = per_surname([p.core for p in parsed])
    out["components"] = per_surname([p.components for p in parsed])
    phonetic = {c: tuple(dutch_phonetic(x) for x in c) for c in {p.components for p in parsed}}
    out["phonetic"] = per_surname([phonetic[p.components] for p in parsed])
    initials = _per_distinct([out["voorletters"], voornamen], parse_initials)
    out["initials"] = initials
    out["first"] = _per_distinct([pd.Series(initials)], first_initial)
    out["birth"] = _per_distinct([out["geboortedatum"]], str)  # one object per date
    out["byear"] = _per_distinct([out["birth"]], lambda b: birth_year(b) or -1).astype(int)
    return out
