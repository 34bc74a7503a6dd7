"""Atomic writes: a file appears whole under its name, or not at all.

Every file is written under a temporary name in its own folder (``.<name>.vhh-tmp-XXXX``),
flushed to disk and renamed into place; a rename is atomic on one file system, so a killed
run never leaves half a file under the real name. What a killed run does leave is its
temporary file: :func:`remove_temporaries` finds those by their marker and removes them at
the next start, and :func:`output_lock` keeps two runs from writing (and cleaning) one
output folder at the same time.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

__all__ = ["TEMP_MARKER", "atomic_write_bytes", "fsync_folder", "fsync_tree", "output_lock",
           "remove_temporaries"]

TEMP_MARKER = ".vhh-tmp-"
LOCK_NAME = ".vhh-run.lock"


def atomic_write_bytes(path: Path, data: bytes | Iterable[bytes], mode: int = 0o600) -> None:
    """Write a file via a temporary name in the same folder and an atomic rename; ``data``
    is the content, or its pieces in order (a large file is never held whole)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}{TEMP_MARKER}", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            for piece in [data] if isinstance(data, bytes) else data:
                handle.write(piece)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def fsync_folder(folder: Path) -> None:
    """Make a folder's entries (a rename into it) durable; a no-op where folders cannot be
    opened (Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def fsync_tree(folder: Path) -> None:
    """Flush every file of ``folder`` (not recursive) and the folder itself to disk."""
    for path in folder.iterdir():
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
    fsync_folder(folder)


def remove_temporaries(folder: Path, *, recursive: bool = True) -> list[Path]:
    """Remove the temporary files of interrupted atomic writes in (or under) ``folder``.

    Only names with the marker of :func:`atomic_write_bytes` are touched. Returns what was
    removed.
    """
    if not folder.is_dir():
        return []
    removed = []
    pattern = f".*{TEMP_MARKER}*"
    for path in sorted(folder.rglob(pattern) if recursive else folder.glob(pattern)):
        if path.is_file() and not path.is_symlink():
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


@contextlib.contextmanager
def output_lock(folder: Path) -> Iterator[bool]:
    """Hold ``folder``'s run lock for the block; yields False when another run holds it.

    An advisory ``flock`` on ``folder/.vhh-run.lock``: the kernel releases it when the
    holder dies, also by SIGKILL, so a killed run never leaves the folder locked. The lock
    file is removed when the block ends. Where ``fcntl`` does not exist (Windows) the block
    runs unlocked.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield True
        return
    path = folder / LOCK_NAME
    fd = _locked(path, fcntl.flock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    if fd is None:
        yield False
        return
    try:
        yield True
    finally:
        path.unlink(missing_ok=True)
        os.close(fd)


def _locked(path: Path, flock: Callable[[int, int], None], flags: int) -> int | None:
    """A descriptor of ``path`` holding the lock, or None when another process holds it.

    A holder removes the file when done; a lock taken on a file that was removed meanwhile
    is no lock, so the path is checked to be still the locked file, else taken again.
    """
    for _ in range(5):
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            flock(fd, flags)
        except BlockingIOError:
            os.close(fd)
            return None
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)
    return None
