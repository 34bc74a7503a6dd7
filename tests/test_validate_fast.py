"""The police validation's shortcuts give exactly what their plain definitions give.

Each police chunk's text columns are factorized once and that one factorization is shared:
prepare parses each distinct text once, the row hash hashes each distinct text once, and
the identity index finds identities on codes and hashes each distinct identity once. Here
each is held to its plain definition (pandas' ``hash_pandas_object``, ``per_distinct``,
``astype(str)`` and grouping by the text), on tricky inputs.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_validate_speed_equivalence import (  # noqa: F401  (raw_frames: the fixture)
    BIRTHDATES,
    SEXES,
    SURNAMES,
    TEXTS,
    raw_frames,
)
from vhh.linkage.contract import ID_COLUMN, IDENTITY_FIELDS
from vhh.linkage.errors import LinkageError
from vhh.linkage.io.arrow_csv import made_of
from vhh.linkage.io.readers import read_source_chunks
from vhh.linkage.normalise.distinct import per_distinct, text_codes
from vhh.linkage.synth.generate import generate
from vhh.linkage.synth.settings import SynthSettings
from vhh.linkage.synth.write import write_synth
from vhh.linkage.validate import hashing, police
from vhh.linkage.validate.per_value import cases_per_value
from vhh.linkage.validate.sources import _reasons, prepare, validate_source

SOURCES = ("gcos_subjecten", "gcos_besprekingen", "bvh_incidenten", "hks_antecedenten")
ID_SOURCES = ("bvh_incidenten", "hks_antecedenten")

# few letters, so values repeat; white space and look-alikes that must stay apart
_TEXT = st.lists(st.sampled_from(["a", "A", " ", "\xa0", "1", "é", "e\u0301", ""]),
                max_size=3).map("".join)
_CELL = st.one_of(_TEXT, _TEXT, _TEXT, st.none(), st.just(float("nan")), st.integers(0, 2))


def _frame(columns: list[list[object]]) -> pd.DataFrame:
    rows = min(len(c) for c in columns)
    frame = pd.DataFrame({f"c{i}": pd.Series(c[:rows], dtype=object)
                          for i, c in enumerate(columns)})
    return frame.assign(bronrij=np.arange(2, rows + 2))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(_CELL, min_size=0, max_size=30), min_size=1, max_size=4))
def test_row_hashes_are_pandas_hashes(columns):
    frame = _frame(columns)
    expected = pd.util.hash_pandas_object(frame.drop(columns="bronrij"), index=False)
    distinct = hashing.factorized(frame)
    got = hashing.row_hashes(frame, distinct)
    np.testing.assert_array_equal(got, expected.to_numpy(dtype=np.uint64))
    # a column hashed once already (the id, by column_hash) is used as it is
    known = {"c0": hashing.column_hash(frame, "c0", distinct)}
    np.testing.assert_array_equal(hashing.row_hashes(frame, distinct, known), got)


@settings(max_examples=200, deadline=None)
@given(st.lists(_CELL, min_size=0, max_size=40))
def test_text_codes_spread_as_per_distinct(values):
    series = pd.Series(values, dtype=object, index=np.arange(len(values)) * 3 + 5, name="x")
    codes = text_codes(series)
    if codes is None:  # not all Python strings: the plain path is taken
        assert series.empty or not all(isinstance(v, str) for v in values)
        return
    assert all(isinstance(v, str) for v in values)

    def transform(u: pd.Series) -> pd.Series:
        return u.str.strip().str.upper()

    pd.testing.assert_series_equal(codes.spread(transform, series.index, series.name),
                                   per_distinct(series, transform), check_exact=True)


def _plain_identities(chunks: list[pd.DataFrame]) -> tuple[np.ndarray, pd.DataFrame]:
    """Rows are one identity when their fields written as text are equal; numbered in
    order of first appearance over all chunks."""
    keys = pd.concat([c.loc[:, list(IDENTITY_FIELDS)].astype(str) for c in chunks],
                     ignore_index=True)  # as each chunk's rows were written
    numbers: dict[tuple[str, ...], int] = {}
    first: list[int] = []
    codes = []
    for row, key in enumerate(keys.itertuples(index=False, name=None)):
        if key not in numbers:
            numbers[key] = len(numbers)
            first.append(row)
        codes.append(numbers[key])
    return np.array(codes, dtype=np.int32), keys.iloc[first].reset_index(drop=True)


_FIELD = st.one_of(_TEXT, _TEXT, st.none(), st.just(float("nan")), st.just("nan"),
                   st.just("None"), st.just(1), st.just("1"))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.tuples(*[_FIELD] * 4, st.sampled_from([0, 1, 9])),
                         max_size=25), min_size=1, max_size=3),
       st.booleans())
def test_identity_index_finds_identities_as_text(chunks, from_raw):
    frames = [pd.DataFrame([list(r) for r in rows], columns=list(IDENTITY_FIELDS),
                           dtype=object).astype({"geslacht": np.int64}) if rows else
              pd.DataFrame({f: pd.Series(dtype=object) for f in IDENTITY_FIELDS})
              for rows in chunks]
    index = police._IdentityIndex()
    got = []
    for frame in frames:
        # from_raw: the three name fields come from the raw chunk's codes, as in a run
        distinct = hashing.factorized(frame) if from_raw else {}
        positions = np.arange(len(frame)) if from_raw else None
        got.append(index.add(hashing.identity_fields(frame, positions, distinct)))
    codes, identities = _plain_identities(frames)
    np.testing.assert_array_equal(np.concatenate(got), codes)
    found = index.frame().drop(columns="voornamen")
    pd.testing.assert_frame_equal(found.astype(object), identities.astype(object),
                                  check_exact=True)


def test_two_identities_with_one_hash_stop_the_run(monkeypatch):
    frame = pd.DataFrame({f: ["a", "b"] for f in IDENTITY_FIELDS})
    monkeypatch.setattr(pd.util, "hash_array",
                        lambda values, **_: np.zeros(len(values), dtype=np.uint64))
    with pytest.raises(LinkageError):
        police._IdentityIndex().add(hashing.identity_fields(frame, None, {}))


def test_positions_are_found_by_row_number():
    chunk = pd.DataFrame({"bronrij": [5, 7, 9, 12]})
    np.testing.assert_array_equal(hashing.positions(chunk, np.array([7, 12])), [1, 3])
    unsorted = pd.DataFrame({"bronrij": [9, 5, 12]})
    np.testing.assert_array_equal(hashing.positions(unsorted, np.array([12, 9])), [2, 0])
    with pytest.raises(LinkageError):
        hashing.positions(chunk, np.array([8]))


@pytest.mark.parametrize("source", SOURCES)
def test_validation_with_shared_codes_is_validation_without(raw_frames, source):  # noqa: F811
    raw = raw_frames[source]
    for part in (raw, raw.iloc[len(raw) // 3: 2 * len(raw) // 3]):
        plain = validate_source(source, part, file="x.csv")
        fast = validate_source(source, part, file="x.csv", distinct=hashing.factorized(part))
        pd.testing.assert_frame_equal(fast.valid, plain.valid, check_exact=True)
        pd.testing.assert_frame_equal(fast.quarantine, plain.quarantine, check_exact=True)
        pd.testing.assert_frame_equal(fast.remarks, plain.remarks, check_exact=True)
        assert fast.unknown_domains == plain.unknown_domains


@pytest.mark.parametrize("source", SOURCES)
def test_validation_leaves_the_raw_chunk_as_it_was_read(raw_frames, source):  # noqa: F811
    """prepare works on a new frame over the chunk's own column arrays (no copy of them):
    the chunk the row hashes and the leak scanner read afterwards is not changed."""
    raw = raw_frames[source]
    for distinct in (None, hashing.factorized(raw)):
        before = raw.copy(deep=True)
        arrays = {c: raw[c].to_numpy() for c in raw}
        prepared = prepare(source, raw, distinct=distinct)
        validate_source(source, raw, file="x.csv", distinct=distinct)
        pd.testing.assert_frame_equal(raw, before, check_exact=True)
        assert all(raw[c].to_numpy() is arrays[c] or np.shares_memory(raw[c].to_numpy(),
                                                                      arrays[c])
                   for c in raw)
        assert set(prepared.columns) - set(raw.columns)  # the parsed columns: new there only


def _kolom(cases: pd.DataFrame) -> list[str]:
    return _reasons(cases, "pleegdatum")[0]


def _bvh_rows(values: list[tuple[str, str, str, str, str, str, str]]) -> pd.DataFrame:
    columns = ("achternaam", "voorletters", "geboortedatum", "geslacht", "incidentdatum",
               "mk_code", "rol")
    frame = pd.DataFrame(values, columns=list(columns), dtype=object)
    n = len(frame)
    return frame.assign(bronrij=np.arange(2, n + 2), bvh_id=[f"B{i}" for i in range(n)],
                        registratienummer=[f"R{i % 7}" for i in range(n)],
                        tussenvoegsel=np.where(np.arange(n) % 3 == 0, "van", ""))


_ODD = st.sampled_from(SURNAMES + TEXTS)
_DAY = st.sampled_from(BIRTHDATES)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_ODD, _ODD, _DAY, st.sampled_from(SEXES), _DAY, _ODD, _ODD),
                min_size=1, max_size=12), st.integers(2, 5), st.sampled_from(ID_SOURCES))
def test_checks_once_per_value_find_what_the_whole_frame_finds(rows, repeat, source):
    frame = _bvh_rows(rows * repeat)  # every value repeats, so the columns go per value
    if source == "hks_antecedenten":
        frame = frame.rename(columns={"bvh_id": "hks_id", "incidentdatum": "pleegdatum"})
        frame = frame.drop(columns=["registratienummer", "mk_code", "rol"])
        frame["afdoening"] = "x"
    distinct = hashing.factorized(frame)
    prepared = prepare(source, frame, distinct=distinct)
    fast = cases_per_value(source, prepared, "pleegdatum", distinct, _kolom)
    assert fast is not None  # checked per value: no fallback for these rows
    plain = validate_source(source, frame, file="x.csv")
    new = validate_source(source, frame, file="x.csv", distinct=distinct)
    pd.testing.assert_frame_equal(new.valid, plain.valid, check_exact=True)
    pd.testing.assert_frame_equal(new.quarantine, plain.quarantine, check_exact=True)


def test_a_row_failing_twice_in_one_column_is_validated_whole():
    frame = _bvh_rows([("Jansen", "J", "01-01-1980", "M", "01-01-2013", "A", "B")] * 4)
    frame["bvh_id"] = ["", "", "B2", "B3"]  # empty and repeated: two reasons under bvh_id
    frame["registratienummer"] = "R"
    distinct = hashing.factorized(frame)
    prepared = prepare("bvh_incidenten", frame, distinct=distinct)
    assert cases_per_value("bvh_incidenten", prepared, "pleegdatum", distinct, _kolom) is None
    plain = validate_source("bvh_incidenten", frame, file="x.csv")
    new = validate_source("bvh_incidenten", frame, file="x.csv", distinct=distinct)
    pd.testing.assert_frame_equal(new.quarantine, plain.quarantine, check_exact=True)
    assert plain.quarantine["kolom"].tolist() == ["bvh_id", "bvh_id"]


def test_a_column_that_hardly_repeats_is_hashed_without_codes():
    n = 400
    frame = pd.DataFrame({"bronrij": np.arange(2, n + 2),
                          "id": [f"B{i}" for i in range(n)],
                          "reg": [f"R{i}" if i % 50 else "" for i in range(n)],
                          "odd": [f"R{i}" if i % 50 else None for i in range(n)],
                          "code": [("a", "b", " ")[i % 3] for i in range(n)]}, dtype=object)
    frame["bronrij"] = frame["bronrij"].astype(np.int64)
    distinct = hashing.factorized(frame, "id")
    assert set(distinct) == {"id", "code"}  # reg and odd repeat nothing: not factorized
    expected = pd.util.hash_pandas_object(frame.drop(columns="bronrij"), index=False)
    np.testing.assert_array_equal(hashing.row_hashes(frame, distinct),
                                  expected.to_numpy(dtype=np.uint64))


def test_texts_pandas_cannot_tell_apart_take_the_plain_path() -> None:
    """pandas' string table stops at a NUL and merges lone surrogates: no shared codes."""
    from vhh.linkage.normalise.distinct import text_codes

    assert text_codes(pd.Series(["Jan\x00sen", "Jan\x00ssen"], dtype=object)) is None
    assert text_codes(pd.Series(["a\ud800", "a\ud801"], dtype=object)) is None
    codes = text_codes(pd.Series(["Jansen", "Bakker", "Jansen"], dtype=object))
    assert codes is not None and list(codes.codes) == [0, 1, 0]


