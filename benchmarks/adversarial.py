"""Issue 12's targets on the generator's adversarial data, per trap, in one run.

For each seed (default: 2013, the reference funnel, and two others) the generator writes a
study (``--noise``, default "default") with its truth, ``vhh-link run`` links it with the
default configuration, and ``vhh-link evaluate``'s figures are checked against the targets:

- precision >= 0.999;
- no automatic match to a near-namesake (bijna_naamgenoot) or a twin (tweeling);
- recall of automatic matches >= 0.99 (the rows of subjects without an initial left out:
  the study never matches those automatically);
- recall including review >= 0.995;
- at most 5 % of the in-scope subjects with a pair in review;
- the funnel of the reference study (213 / 198 / 195 / 138) for seed 2013.

The same runs also measure ``method = "rules"`` (the previous default) for comparison.
Seeds other than 2013 are a check on the model, not part of the targets. The independent
test set of ``benchmarks/independent_set.py`` can be added with ``--independent``.

    nice python benchmarks/adversarial.py                     # about a minute
    nice python benchmarks/adversarial.py --seeds 2013 --noise high
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "adversarial.json"
sys.path.insert(0, str(ROOT / "benchmarks"))
TARGETS = {"precision": 0.999, "recall_automatic": 0.99, "recall_with_review": 0.995,
           "review_subject_share": 0.05}
FUNNEL = {"in_scope": 213, "gevonden_bvh": 198, "startdatum": 195, "gevonden_hks": 138}


def _vhh(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["vhh-link", *args], capture_output=True, text=True)


def _study(folder: Path, seed: int, noise: str) -> Path:
    from vhh.linkage.settings import DEFAULT_CONFIG

    done = _vhh("synth", "--out", str(folder), "--seed", str(seed), "--noise", noise)
    if done.returncode:
        raise RuntimeError(done.stderr)
    shutil.copyfile(DEFAULT_CONFIG, folder / "config.toml")
    shutil.copyfile(DEFAULT_CONFIG.parent / "incidentcodes_voorbeeld.csv",
                    folder / "incidentcodes_voorbeeld.csv")
    return folder / "config.toml"


def _run(folder: Path, config: Path, method: str) -> dict[str, Any]:
    if method != "probabilistic":
        text = config.read_text(encoding="utf-8")
        text = (text.replace('method = "probabilistic"', f'method = "{method}"')
                if 'method = "probabilistic"' in text
                else text + f'\n[linkage]\nmethod = "{method}"\n')
        config = config.with_name(f"config_{method}.toml")
        config.write_text(text, encoding="utf-8")
    key = folder / "k.key"
    if not key.exists():
        _vhh("keygen", "--out", str(key))
    out = folder / f"run_{method}"
    run = _vhh("run", "--config", str(config), "--key-file", str(key), "--out", str(out))
    figures = json.loads(_vhh("evaluate", "--links", str(out / "secure" / "koppelingen.csv"),
                              "--truth", str(folder / "truth"), "--json").stdout)
    figures["exit_code"] = run.returncode
    figures["funnel"] = _funnel(out)
    return figures


def _funnel(out: Path) -> dict[str, int]:
    report = out / "export" / "auditrapport.json"
    if not report.exists():
        return {}
    steps = {s["stap"]: s["rest"] for s in json.loads(report.read_text("utf-8"))["trechter"]}
    return {"in_scope": steps.get("scope", -1), **{k: steps.get(k, -1) for k in
                                                    ("gevonden_bvh", "startdatum",
                                                     "gevonden_hks")}}


def _checks(f: dict[str, Any], seed: int) -> dict[str, bool]:
    looks = f["per_trap"]["lookalike_rows"]
    checks = {"precision >= 0.999": f["precision"] >= TARGETS["precision"],
              "recall automatic >= 0.99": f["recall_automatic"] >= TARGETS["recall_automatic"],
              "recall with review >= 0.995": f["recall_with_review"] >= TARGETS[
                  "recall_with_review"],
              "review <= 5 % of subjects": f["review_subject_share"] <= TARGETS[
                  "review_subject_share"],
              "no automatic near-namesake": looks.get("bijna_naamgenoot", {}).get(
                  "matched", 0) == 0,
              "no automatic twin": looks.get("tweeling", {}).get("matched", 0) == 0}
    if seed == 2013:
        checks["reference funnel"] = f["funnel"] == FUNNEL
    return checks


def _line(name: str, f: dict[str, Any]) -> str:
    return (f"{name:<34} precision {f['precision']:.4f}  recall auto "
            f"{f['recall_automatic']:.4f}  with review {f['recall_with_review']:.4f}  "
            f"review subjects {f['review_subjects']} ({f['review_subject_share']:.1%})  "
            f"wrong rows {f['false_positives']}")


def _traps(f: dict[str, Any]) -> list[str]:
    lines = []
    for kind, rows in (("true rows", f["per_trap"]["subject_rows"]),
                       ("look-alike rows", f["per_trap"]["lookalike_rows"])):
        lines += [f"      {kind:<16} {name:<32} {c['rows']:>5} rows  {c['matched']:>5} "
                  f"matched  {c['review']:>4} review" for name, c in sorted(rows.items())]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[2013, 7, 11])
    parser.add_argument("--noise", default="default", choices=["default", "high"])
    parser.add_argument("--independent", type=int, nargs="*", default=[],
                        help="seeds of benchmarks/independent_set.py to add")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        studies = [(f"generator seed {s} ({args.noise})", s,
                    _study(Path(tmp) / f"s{s}", s, args.noise)) for s in args.seeds]
        for seed in args.independent:
            import independent_set

            folder = Path(tmp) / f"indep{seed}"
            independent_set.write(independent_set.build(independent_set.Size(), seed), folder)
            studies.append((f"independent-like seed {seed}", -seed, folder / "config.toml"))
        for name, seed, config in studies:
            row = {m: _run(config.parent, config, m) for m in ("probabilistic", "rules")}
            row["checks"] = _checks(row["probabilistic"], seed)
            results[name] = row
            print(name)
            for method in ("probabilistic", "rules"):
                print("  " + _line(method, row[method]))
            print("\n".join(_traps(row["probabilistic"])))
            print("  checks: " + ", ".join(f"{k}: {'met' if v else 'NOT met'}"
                                           for k, v in row["checks"].items()), flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n",
                        encoding="utf-8")


if __name__ == "__main__":
    main()
