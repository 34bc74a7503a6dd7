"""Other input formats give the same study, and row counts reconcile for any generated data."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from vhh.linkage.privacy.keys import load_key
from vhh.linkage.report.funnel import check_funnel, check_reconciliation
from vhh.linkage.settings import FilterSettings, load_settings
from vhh.linkage.study.filters import filter_hks
from vhh.pipelines.study import run_study

from tests.conftest import make_study_folder


def test_xlsx_and_parquet_inputs_give_the_same_funnel(tmp_path, demo_run):
    root = tmp_path / "formats"
    config, key = make_study_folder(root)
    subjects = pd.read_csv(root / "input" / "gcos_subjecten.csv", sep=";", dtype=str,
                           keep_default_na=False)
    subjects.to_excel(root / "input" / "gcos_subjecten.xlsx", index=False)
    bvh = pd.read_csv(root / "input" / "bvh_incidenten.csv", sep=";", dtype=str,
                      keep_default_na=False)
    bvh.to_parquet(root / "input" / "bvh_incidenten.parquet", index=False)
    text = config.read_text()
    text = text.replace("gcos_subjecten.csv", "gcos_subjecten.xlsx")
    text = text.replace("bvh_incidenten.csv", "bvh_incidenten.parquet")
    config.write_text(text)
    result = run_study(load_settings(config), load_key(key), root / "out")
    assert result.report.trechter == demo_run.result.report.trechter
    assert result.report.rijen == demo_run.result.report.rijen


def test_hks_can_count_only_chosen_afdoeningen():
    rows = pd.DataFrame({"afdoening": ["Sepot", "Veroordeling", "OM-transactie"]})
    out = filter_hks(rows, FilterSettings(hks_afdoeningen=("Veroordeling",)))
    assert list(out.reden) == ["afdoening_niet_geteld", "", "afdoening_niet_geteld"]
    assert out.per_category == {"OM-transactie": 1, "Sepot": 1, "Veroordeling": 1}


@settings(max_examples=4, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=10_000),
       subjects=st.integers(min_value=30, max_value=70),
       roles=st.sampled_from([(), ("verdachte",)]),
       noise=st.sampled_from(["default", "high"]))
def test_row_counts_reconcile_for_any_generated_data(tmp_path_factory, seed, subjects, roles,
                                                     noise):
    root = tmp_path_factory.mktemp("prop")
    config, key = make_study_folder(root, seed=seed, subjects=subjects, others=subjects * 4,
                                    noise=noise)
    if roles:
        config.write_text(config.read_text().replace("roles = []", 'roles = ["verdachte"]'))
    report = run_study(load_settings(config), load_key(key), root / "out").report
    assert check_funnel(report.trechter) == []
    for rows in report.rijen.values():
        assert check_reconciliation(rows) == []
    if roles:
        assert report.rijen["bvh"].uitkomst.get("gefilterd_rol_niet_geteld", 0) > 0


@pytest.mark.parametrize("delimiter", [";", ","])
def test_incident_code_table_in_either_delimiter(tmp_path, delimiter):
    from vhh.linkage.validate.codes import read_incident_codes

    path = tmp_path / "codes.csv"
    path.write_text(f"code{delimiter}omschrijving{delimiter}categorie\n"
                    f"f110{delimiter}x{delimiter}Misdrijf\n", encoding="cp1252")
    assert read_incident_codes(path).to_dict() == {"F110": "misdrijf"}
