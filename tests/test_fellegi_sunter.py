"""Specification of ``method = "probabilistic"``: graded levels, EM, weights, decisions.

Levels are checked on hand-made Dutch names and dates; EM and the model on synthetic counts
and properties that must hold for every input; the decisions on one generated study into
which single police rows are planted (a twin, a near-namesake, a partner name, a row
without a birthdate), so that the model is estimated on realistic data and each planted
row is judged by it.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from conftest import make_study_folder
from hypothesis import given, settings
from hypothesis import strategies as st
from vhh.linkage.errors import ConfigError
from vhh.linkage.link.em import fit_m, objective
from vhh.linkage.link.engine import link_source, prepare_subjects
from vhh.linkage.link.fellegi_sunter import WATERFALL_COLUMNS
from vhh.linkage.link.levels import (
    BIRTHDATE,
    COMPARISONS,
    INITIALS,
    N_PATTERNS,
    SURNAME,
    compare_levels,
    fields_of,
    pattern_codes,
    pattern_levels,
)
from vhh.linkage.normalise.identities import normalise_identities
from vhh.linkage.settings import LinkageSettings, load_settings, settings_from_mapping
from vhh.linkage.study.scope import apply_scope
from whole_files import validate_whole as validate_inputs


def _frame(rows: list[tuple[str, str, str, int]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["achternaam", "voorletters", "geboortedatum",
                                        "geslacht"])
    return normalise_identities(frame.assign(tussenvoegsel="", voornamen=""))


def _levels(left: tuple[str, str, str, int], right: tuple[str, str, str, int]) -> tuple[str, ...]:
    a, b = fields_of(_frame([left]), _frame([right]))
    found = compare_levels(a, b, np.array([0]), np.array([0]))
    return tuple(c.levels[int(x[0])] for c, x in zip(COMPARISONS, found, strict=True))


# --- levels --------------------------------------------------------------------------------

@pytest.mark.parametrize(("gcos", "police", "level"), [
    ("van der Berg", "van der Berg", "gelijk"),
    ("van der Berg", "Berg", "kern_gelijk"),
    ("Berg, van der", "v.d. Berg", "gelijk"),
    ("Wouters van Eijndhoven", "Wouters-van Eijndhoven", "kern_gelijk"),
    ("Jansen-de Vries", "de Vries-Jansen", "kern_gelijk"),
    ("Jansen-de Vries", "de Vries", "deel_gelijk"),
    ("van de Kooij-Wittenboer", "Wittenboer", "deel_gelijk"),
    ("Kwakkelstein", "Kwakkelstien", "jw_hoog"),
    ("Wel", "Wyl", "een_letter"),
    ("Hendriks", "Hendrikx", "jw_hoog"),
    ("Bakker", "Visser", "anders"),
])
def test_surname_levels_read_dutch_surnames(gcos: str, police: str, level: str) -> None:
    assert _levels((gcos, "J.", "19800612", 0), (police, "J.", "19800612", 0))[0] == level


def test_given_name_and_surname_exchanged_is_its_own_level() -> None:
    # the police wrote the given name as surname: "Pieter" with initial B. for "B. Pieter"
    assert _levels(("Bakker", "P.", "19800612", 0), ("Pieters", "B.", "19800612", 0))[0] == (
        "omgedraaid")


@pytest.mark.parametrize(("gcos", "police", "level"), [
    ("J.P.M.", "JPM", "alle_gelijk"),
    ("J.P.", "j.p.", "alle_gelijk"),
    ("Th.J.", "T.J.", "alle_gelijk"),
    ("IJ.", "Y.", "een_gelijk"),
    ("J.P.M.", "J.", "voorvoegsel"),
    ("J.", "J.P.", "voorvoegsel"),
    ("A.M.", "A.J.", "later_anders"),
    ("A.M.", "B.M.", "eerste_anders"),
    ("", "A.M.", "ontbreekt"),
])
def test_initial_levels_read_any_notation(gcos: str, police: str, level: str) -> None:
    assert _levels(("Bakker", gcos, "19800612", 0), ("Bakker", police, "19800612", 0))[1] == (
        level)


@pytest.mark.parametrize(("gcos", "police", "level"), [
    ("19800612", "19800612", "gelijk"),
    ("19800612", "19800000", "onvolledig"),
    ("19800612", "19801206", "gewisseld"),
    ("19800612", "19800613", "een_cijfer"),
    ("19800131", "19800203", "binnen_10_dagen"),
    ("19891231", "19900101", "binnen_10_dagen"),
    ("19890612", "19900612", "jaar_anders"),
    ("19870612", "19780612", "twee_slips"),
    ("19800612", "19801207", "twee_slips"),
    ("19800612", "19531120", "anders"),
    ("19800612", "", "ontbreekt"),
])
def test_birthdate_levels_include_slips_of_more_than_one(gcos: str, police: str,
                                                         level: str) -> None:
    assert _levels(("Bakker", "J.", gcos, 0), ("Bakker", "J.", police, 0))[2] == level


def _digits_apart(u: str, v: str) -> int:
    return sum(p != q for p, q in zip(u, v, strict=True))


def _ordinal(year: int, month: int, day: int) -> int | None:
    import datetime as dt

    try:
        return dt.date(year, month, day).toordinal()
    except ValueError:
        return None


def _birth_level_by_digits(x: str, y: str) -> str:
    """The birthdate levels of the module docstring, digit by digit on the two texts: the
    first level whose test holds."""
    if not x or not y or x[:4] == "0000" or y[:4] == "0000":
        return "ontbreekt"
    (ya, ma, da), (yb, mb, db) = ((int(v[:4]), int(v[4:6]), int(v[6:])) for v in (x, y))
    unknown = 0 in (ma, mb, da, db)
    days = (_ordinal(ya, ma, da), _ordinal(yb, mb, db))
    tests = [
        ("gelijk", _digits_apart(x, y) == 0 and not unknown),
        ("onvolledig", ya == yb and (ma == mb or 0 in (ma, mb)) and (da == db or 0 in (da, db))
         and unknown),
        ("gewisseld", ya == yb and ma == db and da == mb and ma != da and ma <= 12 and da <= 12),
        ("een_cijfer", _digits_apart(x, y) == 1),
        ("binnen_10_dagen", None not in days
         and abs(days[0] - days[1]) <= 10),  # type: ignore[operator]
        ("jaar_anders", ma == mb and da == db and abs(ya - yb) in (1, 10, 100)),
        ("twee_slips", _digits_apart(x, y) == 2 or _digits_apart(x, y[:4] + y[6:] + y[4:6]) == 1),
    ]
    return next((level for level, holds in tests if holds), "anders")


_DATE_TEXT = st.one_of(st.just(""), st.builds(
    lambda y, m, d: f"{y:04d}{m:02d}{d:02d}", st.sampled_from([0, 1880, 1979, 1980, 1989, 1990,
                                                               2080]),
    st.integers(0, 13), st.integers(0, 32)))


@settings(max_examples=120, deadline=None)
@given(st.lists(_DATE_TEXT, min_size=1, max_size=6), st.lists(_DATE_TEXT, min_size=1, max_size=6))
def test_packed_birthdate_levels_equal_the_levels_digit_by_digit(left: list, right: list
                                                                 ) -> None:
    a, b = fields_of(_frame([("Bakker", "J.", x, 0) for x in left]),
                     _frame([("Bakker", "J.", x, 0) for x in right]))
    s = np.repeat(np.arange(len(left)), len(right))
    i = np.tile(np.arange(len(right)), len(left))
    found = [BIRTHDATE.levels[k] for k in compare_levels(a, b, s, i)[2]]
    assert found == [_birth_level_by_digits(left[p], right[q]) for p, q in zip(s, i, strict=True)]


def test_sex_is_unknown_when_either_side_does_not_say() -> None:
    assert _levels(("Bakker", "J.", "19800612", 9), ("Bakker", "J.", "19800612", 1))[3] == (
        "onbekend")
    assert _levels(("Bakker", "J.", "19800612", 0), ("Bakker", "J.", "19800612", 1))[3] == (
        "anders")


def _initial_levels_by_matrix(a, b, s: np.ndarray, i: np.ndarray) -> np.ndarray:  # type: ignore[no-untyped-def]
    """The initials levels of the module docstring on the initials matrix, position by
    position (the form the packed levels replaced)."""
    from vhh.linkage.link.levels import INITIAL_WIDTH

    na, nb = a.n_initials[s].astype(np.int16), b.n_initials[i].astype(np.int16)
    left, right = a.initials[s], b.initials[i]
    shorter = np.minimum(np.minimum(na, nb), INITIAL_WIDTH)
    column = np.arange(INITIAL_WIDTH)[None, :]
    prefix = ((left == right) | (column >= shorter[:, None])).all(axis=1)
    first = left[:, 0] == right[:, 0]
    equal = prefix & (na == nb)
    lv = INITIALS.level
    return np.select(
        [(na == 0) | (nb == 0), equal & (na >= 2), equal, prefix, first],
        [lv("ontbreekt"), lv("alle_gelijk"), lv("een_gelijk"), lv("voorvoegsel"),
         lv("later_anders")], default=lv("eerste_anders")).astype(np.int8)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(alphabet="ABJPMTHYIj. ", max_size=12), min_size=1, max_size=6),
       st.lists(st.text(alphabet="ABJPMTHYIj. ", max_size=12), min_size=1, max_size=6))
def test_packed_initial_levels_equal_the_matrix_form(left: list, right: list) -> None:
    from vhh.linkage.link.levels import _initial_levels

    a, b = fields_of(_frame([("Bakker", x, "19800612", 0) for x in left]),
                     _frame([("Bakker", x, "19800612", 0) for x in right]))
    s = np.repeat(np.arange(len(left)), len(right))
    i = np.tile(np.arange(len(right)), len(left))
    assert _initial_levels(a, b, s, i).tolist() == _initial_levels_by_matrix(a, b, s, i).tolist()


SURNAMES = st.sampled_from(["van der Berg", "Berg", "Jansen-de Vries", "de Vries", "Vries",
                            "Wouters van Eijndhoven", "Wouters", "Meijer", "Meyer", "Wel",
                            "Wyl", "Bakker", "Baker", "'t Hart", "Hart"])
INITIALS_TEXT = st.sampled_from(["", "J.", "J.P.", "j.p.m", "Th.", "T.", "IJ.", "Y.", "A.M.",
                                 "A.J.", "P.J."])
DATES = st.sampled_from(["", "19800612", "19801206", "19800613", "19800000", "19790612",
                         "19900612", "19800131", "19800203", "19870612", "19780612"])
PERSON = st.tuples(SURNAMES, INITIALS_TEXT, DATES, st.sampled_from([0, 1, 9]))


@settings(max_examples=60, deadline=None)
@given(st.lists(PERSON, min_size=1, max_size=5), st.lists(PERSON, min_size=1, max_size=5))
def test_levels_are_symmetric(left: list, right: list) -> None:
    a, b = fields_of(_frame(left), _frame(right))
    s = np.repeat(np.arange(len(left)), len(right))
    i = np.tile(np.arange(len(right)), len(left))
    forward = compare_levels(a, b, s, i)
    b2, a2 = fields_of(_frame(right), _frame(left))
    backward = compare_levels(b2, a2, i, s)
    for c, x, y in zip(COMPARISONS, forward, backward, strict=True):
        assert x.tolist() == y.tolist(), c.name


@given(st.lists(st.integers(0, N_PATTERNS - 1), min_size=1, max_size=50))
def test_pattern_codes_hold_the_four_levels(codes: list[int]) -> None:
    assert pattern_codes(pattern_levels(np.array(codes))).tolist() == codes


# --- EM ------------------------------------------------------------------------------------

def _mixture(rng: np.random.Generator, m: list[np.ndarray], u: list[np.ndarray], lam: float,
             n: int) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
    """Pattern counts of two comparisons drawn from a known mixture."""
    match = rng.random(n) < lam
    levels = [np.where(match, rng.choice(len(mm), n, p=mm), rng.choice(len(uu), n, p=uu))
              for mm, uu in zip(m, u, strict=True)]
    levels.append(np.where(match, rng.choice(2, n, p=[0.9, 0.1]),
                           rng.choice(2, n, p=[0.2, 0.8])))
    sizes = [len(x) for x in m] + [2]
    code = (levels[0] * sizes[1] + levels[1]) * sizes[2] + levels[2]
    counts = np.bincount(code, minlength=int(np.prod(sizes))).astype(float)
    grid = np.arange(len(counts))
    return counts, (grid // (sizes[1] * sizes[2]), grid // sizes[2] % sizes[1], grid % sizes[2])


def _with_null(p: list[float]) -> np.ndarray:
    return np.array([*p, 0.0])  # a null level that no pattern here shows


def test_em_recovers_m_and_the_match_share_with_u_fixed() -> None:
    rng = np.random.default_rng(3)
    m = [np.array([0.8, 0.15, 0.05]), np.array([0.7, 0.3])]
    u = [np.array([0.05, 0.15, 0.8]), np.array([0.1, 0.9])]
    counts, levels = _mixture(rng, m, u, 0.3, 40_000)
    u3 = (u[0], u[1], np.array([0.2, 0.8]))
    start = (np.array([0.4, 0.3, 0.3]), np.array([0.5, 0.5]), np.array([0.5, 0.5]))
    fit = fit_m(counts, levels, u3, start, (-1, -1, -1),
                tuple(np.zeros(len(x)) for x in u3), 0.5)
    assert fit.converged
    assert abs(fit.lam - 0.3) < 0.02
    assert np.allclose(fit.m[0], m[0], atol=0.03) and np.allclose(fit.m[1], m[1], atol=0.03)


def _split_other_persons(rng: np.random.Generator, m: list[np.ndarray], u: list[np.ndarray],
                         lam: float, n: int, backed: float
                         ) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, ...]]:
    """A mixture whose non-matches at level 2 of the first comparison (a conflict) are,
    with probability ``backed``, known to be other persons: (all counts, the known ones)."""
    counts, levels = _mixture(rng, m, u, lam, n)
    conflict_nonmatch = counts * (levels[0] == 2) * (1 - lam * m[0][2] / (
        lam * m[0][2] + (1 - lam) * u[0][2]))
    known = np.floor(conflict_nonmatch * backed)
    return counts, known, levels


def test_known_other_persons_count_as_non_matches_not_as_missing_pairs() -> None:
    """Leaving the other persons' pairs out of a session makes the non-matches that remain
    look like matches (they agree more often than u says); counted as known non-matches,
    the fit recovers m and the match share. (Level 2 of the first comparison is the
    conflict: rare among matches, as a changed first initial is.)"""
    rng = np.random.default_rng(5)
    m = [np.array([0.845, 0.15, 0.005]), np.array([0.7, 0.3])]
    u = [np.array([0.05, 0.15, 0.8]), np.array([0.1, 0.9])]
    counts, known, levels = _split_other_persons(rng, m, u, 0.1, 60_000, backed=0.9)
    u3 = (u[0], u[1], np.array([0.2, 0.8]))
    start = (np.array([0.4, 0.3, 0.3]), np.array([0.5, 0.5]), np.array([0.5, 0.5]))
    flat = tuple(np.zeros(len(x)) for x in u3)
    told = fit_m(counts - known, levels, u3, start, (-1, -1, -1), flat, 0.5,
                 known_nonmatches=known)
    assert abs(told.lam - 0.1) < 0.01
    assert np.allclose(told.m[0], m[0], atol=0.03) and np.allclose(told.m[1], m[1], atol=0.03)
    dropped = fit_m(counts - known, levels, u3, start, (-1, -1, -1), flat, 0.5)
    assert dropped.lam > 0.2  # the old way: the share of matches doubled, m distorted
    assert abs(dropped.m[1][1] - m[1][1]) > 0.1 or abs(dropped.m[0][1] - m[0][1]) > 0.1


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 200), min_size=12, max_size=12), st.floats(0.05, 0.95),
       st.lists(st.integers(0, 50), min_size=12, max_size=12))
def test_em_never_lowers_its_objective(counts: list[int], lam0: float, known: list[int]
                                       ) -> None:
    grid = np.arange(12)
    levels = (grid // 4, grid % 4)
    u = (np.array([0.6, 0.3, 0.1]), np.array([0.4, 0.3, 0.2, 0.1]))
    prior = (np.array([1.0, 0.5, 0.5]), np.array([1.0, 1.0, 0.2, 0.2]))
    fit = fit_m(np.array(counts, float), levels, u, (np.array([0.2, 0.3, 0.5]),
                                                     np.array([0.1, 0.2, 0.3, 0.4])),
                (-1, -1), prior, lam0, known_nonmatches=np.array(known, float),
                max_iterations=30)
    trace = np.array(fit.objective)
    assert (np.diff(trace) >= -1e-7 * np.maximum(1.0, np.abs(trace[1:]))).all()
    assert np.isclose(trace[-1], objective(np.array(counts, float), levels, fit.m, u,
                                           (-1, -1), fit.lam, prior, np.array(known, float)))


# --- decisions on a generated study with planted rows --------------------------------------

@dataclasses.dataclass(frozen=True)
class Study:
    subjects: pd.DataFrame
    rows: pd.DataFrame
    linkage: LinkageSettings
    target: pd.Series  # an analysed subject with two or more initials, a man


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Study:
    root = tmp_path_factory.mktemp("fs_study")
    config, _ = make_study_folder(root, seed=31)
    settings_ = load_settings(config)
    validated = validate_inputs(settings_)
    in_scope, _ = apply_scope(validated["gcos_subjecten"].valid,
                              validated["gcos_besprekingen"].valid, settings_.scope)
    subjects = prepare_subjects(in_scope)
    rows = validated["bvh_incidenten"].valid
    linked = link_source("bvh", subjects, rows, "bvh_id", settings_.linkage)
    found = set(linked.subjects.loc[linked.subjects["gevonden"], "gcos_id"])
    many = subjects[subjects["initials"].map(len).ge(2) & subjects["gcos_id"].isin(found)
                    & subjects["geslacht"].eq(0) & subjects["core"].str.len().ge(6)
                    & ~subjects["core"].str.contains("-")]
    return Study(subjects, rows, settings_.linkage, many.iloc[0])


def _plant(study: Study, *planted: tuple[str, str, str, int]) -> pd.DataFrame:
    extra = pd.DataFrame(planted, columns=["achternaam", "voorletters", "geboortedatum",
                                           "geslacht"])
    extra = extra.assign(tussenvoegsel="", bvh_id=[f"P{k}" for k in range(len(extra))])
    columns = ["bvh_id", "achternaam", "tussenvoegsel", "voorletters", "geboortedatum",
               "geslacht"]
    return pd.concat([study.rows.loc[:, columns], extra.loc[:, columns]], ignore_index=True)


def _outcome(study: Study, rows: pd.DataFrame, record_id: str,
             linkage: LinkageSettings | None = None) -> tuple[str, str, str, str]:
    result = link_source("bvh", study.subjects, rows, "bvh_id", linkage or study.linkage)
    hit = result.koppelingen[result.koppelingen["record_id"] == record_id]
    if hit.empty:
        return ("", "", "", "")
    row = hit.iloc[0]
    return (row["gcos_id"], row["regel"], row["besluit"], row["reden"])


def _target(study: Study) -> tuple[str, str, str, str, int]:
    t = study.target
    initials = "".join(f"{x}." for x in t["initials"])
    return t["gcos_id"], str(t["achternaam"]), initials, str(t["birth"]), int(t["geslacht"])


def test_a_clean_copy_of_the_subject_is_matched_with_a_waterfall_that_adds_up(study) -> None:
    gcos_id, surname, initials, birth, sex = _target(study)
    rows = _plant(study, (surname, initials, birth, sex))
    result = link_source("bvh", study.subjects, rows, "bvh_id", study.linkage)
    hit = result.koppelingen[result.koppelingen["record_id"] == "P0"].iloc[0]
    assert (hit["gcos_id"], hit["besluit"], hit["regel"]) == (gcos_id, "match",
                                                              "fellegi_sunter")
    links = result.koppelingen
    assert np.allclose(links[list(WATERFALL_COLUMNS)].sum(axis=1), links["match_gewicht"],
                       atol=1e-3)
    histogram = result.histogram
    assert sum(histogram["aantallen"]) == result.blocking.n_pairs


def test_a_conflicting_known_initial_is_strong_evidence_against(study) -> None:
    result = link_source("bvh", study.subjects, study.rows, "bvh_id", study.linkage)
    initials = result.model["niveaus"]["voorletters"]
    assert initials["eerste_anders"]["gewicht"] < -5
    assert initials["later_anders"]["gewicht"] < -5
    assert initials["alle_gelijk"]["gewicht"] > initials["voorvoegsel"]["gewicht"] > 0


def test_a_twin_with_another_first_initial_on_several_rows_is_not_linked(study) -> None:
    _, surname, initials, birth, sex = _target(study)
    other = "W." if not initials.startswith("W") else "K."
    rows = _plant(study, *[(surname, other, birth, sex)] * 3)
    assert _outcome(study, rows, "P0")[2] in ("", "geen")


def test_a_near_namesake_with_another_second_initial_is_never_automatic(study) -> None:
    _, surname, initials, birth, sex = _target(study)
    second = "Q" if initials[2] != "Q" else "X"
    near = surname[:-1] + ("e" if surname[-1] != "e" else "a")
    rows = _plant(study, (near, initials[:2] + second + ".", birth, sex))
    assert _outcome(study, rows, "P0")[2] != "match"


def test_a_partner_name_goes_to_review_as_mogelijk_partnernaam(study) -> None:
    women = study.subjects[study.subjects["geslacht"].eq(1)
                           & study.subjects["initials"].map(len).ge(2)]
    woman = women.iloc[0]
    rows = _plant(study, ("Zwanenburg", "".join(f"{x}." for x in woman["initials"]),
                          str(woman["birth"]), 1))
    gcos_id, regel, besluit, reden = _outcome(study, rows, "P0")
    assert (gcos_id, regel, besluit, reden) == (woman["gcos_id"], "mogelijk_partnernaam",
                                                "review", "mogelijk partnernaam")


def test_a_row_without_birthdate_is_completed_from_the_matched_identity(study) -> None:
    gcos_id, surname, initials, _, sex = _target(study)
    rows = _plant(study, (surname, initials, "", sex), (surname, initials[:2], "", sex))
    result = link_source("bvh", study.subjects, rows, "bvh_id", study.linkage)
    links = result.koppelingen.set_index("record_id")
    assert links.loc[["P0", "P1"], "gcos_id"].tolist() == [gcos_id, gcos_id]
    assert links.loc[["P0", "P1"], "besluit"].tolist() == ["match", "match"]
    weak = links.loc["P1"]  # only the first initial: the name alone is too little
    if weak["match_gewicht"] < study.linkage.match_weight:
        assert weak["regel"] == "aanvulling_geboortedatum"


def test_a_row_without_birthdate_stays_unlinked_when_a_namesake_could_own_it(study) -> None:
    _, surname, initials, birth, sex = _target(study)
    other_year = str(int(birth[:4]) - 7) + ("0311" if birth[4:] != "0311" else "0922")
    rows = _plant(study, (surname, initials, "", sex), *[(surname, initials, other_year, sex)] * 2)
    assert _outcome(study, rows, "P0")[2] != "match"


def test_a_subject_without_initials_is_never_matched_automatically(study) -> None:
    no_initial = study.subjects[study.subjects["first"] == ""].iloc[0]
    rows = _plant(study, (str(no_initial["achternaam"]), "P.", str(no_initial["birth"]),
                          int(no_initial["geslacht"])))
    assert _outcome(study, rows, "P0")[1:3] == ("subject_zonder_voorletter", "review")
    linked = _outcome(study, rows, "P0",
                      dataclasses.replace(study.linkage, subject_without_initial="link"))
    assert linked[2] == "match"


def test_a_row_that_fits_two_subjects_equally_goes_to_review_for_both(study) -> None:
    _, surname, initials, birth, sex = _target(study)
    twin = pd.DataFrame([{**study.target.to_dict(), "gcos_id": "GTWIN"}])
    subjects = pd.concat([study.subjects, twin], ignore_index=True)
    rows = _plant(study, (surname, initials, birth, sex))
    result = link_source("bvh", subjects, rows, "bvh_id", study.linkage)
    hit = result.koppelingen[result.koppelingen["record_id"] == "P0"]
    assert len(hit) == 2 and hit["besluit"].eq("review").all()
    assert hit["regel"].str.startswith("ambigu_").all()


def test_agreeing_on_a_common_surname_weighs_less_than_on_a_rare_one(study) -> None:
    result = link_source("bvh", study.subjects, study.rows, "bvh_id", study.linkage)
    exact = result.koppelingen[result.koppelingen["niveau_achternaam"] == "gelijk"]
    assert exact["tf_achternaam"].astype(float).nunique() > 3  # it varies with the name
    assert exact["tf_achternaam"].astype(float).min() < 0 < exact["tf_achternaam"].max()


def test_an_empty_police_extract_links_nothing(study) -> None:
    result = link_source("bvh", study.subjects, study.rows.iloc[:0], "bvh_id", study.linkage)
    assert result.koppelingen.empty and not result.subjects["gevonden"].any()


def test_review_weight_above_match_weight_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="review_weight"):
        settings_from_mapping({"version": 1, "project": "p", "scope": {"kaders": ["Jeugd"]},
                               "linkage": {"match_weight": 3.0, "review_weight": 5.0}})


def test_levels_of_the_model_are_those_of_the_comparisons() -> None:
    assert SURNAME.null == "ontbreekt" and INITIALS.null == "ontbreekt"
    assert BIRTHDATE.levels[-1] == "ontbreekt"
    assert np.prod([len(c.levels) for c in COMPARISONS]) == N_PATTERNS
