"""The export gate: files bound for ``export/`` are written aside, scanned, then published.

Files are first written to a temporary folder next to ``export/``, every one is scanned
by the leak scanner, and only when all are clean is the folder renamed into place (a
rename is atomic on one file system). A blocked or interrupted run leaves no partial
``export/``: the previous export, if any, stays until the new one is complete.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from vhh.linkage.errors import ExportBlocked
from vhh.linkage.privacy.identifiers import Identifiers
from vhh.linkage.privacy.leakscan import scan_file

__all__ = ["publish_export"]

def publish_export(target: Path, writers: Mapping[str, Callable[[Path], None]],
                   identifiers: Identifiers, vocabulary: frozenset[str]) -> dict[str, Path]:
    """Write every file to a temporary folder, scan them, then swap the folder into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".export-", dir=target.parent))
    try:
        for name, write in writers.items():
            write(staging / name)
        hits = [h for name in writers for h in scan_file(staging / name, identifiers,
                                                         vocabulary, name)]
        if hits:
            raise ExportBlocked([str(h) for h in hits])
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
