"""The analysis file opens right: in SPSS/PSPP with its measurement levels and labels, and as
CSV with 0/1 flags as the code book has them (issue 15).

GNU PSPP (Debian's ``pspp``, installed by ``.ci/run``) opens ``analysebestand.sav`` and
shows its dictionary and means; they must be the code book's and the CSV's.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess

import pandas as pd
import pytest
from vhh.linkage.report.codebook import VARIABLES

PSPP = shutil.which("pspp")
needs_pspp = pytest.mark.skipif(PSPP is None, reason="needs GNU PSPP (apt-get install pspp)")
LEVEL = {"nominaal": "Nominal", "ordinaal": "Ordinal", "schaal": "Scale"}
SCALE = ("leeftijd", "aantal_besproken", "leefgebieden", "leefgebieden_8plus",
         *(f"{s}_{w}" for s in ("bvh", "hks")
           for w in ("kwartaal_voor", "jaar_voor", "kwartaal_na", "jaar_na")))
FLAGS = tuple(v.name for v in VARIABLES if v.type == "ja/nee")
NUMERIC = (*SCALE, "plan_van_aanpak", "geslacht", *FLAGS)


def test_the_code_book_gives_every_variable_the_intended_level(demo_run):
    levels = {v.name: v.measure for v in VARIABLES}
    assert {n for n, m in levels.items() if m == "schaal"} == set(SCALE)  # counts, age, domains
    assert {n for n, m in levels.items() if m == "ordinaal"} == {"plan_van_aanpak"}
    book = json.loads((demo_run.export / "codeboek.json").read_text("utf-8"))
    assert {v["naam"]: v["meetniveau"] for v in book["variabelen"]} == levels
    assert "| meetniveau |" in (demo_run.export / "codeboek.md").read_text("utf-8")


def test_csv_flags_are_0_and_1_as_in_the_code_book(demo_run):
    frame = pd.read_csv(demo_run.export / "analysebestand.csv", dtype=str,
                        keep_default_na=False)
    book = json.loads((demo_run.export / "codeboek.json").read_text("utf-8"))
    flags = [v for v in book["variabelen"] if v["type"] == "ja/nee"]
    assert {v["naam"] for v in flags} == set(FLAGS) and FLAGS
    for v in flags:
        assert v["waarden"] == {"0": "nee", "1": "ja"}
        assert set(frame[v["naam"]]) <= {"0", "1"}, v["naam"]
    text = frame.to_csv()
    assert "True" not in text and "False" not in text


def _pspp(sav, folder, commands: str) -> list[tuple[str, list[list[str]]]]:
    syntax = folder / "open.sps"
    syntax.write_text(f"GET FILE='{sav}'.\n{commands}\n", "utf-8")
    out = folder / "out.csv"
    subprocess.run([PSPP, str(syntax), "-o", str(out), "-O", "format=csv"], check=True,
                   capture_output=True, timeout=60)
    tables = []
    for block in out.read_text("utf-8").split("\n\n"):
        lines = block.strip().splitlines()
        if lines and lines[0].startswith("Table: "):
            tables.append((lines[0][7:], list(csv.reader(io.StringIO("\n".join(lines[1:]))))))
    return tables


@pytest.fixture(scope="module")
def pspp(demo_report_run, tmp_path_factory) -> dict[str, list[list[str]]]:
    folder = tmp_path_factory.mktemp("pspp_open")
    tables = _pspp(demo_report_run.export / "analysebestand.sav", folder,
                   "DISPLAY DICTIONARY.\n"
                   f"DESCRIPTIVES /VARIABLES={' '.join(NUMERIC)} /STATISTICS=MEAN.")
    return dict(tables)


@needs_pspp
def test_pspp_shows_the_intended_measurement_levels_and_labels(pspp):
    rows = pspp["Variables"]
    head = rows[0]
    by_name = {r[0]: dict(zip(head, r, strict=True)) for r in rows[1:]}
    assert list(by_name) == [v.name for v in VARIABLES]
    for v in VARIABLES:
        assert by_name[v.name]["Measurement Level"] == LEVEL[v.measure], v.name
        assert by_name[v.name]["Label"] == v.label, v.name


@needs_pspp
def test_pspp_shows_the_code_books_value_labels(pspp):
    labels: dict[str, dict[str, str]] = {}
    current = ""
    for row in pspp["Value Labels"][1:]:
        if len(row) < 3:  # the footnote on user-missing values
            continue
        current = row[0] or current
        labels.setdefault(current, {})[re.sub(r"\[[a-z]\]", "", row[1])] = row[2]
    by_label = {v.label: v for v in VARIABLES}
    assert labels[by_label["Geslacht"].label] == {"0": "man", "1": "vrouw", "9": "onbekend"}
    for v in VARIABLES:
        if v.values:
            assert labels[v.label] == {str(k): t for k, t in v.values.items()}, v.name


def _agrees(value: float, printed: str) -> bool:
    text = printed.strip()
    decimals = len(text.split(".")[1]) if "." in text else 0
    return abs(value - float(text)) <= 0.5 * 10 ** -decimals + 1e-9


@needs_pspp
def test_pspp_means_are_the_csvs(pspp, demo_report_run):
    frame = pd.read_csv(demo_report_run.export / "analysebestand.csv")
    label_of = {v.name: v.label for v in VARIABLES}
    printed = {r[0]: r for r in pspp["Descriptive Statistics"][1:]}
    for name in NUMERIC:
        n, mean = printed[label_of[name]][1:3]
        column = pd.to_numeric(frame[name], errors="coerce")
        if name == "geslacht":
            column = column.where(column != 9)  # 9 = onbekend is a declared missing value
        assert int(n) == column.notna().sum(), name
        assert _agrees(float(column.mean()), mean), (name, mean)
