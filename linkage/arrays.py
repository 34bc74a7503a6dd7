"""Array look-ups shared by the rooms: where keys sit in a sorted array of distinct keys."""

from __future__ import annotations

import numpy as np

__all__ = ["find_sorted"]


def find_sorted(haystack: np.ndarray, needles: np.ndarray, *, sort_needles: bool = False
                ) -> np.ndarray:
    """The position of each needle in ``haystack`` (sorted, distinct), -1 where it is absent.

    ``sort_needles``: search in sorted order and put the answers back, so that each binary
    search starts where the last ended; it pays when the haystack is far larger than the
    cache (random searches into 8M hashes miss it at every step), not for a small one.
    """
    found = np.full(len(needles), -1, dtype=np.int64)
    if not len(haystack) or not len(needles):
        return found
    order = np.argsort(needles) if sort_needles else None
    wanted = needles[order] if order is not None else needles
    at = np.minimum(np.searchsorted(haystack, wanted), len(haystack) - 1)
    hit = np.where(haystack[at] == wanted, at, -1)
    if order is None:
        return hit
    found[order] = hit
    return found
