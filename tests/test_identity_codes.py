"""The normalised identity columns worked on through their codes
(:mod:`vhh.linkage.normalise.identity_codes`) give exactly what the plain pandas steps give
on the column itself: the same codes and distinct values in the same order, the same
transformed values and the same exploded rows, on a whole frame of identities or any
selection of its rows, and on a frame whose column no longer follows its codes."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from vhh.linkage.normalise.distinct import per_distinct
from vhh.linkage.normalise.identities import normalise_identities
from vhh.linkage.normalise.identity_codes import (
    CODE_OF,
    SURNAME_CODE,
    exploded,
    factorized,
    transformed,
    value_codes,
)

_SURNAMES = ["Jansen", "de Vries", "Jansen-de Vries", "van der Berg", "'t Hoen", "Kuijc van Malsen",
             "Öztürk", "Berg", "", "Dijk, van", "Hoen"]
_TUSSEN = ["", "van", "van der", "de", "'t"]
_INITIALS = ["J.", "JPM", "j.p.", "IJ", "", "A B", "Th."]
_DATES = ["1980-01-02", "1980-02-01", "", "1975-00-00", "2001-12-31"]


@st.composite
def _identities(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(1, 40))
    pick = st.integers(0, 10)
    rows = [(_SURNAMES[draw(pick) % len(_SURNAMES)], _TUSSEN[draw(pick) % len(_TUSSEN)],
             _INITIALS[draw(pick) % len(_INITIALS)], _DATES[draw(pick) % len(_DATES)])
            for _ in range(n)]
    frame = pd.DataFrame(rows, columns=["achternaam", "tussenvoegsel", "voorletters",
                                        "geboortedatum"])
    frame["geslacht"] = "9"
    frame["voornamen"] = ""
    return frame


def _rows(draw: st.DrawFn, n: int) -> np.ndarray:
    return np.asarray(draw(st.lists(st.integers(0, n - 1), max_size=2 * n)), dtype=np.intp)


_TEXT_COLUMNS = ("prefix", "core", "kern", "first", "birth")


@settings(max_examples=60, deadline=None)
@given(_identities(), st.data())
def test_coded_steps_equal_the_plain_ones_on_any_selection_of_identities(
        frame: pd.DataFrame, data: st.DataObject) -> None:
    whole = normalise_identities(frame)
    picked = whole.iloc[_rows(data.draw, len(whole))].reset_index(drop=True)
    for f in (whole, picked):
        for column in CODE_OF:
            codes, uniques = factorized(f, column)
            plain_codes, plain_uniques = pd.factorize(f[column], use_na_sentinel=False)
            assert codes.tolist() == plain_codes.tolist()
            assert list(uniques) == list(plain_uniques)
        for column in _TEXT_COLUMNS:
            codes, uniques = factorized(f, column, as_text=True)
            plain_codes, plain_uniques = pd.factorize(f[column].astype(str),
                                                      use_na_sentinel=False)
            assert codes.tolist() == plain_codes.tolist()
            assert list(uniques) == list(plain_uniques)
            got = transformed(f, column, lambda u: u.map(lambda x: x[:3]), as_text=True)
            want = per_distinct(f[column].astype(str), lambda u: u.map(lambda x: x[:3]))
            pd.testing.assert_series_equal(got, want)
            held = transformed(f, column, lambda u: u.map(lambda x: x[:3]), as_text=True,
                               held=True)
            assert held.index.equals(want.index) and held.tolist() == want.tolist()
            vocabulary = pd.Index(pd.unique(want.to_numpy()[::2]))
            assert value_codes(held, vocabulary).tolist() == vocabulary.get_indexer(
                want.to_numpy()).tolist()
        for column in ("parts", "phonetic", "components"):
            plain = f[column].explode().fillna("")
            pd.testing.assert_series_equal(exploded(f, column), plain)
            held = exploded(f, column, held=True)
            assert held.index.equals(plain.index) and held.tolist() == plain.tolist()
            vocabulary = pd.Index(pd.unique(plain.to_numpy()[1::2]))
            assert value_codes(held, vocabulary).tolist() == vocabulary.get_indexer(
                plain.to_numpy()).tolist()


def test_a_column_that_no_longer_follows_its_codes_takes_the_plain_path() -> None:
    frame = normalise_identities(pd.DataFrame({
        "achternaam": ["Jansen", "Jansen", "Vries"], "tussenvoegsel": ["", "", "de"],
        "voorletters": ["J.", "J.", "P."], "geboortedatum": ["1980-01-02"] * 3,
        "geslacht": ["1"] * 3, "voornamen": [""] * 3}))
    assert frame[SURNAME_CODE].tolist() == [0, 0, 1]  # the two Jansens share a code
    frame["kern"] = ["jansen", "smit", "vries"]  # assigned to: the codes no longer hold
    codes, uniques = factorized(frame, "kern")
    assert codes.tolist() == [0, 1, 2] and list(uniques) == ["jansen", "smit", "vries"]
    assert exploded(frame.assign(parts=[("a",), ("b", "c"), ()]), "parts").tolist() == [
        "a", "b", "c", ""]


def test_a_frame_without_codes_is_worked_on_as_it_is() -> None:
    frame = pd.DataFrame({"kern": ["b", "a", "b"], "parts": [("b",), (), ("b", "x")]})
    codes, uniques = factorized(frame, "kern")
    assert codes.tolist() == [0, 1, 0] and list(uniques) == ["b", "a"]
    assert exploded(frame, "parts").index.tolist() == [0, 1, 2, 2]
