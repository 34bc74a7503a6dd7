"""The command line end to end, and every kind of bad input a data officer will meet."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from vhh.pipelines.cli import main

from tests.conftest import make_study_folder

FUNNEL = ("213 in scope → 198 found in BVH (8 lacking an initial, 7 not found) → "
          "195 with enough GCOS data (3 without a discussion date) → 138 found in HKS")


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    root = tmp_path_factory.mktemp("cli")
    config, key = make_study_folder(root)
    return root, config, key


def _copy(study: tuple[Path, Path, Path], tmp_path: Path) -> tuple[Path, Path, Path]:
    root, _, _ = study
    dst = tmp_path / "s"
    shutil.copytree(root, dst)
    return dst, dst / "config.toml", dst / "test.key"


def _invoke(*args: str) -> object:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_demo_prints_the_reference_funnel(tmp_path):
    result = _invoke("demo", "--out", str(tmp_path / "demo"))
    assert result.exit_code == 0, result.output
    assert FUNNEL in result.output
    assert "25 out of scope (15 kader, 10 periode)" in result.output
    assert (tmp_path / "demo" / "export" / "analysebestand.csv").exists()
    assert (tmp_path / "demo" / "input" / "bvh_incidenten.csv").exists()
    assert oct((tmp_path / "demo" / "demo.key").stat().st_mode & 0o777) == "0o600"


def test_run_prints_the_funnel_on_own_extracts(study, tmp_path):
    root, config, key = _copy(study, tmp_path)
    result = _invoke("run", "--config", str(config), "--key-file", str(key), "--out",
                     str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert FUNNEL in result.output


def test_synth_writes_extracts_and_truth(tmp_path):
    result = _invoke("synth", "--out", str(tmp_path), "--seed", "7")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "truth" / "expected_funnel.json").exists()
    assert (tmp_path / "truth" / "links.csv").exists()
    assert (tmp_path / "input" / "gcos_subjecten.csv").exists()


def test_validate_reports_without_writing(study, tmp_path):
    root, config, _ = _copy(study, tmp_path)
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    result = _invoke("validate", "--config", str(config))
    assert "bvh_incidenten: 10071 rows read" in result.output or "rows read" in result.output
    assert "would be quarantined" in result.output
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_keygen_refuses_to_overwrite(tmp_path):
    key = tmp_path / "k.key"
    assert _invoke("keygen", "--out", str(key)).exit_code == 0
    again = CliRunner().invoke(main, ["keygen", "--out", str(key)])
    assert again.exit_code == 4
    assert "exists already" in again.output


def _run(config: Path, key: Path, out: Path) -> object:
    return CliRunner().invoke(main, ["run", "--config", str(config), "--key-file", str(key),
                                     "--out", str(out)])


def _rewrite(path: Path, edit, **read) -> None:
    frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, **read)
    edit(frame)
    frame.to_csv(path, sep=";", index=False)


def test_missing_required_column_names_file_and_column(study, tmp_path):
    root, config, key = _copy(study, tmp_path)
    _rewrite(root / "input" / "bvh_incidenten.csv", lambda f: f.pop("incidentdatum"))
    result = _run(config, key, tmp_path / "out")
    assert result.exit_code == 3
    assert "bvh_incidenten.csv" in result.output and "'incidentdatum'" in result.output
    assert not (tmp_path / "out" / "export").exists()


def test_duplicate_gcos_id_quarantines_every_copy(study, tmp_path):
    root, config, key = _copy(study, tmp_path)
    path = root / "input" / "gcos_subjecten.csv"

    def dup(frame: pd.DataFrame) -> None:
        frame.loc[5, "gcos_id"] = frame.loc[6, "gcos_id"]

    _rewrite(path, dup)
    result = _run(config, key, tmp_path / "out")
    assert result.exit_code == 0, result.output
    q = pd.read_csv(tmp_path / "out" / "secure" / "quarantaine" / "gcos_subjecten.csv", dtype=str)
    dupes = q[q["reden"].str.contains("meer dan eens")]
    assert len(dupes) == 2 and set(dupes["bronrij"]) == {"7", "8"}


def test_unparseable_date_is_quarantined_with_row_and_column(study, tmp_path):
    root, config, key = _copy(study, tmp_path)

    def bad(frame: pd.DataFrame) -> None:
        frame.loc[10, "incidentdatum"] = "31-13-2012"

    _rewrite(root / "input" / "bvh_incidenten.csv", bad)
    result = _run(config, key, tmp_path / "out")
    assert result.exit_code == 0
    q = pd.read_csv(tmp_path / "out" / "secure" / "quarantaine" / "bvh_incidenten.csv", dtype=str)
    row = q[q["bronrij"] == "12"]
    assert list(row["kolom"]) == ["incidentdatum"]
    assert result.output.count("rows quarantined") >= 1


def test_empty_file_is_a_clear_error(study, tmp_path):
    root, config, key = _copy(study, tmp_path)
    (root / "input" / "hks_antecedenten.csv").write_bytes(b"")
    result = _run(config, key, tmp_path / "out")
    assert result.exit_code == 3
    assert "hks_antecedenten.csv" in result.output and "empty" in result.output


def test_wrong_delimiter_is_named(study, tmp_path):
    root, config, key = _copy(study, tmp_path)
    path = root / "input" / "gcos_besprekingen.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(";", ":"), encoding="utf-8")
    result = _run(config, key, tmp_path / "out")
    assert result.exit_code == 3
    assert "gcos_besprekingen.csv" in result.output and "delimiter" in result.output
    assert "';', ',', '|' or tab" in result.output  # the advice names what is read


def test_wrong_declared_encoding_names_the_row(study, tmp_path):
    root, config, key = _copy(study, tmp_path)
    config.write_text(config.read_text().replace('encoding = "auto"', 'encoding = "utf-8"'))
    result = _run(config, key, tmp_path / "out")
    assert result.exit_code == 3
    assert "hks_antecedenten.csv" in result.output and "row" in result.output
    assert "cp1252" in result.output or "encoding" in result.output


def test_comma_utf8_bom_file_is_read_like_the_original(study, tmp_path):
    root, config, key = _copy(study, tmp_path)
    path = root / "input" / "gcos_besprekingen.csv"
    frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
    frame.to_csv(path, sep=",", index=False, encoding="utf-8-sig")
    result = _run(config, key, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert FUNNEL in result.output


@pytest.mark.parametrize("problem", ["missing", "open", "short"])
def test_bad_key_file_is_refused(study, tmp_path, problem):
    root, config, key = _copy(study, tmp_path)
    if problem == "missing":
        key.unlink()
    elif problem == "open":
        os.chmod(key, 0o644)
    else:
        key.write_text("abcd\n")
        os.chmod(key, 0o600)
    result = _run(config, key, tmp_path / "out")
    assert result.exit_code == 4
    assert str(key) in result.output
    assert not (tmp_path / "out" / "export").exists()


def test_unknown_config_key_is_named(study, tmp_path):
    root, config, key = _copy(study, tmp_path)
    config.write_text(config.read_text().replace("[windows]", "[windows]\nstartdag = 1"))
    result = _run(config, key, tmp_path / "out")
    assert result.exit_code == 2
    assert "startdag" in result.output and "config.toml" in result.output
