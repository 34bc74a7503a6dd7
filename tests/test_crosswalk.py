"""Specification of vhh.linkage.privacy.crosswalk and ``vhh-link reidentify``: the encrypted map
pseudonym -> gcos_id, which only the key holder can open and nobody can change unnoticed.

Every gcos_id here is invented; every key is made by the tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from vhh.linkage.errors import CrosswalkError
from vhh.linkage.privacy.crosswalk import decrypt_crosswalk, encrypt_crosswalk, read_crosswalk
from vhh.linkage.privacy.keys import MasterKey, generate_key_file, load_key
from vhh.linkage.privacy.pseudonyms import pseudonymise
from vhh.pipelines.cli import EXIT_CODES, main

PROJECT = "vhh-evaluatie-test"
RUN_ID = "0123456789abcdef"
GCOS_IDS = ["G900001", "G900002", "G900003", "00912", "G900005"]
KEY_A = MasterKey(bytes(range(32)))
KEY_B = MasterKey(bytes(range(100, 132)))


def _mapping(master: MasterKey = KEY_A) -> pd.DataFrame:
    ids = pd.Series(GCOS_IDS)
    return pd.DataFrame({"pseudoniem": pseudonymise(ids, master, PROJECT), "gcos_id": ids})


def _blob(master: MasterKey = KEY_A) -> bytes:
    return encrypt_crosswalk(_mapping(master), master, PROJECT, RUN_ID)


def _header_end(blob: bytes) -> int:
    return 7 + int.from_bytes(blob[5:7], "big")


# --------------------------------------------------------------------------------------------
# encrypt / decrypt
# --------------------------------------------------------------------------------------------


def test_crosswalk_round_trip_gives_back_mapping_and_header() -> None:
    header, mapping = decrypt_crosswalk(_blob(), KEY_A)
    assert header == {"run_id": RUN_ID, "project": PROJECT}
    pd.testing.assert_frame_equal(mapping, _mapping())


def test_crosswalk_keeps_leading_zeros_of_ids() -> None:
    _, mapping = decrypt_crosswalk(_blob(), KEY_A)
    assert "00912" in mapping["gcos_id"].tolist()


def test_crosswalk_of_no_subjects_round_trips() -> None:
    empty = _mapping().iloc[0:0]
    _, mapping = decrypt_crosswalk(encrypt_crosswalk(empty, KEY_A, PROJECT, RUN_ID), KEY_A)
    assert mapping.empty
    assert list(mapping.columns) == ["pseudoniem", "gcos_id"]


def test_crosswalk_file_holds_no_gcos_id_or_pseudonym_in_clear() -> None:
    blob = _blob()
    for value in [*GCOS_IDS, *_mapping()["pseudoniem"]]:
        assert value.encode() not in blob


def test_crosswalk_header_is_readable_and_names_no_person() -> None:
    blob = _blob()
    header = json.loads(blob[7:_header_end(blob)])
    assert header == {"project": PROJECT, "run_id": RUN_ID}


def test_two_encryptions_of_one_mapping_differ() -> None:
    """A fresh nonce every time: equal crosswalks are not recognisable as equal."""
    assert _blob() != _blob()


def test_crosswalk_under_a_wrong_key_raises_crosswalk_error() -> None:
    with pytest.raises(CrosswalkError, match="wrong key") as info:
        decrypt_crosswalk(_blob(), KEY_B)
    assert not any(g in str(info.value) for g in GCOS_IDS)


@pytest.mark.parametrize("mask", [0x01, 0x80, 0xFF])
def test_one_changed_byte_anywhere_raises_crosswalk_error(mask: int) -> None:
    blob = _blob()
    for position in range(len(blob)):
        changed = bytearray(blob)
        changed[position] ^= mask
        with pytest.raises(CrosswalkError):
            decrypt_crosswalk(bytes(changed), KEY_A)


def test_changed_byte_in_header_nonce_and_ciphertext_each_detected() -> None:
    """The three parts named one by one, for the auditor reading this file."""
    blob = _blob()
    end = _header_end(blob)
    parts = {"header": 8, "nonce": end + 3, "ciphertext": end + 12 + 5, "tag": len(blob) - 1}
    for position in parts.values():
        changed = bytearray(blob)
        changed[position] ^= 0x01
        with pytest.raises(CrosswalkError):
            decrypt_crosswalk(bytes(changed), KEY_A)


def test_header_naming_another_project_is_refused() -> None:
    blob = _blob()
    end = _header_end(blob)
    other = json.dumps({"project": "ander-project", "run_id": RUN_ID},
                       sort_keys=True).encode()
    forged = blob[:5] + len(other).to_bytes(2, "big") + other + blob[end:]
    with pytest.raises(CrosswalkError):
        decrypt_crosswalk(forged, KEY_A)


def test_truncated_crosswalk_raises_crosswalk_error() -> None:
    blob = _blob()
    for length in range(len(blob)):
        with pytest.raises(CrosswalkError):
            decrypt_crosswalk(blob[:length], KEY_A)


def test_appended_bytes_raise_crosswalk_error() -> None:
    with pytest.raises(CrosswalkError):
        decrypt_crosswalk(_blob() + b"\x00", KEY_A)


def test_other_file_is_not_a_crosswalk() -> None:
    with pytest.raises(CrosswalkError, match="not a vhh-linkage crosswalk"):
        decrypt_crosswalk(b"pseudoniem,gcos_id\n", KEY_A)


def test_missing_crosswalk_file_raises_crosswalk_error(tmp_path: Path) -> None:
    with pytest.raises(CrosswalkError, match="not found"):
        read_crosswalk(tmp_path / "crosswalk.enc", KEY_A)


# --------------------------------------------------------------------------------------------
# vhh-link reidentify
# --------------------------------------------------------------------------------------------


@pytest.fixture()
def secure(tmp_path: Path) -> dict[str, Path]:
    key_file = tmp_path / "study.key"
    generate_key_file(key_file)
    master = load_key(key_file)
    crosswalk = tmp_path / "crosswalk.enc"
    crosswalk.write_bytes(encrypt_crosswalk(_mapping(master), master, PROJECT, RUN_ID))
    other_key = tmp_path / "other.key"
    generate_key_file(other_key)
    return {"key": key_file, "crosswalk": crosswalk, "other_key": other_key}


def _reidentify(key: Path, crosswalk: Path, *extra: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["reidentify", "--key-file", str(key),
                                       "--crosswalk", str(crosswalk), *extra])
    return result.exit_code, result.stdout, result.stderr


def test_reidentify_prints_the_whole_mapping_as_csv(secure: dict[str, Path]) -> None:
    code, out, _ = _reidentify(secure["key"], secure["crosswalk"])
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "pseudoniem,gcos_id"
    expected = _mapping(load_key(secure["key"]))
    assert lines[1:] == [f"{p},{g}" for p, g in zip(expected["pseudoniem"],
                                                    expected["gcos_id"], strict=True)]


def test_reidentify_looks_up_one_pseudonym(secure: dict[str, Path]) -> None:
    expected = _mapping(load_key(secure["key"]))
    wanted = expected.iloc[2]
    code, out, _ = _reidentify(secure["key"], secure["crosswalk"],
                               "--pseudonym", wanted["pseudoniem"])
    assert code == 0
    assert out.strip() == wanted["gcos_id"]
    assert not any(g in out for g in GCOS_IDS if g != wanted["gcos_id"])


def test_reidentify_unknown_pseudonym_fails_without_output(secure: dict[str, Path]) -> None:
    code, out, err = _reidentify(secure["key"], secure["crosswalk"],
                                 "--pseudonym", "v1:" + "a" * 32)
    assert code == 1
    assert out == ""
    assert "not in this crosswalk" in err


def test_reidentify_with_a_wrong_key_exits_6_and_shows_no_gcos_id(
        secure: dict[str, Path]) -> None:
    code, out, err = _reidentify(secure["other_key"], secure["crosswalk"])
    assert code == EXIT_CODES[CrosswalkError] == 6
    assert "does not open" in err
    assert not any(g in out + err for g in GCOS_IDS)


def test_reidentify_on_a_tampered_file_exits_6_and_shows_no_gcos_id(
        secure: dict[str, Path]) -> None:
    blob = bytearray(secure["crosswalk"].read_bytes())
    blob[-20] ^= 0x01
    secure["crosswalk"].write_bytes(bytes(blob))
    code, out, err = _reidentify(secure["key"], secure["crosswalk"])
    assert code == 6
    assert not any(g in out + err for g in GCOS_IDS)


def test_reidentify_on_a_truncated_file_exits_6(secure: dict[str, Path]) -> None:
    secure["crosswalk"].write_bytes(secure["crosswalk"].read_bytes()[:40])
    code, out, _ = _reidentify(secure["key"], secure["crosswalk"])
    assert code == 6
    assert out == ""
