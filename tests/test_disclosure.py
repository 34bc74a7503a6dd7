"""Specification of vhh.linkage.privacy.disclosure: k-anonymity, age bands, the protection steps and
small-cell suppression, on small frames whose answers are computed by hand in the comments.

Every record here is invented.
"""

from __future__ import annotations

import pandas as pd
import pytest
from vhh.linkage.privacy.disclosure import (
    SUPPRESSED,
    KAnonymity,
    age_band,
    k_anonymity,
    protect,
    small_cell_table,
)
from vhh.linkage.settings import PrivacySettings

EDGES = (18, 25, 35, 45, 55, 65)
COUNTS = ("bvh_jaar_voor", "bvh_jaar_na")


# --------------------------------------------------------------------------------------------
# k_anonymity
# --------------------------------------------------------------------------------------------


def ten_rows() -> pd.DataFrame:
    # classes on (a, b): (x,1) x4, (x,2) x3, (y,1) x2, (y,2) x1
    return pd.DataFrame({
        "a": ["x"] * 7 + ["y"] * 3,
        "b": [1, 1, 1, 1, 2, 2, 2, 1, 1, 2],
        "c": list(range(10)),
    })


def test_k_anonymity_of_a_ten_row_frame_by_hand() -> None:
    # k = smallest class = 1; 4 classes; target 3: (y,1) and (y,2) are below -> 2 + 1 records
    assert k_anonymity(ten_rows(), ["a", "b"], 3) == KAnonymity(k=1, classes=4,
                                                                records_at_risk=3,
                                                                classes_at_risk=2)


def test_k_anonymity_target_is_a_strict_lower_bound() -> None:
    # target 2: only (y,2) (size 1) is below; target 4: all but (x,1) -> 3 + 2 + 1 = 6
    assert k_anonymity(ten_rows(), ["a", "b"], 2) == KAnonymity(1, 4, 1, 1)
    assert k_anonymity(ten_rows(), ["a", "b"], 4) == KAnonymity(1, 4, 6, 3)


def test_k_anonymity_on_one_column() -> None:
    # a: x x7, y x3 -> k 3, 2 classes; target 5: y's 3 records at risk
    assert k_anonymity(ten_rows(), ["a"], 5) == KAnonymity(3, 2, 3, 1)


def test_k_anonymity_with_a_unique_column_puts_every_record_at_risk() -> None:
    assert k_anonymity(ten_rows(), ["a", "c"], 2) == KAnonymity(1, 10, 10, 10)


def test_k_anonymity_of_an_empty_frame_is_zero() -> None:
    assert k_anonymity(ten_rows().iloc[0:0], ["a", "b"], 5) == KAnonymity(0, 0, 0, 0)


def test_k_anonymity_as_dict_uses_the_report_names() -> None:
    assert KAnonymity(1, 4, 3, 2).as_dict() == {"k": 1, "klassen": 4, "records_onder_k": 3,
                                                "klassen_onder_k": 2}


def test_missing_values_form_a_class_of_their_own() -> None:
    frame = pd.DataFrame({"a": ["x", "x", None, None, "y"]})
    assert k_anonymity(frame, ["a"], 2) == KAnonymity(1, 3, 1, 1)


# --------------------------------------------------------------------------------------------
# age_band
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("age", "band"), [
    (0, "<18"), (17, "<18"), (18, "18-24"), (24, "18-24"), (25, "25-34"), (34, "25-34"),
    (35, "35-44"), (44, "35-44"), (45, "45-54"), (54, "45-54"), (55, "55-64"),
    (64, "55-64"), (65, "65+"), (99, "65+"),
])
def test_age_band_labels_at_the_edges(age: int, band: str) -> None:
    assert age_band(pd.Series([age]), EDGES).tolist() == [band]


def test_age_band_of_a_missing_age_is_the_suppressed_category() -> None:
    ages = pd.Series([17, None, 65], dtype="Int64")
    assert age_band(ages, EDGES).tolist() == ["<18", SUPPRESSED, "65+"]


def test_age_band_follows_other_edges() -> None:
    assert age_band(pd.Series([11, 12, 30, 31]), (12, 31)).tolist() == [
        "<12", "12-30", "12-30", "31+"]


