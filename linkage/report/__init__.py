"""The audit report: funnel, row reconciliation, descriptives, code book, HTML."""

from vhh.linkage.report.codebook import codebook_dict, codebook_json, codebook_markdown
from vhh.linkage.report.html import render_html
from vhh.linkage.report.model import AuditReport, InternalReport, report_schema
from vhh.linkage.report.summary import summary_lines

__all__ = ["AuditReport", "codebook_dict", "codebook_json", "codebook_markdown", "InternalReport",
           "render_html", "report_schema", "summary_lines"]
