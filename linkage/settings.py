"""Typed, frozen settings loaded from a TOML file and validated on load.

An unknown key is an error that names the key and the file; a missing key takes the
documented default from ``config/default.toml``. Relative paths are resolved against the
folder of the config file. The key material is never part of the configuration.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields, replace
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from vhh.linkage.errors import ConfigError

__all__ = [
    "CONFIG_VERSION",
    "DEFAULT_CONFIG",
    "ExportSettings",
    "FilterSettings",
    "FunnelSettings",
    "InputSettings",
    "LinkageSettings",
    "PrivacySettings",
    "ScopeSettings",
    "Settings",
    "WindowSettings",
    "load_settings",
    "settings_from_mapping",
]

CONFIG_VERSION = 1
# config/ is installed as the data package vhh.config (a wheel carries it too)
DEFAULT_CONFIG = Path(str(resources.files("vhh.config") / "default.toml"))

SOURCES = ("gcos_subjecten", "gcos_besprekingen", "bvh_incidenten", "hks_antecedenten")
TIER_NAMES = ("exact", "strict", "fuzzy", "police_no_initial", "review")
CATEGORIES = ("misdrijf", "overtreding", "verkeer", "administratief", "overig")
QUASI_IDENTIFIERS = ("leeftijd", "geslacht", "kader", "start_kwartaal")
FORMATS = ("csv", "parquet", "sav")


# --- converters: each takes (value, where) and returns the typed value or raises ConfigError


def _str(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{where}: expected text, got {type(value).__name__}")
    return value


def _choice(*allowed: str) -> Callable[[Any, str], str]:
    def conv(value: Any, where: str) -> str:
        text = _str(value, where)
        if text not in allowed:
            raise ConfigError(f"{where}: '{text}' is not one of {', '.join(allowed)}")
        return text

    return conv


def _int(minimum: int = 0) -> Callable[[Any, str], int]:
    def conv(value: Any, where: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: expected a whole number, got {type(value).__name__}")
        if value < minimum:
            raise ConfigError(f"{where}: must be at least {minimum}, got {value}")
        return value

    return conv


def _fraction(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
        raise ConfigError(f"{where}: expected a number in (0, 1], got {value!r}")
    return float(value)


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{where}: expected a number, got {type(value).__name__}")
    return float(value)


def _bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: expected true or false")
    return value


def _date(value: Any, where: str) -> dt.date:
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


def _strings(allowed: tuple[str, ...] | None = None) -> Callable[[Any, str], tuple[str, ...]]:
    def conv(value: Any, where: str) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise ConfigError(f"{where}: expected a list")
        items = tuple(_str(v, f"{where}[{i}]") for i, v in enumerate(value))
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


def _ints(value: Any, where: str) -> tuple[int, ...]:
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        raise ConfigError(f"{where}: expected a list of whole numbers")
    if list(value) != sorted(set(value)):
        raise ConfigError(f"{where}: must be strictly increasing")
    return tuple(value)


def _path(value: Any, where: str) -> Path:
    return Path(_str(value, where))


def _optional_path(value: Any, where: str) -> Path | None:
    text = _str(value, where)
    return Path(text) if text else None


def _setting(conv: Callable[[Any, str], Any], default: Any = MISSING) -> Any:
    if isinstance(default, list | dict):
        raise TypeError("mutable default")  # pragma: no cover - programming error
    return field(default=default, metadata={"conv": conv})


# --- the sections


@dataclass(frozen=True)
class InputSettings:
    gcos_subjecten: Path = _setting(_path, Path("input/gcos_subjecten.csv"))
    gcos_besprekingen: Path = _setting(_path, Path("input/gcos_besprekingen.csv"))
    bvh_incidenten: Path = _setting(_path, Path("input/bvh_incidenten.csv"))
    hks_antecedenten: Path = _setting(_path, Path("input/hks_antecedenten.csv"))
    encoding: str = _setting(_choice("auto", "utf-8", "utf-8-sig", "cp1252"), "auto")
    delimiter: str = _setting(_choice("auto", ";", ",", "\t"), "auto")
    # police extracts are read, validated and reduced this many rows at a time
    chunk_rows: int = _setting(_int(1), 1_000_000)

    def path(self, source: str) -> Path:
        return getattr(self, source)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class ScopeSettings:
    kaders: tuple[str, ...] = _setting(_strings(), ())
    period_start: dt.date = _setting(_date, dt.date(2012, 1, 1))
    period_end: dt.date = _setting(_date, dt.date(2013, 12, 31))


@dataclass(frozen=True)
class LinkageSettings:
    method: str = _setting(_choice("probabilistic", "rules"), "probabilistic")
    # method "rules"
    tiers: tuple[str, ...] = _setting(_strings(TIER_NAMES), TIER_NAMES)
    surname_threshold: float = _setting(_fraction, 0.92)
    # method "probabilistic": thresholds on the match weight (log2 odds), estimation sizes
    match_weight: float = _setting(_number, 4.5)
    review_weight: float = _setting(_number, 4.0)
    u_random_pairs: int = _setting(_int(1000), 300_000)
    em_session_pairs: int = _setting(_int(1000), 200_000)
    term_frequencies: bool = _setting(_bool, True)
    # a GCOS subject without any initial: "review" (the study's rule: never automatic) or
    # "link" (decided by the weight like any other)
    subject_without_initial: str = _setting(_choice("review", "link"), "review")
    # both methods
    max_block_pairs: int = _setting(_int(1), 200_000)
    review_decisions: Path | None = _setting(_optional_path, None)


@dataclass(frozen=True)
class FilterSettings:
    incident_codes: Path = _setting(_path, Path("incidentcodes_voorbeeld.csv"))
    count_categories: tuple[str, ...] = _setting(
        _strings(CATEGORIES), ("misdrijf", "overtreding")
    )
    unknown_codes: str = _setting(_choice("drop", "count"), "drop")
    roles: tuple[str, ...] = _setting(_strings(), ())
    deduplicate_registrations: bool = _setting(_bool, True)
    hks_afdoeningen: tuple[str, ...] = _setting(_strings(), ())
    hks_date_column: str = _setting(_str, "pleegdatum")


@dataclass(frozen=True)
class WindowSettings:
    start: str = _setting(_choice("first_in_period", "first_ever"), "first_in_period")
    quarter_months: int = _setting(_int(1), 3)
    year_months: int = _setting(_int(1), 12)
    start_day: str = _setting(_choice("after", "before"), "after")
    extraction_date: dt.date = _setting(_date, dt.date(2014, 12, 31))


@dataclass(frozen=True)
class PrivacySettings:
    quasi_identifiers: tuple[str, ...] = _setting(_strings(QUASI_IDENTIFIERS), QUASI_IDENTIFIERS)
    k: int = _setting(_int(1), 5)
    action: str = _setting(_choice("report", "generalise"), "generalise")
    age_bands: tuple[int, ...] = _setting(_ints, (18, 25, 35, 45, 55, 65))
    top_code: int = _setting(_int(1), 20)
    small_cell: int = _setting(_int(1), 5)


FUNNEL_STEPS = ("scope", "gevonden_bvh", "startdatum")


@dataclass(frozen=True)
class FunnelSettings:
    # the order in which subjects leave; scope comes first (only in-scope subjects are linked)
    order: tuple[str, ...] = _setting(_strings(FUNNEL_STEPS), FUNNEL_STEPS)


@dataclass(frozen=True)
class ExportSettings:
    formats: tuple[str, ...] = _setting(_strings(FORMATS), FORMATS)


SECTIONS: Mapping[str, type] = MappingProxyType(
    {
        "inputs": InputSettings,
        "scope": ScopeSettings,
        "linkage": LinkageSettings,
        "filters": FilterSettings,
        "windows": WindowSettings,
        "privacy": PrivacySettings,
        "funnel": FunnelSettings,
        "export": ExportSettings,
    }
)


@dataclass(frozen=True)
class Settings:
    """The whole validated configuration of one run."""

    project: str
    inputs: InputSettings
    scope: ScopeSettings
    linkage: LinkageSettings
    filters: FilterSettings
    windows: WindowSettings
    privacy: PrivacySettings
    export: ExportSettings
    funnel: FunnelSettings = FunnelSettings()
    columns: Mapping[str, Mapping[str, str]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    base_dir: Path = Path(".")
    source: str = "<in memory>"
    sha256: str = ""
    version: int = CONFIG_VERSION

    def resolve(self, path: Path) -> Path:
        """A configured path, relative to the config file's folder."""
        return path if path.is_absolute() else self.base_dir / path

    def input_path(self, source: str) -> Path:
        return self.resolve(self.inputs.path(source))



