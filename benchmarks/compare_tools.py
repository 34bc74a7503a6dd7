"""Benchmark 1 of "Fast at every size": one linkage task, three tools, one run.

GCOS subjects are linked to BVH rows on surname, initials and birthdate by

- ``ours``: :func:`vhh.linkage.link.engine.link_source` with the rules method of
  ``config/default.toml``
  (only besluit ``match`` counts; ``review`` is not a match);
- ``splink``: Splink on DuckDB, ``link_only`` (GCOS one table, BVH the other), EM-trained;
- ``recordlinkage``: a plain recordlinkage pipeline (block, compare, vote).

Every size is generated once with our generator (``noise="high"``), written to Parquet in a
work folder, and every tool runs in a child process of its own that reads those files, so
the data are identical and one tool's memory never counts for another. Each child does the
same edge work first (``read_source`` → ``validate_source`` → ``apply_scope``, as
``vhh-link run`` does), then its own linkage. Measured per tool: wall time (edge and link
separately), peak RSS of the child (``ru_maxrss`` at the end of linkage; the whole process's
peak from ``os.wait4`` is kept as well), CPU time, candidate pairs, and precision, recall and
F1 at row level against the generator's truth (:func:`vhh.linkage.tools.evaluate.evaluate`: findable
truth = rows of subjects with fate analysed / no_startdatum / no_initial, rows not designed
to be quarantined; ``*_automatic`` leaves out the rows of no_initial subjects, which our
engine sends to review by design).

Sizes name the number of BVH rows; the generator gives about 47.7 BVH rows per in-scope
subject (non-subjects and namesakes scale with it), so a size of R rows uses
``subjects = R * 213 / 10_000``:

    size   subjects   BVH rows (seed 2013)
    100k      2 130        101 517
    1M       21 300      1 013 116
    5M      106 500     ~5.07 million

Run from the repository root (``pip install -e ".[bench]"``):

    python benchmarks/compare_tools.py                      # 100k only: about 30 s
    python benchmarks/compare_tools.py --repeat 3           # the fastest of 3 runs per tool
    python benchmarks/compare_tools.py --sizes 100k,1M      # about 5-6 minutes on 2 cores
    python benchmarks/compare_tools.py --sizes 5M --tools ours,splink --timeout 7200 \
        --workdir /scratch/bench                            # see "5M" below

Timings are of one run unless ``--repeat`` says otherwise; on a shared machine they vary by
tens of percent, so each child records the 1-minute load average at its start and end and a
hash of ``linkage/`` + ``pipelines/`` (a warning is printed when the code changed between
children).

5M: both sides grow with the size, so candidate pairs grow with its square. At 1M our
engine compares 1.5 million subject x identity pairs (2 GB peak) and recordlinkage 29
million subject x row pairs (6.7 GB peak); at 5M expect about 25 times as many pairs.
recordlinkage's surname block then needs some 700 million pairs in pandas and will not fit
in memory on a 24 GB machine; run 5M with ``--tools ours,splink`` there.

The long sizes need memory: generating 5M rows holds the extracts in memory; ``--workdir``
keeps the generated Parquet files, so a rerun of the same size and seed reuses
them. Results for each size replace that size's entry in ``--out`` (default
``benchmarks/results/compare_tools.json``); other sizes already in the file are kept.

recordlinkage's classifier is a vote (a pair is a match when at least 2 of its 3 features
agree); ``--rl-classifier ecm`` uses its ECM classifier on the same 3 binary features
instead. Splink's and recordlinkage's matches are reduced to the best subject per BVH row,
as our engine keeps one subject per row.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

TOOLS = ("ours", "splink", "recordlinkage")
DEFAULT_OUT = Path(__file__).resolve().parent / "results" / "compare_tools.json"
SUBJECTS_PER_10K_ROWS = 213  # the reference funnel: 213 subjects give about 10k BVH rows
EDGE_SOURCES = ("gcos_subjecten", "gcos_besprekingen", "bvh_incidenten")
# Splink / recordlinkage settings, recorded in the JSON
SPLINK_SURNAME_JW = (0.92, 0.85)
SPLINK_BIRTH_LEVENSHTEIN = (1, 2)
SPLINK_U_MAX_PAIRS = 1e7
SPLINK_THRESHOLD = 0.5
# issue 17 compares with Splink at its best threshold: the 0.5 predictions (timed) are cut at
# each of these afterwards (untimed) and each cut is scored against the truth
SPLINK_SWEEP = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999)
SPLINK_DETERMINISTIC_RECALL = 0.7
RL_SURNAME_JW = 0.85
RL_VOTES = 2
# Dutch surname prefixes a plain pipeline removes ("van der Berg", "Berg, van der", "'t Hart")
_PREFIX = re.compile(r"\b(?:van|von|de|der|den|des|het|t|s|d|te|ter|ten|in|op|aan|bij|uit|"
                     r"uijt|onder|over|voor|la|le|du|v|vd)\b")


# --------------------------------------------------------------------------- sizes


def parse_size(text: str) -> tuple[str, int]:
    """``"100k"`` -> ("100k", 2130): the label and the number of in-scope subjects."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([kKmM]?)", text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"size {text!r}: write it like 100k, 1M or 5M")
    scale = {"": 1, "k": 1_000, "m": 1_000_000}[match.group(2).lower()]
    rows = float(match.group(1)) * scale
    subjects = round(rows * SUBJECTS_PER_10K_ROWS / 10_000)
    if subjects < 1:
        raise argparse.ArgumentTypeError(f"size {text!r} is too small")
    return text.strip(), subjects


