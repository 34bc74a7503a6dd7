"""What the command line shows around a run: the live status line, the closing summary,
and SIGTERM turned into an orderly stop."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

from vhh.linkage.report.summary import summary_lines
from vhh.pipelines.study import StudyResult

__all__ = ["progress_line", "result_lines", "terminate_as_exit"]


def result_lines(result: StudyResult) -> list[str]:
    """The funnel and what needs a person, where the folders are, and the signature."""
    report = result.report
    lines = ["", *summary_lines(report)]
    lines += [f"deviation accepted with {d.geaccepteerd_met}, recorded in both reports: "
              f"{d.naam}" for d in report.afwijkingen]
    lines += [f"warning: {warning}" for warning in report.waarschuwingen]
    lines += [f"note: {notice}" for notice in result.notices]
    return [*lines,
            f"export (may leave the secure environment): {result.export_dir}",
            f"secure (never leaves): {result.secure_dir}",
            f"run id {report.run_id}, key id {report.sleutel_id}",
            f"export signed (manifest.json, Ed25519), public key fingerprint "
            f"{result.fingerprint}",
            f"public key for the auditor: {result.public_key} (hand it over apart from the "
            "export; the auditor runs: vhh-link verify EXPORT --public-key FILE)"]


@contextmanager
def terminate_as_exit() -> Iterator[None]:
    """SIGTERM (a scheduler's stop, ``kill``) ends a run as Ctrl-C does: through every
    cleanup on the way out, so no staging folder or lock is left behind. (SIGKILL cannot
    be caught: the next run removes what it leaves.)"""
    def stop(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def progress_line() -> Iterator[Callable[[str], None] | None]:
    """A live status line on a terminal; nothing at all when stderr is a log or a pipe."""
    if not sys.stderr.isatty():
        yield None
        return

    def show(stage: str) -> None:
        sys.stderr.write(f"\r\x1b[2Kvhh-link: {stage} …")
        sys.stderr.flush()

    try:
        yield show
    finally:
        sys.stderr.write("\r\x1b[2K")
        sys.stderr.flush()
