"""Profile the whole ``vhh-link run`` flow (:func:`vhh.pipelines.study.run_study`) with cProfile.

Generates a synthetic study of the given size in a temporary folder (extracts, the default
config, the example incident codes and a fresh key, as ``vhh-link demo`` does), runs it under
cProfile and prints

- the per-stage times the run itself reports (``report["tijden"]``),
- the top functions by cumulative time (default 30),
- the top functions by own time (``tottime``), where the time is actually spent,
- our own functions (``linkage/``, ``pipelines/``) by cumulative time.

cProfile adds overhead to every Python call, so its stage times run high; ``--baseline``
first runs the study once without the profiler and prints those stage times as well.

    python benchmarks/profile_pipeline.py                      # subjects=2130: ~100k BVH rows
    python benchmarks/profile_pipeline.py --subjects 21300 --top 40 --save /tmp/run.prof
    python -m pstats /tmp/run.prof                             # browse a saved profile
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import re
import shutil
import tempfile
import time
import tomllib
from pathlib import Path

from vhh.linkage.privacy.keys import generate_key_file, load_key
from vhh.linkage.settings import DEFAULT_CONFIG, Settings, settings_from_mapping
from vhh.linkage.synth.generate import generate
from vhh.linkage.synth.settings import SynthSettings
from vhh.linkage.synth.write import write_synth
from vhh.pipelines.study import SOURCES, StudyResult, run_study

ROOT = Path(__file__).resolve().parent.parent


def make_study(root: Path, subjects: int, seed: int, noise: str, fmt: str
               ) -> tuple[Settings, Path, dict[str, int]]:
    """Synthetic extracts, settings and a key file in ``root``; returns rows per source."""
    synth = generate(SynthSettings(seed=seed, subjects=subjects, noise=noise))
    write_synth(synth, root, fmt=fmt)
    rows = {s: len(getattr(synth, s)) for s in SOURCES}
    shutil.copyfile(DEFAULT_CONFIG.parent / "incidentcodes_voorbeeld.csv",
                    root / "incidentcodes_voorbeeld.csv")
    data = tomllib.loads(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    data["inputs"].update({s: f"input/{s}.{fmt}" for s in SOURCES})
    settings = settings_from_mapping(data, source=str(root / "config.toml"), base_dir=root)
    key_file = root / "bench.key"
    generate_key_file(key_file)
    return settings, key_file, rows


def _run(settings: Settings, key_file: Path, out: Path) -> tuple[StudyResult, float]:
    t0 = time.perf_counter()
    result = run_study(settings, load_key(key_file), out)
    return result, time.perf_counter() - t0


def _stage_lines(title: str, result: StudyResult, total: float) -> list[str]:
    stages: dict[str, float] = result.report.get("tijden", {})
    lines = [f"{title}: {total:.2f} s in run_study; stages (report['tijden']):"]
    width = max((len(k) for k in stages), default=0)
    for name, seconds in sorted(stages.items(), key=lambda kv: -kv[1]):
        share = 100 * seconds / total if total else 0.0
        lines.append(f"  {name:<{width}} {seconds:8.3f} s  {share:5.1f} %")
    lines.append(f"  {'(outside stages)':<{width}} {total - sum(stages.values()):8.3f} s")
    return lines


def _stats_text(profile: cProfile.Profile, sort: str, top: int, ours_only: bool = False
                ) -> str:
    """pstats' table; ``ours_only`` keeps the functions defined in this repository."""
    buffer = io.StringIO()
    stats = pstats.Stats(profile, stream=buffer)
    if ours_only:
        stats.sort_stats(sort).print_stats(re.escape(f"{ROOT}/") + "(linkage|pipelines|schemas)/",
                                           top)
    else:
        stats.strip_dirs().sort_stats(sort).print_stats(top)
    text = buffer.getvalue().replace(f"{ROOT}/", "")
    start = text.find("   ncalls")  # drop pstats' header lines
    return text[start:] if start >= 0 else text


def _funnel_line(result: StudyResult) -> str:
    link = result.report["koppeling"]["bvh"]
    return (f"BVH linkage: {link['identiteiten']} identities, {link['kandidaatparen']} "
            f"candidate pairs, matches per rule {link['besluiten_per_regel']}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subjects", type=int, default=2130,
                        help="in-scope GCOS subjects (default 2130: about 100k BVH rows)")
    parser.add_argument("--seed", type=int, default=2013)
    parser.add_argument("--noise", choices=("default", "high"), default="high")
    parser.add_argument("--format", dest="fmt", choices=("csv", "parquet"), default="csv",
                        help="extract format; csv is what a real run reads (default)")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--baseline", action="store_true",
                        help="run once without the profiler first, for clean stage times")
    parser.add_argument("--save", type=Path, default=None, help="write the raw profile here")
    parser.add_argument("--keep", type=Path, default=None,
                        help="use this folder (kept) instead of a temporary one")
    args = parser.parse_args(argv)

    root = args.keep or Path(tempfile.mkdtemp(prefix="vhh-profile-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        t0 = time.perf_counter()
        settings, key_file, rows = make_study(root, args.subjects, args.seed, args.noise,
                                              args.fmt)
        print(f"generated subjects={args.subjects} seed={args.seed} noise={args.noise} "
              f"({args.fmt}) in {time.perf_counter() - t0:.1f} s: "
              + ", ".join(f"{s} {n}" for s, n in rows.items()))
        if args.baseline:
            result, total = _run(settings, key_file, root / "out-baseline")
            print("\n".join(_stage_lines("without profiler", result, total)))
        profile = cProfile.Profile()
        profile.enable()
        result, total = _run(settings, key_file, root / "out")
        profile.disable()
        if args.save:
            profile.dump_stats(args.save)
        print(_funnel_line(result))
        print("\n".join(_stage_lines("under cProfile", result, total)))
        print(f"\n=== top {args.top} by cumulative time ===")
        print(_stats_text(profile, "cumulative", args.top))
        print(f"=== top {args.top} by own time (tottime) ===")
        print(_stats_text(profile, "tottime", args.top))
        print("=== our functions (linkage/, pipelines/, schemas/) by cumulative time ===")
        print(_stats_text(profile, "cumulative", args.top, ours_only=True))
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
