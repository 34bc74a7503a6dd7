"""Resident memory per stage of one ``vhh-link`` command, in this process.

RSS is sampled every 20 ms on a thread; every stage of the run's stopwatch (and every file
the secure stage writes) reports its RSS at the start, its highest sample and its RSS at
the end, on stderr, in the order they finished, then the process's peak (``ru_maxrss``)
and the highest sample of this process and its worker processes together (the identifier
collection's worker of a large run).
Nested stages (``block`` inside ``link_bvh``) each report their own. Last, *where* the
process grew: at every new high of the whole run (16 MiB above the last), the line of
project code the main thread was on, with its two callers; the highest of those are listed
with their RSS and the seconds since the start. Untimed: the sampling costs a little CPU;
read the memory, not the seconds.

    python benchmarks/memprobe.py run --config DIR/config.toml --key-file DIR/bench.key \\
        --out DIR/out 2> memory.txt
"""

from __future__ import annotations

import functools
import os
import resource
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import psutil
from vhh.linkage import stopwatch

_PROCESS = psutil.Process()
_STATE = {"max": 0, "together": 0, "stage_together": 0}
_ROWS: list[tuple[str, int, int, int, int]] = []
_HIGHS: list[tuple[float, int, str]] = []  # (seconds, RSS, where) at each new high
_STEP = 16 << 20
_ROOMS = ("/linkage/", "/pipelines/", "/schemas/")


def _where() -> str:
    """The main thread's innermost project frame and its two project callers."""
    frame = sys._current_frames().get(threading.main_thread().ident or 0)
    if frame is None:
        return "?"
    ours = [f"{os.path.basename(f.filename)}:{f.lineno} {f.name}"
            for f in traceback.extract_stack(frame) if any(r in f.filename for r in _ROOMS)]
    return " < ".join(reversed(ours[-3:])) or "(outside project code)"


def _note_high(rss: int, started: float) -> None:
    if not _HIGHS or rss >= _HIGHS[-1][1] + _STEP:
        _HIGHS.append((time.monotonic() - started, rss, _where()))


def _rss_of_children() -> int:
    total = 0
    for child in _PROCESS.children(recursive=True):
        try:
            total += child.memory_info().rss
        except psutil.Error:  # ended between the listing and the look
            continue
    return total


def _sample() -> None:
    started = time.monotonic()
    while True:
        rss = _PROCESS.memory_info().rss
        _note_high(rss, started)
        _STATE["max"] = max(_STATE["max"], rss)
        together = rss + _rss_of_children()
        _STATE["together"] = max(_STATE["together"], together)
        _STATE["stage_together"] = max(_STATE["stage_together"], together)
        time.sleep(0.02)


@contextmanager
def _measured(name: str) -> Iterator[None]:
    outer, outer_together = _STATE["max"], _STATE["stage_together"]
    start = _STATE["max"] = _STATE["stage_together"] = _PROCESS.memory_info().rss
    try:
        yield
    finally:
        _ROWS.append((name[:28], start >> 20, _STATE["max"] >> 20,
                      _PROCESS.memory_info().rss >> 20, _STATE["stage_together"] >> 20))
        _STATE["max"] = max(outer, _STATE["max"])
        _STATE["stage_together"] = max(outer_together, _STATE["stage_together"])


def _stage_wrapper(original: Callable[..., Any]) -> Callable[..., Any]:
    @contextmanager
    def stage(self: stopwatch.Stopwatch, name: str) -> Iterator[None]:
        with _measured(name), original(self, name):
            yield
    return stage


def _write_wrapper(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def write(path: Any, *args: Any, **kwargs: Any) -> Any:
        with _measured("write " + str(path).rsplit("/", 1)[-1]):
            return original(path, *args, **kwargs)
    return write


def main() -> None:
    threading.Thread(target=_sample, daemon=True).start()
    stopwatch.Stopwatch.stage = _stage_wrapper(stopwatch.Stopwatch.stage)  # type: ignore[method-assign]
    from vhh.pipelines import cli, outputs
    outputs.atomic_write_bytes = _write_wrapper(outputs.atomic_write_bytes)  # type: ignore[assignment]
    try:
        cli.main(sys.argv[1:], standalone_mode=False)
    finally:
        for name, start, high, end, together in _ROWS:
            print(f"{name:<28} start {start:6d}  max {high:6d}  end {end:6d} MiB"
                  f"  with workers {together:6d}", file=sys.stderr)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10
        print(f"peak {peak} MiB", file=sys.stderr)
        print(f"peak with worker processes {_STATE['together'] >> 20} MiB (sampled)",
              file=sys.stderr)
        print("where the process grew (the highest 12 steps of 16 MiB):", file=sys.stderr)
        for seconds, rss, where in _HIGHS[-12:]:
            print(f"  {seconds:7.1f} s {rss >> 20:6d} MiB  {where}", file=sys.stderr)


if __name__ == "__main__":
    main()