# --------------------------------------------------------------------------- child: common


def code_hash() -> str:
    """A short hash of linkage/ and pipelines/: colleagues may edit them between runs."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted([*root.glob("linkage/**/*.py"), *root.glob("pipelines/*.py")]):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class _Stages:
    seconds: dict[str, float]
    cpu: dict[str, float]
    peak_mb: dict[str, float]

    def run(self, name: str, step: Callable[[], Any]) -> Any:
        t0, c0 = time.perf_counter(), _cpu_s()
        out = step()
        self.seconds[name] = round(time.perf_counter() - t0, 3)
        self.cpu[name] = round(_cpu_s() - c0, 3)
        self.peak_mb[name] = round(_peak_mb(), 1)
        return out


def _edge(data: Path) -> tuple[pd.DataFrame, pd.DataFrame, Any]:
    """Read, validate and scope as ``vhh-link run`` does: (in-scope GCOS, valid BVH, settings)."""
    from vhh.linkage.io.readers import read_source
    from vhh.linkage.settings import DEFAULT_CONFIG, load_settings
    from vhh.linkage.study.scope import apply_scope
    from vhh.linkage.validate.sources import validate_source

    settings = load_settings(DEFAULT_CONFIG)
    valid = {}
    for source in EDGE_SOURCES:
        path = data / "input" / f"{source}.parquet"
        valid[source] = validate_source(source, read_source(source, path).frame,
                                        file=str(path)).valid
    in_scope, _ = apply_scope(valid["gcos_subjecten"], valid["gcos_besprekingen"],
                              settings.scope)
    return in_scope, valid["bvh_incidenten"], settings


def plain_fields(frame: pd.DataFrame, id_column: str) -> pd.DataFrame:
    """The fields a plain pipeline links on: surname without prefixes (lowercase ASCII),
    first initial (from voorletters, else voornamen), birthdate key, birth year. Missing
    values are None, so that neither tool pairs or scores them as equal."""
    surname = (frame["tussenvoegsel"].astype(str) + " " + frame["achternaam"].astype(str))
    surname = (surname.str.normalize("NFKD").str.encode("ascii", "ignore").str.decode("ascii")
               .str.lower().str.replace(r"[^a-z]+", " ", regex=True)
               .str.replace(_PREFIX, " ", regex=True).str.replace(" ", "", regex=False))
    letters = frame["voorletters"].astype(str).str.lower().str.replace(r"[^a-z]", "",
                                                                       regex=True)
    if "voornamen" in frame:
        names = frame["voornamen"].astype(str).str.lower().str.replace(r"[^a-z]", "",
                                                                       regex=True)
        letters = letters.where(letters != "", names)
    birth = frame["geboortedatum"].astype(str)
    full = (birth.str.len() == 8) & (birth.str[4:6] != "00") & (birth.str[6:] != "00")
    year = birth.str[:4].where((birth.str.len() == 8) & (birth.str[:4] != "0000"), "")
    out = pd.DataFrame({"unique_id": frame[id_column].astype(str).to_numpy(),
                        "surname": surname.to_numpy(), "first_initial": letters.str[:1].to_numpy(),
                        "birth": birth.where(full, "").to_numpy(), "birth_year": year.to_numpy()})
    return out.replace("", None)


# --------------------------------------------------------------------------- child: tools


def _link_ours(in_scope: pd.DataFrame, bvh: pd.DataFrame, settings: Any
               ) -> tuple[pd.DataFrame, dict[str, Any], Callable[[], dict[str, Any]]]:
    from vhh.linkage.link.engine import link_identities, prepare_subjects
    from vhh.linkage.normalise.identities import collapse_identities

    # as the pipeline links: distinct identities, no all-pairs table kept
    subjects = prepare_subjects(in_scope)
    identities, codes = collapse_identities(bvh)
    result = link_identities("bvh", subjects, identities, codes, bvh["bvh_id"], settings.linkage,
                             keep_pairs=False)
    matched = result.row_subject != ""
    pairs = pd.DataFrame({"record_id": bvh.loc[matched, "bvh_id"].to_numpy(),
                          "gcos_id": result.row_subject[matched].to_numpy()})
    review = result.koppelingen[result.koppelingen["besluit"] == "review"]
    info = {"candidate_pairs": int(len(result.blocking.pairs)),
            "candidate_pairs_unit": "subject x distinct BVH identity",
            "identities": int(result.identities),
            "review_rows": int(review["record_id"].nunique()),
            "capped_blocks": len(result.blocking.capped_blocks),
            "pairs_per_pass": result.blocking.pairs_per_pass}

    def after() -> dict[str, Any]:  # untimed: the same pairs expanded to BVH rows
        import numpy as np

        per_identity = np.bincount(codes)
        return {"candidate_pairs_rows": int(per_identity[result.blocking.pairs["i"]].sum())}

    return pairs, info, after


def _splink_settings() -> tuple[Any, list[Any]]:
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    rules: list[Any] = [block_on("birth"), block_on("surname", "birth_year"),
                        block_on("surname", "first_initial")]
    settings = SettingsCreator(
        link_type="link_only",
        comparisons=[cl.JaroWinklerAtThresholds("surname", list(SPLINK_SURNAME_JW)),
                     cl.ExactMatch("first_initial"),
                     cl.LevenshteinAtThresholds("birth", list(SPLINK_BIRTH_LEVENSHTEIN))],
        blocking_rules_to_generate_predictions=rules,
        retain_matching_columns=False,
    )
    return settings, rules


def _train_splink(linker: Any) -> None:
    from splink import block_on

    linker.training.estimate_probability_two_random_records_match(
        [block_on("surname", "first_initial", "birth")], recall=SPLINK_DETERMINISTIC_RECALL)
    linker.training.estimate_u_using_random_sampling(max_pairs=SPLINK_U_MAX_PAIRS, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("surname", "birth_year"))


def _splink_pairs(predictions: pd.DataFrame) -> pd.DataFrame:
    left_is_gcos = predictions["source_dataset_l"] == "gcos"
    gcos = predictions["unique_id_l"].where(left_is_gcos, predictions["unique_id_r"])
    bvh = predictions["unique_id_r"].where(left_is_gcos, predictions["unique_id_l"])
    pairs = pd.DataFrame({"record_id": bvh, "gcos_id": gcos,
                          "p": predictions["match_probability"]})
    best = pairs.sort_values("p", ascending=False, kind="stable").drop_duplicates("record_id")
    return best.loc[:, ["record_id", "gcos_id", "p"]].reset_index(drop=True)


def _link_splink(in_scope: pd.DataFrame, bvh: pd.DataFrame, settings: Any
                 ) -> tuple[pd.DataFrame, dict[str, Any], Callable[[], dict[str, Any]]]:
    import logging

    from splink import DuckDBAPI, Linker
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    db_api = DuckDBAPI()
    tables = [db_api.register(plain_fields(in_scope, "gcos_id"), dataset_display_name="gcos"),
              db_api.register(plain_fields(bvh, "bvh_id"), dataset_display_name="bvh")]
    splink_settings, rules = _splink_settings()
    linker = Linker(tables, splink_settings, log_level=logging.WARNING)
    _train_splink(linker)
    predictions = linker.inference.predict(threshold_match_probability=SPLINK_THRESHOLD)
    raw = predictions.as_pandas_dataframe()
    pairs = _splink_pairs(raw)
    info = {"candidate_pairs_unit": "subject x BVH row", "pairs_above_threshold": len(raw)}

    def after() -> dict[str, Any]:  # untimed: Splink blocks again to count
        counts = count_comparisons_from_blocking_rules(
            tables, blocking_rules=rules, link_type="link_only", record_sample_proportion=1.0)
        return {"candidate_pairs": int(counts[-1]["cumulative_comparison_count"])}

    return pairs, info, after


def _rl_features(left: pd.DataFrame, right: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    import recordlinkage as rl

    indexer = rl.Index()
    indexer.block("birth")
    indexer.block("surname")
    candidates = indexer.index(left, right)
    compare = rl.Compare()
    compare.string("surname", "surname", method="jarowinkler", label="surname_jw")
    compare.exact("first_initial", "first_initial", label="first_initial")
    compare.exact("birth", "birth", label="birth")
    features = compare.compute(candidates, left, right)
    features["surname"] = (features.pop("surname_jw").fillna(0) >= RL_SURNAME_JW).astype(int)
    return features, len(candidates)


def _rl_classify(features: pd.DataFrame, classifier: str) -> pd.Index:
    binary = features.loc[:, ["surname", "first_initial", "birth"]]
    if classifier == "ecm":
        import recordlinkage as rl

        return rl.ECMClassifier(binarize=None).fit_predict(binary)
    return binary.index[binary.sum(axis=1) >= RL_VOTES]


def _link_recordlinkage(in_scope: pd.DataFrame, bvh: pd.DataFrame, settings: Any,
                        classifier: str = "vote"
                        ) -> tuple[pd.DataFrame, dict[str, Any], Callable[[], dict[str, Any]]]:
    left = plain_fields(in_scope, "gcos_id").set_index("unique_id")
    right = plain_fields(bvh, "bvh_id").set_index("unique_id")
    features, n_candidates = _rl_features(left, right)
    matched = _rl_classify(features, classifier)
    chosen = features.loc[matched]
    score = chosen.loc[:, ["surname", "first_initial", "birth"]].sum(axis=1)
    pairs = pd.DataFrame({"gcos_id": chosen.index.get_level_values(0),
                          "record_id": chosen.index.get_level_values(1),
                          "votes": score.to_numpy()})
    best = pairs.sort_values("votes", ascending=False, kind="stable").drop_duplicates("record_id")
    info = {"candidate_pairs": n_candidates, "candidate_pairs_unit": "subject x BVH row",
            "classifier": classifier, "pairs_classified_match": int(len(matched))}
    return best.loc[:, ["record_id", "gcos_id"]].reset_index(drop=True), info, dict


def run_child(tool: str, data: Path, out: Path, classifier: str) -> None:
    """One tool on one generated data set: pairs to Parquet, measurements to JSON."""
    warnings.simplefilter("ignore")
    load_start, code = os.getloadavg()[0], code_hash()
    stages = _Stages({}, {}, {})
    stages.peak_mb["start"] = round(_peak_mb(), 1)
    in_scope, bvh, settings = stages.run("edge", lambda: _edge(data))
    link = {"ours": _link_ours, "splink": _link_splink,
            "recordlinkage": lambda a, b, c: _link_recordlinkage(a, b, c, classifier)}[tool]
    pairs, info, after = stages.run("link", lambda: link(in_scope, bvh, settings))
    metrics = {"tool": tool, "seconds": stages.seconds, "cpu_seconds": stages.cpu,
               "peak_rss_mb_after": stages.peak_mb,
               "subjects_in_scope": int(len(in_scope)), "bvh_valid_rows": int(len(bvh)),
               "loadavg_1min": {"start": load_start, "end": os.getloadavg()[0]},
               "code_sha256": code, **info}
    metrics.update(after())
    if "p" in pairs:  # Splink: each cut of the sweep, for the parent to score
        for cut in SPLINK_SWEEP:
            pairs.loc[pairs["p"] >= cut, ["record_id", "gcos_id"]].astype(str).to_parquet(
                out / f"pairs_{tool}_t{cut}.parquet", index=False)
        pairs = pairs.drop(columns="p")
    pairs.astype(str).to_parquet(out / f"pairs_{tool}.parquet", index=False)
    (out / f"metrics_{tool}.json").write_text(json.dumps(metrics, indent=2))


def run_generate(data: Path, subjects: int, seed: int, noise: str) -> None:
    """Generate one size and write it as Parquet (inputs) and CSV (truth)."""
    from vhh.linkage.synth.generate import generate
    from vhh.linkage.synth.settings import SynthSettings
    from vhh.linkage.synth.write import write_synth

    t0 = time.perf_counter()
    synth = generate(SynthSettings(seed=seed, noise=noise, subjects=subjects))
    generated = time.perf_counter() - t0
    rows = {"gcos_rows": len(synth.gcos_subjecten), "bvh_rows": len(synth.bvh_incidenten),
            "hks_rows": len(synth.hks_antecedenten), "truth_links": len(synth.links)}
    peak = _peak_mb()
    write_synth(synth, data, fmt="parquet")
    info = {"subjects": subjects, "seed": seed, "noise": noise, **rows,
            "generate_s": round(generated, 2), "generate_peak_rss_mb": round(peak, 1),
            "write_s": round(time.perf_counter() - t0 - generated, 2)}
    (data / "generated.json").write_text(json.dumps(info, indent=2))


# --------------------------------------------------------------------------- parent


@dataclass(frozen=True)
class ChildRun:
    returncode: int | None  # None: killed at the timeout
    wall_s: float
    cpu_s: float
    max_rss_mb: float


def run_measured(args: list[str], log: Path, timeout: float | None) -> ChildRun:
    """Run ``python THIS_FILE args`` and measure that one process with ``os.wait4``."""
    t0 = time.perf_counter()
    with log.open("w") as sink:
        proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), *args],
                                stdout=sink, stderr=subprocess.STDOUT)
        killed = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if timeout is not None and time.perf_counter() - t0 > timeout and not killed:
                proc.kill()
                killed = True
            time.sleep(0.2)
    proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped by wait4
    return ChildRun(None if killed else proc.returncode, round(time.perf_counter() - t0, 2),
                    round(usage.ru_utime + usage.ru_stime, 2), round(usage.ru_maxrss / 1024, 1))


def _evaluate(data: Path, pairs_file: Path) -> dict[str, Any]:
    from vhh.linkage.tools.evaluate import evaluate, read_truth

    pairs = pd.read_parquet(pairs_file)
    links = pairs.assign(bron="bvh", besluit="match")
    result = evaluate(links, read_truth(data / "truth"), source="bvh")
    keep = ("matches", "true_positives", "false_positives", "findable_rows",
            "findable_rows_automatic", "precision", "recall", "f1", "recall_automatic",
            "f1_automatic")
    return {k: result[k] for k in keep}


def _ensure_data(workdir: Path, label: str, subjects: int, seed: int, noise: str,
                 timeout: float | None) -> tuple[Path, dict[str, Any]]:
    data = workdir / f"{label}-s{subjects}-seed{seed}-{noise}"
    marker = data / "generated.json"
    if not marker.exists():
        data.mkdir(parents=True, exist_ok=True)
        run = run_measured(["_generate", "--data", str(data), "--subjects", str(subjects),
                            "--seed", str(seed), "--noise", noise], data / "generate.log", timeout)
        if run.returncode != 0:
            raise SystemExit(f"generating {label} failed or timed out ({run}); see "
                             f"{data / 'generate.log'}")
        info = json.loads(marker.read_text())
        info["generate_process"] = run.__dict__
        marker.write_text(json.dumps(info, indent=2))
    return data, json.loads(marker.read_text())


def _run_once(tool: str, data: Path, classifier: str, timeout: float | None
              ) -> dict[str, Any]:
    run = run_measured(["_child", tool, "--data", str(data), "--rl-classifier", classifier],
                       data / f"{tool}.log", timeout)
    if run.returncode != 0:
        status = "timeout" if run.returncode is None else f"failed (exit {run.returncode})"
        return {"tool": tool, "status": status, "process": run.__dict__,
                "log": str(data / f"{tool}.log")}
    metrics = json.loads((data / f"metrics_{tool}.json").read_text())
    seconds = metrics["seconds"]
    sweep = {str(cut): _evaluate(data, data / f"pairs_{tool}_t{cut}.parquet")["f1"]
             for cut in SPLINK_SWEEP if (data / f"pairs_{tool}_t{cut}.parquet").exists()}
    if sweep:
        best = max(sweep, key=lambda cut: sweep[cut])
        metrics.update(f1_by_threshold=sweep, best_threshold=float(best), f1_best=sweep[best])
    return {**metrics, "status": "ok",
            "wall_s": round(seconds["edge"] + seconds["link"], 3), "link_s": seconds["link"],
            "edge_s": seconds["edge"],
            "cpu_s": round(sum(metrics["cpu_seconds"].values()), 3),
            "peak_rss_mb": metrics["peak_rss_mb_after"]["link"],
            "process": run.__dict__,
            **_evaluate(data, data / f"pairs_{tool}.parquet")}


def _run_tool(tool: str, data: Path, classifier: str, timeout: float | None, repeat: int
              ) -> dict[str, Any]:
    """The fastest of ``repeat`` runs (every run's wall time is kept)."""
    runs = [_run_once(tool, data, classifier, timeout) for _ in range(repeat)]
    ok = [r for r in runs if r["status"] == "ok"]
    if not ok:
        return runs[0]
    best = min(ok, key=lambda r: r["wall_s"])
    return {**best, "runs": len(runs), "wall_s_all": [r.get("wall_s") for r in runs],
            "peak_rss_mb_all": [r.get("peak_rss_mb") for r in runs]}


def _ratios(results: dict[str, dict[str, Any]]) -> dict[str, dict[str, float]]:
    ours = results.get("ours", {})
    out: dict[str, dict[str, float]] = {}
    for other in ("splink", "recordlinkage"):
        theirs = results.get(other, {})
        if ours.get("status") != "ok" or theirs.get("status") != "ok":
            continue
        out[f"ours/{other}"] = {
            key: round(ours[key] / theirs[key], 3) if theirs[key] else float("nan")
            for key in ("wall_s", "link_s", "peak_rss_mb")}
        if "f1_best" in theirs:  # issue 17: F1 at least that of the other at its best cut
            out[f"ours/{other}"]["f1_minus_best"] = round(ours["f1"] - theirs["f1_best"], 4)
    return out


def run_size(label: str, subjects: int, tools: tuple[str, ...], args: argparse.Namespace,
             workdir: Path) -> dict[str, Any]:
    print(f"[{label}] generating {subjects} subjects (noise={args.noise}) ...", flush=True)
    data, generated = _ensure_data(workdir, label, subjects, args.seed, args.noise,
                                   args.timeout)
    print(f"[{label}] {generated['bvh_rows']} BVH rows; generate {generated['generate_s']} s",
          flush=True)
    results = {}
    for tool in tools:
        print(f"[{label}] {tool} ...", flush=True)
        results[tool] = _run_tool(tool, data, args.rl_classifier, args.timeout,
                                  args.repeat)
        r = results[tool]
        print(f"[{label}] {tool}: {r['status']}" + (
            f", {r['wall_s']} s, {r['peak_rss_mb']} MB, F1 {r['f1']}" if r["status"] == "ok"
            else f" - see {r['log']}"), flush=True)
    return {"size": label, "subjects": subjects, "data": generated, "tools": results,
            "ratios": _ratios(results)}


# --------------------------------------------------------------------------- report


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for name in ("vhh-linkage", "pandas", "numpy", "pyarrow", "recordlinkage", "jellyfish",
                 "splink", "duckdb", "psutil"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def _git() -> dict[str, Any]:
    """The commit, and a hash of the code measured (the working tree may be ahead of it)."""
    root = Path(__file__).resolve().parent.parent
    info: dict[str, Any] = {"code_sha256": code_hash()}
    try:
        info["commit"] = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root,
                                        capture_output=True, text=True, check=True
                                        ).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "linkage", "pipelines"],
                               cwd=root, capture_output=True, text=True).stdout.strip()
        info["linkage_or_pipelines_modified"] = bool(dirty)
    except (OSError, subprocess.CalledProcessError):
        info["commit"] = "unknown"
    return info


