"""The bad-input table: every input the README allows gets a named error or the study's own
reason, never exit 70.

One case per row. Each breaks a copy of a small generated study and runs ``vhh-link run``;
each asserts the exit code, the shape of what the data officer is told (file, row, column,
what to do; never a personal value: scanned with the export gate's identifier set), that
nothing appears in ``export/`` when the run fails, and that the report reconciles - and the
export verifies against the project's key, leak scan included - when the run goes on.

| case                               | exit | the data officer is told                          |
|------------------------------------|------|---------------------------------------------------|
| HKS extract with a header only     | 0    | warning: file has no data rows; 0 found in HKS     |
| an input path that is a folder     | 3    | file: is a folder, not a file (point [inputs] at…) |
| --out that is a file               | 2    | path: --out is a file, not a folder                |
| a UTF-16 file                      | 3    | file, row 1: is UTF-16 text (save as CSV UTF-8)    |
| a "|"-delimited file               | 0    | read as any other: the same funnel                 |
| a cut-off last GCOS line           | 3    | file, row N, column: last line is cut off          |
| a NUL byte inside a BVH value      | 3    | file, row N, column: holds a NUL byte (remove it)  |
| a BVH line with fields missing     | 3    | file, row N, column: has k of the header's n fields |
| a BVH line with a field too many   | 3    | file, row N: has k of the header's n fields        |
| an incident after extraction date  | 0    | quarantine: row, incidentdatum, own reason         |
| an incident in the future          | 0    | quarantine: row, incidentdatum, own reason         |
| one exactly duplicated GCOS row    | 0    | quarantine: the copy's row, exact copy; kept once  |
| an exact BVH copy in another chunk | 0    | quarantine: the copy's row, exact copy; kept once  |
| conflicting duplicate GCOS rows    | 0    | quarantine: both rows, duplicate (as before)       |
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from vhh.linkage.privacy.identifiers import Identifiers, build_identifiers
from vhh.linkage.privacy.keys import load_key
from vhh.linkage.privacy.leakscan import cell_hits
from vhh.linkage.privacy.signing import TrustAnchor
from vhh.linkage.synth.write import CSV_DIALECTS
from vhh.linkage.tools.verify import verify_export
from vhh.linkage.validate.sources import (
    DUPLICATE_REASON,
    EXACT_COPY_REASON,
    FUTURE_REASON,
    LATE_REASON,
)
from vhh.pipelines.cli import main

from tests.conftest import make_study_folder

EXTRACTION = dt.date(2014, 12, 31)  # [windows] extraction_date of the default config


@dataclass(frozen=True)
class Study:
    root: Path
    out: Path
    config: Path
    key: Path

    def path(self, source: str) -> Path:
        return self.root / "input" / f"{source}.csv"

    def read(self, source: str) -> pd.DataFrame:
        encoding, sep, _ = CSV_DIALECTS[source]
        return pd.read_csv(self.path(source), sep=sep, encoding=encoding, dtype=str,
                           keep_default_na=False)

    def write(self, source: str, frame: pd.DataFrame) -> None:
        encoding, sep, end = CSV_DIALECTS[source]
        frame.to_csv(self.path(source), sep=sep, encoding=encoding, lineterminator=end,
                     index=False)

    def quarantine(self, source: str) -> pd.DataFrame:
        return pd.read_csv(self.out / "secure" / "quarantaine" / f"{source}.csv", dtype=str,
                           keep_default_na=False)

    def report(self) -> dict:
        return json.loads((self.out / "export" / "auditrapport.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bad_inputs")
    make_study_folder(root, seed=21, subjects=30, others=90)
    return root


@pytest.fixture(scope="module")
def identifiers(base: Path) -> Identifiers:
    """Every identifier of the (unbroken) inputs: no message may hold one."""
    study = Study(base, base / "out", base / "config.toml", base / "test.key")
    return build_identifiers(study.read(s) for s in CSV_DIALECTS)


@pytest.fixture(scope="module")
def original_funnel(base: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("original") / "out"
    result = CliRunner().invoke(main, ["run", "--config", str(base / "config.toml"),
                                       "--key-file", str(base / "test.key"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return next(line for line in result.output.splitlines() if " in scope → " in line)


@pytest.fixture()
def study(base: Path, tmp_path: Path) -> Study:
    root = Path(shutil.copytree(base, tmp_path / "s"))
    return Study(root, root / "out", root / "config.toml", root / "test.key")


def _run(study: Study, out: Path | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["run", "--config", str(study.config), "--key-file",
                                       str(study.key), "--out", str(out or study.out)])
    return result.exit_code, result.output


def _says_nothing_personal(output: str, identifiers: Identifiers) -> None:
    assert output.strip()
    hits = [(n, kinds) for n, line in enumerate(output.splitlines())
            if (kinds := cell_hits(line, identifiers))]
    assert hits == []


def _failed_cleanly(study: Study, code: int, output: str, expected: int,
                    identifiers: Identifiers) -> None:
    assert code == expected, output
    assert "unexpected error" not in output
    assert not (study.out / "export").exists()
    _says_nothing_personal(output, identifiers)


def _went_on(study: Study, code: int, output: str, identifiers: Identifiers) -> None:
    """The run finished; its report adds up and its export verifies, leak scan included."""
    assert code == 0, output
    _says_nothing_personal(output, identifiers)
    anchor = TrustAnchor.from_master_key(load_key(study.key))
    checks = verify_export(study.out, study.config, anchor)
    assert [c.line() for c in checks if c.ok is not True] == []


def _quarantined(study: Study, source: str, reason: str) -> pd.DataFrame:
    q = study.quarantine(source)
    return q[q["reden"] == reason]


# --------------------------------------------------------------------------------------------
# The table, one test per row
# --------------------------------------------------------------------------------------------


def test_an_hks_extract_with_a_header_only_is_a_study_with_a_warning(study, identifiers):
    path = study.path("hks_antecedenten")
    header = path.read_bytes().split(b"\r\n", 1)[0]
    path.write_bytes(header + b"\r\n")
    code, output = _run(study)
    _went_on(study, code, output, identifiers)
    assert "found in BVH" in output and "→ 0 found in HKS" in output
    assert "warning: hks_antecedenten.csv heeft een kop maar geen gegevensrijen" in output
    report = study.report()
    assert report["waarschuwingen"] and "hks_antecedenten.csv" in report["waarschuwingen"][0]
    assert report["rijen"]["hks"]["gelezen"] == 0


def test_an_input_path_that_is_a_folder_is_named(study, identifiers):
    path = study.path("bvh_incidenten")
    path.unlink()
    path.mkdir()
    code, output = _run(study)
    _failed_cleanly(study, code, output, 3, identifiers)
    assert f"{path}: is a folder, not a file" in output
    assert "point [inputs] bvh_incidenten at the extract file itself" in output


def test_an_out_that_is_a_file_is_named(study, identifiers):
    out = study.root / "uitvoer.txt"
    out.write_text("not a folder\n")
    code, output = _run(study, out)
    assert code == 2, output
    assert f"{out}: --out is a file, not a folder" in output
    assert out.read_text() == "not a folder\n"
    _says_nothing_personal(output, identifiers)


def test_a_utf16_file_is_named_with_what_to_do(study, identifiers):
    path = study.path("gcos_subjecten")
    path.write_bytes(path.read_text("utf-8").encode("utf-16"))
    code, output = _run(study)
    _failed_cleanly(study, code, output, 3, identifiers)
    assert f"{path}, row 1: is UTF-16 text" in output
    assert "CSV UTF-8" in output


def test_a_pipe_delimited_file_is_read_like_the_original(study, identifiers, original_funnel):
    path = study.path("gcos_subjecten")
    frame = study.read("gcos_subjecten")
    frame.to_csv(path, sep="|", index=False)
    code, output = _run(study)
    _went_on(study, code, output, identifiers)
    assert original_funnel in output
    assert next(i for i in study.report()["invoer"]
                if i["bron"] == "gcos_subjecten")["scheidingsteken"] == "|"


def test_a_cut_off_last_gcos_line_is_named_by_row_and_column(study, identifiers):
    path = study.path("gcos_subjecten")
    lines = path.read_text("utf-8").splitlines()
    header = lines[0].split(";")
    cells = lines[-1].split(";")
    kader = header.index("kader")
    cut = ";".join(cells[:kader] + [cells[kader][: max(1, len(cells[kader]) // 2)]])
    path.write_text("\n".join([*lines[:-1], cut]), encoding="utf-8")  # as an export cut off
    code, output = _run(study)
    _failed_cleanly(study, code, output, 3, identifiers)
    assert (f"{path}, row {len(lines)}, column '{header[kader + 1]}': the last line is cut "
            f"off: it has {kader + 1} of the header's {len(header)} fields") in output
    assert "export it again" in output


def test_a_nul_byte_inside_a_bvh_value_is_named_not_cut_off(study, identifiers):
    """pandas' parser ends a value at a zero byte without a word ("Jan\\0sen" is read as
    "Jan"), which would lose the rest of the line's value unseen."""
    frame = study.read("bvh_incidenten")
    row = 5
    name = frame.loc[row, "achternaam"]
    frame.loc[row, "achternaam"] = name[:2] + "\0" + name[2:]
    study.write("bvh_incidenten", frame)
    code, output = _run(study)
    _failed_cleanly(study, code, output, 3, identifiers)
    path = study.path("bvh_incidenten")
    assert (f"{path}, row {row + 2}, column 'achternaam': holds a NUL byte (a zero byte)"
            in output)
    assert "remove the zero bytes" in output


