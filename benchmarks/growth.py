"""Growth: end-to-end ``vhh-link run`` time and peak memory as the extracts double.

For each size, the generator writes a study (subjects scale with the rows), and the whole
run executes in a child process so its peak RSS is its own. Prints the time and memory per
size and the ratio for each doubling (target: <= 2.2x time per doubling, i.e. no quadratic
step). Machines here are shared and noisy: ratios within one run are what count.

    python benchmarks/growth.py                        # 2130, 4260, 8520 subjects (~0.1-0.4M rows)
    python benchmarks/growth.py --subjects 2130 4260 8520 17040 34080
    python benchmarks/growth.py --subjects 2130 --others 15000 30000 60000 120000

With ``--others`` the subjects stay fixed and only the non-subject population (and so the
police rows) doubles, as when a fixed set of case subjects is linked to ever larger
extracts; without it subjects and rows grow together, and candidate pairs grow faster than
the rows because both sides of every block grow.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _prepare(root: Path, subjects: int, fmt: str, others: int | None = None) -> int:
    from vhh.linkage.privacy.keys import generate_key_file
    from vhh.linkage.synth.generate import generate
    from vhh.linkage.synth.settings import SynthSettings
    from vhh.linkage.synth.write import write_synth

    extra = {} if others is None else {"others": others}
    data = generate(SynthSettings(subjects=subjects, seed=11, **extra))
    rows = len(data.bvh_incidenten)
    write_synth(data, root, fmt=fmt)
    config = (ROOT / "config" / "default.toml").read_text()
    if fmt == "parquet":
        config = config.replace(".csv\"", ".parquet\"")
    (root / "config.toml").write_text(config)
    shutil.copyfile(ROOT / "config" / "incidentcodes_voorbeeld.csv",
                    root / "incidentcodes_voorbeeld.csv")
    generate_key_file(root / "k.key")
    return rows


def _run(root: Path) -> dict[str, object]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "vhh.pipelines.cli", "run", "--config",
                           str(root / "config.toml"), "--key-file", str(root / "k.key"),
                           "--out", str(root / "out")], capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode:
        raise SystemExit(f"run failed ({proc.returncode}): {proc.stderr[-2000:]}")
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    report = json.loads((root / "out" / "export" / "auditrapport.json").read_text())
    return {"seconds": round(seconds, 2), "peak_mb": round(max(peak_kb, before) / 1024),
            "stages": report["tijden"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, nargs="+", default=[2130, 4260, 8520])
    parser.add_argument("--others", type=int, nargs="+", default=None,
                        help="fix the subjects (first --subjects value) and grow the others")
    parser.add_argument("--format", choices=["csv", "parquet"], default="csv")
    parser.add_argument("--out", type=Path,
                        default=ROOT / "benchmarks" / "results" / "growth.json")
    args = parser.parse_args()
    results = []
    plan = ([(args.subjects[0], o) for o in args.others] if args.others
            else [(n, None) for n in args.subjects])
    for n, others in plan:
        with tempfile.TemporaryDirectory(prefix="vhh-growth-") as tmp:
            rows = _prepare(Path(tmp), n, args.format, others)
            measured = _run(Path(tmp))
        results.append({"subjects": n, "others": others, "bvh_rows": rows, **measured})
        print(f"{n:>7} subjects {rows:>10,} BVH rows  {measured['seconds']:>8.1f} s  "
              f"{measured['peak_mb']:>6} MB peak", flush=True)
    print("\ndoubling ratios (time, rows):")
    for a, b in zip(results, results[1:], strict=False):
        print(f"  {a['bvh_rows']:>10,} -> {b['bvh_rows']:>10,}: "
              f"time x{b['seconds'] / a['seconds']:.2f}, rows x{b['bvh_rows'] / a['bvh_rows']:.2f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"command": " ".join(sys.argv), "format": args.format,
                                    "results": results}, indent=2) + "\n")
    print(f"written: {args.out}")


if __name__ == "__main__":
    main()
