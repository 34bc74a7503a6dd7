"""``vhh-link verify``: an auditor's re-check of a delivered export folder."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from vhh.linkage.privacy.identifiers import build_identifiers
from vhh.linkage.report.html import render_html
from vhh.linkage.report.model import AuditReport
from vhh.pipelines.cli import main
from whole_files import read_whole as read_inputs

EXIT_VERIFICATION = 7


def _verify(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["verify", *map(str, args)])
    return result.exit_code, result.output


def _failed(output: str) -> list[str]:
    return [line[6:].split(":")[0] for line in output.splitlines() if line.startswith("FAIL")]


@pytest.fixture
def delivered(demo_run, tmp_path) -> Path:
    """A private copy of the demo's export folder, free to tamper with."""
    return Path(shutil.copytree(demo_run.export, tmp_path / "export"))


def _reseal(export: Path, change_report: Callable[[dict], None] = lambda r: None) -> None:
    """Re-hash the listed files and re-render the HTML, as a careful forger would."""
    path = export / "auditrapport.json"
    report = json.loads(path.read_text("utf-8"))
    change_report(report)
    report["bestanden"] = {n: hashlib.sha256((export / n).read_bytes()).hexdigest()
                           for n in report["bestanden"]}
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (export / "auditrapport.html").write_bytes(
        render_html(AuditReport.from_json(report)).encode("utf-8"))


def test_fresh_export_passes_every_check(demo_run):
    code, output = _verify(demo_run.export)
    assert code == 0, output
    lines = output.splitlines()
    assert len(lines) >= 9 and all(line.startswith("OK    ") for line in lines[:-1])
    assert lines[-1] == f"all {len(lines) - 1} checks hold"


def test_parent_of_the_export_folder_is_accepted(demo_run):
    code, output = _verify(demo_run.export.parent)
    assert code == 0, output


def test_folder_without_a_report_is_refused(tmp_path):
    code, output = _verify(tmp_path)
    assert code == EXIT_VERIFICATION
    assert "auditrapport.json" in output


def test_one_changed_byte_in_the_csv_fails(delivered):
    path = delivered / "analysebestand.csv"
    data = bytearray(path.read_bytes())
    data[-3] = ord("7") if data[-3] != ord("7") else ord("8")
    path.write_bytes(bytes(data))
    code, output = _verify(delivered)
    assert code == EXIT_VERIFICATION
    assert _failed(output)[0] == "files match the report's SHA-256 list"
    assert "1 differ (analysebestand.csv)" in output


def test_an_unlisted_extra_file_fails(delivered):
    (delivered / "namen.csv").write_text("x\n", encoding="utf-8")
    code, output = _verify(delivered)
    assert code == EXIT_VERIFICATION
    assert _failed(output) == ["files match the report's SHA-256 list"]
    assert "namen.csv" not in output  # an unknown file's name is counted, not shown


def test_resealed_negative_count_fails_the_schema(delivered):
    path = delivered / "analysebestand.csv"
    lines = path.read_text("utf-8").splitlines(keepends=True)
    cells = lines[1].rstrip("\n").split(",")
    cells[-1] = "-1"  # hks_jaar_na
    lines[1] = ",".join(cells) + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    _reseal(delivered)
    code, output = _verify(delivered)
    assert code == EXIT_VERIFICATION
    assert _failed(output) == ["analysebestand.csv passes the strict schema"]


def test_funnel_that_does_not_add_up_fails_only_the_arithmetic(delivered):
    def break_funnel(report: dict) -> None:
        step = next(s for s in report["trechter"] if s["stap"] == "startdatum")
        step["rest"] += 1
    _reseal(delivered, break_funnel)
    code, output = _verify(delivered)
    assert code == EXIT_VERIFICATION
    assert _failed(output) == ["funnel adds up"]
    assert "step 'startdatum': in - uit != rest" in output


def test_edited_html_fails(delivered):
    path = delivered / "auditrapport.html"
    path.write_text(path.read_text("utf-8").replace(">213<", ">214<"), encoding="utf-8")
    code, output = _verify(delivered)
    assert code == EXIT_VERIFICATION
    assert _failed(output) == ["auditrapport.html renders auditrapport.json"]


def test_report_of_another_version_skips_only_the_html_comparison(delivered):
    def older(report: dict) -> None:
        report["versie"] = "0.0.1"
    _reseal(delivered, older)
    page = delivered / "auditrapport.html"
    page.write_text(page.read_text("utf-8") + "<!-- ander sjabloon -->", encoding="utf-8")
    code, output = _verify(delivered)
    assert code == 0, output
    assert "SKIP  auditrapport.html renders auditrapport.json" in output


def test_planted_surname_fails_only_with_the_inputs(demo_run, delivered):
    tables = read_inputs(demo_run.settings)
    surname = max(build_identifiers(t.frame for t in tables.values()).surname_words,
                  key=lambda s: (len(s), s))
    book = delivered / "codeboek.md"
    book.write_text(book.read_text("utf-8") + f"\nOpmerking: {surname.title()}\n",
                    encoding="utf-8")
    _reseal(delivered)

    code, output = _verify(delivered)
    assert code == 0, output  # hashes, schema and arithmetic cannot see a name
    code, output = _verify(delivered, "--inputs-config", demo_run.config)
    assert code == EXIT_VERIFICATION
    assert _failed(output) == ["no input identifier in any export file"]
    assert "codeboek.md: 1 × achternaam" in output
    assert surname not in output.lower()


def test_fresh_export_passes_the_leak_scan_against_its_inputs(demo_run):
    code, output = _verify(demo_run.export, "--inputs-config", demo_run.config)
    assert code == 0, output
    assert "OK    inputs are the ones the report names" in output
    assert "OK    no input identifier in any export file" in output
