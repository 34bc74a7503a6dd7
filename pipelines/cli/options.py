"""Options and checks the commands share."""

from __future__ import annotations

from pathlib import Path

from vhh.linkage.errors import ConfigError

__all__ = ["WEAK_KEY_HELP", "check_out"]

WEAK_KEY_HELP = "Accept a key of obviously low entropy (not recommended; the report records it)."


def check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise ConfigError(f"{out}: --out is a file, not a folder; give a folder (it is made "
                          "when missing)")
