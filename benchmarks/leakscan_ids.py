"""The leak scanner's id set: Python strings in a set (before) against 64-bit hashes (now).

Collects synthetic police ids ("B0001234"; drawn from ten million, so some repeat across
chunks) fed in chunks, as the pipeline reads the police extracts, once with the set of
strings that ``vhh.linkage.privacy.leakscan`` kept up to commit dff183f and once with
``IdentifierCollector``. Each variant runs in a child process of its own, twice: once for
time and peak RSS, once under tracemalloc (slower, so not timed) for the peak and retained
Python + numpy allocations. Also times looking up one million candidate tokens (half of them
ids), in the scanner's batches. Prints both variants and the ratios old / new; a third child
only reads the chunks, so that ``peak_over_chunk_mb`` is what the id set itself costs.

    python benchmarks/leakscan_ids.py                       # 5M ids in chunks of 1M
    python benchmarks/leakscan_ids.py --ids 20000000        # national scale, ~2 minutes

Machines here are shared and noisy: compare the ratios of one run, not seconds across runs.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
LOOKUPS = 1_000_000
MIN_NUMERIC_ID = 5


def chunks(total: int, size: int) -> Iterator[pd.DataFrame]:
    rng = np.random.default_rng(20240601)
    for start in range(0, total, size):
        numbers = rng.integers(0, 10_000_000, size=min(size, total - start))
        yield pd.DataFrame({"bvh_id": [f"B{n:07d}" for n in numbers]}, dtype=object)


def lookup_tokens() -> list[str]:
    rng = np.random.default_rng(7)
    present = rng.integers(0, 10_000_000, size=LOOKUPS)
    return [f"b{n:07d}" if i % 2 else f"x{n:07d}" for i, n in enumerate(present)]


class OldIds:
    """The id part of ``build_identifiers`` as of dff183f: every id a string in one set."""

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.unscannable = 0

    def add(self, frame: pd.DataFrame) -> None:
        for value in frame["bvh_id"].astype(str).str.strip().unique():
            if not value:
                continue
            if value.isdigit() and len(value) < MIN_NUMERIC_ID:
                self.unscannable += 1
                continue
            self.ids.add(value.lower())

    def finish(self) -> OldIds:
        return self

    def __len__(self) -> int:
        return len(self.ids)

    def count_hits(self, tokens: list[str]) -> int:
        return sum(t in self.ids for t in tokens)


class NewIds:
    """``IdentifierCollector`` fed the same chunks."""

    def __init__(self) -> None:
        from vhh.linkage.privacy.identifiers import IdentifierCollector

        self.collector = IdentifierCollector()
        self.found: Any = None

    def add(self, frame: pd.DataFrame) -> None:
        self.collector.add(frame, source="bvh")

    def finish(self) -> NewIds:
        self.found = self.collector.finish()
        del self.collector
        return self

    def __len__(self) -> int:
        return len(self.found.ids)

    def count_hits(self, tokens: list[str]) -> int:
        from vhh.linkage.privacy.leakscan import _SCAN_BATCH

        return sum(int(self.found.ids.contains(tokens[i:i + _SCAN_BATCH]).sum())
                   for i in range(0, len(tokens), _SCAN_BATCH))


class NoIds:
    """The baseline: reading the chunks and dropping them, what both variants pay too."""

    def add(self, frame: pd.DataFrame) -> None:
        pass

    def finish(self) -> NoIds:
        return self

    def __len__(self) -> int:
        return 0

    def count_hits(self, tokens: list[str]) -> int:
        return 0


VARIANTS: dict[str, type[OldIds] | type[NewIds] | type[NoIds]] = {
    "old": OldIds, "new": NewIds, "chunks": NoIds}


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(variant: str, mode: str, total: int, size: int) -> dict[str, float]:
    """Collect in this process; report seconds and peak RSS, or tracemalloc peaks."""
    import vhh.linkage.privacy.leakscan  # noqa: F401  (imports before the baseline)

    collector = VARIANTS[variant]()
    gc.collect()
    base_rss = _rss_mb()
    if mode == "tracemalloc":
        tracemalloc.start()
    seconds = 0.0
    for frame in chunks(total, size):
        t0 = time.perf_counter()
        collector.add(frame)
        seconds += time.perf_counter() - t0
        del frame
    t0 = time.perf_counter()
    done = collector.finish()
    seconds += time.perf_counter() - t0
    gc.collect()
    out = {"distinct_ids": float(len(done))}
    if mode == "tracemalloc":
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return {**out, "traced_peak_mb": peak / 2**20, "retained_mb": current / 2**20}
    tokens = lookup_tokens()
    t0 = time.perf_counter()
    hits = done.count_hits(tokens)
    lookup = time.perf_counter() - t0
    return {**out, "collect_s": seconds, "peak_rss_mb": _rss_mb(),
            "rss_growth_mb": _rss_mb() - base_rss, "lookup_1m_s": lookup, "hits": float(hits)}


def _spawn(variant: str, mode: str, total: int, size: int) -> dict[str, float]:
    proc = subprocess.run([sys.executable, __file__, "--child", variant, "--mode", mode,
                           "--ids", str(total), "--chunk", str(size)],
                          capture_output=True, text=True, cwd=ROOT, check=True)
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ids", type=int, default=5_000_000, help="rows (ids) to collect")
    parser.add_argument("--chunk", type=int, default=1_000_000, help="rows per chunk")
    parser.add_argument("--child", choices=sorted(VARIANTS), help=argparse.SUPPRESS)
    parser.add_argument("--mode", choices=["time", "tracemalloc"], default="time",
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.mode, args.ids, args.chunk)))
        return
    results = {v: {**_spawn(v, "time", args.ids, args.chunk),
                   **_spawn(v, "tracemalloc", args.ids, args.chunk)} for v in VARIANTS}
    if results["old"]["hits"] != results["new"]["hits"]:
        raise SystemExit("the two variants disagree on the lookups")
    base = results.pop("chunks")["traced_peak_mb"]
    for variant in results.values():  # what the id set adds to reading the chunks
        variant["peak_over_chunk_mb"] = variant["traced_peak_mb"] - base
    print(f"{args.ids:,} ids in chunks of {args.chunk:,}; "
          f"{results['new']['distinct_ids']:,.0f} distinct; "
          f"reading the chunks alone peaks at {base:.0f} MB traced")
    print(f"{'measure':<20}{'old (set)':>12}{'new (hashes)':>14}{'old / new':>11}")
    for key in ("collect_s", "peak_rss_mb", "rss_growth_mb", "traced_peak_mb",
                "peak_over_chunk_mb", "retained_mb", "lookup_1m_s"):
        old, new = results["old"][key], results["new"][key]
        print(f"{key:<20}{old:>12.2f}{new:>14.2f}{old / new:>10.1f}x")


if __name__ == "__main__":
    main()
