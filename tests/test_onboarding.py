"""Onboarding in one step (issue 15): ``vhh-link init`` next to the extracts, ``synth`` with a
configuration, and a README whose exit codes, sections and key names are the real ones."""

from __future__ import annotations

import re
import shutil
import tomllib
from dataclasses import fields
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from vhh.linkage.contract import SOURCES
from vhh.linkage.settings import SECTIONS, load_settings
from vhh.pipelines.cli import EXIT_CODES, main

from tests.conftest import make_study_folder

REPO = Path(__file__).resolve().parent.parent
FUNNEL = ("213 in scope → 198 found in BVH (8 lacking an initial, 7 not found) → "
          "195 with enough GCOS data (3 without a discussion date) → 138 found in HKS")


def _invoke(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def extracts(tmp_path_factory) -> Path:
    """A data officer's folder: the four extracts side by side, one of them as .xlsx."""
    root = tmp_path_factory.mktemp("generated")
    make_study_folder(root)
    folder = tmp_path_factory.mktemp("mijn_extracten")
    for source in SOURCES:
        shutil.copyfile(root / "input" / f"{source}.csv", folder / f"{source}.csv")
    subjects = pd.read_csv(folder / "gcos_subjecten.csv", sep=None, engine="python",
                           dtype=str, keep_default_na=False)
    subjects.to_excel(folder / "gcos_subjecten.xlsx", index=False)
    (folder / "gcos_subjecten.csv").unlink()
    return folder


def test_init_writes_a_configuration_that_runs_on_the_extracts_next_to_it(extracts, tmp_path):
    folder = tmp_path / "studie"
    shutil.copytree(extracts, folder)
    done = _invoke("init", folder)
    assert done.exit_code == 0, done.output
    settings = load_settings(folder / "config.toml")
    assert settings.input_path("gcos_subjecten") == folder.resolve() / "gcos_subjecten.xlsx"
    assert all(settings.input_path(s).is_file() for s in SOURCES)
    assert settings.resolve(settings.filters.incident_codes).is_file()
    assert settings.project == "vhh-evaluatie-studie"
    assert "vhh-link validate --config" in done.output
    assert _invoke("validate", "--config", folder / "config.toml").exit_code == 1  # 2 rows
    key = tmp_path / "studie.key"
    assert _invoke("keygen", "--out", key).exit_code == 0
    run = _invoke("run", "--config", folder / "config.toml", "--key-file", key,
                  "--out", tmp_path / "uit")
    assert run.exit_code == 0, run.output
    assert FUNNEL in run.output


def test_init_keeps_every_comment_of_the_default_and_refuses_to_overwrite(extracts, tmp_path):
    folder = tmp_path / "s"
    shutil.copytree(extracts, folder)
    assert _invoke("init", folder, "--project", "vhh-noord").exit_code == 0
    text = (folder / "config.toml").read_text("utf-8")
    default = (REPO / "config" / "default.toml").read_text("utf-8")
    assert [line for line in default.splitlines() if line.startswith("#")] == [
        line for line in text.splitlines()[2:] if line.startswith("#")]
    again = _invoke("init", folder)
    assert again.exit_code == 2 and "exists already" in again.output
    assert (folder / "config.toml").read_text("utf-8") == text
    assert _invoke("init", folder, "--force").exit_code == 0


def test_init_in_an_empty_folder_names_what_is_missing(tmp_path):
    done = _invoke("init", tmp_path / "leeg")
    assert done.exit_code == 0
    assert done.output.count("not found") == 4
    assert load_settings(tmp_path / "leeg" / "config.toml").input_path(
        "bvh_incidenten").name == "bvh_incidenten.csv"


def test_synth_writes_a_configuration_for_what_it_generated(tmp_path):
    done = _invoke("synth", "--out", tmp_path, "--format", "parquet")
    assert done.exit_code == 0, done.output
    settings = load_settings(tmp_path / "config.toml")
    assert all(settings.input_path(s).suffix == ".parquet" and settings.input_path(s).is_file()
               for s in SOURCES)


def _readme() -> str:
    return (REPO / "README.md").read_text("utf-8")


def test_the_readme_documents_every_exit_code():
    table = _readme()[_readme().index("## Exit codes"):]
    table = table[:table.index("\n## ", 4)]
    codes = {int(c) for c in re.findall(r"^\| (\d+) \|", table, re.MULTILINE)}
    assert codes == {0, 1, 70, *EXIT_CODES.values()}
    assert "validate" in table and "reidentify" in table


def test_the_readme_and_config_readme_name_the_real_sections_and_keys():
    readme, config_readme = _readme(), (REPO / "config" / "README.md").read_text("utf-8")
    for section in SECTIONS:
        assert f"`[{section}]`" in readme, section
    known = {(s, f.name) for s, cls in SECTIONS.items() for f in fields(cls)}
    mentioned = {(s, k) for s, k in re.findall(r"`\[(\w+)\]\.(\w+)`", readme + config_readme)}
    assert mentioned <= known, mentioned - known
    assert ("filters", "incident_codes") in mentioned
    assert "`vhh-link init" in readme


def test_default_toml_documents_every_key():
    default = tomllib.loads((REPO / "config" / "default.toml").read_text("utf-8"))
    for section, cls in SECTIONS.items():
        assert set(default[section]) == {f.name for f in fields(cls)}, section
