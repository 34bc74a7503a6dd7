"""The streamed generator: a study of any size written batch by batch, with its truth.

The promises of the in-memory generator (tests/test_synth.py) are checked again on a
streamed study read back from its files, and the study is run through ``vhh-link run``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from vhh.linkage.privacy.keys import generate_key_file
from vhh.linkage.settings import DEFAULT_CONFIG
from vhh.linkage.synth import SynthData, SynthSettings
from vhh.linkage.synth.crowd import draw_crowd, fit_counts
from vhh.linkage.synth.generate import build_world
from vhh.linkage.synth.names import name_pool
from vhh.linkage.synth.stream import StreamSize, StreamSummary, write_streamed
from vhh.linkage.synth.write import csv_bytes
from vhh.pipelines.cli import main

import tests.test_synth as spec

REPO = Path(__file__).resolve().parent.parent
SEED = 11
SIZE = StreamSize(bvh_rows=30_000, hks_rows=4_000, batch_rows=7_000)


@pytest.fixture(scope="module")
def streamed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, StreamSummary]:
    root = tmp_path_factory.mktemp("streamed")
    return root, write_streamed(SynthSettings(seed=SEED), SIZE, root)


@pytest.fixture(scope="module")
def folder(streamed: tuple[Path, StreamSummary]) -> Path:
    return streamed[0]


@pytest.fixture(scope="module")
def data(folder: Path) -> SynthData:
    """The streamed study read back from its files, in the in-memory generator's shape."""
    subjects = spec._truth(folder, "subjects")
    return SynthData(
        **{name: spec._read(folder, name) for name in (
            "gcos_subjecten", "gcos_besprekingen", "bvh_incidenten", "hks_antecedenten")},
        links=spec._truth(folder, "links"),
        subjects=subjects.assign(in_hks=subjects["in_hks"] == "True"),
        traps=spec._truth(folder, "traps"),
        expected_funnel=json.loads((folder / "truth" / "expected_funnel.json").read_text()),
        quarantine=spec._truth(folder, "quarantine"),
        expected_counts=spec._truth(folder, "expected_counts"),
    )


# ---- size and numbering -------------------------------------------------------------------


def test_extracts_have_exactly_the_rows_asked_for(streamed, data: SynthData) -> None:
    _, summary = streamed
    assert len(data.bvh_incidenten) == summary.bvh_rows == SIZE.bvh_rows
    assert len(data.hks_antecedenten) == summary.hks_rows == SIZE.hks_rows
    assert summary.batches == 5
    assert data.expected_funnel["bvh_gelezen"] == SIZE.bvh_rows
    assert data.expected_funnel["hks_gelezen"] == SIZE.hks_rows


def test_record_ids_run_on_across_batches_in_file_order(data: SynthData) -> None:
    assert data.bvh_incidenten["bvh_id"].tolist() == [f"B{i:07d}" for i in range(1, 30_001)]
    assert data.hks_antecedenten["hks_id"].tolist() == [f"H{i:06d}" for i in range(1, 4_001)]


def test_subjects_rows_lie_all_through_the_extract(data: SynthData) -> None:
    linked = data.bvh_incidenten["bvh_id"].isin(data.links["record_id"]).to_numpy()
    per_fifth = linked.reshape(5, -1).mean(axis=1)
    assert (per_fifth > 0.5 * linked.mean()).all()


def test_a_registration_number_is_one_incident(data: SynthData) -> None:
    bvh = data.bvh_incidenten.assign(day=data.bvh_incidenten["incidentdatum"].map(
        spec._parse_date))
    bvh = bvh[bvh["day"].notna()]  # the designed unparseable dates
    per_number = bvh.groupby("registratienummer")[["day", "mk_code"]].nunique()
    assert (per_number == 1).all().all()
    assert bvh["registratienummer"].nunique() > 0.8 * len(bvh)


# ---- the truth holds for the streamed files -----------------------------------------------


