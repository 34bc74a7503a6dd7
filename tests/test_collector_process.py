"""Specification of the identifier collection in a worker process
(vhh.linkage.privacy.collector_process.CollectorProcess):

it collects exactly what the in-process collector collects from the same chunks (the
reader's chunks with their codes and Arrow text, and plain frames with missing values and
numbers), it sends only the columns the collector reads, and a worker that fails or is
killed stops the run with a message that names no value, never with fewer identifiers.

Every name, date and id here is invented for the test.
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_leakscan_chunks import BVH, GCOS, HKS, same_identifiers
from vhh.linkage.errors import LinkageError
from vhh.linkage.io.arrow_csv import made_of
from vhh.linkage.io.readers import read_source_chunks
from vhh.linkage.privacy.collector_process import COLUMNS, CollectorProcess, payload, rebuilt
from vhh.linkage.privacy.identifiers import ID_COLUMNS, IdentifierCollector, Identifiers
from vhh.linkage.synth.generate import generate
from vhh.linkage.synth.settings import SynthSettings
from vhh.linkage.synth.write import write_synth


@pytest.fixture(scope="module")
def reader_chunks(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, pd.DataFrame]]:
    """Raw chunks as a run reads them: a synthetic BVH and HKS extract in chunks of 700
    rows (codes and Arrow text registered by the reader), and the GCOS subjects whole."""
    folder = tmp_path_factory.mktemp("collector")
    files = write_synth(generate(SynthSettings(subjects=150, seed=11)), folder)
    out = []
    for source in ("gcos_subjecten", "bvh_incidenten", "hks_antecedenten"):
        _, parts = read_source_chunks(source, Path(files[source]), chunk_rows=700)
        out += [(source, chunk) for chunk in parts]
    return out


def _odd_frames() -> list[tuple[str, pd.DataFrame]]:
    """Frames not made by the reader: missing values, numbers, a lone surrogate, a NUL."""
    odd = BVH.astype(object).copy()
    odd.loc[0, "achternaam"] = None
    odd.loc[1, "geboortedatum"] = float("nan")
    odd.loc[2, "bvh_id"] = 5551234
    odd.loc[3, "achternaam"] = "Bakker\udc80"
    odd.loc[4, "registratienummer"] = "PL\x00123456"
    return [("gcos", GCOS), ("bvh", BVH.iloc[:2]), ("bvh", BVH.iloc[2:]), ("hks", HKS),
            ("odd", odd)]


def _in_process(frames: list[tuple[str, pd.DataFrame]]) -> Identifiers:
    collector = IdentifierCollector()
    for source, frame in frames:
        collector.add(frame, source=source)
    return collector.finish()


def _in_worker(frames: list[tuple[str, pd.DataFrame]]) -> tuple[Identifiers, CollectorProcess]:
    with CollectorProcess() as worker:
        for source, frame in frames:
            worker.add(frame, source=source)
        return worker.finish(), worker


# --------------------------------------------------------------------------------------------
# The same identifiers
# --------------------------------------------------------------------------------------------


def test_the_worker_collects_what_the_collector_collects(reader_chunks) -> None:
    frames = [*reader_chunks, *_odd_frames()]
    found, worker = _in_worker(frames)
    want = _in_process(frames)
    assert same_identifiers(found, want)
    assert len(found.ids) > 1000 and found.surname_words and found.dates
    assert found.unscannable_ids == want.unscannable_ids > 0
    assert worker.seconds > 0 and worker.peak_mib > 0


def test_a_chunk_is_rebuilt_with_its_values_and_the_readers_codes(reader_chunks) -> None:
    arrow_columns = 0
    for _, chunk in reader_chunks:
        sent = pickle.loads(pickle.dumps(payload(chunk)))  # as the pipe carries it
        again = rebuilt(sent)
        read = [c for c in COLUMNS if c in chunk]
        assert list(again.columns) == read
        made, made_again = made_of(chunk), made_of(again)
        arrow_only = [c for c in made_again.arrow if c not in made_again.codes]
        assert all(isinstance(again[c].dtype, pd.ArrowDtype) for c in arrow_only)
        arrow_columns += len(arrow_only)
        pd.testing.assert_frame_equal(again.astype(object), chunk.loc[:, read],
                                      check_exact=True)  # the same texts, Arrow or not
        assert set(made_again.codes) == {c for c in made.codes if c in read and not (
            c in ID_COLUMNS and c in made.arrow)}  # ids go as their Arrow text alone
        assert set(made_again.arrow) == {c for c in made.arrow if c in read}
        for column, (codes, uniques) in made_again.codes.items():
            assert np.array_equal(codes, made.codes[column][0])
            assert uniques.tolist() == made.codes[column][1].tolist()
    assert arrow_columns > 0  # bvh_id and registratienummer of the BVH chunks


def test_only_the_columns_the_collector_reads_are_sent(reader_chunks) -> None:
    _, chunk = next(c for c in reader_chunks if c[0] == "bvh_incidenten")
    sent = payload(chunk)
    names = {*sent.codes, *sent.arrow, *sent.values}
    assert names == {c for c in COLUMNS if c in chunk}
    assert {"mk_code", "rol", "incidentdatum"} <= set(chunk.columns) - names
    assert repr(sent) == f"Payload({len(chunk)} rows, {sorted(names)})"  # names, no values


def test_a_plain_frame_is_sent_as_its_values() -> None:
    sent = payload(GCOS)
    assert not sent.codes and not sent.arrow
    assert sent.values["achternaam"].tolist() == GCOS["achternaam"].tolist()


# --------------------------------------------------------------------------------------------
# A worker that fails stops the run
# --------------------------------------------------------------------------------------------


def test_a_failing_worker_stops_the_run_naming_the_error_type_only() -> None:
    worker = CollectorProcess()
    worker._worker.put(("add", "not a chunk", "bvh"))  # the worker cannot rebuild this
    with pytest.raises(LinkageError, match=r"failed \(AttributeError\)") as caught:
        worker.finish()
    assert "not a chunk" not in str(caught.value)
    assert not worker._worker.running()


def test_a_killed_worker_stops_the_run_with_its_exit_code() -> None:
    worker = CollectorProcess()
    worker.add(GCOS, source="gcos")
    os.kill(worker.pid, signal.SIGKILL)
    worker._worker._process.wait(timeout=30)
    with pytest.raises(LinkageError, match="exit code -9"):
        for _ in range(10):  # the queue fills: add notices the worker is gone
            worker.add(BVH, source="bvh")
        worker.finish()


def _run_script(folder: Path, name: str, lines: list[str]) -> subprocess.CompletedProcess[str]:
    """A script of its own (the tests' folder on its import path), run to its end."""
    script = folder / name
    script.write_text("\n".join(["from test_leakscan_chunks import GCOS",
                                  "from vhh.linkage.privacy.collector_process import "
                                  "CollectorProcess", "worker = CollectorProcess()",
                                  "worker.add(GCOS, source='gcos')", *lines, ""]), "utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent),
                                                         *sys.path])}
    return subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          env=env, timeout=120, check=False)


