"""A person's review decisions are read back on the next run, applied and recorded."""

from __future__ import annotations

import shutil

import pandas as pd
from vhh.linkage.privacy.keys import load_key
from vhh.linkage.settings import load_settings
from vhh.pipelines.study import run_study


def _rerun_with(demo_run, tmp_path, decide):
    root = tmp_path / "again"
    shutil.copytree(demo_run.root, root, ignore=shutil.ignore_patterns("out"))
    review = pd.read_csv(demo_run.secure / "review.csv", dtype=str, keep_default_na=False)
    review["besluit"] = [decide(row) for _, row in review.iterrows()]
    review.to_csv(root / "beoordeeld.csv", index=False)
    config = root / "config.toml"
    config.write_text(config.read_text().replace('review_decisions = ""',
                                                 'review_decisions = "beoordeeld.csv"'))
    result = run_study(load_settings(config), load_key(root / "test.key"), root / "out")
    return review, result.report, root / "out"


def _found_before(demo_run) -> set[str]:
    links = pd.read_csv(demo_run.secure / "koppelingen.csv", dtype=str)
    return set(links.loc[(links["bron"] == "bvh") & (links["besluit"] == "match"), "gcos_id"])


def test_accepted_review_pairs_become_matches_with_their_own_rule(demo_run, tmp_path):
    review, report, out = _rerun_with(demo_run, tmp_path,
                                      lambda r: "accept" if r["bron"] == "bvh" else "")
    accepted_subjects = set(review.loc[review["bron"] == "bvh", "gcos_id"])
    newly_found = accepted_subjects - _found_before(demo_run)  # partner names were found
    steps = {s["stap"]: s for s in report["trechter"]}
    assert steps["gevonden_bvh"]["redenen"]["geen_voorletter"] == 0
    assert steps["gevonden_bvh"]["rest"] == 198 + len(newly_found)
    assert report["koppeling"]["bvh"]["gevonden_per_regel"]["review_geaccepteerd"] == len(
        newly_found)
    links = pd.read_csv(out / "secure" / "koppelingen.csv", dtype=str)
    accepted = links[links["regel"] == "review_geaccepteerd"]
    assert set(accepted["besluit"]) == {"match"}
    assert set(accepted["gcos_id"]) == accepted_subjects


def test_rejected_review_pairs_leave_the_queue_and_are_counted(demo_run, tmp_path):
    review, report, out = _rerun_with(demo_run, tmp_path, lambda r: "reject")
    steps = {s["stap"]: s for s in report["trechter"]}
    assert steps["gevonden_bvh"]["rest"] == 198
    assert report["koppeling"]["bvh"]["reviewwachtrij"] == 0
    rejected = report["koppeling"]["bvh"]["besluiten_per_regel"]["review_afgewezen"]
    assert rejected == int((review["bron"] == "bvh").sum())
    assert pd.read_csv(out / "secure" / "review.csv").empty
