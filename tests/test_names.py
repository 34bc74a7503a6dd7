"""Specification of vhh.linkage.normalise.names: free text, surnames with tussenvoegsels, and
initials.

All names here are invented or are common Dutch surnames used as spelling examples.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vhh.linkage.normalise.names import (
    TUSSENVOEGSELS,
    ParsedSurname,
    first_initial,
    initials_compatible,
    normalise_text,
    parse_initials,
    parse_surname,
    surname_similarity,
)


def surname_components_match(a: ParsedSurname, b: ParsedSurname) -> bool:
    """The specification of a partner or double name: some component of a is one of b's
    (a married woman may appear under her own name, her partner's, or both in any order)."""
    return not set(a.components).isdisjoint(b.components)


def initials_string(initials: tuple[str, ...]) -> str:
    """Dotted form: ("J", "P", "M") -> "J.P.M."; () -> "" (read back by parse_initials)."""
    return "".join(f"{initial}." for initial in initials)

MISSING_VALUES = [None, float("nan"), np.nan, pd.NA, ""]
APOSTROPHES = ["'", "’", "`", "´"]

# Name-like text: prefix words, core words and separators, so that properties meet the
# interesting cases far more often than arbitrary text would.
prefix_words = st.sampled_from(
    ["van", "Van", "der", "de", "den", "v.d.", "vd", "v/d", "'t", "’t", "ter", "in", "op",
     "d'", "la", "von", "v.", "het"]
)
core_words = st.sampled_from(
    ["Berg", "Vries", "Jansen", "Hart", "B", "Öztürk", "Çelik", "Van", "De", "Ĳssel", "Groß"]
) | st.text(alphabet="abcdeijtvyzÀéëß.' ", min_size=1, max_size=6)
name_parts = st.lists(prefix_words | core_words, min_size=0, max_size=4).map(" ".join)
separators = st.sampled_from(["-", " - ", "–", ", ", " "])
name_like = st.builds(
    lambda parts, seps: "".join(p + s for p, s in zip(parts, seps, strict=False)),
    st.lists(name_parts, min_size=1, max_size=3),
    st.lists(separators, min_size=3, max_size=3),
)
any_surname = name_like | st.text(max_size=20)
any_prefix = st.none() | prefix_words | st.text(max_size=8)


def parts(parsed: ParsedSurname) -> tuple[str, str, tuple[str, ...]]:
    return parsed.prefix, parsed.core, parsed.components


# --------------------------------------------------------------------------------------------
# normalise_text
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Jansen  ", "jansen"),
        ("VAN DER BERG", "van der berg"),
        ("Brüggemann", "bruggemann"),
        ("Çelik", "celik"),
        ("Öztürk", "ozturk"),
        ("Noëlle Hélène", "noelle helene"),
        ("Chloë Zoë", "chloe zoe"),
        ("Ïsa", "isa"),
    ],
)
def test_normalise_text_lowercases_and_strips_diacritics(raw: str, expected: str) -> None:
    assert normalise_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Groß", "gross"), ("Søren", "soren"), ("Ærts", "aerts"), ("ĳssel", "ijssel"),
     ("Ĳzerman", "ijzerman")],
)
def test_normalise_text_transliterates_letters_unicode_does_not_decompose(
    raw: str, expected: str
) -> None:
    assert normalise_text(raw) == expected


@pytest.mark.parametrize("apostrophe", APOSTROPHES)
def test_normalise_text_drops_every_apostrophe_variant(apostrophe: str) -> None:
    assert normalise_text(f"{apostrophe}t Hart") == "t hart"
    assert normalise_text(f"O{apostrophe}Neill") == "oneill"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Jansen-de Vries", "jansen de vries"), ("v.d. Berg", "v d berg"), ("v/d Berg", "v d berg"),
     ("Berg,  van der", "berg van der"), ("a\t\nb", "a b"), ("(Smit)", "smit")],
)
def test_normalise_text_turns_other_punctuation_into_single_spaces(raw: str, expected: str) -> None:
    assert normalise_text(raw) == expected


