"""Two engines on one study folder, taking turns: the ratio of each stage, same machine, same hour.

The national benchmark's seconds move by 20 % from one day to the next on this shared
machine (the pyarrow parse of the same file took 6.2 s one day and 7.6 s the next), so a
change is measured against the engine before it *in the same script*: ``vhh-link run`` of
this checkout and of a baseline checkout (its own virtualenv's python), alternately, a few
rounds, on the same extracts and key. Reported per stage: the median seconds of each and the
ratio, the peak memory of each, and whether the two produced the same secure files and the
same export (byte for byte, apart from the run's own id, times and signature).

    python benchmarks/ab_engines.py --folder /work/data/speed/nat/20M_50000_7 \
        --baseline /work/wt/before/.venv/bin/python --rounds 2 --out results/ab.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import statistics
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from national import measured  # noqa: E402  (the benchmarks folder is not a package)

_SAME = ("koppelingen.csv", "review.csv", "verlies_per_subject.csv",
         "quarantaine/bvh_incidenten.csv", "quarantaine/hks_antecedenten.csv",
         "quarantaine/gcos_subjecten.csv", "quarantaine/gcos_besprekingen.csv")


def _digests(out: Path) -> dict[str, str]:
    files = {name: out / "secure" / name for name in _SAME}
    files["analysebestand.csv"] = out / "export" / "analysebestand.csv"
    return {name: hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "-"
            for name, path in files.items()}


def run(python: str, folder: Path, out: Path) -> dict[str, Any]:
    """``vhh-link run`` with ``python``; wall, peak, stage seconds and output digests."""
    shutil.rmtree(out, ignore_errors=True)
    result = measured([python, "-m", "vhh.pipelines.cli", "run", "--config",
                       str(folder / "config.toml"), "--key-file", str(folder / "bench.key"),
                       "--out", str(out)], out.with_suffix(".log"))
    report = json.loads((out / "export" / "auditrapport.json").read_text("utf-8"))
    return {**result, "stages": report["tijden"], "digests": _digests(out)}


def summary(runs: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Median seconds per stage of each engine and their ratio (this / baseline)."""
    def median(label: str, key: str) -> float:
        values = [r["stages"].get(key, 0.0) if key != "wall" else r["seconds"]
                  for r in runs[label]]
        return round(statistics.median(values), 2)

    stages = ["wall", *[k for k in runs["this"][0]["stages"] if "." not in k]]
    table = {k: {"this": median("this", k), "baseline": median("baseline", k)} for k in stages}
    for row in table.values():
        row["ratio"] = round(row["this"] / row["baseline"], 3) if row["baseline"] else None
    same = runs["this"][0]["digests"] == runs["baseline"][0]["digests"]
    peaks = {label: max(r["peak_mb"] for r in rs) for label, rs in runs.items()}
    together = {label: max(r.get("peak_all_processes_mb", 0) for r in rs)
                for label, rs in runs.items()}
    return {"stages": table, "peak_mb": peaks, "peak_all_processes_mb": together,
            "outputs_identical": same}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folder", type=Path, required=True,
                        help="a study folder: config.toml, bench.key, input/")
    parser.add_argument("--baseline", required=True,
                        help="the python of the baseline checkout's virtualenv")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--out", type=Path, required=True, help="JSON results")
    args = parser.parse_args()
    engines = {"this": sys.executable, "baseline": args.baseline}
    runs: dict[str, list[dict[str, Any]]] = {label: [] for label in engines}
    for number in range(args.rounds):
        for label, python in (engines.items() if number % 2 == 0
                              else reversed(list(engines.items()))):
            out = args.folder / f"ab_{label}"
            runs[label].append(run(python, args.folder, out))
            print(f"round {number + 1} {label}: {runs[label][-1]['seconds']} s, "
                  f"peak {runs[label][-1]['peak_mb']} MB "
                  f"(all processes {runs[label][-1]['peak_all_processes_mb']} MB)", flush=True)
    result = {"command": " ".join(sys.argv), "runs": runs, "summary": summary(runs)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    for stage, row in result["summary"]["stages"].items():
        print(f"{stage:16s} {row['this']:8.1f} {row['baseline']:8.1f}  ratio {row['ratio']}")
    print("peak MB", result["summary"]["peak_mb"], "all processes",
          result["summary"]["peak_all_processes_mb"], "outputs identical:",
          result["summary"]["outputs_identical"])


if __name__ == "__main__":
    main()
