"""The analysis room on small in-memory frames: study choices, loading, classes, checking."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from vhh.linkage.analysis import analyse, analysis_dict, check_output, load_export
from vhh.linkage.analysis.correlations import correlation_matrix
from vhh.linkage.analysis.data import OUTSIDE, AnalysisData, check_frame
from vhh.linkage.analysis.distributions import class_bounds, distribution
from vhh.linkage.analysis.regression import study_model
from vhh.linkage.analysis.ttests import paired_tests
from vhh.linkage.analysis.variables import MEASURES, REQUIRED_COLUMNS, measure
from vhh.linkage.errors import InputError


def _frame(n: int = 60, seed: int = 7, found: int | None = None) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({c: rng.poisson(2.0, n).astype(float) for c in REQUIRED_COLUMNS})
    frame["gevonden_hks"] = np.arange(n) < (n * 2 // 3 if found is None else found)
    frame["leeftijd"] = rng.integers(12, 70, n).astype(float)
    frame["plan_van_aanpak"] = rng.integers(0, 4, n).astype(float)
    return frame


def _data(frame: pd.DataFrame) -> AnalysisData:
    return AnalysisData(frame, OUTSIDE, "test")


def test_hks_tests_use_only_the_subjects_found_in_hks_and_equal_scipy():
    frame = _frame()
    frame.loc[~frame["gevonden_hks"], ["hks_jaar_voor", "hks_jaar_na"]] = [50.0, 0.0]
    tests, omitted = paired_tests(frame)
    assert omitted == [] and [t.maat for t in tests] == [m.maat for m in MEASURES]
    hks = {t.maat: t for t in tests}["hks_jaar"]
    found = frame[frame["gevonden_hks"]]
    expected = stats.ttest_rel(found["hks_jaar_voor"], found["hks_jaar_na"])
    assert hks.n == 40 and hks.df == 39
    assert hks.t == pytest.approx(expected.statistic) and hks.p == pytest.approx(expected.pvalue)
    assert hks.verschil == pytest.approx((found["hks_jaar_voor"] - found["hks_jaar_na"]).mean())
    bvh = {t.maat: t for t in tests}["bvh_jaar"]
    assert bvh.n == 60  # BVH: every analysed subject


def test_correlations_keep_the_study_order_and_delete_pairwise():
    frame = _frame()
    frame.loc[0, "leeftijd"] = np.nan          # subject 0 is found in HKS
    matrix, omitted = correlation_matrix(frame)
    assert omitted == []
    names = matrix.variabelen
    assert names[:4] == ("hks_kwartaal_na", "hks_jaar_na", "hks_kwartaal_voor", "hks_jaar_voor")
    age, after = names.index("leeftijd"), names.index("hks_jaar_na")
    assert matrix.n_paren[age][after] == 39 and matrix.n_paren[0][after] == 40
    found = frame[frame["gevonden_hks"]].dropna(subset=["leeftijd"])
    r = stats.pearsonr(found["leeftijd"], found["hks_jaar_na"])
    assert matrix.r[age][after] == pytest.approx(r.statistic) == matrix.r[after][age]
    assert matrix.p[age][after] == pytest.approx(r.pvalue) and matrix.p[age][age] is None


def test_a_regression_without_ages_says_which_column_is_empty_and_which_route_helps():
    frame = _frame()
    frame["leeftijd"] = np.nan
    result = study_model(frame)
    assert result.onderdeel == "regressie/studie"
    assert "leeftijd" in result.reden and "binnen de beveiligde omgeving" in result.reden


def test_the_loader_names_file_and_column_and_never_the_value(tmp_path):
    raw = _frame(10).astype(object)
    raw.loc[3, "leeftijd"] = "Jansen"
    raw.loc[4, "bvh_jaar_voor"] = -713
    raw.loc[5, "gevonden_hks"] = "misschien"
    raw = raw.drop(columns=["hks_jaar_na"])
    path = tmp_path / "analysebestand.csv"
    raw.to_csv(path, index=False)
    with pytest.raises(InputError) as info:
        load_export(path)
    text = str(info.value)
    assert len(info.value.problems) == 4  # every problem at once
    for column in ("hks_jaar_na", "leeftijd", "bvh_jaar_voor", "gevonden_hks"):
        assert f"column '{column}'" in text
    assert str(path) in text
    said = text.replace(str(path), "<file>")  # pytest's folder may hold any digits
    assert "Jansen" not in said and "713" not in said and "misschien" not in said


def test_the_loader_refuses_other_files_with_a_clear_message(tmp_path):
    with pytest.raises(InputError, match="not an analysis file"):
        load_export(tmp_path / "codeboek.md")
    with pytest.raises(InputError, match="file not found"):
        load_export(tmp_path / "weg.sav")


def test_the_export_reads_the_same_from_csv_parquet_and_sav(demo_report_run):
    frames = [load_export(demo_report_run.export / f"analysebestand.{s}").frame
              for s in ("csv", "parquet", "sav")]
    for other in frames[1:]:
        pd.testing.assert_frame_equal(frames[0], other, check_dtype=False)
    assert repr(load_export(demo_report_run.export / "analysebestand.csv")).startswith(
        "AnalysisData(route='buiten', source='analysebestand.csv', rows=195")


counts = st.lists(st.integers(0, 40), min_size=5, max_size=120)


@settings(max_examples=60, deadline=None)
@given(before=counts, after_seed=st.integers(0, 10_000), k=st.integers(1, 12))
def test_distribution_classes_are_never_small_and_hide_the_largest_count(before, after_seed,
                                                                         k):
    b = np.array(before, dtype=float)
    a = np.random.default_rng(after_seed).permutation(b) // 2
    result = distribution(measure("bvh_jaar"), b, a, k)
    if len(b) < k:
        assert result.onderdeel == "verdelingen/bvh_jaar"
        return
    assert sum(result.voor) == sum(result.na) == len(b)
    assert min(result.voor) >= k and min(result.na) >= k
    assert result.klassen[-1].endswith("of meer") or result.klassen == ("alle",)
    bounds = class_bounds(b, a, k)
    assert bounds == sorted(set(bounds)) and bounds[0] == 0


def test_output_checking_withholds_what_rests_on_few_subjects_and_says_why():
    frame = _frame(n=40, found=9)  # 9 subjects found in HKS, fewer than 10
    results = analyse(_data(frame), 10)
    assert results.regressie is not None and len(results.t_toetsen) == 4
    checked = check_output(results, small_cell=10, decimals=2)
    assert [t.maat for t in checked.t_toetsen] == ["bvh_kwartaal", "bvh_jaar"]
    assert checked.regressie is None and checked.interacties == () and checked.robuust is None
    withheld = {o.onderdeel: o.reden for o in checked.uitvoercontrole.achtergehouden}
    assert withheld["t_toetsen/hks_jaar"] == "minder dan 10 subjecten"
    assert withheld["regressie/studie"] == "minder dan 10 subjecten"
    assert "buiten_studie/wilcoxon/hks_kwartaal" in withheld

    assert "correlaties/hks_jaar_na x leeftijd" in withheld
    assert all(v is None for row in checked.correlaties.r for v in row)
    assert checked.n_gevonden_hks is None and checked.n_subjecten == 40
    assert checked.uitvoercontrole.toegepast


def test_output_checking_rounds_every_statistic():
    checked = check_output(analyse(_data(_frame(n=200)), 5), small_cell=5, decimals=3)

    def floats(value):
        if isinstance(value, float):
            yield value
        elif isinstance(value, dict):
            for v in value.values():
                yield from floats(v)
        elif isinstance(value, list):
            for v in value:
                yield from floats(v)

    doc = analysis_dict(checked)
    values = list(floats(doc))
    assert len(values) > 200
    assert all(v == round(v, 3) for v in values)
    assert doc["uitvoercontrole"]["afronding_decimalen"] == 3


def test_no_result_holds_a_minimum_or_maximum():
    doc = analysis_dict(analyse(_data(_frame(n=200)), 5))

    def keys(value):
        if isinstance(value, dict):
            for k, v in value.items():
                yield k
                yield from keys(v)
        elif isinstance(value, list):
            for v in value:
                yield from keys(v)

    assert not {k for k in keys(doc)} & {"min", "max", "minimum", "maximum"}
    json.dumps(doc, allow_nan=False)  # valid JSON: no NaN anywhere


def test_check_frame_keeps_only_the_analysed_columns_typed():
    raw = _frame(5).assign(pseudoniem="v1:" + "a" * 32, kader="x")
    frame = check_frame(raw, "test.csv")
    assert list(frame.columns) == list(REQUIRED_COLUMNS)
    assert "pseudoniem" not in frame and frame["gevonden_hks"].dtype == bool
