"""CSV extracts are parsed by Arrow, a block ahead on a thread: the chunks are pandas' chunks.

The reader that pandas' parser was (``readers._chunks``) is the definition: for any file a
data officer's export can hold (quoted delimiters, quotes and line breaks in values, CRLF,
blank lines and lines of white space, a BOM, cp1252, any of the four delimiters, an empty
last field) the Arrow reader hands out the same frames, chunk for chunk. Where pandas read
a record into the wrong columns (too few fields padded, too many in the first record
shifted into the row label), the Arrow reader stops with the record's number instead.
"""

from __future__ import annotations

import csv
import io
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from vhh.linkage.errors import InputError
from vhh.linkage.io import arrow_csv, readers
from vhh.linkage.io.arrow_csv import SAMPLE, chunk_codes, repeats
from vhh.linkage.io.readers import read_source, read_source_chunks
from vhh.linkage.privacy.identifiers import IdentifierCollector
from vhh.linkage.synth.generate import generate
from vhh.linkage.synth.settings import SynthSettings
from vhh.linkage.synth.write import write_synth
from vhh.linkage.validate.hashing import factorized

_HEADER = ["gcos_id", "bespreekdatum", "opmerking"]
_SOURCE = "gcos_besprekingen"
_KEEP = ("opmerking",)  # a column the config names: read as the others


def _write(path: Path, rows: list[list[str]], *, sep: str = ";", end: str = "\n",
           encoding: str = "utf-8", blank_after: frozenset[int] = frozenset(),
           blank: str = "") -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=sep, lineterminator=end, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(_HEADER)
    for number, row in enumerate(rows):
        writer.writerow(row)
        if number in blank_after:
            buffer.write(blank + end)
    path.write_bytes(buffer.getvalue().encode(encoding))


def _both(path: Path, chunk_rows: int) -> tuple[list[pd.DataFrame], list[pd.DataFrame]]:
    """The chunks of the Arrow reader and of pandas' reader, same file and options."""
    table, _ = read_source_chunks(_SOURCE, path, chunk_rows=chunk_rows, keep=_KEEP)
    _, header_line, options = readers._csv_options(path, "auto", "auto")
    assert readers.arrow_supports(header_line)
    columns = readers._columns(list(pd.read_csv(path, nrows=0, **options).columns), None)
    args = (path, options, (_SOURCE, columns, _KEEP), chunk_rows, table,
            readers._last_record_fields(path, options))
    return list(readers._arrow_chunks(*args)), list(readers._chunks(*args))


def _same_chunks(path: Path, chunk_rows: int) -> None:
    arrow, pandas = _both(path, chunk_rows)
    assert [len(c) for c in arrow] == [len(c) for c in pandas]
    for got, want in zip(arrow, pandas, strict=True):
        pd.testing.assert_frame_equal(got, want)
        assert all(got[c].dtype == object for c in _HEADER)


