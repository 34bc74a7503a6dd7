"""The analysis file as analysts receive it: strict schema, CSV formula guard, SPSS labels."""

from __future__ import annotations

import csv
import json

import pandas as pd
import pandera.pandas as pa
import pytest
from vhh.linkage.io.writers import guard_formula, write_csv, write_sav
from vhh.linkage.report.codebook import VARIABLES, sav_labels, value_labels
from vhh.schemas.analysis import analysis_schema


@pytest.fixture(scope="module")
def analysis(demo_run) -> pd.DataFrame:
    return pd.read_parquet(demo_run.export / "analysebestand.parquet")


@pytest.fixture(scope="module")
def schema(demo_run) -> pa.DataFrameSchema:
    choices = json.loads((demo_run.export / "codeboek.json").read_text("utf-8"))["keuzes"]
    return analysis_schema(choices["scope"]["kaders"],
                           [*choices["koppeling"]["regels"], "review_geaccepteerd"])


def _failed_checks(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> set[tuple[str, str]]:
    with pytest.raises(pa.errors.SchemaErrors) as err:
        schema.validate(frame, lazy=True)
    cases = err.value.failure_cases
    return set(zip(cases["column"].astype(str), cases["check"].astype(str), strict=True))


def test_exported_analysis_file_passes_the_strict_schema(analysis, schema):
    schema.validate(analysis, lazy=True)


def test_schema_rejects_an_extra_column(analysis, schema):
    failed = _failed_checks(schema, analysis.assign(achternaam="x"))
    assert ("AnalysisFile", "column_in_schema") in failed


def test_schema_rejects_a_negative_count(analysis, schema):
    bad = analysis.copy()
    bad.loc[0, "bvh_kwartaal_voor"] = -1
    assert _failed_checks(schema, bad) == {("bvh_kwartaal_voor", "greater_than_or_equal_to(0)")}


def test_schema_rejects_a_duplicate_pseudonym(analysis, schema):
    bad = analysis.copy()
    bad.loc[1, "pseudoniem"] = bad.loc[0, "pseudoniem"]
    assert _failed_checks(schema, bad) == {("pseudoniem", "field_uniqueness")}


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1:A2)", "-2+3", "@SUM(A1)", "\tgevaar",
                                  "\rgevaar", "=HYPERLINK(\"x\")"])
def test_formula_start_in_a_text_cell_is_neutralised(text):
    assert guard_formula(text) == "'" + text


@pytest.mark.parametrize("value", ["-3", "-1.5", "+4", "12", "0", -3, 2.5, "gewoon", "a=b", ""])
def test_numbers_and_plain_text_stay_as_they_are(value):
    assert guard_formula(value) == value


def _written(frame: pd.DataFrame, path) -> list[dict[str, str]]:
    write_csv(frame, path)
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_csv_neutralises_formulas_and_keeps_numbers(tmp_path):
    frame = pd.DataFrame({
        "tekst": ["=1+1", "+1+1", "-2+3", "@SUM(A1)", "\tx", "-7", "gewoon"],
        "getal": pd.array([-3, 0, 5, -1, 2, 3, 4], dtype="Int64"),
        "komma": [-1.5, 0.0, 2.25, -0.5, 1.0, 1.0, 1.0],
    })
    rows = _written(frame, tmp_path / "x.csv")
    assert [r["tekst"] for r in rows] == ["'=1+1", "'+1+1", "'-2+3", "'@SUM(A1)", "'\tx", "-7",
                                          "gewoon"]
    assert [r["getal"] for r in rows] == ["-3", "0", "5", "-1", "2", "3", "4"]
    assert [r["komma"] for r in rows][:4] == ["-1.5", "0.0", "2.25", "-0.5"]
    assert frame.loc[0, "tekst"] == "=1+1"  # the caller's frame is not changed


def test_csv_neutralises_a_carriage_return_at_the_start_of_a_cell(tmp_path):
    rows = _written(pd.DataFrame({"tekst": ["\rx", "gewoon"], "getal": [1, 2]}),
                    tmp_path / "x.csv")
    assert [(r["tekst"], r["getal"]) for r in rows] == [("'\rx", "1"), ("gewoon", "2")]


def test_sav_round_trip_keeps_values_and_labels(analysis, tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    path = tmp_path / "a.sav"
    write_sav(analysis, path, sav_labels())
    back, meta = pyreadstat.read_sav(str(path), user_missing=True)

    expected = analysis.copy()
    for col in expected.columns:
        if not pd.api.types.is_string_dtype(expected[col]):  # SPSS numbers are doubles
            expected[col] = expected[col].astype("float64")
    pd.testing.assert_frame_equal(back, expected, check_dtype=False)
    labels = {v.name: v.label for v in VARIABLES}
    assert dict(zip(meta.column_names, meta.column_labels, strict=True)) == labels
    assert meta.variable_value_labels == {
        col: {float(code): text for code, text in m.items()} for col, m in value_labels().items()}
    assert meta.missing_ranges == {"geslacht": [{"lo": 9.0, "hi": 9.0}]}
