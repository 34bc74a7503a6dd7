"""National extracts are read chunk by chunk: the results must not depend on the chunk size.

The police extracts are read ``[inputs] chunk_rows`` rows at a time, validated per chunk and
reduced to distinct identities + events; linkage then compares only the candidate pairs
whose birthdates are within one slip. Each of these is a speed or memory device, never a
change of outcome: these tests hold them to the whole-file engine.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from blocking_spec import BLOCKING_KEYS
from hypothesis import given, settings
from hypothesis import strategies as st
from vhh.linkage.errors import InputError
from vhh.linkage.io.readers import read_source, read_source_chunks
from vhh.linkage.link.birthdates import (
    ONE_SLIP_LEVELS,
    compare_birthdates_series,
    within_one_slip_pairs,
)
from vhh.linkage.link.blocking import PASS_NAMES, candidate_pairs
from vhh.linkage.link.engine import link_identities, link_source, prepare_subjects
from vhh.linkage.normalise.identities import collapse_identities
from vhh.linkage.privacy.keys import load_key
from vhh.linkage.settings import load_settings
from vhh.linkage.study.scope import apply_scope
from vhh.linkage.synth.generate import generate
from vhh.linkage.synth.settings import SynthSettings
from vhh.linkage.synth.write import write_synth
from vhh.linkage.validate import police
from vhh.linkage.validate.inputs import load_inputs
from vhh.linkage.validate.sources import DUPLICATE_REASON
from vhh.pipelines.study import run_study
from whole_files import validate_whole as validate_inputs

from tests.conftest import make_study_folder

_SECURE = ("koppelingen.csv", "review.csv", "verlies_per_subject.csv",
           "quarantaine/bvh_incidenten.csv", "quarantaine/hks_antecedenten.csv",
           "quarantaine/gcos_subjecten.csv", "quarantaine/gcos_besprekingen.csv")
_REPORT = ("trechter", "rijen", "koppeling", "filters", "followup", "privacy", "validatie",
           "beschrijvend", "invoer")


def _with_chunk_rows(config: Path, rows: int) -> Path:
    text = config.read_text(encoding="utf-8")
    out = config.with_name(f"config_{rows}.toml")
    out.write_text(text.replace("chunk_rows = 1000000", f"chunk_rows = {rows}"),
                   encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def noisy_study(tmp_path_factory):
    root = tmp_path_factory.mktemp("noisy")
    config, key_file = make_study_folder(root, seed=5, noise="high")
    return root, config, key_file


def test_results_do_not_depend_on_chunk_rows(noisy_study):
    root, config, key_file = noisy_study
    key = load_key(key_file)
    runs = {}
    for rows in (1_000_000, 1500):
        settings = load_settings(_with_chunk_rows(config, rows))
        runs[rows] = (root / f"out_{rows}", run_study(settings, key, root / f"out_{rows}"))
    (whole, big), (chunked, small) = runs[1_000_000], runs[1500]
    for name in _SECURE:
        same = (whole / "secure" / name).read_bytes() == (chunked / "secure" / name).read_bytes()
        assert same, name
    assert ((whole / "export" / "analysebestand.csv").read_bytes()
            == (chunked / "export" / "analysebestand.csv").read_bytes())
    for section in _REPORT:
        assert getattr(big.report, section) == getattr(small.report, section), section
    assert small.report.rijen["bvh"].gelezen > 1500 * 5  # really several chunks


def _bvh_with_an_id_in_two_chunks(root: Path) -> tuple[Path, str]:
    path = root / "input" / "bvh_incidenten.csv"
    frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
    repeated = frame.at[3, "bvh_id"]
    frame.at[len(frame) - 5, "bvh_id"] = repeated      # a valid row, chunks apart
    frame.at[len(frame) - 9, "bvh_id"] = frame.at[10, "bvh_id"]
    frame.at[len(frame) - 9, "incidentdatum"] = "31-02-2013"  # that copy is invalid anyway
    frame.to_csv(path, sep=";", index=False)
    return path, repeated


def test_an_id_repeated_across_chunks_is_quarantined_in_every_copy(tmp_path):
    config, _ = make_study_folder(tmp_path)
    _bvh_with_an_id_in_two_chunks(tmp_path)
    whole = validate_inputs(load_settings(config))["bvh_incidenten"]
    chunked = load_inputs(load_settings(_with_chunk_rows(config, 2000))).validated["bvh_incidenten"]

    def reasons(q: pd.DataFrame) -> dict[int, tuple[set[str], set[str]]]:
        return {int(r.bronrij): (set(r.kolom.split(";")), set(r.reden.split("; ")))
                for r in q.itertuples()}

    assert reasons(chunked.quarantine) == reasons(whole.quarantine)
    assert list(chunked.quarantine["bronrij"]) == sorted(chunked.quarantine["bronrij"])
    duplicates = whole.quarantine[whole.quarantine["reden"].str.contains("meer dan eens")]
    assert len(duplicates) == 4  # both copies of both ids, the invalid copy included
    assert sorted(chunked.valid["bronrij"]) == sorted(whole.valid["bronrij"])
    assert chunked.rows_read == whole.rows_read


def test_ids_whose_hashes_agree_are_still_told_apart_by_their_text(tmp_path, monkeypatch):
    """Repeated ids are found by a 64-bit hash of each id, then compared as text: with
    every id's hash made the same, the outcome is the same."""
    config, _ = make_study_folder(tmp_path)
    _bvh_with_an_id_in_two_chunks(tmp_path)
    settings = load_settings(_with_chunk_rows(config, 2000))
    honest = load_inputs(settings).validated["bvh_incidenten"]
    monkeypatch.setattr(police, "column_hash",
                        lambda chunk, column, distinct: np.zeros(len(chunk), dtype=np.uint64))
    colliding = load_inputs(settings).validated["bvh_incidenten"]
    pd.testing.assert_frame_equal(colliding.quarantine, honest.quarantine)
    pd.testing.assert_frame_equal(colliding.valid, honest.valid)
    assert honest.quarantine["reden"].str.contains(DUPLICATE_REASON, regex=False).sum() == 4