@pytest.mark.parametrize("source", ["bvh_incidenten", "hks_antecedenten"])
def test_ids_taken_from_the_readers_arrow_text_are_the_ids_as_read(tmp_path, source):
    """The compact rows take their id and registratienummer from the Arrow text the reader
    kept: the same extract as from the chunks' Python strings (plain copies of the chunks,
    of which the reader made nothing), dtypes and all."""
    write_synth(generate(SynthSettings(seed=11, noise="high")), tmp_path)
    path = tmp_path / "input" / f"{source}.csv"
    table, chunks = read_source_chunks(source, path, chunk_rows=700)
    read = list(chunks)
    assert all(made_of(chunk).arrow for chunk in read)  # the fast path is taken
    plain = [chunk.copy() for chunk in read]
    assert not any(made_of(chunk).arrow for chunk in plain)
    today = dt.date(2026, 12, 1)
    fast = police.reduce_police_chunks(source, table, iter(read), today=today)
    slow = police.reduce_police_chunks(source, table, iter(plain), today=today)
    for got, expected in ((fast.validated.valid, slow.validated.valid),
                          (fast.validated.quarantine, slow.validated.quarantine),
                          (fast.identities, slow.identities)):
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert str(fast.validated.valid[ID_COLUMN[source]].dtype) == "string"
