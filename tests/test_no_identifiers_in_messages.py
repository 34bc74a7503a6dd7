"""No personal value in any message: the real pipeline is run on generated data with a step
that fails on purpose, and everything it says (stdout, stderr, log records, exception text)
is scanned with the export gate's own identifier set, built from every input row.

Every name, birthdate and id comes from the synthetic generator (vhh.linkage.synth).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import traceback
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
import vhh.pipelines.outputs
import vhh.pipelines.stages
import vhh.pipelines.study
from click.testing import CliRunner
from vhh.linkage.errors import ExportBlocked, InputError, KeyMaterialError
from vhh.linkage.normalise.dates import parse_dates
from vhh.linkage.normalise.names import normalise_text
from vhh.linkage.privacy.identifiers import Identifiers, build_identifiers
from vhh.linkage.privacy.keys import generate_key_file, load_key
from vhh.linkage.privacy.leakscan import cell_hits
from vhh.linkage.settings import DEFAULT_CONFIG, load_settings
from vhh.linkage.synth.generate import SynthData, generate
from vhh.linkage.synth.settings import SynthSettings
from vhh.linkage.synth.write import CSV_DIALECTS, write_synth
from vhh.pipelines.cli import EXIT_CODES, main

SOURCES = ("gcos_subjecten", "gcos_besprekingen", "bvh_incidenten", "hks_antecedenten")
BAD_BIRTHDATE = "31-02-1979"


@dataclass(frozen=True)
class Study:
    data: SynthData
    base: Path          # input/, config.toml, incident codes, study.key (never changed)
    ids: Identifiers


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Study:
    base = tmp_path_factory.mktemp("study")
    data = generate(SynthSettings(seed=4242, subjects=40, others=150))
    write_synth(data, base)
    shutil.rmtree(base / "truth")
    shutil.copyfile(DEFAULT_CONFIG, base / "config.toml")
    shutil.copyfile(DEFAULT_CONFIG.parent / "incidentcodes_voorbeeld.csv",
                    base / "incidentcodes_voorbeeld.csv")
    generate_key_file(base / "study.key")
    ids = build_identifiers(getattr(data, s) for s in SOURCES)
    assert ids.surname_words and ids.dates and ids.ids   # a real identifier set to scan with
    return Study(data, base, ids)


@pytest.fixture()
def workdir(study: Study, tmp_path: Path) -> Path:
    """A private copy of the study folder that a test may break."""
    work = tmp_path / "w"
    shutil.copytree(study.base, work)
    return work


def _rewrite(work: Path, source: str, frame: pd.DataFrame) -> None:
    encoding, sep, end = CSV_DIALECTS[source]
    frame.to_csv(work / "input" / f"{source}.csv", sep=sep, encoding=encoding,
                 lineterminator=end, index=False)


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    text = result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        text += "".join(traceback.format_exception(result.exception))
    return result.exit_code, text


def _run(work: Path, *extra: str) -> tuple[int, str]:
    return _cli("run", "--config", work / "config.toml", "--key-file", work / "study.key",
                "--out", work / "out", *extra)


def leaks(text: str, ids: Identifiers) -> list[tuple[int, list[str]]]:
    """(line number, kinds) of every line holding an input identifier; never the value."""
    return [(n, kinds) for n, line in enumerate(text.splitlines(), start=1)
            if (kinds := cell_hits(line, ids))]


def _assert_clean(text: str, ids: Identifiers, *raw: str) -> None:
    assert text.strip(), "the failing step said nothing at all"
    assert leaks(text, ids) == []
    for value in raw:   # values the identifier set cannot hold (unparseable, duplicated)
        assert value not in text


def _subject(data: SynthData) -> pd.Series:
    """An input row with a long surname and a full birthdate, to plant and to look for."""
    frame = data.gcos_subjecten
    full = parse_dates(frame["geboortedatum"]).status == "ok"
    long = frame["achternaam"].map(lambda s: min(map(len, normalise_text(s).split()),
                                                 default=0) >= 5)
    return frame[full & long].iloc[0]


# --------------------------------------------------------------------------------------------
# The identifier scan itself works on this data (else every test below would pass vacuously)
# --------------------------------------------------------------------------------------------


def test_scan_finds_a_planted_identifier_in_captured_text(study: Study) -> None:
    row = _subject(study.data)
    iso = parse_dates(pd.Series([row["geboortedatum"]])).key.iloc[0]
    for planted in (f"error: row 3 ({row['achternaam']})", f"born {iso}",
                    f"file x, id {row['gcos_id']}: duplicate"):
        assert leaks(f"line one\n{planted}\n", study.ids), "the scan misses a planted value"


# --------------------------------------------------------------------------------------------
# Failing steps
# --------------------------------------------------------------------------------------------


def test_missing_bvh_column_messages_hold_no_identifier(study: Study, workdir: Path,
                                                        caplog: pytest.LogCaptureFixture
                                                        ) -> None:
    _rewrite(workdir, "bvh_incidenten", study.data.bvh_incidenten.drop(columns="geboortedatum"))
    caplog.set_level(logging.DEBUG)
    code_validate, said_validate = _cli("validate", "--config", workdir / "config.toml")
    code_run, said_run = _run(workdir)
    assert code_validate == code_run == EXIT_CODES[InputError]
    for said in (said_validate, said_run):
        assert "bvh_incidenten.csv" in said and "geboortedatum" in said
    _assert_clean(said_validate + said_run + caplog.text, study.ids)
    assert not (workdir / "out" / "export").exists()


def test_duplicate_id_and_unreadable_birthdate_messages_hold_no_identifier(
        study: Study, workdir: Path, caplog: pytest.LogCaptureFixture) -> None:
    gcos = study.data.gcos_subjecten.copy()
    duplicated = gcos.loc[0, "gcos_id"]
    gcos.loc[1, "gcos_id"] = duplicated
    gcos.loc[2, "geboortedatum"] = BAD_BIRTHDATE
    _rewrite(workdir, "gcos_subjecten", gcos)
    caplog.set_level(logging.DEBUG)
    code, said = _cli("validate", "--config", workdir / "config.toml")
    assert code == 1
    assert "komt meer dan eens voor" in said            # the duplicate is reported ...
    assert "row 3, column 'gcos_id'" in said            # ... by file row (header = row 1)
    assert "row 4, column 'geboortedatum'" in said      # and so is the birthdate
    run_code, run_said = _run(workdir)                  # the run quarantines and goes on
    assert run_code == 0, run_said.splitlines()[-1:]
    _assert_clean(said + run_said + caplog.text, study.ids, duplicated, BAD_BIRTHDATE)


def test_open_key_file_message_holds_no_identifier_and_no_key(study: Study,
                                                              workdir: Path) -> None:
    key_file = workdir / "study.key"
    os.chmod(key_file, 0o644)
    key_hex = key_file.read_text().strip()
    code, said = _run(workdir)
    assert code == EXIT_CODES[KeyMaterialError]
    assert "can be read by others" in said
    code_re, said_re = _cli("reidentify", "--key-file", key_file, "--crosswalk",
                            workdir / "crosswalk.enc")
    assert code_re == EXIT_CODES[KeyMaterialError]
    _assert_clean(said + said_re, study.ids, key_hex, key_hex[:16])


def test_export_blocked_by_the_leak_scanner_holds_no_identifier(
        study: Study, workdir: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    row = _subject(study.data)
    iso = parse_dates(pd.Series([row["geboortedatum"]])).key.iloc[0]
    plant = (f"\nOpmerking: {row['achternaam']}, geboren {iso[:4]}-{iso[4:6]}-{iso[6:]}, "
             f"dossier {row['gcos_id']}\n")
    real = vhh.pipelines.outputs.codebook_markdown
    monkeypatch.setattr(vhh.pipelines.outputs, "codebook_markdown",
                        lambda book: real(book) + plant)
    caplog.set_level(logging.DEBUG)

    code, said = _run(workdir)
    assert code == EXIT_CODES[ExportBlocked]
    assert "export blocked" in said and "codeboek.md" in said
    assert not (workdir / "out" / "export").exists()

    with pytest.raises(ExportBlocked) as info:   # the same, as exception text
        vhh.pipelines.study.run_study(load_settings(workdir / "config.toml"),
                                  load_key(workdir / "study.key"), workdir / "out2")
    exception_text = "".join(traceback.format_exception(info.value)) + repr(info.value)
    found = {m.group(1) for reason in info.value.reasons
             if (m := re.search(r"contains an input (\S+?)(;|$)", reason))}
    assert found == {"achternaam", "geboortedatum", "id"}    # all three plants were caught
    _assert_clean(said + exception_text + caplog.text, study.ids, row["gcos_id"])


def test_analysis_schema_failure_message_holds_no_identifier(
        study: Study, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    row = _subject(study.data)
    real = vhh.pipelines.stages.protect

    def protect_then_break(frame, privacy, counts):  # type: ignore[no-untyped-def]
        out, changes, before, after = real(frame, privacy, counts)
        out = out.copy()
        out["kader"] = out["kader"].astype(object)
        out.loc[out.index[0], "kader"] = row["achternaam"]
        return out, changes, before, after

    monkeypatch.setattr(vhh.pipelines.stages, "protect", protect_then_break)
    code, said = _run(workdir)
    assert code == EXIT_CODES[ExportBlocked]
    assert "schema" in said and "kader" in said
    _assert_clean(said, study.ids, row["achternaam"])
