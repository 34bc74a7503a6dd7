"""Weak protection is refused unless accepted by name, and every accepted deviation is in
both reports (``export/`` and ``secure/``, JSON and HTML) and said on the console."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from vhh.linkage.errors import ConfigError
from vhh.linkage.settings import load_settings, protection_deviations
from vhh.pipelines.cli import main

from tests.conftest import make_study_folder


@pytest.fixture(scope="module")
def small_study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("weak")
    make_study_folder(root, seed=11, subjects=20, others=60)
    return root


def _copy(small_study: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(small_study, tmp_path / "s"))


def _configure(root: Path, old: str, new: str) -> Path:
    config = root / "config.toml"
    text = config.read_text("utf-8")
    assert old in text
    config.write_text(text.replace(old, new, 1), "utf-8")
    return config


@pytest.mark.parametrize("k", [1, 2])
def test_k_below_3_is_refused_with_the_way_to_accept_it(small_study, tmp_path, k):
    config = _configure(_copy(small_study, tmp_path), "k = 5", f"k = {k}")
    with pytest.raises(ConfigError) as info:
        load_settings(config)
    assert f"k = {k}" in str(info.value) and 'accepted_deviations = ["k_onder_3"]' in str(
        info.value)


def test_an_empty_quasi_identifier_list_that_generalises_is_refused(small_study, tmp_path):
    config = _configure(_copy(small_study, tmp_path),
                        'quasi_identifiers = ["leeftijd", "geslacht", "kader", "start_kwartaal"]',
                        "quasi_identifiers = []")
    with pytest.raises(ConfigError, match="geen_quasi_identificatoren"):
        load_settings(config)
    _configure(config.parent, '\naction = "generalise"', '\naction = "report"')
    assert protection_deviations(load_settings(config).privacy) == {}  # nothing to protect


def test_an_acceptance_that_is_not_needed_is_refused(small_study, tmp_path):
    config = _configure(_copy(small_study, tmp_path), "accepted_deviations = []",
                        'accepted_deviations = ["k_onder_3"]')
    with pytest.raises(ConfigError, match="does not deviate that way"):
        load_settings(config)


def test_an_unknown_deviation_name_is_refused(small_study, tmp_path):
    config = _configure(_copy(small_study, tmp_path), "accepted_deviations = []",
                        'accepted_deviations = ["sleutel_lage_entropie"]')
    with pytest.raises(ConfigError, match="unknown value"):
        load_settings(config)


def test_every_accepted_deviation_is_in_both_reports_and_on_the_console(small_study, tmp_path):
    root = _copy(small_study, tmp_path)
    config = _configure(root, "k = 5", "k = 2")
    _configure(root, "accepted_deviations = []", 'accepted_deviations = ["k_onder_3"]')
    key = root / "weak.key"
    key.write_text((bytes(range(8)) * 4).hex() + "\n")
    key.chmod(0o640)
    args = ["run", "--config", str(config), "--key-file", str(key), "--out", str(root / "out")]
    refused = CliRunner().invoke(main, args)
    assert refused.exit_code == 4 and "--allow-insecure-key" in refused.output
    refused = CliRunner().invoke(main, [*args, "--allow-insecure-key"])
    assert refused.exit_code == 4 and "--allow-weak-key" in refused.output
    result = CliRunner().invoke(main, [*args, "--allow-insecure-key", "--allow-weak-key"])
    assert result.exit_code == 0, result.output
    expected = {"k_onder_3": "[privacy] accepted_deviations in config.toml",
                "sleutel_leesbaar_voor_anderen": "--allow-insecure-key",
                "sleutel_lage_entropie": "--allow-weak-key"}
    for report in (root / "out" / "export" / "auditrapport.json",
                   root / "out" / "secure" / "auditrapport_intern.json"):
        found = json.loads(report.read_text("utf-8"))["afwijkingen"]
        assert {d["naam"]: d["geaccepteerd_met"] for d in found} == expected
        page = report.with_suffix(".html").read_text("utf-8")
        assert "Afwijkingen van de minimale bescherming" in page
        assert all(name in page for name in expected)
    for name, how in expected.items():
        assert f"deviation accepted with {how}, recorded in both reports: {name}" in (
            result.output)


def test_a_run_without_deviations_says_so_in_the_report(demo_run):
    report = json.loads((demo_run.export / "auditrapport.json").read_text("utf-8"))
    assert report["afwijkingen"] == [] and report["waarschuwingen"] == []
    page = (demo_run.export / "auditrapport.html").read_text("utf-8")
    assert "Geen: de minimale bescherming is aangehouden." in page
