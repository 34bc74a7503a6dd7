"""Specification of the second core's worker (vhh.linkage.worker): a library function runs
in a fresh interpreter and gives what it gives in process; a worker that fails names the
error's type only, one that dies its exit code, and either stops the run."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from vhh.linkage.arrays import find_sorted
from vhh.linkage.errors import ConfigError, LinkageError
from vhh.linkage.normalise.names import parse_surname
from vhh.linkage.settings import load_settings
from vhh.linkage.worker import Worker, call_beside


def test_a_call_beside_returns_what_the_call_returns() -> None:
    beside = call_beside(parse_surname, "parses a surname", "Jansen-van der Berg", "")
    assert beside.result() == parse_surname("Jansen-van der Berg", "")
    with pytest.raises(RuntimeError):
        beside.result()


def test_the_librarys_own_error_is_raised_again_as_it_was(tmp_path: Path) -> None:
    """A deliberate error names files and settings, never values: it comes back whole,
    with its type and its advice."""
    missing = tmp_path / "geen.toml"
    with pytest.raises(ConfigError) as in_process:
        load_settings(missing)
    beside = call_beside(load_settings, "reads the settings", missing)
    with pytest.raises(ConfigError) as err:
        beside.result()
    assert str(err.value) == str(in_process.value)


def test_any_other_failure_names_the_error_type_only() -> None:
    with pytest.raises(ValueError, match="depth") as in_process:  # numpy's, on a text
        find_sorted("Pietersma", "x")
    beside = call_beside(find_sorted, "looks up sorted values", "Pietersma", "x")
    with pytest.raises(LinkageError, match=r"looks up sorted values failed \(ValueError\)"
                       ) as err:
        beside.result()
    assert "depth" in str(in_process.value) and "depth" not in str(err.value)
    assert "Pietersma" not in str(err.value)


def test_a_killed_worker_stops_the_run_with_its_exit_code() -> None:
    worker = Worker(("vhh.linkage.worker", "_serve_call"), "waits")
    os.kill(worker.pid, signal.SIGKILL)
    with pytest.raises(LinkageError, match=r"waits stopped \(exit code -9\).*lack of memory"):
        worker.reply()
    assert not worker.running()
    assert repr(worker) == "Worker(waits, ended)"
    worker.close()  # again: nothing


def test_an_unknown_serving_function_is_a_failure_not_a_hang() -> None:
    worker = Worker(("vhh.linkage.worker", "_no_such_function"), "serves nothing")
    with pytest.raises(LinkageError, match=r"failed \(AttributeError\)"):
        worker.reply()
    assert not worker.running()