def test_chunks_are_shaped_as_the_whole_file(tmp_path):
    write_synth(generate(SynthSettings(seed=3)), tmp_path)
    for source in ("bvh_incidenten", "hks_antecedenten", "gcos_subjecten"):
        path = tmp_path / "input" / f"{source}.csv"
        whole = read_source(source, path)
        table, chunks = read_source_chunks(source, path, chunk_rows=333)
        pd.testing.assert_frame_equal(pd.concat(list(chunks)), whole.frame)
        assert (table.sha256, table.encoding, table.delimiter, table.ignored_columns) == (
            whole.sha256, whole.encoding, whole.delimiter, whole.ignored_columns)


@pytest.mark.parametrize(("encoding", "bom", "sep", "end"), [
    ("utf-8", True, ";", "\n"), ("cp1252", False, ",", "\r\n"), ("utf-8", False, "\t", "\n")])
def test_chunked_reader_detects_encoding_and_delimiter(tmp_path, encoding, bom, sep, end):
    header = ["hks_id", "pleegdatum", "afdoening", "achternaam", "voorletters",
              "geboortedatum"]
    rows = [[f"H{k:05d}", "01-02-2013", "veroordeling", "Ruïz-Çelik", "J.", "03-04-1990"]
            for k in range(25)]
    text = end.join(sep.join(r) for r in [header, *rows]) + end
    data = ("\ufeff" if bom else "") + text
    path = tmp_path / "hks.csv"
    path.write_bytes(data.encode(encoding))
    table, chunks = read_source_chunks("hks_antecedenten", path, chunk_rows=7)
    frame = pd.concat(list(chunks))
    assert table.encoding == ("utf-8-sig" if bom else encoding)
    assert table.delimiter == sep
    assert frame["achternaam"].eq("Ruïz-Çelik").all()
    assert list(frame["bronrij"]) == list(range(2, 27))


