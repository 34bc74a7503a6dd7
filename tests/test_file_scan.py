"""The scan of a file's bytes before parsing: its encoding decided (and a wrongly declared
one named by line) the same way as Python's own UTF-8 decoder over the whole file, however
the file falls into blocks; the hash is the file's sha256."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vhh.linkage.errors import InputError
from vhh.linkage.io import scan

# text that is valid UTF-8, and the bytes that break it in every way: lone continuation
# bytes, cut sequences, overlong forms, surrogates, code points past U+10FFFF, cp1252
_PIECES = st.sampled_from([
    b"a", b";", b"\n", b"\r\n", "é".encode(), "ĳ".encode(), "€".encode(), "😀".encode(),
    b"\x80", b"\xbf", b"\xc3", b"\xe2\x82", b"\xf0\x9f\x98", b"\xc0\xaf", b"\xe0\x80\xaf",
    b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xf5", b"\xff", "é".encode("cp1252"),
])


def _python_line(data: bytes) -> int | None:
    """The line of the first byte Python's decoder refuses (None: the file decodes)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return data[:exc.start].count(b"\n") + 1
    return None


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=60).map(b"".join),
       st.sampled_from([1, 2, 3, 5, 16, 1 << 24]))
def test_the_encoding_is_decided_as_python_decodes_the_whole_file(tmp_path_factory, data,
                                                                   block):
    path = tmp_path_factory.mktemp("scan") / "bvh.csv"
    path.write_bytes(b"id\n" + data)
    expected = _python_line(b"id\n" + data)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scan, "BLOCK", block)
        digest, encoding, _, _ = scan.scan_file(path, "auto")
        assert digest == hashlib.sha256(b"id\n" + data).hexdigest()
        assert encoding == ("utf-8" if expected is None else "cp1252")
        if expected is None:
            assert scan.scan_file(path, "utf-8")[1] == "utf-8"
            return
        with pytest.raises(InputError) as err:
            scan.scan_file(path, "utf-8")
    # the line Python names, or (a sequence cut off by the end of a block and refused in
    # the next) the line where that block's bytes continue it: never a later line
    problem = err.value.problems[0]
    assert problem.row == expected, (problem.row, expected, block)


def test_a_sequence_cut_by_the_end_of_the_file_is_not_utf8(tmp_path):
    path = tmp_path / "hks.csv"
    path.write_bytes("hks_id\nH1;Çelik".encode() + b"\xe2\x82")
    assert scan.scan_file(path, "auto")[1] == "cp1252"
    with pytest.raises(InputError) as err:
        scan.scan_file(path, "utf-8")
    assert err.value.problems[0].row == 2


def test_a_block_boundary_inside_a_character_is_not_an_error(tmp_path, monkeypatch):
    monkeypatch.setattr(scan, "BLOCK", 4)
    path = tmp_path / "hks.csv"
    path.write_bytes("id\nRuïz-Çelik €😀\n".encode())
    assert scan.scan_file(path, "utf-8")[1] == "utf-8"
    assert scan.scan_file(path, "auto")[1] == "utf-8"
