"""Converters of TOML values into typed settings fields: each takes ``(value, where)``.

Every converter returns the typed value or raises :class:`~vhh.linkage.errors.ConfigError`
naming ``where`` (file, section and key) and what was expected; :func:`setting` declares a
settings field with its converter and default. Defaults are immutable (tuples, frozen
dataclasses); a mutable default is a programming error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import MISSING, field
from pathlib import Path
from typing import Any

from vhh.linkage.contract import match_key
from vhh.linkage.errors import ConfigError

__all__ = ["choice", "date", "flag", "fraction", "ints", "names", "number", "optional_path",
           "path", "setting", "strings", "text", "whole"]


def text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{where}: expected text, got {type(value).__name__}")
    return value


def choice(*allowed: str) -> Callable[[Any, str], str]:
    def conv(value: Any, where: str) -> str:
        words = text(value, where)
        if words not in allowed:
            raise ConfigError(f"{where}: '{words}' is not one of {', '.join(allowed)}")
        return words

    return conv


def whole(minimum: int = 0) -> Callable[[Any, str], int]:
    def conv(value: Any, where: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: expected a whole number, got {type(value).__name__}")
        if value < minimum:
            raise ConfigError(f"{where}: must be at least {minimum}, got {value}")
        return value

    return conv


def fraction(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
        raise ConfigError(f"{where}: expected a number in (0, 1], got {value!r}")
    return float(value)


def number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{where}: expected a number, got {type(value).__name__}")
    return float(value)


def flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: expected true or false")
    return value


def date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ConfigError(f"{where}: expected a date like 2013-12-31")


def strings(allowed: tuple[str, ...] | None = None) -> Callable[[Any, str], tuple[str, ...]]:
    def conv(value: Any, where: str) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise ConfigError(f"{where}: expected a list")
        items = tuple(text(v, f"{where}[{i}]") for i, v in enumerate(value))
        if allowed is not None:
            bad = [v for v in items if v not in allowed]
            if bad:
                raise ConfigError(
                    f"{where}: unknown value(s) {', '.join(bad)}; allowed: {', '.join(allowed)}"
                )
        if len(set(items)) != len(items):
            raise ConfigError(f"{where}: a value is listed twice")
        return items

    return conv


def names(at_most: int) -> Callable[[Any, str], tuple[str, ...]]:
    """Names matched forgiving of case, accents and spacing: distinct once folded."""
    def conv(value: Any, where: str) -> tuple[str, ...]:
        names, keys = strings()(value, where), [match_key(v) for v in value]
        if "" in keys or len(set(keys)) != len(keys) or not 1 <= len(names) <= at_most:
            raise ConfigError(f"{where}: list 1 to {at_most} names, each with a letter, no two "
                              "differing only in case, accents or spacing")
        return names

    return conv


def ints(value: Any, where: str) -> tuple[int, ...]:
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        raise ConfigError(f"{where}: expected a list of whole numbers")
    if list(value) != sorted(set(value)):
        raise ConfigError(f"{where}: must be strictly increasing")
    return tuple(value)


def path(value: Any, where: str) -> Path:
    return Path(text(value, where))


def optional_path(value: Any, where: str) -> Path | None:
    words = text(value, where)
    return Path(words) if words else None


def setting(conv: Callable[[Any, str], Any], default: Any = MISSING) -> Any:
    if isinstance(default, list | dict):
        raise TypeError("mutable default")  # pragma: no cover - programming error
    return field(default=default, metadata={"conv": conv})