@pytest.mark.parametrize("block", [1 << 24, 64, 7], ids=["one block", "small", "tiny"])
def test_a_nul_byte_is_named_by_line_and_column_in_any_block(tmp_path, monkeypatch, block):
    """However the file falls into blocks, the NUL byte's line is named; its column when the
    line's start is in the same block (else the line only), never the value."""
    import vhh.linkage.io.scan as scan

    monkeypatch.setattr(scan, "BLOCK", block)
    header = "hks_id;pleegdatum;afdoening;achternaam;voorletters;geboortedatum"
    rows = [f"H{k:05d};01-02-2013;veroordeling;Jansen;J.;03-04-1990" for k in range(30)]
    rows[17] = "H00017;01-02-2013;veroordeling;Jan\0sen;J.;03-04-1990"
    path = tmp_path / "hks.csv"
    path.write_bytes("\n".join([header, *rows]).encode("utf-8"))
    with pytest.raises(InputError) as err:
        read_source_chunks("hks_antecedenten", path, chunk_rows=7)
    message = str(err.value)
    assert f"{path}, row 19" in message and "NUL byte" in message
    assert "Jan" not in message
    line_start = len(header) + 1 + sum(len(r) + 1 for r in rows[:17])
    nul_at = line_start + rows[17].index("\0")
    if line_start // block == nul_at // block:
        assert "column 'achternaam'" in message


def test_a_wrongly_declared_encoding_names_the_line(tmp_path):
    path = tmp_path / "bvh.csv"
    lines = ["bvh_id;registratienummer"] + [f"B{k};R{k}" for k in range(40)] + ["B99;Ré"]
    path.write_bytes("\n".join(lines).encode("cp1252"))
    with pytest.raises(InputError) as err:
        read_source_chunks("bvh_incidenten", path, encoding="utf-8")
    message = str(err.value)
    assert str(path) in message and "row 42" in message and "Ré" not in message


def test_a_police_file_with_a_header_only(tmp_path):
    config, _ = make_study_folder(tmp_path)
    for source in ("hks_antecedenten", "bvh_incidenten"):
        path = tmp_path / "input" / f"{source}.csv"
        raw = path.read_bytes()
        path.write_bytes(raw[: raw.index(b"\n") + 1])
    with pytest.raises(InputError) as err:
        load_inputs(load_settings(config))
    message = str(err.value)
    assert "bvh_incidenten.csv" in message and "no data rows" in message
    assert "hks_antecedenten.csv" not in message  # an empty HKS extract is allowed


def _lean_and_full(noisy_study, method: str):
    _, config, _ = noisy_study
    settings = load_settings(config)
    linkage = dataclasses.replace(settings.linkage, method=method)
    v = validate_inputs(settings)
    in_scope, _ = apply_scope(v["gcos_subjecten"].valid, v["gcos_besprekingen"].valid,
                              settings.scope)
    subjects = prepare_subjects(in_scope)
    rows = v["bvh_incidenten"].valid
    full = link_source("bvh", subjects, rows, "bvh_id", linkage)
    identities, codes = collapse_identities(rows)
    lean = link_identities("bvh", subjects, identities, codes, rows["bvh_id"], linkage,
                           keep_pairs=False)
    return lean, full


def _assert_same_decisions(lean, full) -> None:
    assert lean.pairs is None and full.pairs is not None
    pd.testing.assert_frame_equal(lean.koppelingen, full.koppelingen)
    pd.testing.assert_frame_equal(lean.review, full.review)
    pd.testing.assert_frame_equal(lean.subjects, full.subjects)
    pd.testing.assert_series_equal(lean.row_subject, full.row_subject)
    assert lean.decisions_by_rule == full.decisions_by_rule
    assert lean.blocking.pairs_per_pass == full.blocking.pairs_per_pass


