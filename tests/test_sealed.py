"""Sealed files of secure/: the full analysis frame opens only with its key, untouched."""

from __future__ import annotations

import secrets

import pandas as pd
import pytest
from vhh.linkage.errors import CrosswalkError, SealedFileError
from vhh.linkage.privacy.crosswalk import decrypt_crosswalk, encrypt_crosswalk
from vhh.linkage.privacy.keys import MasterKey
from vhh.linkage.privacy.sealed import (
    ANALYSIS_FRAME_PURPOSE,
    open_frame,
    open_sealed,
    read_sealed_frame,
    seal,
    seal_frame,
)
from vhh.schemas.analysis import ANALYSIS_COLUMNS

KEY = MasterKey(bytes(range(32)))


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"pseudoniem": ["v1:" + "a" * 32, "v1:" + "b" * 32],
                         "leeftijd": pd.array([17, None], dtype="Int64"),
                         "gevonden_hks": [True, False]})


def test_a_sealed_frame_round_trips_with_its_types_and_names_its_run():
    header, frame = open_frame(seal_frame(_frame(), KEY, "proj", "run123"), KEY)
    pd.testing.assert_frame_equal(frame, _frame())
    assert (header.purpose, header.project, header.run_id) == (
        ANALYSIS_FRAME_PURPOSE, "proj", "run123")


def test_a_sealed_frame_refuses_another_key():
    blob = seal_frame(_frame(), KEY, "proj", "run")
    with pytest.raises(SealedFileError, match="wrong key"):
        open_frame(blob, MasterKey(secrets.token_bytes(32)))


@pytest.mark.parametrize("where", ["header", "body", "tag"])
def test_a_sealed_frame_refuses_any_changed_byte(where):
    blob = bytearray(seal_frame(_frame(), KEY, "proj", "run"))
    at = {"header": 10, "body": len(blob) // 2, "tag": len(blob) - 1}[where]
    blob[at] ^= 0x01
    with pytest.raises(SealedFileError):
        open_frame(bytes(blob), KEY)


def test_a_sealed_file_refuses_another_purpose_and_a_crosswalk():
    blob = seal(b"x", KEY, purpose="iets_anders", header={"project": "proj", "run_id": "r"})
    with pytest.raises(SealedFileError, match="wrong key"):
        open_frame(blob, KEY)
    crosswalk = encrypt_crosswalk(pd.DataFrame({"pseudoniem": ["p"], "gcos_id": ["g"]}), KEY,
                                  "proj", "r")
    with pytest.raises(SealedFileError, match="not a vhh-linkage sealed analysis file"):
        open_frame(crosswalk, KEY)


def test_sealed_file_errors_are_crosswalk_errors_and_name_the_file(tmp_path):
    assert issubclass(SealedFileError, CrosswalkError)  # exit code 6, like the crosswalk
    with pytest.raises(SealedFileError, match="not found"):
        read_sealed_frame(tmp_path / "weg.enc", KEY)
    path = tmp_path / "kort.enc"
    path.write_bytes(b"VHHS1\x00\x02{}")
    with pytest.raises(SealedFileError, match="kort.enc: the sealed analysis file is truncated"):
        read_sealed_frame(path, KEY)


def test_the_crosswalk_format_is_unchanged_by_the_shared_sealing():
    mapping = pd.DataFrame({"pseudoniem": ["p1", "p2"], "gcos_id": ["g1", "g2"]})
    blob = encrypt_crosswalk(mapping, KEY, "proj", "run")
    assert blob.startswith(b"VHHX1") and b'{"project": "proj", "run_id": "run"}' in blob
    header, plain = open_sealed(blob, KEY, purpose="crosswalk", what="crosswalk",
                                magic=b"VHHX1")
    assert header == {"project": "proj", "run_id": "run"}
    assert decrypt_crosswalk(blob, KEY)[1].equals(mapping)


def test_the_run_seals_the_full_frame_before_disclosure_control(demo_run):
    header, frame = read_sealed_frame(demo_run.secure / "analysebestand_volledig.enc",
                                      demo_run.key)
    export = pd.read_parquet(demo_run.export / "analysebestand.parquet")
    assert header.run_id == demo_run.result.report.run_id
    assert set(frame.columns) == set(ANALYSIS_COLUMNS) - {"leeftijdsklasse"}
    assert frame["pseudoniem"].tolist() == export["pseudoniem"].tolist()
    assert frame["leeftijd"].notna().all()          # exact ages, kept inside
    assert export["leeftijd"].isna().all()          # removed from the export by protection
    assert not (demo_run.export / "analysebestand_volledig.enc").exists()