# --------------------------------------------------------------------------------------------
# protect
# --------------------------------------------------------------------------------------------


def study_frame() -> pd.DataFrame:
    """12 records. Group A (6) and B (3) are safe once ages are banded; group C (3) differs
    only in its age band and needs suppression."""
    return pd.DataFrame({
        #           A: 18-24, man, Veelplegers, 2013-Q1      B: 25-34, vrouw, Jeugd, Q2
        "leeftijd": pd.array([20, 20, 21, 21, 22, 22] + [30, 31, 33]
                             #  C: 65+, 45-54, 55-64; man, Veelplegers, 2013-Q1
                             + [70, 50, 60], dtype="Int64"),
        "geslacht": [0] * 6 + [1] * 3 + [0] * 3,
        "kader": ["Veelplegers"] * 6 + ["Jeugd"] * 3 + ["Veelplegers"] * 3,
        "start_kwartaal": ["2013-Q1"] * 6 + ["2013-Q2"] * 3 + ["2013-Q1"] * 3,
        "bvh_jaar_voor": pd.array([0, 1, 2, 3, 25, 4, 5, 6, 7, 8, 9, 99], dtype="Int64"),
        "bvh_jaar_na": pd.array([0, 1, None, 3, 4, 20, 5, 6, 7, 8, 9, 10], dtype="Int64"),
    })


def privacy(**changes: object) -> PrivacySettings:
    return PrivacySettings(**{"k": 3, "action": "generalise", "age_bands": EDGES,
                              "top_code": 20, **changes})  # type: ignore[arg-type]


def test_protect_with_action_report_changes_nothing() -> None:
    frame = study_frame()
    out, changes, before, after = protect(frame, privacy(action="report"), COUNTS)
    assert changes == []
    assert before == after
    assert before.records_at_risk == 12
    pd.testing.assert_frame_equal(out[frame.columns], frame)
    pd.testing.assert_frame_equal(frame, study_frame())   # the input is not modified


def test_protect_generalise_before_counts_by_hand() -> None:
    # exact ages: A gives 3 classes of 2, B and C 3 singletons each -> 9 classes, all < 3
    _, _, before, _ = protect(study_frame(), privacy(), COUNTS)
    assert before == KAnonymity(k=1, classes=9, records_at_risk=12, classes_at_risk=9)


def test_protect_generalise_reaches_k_and_reports_every_step_with_its_records() -> None:
    out, changes, _, after = protect(study_frame(), privacy(), COUNTS)
    assert after == KAnonymity(k=3, classes=3, records_at_risk=0, classes_at_risk=0)
    assert [(c["maatregel"], c["variabele"], c["records"]) for c in changes] == [
        ("globale hercodering", "leeftijd", 12),        # every age becomes a band
        ("globale hercodering", "start_kwartaal", 12),  # C still unique -> quarters to years
        ("lokale onderdrukking", "start_kwartaal", 3),  # C's three records
        ("lokale onderdrukking", "leeftijd", 3),        # C's bands; now one class of 3
        ("topcodering", "bvh_jaar_voor", 2),            # 25 and 99
    ]


def test_protect_generalise_result_by_hand() -> None:
    out, _, _, _ = protect(study_frame(), privacy(), COUNTS)
    assert out["leeftijd"].isna().all()
    assert out["leeftijdsklasse"].tolist() == ["18-24"] * 6 + ["25-34"] * 3 + [SUPPRESSED] * 3
    assert out["start_kwartaal"].tolist() == ["2013"] * 9 + [SUPPRESSED] * 3
    assert out["kader"].tolist() == study_frame()["kader"].tolist()
    assert out["geslacht"].tolist() == study_frame()["geslacht"].tolist()


