"""The decision methods of ``[linkage] method`` and the rules each may decide by."""

from __future__ import annotations

from vhh.linkage.link.fs_decide import FS_RULE_DESCRIPTIONS, RULE_NAMES
from vhh.linkage.link.rules import RULES
from vhh.linkage.settings import LinkageSettings

__all__ = ["rule_descriptions", "rule_names"]


def rule_names(settings: LinkageSettings) -> tuple[str, ...]:
    """The names of the rules that may decide a pair under ``settings``, in order."""
    return tuple(settings.tiers) if settings.method == "rules" else RULE_NAMES


def rule_descriptions(settings: LinkageSettings) -> dict[str, str]:
    """Each rule of :func:`rule_names` with its description (Dutch, for the report)."""
    if settings.method == "rules":
        return {name: RULES[name].description for name in settings.tiers}
    return dict(FS_RULE_DESCRIPTIONS)
