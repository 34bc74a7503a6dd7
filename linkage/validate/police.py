"""A police extract, read chunk by chunk into a compact form: distinct identities + events.

A national BVH extract has tens of millions of rows, but later steps need from each valid
row only its identity (linked once per distinct spelling, see
:mod:`vhh.linkage.normalise.identities`)
and a handful of event columns. So each chunk of the file is validated exactly as a whole
file would be (quarantine with reasons), fed to the leak scanner, and reduced to:

- ``rows``: per valid row ``bronrij``, the event columns (ids and registratienummer as Arrow
  strings, codes as categoricals, the date as datetime64) and ``identiteit``, an int32
  position in ``identities``; the index is the row's position in the file, as for a whole
  file;
- ``identities``: the distinct identity tuples in order of first appearance (the order
  :func:`vhh.linkage.normalise.identities.collapse_identities` gives for the whole file)
  with ``n_rijen``.

Ids that occur in more than one chunk are quarantined afterwards, every copy, with the same
reason the schema gives within a chunk, so the outcome does not depend on the chunk size.
(Only the order of reasons within one quarantined row may differ when such a copy had
failed for another reason too.)
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals
from vhh.linkage.contract import ID_COLUMN, IDENTITY_FIELDS
from vhh.linkage.errors import LinkageError
from vhh.linkage.io.readers import RawTable
from vhh.linkage.validate.sources import DUPLICATE_REASON, Validated, validate_source

__all__ = ["EVENT_COLUMNS", "PoliceExtract", "reduce_police_chunks"]

EVENT_COLUMNS = {
    "bvh_incidenten": ("bvh_id", "registratienummer", "incidentdatum", "mk_code", "rol"),
    "hks_antecedenten": ("hks_id", "datum", "afdoening"),
}
_TEXT = ("bvh_id", "hks_id", "registratienummer")
_CODES = ("mk_code", "rol", "afdoening")
_ARROW = "string[pyarrow]"
# two independent 16-byte keys: an identity is known when both 64-bit hashes agree
_KEY_A, _KEY_B = "vhh-identiteit-a", "vhh-identiteit-b"


@dataclass(frozen=True)
class PoliceExtract:
    """One police source after reading and validation, in compact form."""

    raw: RawTable            # provenance; its frame is empty
    validated: Validated     # ``valid`` holds the compact rows described above
    identities: pd.DataFrame

    @property
    def codes(self) -> np.ndarray:
        return np.asarray(self.validated.valid["identiteit"].to_numpy(), dtype=np.int32)


class _IdentityIndex:
    """Distinct identity tuples across chunks, numbered in order of first appearance."""

    def __init__(self) -> None:
        self._hash_a = pd.Index(np.empty(0, dtype=np.uint64))
        self._hash_b = np.empty(0, dtype=np.uint64)
        self._frames: list[pd.DataFrame] = []

    def add(self, keys: pd.DataFrame) -> np.ndarray:
        """Identity positions for the rows of ``keys`` (text columns IDENTITY_FIELDS)."""
        if keys.empty:
            return np.empty(0, dtype=np.int32)
        hash_a = pd.util.hash_pandas_object(keys, index=False, hash_key=_KEY_A).to_numpy()
        hash_b = pd.util.hash_pandas_object(keys, index=False, hash_key=_KEY_B).to_numpy()
        local, uniques = pd.factorize(hash_a)
        first = np.zeros(len(uniques), dtype=np.int64)
        first[local[::-1]] = np.arange(len(local))[::-1]  # first row of each local identity
        found = self._hash_a.get_indexer(uniques)
        known = found >= 0
        if (self._hash_b[found[known]] != hash_b[first[known]]).any() or (
                pd.Series(hash_b).groupby(local).nunique() > 1).any():
            raise LinkageError("two different police identities share a 64-bit hash, so "
                               "they cannot be told apart; this should never happen: report "
                               "it to the maintainers (the run has stopped, nothing written)")
        new = np.flatnonzero(~known)
        start = len(self._hash_a)
        found[new] = start + np.arange(len(new))
        self._hash_a = self._hash_a.append(pd.Index(uniques[new]))
        self._hash_b = np.concatenate([self._hash_b, hash_b[first[new]]])
        # Arrow strings: ~60 bytes an identity instead of ~300 as Python strings
        self._frames.append(keys.iloc[first[new]].reset_index(drop=True).astype(_ARROW))
        return np.asarray(found[local], dtype=np.int32)

    def frame(self) -> pd.DataFrame:
        """The distinct identities in order of first appearance (without ``n_rijen``)."""
        if self._frames:
            identities = pd.concat(self._frames, ignore_index=True)
        else:
            identities = pd.DataFrame({f: pd.Series(dtype=_ARROW) for f in IDENTITY_FIELDS})
        identities["voornamen"] = ""
        return identities


def _compact(source: str, valid: pd.DataFrame, codes: np.ndarray) -> pd.DataFrame:
    columns = EVENT_COLUMNS[source]
    out = pd.DataFrame({"bronrij": valid["bronrij"].to_numpy(dtype=np.int64)},
                       index=valid.index)
    for col in columns:
        values = valid[col]
        if col in _TEXT:
            values = values.astype(_ARROW)
        elif col in _CODES:
            values = values.astype("category")
        out[col] = values
    out["identiteit"] = codes
    return out


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate compact chunks column by column, letting each chunk's column go as soon
    as it is copied (so the table is never held twice); categoricals are united, not
    widened to text."""
    if len(parts) == 1:
        return parts[0]
    columns = list(parts[0].columns)
    index = pd.Index(np.concatenate([p.index.to_numpy() for p in parts]))
    data = {}
    for col in columns:
        pieces = [p.pop(col) for p in parts]
        if col in _CODES:
            data[col] = pd.Series(union_categoricals([x.array for x in pieces]), index=index)
        else:
            data[col] = pd.Series(pd.concat(pieces, ignore_index=True).array, index=index)
        del pieces
    parts.clear()
    return pd.DataFrame(data, index=index)


