"""National scale: ``vhh-link run`` end to end on streamed synthetic extracts, and growth.

For each size (BVH rows; HKS rows a tenth of that, or more when the design's own people have
more; 50,000 GCOS subjects by default) the
generator streams a study to ``--workdir/<size>`` (kept, so a rerun reuses it), then
``vhh-link run`` executes in a child process of its own. Measured per size: the generator's
wall time and peak RSS, the run's wall time and peak RSS (``os.wait4`` of that child only),
and the stage times of the run's report (``tijden``). Then the ratio of time per doubling of
the rows (target <= 2.2: no quadratic step). The floor: ``pyarrow.csv.read_csv`` of the
same BVH file in a child of its own just before the run, and the run's time as a multiple
of it (issue 17: at most 10x). After each run (untimed) its BVH matches are scored against
the generator's truth (``vhh-link evaluate``): speed bought with wrong links must show.
Results go to ``--out`` as JSON.

Machines here are shared and noisy: compare the ratios within one run, not seconds across
runs. The load average is recorded at the start and end of every child.

    python benchmarks/national.py --sizes 2.5M 5M 10M 20M             # growth, ~30 min
    python benchmarks/national.py --sizes 20M --workdir /work/data     # national size only
    python benchmarks/national.py --sizes 100k 200k --subjects 2130    # a quick check
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def parse_size(text: str) -> int:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([kKmM]?)", text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"size {text!r}: write it like 250k, 2.5M or 20M")
    factor = {"": 1, "k": 1_000, "m": 1_000_000}[match.group(2).lower()]
    return int(float(match.group(1)) * factor)


def _label(rows: int) -> str:
    return f"{rows / 1e6:g}M" if rows >= 1_000_000 else f"{rows / 1e3:g}k"


def _tree_rss(pid: int, peak: list[int], done: threading.Event) -> None:
    """The highest sum of the resident memory of ``pid`` and its descendants, sampled
    every 50 ms (``ru_maxrss`` is the largest single process, not the sum)."""
    import psutil  # a benchmark dependency only
    try:
        root = psutil.Process(pid)
    except psutil.Error:
        return
    while not done.is_set():
        total = 0
        try:
            for proc in (root, *root.children(recursive=True)):
                with contextlib.suppress(psutil.Error):
                    total += proc.memory_info().rss
        except psutil.Error:
            return
        peak[0] = max(peak[0], total)
        time.sleep(0.05)


def measured(args: list[str], log: Path) -> dict[str, Any]:
    """Run ``args`` as a child; its wall time, peak RSS (the largest process, and all of
    its processes together, sampled) and exit code."""
    load0 = os.getloadavg()[0]
    t0 = time.perf_counter()
    tree, done = [0], threading.Event()
    with log.open("w") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        sampler = threading.Thread(target=_tree_rss, args=(proc.pid, tree, done), daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        done.set()
        sampler.join()
    seconds = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    if code:
        tail = log.read_text(errors="replace")[-3000:]
        raise SystemExit(f"{' '.join(args[:4])} ... failed ({code}); see {log}:\n{tail}")
    return {"seconds": round(seconds, 1), "peak_mb": round(usage.ru_maxrss / 1024),
            "peak_all_processes_mb": round(tree[0] / 2**20),
            "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
            "load_start": round(load0, 2), "load_end": round(os.getloadavg()[0], 2)}


def prepare(folder: Path, subjects: int, bvh_rows: int, seed: int) -> dict[str, Any] | None:
    """Stream the study into ``folder`` unless it is already there; the generator's cost."""
    done = folder / "truth" / "expected_funnel.json"
    generated = None
    if not done.exists():
        folder.mkdir(parents=True, exist_ok=True)
        generated = measured([sys.executable, "-m", "vhh.pipelines.cli", "synth", "--out",
                              str(folder), "--subjects", str(subjects), "--bvh-rows",
                              str(bvh_rows), "--seed", str(seed)], folder / "synth.log")
    config = folder / "config.toml"
    if not config.exists():
        shutil.copyfile(ROOT / "config" / "default.toml", config)
        shutil.copyfile(ROOT / "config" / "incidentcodes_voorbeeld.csv",
                        folder / "incidentcodes_voorbeeld.csv")
    if not (folder / "bench.key").exists():
        subprocess.run([sys.executable, "-m", "vhh.pipelines.cli", "keygen", "--out",
                        str(folder / "bench.key")], check=True, capture_output=True, cwd=ROOT)
    return generated


_PARSE = ("import sys, time, pyarrow.csv as c; head = open(sys.argv[1]).readline(); "
          "sep = ';' if head.count(';') > head.count(',') else ','; t = time.perf_counter(); "
          "n = c.read_csv(sys.argv[1], parse_options=c.ParseOptions(delimiter=sep)).num_rows; "
          "print(time.perf_counter() - t, n)")