@pytest.mark.parametrize("batch", [2_000_000, 97])
def test_linking_identities_without_the_pair_table_decides_as_the_full_engine(
        noisy_study, monkeypatch, batch):
    # 97: many batches of subjects
    monkeypatch.setattr("vhh.linkage.link.engine._LEAN_BATCH", batch)
    lean, full = _lean_and_full(noisy_study, "rules")
    skipped = full.pairs[~full.pairs["geboortedatum"].isin(ONE_SLIP_LEVELS)]
    assert len(skipped) > 0 and (skipped["regel"] == "geen").all()
    _assert_same_decisions(lean, full)


@pytest.mark.parametrize("batch", [1_000_000, 97])
def test_the_probabilistic_method_decides_the_same_in_batches_and_without_pairs(
        noisy_study, monkeypatch, batch):
    monkeypatch.setattr("vhh.linkage.link.fellegi_sunter.BATCH_PAIRS", batch)
    lean, full = _lean_and_full(noisy_study, "probabilistic")
    _assert_same_decisions(lean, full)
    assert lean.model == full.model and lean.histogram == full.histogram


def test_the_lean_linkage_lets_the_candidate_pairs_go_before_the_person_rules(
        noisy_study, monkeypatch):
    """Without the pair table (a run's linkage), the candidate pairs are handed over to the
    probabilistic step and let go once the last step that reads them is done: when the
    rules of persons.py run, nothing holds them any more."""
    import gc
    import weakref

    from vhh.linkage.link import blocking, fellegi_sunter
    made, seen = [], []
    original_pairs, original_settled = blocking.candidate_pairs, fellegi_sunter._settled

    def pairs(*args, **kwargs):
        found = original_pairs(*args, **kwargs)
        made.append(weakref.ref(found.pairs["s"].to_numpy()))
        return found

    def settled(*args, **kwargs):
        gc.collect()
        seen.append(made[-1]() is None)
        return original_settled(*args, **kwargs)

    monkeypatch.setattr("vhh.linkage.link.engine.candidate_pairs", pairs)
    monkeypatch.setattr(fellegi_sunter, "_settled", settled)
    lean, full = _lean_and_full(noisy_study, "probabilistic")
    assert seen == [False, True]  # full first (explain keeps the pairs): held; lean: let go
    assert lean.blocking.n_pairs == full.blocking.n_pairs > 0
    _assert_same_decisions(lean, full)


def test_batches_in_threads_decide_as_one_thread(noisy_study, monkeypatch):
    """The comparison and weight batches run in threads; every batch writes its own slice,
    so the decisions, the model and the pairs are those of one thread, bit for bit."""
    monkeypatch.setattr("vhh.linkage.link.fellegi_sunter.BATCH_PAIRS", 97)
    monkeypatch.setattr("vhh.linkage.link.fellegi_sunter._threads", lambda: 1)
    one, full_one = _lean_and_full(noisy_study, "probabilistic")
    monkeypatch.setattr("vhh.linkage.link.fellegi_sunter._threads", lambda: 3)
    three, full_three = _lean_and_full(noisy_study, "probabilistic")
    pd.testing.assert_frame_equal(full_one.pairs, full_three.pairs, check_exact=True)
    pd.testing.assert_frame_equal(one.koppelingen, three.koppelingen, check_exact=True)
    pd.testing.assert_frame_equal(one.review, three.review, check_exact=True)
    assert one.model == three.model and one.histogram == three.histogram


