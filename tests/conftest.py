"""Shared fixtures: one synthetic study generated and run once per test session."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from vhh.linkage.privacy.keys import MasterKey, generate_key_file, load_key
from vhh.linkage.settings import DEFAULT_CONFIG, Settings, load_settings
from vhh.linkage.synth.generate import generate
from vhh.linkage.synth.settings import SynthSettings
from vhh.linkage.synth.write import write_synth
from vhh.pipelines.study import StudyResult, run_study


@dataclass(frozen=True)
class DemoRun:
    root: Path
    config: Path
    key_file: Path
    settings: Settings
    key: MasterKey
    result: StudyResult

    @property
    def truth(self) -> Path:
        return self.root / "truth"

    @property
    def export(self) -> Path:
        return self.root / "out" / "export"

    @property
    def secure(self) -> Path:
        return self.root / "out" / "secure"


def make_study_folder(root: Path, seed: int = 2013, **synth: object) -> tuple[Path, Path]:
    """Synthetic extracts, the default config and a fresh key in ``root``."""
    write_synth(generate(SynthSettings(seed=seed, **synth)), root)  # type: ignore[arg-type]
    config = root / "config.toml"
    shutil.copyfile(DEFAULT_CONFIG, config)
    shutil.copyfile(DEFAULT_CONFIG.parent / "incidentcodes_voorbeeld.csv",
                    root / "incidentcodes_voorbeeld.csv")
    key_file = root / "test.key"
    generate_key_file(key_file)
    return config, key_file


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    root = tmp_path_factory.mktemp("demo")
    config, key_file = make_study_folder(root)
    settings = load_settings(config)
    key = load_key(key_file)
    result = run_study(settings, key, root / "out")
    return DemoRun(root, config, key_file, settings, key, result)


@pytest.fixture(scope="session")
def demo_report_run(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    """The demo with ``[privacy] action = "report"``: the export keeps exact ages, so PSPP and
    R can redo every analysis of ``vhh-link analyse`` on it."""
    root = tmp_path_factory.mktemp("demo_report")
    config, key_file = make_study_folder(root)
    config.write_text(config.read_text("utf-8").replace('action = "generalise"',
                                                        'action = "report"'), "utf-8")
    settings = load_settings(config)
    assert settings.privacy.action == "report"
    key = load_key(key_file)
    result = run_study(settings, key, root / "out")
    return DemoRun(root, config, key_file, settings, key, result)

