"""The audit report: funnel, row reconciliation, descriptives, code book, HTML."""
