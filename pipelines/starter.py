"""A working configuration next to a folder of extracts, in one step (``vhh-link init``).

``config/default.toml`` documents every key, but its input paths (``input/...``) only fit
the generator's layout, and the incident-code table it names must lie next to it. This
writes ``config.toml`` with the paths of the extracts actually found in the folder (or in
its ``input/``), copies the example incident-code table beside it, and checks that the
result loads and that every path it names resolves. ``vhh-link synth`` writes one the same
way for the extracts it generates.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from vhh.linkage.contract import SOURCES
from vhh.linkage.errors import ConfigError
from vhh.linkage.io.atomic import atomic_write_bytes
from vhh.linkage.settings import DEFAULT_CONFIG, load_settings

__all__ = ["CONFIG_NAME", "EXTENSIONS", "Starter", "find_extracts", "starter_config",
           "write_starter"]

CONFIG_NAME = "config.toml"
CODES_NAME = "incidentcodes_voorbeeld.csv"
EXTENSIONS = (".csv", ".xlsx", ".parquet", ".txt")
"""What the readers read, in the order an extract is looked for."""


@dataclass(frozen=True)
class Starter:
    """What ``write_starter`` did: the files, and which extracts it found or did not."""

    config: Path
    codes: Path
    found: dict[str, str]       # source -> path as written in the config (relative)
    missing: tuple[str, ...]    # sources without an extract yet (a default name was written)


def find_extracts(folder: Path) -> dict[str, str]:
    """Per source, the extract in ``folder`` or ``folder/input`` (path relative to folder)."""
    found: dict[str, str] = {}
    for source in SOURCES:
        for sub in ("", "input"):
            hits = [folder / sub / f"{source}{ext}" for ext in EXTENSIONS
                    if (folder / sub / f"{source}{ext}").is_file()]
            if hits:
                found[source] = hits[0].relative_to(folder).as_posix()
                break
    return found


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def starter_config(paths: dict[str, str], project: str) -> str:
    """``default.toml`` with these input paths and this project name, every comment kept."""
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    text = re.sub(r'(?m)^project = ".*"$', f"project = {_quoted(project)}", text, count=1)
    for source, path in paths.items():
        text = re.sub(rf'(?m)^{source} = ".*"$', f"{source} = {_quoted(path)}", text, count=1)
    head = ("# Written by vhh-link init for the extracts in this folder; edit freely.\n"
            "# Every key is documented below (as in config/default.toml of the toolkit).\n")
    return head + text


def _project_name(folder: Path) -> str:
    slug = re.sub(r"[^0-9a-z]+", "-", folder.resolve().name.lower()).strip("-")
    return f"vhh-evaluatie-{slug or 'studie'}"


def write_starter(folder: Path, *, project: str | None = None, overwrite: bool = False
                  ) -> Starter:
    """Write ``folder/config.toml`` and the example incident-code table; check they load."""
    config = folder / CONFIG_NAME
    if config.exists() and not overwrite:
        raise ConfigError(f"{config}: a configuration exists already; it is left as it is "
                          "(use --force to write a new one)")
    found = find_extracts(folder)
    missing = tuple(s for s in SOURCES if s not in found)
    paths = {**{s: f"{s}.csv" for s in missing}, **found}
    atomic_write_bytes(config, starter_config(paths, project or _project_name(folder))
                       .encode("utf-8"), mode=0o644)
    codes = folder / CODES_NAME
    if not codes.exists():
        shutil.copyfile(DEFAULT_CONFIG.parent / CODES_NAME, codes)
    settings = load_settings(config)  # the file as written must load
    unresolved = [s for s in found if not settings.input_path(s).is_file()]
    if unresolved or not settings.resolve(settings.filters.incident_codes).is_file():
        raise ConfigError(f"{config}: a path does not resolve ({', '.join(unresolved)})")
    return Starter(config, codes, found, missing)
