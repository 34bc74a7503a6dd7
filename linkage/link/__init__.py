"""Linking GCOS subjects to police identities: block, compare, decide, review."""

from vhh.linkage.link.engine import LinkResult, link_identities, link_source, prepare_subjects
from vhh.linkage.link.methods import rule_descriptions, rule_names
from vhh.linkage.link.review import read_review_decisions

__all__ = ["link_identities", "link_source", "LinkResult", "prepare_subjects",
           "read_review_decisions", "rule_descriptions", "rule_names"]
