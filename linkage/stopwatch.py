"""Seconds per named stage of a run, for the report's ``tijden`` (never a data value)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Stopwatch"]


@dataclass
class Stopwatch:
    """Stage name -> seconds (3 decimals), summed when a stage runs more than once.

    ``progress`` hears each stage's name as it starts (the CLI's status line).
    """

    stages: dict[str, float] = field(default_factory=dict)
    progress: Callable[[str], None] | None = None

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        if self.progress:
            self.progress(name)
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - t0)

    def add(self, name: str, seconds: float) -> None:
        self.stages[name] = round(self.stages.get(name, 0.0) + seconds, 3)

    def timed(self, items: Iterator[Any], name: str) -> Iterator[Any]:
        """``items``, with the time spent producing them added to stage ``name``."""
        while True:
            t0 = time.perf_counter()
            try:
                item = next(items)
            except StopIteration:
                self.add(name, time.perf_counter() - t0)
                return
            self.add(name, time.perf_counter() - t0)
            yield item