def _build_section(cls: type, table: Any, where: str) -> Any:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected a table [{where.split(' ')[-1]}]")
    known = {f.name: f for f in fields(cls)}
    unknown = sorted(set(table) - set(known))
    if unknown:
        raise ConfigError(
            f"{where}: unknown key(s) {', '.join(unknown)}; "
            f"known keys are {', '.join(known)}. Check the spelling against config/default.toml."
        )
    values = {
        name: f.metadata["conv"](table[name], f"{where}.{name}")
        for name, f in known.items()
        if name in table
    }
    return cls(**values)


def _build_columns(table: Any, where: str) -> Mapping[str, Mapping[str, str]]:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [columns] must be a table of tables")
    result: dict[str, Mapping[str, str]] = {}
    for source, mapping in table.items():
        if source not in SOURCES:
            raise ConfigError(
                f"{where}: [columns.{source}] names no input; use one of {', '.join(SOURCES)}"
            )
        if not isinstance(mapping, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
        ):
            raise ConfigError(f"{where}: [columns.{source}] must map header text to column name")
        result[source] = MappingProxyType(dict(mapping))
    return MappingProxyType(result)


def settings_from_mapping(
    data: Mapping[str, Any], *, source: str = "<in memory>", base_dir: Path = Path(".")
) -> Settings:
    """Validate a parsed TOML document into :class:`Settings`."""
    data = dict(data)
    version = data.pop("version", None)
    if version != CONFIG_VERSION:
        raise ConfigError(
            f"{source}: 'version' must be {CONFIG_VERSION} (found {version!r}); "
            "start from config/default.toml"
        )
    project = data.pop("project", None)
    if not isinstance(project, str) or not project.strip():
        raise ConfigError(f"{source}: 'project' must name the study (it binds the pseudonyms)")
    columns = _build_columns(data.pop("columns", {}), f"{source} [columns]")
    sections = {
        name: _build_section(cls, data.pop(name, {}), f"{source} [{name}]")
        for name, cls in SECTIONS.items()
    }
    if data:
        raise ConfigError(
            f"{source}: unknown key(s) {', '.join(sorted(data))}; "
            f"known: version, project, columns, {', '.join(SECTIONS)}"
        )
    settings = Settings(
        project=project.strip(), columns=columns, base_dir=base_dir, source=source, **sections
    )
    _check_consistency(settings)
    return settings


