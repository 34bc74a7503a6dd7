"""Specification of vhh.linkage.normalise.phonetic: Dutch spelling variants share a key, other
names do not.

Variant groups are common Dutch surnames used as spelling examples, or invented.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vhh.linkage.normalise.names import parse_surname
from vhh.linkage.normalise.phonetic import RULES, dutch_phonetic

SAME_KEY = [
    pytest.param(("Meijer", "Meyer", "Meier"), id="eij-ey-ei"),
    pytest.param(("Bruijn", "Bruyn", "Bruin"), id="uij-uy-ui"),
    pytest.param(("Kuijpers", "Kuypers", "Kuipers"), id="kuipers"),
    pytest.param(("Huijsman", "Huysman", "Huisman"), id="huisman"),
    pytest.param(("Gruijl", "Gruyl"), id="gruijl"),
    pytest.param(("Reijnders", "Reynders", "Reinders"), id="reinders"),
    pytest.param(("Thijssen", "Tijssen", "Thyssen"), id="ij-y-th"),
    pytest.param(("Janssen", "Jansen"), id="double-s"),
    pytest.param(("Goossens", "Gosens"), id="double-o-and-s"),
    pytest.param(("Smit", "Smid", "Smidt", "Smith"), id="final-d-dt-th"),
    pytest.param(("Schouten", "Schauten"), id="ou-au"),
    pytest.param(("Nouwen", "Nauwen", "Nouen"), id="ouw-auw-ou"),
    pytest.param(("Hendriks", "Hendrikx", "Hendricks", "Hendrix"), id="ks-x-ck"),
    pytest.param(("Philips", "Filips"), id="ph-f"),
    pytest.param(("Claassen", "Klaasen", "Claessen"), id="c-k-ae"),
    pytest.param(("Lucassen", "Lukassen"), id="c-before-a"),
    pytest.param(("Ceelen", "Seelen"), id="c-before-e"),
    pytest.param(("Quint", "Kwint"), id="qu-kw"),
    pytest.param(("Qasim", "Kasim"), id="q-k"),
    pytest.param(("Zwart", "Swart"), id="z-s"),
    pytest.param(("Gerritzen", "Gerritsen"), id="tz-ts"),
    pytest.param(("Bakker", "Backer", "Baker"), id="kk-ck"),
    pytest.param(("Dekker", "Decker"), id="dekker"),
    pytest.param(("Visser", "Fisser", "Visscher"), id="v-f-sch"),
    pytest.param(("Bosch", "Bos"), id="final-sch"),
    pytest.param(("Schmidt", "Smit"), id="initial-sch"),
    pytest.param(("Jongh", "Jong"), id="h-after-consonant"),
    pytest.param(("Tichelaar", "Tigelaar"), id="ch-g"),
    pytest.param(("Nieuwenhuis", "Nieuwenhuys"), id="nieuwenhuis"),
]

DIFFERENT_KEY = [
    pytest.param("Mulder", "Molder", id="u-o"),
    pytest.param("Bos", "Vos", id="b-v"),
    pytest.param("Jansen", "Janssens", id="final-s"),
    pytest.param("Smit", "Smits", id="smits"),
    pytest.param("Bijl", "Buil", id="ij-ui"),
    pytest.param("Pieters", "Peters", id="ie-e"),
    pytest.param("Pieters", "Piters", id="ie-i"),
    pytest.param("Dijk", "Dik", id="ij-i"),
    pytest.param("Meijer", "Mier", id="ei-i"),
    pytest.param("Visser", "Wisser", id="v-w"),
]


@pytest.mark.parametrize("variants", SAME_KEY)
def test_dutch_spelling_variants_share_one_key(variants: tuple[str, ...]) -> None:
    keys = {dutch_phonetic(name.lower()) for name in variants}
    assert len(keys) == 1, keys


@pytest.mark.parametrize(("a", "b"), DIFFERENT_KEY)
def test_names_that_sound_different_keep_different_keys(a: str, b: str) -> None:
    assert dutch_phonetic(a.lower()) != dutch_phonetic(b.lower())


@pytest.mark.parametrize(
    ("core", "key"),
    [("meijer", "meier"), ("hendrikx", "hendriks"), ("visser", "fiser"), ("bosch", "bos"),
     ("schouten", "souten"), ("claassen", "klasen")],
)
def test_keys_are_readable_spellings(core: str, key: str) -> None:
    assert dutch_phonetic(core) == key


def test_keys_of_prefix_free_cores_ignore_the_prefix() -> None:
    a, b = parse_surname("de Gruijl"), parse_surname("Gruyl")
    assert dutch_phonetic(a.core) == dutch_phonetic(b.core) == "gruil"


def test_input_is_normalised_first() -> None:
    assert dutch_phonetic("MEIJER") == dutch_phonetic("meijer")
    assert dutch_phonetic("Meÿer") == dutch_phonetic("meyer")
    assert dutch_phonetic("  meyer ") == "meier"


def test_each_word_is_coded_separately() -> None:
    assert dutch_phonetic("jansen de vries") == "jansen de fries"
    assert dutch_phonetic("jansen-vries") == "jansen fries"
    assert dutch_phonetic("smid bosch") == "smit bos"  # end-of-word rules hold per word


@pytest.mark.parametrize("empty", ["", " ", "...", "-"])
def test_empty_input_gives_empty_key(empty: str) -> None:
    assert dutch_phonetic(empty) == ""


def test_rules_are_an_immutable_table_of_compiled_patterns() -> None:
    assert isinstance(RULES, tuple)
    assert all(isinstance(p, re.Pattern) and isinstance(r, str) for p, r in RULES)


@settings(max_examples=200)
@given(st.text(max_size=20))
def test_key_is_deterministic_and_never_raises(text: str) -> None:
    key = dutch_phonetic(text)
    assert key == dutch_phonetic(text)
    assert key == key.strip() and "  " not in key


@settings(max_examples=200)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12))
def test_key_never_contains_letters_the_rules_fold_away(core: str) -> None:
    key = dutch_phonetic(core)
    assert not set(key) & set("cqvxyz")
    assert re.search(r"(.)\1", key) is None