@pytest.mark.parametrize("missing", MISSING_VALUES)
def test_normalise_text_gives_empty_string_for_missing_values(missing: object) -> None:
    assert normalise_text(missing) == ""  # type: ignore[arg-type]


@pytest.mark.parametrize("junk", ["...", "-", " , ", "''", "’"])
def test_normalise_text_of_punctuation_only_is_empty(junk: str) -> None:
    assert normalise_text(junk) == ""


@settings(max_examples=200)
@given(st.text())
def test_normalise_text_is_idempotent(text: str) -> None:
    once = normalise_text(text)
    assert normalise_text(once) == once


@settings(max_examples=200)
@given(st.text())
def test_normalise_text_output_is_lowercase_words_separated_by_single_spaces(text: str) -> None:
    out = normalise_text(text)
    assert out == out.strip()
    assert "  " not in out
    assert all(word.isalnum() and word == word.casefold() for word in out.split(" ") if out)


# --------------------------------------------------------------------------------------------
# parse_surname: prefixes
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("achternaam", "tussenvoegsel"),
    [
        ("van der Berg", None),
        ("Berg, van der", None),
        ("Berg van der", None),
        ("v.d. Berg", None),
        ("vd Berg", None),
        ("v/d Berg", None),
        ("Van Der Berg", None),
        ("VAN DER BERG", None),
        ("berg", "van der"),
        ("Berg", "v.d."),
        ("Berg", "V.D."),
        ("Berg", "vd"),
        ("van der Berg", "van der"),
        ("Berg, v.d.", None),
    ],
)
def test_every_notation_of_van_der_berg_gives_prefix_van_der_and_core_berg(
    achternaam: str, tussenvoegsel: str | None
) -> None:
    assert parts(parse_surname(achternaam, tussenvoegsel)) == ("van der", "berg", ("berg",))


@pytest.mark.parametrize("apostrophe", APOSTROPHES)
def test_t_hart_has_canonical_prefix_t_whatever_the_apostrophe(apostrophe: str) -> None:
    assert parts(parse_surname(f"{apostrophe}t Hart")) == ("t", "hart", ("hart",))
    assert parts(parse_surname("Hart", f"{apostrophe}t")) == ("t", "hart", ("hart",))


@pytest.mark.parametrize(
    ("achternaam", "prefix", "core"),
    [
        ("ter Horst", "ter", "horst"),
        ("de Vries", "de", "vries"),
        ("Den Hartog", "den", "hartog"),
        ("ten Cate", "ten", "cate"),
        ("van 't Hof", "van t", "hof"),
        ("in ’t Veld", "in t", "veld"),
        ("op den Kamp", "op den", "kamp"),
        ("uit de Bosch", "uit de", "bosch"),
        ("van het Kaar", "van het", "kaar"),
        ("d'Ancona", "d", "ancona"),
        ("D’Arco", "d", "arco"),
        ("l'Amie", "l", "amie"),
        ("de la Rosa", "de la", "rosa"),
        ("Da Silva", "da", "silva"),
        ("von der Heide", "von der", "heide"),
        ("v. Dam", "van", "dam"),
        ("Dam", "", "dam"),
    ],
)
def test_recognised_prefixes_are_split_from_the_core(
    achternaam: str, prefix: str, core: str
) -> None:
    parsed = parse_surname(achternaam)
    assert (parsed.prefix, parsed.core) == (prefix, core)


@pytest.mark.parametrize(
    ("achternaam", "core"),
    [("Çelik", "celik"), ("Öztürk", "ozturk"), ("Brüggemann", "bruggemann"), ("Groß", "gross")],
)
def test_surname_cores_carry_no_diacritics(achternaam: str, core: str) -> None:
    assert parts(parse_surname(achternaam)) == ("", core, (core,))


def test_diacritics_and_double_surname_together() -> None:
    assert parts(parse_surname("de Wit-Bösch")) == ("de", "wit-bosch", ("wit", "bosch"))


