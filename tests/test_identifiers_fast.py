"""Specification of the fast identifier collection
(vhh.linkage.privacy.identifiers.IdentifierCollector): whatever shortcuts it takes (ids
lowercased and hashed in Arrow, surnames parsed part by part or not at all, distinct pairs
from factorised columns), it collects exactly the identifiers of the plain definition below,
which takes every row of every input one value at a time.

Every name, date and id here is invented for the test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from vhh.linkage.normalise.dates import parse_dates
from vhh.linkage.normalise.names import normalise_text, parse_initials, parse_surname
from vhh.linkage.privacy import identifiers as collection
from vhh.linkage.privacy.identifiers import (
    ID_COLUMNS,
    MIN_NUMERIC_ID,
    MIN_SURNAME_TOKEN,
    PARTICLES,
    HashedIds,
    IdentifierCollector,
    Identifiers,
)

# --------------------------------------------------------------------------------------------
# The plain definition: row by row, value by value
# --------------------------------------------------------------------------------------------


def plain_identifiers(inputs: list[tuple[str, pd.DataFrame]]) -> Identifiers:
    """The identifiers of every row: what the collector must find, written as plainly as it
    can be (no distinct values, no caches, no Arrow)."""
    found = Identifiers()
    ids, short_ids = plain_ids(inputs)
    found.ids, found.unscannable_ids = HashedIds.from_strings(ids), len(short_ids)
    rows = [row for _, frame in inputs if "achternaam" in frame for row in name_rows(frame)]
    short_names = {}
    for raw, prefix, _ in rows:
        short = _plain_surname(found, raw, prefix)
        if short:
            short_names[(raw, prefix)] = short
    for raw, prefix, initials in rows:
        parsed = parse_initials(initials)
        if (raw, prefix) in short_names and parsed:
            for form in ("".join(parsed).lower(), parsed[0].lower()):
                found.initial_surnames.update(f"{form} {core}"
                                              for core in short_names[(raw, prefix)])
    dates = [d for _, frame in inputs if "geboortedatum" in frame
             for d in frame["geboortedatum"].astype(str)]
    for text in dict.fromkeys(dates):  # one at a time: no value can stand in for another
        parsed_date = parse_dates(pd.Series([text], dtype=object))
        found.dates.update(parsed_date.key[parsed_date.status == "ok"])
    return found


def plain_ids(inputs: list[tuple[str, pd.DataFrame]]) -> tuple[set[str], set[tuple[str, ...]]]:
    """The scannable ids (stripped, lowercased) and the short numeric ones per source and
    column, of every row."""
    ids, short = set(), set()
    for source, frame in inputs:
        for col in ID_COLUMNS:
            for text in frame[col].astype(str) if col in frame else []:
                value = text.strip()
                if value.isdigit() and len(value) < MIN_NUMERIC_ID:
                    short.add((source, col, value))
                elif value:
                    ids.add(value.lower())
    return ids, short


def name_rows(frame: pd.DataFrame) -> list[tuple[str, str, str]]:
    blank = pd.Series("", index=frame.index)
    return list(zip(frame["achternaam"].astype(str),
                    frame.get("tussenvoegsel", blank).astype(str),
                    frame.get("voorletters", blank).astype(str), strict=True))


def _plain_surname(found: Identifiers, raw: str, prefix: str) -> tuple[str, ...]:
    parsed = parse_surname(raw, prefix)
    if not parsed.core:
        return ()
    for whole in (normalise_text(f"{parsed.prefix} {parsed.core}"), normalise_text(raw)):
        if whole and not PARTICLES.issuperset(whole.split()):
            found.surnames_full.add(whole)
    short = []
    for comp in parsed.components:
        words = comp.split()
        if len(words) > 1:
            if not PARTICLES.issuperset(words):
                found.surname_phrases.add(comp)
        elif comp not in PARTICLES and len(comp) >= MIN_SURNAME_TOKEN:
            found.surname_words.add(comp)
        elif comp not in PARTICLES:
            short.append(comp)
    found.short_surnames.update(short)
    return tuple(short)


def assert_same(fast: Identifiers, plain: Identifiers) -> None:
    for name in ("surname_words", "surname_phrases", "surnames_full", "short_surnames",
                 "initial_surnames", "dates", "unscannable_ids"):
        assert getattr(fast, name) == getattr(plain, name), name
    assert np.array_equal(fast.ids._hashes, plain.ids._hashes), "ids"


def collect(inputs: list[tuple[str, pd.DataFrame]], cuts: list[int]) -> Identifiers:
    """The collector fed each frame cut into chunks at ``cuts`` (positions, any order)."""
    collector = IdentifierCollector()
    for source, frame in inputs:
        edges = sorted({0, len(frame), *(c for c in cuts if c < len(frame))})
        for start, end in zip(edges, edges[1:], strict=False):
            collector.add(frame.iloc[start:end], source=source)
        if not len(frame):
            collector.add(frame, source=source)
    return collector.finish()


# --------------------------------------------------------------------------------------------
# Tricky values
# --------------------------------------------------------------------------------------------

SURNAME_PIECES = [
    "Jansen", "jansen", "JANSEN", "Li", "Ng", "Bakker", "Vries", "Berg", "Van", "De", "der",
    "van", "van der", "VAN DEN", "v.d.", "vd", "v/d", "'t", "’t", "d'", "D’", "s", "ter",
    "le", "la", "Die", "uijt", "Öztürk", "Daniëls", "Müller", "Groß", "Ĳssel", "IJssel",
    "Çelik", "Pérez", "Øster", "Łukasz", "İnan", "Ağa", "ﬁne", "Ⅻ", "x", "-", "--", "–",
    "‐", ",", ", ", " ", "  ", "\t", "\u00a0", ".", "'", "`", "´", "(", "2", "Kuijc van Malsen",
    "Jansen-de Vries", "Berg, van der", "Ploeg-van 't Hof", "d'Ancona", "O'Brien", "\x00",
    "\udcff",
]
SURNAMES = st.lists(st.one_of(st.sampled_from(SURNAME_PIECES), st.text(max_size=3)),
                    max_size=5).map("".join)
PREFIXES = st.one_of(st.sampled_from(["", "", "van", "VAN DER", "van 't", "'t", "d'", " de ",
                                      "v.d.", "De La", "ten", "vän", "x", "Jansen", "-",
                                      "\x00", "van\x00"]),
                     st.text(max_size=4))
INITIALS = st.one_of(st.sampled_from(["", "J.", "W.P.", "IJ.", "j p", "Th.", "A.-M.", "É.",
                                      "\x00K."]),
                     st.text(max_size=4))
ID_PIECES = [
    "G123456", "g123456", "B0000001", "PL1301-2013000123", "1234", "0001", "12345", "987",
    "１２３４", "²³⁴", "١٢٣", "ÄBCDEF", "İSTANBUL", "ǅemal", "ß", " ", "\t", "\x1c", "\x1f",
    "\x85", "\u00a0", "\u2003", "\x00", "-", "", "\udcff",
]
IDS = st.one_of(st.lists(st.sampled_from(ID_PIECES), max_size=4).map("".join),
                st.text(max_size=8))
DATES = st.one_of(st.sampled_from(["01-02-1980", "1-2-1980", "1980-02-01", "31-02-1980",
                                   "00-05-1980", " 01-02-1980 ", "01/02/1980", "01.02.1980",
                                   "١٢-٠٢-١٩٨٠", "1980-02-01 10:00", "01-13-1980", "",
                                   "01-02-1980\x00", "\x0001-02-1980", "01-02-1980\udcff"]),
                  st.text(max_size=10))


@st.composite
def frames(draw: st.DrawFn) -> list[tuple[str, pd.DataFrame]]:
    """GCOS, BVH and HKS frames of a few rows each, some of whose rows repeat."""
    out = []
    for source, ids in (("gcos", ["gcos_id"]), ("bvh", ["bvh_id", "registratienummer"]),
                        ("hks", ["hks_id"])):
        n = draw(st.integers(0, 6))
        columns = {"achternaam": draw(st.lists(SURNAMES, min_size=n, max_size=n)),
                   "voorletters": draw(st.lists(INITIALS, min_size=n, max_size=n)),
                   "geboortedatum": draw(st.lists(DATES, min_size=n, max_size=n))}
        if source != "bvh":  # a BVH extract without a tussenvoegsel column
            columns["tussenvoegsel"] = draw(st.lists(PREFIXES, min_size=n, max_size=n))
        for col in ids:
            columns[col] = draw(st.lists(IDS, min_size=n, max_size=n))
        frame = pd.DataFrame(columns, dtype=object)
        repeat = draw(st.lists(st.integers(0, max(n - 1, 0)), max_size=3)) if n else []
        frame = pd.concat([frame, frame.iloc[repeat]])
        frame.index = pd.RangeIndex(100, 100 + len(frame))  # a later chunk's index
        out.append((source, frame))
    return out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frames(), st.lists(st.integers(0, 8), max_size=3))
def test_the_fast_collection_is_the_plain_definition(
        inputs: list[tuple[str, pd.DataFrame]], cuts: list[int]) -> None:
    assert_same(collect(inputs, cuts), plain_identifiers(inputs))


@settings(max_examples=500, deadline=None)
@given(SURNAMES, PREFIXES)
def test_a_surname_parsed_alone_or_in_parts_is_parse_surname(raw: str, prefix: str) -> None:
    own, components = IdentifierCollector()._alone(raw)
    parsed = parse_surname(raw, prefix)
    assert components == parsed.components
    assert (parse_surname("", prefix).prefix or own) == parsed.prefix


@settings(max_examples=300, deadline=None)
@given(st.lists(IDS, max_size=20))
def test_ids_hash_as_their_plain_normal_form(values: list[str]) -> None:
    collector = IdentifierCollector()
    collector.add(pd.DataFrame({"bvh_id": values}, dtype=object), source="bvh")
    found = collector.finish()
    plain = {v.strip().lower() for v in values
             if v.strip() and not (v.strip().isdigit() and len(v.strip()) < MIN_NUMERIC_ID)}
    assert np.array_equal(found.ids._hashes, HashedIds.from_strings(plain)._hashes)


# --------------------------------------------------------------------------------------------
# Cases picked by hand
# --------------------------------------------------------------------------------------------


def test_ids_with_spaces_case_and_unicode_digits() -> None:
    values = [" G123456 ", "g123456", "G123456\x1f", "\x85B3000001", "İSTANBUL7", "ＡＢＣ１２",
              "１２３４", "1234", " 0012 ", "12 34", "", "   ", "PL1301-2013000123"]
    found = collect([("bvh", pd.DataFrame({"bvh_id": values}, dtype=object))], [3, 7])
    assert_same(found, plain_identifiers([("bvh", pd.DataFrame({"bvh_id": values}))]))
    assert "g123456" in found.ids and "i̇stanbul7" in found.ids and "12 34" in found.ids
    assert "1234" not in found.ids and found.unscannable_ids == 3  # １２３４, 1234, 0012


def test_a_lone_surrogate_in_an_id_column_takes_the_general_way() -> None:
    frame = pd.DataFrame({"hks_id": ["H300001", "h\udcff00001", "12"]}, dtype=object)
    found = collect([("hks", frame)], [])
    assert_same(found, plain_identifiers([("hks", frame)]))
    assert "h300001" in found.ids and "h\udcff00001" in found.ids


def test_values_that_are_not_text_are_collected_as_their_text() -> None:
    frame = pd.DataFrame({"gcos_id": ["G100001", None, np.nan, 123456, 12],
                          "achternaam": ["Li", None, np.nan, "Ng", 7],
                          "voorletters": ["W.", "J.", None, "T.", "A."],
                          "geboortedatum": ["01-02-1980", None, np.nan, "1-2-1980", 5]},
                         dtype=object)
    assert_same(collect([("gcos", frame)], [2]), plain_identifiers([("gcos", frame)]))


def test_dutch_surnames_with_particles_and_diacritics() -> None:
    names = ["van der Berg", "Berg, van der", "Jansen-de Vries", "Kuijc van Malsen",
             "Die Bont", "VAN 'T HOF", "d'Ancona", "Öztürk-van Geffen", "Daniëls-Cammel",
             "Li", "Ng-Li", "Van", "de", "", " ", "Groß", "Ĳzerman", "Jansen–Smit",
             "Smit -  Jansen", "-Jansen-", "Li-van der", "v.d. Berg-Ng"]
    prefixes = ["", "van", "", "", "", "", "", "", "", "", "", "", "", "van", "", "", "", "",
                "", "", "", "ter"]
    frame = pd.DataFrame({"achternaam": names, "tussenvoegsel": prefixes,
                          "voorletters": ["J.P.M."] * len(names),
                          "gcos_id": [f"G{n:06d}" for n in range(len(names))]})
    found = collect([("gcos", frame)], [5, 11])
    assert_same(found, plain_identifiers([("gcos", frame)]))
    assert {"berg", "vries", "jansen", "ozturk", "geffen"} <= found.surname_words
    assert {"kuijc van malsen", "die bont"} <= found.surname_phrases
    assert {"jpm li", "j li", "j ng"} <= found.initial_surnames


def test_a_short_surname_of_a_later_chunk_takes_initials_of_its_own_rows_only() -> None:
    first = pd.DataFrame({"achternaam": ["Li", "Bakker"], "voorletters": ["W.", "Q."]})
    later = pd.DataFrame({"achternaam": ["Bakker", "Ng", "Li"], "voorletters": ["R.", "T.", "K."]},
                         index=[2, 3, 4])
    inputs = [("bvh", first), ("bvh", later)]
    collector = IdentifierCollector()
    for source, frame in inputs:
        collector.add(frame, source=source)
    found = collector.finish()
    assert_same(found, plain_identifiers(inputs))
    assert found.initial_surnames == {"w li", "k li", "t ng"}


@pytest.mark.parametrize("batch", [1, 2, 3])
def test_ids_hashed_in_small_batches_are_the_same(batch: int,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    values = ["B0000001", "b0000001", " B0000002", "ÄBCDEF", "1234", "B0000003", "B0000004"]
    frame = pd.DataFrame({"bvh_id": values, "registratienummer": values[::-1]})
    whole = collect([("bvh", frame)], [])
    monkeypatch.setattr(collection, "_HASH_BATCH", batch)
    assert_same(collect([("bvh", frame)], []), whole)
    assert_same(whole, plain_identifiers([("bvh", frame)]))


def test_texts_pandas_would_confuse_are_kept_apart() -> None:
    # pandas' string table compares up to a NUL and can lose a lone surrogate: a birthdate,
    # a tussenvoegsel or an id after such a look-alike must still be collected
    frame = pd.DataFrame({
        "gcos_id": ["G1\x00A0001", "G1\x00B0002", "g\udcff00003", "G1\x00A0001"],
        "achternaam": ["Li", "Li", "Jansen", "Jansen"],
        "tussenvoegsel": ["\x00", "", "\x00de", "de"],
        "voorletters": ["\x00K.", "J.", "", ""],
        "geboortedatum": ["01-02-1980\x00", "01-02-1980", "\x0002-02-1980", "02-02-1980"],
    })
    found = collect([("gcos", frame)], [])
    assert_same(found, plain_identifiers([("gcos", frame)]))
    assert {"19800201", "19800202"} <= found.dates
    assert "de jansen" in found.surnames_full and {"j li", "k li"} <= found.initial_surnames
    assert all(i in found.ids for i in ("g1\x00a0001", "g1\x00b0002", "g\udcff00003"))