def test_a_script_without_a_main_guard_can_start_the_worker(tmp_path) -> None:
    """The worker is a fresh interpreter: the caller's script is not imported again (as
    multiprocessing's spawn would, starting the run over in the worker)."""
    done = _run_script(tmp_path, "unguarded.py", ["print(len(worker.finish().surnames_full))"])
    assert done.returncode == 0, done.stderr[-500:]
    assert int(done.stdout) == len(_in_process([("gcos", GCOS)]).surnames_full) > 0


def test_a_run_killed_mid_way_leaves_no_worker_behind(tmp_path) -> None:
    """The worker reads until its pipe closes: a run that dies (here: without a word, as
    by SIGKILL) takes it along."""
    done = _run_script(tmp_path, "dies.py", ["import os", "print(worker.pid, flush=True)",
                                             "os._exit(0)"])
    pid = int(done.stdout)
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        if Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z":
            break  # ended, waiting for init to reap it
        time.sleep(0.1)
    else:
        os.kill(pid, signal.SIGKILL)
        pytest.fail("the worker outlived its run")


def test_close_stops_a_worker_that_is_still_collecting() -> None:
    worker = CollectorProcess()
    worker.add(GCOS, source="gcos")
    worker.close()
    worker.close()  # again: nothing
    assert not worker._worker.running()
    assert repr(worker) == "CollectorProcess(collecting)"
    with pytest.raises(RuntimeError, match="after close"):
        worker.finish()