def test_protect_reports_the_residue_when_k_cannot_be_reached() -> None:
    """Either k is reached, or every step taken and the records still at risk are reported."""
    frame = study_frame().iloc[:10]   # C keeps one record (age 70): alone, it never reaches k
    out, changes, _, after = protect(frame, privacy(), COUNTS)
    # A (6) and B (3) are fine; C's record ends as (onderdrukt, 9, onderdrukt, onderdrukt)
    assert after == KAnonymity(k=1, classes=3, records_at_risk=1, classes_at_risk=1)
    assert after == k_anonymity(out, ["leeftijdsklasse", "geslacht", "kader",
                                      "start_kwartaal"], 3)
    assert [(c["maatregel"], c["variabele"], c["records"]) for c in changes] == [
        ("globale hercodering", "leeftijd", 10),
        ("globale hercodering", "start_kwartaal", 10),
        ("lokale onderdrukking", "start_kwartaal", 1),
        ("lokale onderdrukking", "leeftijd", 1),
        ("lokale onderdrukking", "kader", 1),
        ("lokale onderdrukking", "geslacht", 1),
        ("topcodering", "bvh_jaar_voor", 1),            # 25
    ]
    assert out.loc[9, ["leeftijdsklasse", "geslacht", "kader", "start_kwartaal"]].tolist() == [
        SUPPRESSED, 9, SUPPRESSED, SUPPRESSED]


def test_protect_generalise_on_a_safe_file_only_top_codes() -> None:
    frame = study_frame().iloc[:9].assign(leeftijd=pd.array([20] * 6 + [30] * 3, dtype="Int64"))
    out, changes, before, after = protect(frame, privacy(), COUNTS)
    assert before.records_at_risk == 0 and after == before
    assert out["leeftijd"].tolist() == frame["leeftijd"].tolist()
    assert out["start_kwartaal"].tolist() == frame["start_kwartaal"].tolist()
    assert [(c["maatregel"], c["variabele"], c["records"]) for c in changes] == [
        ("topcodering", "bvh_jaar_voor", 1)]
    assert out["bvh_jaar_voor"].max() == 20


def test_top_coding_counts_values_above_the_top_only() -> None:
    frame = study_frame()
    frame["bvh_jaar_na"] = pd.array([0, 5, 19, 20, 21, 99, None, 1, 1, 1, 1, 1], dtype="Int64")
    out, changes, _, _ = protect(frame, privacy(top_code=20), COUNTS)
    top = {c["variabele"]: c["records"] for c in changes if c["maatregel"] == "topcodering"}
    assert top == {"bvh_jaar_voor": 2, "bvh_jaar_na": 2}     # 25, 99 / 21, 99
    assert out["bvh_jaar_na"].tolist()[:7] == [0, 5, 19, 20, 20, 20, pd.NA]
    assert out["bvh_jaar_voor"].max() == 20


def test_top_coding_follows_the_configured_value() -> None:
    out, changes, _, _ = protect(study_frame(), privacy(top_code=5), COUNTS)
    top = {c["variabele"]: c["records"] for c in changes if c["maatregel"] == "topcodering"}
    # voor: 25 6 7 8 9 99 -> 6; na: 20 6 7 8 9 10 -> 6
    assert top == {"bvh_jaar_voor": 6, "bvh_jaar_na": 6}
    assert out["bvh_jaar_voor"].max() == 5 and out["bvh_jaar_na"].max() == 5


# --------------------------------------------------------------------------------------------
# small_cell_table
# --------------------------------------------------------------------------------------------


def test_small_cell_table_suppresses_counts_below_the_threshold() -> None:
    frame = pd.DataFrame({"kader": ["Veelplegers"] * 7 + ["Jeugd"] * 4 + ["Huiselijk geweld"] * 5
                          + ["Nazorg ex-gedetineerden"]})
    table = small_cell_table(frame, "kader", 5)
    assert dict(zip(table["waarde"], table["aantal"], strict=True)) == {
        "Huiselijk geweld": "5", "Jeugd": "<5", "Nazorg ex-gedetineerden": "<5",
        "Veelplegers": "7"}


def test_small_cell_table_never_shows_a_count_below_the_threshold() -> None:
    frame = pd.DataFrame({"x": list("aabbbcccccddddddd")})
    for threshold in range(1, 9):
        shown = small_cell_table(frame, "x", threshold)["aantal"]
        numbers = [int(v) for v in shown if not v.startswith("<")]
        assert all(n >= threshold for n in numbers)
        assert (shown == f"<{threshold}").sum() == sum(
            n < threshold for n in frame["x"].value_counts())
