"""``vhh-link verify``: an auditor's re-check of a delivered export folder.

The forger of these tests is careful: after changing a file they re-hash every file in the
report and in the manifest, re-render the HTML with the project's own renderer, and sign
the manifest again - with a key of their own, since the project's key is not theirs. Such a
folder is consistent; only a trust anchor from outside (``--public-key``, ``--key-file``)
tells it from the real delivery.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from vhh.linkage.privacy.identifiers import build_identifiers
from vhh.linkage.privacy.signing import (
    MANIFEST,
    MANIFEST_FILES,
    SIGNATURE,
    Manifest,
    fingerprint,
    public_key_hex,
    sign_manifest,
)
from vhh.linkage.report.html import render_html
from vhh.linkage.report.model import AuditReport
from vhh.pipelines.cli import main
from whole_files import read_whole as read_inputs

EXIT_VERIFICATION = 7
AUTHENTIC = "signed by the trusted key"
MANIFEST_CHECK = "files match the signed manifest"
REPORT_LIST = "files match the report's SHA-256 list"


def _verify(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["verify", *map(str, args)])
    return result.exit_code, result.output


def _failed(output: str) -> list[str]:
    return [line[6:].split(":")[0] for line in output.splitlines() if line.startswith("FAIL")]


@pytest.fixture
def delivered(demo_run, tmp_path) -> Path:
    """A private copy of the demo's export folder, free to tamper with."""
    return Path(shutil.copytree(demo_run.export, tmp_path / "export"))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _resign(export: Path) -> None:
    """Re-hash every file into the manifest and sign it with the forger's own key."""
    forger = Ed25519PrivateKey.generate()
    public = forger.public_key()
    old = Manifest.from_bytes((export / MANIFEST).read_bytes())
    files = {p.name: _sha256(p) for p in export.iterdir() if p.name not in MANIFEST_FILES}
    data = dataclasses.replace(old, bestanden=files, publieke_sleutel=public_key_hex(public),
                               vingerafdruk=fingerprint(public)).to_bytes()
    (export / MANIFEST).write_bytes(data)
    (export / SIGNATURE).write_bytes(sign_manifest(data, forger))


def _reseal(export: Path, change_report: Callable[[dict], None] = lambda r: None) -> None:
    """Re-hash the listed files, re-render the HTML and re-sign, as a careful forger would."""
    path = export / "auditrapport.json"
    report = json.loads(path.read_text("utf-8"))
    change_report(report)
    report["bestanden"] = {n: _sha256(export / n) for n in report["bestanden"]}
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (export / "auditrapport.html").write_bytes(
        render_html(AuditReport.from_json(report)).encode("utf-8"))
    _resign(export)


def _anchors(demo_run) -> dict[str, list[str]]:
    return {"--public-key": ["--public-key", str(demo_run.secure / "verificatiesleutel.pem")],
            "--key-file": ["--key-file", str(demo_run.key_file)]}


def test_fresh_export_passes_every_check_against_its_public_key(demo_run):
    code, output = _verify(demo_run.export, *_anchors(demo_run)["--public-key"])
    assert code == 0, output
    lines = output.splitlines()
    assert len(lines) >= 11 and all(line.startswith("OK    ") for line in lines[:-1])
    assert lines[-1] == f"all {len(lines) - 1} checks hold: authentic and unchanged"
    assert f"OK    {AUTHENTIC}: {demo_run.result.fingerprint}" in output


def test_fresh_export_passes_against_the_key_file_inside(demo_run):
    code, output = _verify(demo_run.export, *_anchors(demo_run)["--key-file"])
    assert code == 0, output
    assert f"OK    {AUTHENTIC}: {demo_run.result.fingerprint} (key file" in output


def test_without_a_trust_anchor_verify_says_it_checked_consistency_only(demo_run):
    code, output = _verify(demo_run.export)
    assert code == 0, output
    lines = output.splitlines()
    assert [line for line in lines if not line.startswith("OK    ")][:1] == [
        f"SKIP  {AUTHENTIC}: no trust anchor given: the folder was checked for consistency, "
        "not for authenticity (give --public-key with the run's secure/"
        "verificatiesleutel.pem, or --key-file)"]
    assert "says nothing about who made it" in lines[-1]
    assert "authentic and unchanged" not in output


