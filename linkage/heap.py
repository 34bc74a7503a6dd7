"""Giving freed memory back to the operating system between the large steps of a run.

A run frees tens of millions of small Python objects (each chunk's strings) in between
large arrays; glibc's allocator keeps most of those freed pages in its heap, so the
process's resident memory stays at its high-water mark although the memory is free
(measured on 5M BVH rows: 1,830 MiB resident after reading, 1,134 MiB after a trim).
:func:`release` collects reference cycles and asks the C allocator to return free pages.
Where the C library has no ``malloc_trim`` (macOS, Windows, musl), only the collection runs.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from collections.abc import Callable
from functools import cache

__all__ = ["release"]


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    try:
        trim = ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None
    if trim is None:
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


def release(collect: bool = True) -> bool:
    """Collect cycles (when ``collect``) and return free heap pages to the OS; whether the
    allocator could be asked."""
    if collect:
        gc.collect()
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
