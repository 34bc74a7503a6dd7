"""The one exception family of vhh-linkage.

Every error the toolkit raises on purpose derives from :class:`LinkageError`::

    LinkageError
    ├── ConfigError          the configuration file is missing, malformed or inconsistent
    ├── InputError           an input extract cannot be read or fails validation
    ├── KeyMaterialError     the key file is missing, too open, the wrong length, or wrong
    ├── CrosswalkError       the encrypted crosswalk cannot be opened (wrong key, tampered)
    │   └── SealedFileError  another sealed file of ``secure/`` cannot be opened (same causes)
    ├── ExportBlocked        a gate (schema, leak scanner) refused to write the export
    └── VerificationError    ``vhh-link verify`` found a delivered export that does not hold

Messages name the file, the row and the column and say what to do. They never contain
a personal value (a name, initials, a birthdate, an id): only counts, row numbers and
column names, because messages end up in logs and terminals outside the secure folder.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "ConfigError",
    "CrosswalkError",
    "ExportBlocked",
    "InputError",
    "KeyMaterialError",
    "LinkageError",
    "Problem",
    "SealedFileError",
    "VerificationError",
]


class LinkageError(Exception):
    """Base of every deliberate vhh-linkage error."""


class ConfigError(LinkageError):
    """The configuration cannot be used as written."""


class KeyMaterialError(LinkageError):
    """The key file is missing, unsafe or unusable."""


class CrosswalkError(LinkageError):
    """The crosswalk cannot be decrypted: wrong key, other run, or tampered file."""


class SealedFileError(CrosswalkError):
    """A sealed file of ``secure/`` (the full analysis frame) cannot be opened.

    A kind of crosswalk error: the same key, the same causes, the same exit code.
    """


class VerificationError(LinkageError):
    """A delivered export does not match its report."""


class Problem:
    """One located input problem: where it is and what to do, never the value itself."""

    __slots__ = ("column", "file", "hint", "message", "row")

    def __init__(
        self, file: str, message: str, *, row: int | None = None, column: str | None = None,
        hint: str = "",
    ) -> None:
        self.file = file
        self.row = row
        self.column = column
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column '{self.column}'"
        text = f"{where}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text

    def __repr__(self) -> str:
        return f"Problem({self!s})"


class InputError(LinkageError):
    """One or more input problems, collected and raised once."""

    def __init__(self, problems: Sequence[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem("invoer", problems)]
        self.problems: tuple[Problem, ...] = tuple(problems)
        lines = [str(p) for p in self.problems[:50]]
        if len(self.problems) > 50:
            lines.append(f"... and {len(self.problems) - 50} more problems")
        super().__init__("\n".join(lines))


class ExportBlocked(LinkageError):
    """A gate refused the export; nothing was written to the export folder."""

    def __init__(self, reasons: Sequence[str] | str) -> None:
        if isinstance(reasons, str):
            reasons = [reasons]
        self.reasons: tuple[str, ...] = tuple(reasons)
        super().__init__(
            "export blocked, nothing was written to export/:\n  - " + "\n  - ".join(self.reasons)
        )
