"""The export gate: files bound for ``export/`` are written aside, scanned, then published.

Files are first written to a temporary folder next to ``export/``, every one is scanned
by the leak scanner, and only when all are clean is the folder renamed into place (a
rename is atomic on one file system). A blocked or interrupted run leaves no partial
``export/``: the previous export, if any, stays until the new one is complete.

The scan reads each written file back and searches what the data brought into it, and
whatever in it is not the project's own text (:mod:`vhh.linkage.privacy.exportscan`); the
caller says, per file, which of its text is the project's own (an
:class:`~vhh.linkage.privacy.owntext.OwnText`, made once every file is written, since the
report lists the other files' hashes). A dry run (``vhh-link validate``) writes and scans
the same files in the staging folder and publishes nothing.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from vhh.linkage.errors import ExportBlocked
from vhh.linkage.privacy.exportscan import scan_export_file
from vhh.linkage.privacy.identifiers import Identifiers
from vhh.linkage.privacy.leakscan import LeakHit
from vhh.linkage.privacy.owntext import OwnText

__all__ = ["OwnTextOf", "publish_export", "scan_folder"]

OwnTextOf = Callable[[str, Path], OwnText]
"""(file name, folder holding the written files) -> that file's own-text description."""


def scan_folder(folder: Path, names: Iterable[str], identifiers: Identifiers,
                own: OwnTextOf) -> list[LeakHit]:
    """The leak scan of the named files in ``folder`` (the gate's, and ``verify``'s)."""
    return [h for name in names
            for h in scan_export_file(folder / name, identifiers, own(name, folder), name)]


def publish_export(target: Path, writers: Mapping[str, Callable[[Path], None]],
                   identifiers: Identifiers, own: OwnTextOf, *, dry_run: bool = False
                   ) -> dict[str, Path]:
    """Write every file to a temporary folder, scan them, then swap the folder into place
    (with ``dry_run``: scan, then remove them; an :class:`ExportBlocked` all the same)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".export-", dir=target.parent))
    try:
        for name, write in writers.items():
            write(staging / name)
        hits = scan_folder(staging, writers, identifiers, own)
        if hits:
            raise ExportBlocked([str(h) for h in hits])
        if dry_run:
            return {}
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=".export-old-", dir=target.parent))
            os.replace(target, old / "export")
            os.replace(staging, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return {name: target / name for name in writers}