# --------------------------------------------------------------------------------------------
# parse_surname: double surnames
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("achternaam", "expected"),
    [
        ("Jansen-de Vries", ("", "jansen-vries", ("jansen", "vries"))),
        ("Jansen - de Vries", ("", "jansen-vries", ("jansen", "vries"))),
        ("Jansen – de Vries", ("", "jansen-vries", ("jansen", "vries"))),
        ("de Vries-Jansen", ("de", "vries-jansen", ("vries", "jansen"))),
        ("Vries-Jansen, de", ("de", "vries-jansen", ("vries", "jansen"))),
        ("de Wit-Bosch", ("de", "wit-bosch", ("wit", "bosch"))),
        ("van Dam-van der Berg", ("van", "dam-berg", ("dam", "berg"))),
    ],
)
def test_hyphen_splits_a_double_surname_into_prefix_free_components(
    achternaam: str, expected: tuple[str, str, tuple[str, ...]]
) -> None:
    assert parts(parse_surname(achternaam)) == expected


def test_a_space_never_splits_a_double_surname() -> None:
    assert parts(parse_surname("Jansen de Vries")) == ("", "jansen de vries", ("jansen de vries",))


def test_core_is_the_components_joined_by_a_hyphen_in_the_original_order() -> None:
    assert parse_surname("Vries-Jansen").core == "vries-jansen"
    assert parse_surname("Jansen-Vries").core == "jansen-vries"


# --------------------------------------------------------------------------------------------
# parse_surname: edge cases
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("achternaam", ["Van", "De", "VAN", "’T"])
def test_a_surname_that_is_only_a_prefix_word_is_kept_as_the_core(achternaam: str) -> None:
    parsed = parse_surname(achternaam)
    assert parsed.core == normalise_text(achternaam)
    assert parsed.components == (parsed.core,)
    assert parsed.prefix == ""


def test_a_surname_made_only_of_prefix_words_keeps_its_last_word_as_the_core() -> None:
    assert parts(parse_surname("Van der")) == ("van", "der", ("der",))
    assert parts(parse_surname("De", "van")) == ("van", "de", ("de",))


@pytest.mark.parametrize("achternaam", ["B", "b.", " B "])
def test_a_one_letter_surname_is_kept(achternaam: str) -> None:
    assert parts(parse_surname(achternaam)) == ("", "b", ("b",))


@pytest.mark.parametrize("achternaam", [*MISSING_VALUES, "...", "-", " , ", "''", " "])
def test_missing_or_punctuation_only_surname_gives_empty_core_and_never_raises(
    achternaam: object,
) -> None:
    parsed = parse_surname(achternaam)  # type: ignore[arg-type]
    assert (parsed.core, parsed.components) == ("", ())


@pytest.mark.parametrize("tussenvoegsel", MISSING_VALUES)
def test_missing_tussenvoegsel_is_read_from_the_surname(tussenvoegsel: object) -> None:
    parsed = parse_surname("van Dam", tussenvoegsel)  # type: ignore[arg-type]
    assert (parsed.prefix, parsed.core) == ("van", "dam")


def test_explicit_tussenvoegsel_wins_over_a_prefix_in_the_surname() -> None:
    assert parts(parse_surname("de Berg", "van")) == ("van", "berg", ("berg",))


def test_unrecognised_tussenvoegsel_is_kept_normalised() -> None:
    assert parse_surname("Berg", "Vander").prefix == "vander"


def test_display_keeps_the_original_text_for_display_only() -> None:
    assert parse_surname("  Berg, van der ").display == "Berg, van der"
    assert parse_surname("Berg", " van der ").display == "van der Berg"
    assert parse_surname(None).display == ""


def test_parsed_surname_is_immutable() -> None:
    parsed = parse_surname("de Vries")
    with pytest.raises(dataclasses.FrozenInstanceError):
        parsed.core = "jansen"  # type: ignore[misc]


def test_tussenvoegsel_table_maps_normalised_words_to_canonical_spellings() -> None:
    for words, canonical in TUSSENVOEGSELS.items():
        assert normalise_text(" ".join(words)).split() == list(words)
        assert TUSSENVOEGSELS[tuple(canonical.split())] == canonical
    assert TUSSENVOEGSELS[("v", "d")] == TUSSENVOEGSELS[("vd",)] == "van der"
    with pytest.raises(TypeError):
        TUSSENVOEGSELS[("xx",)] = "xx"  # type: ignore[index]


