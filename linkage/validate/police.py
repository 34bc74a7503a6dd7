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

Ids that occur in more than one chunk are settled afterwards as within a chunk, so the
outcome does not depend on the chunk size: when every copy is equal in every column (told
by a 64-bit hash of the raw row, kept per row until then) the first is used and the others
are set aside as exact copies; otherwise every copy is quarantined with the reason the
schema gives within a chunk. (Only the order of reasons within one quarantined row may
differ when such a copy had failed for another reason too.)

Event dates after the extraction date, or in the future, are set aside per chunk with their
own reason (:func:`vhh.linkage.validate.sources.quarantine_late`).
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.api.types import union_categoricals
from vhh.linkage.arrays import distinct_sorted, find_sorted
from vhh.linkage.contract import ID_COLUMN, IDENTITY_FIELDS
from vhh.linkage.errors import LinkageError
from vhh.linkage.heap import release
from vhh.linkage.io.arrow_csv import made_of
from vhh.linkage.io.readers import RawTable
from vhh.linkage.normalise.distinct import Distinct, TextCodes
from vhh.linkage.validate.hashing import (
    column_hash,
    combine_hashes,
    factorized,
    identity_fields,
    positions,
    row_hashes,
    tuple_codes,
)
from vhh.linkage.validate.sources import (
    DUPLICATE_REASON,
    EXACT_COPY_REASON,
    Validated,
    quarantine_late,
    validate_source,
)

__all__ = ["EVENT_COLUMNS", "PoliceExtract", "reduce_police_chunks"]

EVENT_COLUMNS = {
    "bvh_incidenten": ("bvh_id", "registratienummer", "incidentdatum", "mk_code", "rol"),
    "hks_antecedenten": ("hks_id", "datum", "afdoening"),
}
_TEXT = ("bvh_id", "hks_id", "registratienummer")
_CODES = ("mk_code", "rol", "afdoening")
_ARROW = "string[pyarrow]"
_COLLECT_FROM = 100_000  # rows in a chunk from which a full collection is worth its cost
_HASH = "rijhash"  # the raw row's hash, until ids repeated across chunks are settled
_ID_HASH = "idhash"  # the hash of the row's id (its text), until then too
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

    def __repr__(self) -> str:  # identities are names and birthdates: counts only
        return (f"PoliceExtract({self.raw.source}: {self.validated.rows_read} read, "
                f"{len(self.validated.valid)} valid, {len(self.identities)} identities)")


