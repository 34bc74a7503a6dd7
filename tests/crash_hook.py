"""A run of ``vhh-link run`` that kills itself with SIGKILL at a chosen file operation.

Used by ``tests/test_crash_safety.py`` in processes forked from a fresh forkserver. Every
file operation that changes the disk (create or open for writing, rename, remove, make a
folder, fsync) is an *event*; each event is logged (phase, number within the phase, kind,
path) to a file before it happens, and at the chosen one the process sends itself SIGKILL,
which cannot be caught: no ``finally`` runs, exactly as when the machine's operator or the
kernel's OOM killer ends a run.

Phases, in order: ``start`` (before the first write in ``secure/``: lock, clean-up of what
an interrupted run left, moving the previous export aside), ``secure``, ``export`` (from the
first write after ``secure/`` up to and including the rename that publishes the export) and
``finish`` (after it). A
kill planned in a phase that the run leaves with fewer events than planned happens at the
first event of the next phase, so every planned kill kills.
"""

from __future__ import annotations

import builtins
import gc
import io
import os
import shutil
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

# what a run imports on first use, imported once in the forkserver (see set_forkserver_preload)
PRELOAD = ("vhh.pipelines.cli", "crash_hook", "pyreadstat", "pyarrow.parquet",
           "pandera.backends.pandas", "hypothesis")
PHASES = ("start", "secure", "export", "finish")
STAGING = ".export-staging"
_REMOVALS = ("unlink", "rmdir", "rmtree")


class _Hook:
    def __init__(self, out: Path, kill: tuple[str, int] | None, log: Path) -> None:
        self.out = str(out)
        self.kill = kill
        self.fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self.counts = dict.fromkeys(PHASES, 0)
        self.phase = "start"

    def _relative(self, path: object) -> str:
        text = os.fsdecode(path) if isinstance(path, str | bytes | os.PathLike) else str(path)
        return os.path.relpath(text, self.out) if os.path.isabs(text) else text

    def _phase_of(self, kind: str, rel: str) -> str:
        if self.phase in ("start", "finish") and kind in _REMOVALS:  # clean-up, tidying
            return self.phase
        if self.phase == "finish":
            return "finish"
        if rel == "secure" or rel.startswith("secure" + os.sep):
            return "secure"
        if self.phase in ("secure", "export"):
            return "export"
        return "start"

    def event(self, kind: str, path: object, publishes: bool = False) -> None:
        rel = self._relative(path)
        self.phase = self._phase_of(kind, rel)
        number = self.counts[self.phase]
        self.counts[self.phase] += 1
        os.write(self.fd, f"{self.phase}\t{number}\t{kind}\t{rel}\n".encode())
        if self.kill is not None:
            phase, at = self.kill
            late = PHASES.index(self.phase) > PHASES.index(phase)
            if late or (phase == self.phase and number == at):
                os.kill(os.getpid(), signal.SIGKILL)
        if publishes:
            self.phase = "finish"


def _wrap(hook: _Hook, kind: str, real: Callable[..., Any],
          wanted: Callable[..., bool] = lambda *a, **k: True) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if args and wanted(*args, **kwargs):
            hook.event(kind, args[0])
        return real(*args, **kwargs)
    return wrapper


def _install(hook: _Hook) -> None:
    real_open, real_os_open, real_replace = io.open, os.open, os.replace
    writing = os.O_WRONLY | os.O_RDWR | os.O_CREAT

    def opened(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if not isinstance(file, int) and any(c in mode for c in "wax+"):
            hook.event("open", file)
        return real_open(file, mode, *args, **kwargs)

    def replaced(src: Any, dst: Any, *args: Any, **kwargs: Any) -> Any:
        rel = hook._relative(src)
        hook.event("rename", src, publishes=rel == STAGING and Path(dst).name == "export")
        return real_replace(src, dst, *args, **kwargs)

    def synced(fd: int) -> None:
        try:
            path = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            path = f"<fd {fd}>"
        hook.event("fsync", path)
        real_fsync(fd)

    real_fsync = os.fsync
    builtins.open = io.open = opened  # type: ignore[assignment]
    os.open = _wrap(hook, "create", real_os_open,  # type: ignore[assignment]
                    lambda path, flags, *a, **k: bool(flags & writing))
    os.replace = replaced  # type: ignore[assignment]
    os.rename = _wrap(hook, "rename", os.rename)  # type: ignore[assignment]
    os.mkdir = _wrap(hook, "mkdir", os.mkdir)  # type: ignore[assignment]
    os.rmdir = _wrap(hook, "rmdir", os.rmdir)  # type: ignore[assignment]
    os.unlink = os.remove = _wrap(hook, "unlink", os.unlink)  # type: ignore[assignment]
    os.fsync = synced  # type: ignore[assignment]
    shutil.rmtree = _wrap(hook, "rmtree", shutil.rmtree)  # type: ignore[assignment]


def run_until_killed(config: str, key: str, out: str, kill: tuple[str, int] | None,
                     log: str) -> None:
    """``vhh-link run`` in this process, killed at ``kill`` (None: run to the end)."""
    from vhh.pipelines.cli import main

    gc.freeze()  # the forkserver's heap: a collection would copy every page of it
    _install(_Hook(Path(out), kill, Path(log)))
    main(["run", "--config", config, "--key-file", key, "--out", out])


def events(log: Path) -> list[tuple[str, int, str, str]]:
    """The logged events: (phase, number in the phase, kind, path)."""
    rows = []
    for line in log.read_text(encoding="utf-8").splitlines():
        phase, number, kind, path = line.split("\t")
        rows.append((phase, int(number), kind, path))
    return rows