def _machine() -> dict[str, Any]:
    info: dict[str, Any] = {"platform": platform.platform(), "cpus": os.cpu_count()}
    try:
        import psutil

        info["ram_gb"] = round(psutil.virtual_memory().total / 2**30, 1)
    except ImportError:
        pass
    return info


def configuration(classifier: str) -> dict[str, Any]:
    return {
        "common": "read_source -> validate_source -> apply_scope (config/default.toml); "
                  "GCOS in-scope subjects linked to valid BVH rows",
        "ours": "prepare_subjects + link_source, [linkage] of config/default.toml (rules: "
                "exact, strict, fuzzy, review; surname_threshold 0.92; max_block_pairs "
                "200000); blocking: birthdate; phonetic surname + birth year; surname "
                "component + first initial; surname component + day-month; match only",
        "plain_fields (splink, recordlinkage)": "surname = tussenvoegsel + achternaam, "
                "ASCII-folded, lowercase, letters only, Dutch prefixes removed; first_initial "
                "= first letter of voorletters (else voornamen); birth = validated YYYYMMDD "
                "key (partial dates missing); birth_year",
        "splink": {
            "link_type": "link_only (GCOS table 'gcos', BVH table 'bvh')",
            "backend": "DuckDB (in memory)",
            "comparisons": [f"JaroWinklerAtThresholds(surname, {list(SPLINK_SURNAME_JW)})",
                            "ExactMatch(first_initial)",
                            f"LevenshteinAtThresholds(birth, {list(SPLINK_BIRTH_LEVENSHTEIN)})"],
            "blocking_rules_to_generate_predictions": [
                "block_on(birth)", "block_on(surname, birth_year)",
                "block_on(surname, first_initial)"],
            "training": [
                "estimate_probability_two_random_records_match(block_on(surname, "
                f"first_initial, birth), recall={SPLINK_DETERMINISTIC_RECALL})",
                f"estimate_u_using_random_sampling(max_pairs={SPLINK_U_MAX_PAIRS:g}, seed=1)",
                "estimate_parameters_using_expectation_maximisation(block_on(birth))",
                "estimate_parameters_using_expectation_maximisation(block_on(surname, "
                "birth_year))"],
            "predict": f"threshold_match_probability={SPLINK_THRESHOLD}; best subject per "
                       "BVH row",
        },
        "recordlinkage": {
            "index": "Index().block(birth) + Index().block(surname) (union)",
            "compare": f"string(surname, jarowinkler) >= {RL_SURNAME_JW}; "
                       "exact(first_initial); exact(birth)",
            "classifier": (f"vote: match when >= {RL_VOTES} of 3 agree" if classifier == "vote"
                           else "ECMClassifier on the 3 binary features"),
            "resolve": "best subject per BVH row (most agreements)",
        },
    }