def _counts_to_zero(export: Path) -> None:
    """Every after-count of the analysis file set to 0 (the measured forgery)."""
    path = export / "analysebestand.csv"
    lines = path.read_text("utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    after = [k for k, name in enumerate(header) if name.endswith("_na")]
    for n, line in enumerate(lines[1:], start=1):
        cells = line.rstrip("\n").split(",")
        for k in after:
            cells[k] = "0" if cells[k] else cells[k]
        lines[n] = ",".join(cells) + "\n"
    path.write_text("".join(lines), encoding="utf-8")


def _rehashed_forgery(export: Path) -> None:
    _counts_to_zero(export)
    _reseal(export)


def _whitespace_edit(export: Path) -> None:
    path = export / "auditrapport.json"
    path.write_text(path.read_text("utf-8").replace('": ', '":  ', 1), encoding="utf-8")


def _deleted_file(export: Path) -> None:
    (export / "codeboek.md").unlink()


def _added_file(export: Path) -> None:
    (export / ".notities.txt").write_text("x\n", encoding="utf-8")


TAMPERINGS = {"re-hashed forgery": _rehashed_forgery, "whitespace edit": _whitespace_edit,
              "deleted file": _deleted_file, "added file": _added_file}


@pytest.mark.parametrize("anchor", ["--key-file", "--public-key"])
@pytest.mark.parametrize("tampering", list(TAMPERINGS))
def test_every_change_is_rejected_with_a_trust_anchor(demo_run, delivered, tampering, anchor):
    TAMPERINGS[tampering](delivered)
    code, output = _verify(delivered, *_anchors(demo_run)[anchor])
    assert code == EXIT_VERIFICATION, output
    failed = _failed(output)
    if tampering == "re-hashed forgery":  # consistent in itself: only the anchor sees it
        assert failed == [AUTHENTIC]
        assert f"not signed by {demo_run.result.fingerprint}" in output
    else:
        assert MANIFEST_CHECK in failed


def test_a_rehashed_forgery_is_consistent_so_without_an_anchor_it_passes(delivered):
    _rehashed_forgery(delivered)
    code, output = _verify(delivered)
    assert code == 0, output  # which is why verify says what it did not check
    assert "says nothing about who made it" in output.splitlines()[-1]


def test_a_changed_byte_in_the_signature_fails(demo_run, delivered):
    path = delivered / SIGNATURE
    data = bytearray(path.read_bytes())
    data[0] = ord("0") if data[0] != ord("0") else ord("1")
    path.write_bytes(bytes(data))
    code, output = _verify(delivered, *_anchors(demo_run)["--public-key"])
    assert code == EXIT_VERIFICATION
    assert _failed(output) == ["manifest.sig signs manifest.json", AUTHENTIC]


def test_an_export_without_its_manifest_fails(delivered):
    (delivered / MANIFEST).unlink()
    code, output = _verify(delivered)
    assert code == EXIT_VERIFICATION
    assert "manifest.json cannot be read: the export is not signed" in output


def test_the_key_file_of_another_study_is_not_a_trust_anchor(demo_run, tmp_path):
    other = tmp_path / "other.key"
    other.write_text(bytes(range(100, 132)).hex() + "\n", encoding="ascii")
    other.chmod(0o600)
    code, output = _verify(demo_run.export, "--key-file", other)
    assert code == EXIT_VERIFICATION
    assert _failed(output) == [AUTHENTIC]


def test_staging_left_beside_the_export_is_named(demo_run, tmp_path):
    run = Path(shutil.copytree(demo_run.export.parent, tmp_path / "run",
                               ignore=shutil.ignore_patterns("secure")))
    (run / ".export-staging").mkdir()
    (run / ".export-staging" / "analysebestand.csv").write_text("x\n", encoding="utf-8")
    code, output = _verify(run)
    assert code == EXIT_VERIFICATION
    assert _failed(output) == ["no unfinished export beside it"]


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
    assert _failed(output) == [REPORT_LIST, MANIFEST_CHECK]
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
    assert _failed(output) == [MANIFEST_CHECK, "auditrapport.html renders auditrapport.json"]
    _resign(delivered)  # consistent again, but the page still is not the report's rendering
    code, output = _verify(delivered)
    assert _failed(output) == ["auditrapport.html renders auditrapport.json"]


def test_report_of_another_version_skips_only_the_html_comparison(delivered):
    def older(report: dict) -> None:
        report["versie"] = "0.0.1"
    _reseal(delivered, older)
    page = delivered / "auditrapport.html"
    page.write_text(page.read_text("utf-8") + "<!-- ander sjabloon -->", encoding="utf-8")
    _resign(delivered)
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
