"""Crash safety, tested by killing: SIGKILL at 20 seeded points of a run, in one folder.

After each kill, ``export/`` is a complete delivery that verifies against the project's
key, or it is absent (and so is every export moved aside). Whatever else the killed run
left (its staging folder, half-written temporary files) is marked; a run that gets past
its start must have removed every marked file, and the last, uninterrupted run leaves
nothing in the output folder but ``export/`` and ``secure/``.

Runs are forked from a fresh forkserver (the imports are paid once), on a small generated
study; see ``tests/crash_hook.py`` for the events and phases.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import shutil
import signal
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
import vhh.pipelines.outputs
from click.testing import CliRunner
from crash_hook import PHASES, PRELOAD, events, run_until_killed
from vhh.linkage.io.atomic import output_lock
from vhh.linkage.privacy.keys import load_key
from vhh.linkage.privacy.signing import TrustAnchor
from vhh.linkage.tools.checks import Check
from vhh.linkage.tools.verify import verify_export
from vhh.pipelines.cli import main

from tests.conftest import make_study_folder

SEED = 14
KILLS = 20
PLAN = {"start": 2, "secure": 6, "export": 11}  # and one just after the export is published
LOCK = ".vhh-run.lock"
MARK = 1  # mtime in nanoseconds since 1970 of a file a killed run left: no run writes that


@pytest.fixture(scope="module")
def forked() -> multiprocessing.context.ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(PRELOAD))
    return context


def _run(context: multiprocessing.context.ForkServerContext, study: tuple[Path, Path, Path],
         kill: tuple[str, int] | None, log: Path) -> int | None:
    config, key, out = study
    child = context.Process(target=run_until_killed,
                            args=(str(config), str(key), str(out), kill, str(log)))
    child.start()
    child.join(120)
    return child.exitcode


def _failed(checks: list[Check]) -> list[str]:
    return [c.name for c in checks if c.ok is not True]


def _assert_delivery(folder: Path, anchor: TrustAnchor) -> None:
    checks = verify_export(folder, None, anchor)
    assert _failed(checks) == [], [c.line() for c in checks if not c.ok]


def _leftovers(out: Path) -> list[Path]:
    """Everything under ``out`` that is neither a delivery nor a secure output: hidden
    names (staging, temporary files), the lock excepted."""
    return sorted(p for p in out.rglob(".*") if p.name != LOCK)


def _mark(paths: list[Path]) -> None:
    for path in sorted(paths, reverse=True):  # files before the folders that hold them
        os.utime(path, ns=(MARK, MARK), follow_symlinks=False)


def _marked(out: Path) -> list[str]:
    return [str(p.relative_to(out)) for p in out.rglob("*")
            if p.lstat().st_mtime_ns == MARK]


def _plan(reference: list[tuple[str, int, str, str]]) -> list[tuple[str, int]]:
    """20 kill points: one right after the publishing rename, the others seeded per phase."""
    rng = random.Random(SEED)
    count = Counter(phase for phase, *_ in reference)
    points = [(phase, n) for phase, k in PLAN.items() for n in rng.sample(range(count[phase]), k)]
    rng.shuffle(points)
    return [("finish", 0), *points]


def test_a_run_killed_anywhere_leaves_a_whole_export_or_none_and_the_next_cleans_up(
        forked, tmp_path: Path) -> None:
    config, key = make_study_folder(tmp_path, seed=7, subjects=20, others=60)
    out = tmp_path / "out"
    study = (config, key, out)
    anchor = TrustAnchor.from_master_key(load_key(key))
    assert _run(forked, study, None, tmp_path / "first.log") == 0   # export/ to move aside
    assert _run(forked, study, None, tmp_path / "reference.log") == 0
    reference = events(tmp_path / "reference.log")
    assert set(PHASES) == {phase for phase, *_ in reference}
    plan = _plan(reference)
    assert len(plan) == KILLS

    died_in: list[str] = []
    for number, point in enumerate(plan):
        log = tmp_path / f"kill-{number}.log"
        assert _run(forked, study, point, log) == -signal.SIGKILL, point
        last_phase = events(log)[-1][0]
        died_in.append(last_phase)
        for folder in [out / "export", *out.glob("export.vorige-*")]:
            if folder.exists():
                _assert_delivery(folder, anchor)
        if last_phase != "start":  # the run got past its clean-up
            assert _marked(out) == [], (number, point)
        _mark(_leftovers(out))

    assert _run(forked, study, None, tmp_path / "last.log") == 0
    assert _marked(out) == [] and _leftovers(out) == []
    assert sorted(p.name for p in out.iterdir()) == ["export", "secure"]
    _assert_delivery(out / "export", anchor)
    assert Counter(died_in)["export"] >= 8 and set(died_in) == set(PHASES)


# --------------------------------------------------------------------------------------------
# The exit paths a run sees (in this process): blocked, stopped, refused
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def finished_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("finished")
    config, key = make_study_folder(root, seed=7, subjects=20, others=60)
    result = CliRunner().invoke(main, ["run", "--config", str(config), "--key-file", str(key),
                                       "--out", str(root / "out")])
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture()
def finished(finished_once: Path, tmp_path: Path) -> tuple[Path, Path, Path]:
    """A small study run once (a private copy): out/ holds its export/ and secure/."""
    root = Path(shutil.copytree(finished_once, tmp_path / "s"))
    return root / "config.toml", root / "test.key", root / "out"


def _rerun(study: tuple[Path, Path, Path]) -> tuple[int, str]:
    config, key, out = study
    result = CliRunner().invoke(main, ["run", "--config", str(config), "--key-file", str(key),
                                       "--out", str(out)])
    return result.exit_code, result.output


def _run_id(out: Path) -> str:
    return json.loads((out / "export" / "manifest.json").read_text("utf-8"))["run_id"]


def test_a_blocked_rerun_moves_the_old_export_aside_and_says_where(finished, monkeypatch):
    config, key, out = finished
    old = _run_id(out)
    surname = pd.read_csv(config.parent / "input" / "gcos_subjecten.csv", sep=";",
                          dtype=str)["achternaam"].iloc[0]
    real = vhh.pipelines.outputs.codebook_markdown
    monkeypatch.setattr(vhh.pipelines.outputs, "codebook_markdown",
                        lambda book: real(book) + f"\nOpmerking: {surname}\n")
    code, output = _rerun(finished)
    assert code == 5, output
    aside = out / f"export.vorige-{old}"
    assert f"note: the export of the previous run (run {old}) was moved to {aside}" in output
    assert not (out / "export").exists() and _leftovers(out) == []
    _assert_delivery(aside, TrustAnchor.from_master_key(load_key(key)))
    monkeypatch.undo()
    code, output = _rerun(finished)            # the next good run replaces it
    assert code == 0, output
    assert sorted(p.name for p in out.iterdir()) == ["export", "secure"]


def test_sigterm_stops_a_run_through_its_clean_up(finished, monkeypatch):
    _, _, out = finished
    old = _run_id(out)

    def stopped(book: object) -> str:
        os.kill(os.getpid(), signal.SIGTERM)   # as a scheduler stops a job
        raise AssertionError("SIGTERM did not stop the run")

    monkeypatch.setattr(vhh.pipelines.outputs, "codebook_markdown", stopped)
    code, output = _rerun(finished)
    assert code == 128 + signal.SIGTERM
    assert f"was moved to {out / f'export.vorige-{old}'}" in output
    assert _leftovers(out) == [] and not (out / LOCK).exists()
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # handed back


def test_a_second_run_on_the_same_folder_is_refused(finished):
    _, _, out = finished
    with output_lock(out) as held:
        assert held
        code, output = _rerun(finished)
    assert code == 2
    assert "another vhh-link run is writing in this folder" in output
    _assert_delivery(out / "export", TrustAnchor.from_master_key(load_key(finished[1])))


def test_what_an_interrupted_run_left_is_removed_at_the_start_and_said(finished):
    _, _, out = finished
    staging = out / ".export-staging"
    staging.mkdir()
    (staging / "analysebestand.csv").write_text("never scanned\n")
    legacy = out / ".export-a1b2c3d4"          # an earlier version's random staging name
    legacy.mkdir()
    (out / "secure" / ".koppelingen.csv.vhh-tmp-x1y2z3").write_text("half\n")
    code, output = _rerun(finished)
    assert code == 0, output
    assert "removed .export-a1b2c3d4" in output and "removed .export-staging" in output
    assert "removed 1 half-written temporary files" in output
    assert _leftovers(out) == []
