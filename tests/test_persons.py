"""The police-person rules find the same pairs as their plain definition, a join.

:func:`vhh.linkage.link.persons.other_person_partial` once joined every candidate pair to
every rival of its subject and surname key (30 million rows at 5M BVH rows); it now looks
rivals up by key. The reference below is that join, written as the docstring says.
"""

from __future__ import annotations

from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vhh.linkage.link import persons
from vhh.linkage.link.levels import INITIALS, fields_of
from vhh.linkage.link.persons import other_person_partial
from vhh.linkage.normalise.identities import normalise_identities

_SURNAMES = ("Jansen", "de Vries", "Bakker", "Li")
_INITIALS = ("", "J.", "J.P.", "J.P.M.", "P.", "J.P.M.K.", "J.P.M.K.A.", "J.P.M.K.B.", "A.B.")
_BIRTHS = ("", "01-02-1980", "03-04-1981", "00-00-1980")


def _identities(rows: list[tuple[int, int, int]]) -> pd.DataFrame:
    frame = pd.DataFrame({
        "achternaam": [_SURNAMES[a] for a, _, _ in rows],
        "tussenvoegsel": "", "voornamen": "", "geslacht": 9,
        "voorletters": [_INITIALS[v] for _, v, _ in rows],
        "geboortedatum": [_BIRTHS[g] for _, _, g in rows]})
    frame["geboortedatum"] = frame["geboortedatum"].map(
        lambda d: "" if not d else d[6:] + d[3:5] + d[:2])
    return normalise_identities(frame)


def _reference(b, pairs: pd.DataFrame, rivals: pd.DataFrame) -> np.ndarray:  # type: ignore[no-untyped-def]
    hit = np.zeros(len(pairs), dtype=bool)
    less = np.flatnonzero(pairs["niveau_voorletters"].isin(("voorvoegsel", "ontbreekt"))
                          | (pairs["niveau_geboortedatum"] == "ontbreekt"))
    cand = pd.DataFrame({"row": less, "s": pairs["s"].to_numpy()[less],
                         "i": pairs["i"].to_numpy()[less]})
    cand["kern"] = b.surname.kern[cand["i"].to_numpy()]
    riv = pd.DataFrame({"s": rivals["s"].to_numpy(), "j": rivals["i"].to_numpy()})
    riv["kern"] = b.surname.kern[riv["j"].to_numpy()]
    joined = cand.merge(riv, on=["s", "kern"])
    joined = joined[joined["i"] != joined["j"]]
    for row, i, j in joined[["row", "i", "j"]].itertuples(index=False):
        n = min(b.n_initials[i], b.initials.shape[1])
        begins = (list(b.initials[i, :n]) == list(b.initials[j, :n])
                  and b.n_initials[i] <= b.n_initials[j])
        birth = b.birth_key[i] == b.birth_key[j] or b.birth.missing[i]
        hit[row] |= bool(begins and birth)
    return hit


_IDENTITIES = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 8), st.integers(0, 3)),
                       min_size=1, max_size=14)
_PAIRS = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 13), st.booleans(), st.booleans()),
                  max_size=40)


@pytest.mark.parametrize("chunk", [None, 3])  # as shipped, and the rivals in many chunks
@settings(max_examples=60, deadline=None)
@given(_IDENTITIES, _PAIRS)
def test_rivals_looked_up_by_key_equal_the_join(chunk, identities, pairs) -> None:  # type: ignore[no-untyped-def]
    if chunk is None:
        _rivals_equal_the_join(identities, pairs)
        return
    with mock.patch.object(persons, "_RIVAL_CHUNK", chunk):
        _rivals_equal_the_join(identities, pairs)


def _rivals_equal_the_join(identities, pairs) -> None:  # type: ignore[no-untyped-def]
    ids = _identities(identities)
    _, b = fields_of(ids.iloc[:1], ids)
    seen = {(s, i % len(ids)): (less, rival) for s, i, less, rival in pairs}
    frame = pd.DataFrame([(s, i) for s, i in seen], columns=["s", "i"])
    if frame.empty:
        frame = pd.DataFrame({"s": [0], "i": [0]})
        seen = {(0, 0): (True, True)}
    flags = [seen[(s, i)] for s, i in frame.itertuples(index=False)]
    frame["niveau_voorletters"] = ["voorvoegsel" if less else INITIALS.levels[0]
                                   for less, _ in flags]
    frame["niveau_geboortedatum"] = "gelijk"
    rivals = frame[[rival for _, rival in flags]].loc[:, ["s", "i"]]
    assert (other_person_partial(b, frame, rivals) == _reference(b, frame, rivals)).all()


def test_a_rival_written_with_fewer_initials_and_no_birthdate_is_found() -> None:
    ids = _identities([(0, 3, 1), (0, 1, 0), (0, 3, 1), (1, 1, 0)])
    _, b = fields_of(ids.iloc[:1], ids)
    pairs = pd.DataFrame({"s": [0, 0, 0, 0], "i": [0, 1, 2, 3],
                          "niveau_voorletters": ["alle_gelijk", "voorvoegsel", "alle_gelijk",
                                                 "voorvoegsel"],
                          "niveau_geboortedatum": ["gelijk", "ontbreekt", "gelijk", "ontbreekt"]})
    rivals = pairs.loc[[0], ["s", "i"]]
    # identity 1 (J. Jansen, no birthdate) may be rival 0 (J.P.M. Jansen) written with less;
    # identity 3 has another surname, and rival 0 is no rival of itself
    assert other_person_partial(b, pairs, rivals).tolist() == [False, True, False, False]