def _check_consistency(s: Settings) -> None:
    where = s.source
    if s.scope.period_start > s.scope.period_end:
        raise ConfigError(f"{where} [scope]: period_start lies after period_end")
    if not s.scope.kaders:
        raise ConfigError(f"{where} [scope]: kaders is empty, so no subject would be in scope")
    if s.windows.quarter_months > s.windows.year_months:
        raise ConfigError(f"{where} [windows]: quarter_months exceeds year_months")
    if s.windows.extraction_date < s.scope.period_start:
        raise ConfigError(f"{where} [windows]: extraction_date lies before the study period")
    if not s.linkage.tiers:
        raise ConfigError(f"{where} [linkage]: tiers is empty; list at least 'strict'")
    if s.linkage.review_weight > s.linkage.match_weight:
        raise ConfigError(f"{where} [linkage]: review_weight lies above match_weight; the "
                          "review band lies between them")
    if sorted(s.funnel.order) != sorted(FUNNEL_STEPS) or s.funnel.order[0] != "scope":
        raise ConfigError(f"{where} [funnel]: order must list scope first, then gevonden_bvh "
                          "and startdatum in the order subjects should leave")
    if not s.export.formats:
        raise ConfigError(f"{where} [export]: formats is empty")


def load_settings(path: Path | str) -> Settings:
    """Read, validate and return the settings in ``path``."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found; copy config/default.toml") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file ({exc.strerror})") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: config file is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    settings = settings_from_mapping(data, source=str(path), base_dir=path.resolve().parent)
    return replace(settings, sha256=hashlib.sha256(raw).hexdigest())
