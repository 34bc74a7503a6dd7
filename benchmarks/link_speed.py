"""Linkage time at national scale: the engine of a git ref (default ``main``) against this
checkout, on the same identities, in one script (issue 12: at most 1.3 times today's).

The study is generated once (``--subjects``, default 21,300: about one million BVH rows),
validated and scoped as ``vhh-link run`` does, and reduced to distinct identities. Then
each engine links those identities with its own default configuration and
``keep_pairs=False``, as the pipeline calls it, in a child process of its own (so memory
and caches do not carry over); the two alternate for ``--repeat`` rounds and the fastest
run of each counts, so that the load of a shared machine weighs on both alike. The old engine is the
``linkage/`` folder of the ref, copied to a temporary package ``vhh_old`` by
``git archive``: nothing of this checkout is imported by it.

    nice python benchmarks/link_speed.py                     # ~1M BVH rows, ~5 minutes
    nice python benchmarks/link_speed.py --subjects 2130     # ~100k rows, quick
"""

from __future__ import annotations

import argparse
import io
import json
import os
import pickle
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "link_speed.json"
TARGET_RATIO = 1.3


def prepare(subjects: int, seed: int, work: Path) -> Path:
    """Generate, validate, scope and collapse once; pickle what both engines take."""
    import pandas as pd
    from vhh.linkage.io.readers import read_source
    from vhh.linkage.normalise.identities import collapse_identities
    from vhh.linkage.settings import DEFAULT_CONFIG, load_settings
    from vhh.linkage.study.scope import apply_scope
    from vhh.linkage.synth import SynthSettings, generate, write_synth
    from vhh.linkage.validate.sources import validate_source

    write_synth(generate(SynthSettings(subjects=subjects, seed=seed)), work, fmt="parquet")
    settings = load_settings(DEFAULT_CONFIG)
    valid = {}
    for source in ("gcos_subjecten", "gcos_besprekingen", "bvh_incidenten"):
        path = work / "input" / f"{source}.parquet"
        valid[source] = validate_source(source, read_source(source, path).frame,
                                        file=str(path)).valid
    in_scope, _ = apply_scope(valid["gcos_subjecten"], valid["gcos_besprekingen"],
                              settings.scope)
    gcos = in_scope.loc[:, ["gcos_id", "achternaam", "tussenvoegsel", "voorletters",
                            "voornamen", "geboortedatum", "geslacht"]].reset_index(drop=True)
    identities, codes = collapse_identities(valid["bvh_incidenten"])
    blob = work / "identities.pkl"
    with open(blob, "wb") as f:
        pickle.dump({"gcos": gcos, "identities": identities, "codes": codes,
                     "record_ids": valid["bvh_incidenten"]["bvh_id"].reset_index(drop=True),
                     "rows": len(valid["bvh_incidenten"])}, f)
    del pd
    return blob


def old_package(ref: str, work: Path) -> Path:
    """``linkage/`` of ``ref`` as the package ``vhh_old.linkage`` under ``work/old``."""
    archive = subprocess.run(["git", "archive", ref, "linkage", "config"], cwd=ROOT,
                             check=True, capture_output=True).stdout
    target = work / "old" / "vhh_old"
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    (target / "__init__.py").write_text("", encoding="utf-8")
    for path in target.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"\bvhh\.(linkage|config)\b", r"vhh_old.\1", text),
                        encoding="utf-8")
    return work / "old"


CHILD = r"""
import pickle, sys, time, resource
sys.path.insert(0, sys.argv[3]) if sys.argv[3] else None
pkg = sys.argv[2]
engine = __import__(pkg + ".linkage.link.engine", fromlist=["x"])
settings_mod = __import__(pkg + ".linkage.settings", fromlist=["x"])
settings = settings_mod.load_settings(settings_mod.DEFAULT_CONFIG)
with open(sys.argv[1], "rb") as f:
    data = pickle.load(f)
best, stages = None, None
for _ in range(int(sys.argv[4])):
    t0 = time.perf_counter()
    subjects = engine.prepare_subjects(data["gcos"])
    result = engine.link_identities("bvh", subjects, data["identities"], data["codes"],
                                    data["record_ids"], settings.linkage, keep_pairs=False)
    seconds = time.perf_counter() - t0
    if best is None or seconds < best:
        best, stages = seconds, result.seconds
matched = int((result.row_subject != "").sum())
print(repr({"seconds": best, "stages": stages, "method": settings.linkage.method,
            "candidate_pairs": int(result.blocking.n_pairs), "matched_rows": matched,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}))
"""


def child(blob: Path, package: str, path: str, repeat: int) -> dict[str, Any]:
    env = dict(os.environ, PYTHONHASHSEED="0")
    done = subprocess.run([sys.executable, "-c", CHILD, str(blob), package, path, str(repeat)],
                          capture_output=True, text=True, env=env, cwd=ROOT)
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    return eval(done.stdout.strip().splitlines()[-1])  # noqa: S307 - our own child's repr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subjects", type=int, default=21_300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--ref", default="main", help="git ref of today's engine")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        t0 = time.perf_counter()
        blob = prepare(args.subjects, args.seed, work)
        with open(blob, "rb") as f:
            rows = pickle.load(f)["rows"]
        print(f"prepared {rows:,} valid BVH rows in {time.perf_counter() - t0:.0f} s",
              flush=True)
        old_path = str(old_package(args.ref, work))
        runs: dict[str, list[dict[str, Any]]] = {"old": [], "new": []}
        for _ in range(args.repeat):
            runs["old"].append(child(blob, "vhh_old", old_path, 1))
            runs["new"].append(child(blob, "vhh", "", 1))
        old, new = (min(runs[k], key=lambda r: r["seconds"]) for k in ("old", "new"))
    ratio = new["seconds"] / old["seconds"]
    result = {"bvh_rows": rows, "subjects": args.subjects, "ref": args.ref,
              "seconds_each_round": {k: [round(r["seconds"], 2) for r in v]
                                     for k, v in runs.items()},
              "old": old, "new": new, "ratio_new_to_old": round(ratio, 3),
              "target": f"ratio <= {TARGET_RATIO}", "met": ratio <= TARGET_RATIO}
    for name in ("old", "new"):
        r = result[name]
        print(f"{name}: {r['method']:<14} {r['seconds']:7.2f} s  pairs {r['candidate_pairs']:,}  "
              f"matched rows {r['matched_rows']:,}  peak {r['peak_rss_mb']:,} MiB  "
              f"stages {json.dumps(r['stages'])}")
    print(f"ratio new/old {ratio:.2f} (target <= {TARGET_RATIO}): "
          f"{'met' if result['met'] else 'NOT met'}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