def test_truth_points_at_rows_in_the_files(data: SynthData) -> None:
    spec.test_record_ids_are_unique_and_links_point_at_real_rows(data)
    spec.test_designed_quarantine_rows_are_invalid_in_the_files(data)
    spec.test_subject_fates_add_up_to_the_funnel(data)


def test_the_files_show_the_designed_funnel(folder: Path, data: SynthData) -> None:
    assert {k: data.expected_funnel[k] for k in spec.REFERENCE_FUNNEL} == spec.REFERENCE_FUNNEL
    spec.test_written_gcos_files_show_the_designed_funnel(folder)
    spec.test_every_analysed_subject_has_two_clean_bvh_rows(folder)


def test_expected_counts_match_an_independent_recount(folder: Path) -> None:
    spec.test_expected_counts_match_an_independent_recount(folder)


def test_a_streamed_study_keeps_its_traps(data: SynthData) -> None:
    spec.test_near_namesakes_share_birthdate_and_first_initial_not_the_second(data)
    spec.test_twins_share_surname_and_birthdate_not_their_initials(data)
    spec.test_partner_name_rows_carry_the_other_name(data)


def test_a_crowd_holds_exactly_its_budget_and_everyone_has_rows() -> None:
    s = SynthSettings(seed=3, subjects=400)
    world = build_world(s)
    crowd = draw_crowd(np.random.default_rng(1), name_pool(s.seed), 20_000, 3_000, s,
                       world.bvh_keys.used, world.bvh_keys.offset)
    assert (len(crowd.bvh), len(crowd.hks)) == (20_000, 3_000)
    assert set(crowd.bvh["pid"]) | set(crowd.hks["pid"]) == set(range(len(crowd.people)))
    assert crowd.bvh["noise"].gt(0).mean() > 0.2  # the crowd's rows are written otherwise too


@given(st.lists(st.integers(0, 80), min_size=1, max_size=50), st.data())
def test_fitted_counts_hold_exactly_the_budget(counts: list[int], draw: st.DataObject) -> None:
    budget = draw.draw(st.integers(0, sum(counts)))
    fitted = fit_counts(np.array(counts), budget).tolist()
    assert sum(fitted) == budget
    if budget:  # the first persons' counts, the last one's cut to fit
        assert fitted[:-1] == counts[: len(fitted) - 1]
        assert 0 < fitted[-1] <= counts[len(fitted) - 1]
    else:
        assert fitted == []


# ---- bytes, formats, determinism ------------------------------------------------------------