@settings(max_examples=200)
@given(any_surname, any_prefix)
def test_parse_is_stable_when_fed_back_its_own_prefix_and_core(
    achternaam: str, tussenvoegsel: str | None
) -> None:
    parsed = parse_surname(achternaam, tussenvoegsel)
    assert parts(parse_surname(parsed.core, parsed.prefix)) == parts(parsed)


@settings(max_examples=200)
@given(any_surname, any_prefix)
def test_core_and_components_are_normalised_and_consistent(
    achternaam: str, tussenvoegsel: str | None
) -> None:
    parsed = parse_surname(achternaam, tussenvoegsel)
    assert parsed.core == "-".join(parsed.components)
    assert all(c and normalise_text(c) == c for c in parsed.components)
    assert normalise_text(parsed.prefix) == parsed.prefix


# --------------------------------------------------------------------------------------------
# surname_components_match and surname_similarity
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Jansen-de Vries", "de Vries"),
        ("Jansen-de Vries", "Jansen"),
        ("Jansen-de Vries", "de Vries-Jansen"),
        ("van der Berg", "Berg"),
    ],
)
def test_married_names_match_on_any_component_in_either_order(a: str, b: str) -> None:
    assert surname_components_match(parse_surname(a), parse_surname(b))
    assert surname_components_match(parse_surname(b), parse_surname(a))


@pytest.mark.parametrize(
    ("a", "b"),
    [("Jansen-de Vries", "Bakker"), ("Jansen de Vries", "de Vries"), ("", ""), ("Jansen", None)],
)
def test_components_that_share_nothing_do_not_match(a: str | None, b: str | None) -> None:
    assert not surname_components_match(parse_surname(a), parse_surname(b))


def test_similarity_of_a_married_name_to_either_own_name_is_one() -> None:
    married = parse_surname("Jansen-de Vries")
    assert surname_similarity(married, parse_surname("de Vries")) == 1.0
    assert surname_similarity(married, parse_surname("Jansen")) == 1.0


def test_similarity_rewards_a_typo_but_less_than_an_exact_match() -> None:
    score = surname_similarity(parse_surname("Jansen"), parse_surname("Jansne"))
    assert 0.9 < score < 1.0
    assert surname_similarity(parse_surname("Jansen"), parse_surname("Bakker")) < 0.6


@pytest.mark.parametrize("empty", [None, "", "...", float("nan")])
def test_similarity_with_an_empty_surname_is_zero(empty: object) -> None:
    assert surname_similarity(parse_surname(empty), parse_surname("Jansen")) == 0.0  # type: ignore[arg-type]
    assert surname_similarity(parse_surname(empty), parse_surname(empty)) == 0.0  # type: ignore[arg-type]


@settings(max_examples=200)
@given(any_surname, any_surname)
def test_similarity_is_symmetric_and_within_zero_and_one(a: str, b: str) -> None:
    pa, pb = parse_surname(a), parse_surname(b)
    score = surname_similarity(pa, pb)
    assert score == surname_similarity(pb, pa)
    assert 0.0 <= score <= 1.0


@settings(max_examples=200)
@given(any_surname)
def test_similarity_of_a_nonempty_surname_with_itself_is_one(a: str) -> None:
    parsed = parse_surname(a)
    assert surname_similarity(parsed, parsed) == (1.0 if parsed.core else 0.0)


# --------------------------------------------------------------------------------------------
# parse_initials
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "voorletters", ["J.P.M.", "JPM", "J P M", "j.p.m", "J.P.M", "J. P. M.", " J.P.M. ", "J,P,M"]
)
def test_every_notation_of_j_p_m_gives_three_initials(voorletters: str) -> None:
    assert parse_initials(voorletters) == ("J", "P", "M")