def print_table(sizes: list[dict[str, Any]]) -> None:
    head = (f"{'size':>5} {'tool':<13} {'wall s':>8} {'link s':>8} {'cpu s':>7} "
            f"{'peak MB':>8} {'cand pairs':>11} {'matches':>8} {'P':>6} {'R':>6} {'F1':>6} "
            f"{'R auto':>6} {'F1 auto':>7}")
    print(head)
    print("-" * len(head))
    for size in sizes:
        for tool, r in size["tools"].items():
            if r["status"] != "ok":
                print(f"{size['size']:>5} {tool:<13} {r['status']}")
                continue
            print(f"{size['size']:>5} {tool:<13} {r['wall_s']:>8.1f} {r['link_s']:>8.1f} "
                  f"{r['cpu_s']:>7.1f} {r['peak_rss_mb']:>8.0f} "
                  f"{r['candidate_pairs']:>11,} {r['matches']:>8,} {r['precision']:>6.3f} "
                  f"{r['recall']:>6.3f} {r['f1']:>6.3f} {r['recall_automatic']:>6.3f} "
                  f"{r['f1_automatic']:>7.3f}")
            if "f1_best" in r:
                print(f"{'':>5} {'':<13} best threshold {r['best_threshold']}: F1 "
                      f"{r['f1_best']:.3f}  (sweep: {r['f1_by_threshold']})")
        for name, ratio in size["ratios"].items():
            extra = (f"  F1 minus its best {ratio['f1_minus_best']:+.4f}"
                     if "f1_minus_best" in ratio else "")
            print(f"{size['size']:>5} {name:<20} time (wall) {ratio['wall_s']:.2f}  "
                  f"time (link) {ratio['link_s']:.2f}  peak memory {ratio['peak_rss_mb']:.2f}"
                  + extra)
    print()