_TEXT = st.text(st.characters(codec="cp1252", exclude_characters="\x00\r"), max_size=12)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_TEXT, min_size=3, max_size=3), min_size=1, max_size=25),
       sep=st.sampled_from([";", ",", "\t", "|"]), end=st.sampled_from(["\n", "\r\n"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
       blank=st.sampled_from(["", "  ", " \t"]),
       blank_after=st.frozensets(st.integers(0, 24), max_size=3),
       chunk_rows=st.integers(1, 30))
def test_any_csv_text_gives_pandas_chunks(tmp_path, rows, sep, end, encoding, blank,
                                          blank_after, chunk_rows):
    rows = [[f"S{n}", *row[1:]] for n, row in enumerate(rows)]  # a header-like first value
    blank_after = frozenset(n for n in blank_after if n < len(rows) - 1)
    if sep == "\t" and blank.strip(" ") != blank:
        blank = "  "  # a tab is a field separator then, not white space
    path = tmp_path / "besprekingen.csv"
    _write(path, rows, sep=sep, end=end, encoding=encoding, blank_after=blank_after,
           blank=blank)
    _same_chunks(path, chunk_rows)


@pytest.mark.parametrize("value", ['a;b', 'een "citaat"', "twee\nregels", "drie\r\nregels",
                                   '"', "", " ", "é ñ ü", "'t Hoen", "a\"b"])
@pytest.mark.parametrize("chunk_rows", [1, 2, 1000])
def test_quoted_values_are_read_as_written(tmp_path, value, chunk_rows):
    path = tmp_path / "besprekingen.csv"
    _write(path, [["S1", "01-01-2013", value], ["S2", "02-01-2013", "x"],
                  ["S3", value, value]])
    _same_chunks(path, chunk_rows)
    frame = read_source(_SOURCE, path, keep=_KEEP).frame
    assert frame["opmerking"].tolist() == [value, "x", value]
    assert frame["bronrij"].tolist() == [2, 3, 4]


def test_a_short_record_in_the_middle_is_named_not_padded(tmp_path):
    path = tmp_path / "besprekingen.csv"
    path.write_text("gcos_id;bespreekdatum;opmerking\nS1;01-01-2013;a\nS2;02-01-2013\n"
                    "S3;03-01-2013;c\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_source(_SOURCE, path, keep=_KEEP)
    assert str(info.value.problems[0]) == (
        f"{path}, row 3, column 'opmerking': the line has 2 of the header's 3 fields "
        f"({readers._FIELDS_HINT})")
    assert "S2" not in str(info.value) and "02-01-2013" not in str(info.value)


def test_a_long_first_record_is_named_not_shifted_into_the_row_label(tmp_path):
    path = tmp_path / "besprekingen.csv"
    path.write_text("gcos_id;bespreekdatum;opmerking\nS1;01-01-2013;a;extra\n"
                    "S2;02-01-2013;b\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_source(_SOURCE, path, keep=_KEEP)
    (problem,) = info.value.problems
    assert (problem.row, problem.column) == (2, None)
    assert problem.message == "the line has 4 of the header's 3 fields"
    assert "extra" not in str(info.value)


def test_records_past_the_listed_ones_are_counted(tmp_path):
    path = tmp_path / "besprekingen.csv"
    lines = ["gcos_id;bespreekdatum;opmerking"] + [f"S{n};01-01-2013" for n in range(30)]
    path.write_text("\n".join([*lines, "S99;01-01-2013;x", ""]), encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_source(_SOURCE, path, keep=_KEEP)
    problems = info.value.problems
    assert [p.row for p in problems[:20]] == list(range(2, 22))
    assert problems[20].message == ("10 more lines have another number of fields than the "
                                    "header")
    assert len(problems) == 21


def test_a_cut_off_last_line_is_still_named_as_cut_off(tmp_path):
    path = tmp_path / "besprekingen.csv"
    path.write_text("gcos_id;bespreekdatum;opmerking\nS1;01-01-2013;a\nS2;02-01",
                    encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_source(_SOURCE, path, keep=_KEEP)
    (problem,) = info.value.problems
    assert (problem.row, problem.column) == (3, "opmerking")
    assert problem.message.startswith("the last line is cut off: it has 2 of the header's 3")


def test_a_header_with_a_quote_is_read_by_pandas(tmp_path):
    path = tmp_path / "besprekingen.csv"
    path.write_text('gcos_id;"bespreek\ndatum";opmerking\nS1;01-01-2013;a\n', encoding="utf-8")
    _, header_line, _ = readers._csv_options(path, "auto", "auto")
    assert not readers.arrow_supports(header_line)
    frame = read_source(_SOURCE, path, rename={"bespreek\ndatum": "bespreekdatum"},
                        keep=_KEEP).frame
    assert frame["bespreekdatum"].tolist() == ["01-01-2013"]


def test_a_reader_left_early_stops_its_thread(tmp_path):
    path = tmp_path / "besprekingen.csv"
    _write(path, [[f"S{n}", "01-01-2013", "x" * 50] for n in range(200_000)])
    _, chunks = read_source_chunks(_SOURCE, path, chunk_rows=1000, keep=_KEEP)
    assert len(next(chunks)) == 1000
    chunks.close()  # as a run stopped by an error in the first chunk
    assert not [t for t in threading.enumerate() if t.name == "vhh-csv-parse"]


def _police_file(tmp_path: Path) -> Path:
    write_synth(generate(SynthSettings(seed=4)), tmp_path)
    return tmp_path / "input" / "bvh_incidenten.csv"


def test_the_reader_hands_out_the_codes_of_the_columns_that_repeat(tmp_path):
    """Arrow's dictionary of a column is pandas' factorization of it: the same codes, the
    distinct texts in the same order; made for the id and for each column whose first
    rows repeat their values, and for no frame the reader did not hand out."""
    path = _police_file(tmp_path)
    _, chunks = read_source_chunks("bvh_incidenten", path, chunk_rows=700)
    header = path.read_text("utf-8").split("\n", 1)[0].split(";")
    seen = 0
    for chunk in chunks:
        made = chunk_codes(chunk)
        head = chunk.iloc[:SAMPLE]
        read = [c for c in chunk.columns if c in header]
        expect = {c for c in read if c == "bvh_id" or repeats(head[c].nunique(), len(head))}
        assert set(made) == expect and "bvh_id" in made
        assert ("registratienummer" in made) == (len(chunk) <= 100)  # distinct, unless few
        for column, (codes, uniques) in made.items():
            want_codes, want_uniques = pd.factorize(chunk[column].to_numpy())
            np.testing.assert_array_equal(codes, want_codes)
            assert uniques.tolist() == want_uniques.tolist()
        assert chunk_codes(chunk.copy()) == {}
        seen += 1
    assert seen > 3


def test_codes_are_forgotten_with_their_chunk(tmp_path):
    path = _police_file(tmp_path)
    _, chunks = read_source_chunks("bvh_incidenten", path, chunk_rows=500)
    before = len(arrow_csv._MADE)
    for chunk in chunks:
        assert chunk_codes(chunk)
    del chunk
    assert len(arrow_csv._MADE) == before


def test_the_reader_codes_change_nothing_downstream(tmp_path):
    """What the validator and the leak scanner make of a chunk with the reader's codes is
    what they make of the same chunk without them (a copy)."""
    path = _police_file(tmp_path)
    _, chunks = read_source_chunks("bvh_incidenten", path, chunk_rows=900)
    with_codes, without = IdentifierCollector(), IdentifierCollector()
    for chunk in chunks:
        plain = chunk.copy()
        got, want = factorized(chunk, "bvh_id"), factorized(plain, "bvh_id")
        assert set(got) == set(want)
        for column in want:
            np.testing.assert_array_equal(got[column].codes, want[column].codes)
            assert got[column].uniques.tolist() == want[column].uniques.tolist()
        with_codes.add(chunk, source="bvh")
        without.add(plain, source="bvh")
    a, b = with_codes.finish(), without.finish()
    assert (a.surname_words, a.surname_phrases, a.surnames_full, a.short_surnames,
            a.initial_surnames, a.dates) == (b.surname_words, b.surname_phrases,
                                             b.surnames_full, b.short_surnames,
                                             b.initial_surnames, b.dates)
    assert a.surname_words and a.dates
    np.testing.assert_array_equal(a.ids._hashes, b.ids._hashes)


def test_a_chunk_whose_column_was_assigned_to_gets_no_codes(tmp_path):
    """The codes describe a chunk as read: a column assigned to afterwards (not done by any
    caller, but possible) makes the reader's codes and Arrow text of it be ignored."""
    path = _police_file(tmp_path)
    _, chunks = read_source_chunks("bvh_incidenten", path, chunk_rows=800)
    chunk = next(chunks)
    assert "achternaam" in chunk_codes(chunk) and arrow_csv.made_of(chunk).arrow
    chunk["achternaam"] = chunk["achternaam"].str.upper()
    assert chunk_codes(chunk) == {} and not arrow_csv.made_of(chunk).arrow
    got = factorized(chunk, "bvh_id")["achternaam"]
    assert got.uniques[got.codes].tolist() == chunk["achternaam"].tolist()