@pytest.mark.parametrize(
    ("voorletters", "expected"),
    [
        ("Th.", ("T",)),
        ("Chr.", ("C",)),
        ("Ph.", ("P",)),
        ("Joh.", ("J",)),
        ("Th.J.", ("T", "J")),
        ("J.Th.", ("J", "T")),
        ("TH.J.", ("T", "J")),
        ("th.j.", ("T", "J")),
        ("Chr. Ph.", ("C", "P")),
        ("Jan", ("J",)),
    ],
)
def test_latin_abbreviation_of_a_given_name_is_one_initial(
    voorletters: str, expected: tuple[str, ...]
) -> None:
    assert parse_initials(voorletters) == expected


@pytest.mark.parametrize(
    ("voorletters", "expected"),
    [
        ("IJ.", ("IJ",)),
        ("IJ", ("IJ",)),
        ("Ij.", ("IJ",)),
        ("ij.", ("IJ",)),
        ("IJ.P.", ("IJ", "P")),
        ("J.IJ.", ("J", "IJ")),
        ("I.J.", ("I", "J")),
        ("I J", ("I", "J")),
        ("IJP", ("I", "J", "P")),
        ("PIJ", ("P", "I", "J")),
        ("Ĳ.", ("IJ",)),
    ],
)
def test_ij_digraph_is_one_initial_only_when_it_stands_alone(
    voorletters: str, expected: tuple[str, ...]
) -> None:
    assert parse_initials(voorletters) == expected


@pytest.mark.parametrize(
    ("voorletters", "expected"),
    [("J1P", ("J", "P")), ("J.2.P.", ("J", "P")), ("#J_P!", ("J", "P")), ("É.Ö.", ("E", "O"))],
)
def test_digits_and_junk_in_initials_are_ignored(
    voorletters: str, expected: tuple[str, ...]
) -> None:
    assert parse_initials(voorletters) == expected


@pytest.mark.parametrize("voorletters", [*MISSING_VALUES, "...", "-", "123", " "])
def test_missing_or_letterless_initials_are_empty(voorletters: object) -> None:
    assert parse_initials(voorletters) == ()  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("voornamen", "expected"),
    [
        ("Johannes Petrus", ("J", "P")),
        ("IJsbrand Jan", ("IJ", "J")),
        ("Ijsbrand", ("IJ",)),
        ("Anne-Marie", ("A", "M")),
        ("Anne-Marie Sophie", ("A", "M", "S")),
        ("Éva", ("E",)),
        ("  jan  piet ", ("J", "P")),
        ("Jan-Willem", ("J", "W")),
    ],
)
def test_initials_come_from_voornamen_when_voorletters_are_empty(
    voornamen: str, expected: tuple[str, ...]
) -> None:
    assert parse_initials("", voornamen) == expected
    assert parse_initials(None, voornamen) == expected
    assert parse_initials("..", voornamen) == expected


def test_voorletters_win_over_voornamen() -> None:
    assert parse_initials("K.", "Johannes Petrus") == ("K",)


@pytest.mark.parametrize("voornamen", MISSING_VALUES)
def test_missing_voornamen_give_no_initials(voornamen: object) -> None:
    assert parse_initials(None, voornamen) == ()  # type: ignore[arg-type]


@settings(max_examples=200)
@given(st.text(max_size=20) | st.sampled_from(["IJ.", "Th.J.", "I.J.", "Chr.", "ij"]))
def test_parse_initials_is_idempotent_on_its_dotted_string(voorletters: str) -> None:
    initials = parse_initials(voorletters)
    assert parse_initials(initials_string(initials)) == initials


@settings(max_examples=200)
@given(st.text(max_size=20), st.text(max_size=20))
def test_initials_are_uppercase_latin_letters_or_the_ij_digraph(a: str, b: str) -> None:
    for initial in parse_initials(a, b):
        assert initial == "IJ" or (len(initial) == 1 and "A" <= initial <= "Z")


# --------------------------------------------------------------------------------------------
# first_initial, initials_compatible, initials_string
# --------------------------------------------------------------------------------------------


