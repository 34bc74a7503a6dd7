"""Specification of vhh.linkage.privacy.pseudonyms: keyed, versioned, project-bound pseudonyms.

Every gcos_id here is invented; keys are fixed test patterns or drawn by hypothesis.
"""

from __future__ import annotations

import re

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from vhh.linkage.privacy.keys import MasterKey
from vhh.linkage.privacy.pseudonyms import PSEUDONYM_VERSION, pseudonym, pseudonymise

FORMAT = re.compile(r"^v1:[a-z2-7]{32}$")
KEY_A = bytes(range(32))
KEY_B = bytes(range(100, 132))

keys = st.binary(min_size=32, max_size=32)
gcos_ids = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=20,
).filter(lambda s: s.strip() != "")
projects = st.text(min_size=1, max_size=30)


@given(key=keys, gcos_id=gcos_ids)
def test_pseudonym_is_stable_under_one_key(key: bytes, gcos_id: str) -> None:
    assert pseudonym(key, gcos_id) == pseudonym(bytes(key), str(gcos_id))


@given(key=keys, other=keys, gcos_id=gcos_ids)
def test_pseudonym_differs_under_another_key(key: bytes, other: bytes, gcos_id: str) -> None:
    if key != other:
        assert pseudonym(key, gcos_id) != pseudonym(other, gcos_id)


@given(key=keys, gcos_id=gcos_ids)
def test_pseudonym_has_the_versioned_base32_format(key: bytes, gcos_id: str) -> None:
    value = pseudonym(key, gcos_id)
    assert FORMAT.match(value)
    assert value.startswith(PSEUDONYM_VERSION + ":")


@given(key=keys, gcos_id=gcos_ids)
def test_pseudonym_does_not_contain_the_gcos_id(key: bytes, gcos_id: str) -> None:
    if len(gcos_id.strip()) >= 8:  # shorter ones could turn up in 32 random characters
        assert gcos_id.strip().lower() not in pseudonym(key, gcos_id)


@given(key=keys, gcos_id=gcos_ids, left=st.sampled_from(["", " ", "  ", "\t"]),
       right=st.sampled_from(["", " ", "\n", " \t"]))
def test_canonical_id_strips_surrounding_whitespace(key: bytes, gcos_id: str, left: str,
                                                    right: str) -> None:
    assert pseudonym(key, left + gcos_id + right) == pseudonym(key, gcos_id.strip())


@given(key=keys, a=gcos_ids, b=gcos_ids)
def test_different_ids_get_different_pseudonyms(key: bytes, a: str, b: str) -> None:
    if a.strip() != b.strip():
        assert pseudonym(key, a) != pseudonym(key, b)


def test_no_collisions_over_five_thousand_ids() -> None:
    ids = [f"G{n:06d}" for n in range(5000)]
    values = {pseudonym(KEY_A, g) for g in ids}
    assert len(values) == len(ids)


def test_pseudonyms_under_another_key_are_unrelated() -> None:
    ids = [f"G{n:06d}" for n in range(2000)]
    under_a = {pseudonym(KEY_A, g) for g in ids}
    under_b = {pseudonym(KEY_B, g) for g in ids}
    assert under_a.isdisjoint(under_b)


# --------------------------------------------------------------------------------------------
# pseudonymise: the column the pipeline uses, bound to master key and project
# --------------------------------------------------------------------------------------------


@settings(max_examples=50)
@given(gcos_id=gcos_ids, project=projects)
def test_pseudonymise_is_stable_for_one_master_key_and_project(gcos_id: str,
                                                               project: str) -> None:
    ids = pd.Series([gcos_id])
    first = pseudonymise(ids, MasterKey(KEY_A), project)
    again = pseudonymise(ids, MasterKey(KEY_A), project)
    assert first.tolist() == again.tolist()


@settings(max_examples=50)
@given(gcos_id=gcos_ids, project=projects, other=projects)
def test_pseudonym_differs_under_another_project(gcos_id: str, project: str,
                                                 other: str) -> None:
    if project != other:
        ids = pd.Series([gcos_id])
        assert (pseudonymise(ids, MasterKey(KEY_A), project).iloc[0]
                != pseudonymise(ids, MasterKey(KEY_A), other).iloc[0])


@settings(max_examples=50)
@given(gcos_id=gcos_ids, project=projects)
def test_pseudonymise_differs_under_another_master_key(gcos_id: str, project: str) -> None:
    ids = pd.Series([gcos_id])
    assert (pseudonymise(ids, MasterKey(KEY_A), project).iloc[0]
            != pseudonymise(ids, MasterKey(KEY_B), project).iloc[0])


def test_pseudonymise_is_not_the_plain_hmac_under_the_master_key() -> None:
    """The pseudonym key is derived per project: the master key itself is never used."""
    ids = pd.Series(["G000001"])
    assert pseudonymise(ids, MasterKey(KEY_A), "p").iloc[0] != pseudonym(KEY_A, "G000001")


def test_pseudonymise_keeps_the_index_and_the_format() -> None:
    ids = pd.Series(["G000003", "G000001", " G000002 "], index=[7, 3, 5])
    out = pseudonymise(ids, MasterKey(KEY_A), "vhh-evaluatie-test")
    assert out.index.tolist() == [7, 3, 5]
    assert all(FORMAT.match(v) for v in out)
    assert out.nunique() == 3


def test_pseudonymise_project_names_are_told_apart_exactly() -> None:
    ids = pd.Series(["G000001"])
    names = ["vhh", "vhh ", "VHH", "vhh-2013", "vhh-2014"]
    values = {pseudonymise(ids, MasterKey(KEY_A), n).iloc[0] for n in names}
    assert len(values) == len(names)
