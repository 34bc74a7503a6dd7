"""Specification of chunked identifier collection
(vhh.linkage.privacy.identifiers.IdentifierCollector):
feeding the raw inputs chunk by chunk gives exactly the identifier set, and so exactly the
hits, of the whole frames; ids kept as hashes are never missed.

Every name, date and id here is invented for the test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vhh.linkage.privacy import identifiers as collection
from vhh.linkage.privacy.exportscan import scan_frame
from vhh.linkage.privacy.identifiers import (
    HashedIds,
    IdentifierCollector,
    Identifiers,
    build_identifiers,
)
from vhh.linkage.privacy.leakscan import cell_hits

GCOS = pd.DataFrame({
    "gcos_id": ["G123456", "G200002", "1234", "G200004", "G200005", "1234"],
    "achternaam": ["Li", "Berg", "Jansen-de Vries", "Li", "Bakker", "Zwartkruis"],
    "tussenvoegsel": ["", "van der", "", "", "", ""],
    "voorletters": ["W.", "J.", "M.", "Q.", "A.", "E."],
    "geboortedatum": ["01-02-1980", "15-07-1975", "3-11-1990", "1992-12-24", "01-02-1980",
                      "1966-06-06"],
})
BVH = pd.DataFrame({
    "bvh_id": ["B3000001", "B3000002", "987", "B3000004", "B3000005"],
    "gcos_id": ["G123456", "1234", "", "G200004", "4321"],
    "registratienummer": ["PL1301-2013000123", "PL1301-2013000124", "PL1301-2013000125",
                          "PL1301-2013000126", "PL1301-2013000127"],
    "achternaam": ["Pietersma", "Li", "Ng", "Berg", "Oosterwolde"],
    "voorletters": ["K.", "W.", "T.", "J.", "R."],
    "geboortedatum": ["20-10-1970", "01-02-1980", "19850505", "15/07/1975", "1971-01-31"],
})
HKS = pd.DataFrame({
    "hks_id": ["H300001", "H300002", "987"],
    "achternaam": ["Oosterbroek", "Ng", "Vlasblom"],
    "voorletters": ["T.", "T.", "D."],
    "geboortedatum": ["1968-04-09", "1985-05-05", "12-12-1962"],
})
SOURCES = {"gcos": GCOS, "bvh": BVH, "hks": HKS}

# What an export might hold: every input value in several spellings, and near misses.
PROBES = [
    "subject_G123456.csv", "G123456", "dossier g200004 gesloten", "G1234567", "XG123456",
    "1234", "987", "4321", "zie BVH B3000005.", "x/PL1301-2013000127/y", "PL1301-2013000128",
    "hks:H300002", "H300003", "Zwartkruis", "ZWARTKRUIS", "Vlasblom", "Oosterwolde",
    "mevrouw de Vries", "van der Berg", "W. Li", "Q Li", "T. Ng", "K. Ng", "Li", "Ng",
    "01-02-1980", "19800201", "1-2-1980", "1966-06-06", "06/06/1966", "5-5-1985",
    "31-01-1971", "12.12.1962", "02-01-1980", "2013-Q1", "geslacht: 1", "",
]


def chunks(frame: pd.DataFrame, cuts: list[int]) -> list[pd.DataFrame]:
    edges = [0, *cuts, len(frame)]
    return [frame.iloc[a:b] for a, b in zip(edges, edges[1:], strict=False)]


def collect(parts: dict[str, list[pd.DataFrame]]) -> Identifiers:
    collector = IdentifierCollector()
    for source, frames in parts.items():
        for frame in frames:
            collector.add(frame, source=source)
    return collector.finish()


def in_single_rows() -> Identifiers:
    return collect({s: chunks(f, list(range(1, len(f)))) for s, f in SOURCES.items()})


def same_identifiers(a: Identifiers, b: Identifiers) -> bool:
    return (a.surname_words == b.surname_words and a.surname_phrases == b.surname_phrases
            and a.surnames_full == b.surnames_full and a.short_surnames == b.short_surnames
            and a.initial_surnames == b.initial_surnames and a.dates == b.dates
            and np.array_equal(a.ids._hashes, b.ids._hashes)
            and a.unscannable_ids == b.unscannable_ids)


@pytest.fixture(scope="module")
def whole() -> Identifiers:
    return build_identifiers(SOURCES.values())


@pytest.fixture(scope="module")
def chunked() -> Identifiers:
    return collect({"gcos": chunks(GCOS, [1, 3, 5]), "bvh": chunks(BVH, [2, 3]),
                    "hks": chunks(HKS, [1])})


# --------------------------------------------------------------------------------------------
# Chunks give the identifiers of the whole frames
# --------------------------------------------------------------------------------------------


def test_chunked_collection_equals_whole_frame_collection(whole: Identifiers,
                                                          chunked: Identifiers) -> None:
    assert same_identifiers(whole, chunked)
    assert same_identifiers(whole, in_single_rows())


def test_chunked_collection_gives_the_same_hits_for_every_probe(whole: Identifiers,
                                                                chunked: Identifiers) -> None:
    for probe in PROBES:
        assert cell_hits(probe, chunked) == cell_hits(probe, whole), probe


def test_chunked_collection_gives_the_same_hits_on_a_frame(whole: Identifiers,
                                                           chunked: Identifiers) -> None:
    for probe in PROBES:
        frame = pd.DataFrame({"opmerking": ["", probe, "geen"]})
        assert scan_frame(frame, chunked, "a.csv") == scan_frame(frame, whole, "a.csv"), probe


@settings(max_examples=20, deadline=None)
@given(st.lists(st.integers(0, len(BVH)), max_size=4),
       st.lists(st.integers(0, len(GCOS)), max_size=4))
def test_any_split_into_chunks_gives_the_same_identifiers(
        whole: Identifiers, bvh_cuts: list[int], gcos_cuts: list[int]) -> None:
    split = collect({"gcos": chunks(GCOS, sorted(gcos_cuts)),
                     "bvh": chunks(BVH, sorted(bvh_cuts)), "hks": [HKS]})
    assert same_identifiers(split, whole)


def test_many_chunks_merged_and_hashed_in_slices_give_the_same_ids(
        whole: Identifiers, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(collection, "_MERGE_AT_LEAST", 1)  # merge after nearly every chunk
    monkeypatch.setattr(collection, "_HASH_BATCH", 2)      # and hash a chunk in slices
    assert same_identifiers(in_single_rows(), whole)


# --------------------------------------------------------------------------------------------
# The cases chunking could get wrong
# --------------------------------------------------------------------------------------------


def test_an_id_from_the_first_chunk_is_found_inside_a_file_name(chunked: Identifiers) -> None:
    assert cell_hits("subject_G123456.csv", chunked) == ["id"]
    frame = pd.DataFrame({"bestand": ["subject_G123456.csv"]})
    assert [h.kind for h in scan_frame(frame, chunked, "lijst.csv")] == ["id"]


def test_short_numeric_ids_are_counted_once_per_source_and_column_across_chunks() -> None:
    # "1234" stands in gcos rows 3 and 6 (chunks 2 and 4): one; "987" in bvh and in hks: two
    found = collect({"gcos": chunks(GCOS, [1, 3, 5])})
    assert found.unscannable_ids == 1
    assert collect({"bvh": chunks(BVH, [1, 2, 3, 4]), "hks": chunks(HKS, [1, 2])}
                   ).unscannable_ids == 4   # bvh: 987, 1234, 4321; hks: 987
    assert "1234" not in found.ids and "g123456" in found.ids


def test_short_numeric_ids_count_as_the_whole_frames_did(whole: Identifiers) -> None:
    # distinct per source and column: the gcos_id "1234" of GCOS and of BVH both count
    assert whole.unscannable_ids == 5


def test_a_surname_that_only_appears_in_the_last_chunk_is_found(chunked: Identifiers) -> None:
    assert "zwartkruis" in chunked.surname_words
    assert cell_hits("gesprek met Zwartkruis", chunked) == ["achternaam"]


def test_a_short_surname_takes_the_initials_of_later_chunks(chunked: Identifiers) -> None:
    # "Li" first stands in gcos chunk 1 with W.; Q. only comes with chunk 3
    assert {"w li", "q li"} <= chunked.initial_surnames
    assert cell_hits("Q. Li", chunked) == ["voorletters+achternaam"]


def test_a_birthdate_notation_of_a_later_chunk_is_parsed(chunked: Identifiers) -> None:
    assert {"19850505", "19660606", "19621212"} <= chunked.dates
    assert cell_hits("12-12-1962", chunked) == ["geboortedatum"]


def test_the_collector_is_spent_after_finish() -> None:
    collector = IdentifierCollector()
    collector.add(HKS, source="hks")
    collector.finish()
    with pytest.raises(RuntimeError):
        collector.add(HKS, source="hks")
    with pytest.raises(RuntimeError):
        collector.finish()


def test_nothing_collected_gives_an_empty_identifier_set() -> None:
    found = IdentifierCollector().finish()
    assert len(found.ids) == 0 and found.unscannable_ids == 0
    assert cell_hits("G123456 1-2-1980 Berg", found) == []


# --------------------------------------------------------------------------------------------
# HashedIds
# --------------------------------------------------------------------------------------------


@given(st.lists(st.text(max_size=12), max_size=30), st.lists(st.text(max_size=12), max_size=30))
def test_hashed_ids_never_miss_a_member(members: list[str], others: list[str]) -> None:
    ids = HashedIds.from_strings(members)
    assert all(m in ids for m in members)
    assert ids.contains([*members, *others])[:len(members)].all()
    assert len(ids) == len(set(members))


def test_hashed_ids_reject_values_not_in_the_set() -> None:
    ids = HashedIds.from_strings(["g123456", "b3000001"])
    assert "g1234567" not in ids and "G123456" not in ids and "" not in ids
    assert ids.contains(["b3000001", "x", "g123456"]).tolist() == [True, False, True]
    assert 123456 not in ids


def test_a_lone_surrogate_is_hashed_not_refused() -> None:
    ids = HashedIds.from_strings(["g\udcff1", "g123456"])
    assert "g\udcff1" in ids and "g123456" in ids and "g\udcfe1" not in ids
    assert cell_hits('{"noot": "G123456\udcff"}', Identifiers(ids=ids)) == ["id"]


def test_hashed_ids_repr_shows_a_count_only(whole: Identifiers) -> None:
    text = repr(HashedIds.from_strings(["g123456"]))
    assert "g123456" not in text.lower() and "1" in text
    assert repr(whole).endswith("ids=15)")
