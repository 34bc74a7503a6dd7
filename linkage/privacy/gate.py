"""The export gate: files bound for ``export/`` are written aside, scanned, sealed, published.

Every file is first written to the staging folder ``.export-staging`` beside ``export/``;
every file found there is scanned by the leak scanner; when all are clean the folder is
sealed (the signed manifest, :mod:`vhh.linkage.privacy.signing`, written and scanned too),
flushed to disk and renamed into place (a rename is atomic on one file system). So
``export/`` is always a complete, scanned and signed delivery, or absent.

The staging folder has a fixed name so that the next run finds what a killed run left:
:func:`remove_staging` removes it (and every other hidden ``.export-*`` folder of ours) at
the start of a run, and :func:`publish_export` removes it on every exit path it sees. A
previous ``export/`` that no longer belongs to the ``secure/`` of the run being written is
moved aside under its own run id by :func:`retire_export`.

The scan reads each written file back and searches what the data brought into it, and
whatever in it is not the project's own text (:mod:`vhh.linkage.privacy.exportscan`); the
caller says, per file, which of its text is the project's own (an
:class:`~vhh.linkage.privacy.owntext.OwnText`, made once every file is written, since the
report lists the other files' hashes). A dry run (``vhh-link validate``) writes, seals and
scans the same files in the staging folder and publishes nothing.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from vhh.linkage.errors import ExportBlocked
from vhh.linkage.io.atomic import fsync_folder, fsync_tree
from vhh.linkage.io.digest import file_sha256
from vhh.linkage.privacy.exportscan import scan_export_file
from vhh.linkage.privacy.identifiers import Identifiers
from vhh.linkage.privacy.leakscan import LeakHit
from vhh.linkage.privacy.owntext import OwnText

__all__ = ["OwnTextOf", "Seal", "previous_run_id", "publish_export", "remove_staging",
           "retire_export", "retired_name", "scan_folder", "staging_folder"]

OwnTextOf = Callable[[str, Path], OwnText]
"""(file name, folder holding the written files) -> that file's own-text description."""

Seal = Callable[[Mapping[str, str]], Mapping[str, bytes]]
"""Given every staged file's SHA-256, the files that seal the delivery (name -> bytes)."""
UNKNOWN_RUN = "onbekend"


def staging_folder(target: Path) -> Path:
    """Where the export is written before it is scanned: ``.export-staging`` beside it."""
    return target.parent / f".{target.name}-staging"


def retired_name(target: Path, run_id: str) -> Path:
    """Where :func:`retire_export` moves an export of run ``run_id``."""
    return target.parent / f"{target.name}.vorige-{run_id}"


def _remove(folder: Path) -> None:
    if folder.is_dir() and not folder.is_symlink():
        shutil.rmtree(folder)
    elif folder.exists() or folder.is_symlink():
        folder.unlink()


def remove_staging(target: Path) -> list[Path]:
    """Remove every unpublished folder a run left beside ``target``: the staging folder,
    a half-done swap, and the ``.export-XXXXXXXX`` folders of earlier versions. Nothing in
    them was ever published; nothing in them need have been scanned."""
    if not target.parent.is_dir():
        return []
    found = sorted(target.parent.glob(f".{target.name}-*"))
    for path in found:
        _remove(path)
    return found


def previous_run_id(target: Path) -> str:
    """The run id of the export in ``target`` (from its manifest or report), or 'onbekend'."""
    for name in ("manifest.json", "auditrapport.json"):
        try:
            value = json.loads((target / name).read_text(encoding="utf-8")).get("run_id")
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(value, str) and value.isalnum():
            return value
    return UNKNOWN_RUN


def retire_export(target: Path) -> tuple[Path, str] | None:
    """Move an existing ``target`` aside to ``<target>.vorige-<its run id>``.

    Called before a run writes its ``secure/``: from then on the old export no longer
    belongs to the secure folder beside it. An older folder of the same name (the same run
    id, so the same inputs, configuration, key and version) is replaced. Returns where the
    export went and its run id, or None when there was none.
    """
    if not target.is_dir():
        return None
    run_id = previous_run_id(target)
    aside = retired_name(target, run_id)
    _remove(aside)
    os.replace(target, aside)
    fsync_folder(target.parent)
    return aside, run_id


def scan_folder(folder: Path, names: Iterable[str], identifiers: Identifiers,
                own: OwnTextOf) -> list[LeakHit]:
    """The leak scan of the named files in ``folder`` (the gate's, and ``verify``'s)."""
    return [h for name in names
            for h in scan_export_file(folder / name, identifiers, own(name, folder), name)]


def _scan(staging: Path, names: list[str], identifiers: Identifiers, own: OwnTextOf) -> None:
    hits = scan_folder(staging, names, identifiers, own)
    if hits:
        raise ExportBlocked([str(h) for h in hits])


def _files(folder: Path) -> list[str]:
    """Every entry of ``folder``: a writer that left a folder or a side file is scanned (and
    fails) rather than slipping through."""
    return sorted(p.name for p in folder.iterdir())


def _swap(staging: Path, target: Path) -> None:
    if target.exists():  # normally retired before; a swap keeps the rename atomic anyway
        old = target.parent / f".{target.name}-old"
        _remove(old)
        os.replace(target, old)
        os.replace(staging, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(staging, target)
    fsync_folder(target.parent)


def publish_export(target: Path, writers: Mapping[str, Callable[[Path], None]],
                   identifiers: Identifiers, own: OwnTextOf, seal: Seal | None = None, *,
                   dry_run: bool = False) -> dict[str, Path]:
    """Write every file to the staging folder, scan them, seal, then rename into place
    (with ``dry_run``: write, scan and seal, then remove them; an :class:`ExportBlocked`
    all the same)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = staging_folder(target)
    _remove(staging)
    staging.mkdir(mode=0o700)
    try:
        for name, write in writers.items():
            write(staging / name)
        names = _files(staging)
        _scan(staging, names, identifiers, own)
        if seal is not None:
            sealing = seal({name: file_sha256(staging / name) for name in names})
            for name, data in sealing.items():
                (staging / name).write_bytes(data)
            _scan(staging, list(sealing), identifiers, own)
            names += list(sealing)
        if dry_run:
            return {}
        fsync_tree(staging)
        _swap(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return {name: target / name for name in names}