def parse_floor(folder: Path) -> dict[str, Any]:
    """The floor (issue 17): pyarrow.csv.read_csv of the same BVH file, in a child."""
    log = folder / "parse.log"
    result = measured([sys.executable, "-c", _PARSE, str(folder / "input" / "bvh_incidenten.csv")],
                      log)
    seconds, rows = log.read_text().split()
    return {**result, "parse_s": round(float(seconds), 2), "rows": int(rows)}


def run_once(folder: Path) -> dict[str, Any]:
    out = folder / "out"
    shutil.rmtree(out, ignore_errors=True)
    result = measured([sys.executable, "-m", "vhh.pipelines.cli", "run", "--config",
                       str(folder / "config.toml"), "--key-file", str(folder / "bench.key"),
                       "--out", str(out)], folder / "run.log")
    report = json.loads((out / "export" / "auditrapport.json").read_text("utf-8"))
    funnel = {s["stap"]: s["rest"] for s in report["trechter"]}
    return {**result, "stages": report["tijden"], "funnel": funnel,
            "bvh_rows": report["rijen"]["bvh"]["gelezen"],
            "hks_rows": report["rijen"]["hks"]["gelezen"],
            "identities_bvh": report["koppeling"]["bvh"]["identiteiten"],
            "candidate_pairs_bvh": report["koppeling"]["bvh"]["kandidaatparen"],
            "capped_blocks_bvh": len(report["koppeling"]["bvh"]["afgetopte_blokken"])}


def quality(folder: Path) -> dict[str, Any]:
    """Precision, recall and F1 of the run's BVH matches against the truth (untimed), the
    look-alike rows matched and the share of subjects sent to review."""
    from vhh.linkage.tools.evaluate import evaluate, read_links, read_truth

    result = evaluate(read_links(folder / "out" / "secure" / "koppelingen.csv"),
                      read_truth(folder / "truth"), source="bvh")
    keep = ("matches", "false_positives", "findable_rows", "precision", "recall", "f1",
            "recall_with_review", "review_subject_share")
    lookalikes = result["per_trap"]["lookalike_rows"]
    return {**{k: result[k] for k in keep},
            "lookalike_rows": sum(c["rows"] for c in lookalikes.values()),
            "lookalike_rows_matched": sum(c["matched"] for c in lookalikes.values())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=parse_size, nargs="+", default=[parse_size("2.5M")])
    parser.add_argument("--subjects", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/vhh-national"))
    parser.add_argument("--out", type=Path,
                        default=ROOT / "benchmarks" / "results" / "national.json")
    args = parser.parse_args()
    results = []
    for rows in args.sizes:
        folder = args.workdir / f"{_label(rows)}_{args.subjects}_{args.seed}"
        generated = prepare(folder, args.subjects, rows, args.seed)
        if generated:
            print(f"[{_label(rows)}] generated in {generated['seconds']} s, "
                  f"peak {generated['peak_mb']} MB", flush=True)
        floor = parse_floor(folder)
        run = run_once(folder)
        scored = quality(folder)
        results.append({"size": _label(rows), "subjects": args.subjects, "generate": generated,
                        "pyarrow_parse": floor,
                        "times_parse": round(run["seconds"] / floor["parse_s"], 1), **run,
                        "quality": scored})
        print(f"[{_label(rows)}] {run['bvh_rows']:,} BVH + {run['hks_rows']:,} HKS rows: "
              f"{run['seconds']} s, peak {run['peak_mb']} MB, all processes "
              f"{run['peak_all_processes_mb']} MB (load {run['load_start']}"
              f"-{run['load_end']}); pyarrow parses the BVH file in {floor['parse_s']} s: "
              f"x{results[-1]['times_parse']}", flush=True)
        print("    " + ", ".join(f"{k} {v:.0f}s" for k, v in run["stages"].items()
                                 if "." not in k and v >= 1), flush=True)
        print("    BVH against the truth: " + ", ".join(f"{k} {v}" for k, v in scored.items()),
              flush=True)
    if len(results) > 1:
        print("\nper doubling: time ratio (rows ratio)")
        for a, b in zip(results, results[1:], strict=False):
            print(f"  {a['size']:>5} -> {b['size']:<5} x{b['seconds'] / a['seconds']:.2f} "
                  f"(x{b['bvh_rows'] / a['bvh_rows']:.2f})")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"command": " ".join(sys.argv), "results": results},
                                   indent=2) + "\n")
    print(f"written: {args.out}")


if __name__ == "__main__":
    main()
