"""Input validation before and after the speed-up, on the same generated extracts.

Generates a synthetic study (``--subjects 21300`` gives about a million BVH rows), writes it
as CSV and reads each extract back with :func:`vhh.linkage.io.readers.read_source`, so the
frames are exactly what the pipeline validates. Then it times
:func:`vhh.linkage.validate.sources.validate_source`
against the frozen copy of the validation before the speed-up (``tests/validate_oracle.py``),
alternating the two ``--repeat`` times, checks that both return the same frames, and prints
the best and median seconds of each and the ratio old / new.

    python benchmarks/validate_speed.py                             # ~1M BVH rows, ~1-2 minutes
    python benchmarks/validate_speed.py --subjects 2130 --sources all
    python benchmarks/validate_speed.py --chunk 250000               # the new code per chunk
    python benchmarks/validate_speed.py --profile                   # cProfile of the new code

Machines here are shared and noisy: trust the ratio of one run, and the best time more than
the median.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from vhh.linkage.io.readers import read_source
from vhh.linkage.synth.generate import generate
from vhh.linkage.synth.settings import SynthSettings
from vhh.linkage.synth.write import write_synth
from vhh.linkage.validate.sources import validate_source

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import validate_oracle  # noqa: E402  (a frozen copy kept with the tests)

SOURCES = ("gcos_subjecten", "gcos_besprekingen", "bvh_incidenten", "hks_antecedenten")


def read_extracts(subjects: int, seed: int, sources: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    """The generated extracts, written as CSV and read back as the pipeline reads them."""
    with tempfile.TemporaryDirectory() as tmp:
        write_synth(generate(SynthSettings(subjects=subjects, seed=seed)), Path(tmp))
        return {s: read_source(s, Path(tmp, "input", f"{s}.csv")).frame for s in sources}


def timed(run: Callable[[], object]) -> tuple[float, object]:
    gc.collect()
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result


def in_chunks(source: str, raw: pd.DataFrame, chunk: int) -> list[object]:
    return [validate_source(source, raw.iloc[i:i + chunk], file="bench.csv")
            for i in range(0, len(raw), chunk)]


def compare(source: str, raw: pd.DataFrame, repeat: int, chunk: int | None) -> dict[str, float]:
    """Best and median seconds of old and new on one extract; the frames must be equal."""
    times: dict[str, list[float]] = {"old": [], "new": []}
    for _ in range(repeat):
        seconds, old = timed(lambda: validate_oracle.validate_source(source, raw, file="x"))
        times["old"].append(seconds)
        if chunk:
            seconds, new = timed(lambda: in_chunks(source, raw, chunk))
        else:
            seconds, new = timed(lambda: validate_source(source, raw, file="x"))
            pd.testing.assert_frame_equal(new.valid, old.valid, check_exact=True)
            pd.testing.assert_frame_equal(new.quarantine, old.quarantine, check_exact=True)
        times["new"].append(seconds)
        del old, new
    return {f"{who}_{stat}": round(fn(t), 3) for who, t in times.items()
            for stat, fn in (("best", min), ("median", statistics.median))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=21300)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sources", default="bvh_incidenten",
                        help="comma-separated source names, or 'all'")
    parser.add_argument("--chunk", type=int, default=None,
                        help="validate the new way in chunks of this many rows")
    parser.add_argument("--profile", action="store_true",
                        help="also print a cProfile of the new validation")
    args = parser.parse_args()
    sources = SOURCES if args.sources == "all" else tuple(args.sources.split(","))

    frames = read_extracts(args.subjects, args.seed, sources)
    print(f"{'source':20s} {'rows':>9s} {'old best':>9s} {'old med':>8s} "
          f"{'new best':>9s} {'new med':>8s} {'ratio':>6s}")
    for source, raw in frames.items():
        t = compare(source, raw, args.repeat, args.chunk)
        print(f"{source:20s} {len(raw):9d} {t['old_best']:9.2f} {t['old_median']:8.2f} "
              f"{t['new_best']:9.2f} {t['new_median']:8.2f} "
              f"{t['old_best'] / t['new_best']:6.2f}x")
    if args.profile:
        for source, raw in frames.items():
            profiler = cProfile.Profile()
            profiler.runcall(validate_source, source, raw, file="x")
            pstats.Stats(profiler).sort_stats("tottime").print_stats(20)


if __name__ == "__main__":
    main()