def _bvh_line_changed(study: Study, row: int, change: Callable[[list[str]], list[str]]
                      ) -> tuple[Path, list[str]]:
    path = study.path("bvh_incidenten")
    encoding, sep, end = CSV_DIALECTS["bvh_incidenten"]
    lines = path.read_bytes().decode(encoding).split(end)
    lines[row - 1] = sep.join(change(lines[row - 1].split(sep)))
    path.write_bytes(end.join(lines).encode(encoding))
    return path, lines[0].split(sep)


def test_a_bvh_line_with_fields_missing_is_named_not_padded(study, identifiers):
    """pandas' reader filled the missing fields of such a line with empty values (the rest
    of the record, after a line break in a value, then read as a record of its own)."""
    path, header = _bvh_line_changed(study, 9, lambda cells: cells[:4])
    code, output = _run(study)
    _failed_cleanly(study, code, output, 3, identifiers)
    assert (f"{path}, row 9, column '{header[4]}': the line has 4 of the header's "
            f"{len(header)} fields") in output
    assert "quote such values, or export the file again" in output


def test_a_bvh_line_with_a_field_too_many_is_named(study, identifiers):
    path, header = _bvh_line_changed(study, 2, lambda cells: [*cells, "x"])
    code, output = _run(study)
    _failed_cleanly(study, code, output, 3, identifiers)
    assert (f"{path}, row 2: the line has {len(header) + 1} of the header's "
            f"{len(header)} fields") in output