def test_first_initial_is_the_first_or_empty() -> None:
    assert first_initial(("IJ", "P")) == "IJ"
    assert first_initial(("J",)) == "J"
    assert first_initial(()) == ""


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("J", "J", True),
        ("IJ", "IJ", True),
        ("IJ", "I", True),
        ("I", "IJ", True),
        ("IJ", "Y", True),
        ("Y", "IJ", True),
        ("I", "Y", False),
        ("IJ", "J", False),
        ("J", "P", False),
        ("", "J", False),
        ("", "", False),
    ],
)
def test_first_initials_are_compatible_when_equal_or_ij_written_as_i_or_y(
    a: str, b: str, expected: bool
) -> None:
    assert initials_compatible(a, b) is expected


def test_initials_compatible_also_takes_tuples_of_initials() -> None:
    assert initials_compatible(("IJ", "P"), ("Y",))
    assert not initials_compatible(("J", "P"), ("P", "J"))
    assert not initials_compatible((), ("J",))


@pytest.mark.parametrize(
    ("initials", "expected"),
    [(("J", "P", "M"), "J.P.M."), (("IJ", "P"), "IJ.P."), (("I", "J"), "I.J."), ((), "")],
)
def test_initials_string_writes_dotted_initials(initials: tuple[str, ...], expected: str) -> None:
    assert initials_string(initials) == expected


def test_nan_is_never_read_as_the_text_nan() -> None:
    parsed = parse_surname(float("nan"), float("nan"))  # type: ignore[arg-type]
    assert (parsed.display, parsed.prefix, parsed.core) == ("", "", "")
    assert parse_initials(float("nan"), float("nan")) == ()  # type: ignore[arg-type]


def test_s_prefix_as_in_s_gravensande_is_a_tussenvoegsel():
    for written, tv in (("'s Gravensande", ""), ("Gravensande, 's", ""), ("Gravensande", "'s")):
        parsed = parse_surname(written, tv)
        assert (parsed.prefix, parsed.core) == ("s", "gravensande")


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=40))
def test_ascii_fast_path_equals_the_unicode_path(text):
    from vhh.linkage.normalise.names import _normalise_unicode

    assert normalise_text(text) == _normalise_unicode(text)


# --------------------------------------------------------------------------------------------
# The one-word fast path of parse_surname gives what the general path gives


def _general(achternaam: object, tussenvoegsel: object = None) -> ParsedSurname:
    """parse_surname through the general path only (no fast path)."""
    from vhh.linkage.normalise import names

    raw_name = names._as_text(achternaam).strip()
    raw_prefix = names._as_text(tussenvoegsel).strip()
    given = names._canonical_prefix(tuple(normalise_text(raw_prefix).split()))
    display = " ".join(text for text in (raw_prefix, raw_name) if text)
    return names._parsed_in_general(raw_name, given, display)


_PLAIN_WORDS = ["Jansen", "BAKKER", "de", "Van", "T", "s", "der", "ter", "vd", "v", "Vd",
                "a", "Ij", "IJzerman", "d", "l", "LA", "von", "Zu", "dos", "Jansen-Bakker",
                "de-Vries", "Van-Dam-Berg", "t-Hart", "Smit-", "-Smit", "Smit--Bos", "-"]


@pytest.mark.parametrize("word", _PLAIN_WORDS)
@pytest.mark.parametrize("tussenvoegsel", [None, "", "van der", "'t", "V.D.", "Vander", " de "])
def test_a_plain_one_word_surname_parses_as_the_general_path_parses_it(
        word: str, tussenvoegsel: str | None) -> None:
    for written in (word, f"  {word} ", word.upper(), word.lower()):
        assert parse_surname(written, tussenvoegsel) == _general(written, tussenvoegsel)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x24F), max_size=14)
       | st.text(alphabet="abcDEF- ", max_size=12),
       st.sampled_from([None, "", "van", "van der", "'t", "de la"]))
def test_any_surname_parses_as_the_general_path_parses_it(text: str, prefix: str | None) -> None:
    assert parse_surname(text, prefix) == _general(text, prefix)


def test_every_faker_surname_parses_as_the_general_path_parses_it() -> None:
    from tests.dutch_surnames import DUTCH_WORD_SURNAMES, faker_surnames

    for name in (*DUTCH_WORD_SURNAMES, *faker_surnames()):
        assert parse_surname(name) == _general(name), "a Faker surname parses differently"
