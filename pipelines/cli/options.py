"""Options and checks the commands share."""

from __future__ import annotations

from pathlib import Path

from vhh.linkage.errors import (
    ConfigError,
    CrosswalkError,
    ExportBlocked,
    InputError,
    KeyMaterialError,
    VerificationError,
)

__all__ = ["EXIT_CODES", "WEAK_KEY_HELP", "check_out"]

EXIT_CODES = {ConfigError: 2, InputError: 3, KeyMaterialError: 4, ExportBlocked: 5,
              CrosswalkError: 6, VerificationError: 7}
"""Exit codes of the toolkit's own errors. Besides: 0 done; 1 ``validate`` found rows it
would quarantine, or ``reidentify`` did not find the pseudonym; 2 also for a command line
click refuses; 70 an unexpected error (its type only; ``--debug`` shows it)."""

WEAK_KEY_HELP = "Accept a key of obviously low entropy (not recommended; the report records it)."


def check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise ConfigError(f"{out}: --out is a file, not a folder; give a folder (it is made "
                          "when missing)")
