"""Configuration: typed, validated on load, unknown keys named with their file."""

from __future__ import annotations

from pathlib import Path

import pytest
from vhh.linkage.errors import ConfigError
from vhh.linkage.settings import DEFAULT_CONFIG, load_settings


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_config_loads_and_resolves_paths_next_to_itself():
    s = load_settings(DEFAULT_CONFIG)
    assert s.linkage.tiers == ("exact", "strict", "fuzzy", "police_no_initial", "review")
    assert s.input_path("bvh_incidenten") == DEFAULT_CONFIG.parent / "input/bvh_incidenten.csv"
    assert len(s.sha256) == 64


def test_settings_are_frozen():
    s = load_settings(DEFAULT_CONFIG)
    with pytest.raises(AttributeError):
        s.scope.k = 3  # type: ignore[misc]


@pytest.mark.parametrize(("text", "named"), [
    ('version = 1\nproject = "p"\n[scope]\nkaders = ["A"]\nperiode = 1\n', "periode"),
    ('version = 1\nproject = "p"\nextra = 2\n', "extra"),
    ('version = 2\nproject = "p"\n', "version"),
    ('version = 1\n', "project"),
    ('version = 1\nproject = "p"\n[linkage]\ntiers = ["strikt"]\n', "strikt"),
    ('version = 1\nproject = "p"\n[linkage]\nsurname_threshold = 1.5\n', "surname_threshold"),
    ('version = 1\nproject = "p"\n[scope]\nkaders = ["A"]\nperiod_start = 2014-01-01\n'
     'period_end = 2013-01-01\n', "period_start"),
    ('version = 1\nproject = "p"\n[scope]\nkaders = ["A"]\n[funnel]\n'
     'order = ["startdatum", "scope", "gevonden_bvh"]\n', "scope first"),
    ('version = 1\nproject = "p"\n[columns.bvh]\n"a" = "b"\n', "columns.bvh"),
    ("version = 1\nproject = \n", "not valid TOML"),
])
def test_bad_config_names_the_key_and_the_file(tmp_path, text, named):
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_settings(path)
    assert named in str(err.value)
    assert str(path) in str(err.value)


def test_missing_config_file_says_what_to_do(tmp_path):
    with pytest.raises(ConfigError, match="vhh-link init"):
        load_settings(tmp_path / "nope.toml")


def test_column_mapping_is_kept_per_source(tmp_path):
    path = _write(tmp_path, 'version = 1\nproject = "p"\n[scope]\nkaders = ["A"]\n'
                  '[columns.bvh_incidenten]\n"Reg.nr." = "registratienummer"\n')
    assert load_settings(path).columns["bvh_incidenten"] == {"Reg.nr.": "registratienummer"}