def _save(out: Path, sizes: list[dict[str, Any]], meta: dict[str, Any]) -> None:
    previous = json.loads(out.read_text()) if out.exists() else {}
    kept = [s for s in previous.get("sizes", []) if s["size"] not in {x["size"] for x in sizes}]
    order = {label: k for k, label in enumerate(("100k", "1M", "5M"))}
    merged = sorted(kept + sizes, key=lambda s: (order.get(s["size"], 99), s["subjects"]))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"meta": meta, "sizes": merged}, indent=2, default=str) + "\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100k",
                        help="comma-separated BVH row counts: 100k, 1M, 5M (default 100k)")
    parser.add_argument("--tools", default=",".join(TOOLS))
    parser.add_argument("--seed", type=int, default=2013)
    parser.add_argument("--noise", choices=("default", "high"), default="high")
    parser.add_argument("--rl-classifier", choices=("vote", "ecm"), default="vote")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run each tool this many times and keep the fastest run")
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds before a child (generation or tool) is killed")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="keep generated data here and reuse it (default: a temp folder, "
                             "removed afterwards)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    tools = tuple(t.strip() for t in args.tools.split(","))
    unknown = [t for t in tools if t not in TOOLS]
    if unknown:
        parser.error(f"unknown tool(s) {', '.join(unknown)}; choose from {', '.join(TOOLS)}")
    sizes = [parse_size(s) for s in args.sizes.split(",")]
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="vhh-compare-"))
    meta: dict[str, Any] = {"command": " ".join(["python", *sys.argv]),
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "versions": _versions(), "git": _git(), "machine": _machine(),
            "configuration": configuration(args.rl_classifier)}
    try:
        results = [run_size(label, n, tools, args, workdir) for label, n in sizes]
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    hashes = {r.get("code_sha256") for size in results for r in size["tools"].values()}
    meta["code_changed_during_run"] = len(hashes - {None}) > 1
    if meta["code_changed_during_run"]:
        print("WARNING: linkage/ or pipelines/ changed while this ran; the children measured "
              "different code (see code_sha256 per tool)")
    print_table(results)
    _save(args.out, results, meta)
    print(f"written {args.out}")


def _internal(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=("_child", "_generate"))
    parser.add_argument("tool", nargs="?", choices=TOOLS)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--subjects", type=int)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--noise")
    parser.add_argument("--rl-classifier", default="vote")
    args = parser.parse_args(argv)
    if args.mode == "_generate":
        run_generate(args.data, args.subjects, args.seed, args.noise)
    else:
        run_child(args.tool, args.data, args.data, args.rl_classifier)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in ("_child", "_generate"):
        _internal(sys.argv[1:])
    else:
        main()