def test_same_seed_and_size_give_the_same_bytes_in_another_process(folder: Path,
                                                                   tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONHASHSEED": "4321", "PYTHONPATH": str(REPO)}
    subprocess.run([sys.executable, "-m", "vhh.pipelines.cli", "synth", "--out", str(tmp_path),
                    "--seed", str(SEED), "--bvh-rows", str(SIZE.bvh_rows), "--hks-rows",
                    str(SIZE.hks_rows), "--batch-rows", str(SIZE.batch_rows)],
                   check=True, env=env, cwd=REPO, capture_output=True)
    generated = spec._file_bytes(tmp_path)
    # the command also writes a configuration next to the extracts (vhh-link init's)
    assert {generated.pop("config.toml"), generated.pop("incidentcodes_voorbeeld.csv")}
    assert generated == spec._file_bytes(folder)


def test_fast_csv_writer_gives_the_same_bytes_as_pandas(data: SynthData) -> None:
    for name in ("bvh_incidenten", "hks_antecedenten"):
        frame = getattr(data, name).head(3000)
        sep, end = (",", "\r\n") if name == "hks_antecedenten" else (";", "\n")
        enc = "cp1252" if name == "hks_antecedenten" else "utf-8"
        pandas = frame.to_csv(sep=sep, lineterminator=end, index=False).encode(enc)
        assert csv_bytes(frame.head(0), name, header=True) + csv_bytes(frame, name) == pandas


def test_parquet_batches_read_back_as_the_csv(folder: Path, tmp_path: Path) -> None:
    size = StreamSize(bvh_rows=14_000, hks_rows=3_000, batch_rows=5_000)
    write_streamed(SynthSettings(seed=SEED), size, tmp_path / "csv")
    write_streamed(SynthSettings(seed=SEED), size, tmp_path / "pq", fmt="parquet")
    for name in ("bvh_incidenten", "hks_antecedenten"):
        pd.testing.assert_frame_equal(
            pd.read_parquet(tmp_path / "pq" / "input" / f"{name}.parquet"),
            spec._read(tmp_path / "csv", name), check_dtype=False)
    assert not list(tmp_path.rglob("*.tmp"))


def test_too_few_rows_for_the_subjects_is_refused_with_the_minimum(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"already have [\d,]+ BVH rows, more than the 3,000"):
        write_streamed(SynthSettings(seed=SEED), StreamSize(bvh_rows=3_000), tmp_path)
    assert not list(tmp_path.rglob("*"))


# ---- the command line and the pipeline ---------------------------------------------------------


def test_cli_reports_progress_and_a_summary(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["synth", "--out", str(tmp_path), "--seed", "5",
                                       "--bvh-rows", "12000", "--batch-rows", "4000"])
    assert result.exit_code == 0, result.output
    assert "batch 3/3: 12,000 BVH" in result.output  # progress, on stderr
    assert result.stdout.splitlines()[-1].startswith("written: 240 GCOS, 12,000 BVH and ")
    assert "hks_antecedenten: " in result.stdout


def test_cli_needs_bvh_rows_for_the_stream_options(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["synth", "--out", str(tmp_path), "--hks-rows", "10"])
    assert result.exit_code == 2 and "--bvh-rows" in result.output
    result = CliRunner().invoke(main, ["synth", "--out", str(tmp_path), "--bvh-rows", "100"])
    assert result.exit_code == 2 and "more than the 100 asked for" in result.output


def test_a_streamed_study_run_end_to_end_reproduces_the_truth(folder: Path,
                                                               tmp_path: Path) -> None:
    root = tmp_path / "study"
    shutil.copytree(folder, root)
    shutil.copyfile(DEFAULT_CONFIG, root / "config.toml")
    shutil.copyfile(DEFAULT_CONFIG.parent / "incidentcodes_voorbeeld.csv",
                    root / "incidentcodes_voorbeeld.csv")
    generate_key_file(root / "test.key")
    result = CliRunner().invoke(main, ["run", "--config", str(root / "config.toml"),
                                       "--key-file", str(root / "test.key"),
                                       "--out", str(root / "out")])
    assert result.exit_code == 0, result.output
    report = json.loads((root / "out" / "export" / "auditrapport.json").read_text("utf-8"))
    expected = json.loads((root / "truth" / "expected_funnel.json").read_text("utf-8"))
    steps = {s["stap"]: s for s in report["trechter"]}
    assert steps["scope"]["rest"] == expected["in_scope"]
    assert steps["gevonden_bvh"]["rest"] == expected["gevonden_bvh"]
    assert steps["startdatum"]["rest"] == expected["geanalyseerd"]
    assert steps["gevonden_hks"]["rest"] == expected["gevonden_hks"]
    for source in ("bvh", "hks"):
        assert report["rijen"][source]["gelezen"] == expected[f"{source}_gelezen"]
        assert report["rijen"][source]["uitkomst"]["quarantaine"] == expected[
            f"{source}_quarantaine"]
    truth = spec._truth(root, "links")
    links = pd.read_csv(root / "out" / "secure" / "koppelingen.csv", dtype=str)
    matched = links[links["besluit"] == "match"]
    pairs = set(zip(matched["record_id"], matched["gcos_id"], strict=True))
    # the crowd holds people who resemble a subject by chance: a wrong match is possible,
    # but rare (the linkage's own targets are measured in benchmarks/adversarial.py)
    wrong = pairs - set(zip(truth["record_id"], truth["gcos_id"], strict=True))
    assert len(wrong) <= 0.002 * len(pairs)