class _IdentityIndex:
    """Distinct identity tuples across chunks, numbered in order of first appearance."""

    def __init__(self) -> None:
        # the first hash of every identity so far, sorted, with the identity of each: a
        # look-up is a binary search and adding a chunk's new identities one merge (a hash
        # table over all identities would be built anew for every chunk: 8M identities,
        # twenty times, at 20M rows)
        self._sorted_a = np.empty(0, dtype=np.uint64)
        self._identity = np.empty(0, dtype=np.int64)
        self._hash_b = np.empty(0, dtype=np.uint64)  # per identity
        self._frames: list[pd.DataFrame] = []

    def _find(self, hash_a: np.ndarray) -> np.ndarray:
        """The identity with each first hash, -1 for none."""
        # sorted needles: random searches into 8M hashes cost a second per chunk at 20M rows
        at = find_sorted(self._sorted_a, hash_a, sort_needles=True)
        if not len(self._identity):
            return at  # all -1
        return np.where(at >= 0, self._identity[at], -1)

    def _insert(self, hash_a: np.ndarray, identity: np.ndarray) -> None:
        order = np.argsort(hash_a, kind="stable")
        at = np.searchsorted(self._sorted_a, hash_a[order])
        self._sorted_a = np.insert(self._sorted_a, at, hash_a[order])
        self._identity = np.insert(self._identity, at, identity[order])

    def add(self, fields: list[TextCodes]) -> np.ndarray:
        """Identity positions for rows given by their IDENTITY_FIELDS as text codes (see
        :func:`identity_fields`): rows are one local identity when every field's text is
        equal, and each distinct identity is hashed once (as its first row was hashed)."""
        if not len(fields[0].codes):
            return np.empty(0, dtype=np.int32)
        local, n_local = tuple_codes([f.codes for f in fields], [len(f.uniques) for f in fields])
        first = np.zeros(n_local, dtype=np.int64)
        first[local[::-1]] = np.arange(len(local))[::-1]  # first row of each local identity
        codes = [f.codes[first] for f in fields]  # each local identity's own text codes
        # hash_pandas_object of the identities' text, each distinct text hashed once
        hash_a, hash_b = (combine_hashes([pd.util.hash_array(f.uniques, hash_key=key,
                                                              categorize=False)[c]
                                           for f, c in zip(fields, codes, strict=True)],
                                          n_local) for key in (_KEY_A, _KEY_B))
        found = self._find(hash_a) if pd.Index(hash_a).is_unique else None
        if found is None or (self._hash_b[found[found >= 0]] != hash_b[found >= 0]).any():
            raise LinkageError("two different police identities share a 64-bit hash, so "
                               "they cannot be told apart; this should never happen: report "
                               "it to the maintainers (the run has stopped, nothing written)")
        new = np.flatnonzero(found < 0)
        start = len(self._hash_b)
        found[new] = start + np.arange(len(new))
        self._insert(hash_a[new], found[new])
        self._hash_b = np.concatenate([self._hash_b, hash_b[new]])
        # Arrow strings: ~60 bytes an identity instead of ~300 as Python strings; each
        # distinct text is made Arrow text once and the new identities take theirs
        self._frames.append(pd.DataFrame({
            name: _arrow_text(f.uniques, c[new])
            for name, f, c in zip(IDENTITY_FIELDS, fields, codes, strict=True)}))
        return np.asarray(found[local], dtype=np.int32)

    def frame(self) -> pd.DataFrame:
        """The distinct identities in order of first appearance (without ``n_rijen``)."""
        if self._frames:
            identities = pd.concat(self._frames, ignore_index=True)
        else:
            identities = pd.DataFrame({f: pd.Series(dtype=_ARROW) for f in IDENTITY_FIELDS})
        identities["voornamen"] = ""
        return identities


def _arrow_text(uniques: np.ndarray, at: np.ndarray) -> pd.Series:
    """``pd.Series(uniques[at]).astype("string[pyarrow]")`` (the texts of a field's codes),
    by converting the distinct texts and taking from them in Arrow."""
    text = pa.array(uniques, type=pa.large_string(), from_pandas=True).take(pa.array(at))
    return pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([text])))


def _compact(source: str, valid: pd.DataFrame, codes: np.ndarray, hashes: np.ndarray,
             id_hashes: np.ndarray, read: Mapping[str, pa.Array], at: np.ndarray
             ) -> pd.DataFrame:
    """The valid rows' event columns in compact form. A text column whose Arrow text the
    reader kept (``read``, the raw chunk's; ``at``: the valid rows' positions in it) is
    taken from that text, the same strings without making Arrow text of a million Python
    strings again."""
    columns = EVENT_COLUMNS[source]
    out = pd.DataFrame({"bronrij": valid["bronrij"].to_numpy(dtype=np.int64)},
                       index=valid.index)
    for col in columns:
        values = valid[col]
        if col in _TEXT and col in read:
            text = read[col].take(pa.array(at)).cast(pa.large_string())
            values = pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([text])),
                               index=valid.index, name=col)
        elif col in _TEXT:
            values = values.astype(_ARROW)
        elif col in _CODES:
            values = values.astype("category")
        out[col] = values
    out["identiteit"] = codes
    out[_HASH] = hashes
    out[_ID_HASH] = id_hashes
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


