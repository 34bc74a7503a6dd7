"""The lean steps of :mod:`vhh.linkage.link.fellegi_sunter` equal their plain definitions.

The engine once spread every candidate pair's levels, supports and int64 positions over
whole arrays, and handed every conflicting pair (most of tens of millions) to
:func:`vhh.linkage.link.persons.other_person_partial`. It now works from the pattern
codes batch by batch and hands over only the rivals that can matter. The references
below are the plain versions, on inputs with many batches (a batch of a few pairs); the
surname levels, now found once per distinct pair of surnames, against the pair-by-pair
computation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vhh.linkage.link import fellegi_sunter as fs
from vhh.linkage.link import fs_decide
from vhh.linkage.link.fs_decide import identity_term
from vhh.linkage.link.levels import BIRTHDATE, INITIALS, N_PATTERNS, fields_of, pattern_levels
from vhh.linkage.link.persons import (
    MIN_SUPPORT,
    conflicting,
    other_person_partial,
    supported_conflict,
)
from vhh.linkage.link.surname_levels import _levels_of, surname_levels
from vhh.linkage.normalise.identities import normalise_identities

_SURNAMES = ("Jansen", "de Vries", "Bakker")
_INITIALS = ("", "J.", "J.P.", "J.P.M.", "P.", "A.B.")
_BIRTHS = ("", "19800102", "19810304", "19800000")
_PAIRS = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 11), st.integers(0, N_PATTERNS - 1),
                            st.booleans()), min_size=1, max_size=60)


@pytest.fixture(autouse=True)
def _small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fs, "BATCH_PAIRS", 7)
    monkeypatch.setattr(fs_decide, "_BATCH", 5)


def _identities(rows: list[tuple[int, int, int]]) -> pd.DataFrame:
    return normalise_identities(pd.DataFrame({
        "achternaam": [_SURNAMES[a] for a, _, _ in rows], "tussenvoegsel": "",
        "voornamen": "", "geslacht": 9, "voorletters": [_INITIALS[v] for _, v, _ in rows],
        "geboortedatum": [_BIRTHS[g] for _, _, g in rows]}))


_IDS = _identities([(a, v, g) for a in range(3) for v in (0, 1, 3, 5) for g in (0, 1)])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, N_PATTERNS - 1), st.integers(0, 9)), max_size=40),
       st.lists(st.integers(0, 4), min_size=10, max_size=10))
def test_other_person_from_pattern_codes_is_the_supported_conflict(pairs, rows) -> None:  # type: ignore[no-untyped-def]
    codes = np.array([c for c, _ in pairs], dtype=np.uint16)
    i = np.array([k for _, k in pairs], dtype=np.int32)
    backing = np.array(rows, dtype=np.int64)
    lv = pattern_levels(codes)
    plain = supported_conflict(lv[1], lv[2], i, backing)
    assert fs._other_person(codes, i, backing >= MIN_SUPPORT).tolist() == plain.tolist()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([-np.inf, -30.0, -1.5, 0.0, 0.1, 3.0, 25.0, 300.0]),
                          st.integers(0, 5)), min_size=0, max_size=40),
       st.sampled_from([0.0, 0.3, 0.99]))
def test_identity_terms_in_batches_are_the_whole_array_terms(pairs, share) -> None:  # type: ignore[no-untyped-def]
    w = np.array([x for x, _ in pairs], dtype=np.float64)
    i = np.array([k for _, k in pairs], dtype=np.int32)
    totals = np.zeros(6)
    np.add.at(totals, i, np.exp2(np.minimum(w, 200.0)))  # the plain sum, all at once
    assert fs_decide.identity_totals(w, i, 6).tobytes() == totals.tobytes()
    # the engine adds them batch by batch into one array (fs.BATCH_PAIRS = 7 here)
    parts = np.zeros(6)
    for part in fs._batches(len(w)):
        fs_decide.identity_totals(w[part], i[part], 6, out=parts)
    assert parts.tobytes() == totals.tobytes()
    plain = identity_term(w, i, totals, share)
    batched = np.concatenate([identity_term(w[p], i[p], parts, share)
                              for p in fs._batches(len(w))])
    assert batched.tobytes() == np.asarray(plain).tobytes()


@settings(max_examples=80, deadline=None)
@given(_PAIRS)
def test_the_rivals_handed_over_find_what_all_conflicting_pairs_find(pairs) -> None:  # type: ignore[no-untyped-def]
    _, b = fields_of(_IDS.iloc[:4], _IDS)
    seen = {(s, i % len(_IDS)): (c, d) for s, i, c, d in pairs}
    s = np.array([s for s, _ in seen], dtype=np.int32)
    i = np.array([i for _, i in seen], dtype=np.int32)
    codes = np.array([c for c, _ in seen.values()], dtype=np.uint16)
    lv = pattern_levels(codes)
    decided = pd.DataFrame({"s": s.astype(np.int64), "i": i.astype(np.int64),
                            "niveau_voorletters": np.asarray(INITIALS.levels, object)[lv[1]],
                            "niveau_geboortedatum": np.asarray(BIRTHDATE.levels, object)[lv[2]]}
                           )[[d for _, d in seen.values()]].reset_index(drop=True)
    every = conflicting(lv[1], lv[2])
    plain = pd.DataFrame({"s": s[every], "i": i[every]})
    lean = fs._rivals(b, codes, s, i, decided)
    assert set(zip(lean["s"], lean["i"], strict=True)) <= set(zip(plain["s"], plain["i"],
                                                                  strict=True))
    assert (other_person_partial(b, decided, lean).tolist()
            == other_person_partial(b, decided, plain).tolist())


_SPELLINGS = ("Jansen", "Janssen", "de Vries", "Vries", "Jansen-de Vries", "de Vries-Jansen",
              "van der Berg", "Berg", "Meijer", "Meyer", "Wel", "Wyl", "", "Li", "Jansen Bakker")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, len(_SPELLINGS) - 1), min_size=1, max_size=12),
       st.lists(st.integers(0, len(_SPELLINGS) - 1), min_size=1, max_size=12),
       st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11)), max_size=50))
def test_surname_levels_once_per_distinct_pair_of_surnames_are_those_pair_by_pair(
        left, right, pairs) -> None:  # type: ignore[no-untyped-def]
    frames = [normalise_identities(pd.DataFrame({
        "achternaam": [_SPELLINGS[k] for k in side], "tussenvoegsel": "", "voornamen": "",
        "geslacht": 9, "voorletters": "J.", "geboortedatum": "19800102"}))
        for side in (left, right)]
    a, b = fields_of(*frames)
    s = np.array([x % len(left) for x, _ in pairs], dtype=np.int64)
    i = np.array([y % len(right) for _, y in pairs], dtype=np.int64)
    assert (surname_levels(a.surname, b.surname, s, i).tolist()
            == _levels_of(a.surname, b.surname, a.surname.distinct[s],
                          b.surname.distinct[i]).tolist())
    # each identity's distinct surname is its spelling: equal spellings, one position
    for side, f in zip((left, right), (a, b), strict=True):
        assert len(set(f.surname.distinct.tolist())) == len(set(side))
        assert ([f.surname.distinct[x] == f.surname.distinct[y] for x in range(len(side))
                 for y in range(len(side))]
                == [side[x] == side[y] for x in range(len(side)) for y in range(len(side))])
