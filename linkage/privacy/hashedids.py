"""Ids held as 64-bit hashes, for the leak scanner: :class:`HashedIds` and the hashing.

The collector (:mod:`vhh.linkage.privacy.identifiers`) hashes every input id it finds; the
scanner (:mod:`vhh.linkage.privacy.leakscan`) hashes what it reads and looks it up. Both
hash the same way, :func:`hash_texts` (or :func:`hash_utf8` on the UTF-8 bytes of the same
texts, which gives the same hashes). Nothing here is ever logged or written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from vhh.linkage.arrays import find_sorted, sorted_distinct

__all__ = ["HashedIds", "encodable", "hash_texts", "hash_utf8", "plain_ascii_ids"]


class HashedIds:
    """A set of id strings held as a sorted array of distinct 64-bit hashes (8 bytes an id).

    Twenty million ids as Python strings in a set take gigabytes; as hashes they take 160 MB.
    Membership hashes the question the same way and looks it up with ``np.searchsorted``.
    An id that is in the set is always found: equal strings give equal hashes, so a miss is
    impossible. Two different strings may share a hash (about n / 2**64 per lookup): such a
    false hit only blocks an export, the safe side. The hash (``pd.util.hash_array``, SipHash
    under pandas' fixed, public key) is not a pseudonym: the array is as sensitive as the ids,
    lives in memory only and is never written or shown.
    """

    __slots__ = ("_hashes",)

    def __init__(self, hashes: np.ndarray | None = None) -> None:
        """``hashes`` must be sorted and distinct (as from :func:`sorted_distinct`)."""
        self._hashes = np.empty(0, dtype=np.uint64) if hashes is None else hashes
        self._hashes.flags.writeable = False

    @classmethod
    def from_strings(cls, values: Iterable[str]) -> HashedIds:
        """The set of ``values`` as given (normalising them is the caller's business)."""
        return cls(sorted_distinct(hash_texts(list(values))))

    def contains(self, values: Sequence[str]) -> np.ndarray:
        """One boolean per value: whether it is in the set (one batch, vectorised)."""
        if not len(self._hashes) or not len(values):
            return np.zeros(len(values), dtype=bool)
        return find_sorted(self._hashes, hash_texts(values), sort_needles=True) >= 0

    def __contains__(self, value: object) -> bool:
        return isinstance(value, str) and bool(self.contains([value])[0])

    def __len__(self) -> int:
        return len(self._hashes)

    def __reduce__(self) -> tuple[type[HashedIds], tuple[np.ndarray]]:
        """Pickled as its array (for the collector's worker process; never to a file)."""
        return HashedIds, (self._hashes,)

    def __repr__(self) -> str:  # never show contents, not even hashed
        return f"HashedIds({len(self)} ids)"


def hash_texts(values: Sequence[str]) -> np.ndarray:
    """64-bit hashes of strings, vectorised; the same string always gives the same hash."""
    array = np.empty(len(values), dtype=object)
    array[:] = values
    try:
        return np.asarray(pd.util.hash_array(array, categorize=False), dtype=np.uint64)
    except UnicodeEncodeError:  # a lone surrogate (a JSON escape, say): hash its bytes
        array[:] = [encodable(v) for v in values]
        return np.asarray(pd.util.hash_array(array, categorize=False), dtype=np.uint64)


def hash_utf8(values: pa.LargeBinaryArray) -> np.ndarray:
    """:func:`hash_texts` of the strings whose UTF-8 bytes ``values`` holds, without the strings.

    ``pd.util.hash_array`` hashes a ``str`` as its UTF-8 encoding and ``bytes`` as they are:
    the same bytes give the same hash, so these equal :func:`hash_texts` of the decoded texts."""
    array = values.to_numpy(zero_copy_only=False)
    return np.asarray(pd.util.hash_array(array, categorize=False), dtype=np.uint64)


_ASCII_SPACE = np.array([chr(code).isspace() for code in range(128)] + [False] * 128)
"""Per byte value: an ASCII character that ``str.strip()`` strips (tab to CR, FS to US, space)."""


def plain_ascii_ids(texts: pa.LargeStringArray, min_length: int) -> np.ndarray:
    """Per text: whether it is an id whose normal form is its ASCII lowercase.

    That is an ASCII text of at least ``min_length`` characters with no whitespace
    at either end: ``strip()`` leaves it as it is, it is not short however many digits it
    has, and ``lower()`` changes only A-Z. Every other text (non-ASCII, short, empty or
    padded) takes the general path of the caller."""
    size = len(texts)
    _, offset_buffer, data_buffer = texts.buffers()
    offsets = np.frombuffer(offset_buffer, dtype=np.int64)[texts.offset:texts.offset + size + 1]
    plain = np.diff(offsets) >= min_length
    plain &= pc.string_is_ascii(texts).to_numpy(zero_copy_only=False)
    at = np.flatnonzero(plain)
    if len(at):
        data = np.frombuffer(data_buffer, dtype=np.uint8)
        plain[at] = ~(_ASCII_SPACE[data[offsets[at]]] | _ASCII_SPACE[data[offsets[at + 1] - 1]])
    return plain


def encodable(value: str) -> str:
    """``value`` itself when UTF-8 can encode it, else its surrogate-passing bytes as text.

    Deterministic, so equal strings still hash equal; at worst two strings now share a hash
    (a false hit, the safe side).
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogatepass").decode("latin-1")
    return value
