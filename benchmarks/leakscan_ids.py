"""The leak scanner's cost: its id set (strings vs hashes), and the whole scan at national size.

``--national DIR`` (a folder written by ``vhh-link synth --bvh-rows ...``, millions of
distinct surnames with their typos): the scanner of another revision (``--baseline``,
default ``main``, taken with ``git archive`` and imported from a temporary folder) against
this checkout's, each in a child process of its own. Each child collects the identifiers
of every input row of DIR as a run does (the one reading path, police extracts in
chunks), then runs the demo (its own code, bundled extracts) and scans the demo's export
against that national identifier set as its gate would. Prints seconds, peak RSS, the
set's sizes, the scan's seconds and its alarms, and the ratios before / after. The
baseline's alarms are what its gate would have refused; this checkout's must be none.

    nice python benchmarks/leakscan_ids.py --national national   # about 15 minutes

The synth folder's crowd has few distinct surnames (its names come from a pool of some
thousand Faker draws), so ``--surnames`` (default three million) adds that many distinct
spellings (tests/dutch_surnames.py) to both sides: a set in which nearly every Dutch word
is somebody's surname.

Measured on the shared 2-core machine (one run each; ratios, not seconds, compare):
300,000 BVH rows + 300,000 spellings: collection 1.07x (before / after), read + collect
1.42x, peak RSS 1.02x, the demo's scan 3.85x, alarms 315 in 8 files before, 0 after. With
20M BVH + 2M HKS rows + 3,000,000 spellings the baseline did not finish within 20 minutes:
its scan tests every "initials surname" pair as a substring of every line, a cost that
grows with the set; this checkout looks up each text's word runs instead.

Without ``--national``, the original comparison of the id set alone:

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
import os
import resource
import shutil
import subprocess
import sys
import tempfile
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
        from vhh.linkage.privacy.leakscan import SCAN_BATCH

        return sum(int(self.found.ids.contains(tokens[i:i + SCAN_BATCH]).sum())
                   for i in range(0, len(tokens), SCAN_BATCH))


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


# --- the whole scanner at national size, before (another revision) and after --------------


def _config(folder: Path) -> Path:
    """A configuration for a synth folder (its input/ and the example incident codes)."""
    config = folder / "config.toml"
    if not config.exists():
        from vhh.linkage.settings import DEFAULT_CONFIG

        shutil.copyfile(DEFAULT_CONFIG, config)
        shutil.copyfile(DEFAULT_CONFIG.parent / "incidentcodes_voorbeeld.csv",
                        folder / "incidentcodes_voorbeeld.csv")
    return config


def _surname_chunks(n: int) -> Iterator[pd.DataFrame]:
    """``n`` distinct surname spellings (tests/dutch_surnames.py: Faker's nl_NL names, Dutch
    words that are surnames, their typos and double names) as police-like rows."""
    sys.path.insert(0, str(ROOT / "tests"))
    from dutch_surnames import identity_frame, national_surnames

    names = national_surnames(n)
    for start in range(0, n, 1_000_000):
        yield identity_frame(names[start:start + 1_000_000], seed=start)


def _collect(config: Path, surnames: int) -> tuple[Any, dict[str, float]]:
    """The identifiers of every input row, as a run collects them, and of ``surnames``
    further spellings; seconds and sizes."""
    from vhh.linkage.privacy.identifiers import IdentifierCollector
    from vhh.linkage.settings import load_settings
    from vhh.linkage.validate.inputs import read_inputs

    collector = IdentifierCollector()
    spent = [0.0]

    def observe(source: str, frame: pd.DataFrame) -> None:
        t0 = time.perf_counter()
        collector.add(frame, source=source)
        spent[0] += time.perf_counter() - t0

    t0 = time.perf_counter()
    read_inputs(load_settings(config), observe)
    for frame in _surname_chunks(surnames):
        observe("national surnames", frame)
    t1 = time.perf_counter()
    found = collector.finish()
    spent[0] += time.perf_counter() - t1
    words = getattr(found, "surname_words", None) or getattr(found, "surname_tokens", set())
    sizes = {"surname_words": len(words), "surname_phrases": len(getattr(found, "surname_phrases",
                                                                          ())),
             "surnames_full": len(found.surnames_full), "dates": len(found.dates),
             "ids": len(found.ids)}
    return found, {"read_and_collect_s": time.perf_counter() - t0, "collect_s": spent[0],
                   "peak_rss_mb": _rss_mb(), **{k: float(v) for k, v in sizes.items()}}


def _demo_hits(ids: Any, demo: Path) -> list[Any]:
    """Scan the demo's export against ``ids`` as this revision's gate does."""
    from vhh.linkage.settings import load_settings

    settings = load_settings(demo / "config.toml")
    export = demo / "export"
    names = sorted(p.name for p in export.iterdir())
    try:
        from vhh.linkage.privacy.gate import scan_folder
        from vhh.linkage.report.exportspec import export_own_text
    except ImportError:  # the baseline: the template vocabulary of its verify
        from vhh.linkage.privacy.leakscan import scan_file  # type: ignore[attr-defined]
        from vhh.linkage.report.model import AuditReport
        from vhh.linkage.tools.verify_leaks import (  # type: ignore[attr-defined]
            _scan_inputs,
            export_vocabulary,
        )

        tables, _, values = _scan_inputs(settings)
        report = AuditReport.from_json(json.loads((export / "auditrapport.json").read_text()))
        vocabulary = export_vocabulary(settings, report, tables, values)
        return [h for n in names for h in scan_file(export / n, ids, vocabulary, n)]
    return list(scan_folder(export, names, ids, export_own_text(settings)))


def national_child(folder: Path, demo: Path, surnames: int) -> dict[str, float]:
    from vhh.pipelines.demo import run_demo

    run_demo(demo)
    ids, out = _collect(_config(folder), surnames)
    t0 = time.perf_counter()
    hits = _demo_hits(ids, demo)
    out |= {"scan_demo_export_s": time.perf_counter() - t0, "alarms": float(len(hits)),
            "alarm_files": float(len({h.file for h in hits}))}
    return out


def _baseline(revision: str, work: Path) -> Path:
    """``revision`` of this repository as an importable ``vhh`` namespace in ``work``."""
    source = work / "source"
    source.mkdir()
    archive = subprocess.run(["git", "archive", revision], cwd=ROOT, capture_output=True,
                             check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(source)], input=archive, check=True)
    farm = work / "farm" / "vhh"
    farm.mkdir(parents=True)
    for name in ("linkage", "schemas", "pipelines", "config"):
        (farm / name).symlink_to(source / name)
    return farm.parent


def national(folder: Path, revision: str, surnames: int) -> None:
    results = {}
    with tempfile.TemporaryDirectory(prefix="leakscan-") as tmp:
        work = Path(tmp)
        farm = _baseline(revision, work)
        for variant, path in (("before", str(farm)), ("after", "")):
            env = {**os.environ, "PYTHONPATH": path}
            proc = subprocess.run([sys.executable, __file__, "--national-child", str(folder),
                                   "--demo", str(work / f"demo-{variant}"),
                                   "--surnames", str(surnames)], env=env,
                                  capture_output=True, text=True, cwd=work, check=True)
            results[variant] = json.loads(proc.stdout.strip().splitlines()[-1])
    before, after = results["before"], results["after"]
    print(f"national identifier set from {folder} and {surnames:,} further surname spellings; "
          f"before = {revision}, after = this checkout")
    print(f"{'measure':<22}{'before':>14}{'after':>14}{'before / after':>16}")
    for key in before:
        old, new = before[key], after.get(key, float("nan"))
        ratio = f"{old / new:>15.2f}x" if new else f"{'-':>16}"
        print(f"{key:<22}{old:>14,.2f}{new:>14,.2f}{ratio}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ids", type=int, default=5_000_000, help="rows (ids) to collect")
    parser.add_argument("--chunk", type=int, default=1_000_000, help="rows per chunk")
    parser.add_argument("--national", type=Path, default=None,
                        help="a 'vhh-link synth --bvh-rows' folder: the whole scan, before/after")
    parser.add_argument("--baseline", default="main", help="the revision to compare with")
    parser.add_argument("--surnames", type=int, default=3_000_000,
                        help="further distinct surname spellings for --national")
    parser.add_argument("--national-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--demo", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child", choices=sorted(VARIANTS), help=argparse.SUPPRESS)
    parser.add_argument("--mode", choices=["time", "tracemalloc"], default="time",
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.national_child:
        print(json.dumps(national_child(args.national_child.resolve(), args.demo,
                                        args.surnames)))
        return
    if args.national:
        national(args.national.resolve(), args.baseline, args.surnames)
        return
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
