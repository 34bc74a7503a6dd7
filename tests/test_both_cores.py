"""Specification of a run on both cores: a large run collects the leak scanner's
identifiers in a worker beside the validation, and links its HKS extract in a worker
beside the BVH linkage. Either way the run writes the same files, byte for byte, as the run
that does everything in one process; only the report's timings say which way it went.
"""

from __future__ import annotations

from dataclasses import replace

from run_diff import differences
from vhh.pipelines import stages, study


def test_a_run_on_two_cores_writes_the_same_files(demo_run, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(study, "WORKER_FROM_BYTES", 0)  # the demo's extracts are small
    monkeypatch.setattr(stages, "HKS_BESIDE_FROM_ROWS", 0)
    result = study.run_study(demo_run.settings, demo_run.key, tmp_path / "out")
    assert differences(demo_run.root / "out", tmp_path / "out", demo_run.key_file) == []
    times, alone = result.report.tijden, demo_run.result.report.tijden
    assert times["identifiers_worker"] > 0 and "identifiers_worker" not in alone
    assert "link_hks_wait" in times and "link_hks_wait" not in alone
    assert times["link_hks"] > 0 and times["link_hks.block"] > 0


def test_the_demo_itself_runs_in_one_process(demo_run) -> None:
    """Small extracts: starting a worker would cost more than it saves."""
    police = sum(demo_run.settings.input_path(s).stat().st_size
                 for s in ("bvh_incidenten", "hks_antecedenten"))
    assert police < study.WORKER_FROM_BYTES
    assert len(demo_run.result.report.tijden) and \
        "identifiers_worker" not in demo_run.result.report.tijden
    assert "link_hks_wait" not in demo_run.result.report.tijden


def test_workers_false_keeps_a_large_run_in_one_process(demo_run, tmp_path, monkeypatch
                                                         ) -> None:
    monkeypatch.setattr(study, "WORKER_FROM_BYTES", 0)
    monkeypatch.setattr(stages, "HKS_BESIDE_FROM_ROWS", 0)
    alone = replace(demo_run.settings, inputs=replace(demo_run.settings.inputs, workers=False))
    result = study.run_study(alone, demo_run.key, tmp_path / "out")
    assert "identifiers_worker" not in result.report.tijden
    assert "link_hks_wait" not in result.report.tijden
    assert differences(demo_run.root / "out", tmp_path / "out", demo_run.key_file) == []
