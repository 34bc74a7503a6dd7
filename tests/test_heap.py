"""vhh.linkage.heap: freed memory goes back to the OS where the C library allows it."""

from __future__ import annotations

import ctypes.util
import sys

import pytest
from vhh.linkage import heap


def test_release_asks_glibc_and_never_fails() -> None:
    on_glibc = sys.platform.startswith("linux") and ctypes.util.find_library("c") is not None
    assert heap.release() is on_glibc
    assert heap.release(collect=False) is on_glibc


def test_without_malloc_trim_only_the_collection_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    collected = []
    monkeypatch.setattr(heap, "_malloc_trim", lambda: None)
    monkeypatch.setattr(heap.gc, "collect", lambda: collected.append(1) or 0)
    assert heap.release() is False
    assert collected == [1]
    assert heap.release(collect=False) is False and collected == [1]