def _copies(codes: np.ndarray, hashes: np.ndarray, bronrij: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For rows with a repeated id (``codes``): which are copies of an id whose copies are
    all equal (``exact``), the first of each such id in file order (``keeper``), and which
    belong to an id whose copies differ (``conflict``)."""
    repeated = np.bincount(codes)[codes] > 1
    pairs = pd.DataFrame({"c": codes[repeated], "h": hashes[repeated]}).drop_duplicates()
    versions = pairs.groupby("c").size()
    exact = repeated & np.isin(codes, versions.index[versions == 1].to_numpy())
    keeper = np.zeros(len(codes), dtype=bool)
    if exact.any():
        at = np.flatnonzero(exact)
        first = pd.Series(bronrij[at]).groupby(codes[at]).idxmin().to_numpy()
        keeper[at[first]] = True
    return exact, keeper, repeated & ~exact


def _moved(source: str, rows: pd.DataFrame, reason: str) -> pd.DataFrame:
    id_col = ID_COLUMN[source]
    return pd.DataFrame({"bron": source, "bronrij": rows["bronrij"].to_numpy(),
                         "record_id": rows[id_col].astype(object).to_numpy(),
                         "kolom": id_col, "reden": reason})


def _requarantine(quarantine: pd.DataFrame, id_col: str, conflict: np.ndarray,
                  copy: np.ndarray) -> pd.DataFrame:
    """Quarantined copies take the reason the whole file would give them."""
    quarantine = quarantine.copy()
    exact_before = (quarantine["reden"] == EXACT_COPY_REASON).to_numpy()
    turned = (conflict & exact_before) | (copy & ~exact_before)
    quarantine.loc[turned, "kolom"] = id_col
    quarantine.loc[turned, "reden"] = np.where(conflict[turned], DUPLICATE_REASON,
                                               EXACT_COPY_REASON)
    lacking = conflict & ~turned & ~quarantine["reden"].str.contains(
        DUPLICATE_REASON, regex=False).to_numpy()
    quarantine.loc[lacking, "kolom"] = quarantine.loc[lacking, "kolom"] + ";" + id_col
    quarantine.loc[lacking, "reden"] = quarantine.loc[lacking, "reden"] + "; " + DUPLICATE_REASON
    return quarantine


def _repeated(hashes: np.ndarray) -> np.ndarray:
    """The positions whose hash occurs more than once (in ascending order)."""
    ordered = np.sort(hashes)
    twice = distinct_sorted(ordered[1:][ordered[1:] == ordered[:-1]])
    return np.flatnonzero(find_sorted(twice, hashes) >= 0)


def _quarantine_duplicates(source: str, rows: pd.DataFrame, quarantine: pd.DataFrame
                           ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Settle every id that occurs in more than one chunk, as one chunk would.

    Only the rows whose id *hash* repeats can hold a repeated id; their ids are compared
    as text (a hash shared by two different ids tells nothing), the others are left alone
    (20M ids factorized as text took 15 s; their hashes sort in half a second)."""
    id_col = ID_COLUMN[source]
    n = len(rows)
    maybe = _repeated(np.concatenate([rows[_ID_HASH].to_numpy(dtype=np.uint64),
                                      quarantine[_ID_HASH].to_numpy(dtype=np.uint64)]))
    in_rows, in_quarantine = maybe[maybe < n], maybe[maybe >= n] - n
    ids = pd.concat([rows[id_col].iloc[in_rows].astype(_ARROW),
                     quarantine["record_id"].iloc[in_quarantine].astype(str).astype(_ARROW)],
                    ignore_index=True)
    codes, _ = pd.factorize(ids)  # in Arrow, as the text of each id
    if not (np.bincount(codes) > 1).any():
        return rows, quarantine
    hashes = np.concatenate([rows[_HASH].to_numpy(dtype=np.uint64)[in_rows],
                             quarantine[_HASH].to_numpy(dtype=np.uint64)[in_quarantine]])
    bronrij = np.concatenate([rows["bronrij"].to_numpy(dtype=np.int64)[in_rows],
                              quarantine["bronrij"].to_numpy(dtype=np.int64)[in_quarantine]])
    exact, keeper, conflict = (_spread(flags, maybe, n + len(quarantine))
                               for flags in _copies(codes, hashes, bronrij))
    copy = exact & ~keeper
    quarantine = _requarantine(quarantine, id_col, conflict[n:], copy[n:])
    moved = [_moved(source, rows[conflict[:n]], DUPLICATE_REASON),
             _moved(source, rows[copy[:n]], EXACT_COPY_REASON)]
    quarantine = pd.concat([quarantine.drop(columns=[_HASH, _ID_HASH]), *moved],
                           ignore_index=True)
    quarantine = quarantine.sort_values("bronrij", kind="stable").reset_index(drop=True)
    return rows[~(conflict[:n] | copy[:n])], quarantine


def _spread(flags: np.ndarray, at: np.ndarray, size: int) -> np.ndarray:
    """Flags of the positions ``at`` as flags of all ``size`` positions (False elsewhere)."""
    out = np.zeros(size, dtype=bool)
    out[at] = flags
    return out


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


def _checked(source: str, chunk: pd.DataFrame, file: str, hks_date_column: str,
             latest: dt.date | None, today: dt.date | None, distinct: Distinct) -> Validated:
    """One chunk validated, with late event dates set aside (when ``latest`` is given)."""
    checked = validate_source(source, chunk, file=file, hks_date_column=hks_date_column,
                              distinct=distinct)
    if latest is None:
        return checked
    column, kolom = (("incidentdatum", "incidentdatum") if source == "bvh_incidenten"
                     else ("datum", hks_date_column))
    return quarantine_late(checked, column, kolom, latest, today or dt.date.today())


def reduce_police_chunks(source: str, table: RawTable, chunks: Iterable[pd.DataFrame], *,
                         hks_date_column: str = "pleegdatum",
                         on_chunk: Callable[[pd.DataFrame], None] | None = None,
                         latest: dt.date | None = None, today: dt.date | None = None
                         ) -> PoliceExtract:
    """Validate and reduce every chunk of one police source (see the module docstring).

    ``on_chunk`` sees each raw chunk before it is let go (the leak scanner collects its
    identifiers there). ``latest`` is the extraction date: event dates after it (or after
    ``today``) are set aside with their own reason.
    """
    index = _IdentityIndex()
    parts, quarantines, rows_read = [], [], 0
    for chunk in chunks:
        if on_chunk is not None:
            on_chunk(chunk)
        if rows_read and chunk.empty:
            continue
        distinct = factorized(chunk, ID_COLUMN[source])
        checked = _checked(source, chunk, str(table.path), hks_date_column, latest, today,
                           distinct)
        id_hashes = column_hash(chunk, ID_COLUMN[source], distinct)
        hashes = row_hashes(chunk, distinct, {ID_COLUMN[source]: id_hashes})
        large = len(chunk) >= _COLLECT_FROM
        rows_read += checked.rows_read
        valid = positions(chunk, checked.valid["bronrij"].to_numpy(dtype=np.int64))
        fields = identity_fields(checked.valid, valid, distinct)
        parts.append(_compact(source, checked.valid, index.add(fields), hashes[valid],
                              id_hashes[valid], made_of(chunk).arrow, valid))
        moved = positions(chunk, checked.quarantine["bronrij"].to_numpy(dtype=np.int64))
        quarantines.append(checked.quarantine.assign(**{_HASH: hashes[moved],
                                                        _ID_HASH: id_hashes[moved]}))
        del chunk, checked, fields, hashes, id_hashes, distinct
        # pandas' string accessors leave reference cycles that keep a chunk's million
        # strings alive until a full collection; without this, memory grows with every
        # chunk (measured on 5M BVH rows: peak 3.8 GB without, 2.5 GB with). A full
        # collection costs a quarter second in a large process, so small chunks skip it.
        # The freed pages stay with the allocator here, for the next chunk to reuse
        # (handed back, each would be faulted in anew); they go back after the last chunk.
        if large:
            gc.collect()
    rows = _concat(parts)
    quarantine = pd.concat(quarantines, ignore_index=True) if len(quarantines) > 1 \
        else quarantines[0]
    before = len(rows)
    rows, quarantine = _quarantine_duplicates(source, rows, quarantine)
    del rows[_HASH], rows[_ID_HASH]  # in place: a drop() would copy every column
    quarantine = quarantine.drop(columns=[_HASH, _ID_HASH], errors="ignore")
    identities = index.frame()
    if len(rows) != before:
        rows, identities = _renumber(rows, identities)
    # as collapse_identities gives it: the number of valid rows written this way
    identities["n_rijen"] = np.bincount(rows["identiteit"].to_numpy(), minlength=len(identities))
    release(collect=False)  # the chunks' and the settling's freed pages
    return PoliceExtract(table, Validated(source, rows, quarantine, rows_read), identities)