def _quarantine_duplicates(source: str, rows: pd.DataFrame, quarantine: pd.DataFrame
                           ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Quarantine every copy of an id that occurs in more than one chunk."""
    id_col = ID_COLUMN[source]
    ids = pd.concat([rows[id_col].astype(_ARROW),
                     quarantine["record_id"].astype(str).astype(_ARROW)], ignore_index=True)
    # factorize stays in Arrow (duplicated() would turn 20M ids into Python strings)
    codes, _ = pd.factorize(ids)
    dup = np.bincount(codes)[codes] > 1
    del codes
    valid_dup, quarantined_dup = dup[: len(rows)], dup[len(rows):]
    if not dup.any():
        return rows, quarantine
    quarantine = quarantine.copy()
    lacking = quarantined_dup & ~quarantine["reden"].str.contains(DUPLICATE_REASON, regex=False)
    quarantine.loc[lacking, "kolom"] = quarantine.loc[lacking, "kolom"] + ";" + id_col
    quarantine.loc[lacking, "reden"] = quarantine.loc[lacking, "reden"] + "; " + DUPLICATE_REASON
    moved = rows[valid_dup]
    extra = pd.DataFrame({"bron": source, "bronrij": moved["bronrij"].to_numpy(),
                          "record_id": moved[id_col].astype(object).to_numpy(),
                          "kolom": id_col, "reden": DUPLICATE_REASON})
    quarantine = pd.concat([quarantine, extra], ignore_index=True)
    quarantine = quarantine.sort_values("bronrij", kind="stable").reset_index(drop=True)
    return rows[~valid_dup], quarantine


def _renumber(rows: pd.DataFrame, identities: pd.DataFrame
              ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Identities again in order of first appearance among the rows left (some moved to
    the quarantine afterwards), without those that have no row left."""
    codes = rows["identiteit"].to_numpy()
    first = pd.Series(np.arange(len(codes))).groupby(codes, sort=False).first()
    order = first.sort_values().index.to_numpy()
    position = np.full(len(identities), -1, dtype=np.int64)
    position[order] = np.arange(len(order))
    kept = identities.iloc[order].reset_index(drop=True)
    return rows.assign(identiteit=position[codes].astype(np.int32)), kept


def reduce_police_chunks(source: str, table: RawTable, chunks: Iterable[pd.DataFrame], *,
                         hks_date_column: str = "pleegdatum",
                         on_chunk: Callable[[pd.DataFrame], None] | None = None
                         ) -> PoliceExtract:
    """Validate and reduce every chunk of one police source (see the module docstring).

    ``on_chunk`` sees each raw chunk before it is let go (the leak scanner collects its
    identifiers there).
    """
    index = _IdentityIndex()
    parts, quarantines, rows_read = [], [], 0
    for chunk in chunks:
        if on_chunk is not None:
            on_chunk(chunk)
        if rows_read and chunk.empty:
            continue
        checked = validate_source(source, chunk, file=str(table.path),
                                  hks_date_column=hks_date_column)
        rows_read += checked.rows_read
        keys = checked.valid.loc[:, list(IDENTITY_FIELDS)].astype(str)
        parts.append(_compact(source, checked.valid, index.add(keys)))
        quarantines.append(checked.quarantine)
        del chunk, checked, keys
        # pandas' string accessors leave reference cycles that keep a chunk's million
        # strings alive until a full collection; without this, memory grows with every
        # chunk (measured on 5M BVH rows: peak 3.8 GB without, 2.5 GB with)
        gc.collect()
    rows = _concat(parts)
    quarantine = pd.concat(quarantines, ignore_index=True) if len(quarantines) > 1 \
        else quarantines[0]
    before = len(rows)
    rows, quarantine = _quarantine_duplicates(source, rows, quarantine)
    identities = index.frame()
    if len(rows) != before:
        rows, identities = _renumber(rows, identities)
    # as collapse_identities gives it: the number of valid rows written this way
    identities["n_rijen"] = np.bincount(rows["identiteit"].to_numpy(), minlength=len(identities))
    return PoliceExtract(table, Validated(source, rows, quarantine, rows_read), identities)