def _reference_blocking(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The obvious implementation: one row per (s, i) with its sorted pass names."""
    allpairs = pd.concat(frames, ignore_index=True)
    return (allpairs.groupby(["s", "i"], sort=True)["pass"]
            .agg(lambda p: "+".join(sorted(set(p)))).rename("passes").reset_index())


def test_combined_passes_equal_a_group_by():
    rng = np.random.default_rng(4)
    n = 400
    letters = np.array(list("ABCDE"))
    frame = pd.DataFrame({
        "birth": rng.choice(["19800101", "19800110", "19910203", ""], n),
        "byear": rng.choice([1980, 1991, -1], n),
        "components": [tuple(rng.choice(["jansen", "bakker", "jong"],
                                         rng.integers(1, 3)).tolist()) for _ in range(n)],
        "first": rng.choice(letters, n),
    })
    frame["phonetic"] = frame["components"].map(lambda c: tuple(x[:3] for x in c))
    frame["parts"] = frame["components"]
    frame["kern"] = frame["components"].map("".join)
    subjects = frame.iloc[:60].reset_index(drop=True)
    identities = frame.iloc[60:].reset_index(drop=True)
    result = candidate_pairs(subjects, identities, max_block_pairs=10**9)
    frames = []
    assert tuple(BLOCKING_KEYS) == PASS_NAMES
    for name, key_of in BLOCKING_KEYS.items():
        left, right = key_of(subjects), key_of(identities)
        left, right = left[left != ""], right[right != ""]
        merged = pd.merge(pd.DataFrame({"s": left.index, "key": left.to_numpy()}),
                          pd.DataFrame({"i": right.index, "key": right.to_numpy()}), on="key")
        frames.append(merged.assign(**{"pass": name})[["s", "i", "pass"]])
        assert result.pairs_per_pass[name] == len(merged.drop_duplicates(["s", "i"]))
    expected = _reference_blocking(frames)
    got = result.pairs.astype({"s": int, "i": int, "passes": str})
    pd.testing.assert_frame_equal(got, expected.astype({"s": int, "i": int}))


_DATES = st.one_of(st.just(""), st.just("00000000"),
                   st.from_regex(r"(19|20)[0-9]{2}(0[0-9]|1[0-2])([0-2][0-9]|3[01])",
                                 fullmatch=True))


@settings(max_examples=60, deadline=None)
@given(st.lists(_DATES, min_size=1, max_size=12), st.lists(_DATES, min_size=1, max_size=12),
       st.data())
def test_one_slip_pairs_agree_with_the_levels(left, right, data):
    n = data.draw(st.integers(0, 40))
    s = np.array(data.draw(st.lists(st.integers(0, len(left) - 1), min_size=n, max_size=n)),
                 dtype=np.int64)
    i = np.array(data.draw(st.lists(st.integers(0, len(right) - 1), min_size=n, max_size=n)),
                 dtype=np.int64)
    a, b = pd.Series(left), pd.Series(right)
    levels = compare_birthdates_series(a.iloc[s].reset_index(drop=True),
                                       b.iloc[i].reset_index(drop=True))
    got = within_one_slip_pairs(a, b, s, i, batch=7)
    assert got.tolist() == levels.isin(ONE_SLIP_LEVELS).tolist()


def test_the_report_times_every_stage(demo_run):
    times = json.loads((demo_run.export / "auditrapport.json").read_text("utf-8"))["tijden"]
    for stage in ("read", "validate", "identifiers", "normalise", "link_bvh", "link_hks",
                  "filter", "aggregate", "pseudonymise", "disclosure", "validate_output",
                  "secure"):
        assert stage in times, stage
        assert times[stage] >= 0


def test_another_hks_date_column_named_in_the_config_is_read(tmp_path):
    config, _ = make_study_folder(tmp_path)
    path = tmp_path / "input" / "hks_antecedenten.csv"
    frame = pd.read_csv(path, sep=",", dtype=str, keep_default_na=False, encoding="cp1252")
    frame["afdoeningsdatum"] = "15-06-2013"
    frame.to_csv(path, sep=",", index=False, encoding="cp1252")
    text = config.read_text(encoding="utf-8").replace(
        'hks_date_column = "pleegdatum"', 'hks_date_column = "afdoeningsdatum"')
    config.write_text(text, encoding="utf-8")
    settings = load_settings(config)
    loaded = load_inputs(settings)
    hks = loaded.validated["hks_antecedenten"].valid
    assert (hks["datum"] == pd.Timestamp("2013-06-15")).all()
    assert "afdoeningsdatum" not in loaded.tables["hks_antecedenten"].ignored_columns
    whole = validate_inputs(settings)["hks_antecedenten"].valid
    assert (whole["datum"] == pd.Timestamp("2013-06-15")).all()
