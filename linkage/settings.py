"""Typed, frozen settings loaded from a TOML file and validated on load.

An unknown key is an error that names the key and the file; a missing key takes the
documented default from ``config/default.toml``. Relative paths are resolved against the
folder of the config file. The key material is never part of the configuration.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import vhh.linkage.fields as conv
from vhh.linkage.contract import (
    CATEGORIES,
    CONFIG_DEVIATIONS,
    EXPORT_FORMATS,
    LEEFGEBIEDEN,
    QUASI_IDENTIFIERS,
    SOURCES,
    STUDY_KADERS,
    TIER_NAMES,
)
from vhh.linkage.errors import ConfigError

__all__ = [
    "CONFIG_VERSION",
    "DEFAULT_CONFIG",
    "ExportSettings",
    "FilterSettings",
    "FunnelSettings",
    "GcosSettings",
    "InputSettings",
    "LinkageSettings",
    "PrivacySettings",
    "ScopeSettings",
    "Settings",
    "WindowSettings",
    "load_settings",
    "protection_deviations",
    "settings_from_mapping",
]

CONFIG_VERSION = 1
DELIMITERS = ("auto", ";", ",", "\t", "|")
MIN_K = 3  # below it a record may sit in a class of one or two: refused unless accepted
# config/ is installed as the data package vhh.config (a wheel carries it too)
DEFAULT_CONFIG = Path(str(resources.files("vhh.config") / "default.toml"))


# --- the sections


@dataclass(frozen=True)
class InputSettings:
    gcos_subjecten: Path = conv.setting(conv.path, Path("input/gcos_subjecten.csv"))
    gcos_besprekingen: Path = conv.setting(conv.path, Path("input/gcos_besprekingen.csv"))
    bvh_incidenten: Path = conv.setting(conv.path, Path("input/bvh_incidenten.csv"))
    hks_antecedenten: Path = conv.setting(conv.path, Path("input/hks_antecedenten.csv"))
    encoding: str = conv.setting(conv.choice("auto", "utf-8", "utf-8-sig", "cp1252"), "auto")
    delimiter: str = conv.setting(conv.choice(*DELIMITERS), "auto")
    # police extracts are read, validated and reduced this many rows at a time
    chunk_rows: int = conv.setting(conv.whole(1), 1_000_000)
    # large extracts: the leak scanner's identifiers and the HKS linkage in worker processes
    workers: bool = conv.setting(conv.flag, True)

    def path(self, source: str) -> Path:
        return getattr(self, source)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class GcosSettings:
    # the titles of the GCOS leefgebieden; matched forgiving of case, accents and spacing
    # the analysis file counts 0-11 of them
    leefgebieden: tuple[str, ...] = conv.setting(conv.names(11), LEEFGEBIEDEN)


@dataclass(frozen=True)
class ScopeSettings:
    kaders: tuple[str, ...] = conv.setting(conv.names(100), STUDY_KADERS)
    period_start: dt.date = conv.setting(conv.date, dt.date(2013, 1, 1))
    period_end: dt.date = conv.setting(conv.date, dt.date(2013, 12, 31))


@dataclass(frozen=True)
class LinkageSettings:
    method: str = conv.setting(conv.choice("probabilistic", "rules"), "probabilistic")
    # method "rules"
    tiers: tuple[str, ...] = conv.setting(conv.strings(TIER_NAMES), TIER_NAMES)
    surname_threshold: float = conv.setting(conv.fraction, 0.92)
    # method "probabilistic": thresholds on the match weight (log2 odds), estimation sizes
    match_weight: float = conv.setting(conv.number, 4.5)
    review_weight: float = conv.setting(conv.number, 4.0)
    u_random_pairs: int = conv.setting(conv.whole(1000), 300_000)
    em_session_pairs: int = conv.setting(conv.whole(1000), 200_000)
    term_frequencies: bool = conv.setting(conv.flag, True)
    # a GCOS subject without any initial: "review" (the study's rule: never automatic) or
    # "link" (decided by the weight like any other)
    subject_without_initial: str = conv.setting(conv.choice("review", "link"), "review")
    # both methods
    max_block_pairs: int = conv.setting(conv.whole(1), 200_000)
    review_decisions: Path | None = conv.setting(conv.optional_path, None)


@dataclass(frozen=True)
class FilterSettings:
    incident_codes: Path = conv.setting(conv.path, Path("incidentcodes_voorbeeld.csv"))
    count_categories: tuple[str, ...] = conv.setting(
        conv.strings(CATEGORIES), ("misdrijf", "overtreding")
    )
    unknown_codes: str = conv.setting(conv.choice("drop", "count"), "drop")
    roles: tuple[str, ...] = conv.setting(conv.strings(), ())
    deduplicate_registrations: bool = conv.setting(conv.flag, True)
    hks_afdoeningen: tuple[str, ...] = conv.setting(conv.strings(), ())
    hks_date_column: str = conv.setting(conv.text, "pleegdatum")


@dataclass(frozen=True)
class WindowSettings:
    start: str = conv.setting(conv.choice("first_in_period", "first_ever"), "first_in_period")
    quarter_months: int = conv.setting(conv.whole(1), 3)
    year_months: int = conv.setting(conv.whole(1), 12)
    start_day: str = conv.setting(conv.choice("after", "before"), "after")
    extraction_date: dt.date = conv.setting(conv.date, dt.date(2014, 12, 31))


@dataclass(frozen=True)
class PrivacySettings:
    quasi_identifiers: tuple[str, ...] = conv.setting(conv.strings(QUASI_IDENTIFIERS),
                                                      QUASI_IDENTIFIERS)
    k: int = conv.setting(conv.whole(1), 5)
    action: str = conv.setting(conv.choice("report", "generalise"), "generalise")
    age_bands: tuple[int, ...] = conv.setting(conv.ints, (18, 25, 35, 45, 55, 65))
    top_code: int = conv.setting(conv.whole(1), 20)
    small_cell: int = conv.setting(conv.whole(1), 5)
    # vhh-link analyse, inside route: statistics that leave are rounded to this many decimals
    result_decimals: int = conv.setting(conv.whole(0), 4)
    # weaker protection than the minimum, accepted deliberately (recorded in both reports)
    accepted_deviations: tuple[str, ...] = conv.setting(conv.strings(CONFIG_DEVIATIONS), ())


FUNNEL_STEPS = ("scope", "gevonden_bvh", "startdatum")


@dataclass(frozen=True)
class FunnelSettings:
    # the order in which subjects leave; scope comes first (only in-scope subjects are linked)
    order: tuple[str, ...] = conv.setting(conv.strings(FUNNEL_STEPS), FUNNEL_STEPS)


@dataclass(frozen=True)
class ExportSettings:
    formats: tuple[str, ...] = conv.setting(conv.strings(EXPORT_FORMATS), EXPORT_FORMATS)


SECTIONS: Mapping[str, type] = MappingProxyType(
    {
        "inputs": InputSettings,
        "gcos": GcosSettings,
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
    gcos: GcosSettings = GcosSettings()
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
    _check_protection(s.privacy, where)


def protection_deviations(privacy: PrivacySettings) -> dict[str, str]:
    """The deviations from the minimum protection ``privacy`` asks for: name -> why."""
    needed = {}
    if privacy.k < MIN_K:
        needed["k_onder_3"] = (f"k = {privacy.k} lets a record sit in an equivalence class of "
                               f"{privacy.k} person(s); use k >= {MIN_K}")
    if not privacy.quasi_identifiers and privacy.action == "generalise":
        needed["geen_quasi_identificatoren"] = ("quasi_identifiers is empty with action = "
                                                "\"generalise\", so nothing is protected; "
                                                "list the quasi-identifiers")
    return needed


def _check_protection(privacy: PrivacySettings, where: str) -> None:
    """Weak protection is refused unless accepted by name; an acceptance must be needed."""
    needed = protection_deviations(privacy)
    for name, why in needed.items():
        if name not in privacy.accepted_deviations:
            raise ConfigError(f"{where} [privacy]: {why}, or accept it deliberately with "
                              f"accepted_deviations = [\"{name}\"] (both reports record it)")
    unneeded = [n for n in privacy.accepted_deviations if n not in needed]
    if unneeded:
        raise ConfigError(f"{where} [privacy]: accepted_deviations lists {', '.join(unneeded)}, "
                          "but the configuration does not deviate that way; remove it")


def load_settings(path: Path | str) -> Settings:
    """Read, validate and return the settings in ``path``."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found; 'vhh-link init FOLDER' writes "
                          "one next to your extracts") from None
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