def _with_incident_date(study: Study, when: dt.date) -> tuple[str, str]:
    frame = study.read("bvh_incidenten")
    row = 7
    frame.loc[row, "incidentdatum"] = when.strftime("%d-%m-%Y")
    study.write("bvh_incidenten", frame)
    return str(row + 2), frame.loc[row, "bvh_id"]


@pytest.mark.parametrize(("when", "reason"), [
    (dt.date(2015, 3, 1), LATE_REASON),
    (dt.date.today() + dt.timedelta(days=400), FUTURE_REASON)],
    ids=["after the extraction date", "in the future"])
def test_an_incident_after_the_extraction_date_has_its_own_reason(study, identifiers, when,
                                                                  reason):
    assert when > EXTRACTION
    bronrij, bvh_id = _with_incident_date(study, when)
    code, output = _run(study)
    _went_on(study, code, output, identifiers)
    late = _quarantined(study, "bvh_incidenten", reason)
    assert list(zip(late["bronrij"], late["kolom"], late["record_id"], strict=True)) == [
        (bronrij, "incidentdatum", bvh_id)]
    assert study.report()["rijen"]["bvh"]["quarantaine_redenen"][reason] == 1
    assert bvh_id not in output


def test_one_exactly_duplicated_gcos_row_is_kept_once_and_counted(study, identifiers,
                                                                  original_funnel):
    frame = study.read("gcos_subjecten")
    copied = frame.iloc[[4]]
    study.write("gcos_subjecten", pd.concat([frame, copied], ignore_index=True))
    code, output = _run(study)
    _went_on(study, code, output, identifiers)
    assert original_funnel in output             # the subject is still in the study
    copies = _quarantined(study, "gcos_subjecten", EXACT_COPY_REASON)
    assert list(copies["bronrij"]) == [str(len(frame) + 2)]
    assert list(copies["record_id"]) == [copied["gcos_id"].iloc[0]]
    quarantine_step = study.report()["trechter"][0]
    assert quarantine_step["redenen"] == {"exacte_kopie": 1}


def test_an_exact_bvh_copy_in_another_chunk_is_kept_once(study, identifiers):
    config = study.config
    config.write_text(config.read_text("utf-8").replace("chunk_rows = 1000000",
                                                        "chunk_rows = 50"), "utf-8")
    frame = study.read("bvh_incidenten")
    assert len(frame) > 120
    study.write("bvh_incidenten", pd.concat([frame, frame.iloc[[3]]], ignore_index=True))
    code, output = _run(study)
    _went_on(study, code, output, identifiers)
    copies = _quarantined(study, "bvh_incidenten", EXACT_COPY_REASON)
    assert list(copies["bronrij"]) == [str(len(frame) + 2)]
    assert frame["bvh_id"].iloc[3] not in set(_quarantined(study, "bvh_incidenten",
                                                           DUPLICATE_REASON)["record_id"])


def test_conflicting_duplicate_gcos_rows_stay_quarantined(study, identifiers):
    frame = study.read("gcos_subjecten")
    other = frame.iloc[[4]].copy()
    other["acties"] = "7" if other["acties"].iloc[0] != "7" else "8"
    study.write("gcos_subjecten", pd.concat([frame, other], ignore_index=True))
    code, output = _run(study)
    _went_on(study, code, output, identifiers)
    both = _quarantined(study, "gcos_subjecten", DUPLICATE_REASON)
    assert sorted(both["bronrij"], key=int) == ["6", str(len(frame) + 2)]


CASES: dict[str, Callable[..., None]] = {name: f for name, f in globals().items()
                                         if name.startswith("test_")}


def test_the_table_has_a_row_per_case():
    rows = [line for line in (__doc__ or "").splitlines() if line.startswith("| ")][1:]
    assert len(rows) == len(CASES) + 1  # the two incident rows share one parametrised test
