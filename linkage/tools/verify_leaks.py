"""Verify check 5 (inside the secure environment): the inputs are the ones the report names,
and the leak scanner finds none of their identifiers in any export file.

The inputs are read through the one reading path (:mod:`vhh.linkage.validate.inputs`),
police extracts in chunks, for their identifiers only. The export is scanned exactly as
the gate scanned it when it was written (:func:`vhh.linkage.privacy.gate.scan_folder` with
:func:`vhh.linkage.report.exportspec.export_own_text`): what the data brought, and
whatever is not the project's own text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
from vhh.linkage.io.readers import RawTable
from vhh.linkage.privacy.gate import scan_folder
from vhh.linkage.privacy.identifiers import IdentifierCollector
from vhh.linkage.report.exportspec import export_own_text
from vhh.linkage.report.model import AuditReport
from vhh.linkage.settings import Settings, load_settings
from vhh.linkage.tools.checks import LEAKS, Check
from vhh.linkage.validate.inputs import read_inputs

__all__ = ["check_leaks"]


def _scan_inputs(settings: Settings) -> tuple[Mapping[str, RawTable], IdentifierCollector]:
    """Every input row's identifiers."""
    collector = IdentifierCollector()

    def observe(source: str, frame: pd.DataFrame) -> None:
        collector.add(frame, source=source)

    return read_inputs(settings, observe), collector


def check_leaks(export: Path, report: AuditReport, config: Path) -> list[Check]:
    """Scan every export file for identifiers of the inputs named in ``config``."""
    settings = load_settings(config)
    tables, collector = _scan_inputs(settings)
    identifiers = collector.finish()
    listed = {i.bron: i.sha256 for i in report.invoer}
    differ = sorted(s for s, t in tables.items() if listed.get(s) != t.sha256)
    inputs = Check("inputs are the ones the report names", not differ,
                   f"{len(differ)} of {len(tables)} differ ({', '.join(differ)})" if differ
                   else f"{len(tables)} files")
    # every plain file of the folder: the listed ones, the report, the manifest, and any
    # file that should not be there (the files check fails on it; this scans it)
    names = sorted(p.name for p in export.iterdir() if p.is_file())
    hits = scan_folder(export, names, identifiers, export_own_text(settings))
    by = Counter((h.file, h.kind) for h in hits)
    detail = "; ".join(f"{f}: {n} × {k}" for (f, k), n in sorted(by.items()))
    scan = Check(LEAKS, not hits, detail if hits else f"{len(names)} files scanned")
    return [inputs, scan]
