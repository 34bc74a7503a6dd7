"""Verify check 5 (inside the secure environment): the inputs are the ones the report names,
and the leak scanner finds none of their identifiers in any export file.

The inputs are read through the one reading path (:mod:`vhh.linkage.validate.inputs`),
police extracts in chunks, for their identifiers and category words only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
from vhh.linkage.io.readers import RawTable
from vhh.linkage.privacy.identifiers import IdentifierCollector
from vhh.linkage.privacy.leakscan import scan_file
from vhh.linkage.report.model import AuditReport
from vhh.linkage.report.serial import to_json
from vhh.linkage.report.summary import report_vocabulary
from vhh.linkage.settings import Settings, load_settings
from vhh.linkage.tools.checks import LEAKS, REPORT_HTML, REPORT_JSON, Check
from vhh.linkage.validate.inputs import read_inputs

__all__ = ["CATEGORY_COLUMNS", "check_leaks", "export_vocabulary"]


def _scan_inputs(settings: Settings) -> tuple[Mapping[str, RawTable], IdentifierCollector,
                                              dict[tuple[str, str], set[str]]]:
    """Every input row's identifiers, and the distinct lower-cased category words."""
    collector = IdentifierCollector()
    values: dict[tuple[str, str], set[str]] = {c: set() for c in CATEGORY_COLUMNS}

    def observe(source: str, frame: pd.DataFrame) -> None:
        collector.add(frame, source=source)
        for src, column in values:
            if src == source and column in frame:
                values[(src, column)] |= _distinct_lower(frame, column)

    return read_inputs(settings, observe), collector, values


def check_leaks(export: Path, report: AuditReport, config: Path) -> list[Check]:
    """Scan every export file for identifiers of the inputs named in ``config``."""
    settings = load_settings(config)
    tables, collector, values = _scan_inputs(settings)
    identifiers = collector.finish()
    listed = {i.bron: i.sha256 for i in report.invoer}
    differ = sorted(s for s, t in tables.items() if listed.get(s) != t.sha256)
    inputs = Check("inputs are the ones the report names", not differ,
                   f"{len(differ)} of {len(tables)} differ ({', '.join(differ)})" if differ
                   else f"{len(tables)} files")
    vocabulary = export_vocabulary(settings, report, tables, values)
    names = sorted(n for n in [*(report.bestanden or {}), REPORT_JSON, REPORT_HTML]
                   if (export / n).is_file() and Path(n).name == n)
    hits = [h for n in names for h in scan_file(export / n, identifiers, vocabulary, n)]
    by = Counter((h.file, h.kind) for h in hits)
    detail = "; ".join(f"{f}: {n} × {k}" for (f, k), n in sorted(by.items()))
    scan = Check(LEAKS, not hits,
                 detail if hits else f"{len(names)} files scanned")
    return [inputs, scan]


# the input columns whose values the report may name as category words
CATEGORY_COLUMNS = (("bvh_incidenten", "rol"), ("bvh_incidenten", "mk_code"),
                    ("hks_antecedenten", "afdoening"))


def export_vocabulary(settings: Settings, report: AuditReport,
                      tables: Mapping[str, RawTable],
                      values: Mapping[tuple[str, str], set[str]] | None = None
                      ) -> frozenset[str]:
    """The words the export's text files may hold whatever the data, as at export time.

    ``values`` holds the distinct lower-cased values of :data:`CATEGORY_COLUMNS` when the
    inputs were read in chunks; without it they are taken from the ``tables``' frames.
    """
    if values is None:
        values = {(source, column): _distinct_lower(tables[source].frame, column)
                  for source, column in CATEGORY_COLUMNS}
    changes = [to_json(m) for m in report.privacy.maatregelen]  # fewer words: a stricter scan
    return report_vocabulary(settings, changes,
                             [*_report_words(report, values),
                              *(t.path.name for t in tables.values())])


def _distinct_lower(frame: pd.DataFrame, column: str) -> set[str]:
    if column not in frame:
        return set()
    return set(frame[column].astype(str).str.strip().str.lower().unique())


def _report_words(report: AuditReport, values: Mapping[tuple[str, str], set[str]]
                  ) -> list[str]:
    """Category words the report names (roles, codes, afdoeningen), kept only when the inputs
    hold them in that column, so a report cannot excuse a surname by naming it a role."""
    f = report.filters
    wanted = [(f.bvh.per_rol, "bvh_incidenten", "rol"),
              (f.bvh.onbekende_codes, "bvh_incidenten", "mk_code"),
              (f.hks.per_afdoening, "hks_antecedenten", "afdoening")]
    words = []
    for keys, source, column in wanted:
        seen = values.get((source, column), set())
        words += [k for k in keys if str(k).strip().lower() in seen]
    return words
