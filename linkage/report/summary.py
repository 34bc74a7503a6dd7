"""What a run says about itself beyond the tables: the console summary.

The console is outside the secure folder: it prints counts, names of files and columns,
and never a value of the data. Unknown incident codes, roles and afdoeningen are counted
here; their values are listed only in the internal report in ``secure/``.
"""

from __future__ import annotations

from collections.abc import Mapping

from vhh.linkage.report.funnel import format_funnel
from vhh.linkage.report.model import AuditReport
from vhh.linkage.report.tags import TAG_SHAPE

__all__ = ["summary_lines"]

INTERNAL_REPORT = "secure/auditrapport_intern.json"


def _tagged(counts: Mapping[str, int]) -> tuple[int, int]:
    """(labels, rows) of the keyed tags among a report's counts."""
    tags = [n for label, n in counts.items() if TAG_SHAPE.fullmatch(label)]
    return len(tags), sum(tags)


def summary_lines(report: AuditReport) -> list[str]:
    """What the run did and what needs a person, for the terminal and the report."""
    lines = format_funnel(report.trechter).splitlines()
    for source, link in report.koppeling.items():
        if link.reviewwachtrij:
            lines.append(f"{source.upper()}: {link.reviewwachtrij} pairs wait for review in "
                         "secure/review.csv")
        if link.afgetopte_blokken:
            lines.append(f"{source.upper()}: {len(link.afgetopte_blokken)} oversized blocking "
                         "keys were capped (see the report)")
    unknown = report.filters.bvh.onbekende_codes
    if unknown:
        lines.append(f"BVH: {sum(unknown.values())} rows with {len(unknown)} incident codes not "
                     f"in the code table: classify them (the codes are listed under "
                     f"waarden_achter_labels in {INTERNAL_REPORT})")
    for source, what, counts in (("BVH", "roles", report.filters.bvh.per_rol),
                                 ("HKS", "afdoeningen", report.filters.hks.per_afdoening)):
        labels, tagged_rows = _tagged(counts)
        if labels:
            lines.append(f"{source}: {tagged_rows} rows with {labels} {what} that are not known "
                         f"words, reported by keyed tag (the values are in {INTERNAL_REPORT})")
    priv = report.privacy
    if priv.na.records_onder_k:
        lines.append(f"Privacy: {priv.na.records_onder_k} records remain in classes "
                     f"smaller than k={priv.doel_k}")
    for source, rows in report.rijen.items():
        q = rows.uitkomst.get("quarantaine", 0)
        if q:
            lines.append(f"{source.upper()}: {q} rows quarantined (secure/quarantaine/)")
    return lines
