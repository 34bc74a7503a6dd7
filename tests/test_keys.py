"""Specification of vhh.linkage.privacy.keys: the master key file, derived keys and the key
identifier.

Every key here is made by the tests themselves (random or a fixed test pattern); none is real.
"""

from __future__ import annotations

import os
import pickle
import re
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from vhh.linkage.errors import KeyMaterialError
from vhh.linkage.privacy.keys import KEY_BYTES, MasterKey, generate_key_file, load_key
from vhh.pipelines.cli import EXIT_CODES, main

KEY_A = bytes(range(32))
KEY_B = bytes(range(100, 132))


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _write_key(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text, encoding="ascii")
    os.chmod(path, mode)
    return path


# --------------------------------------------------------------------------------------------
# vhh-link keygen
# --------------------------------------------------------------------------------------------


def test_keygen_writes_32_random_bytes_as_hex(tmp_path: Path) -> None:
    key_file = tmp_path / "study.key"
    result = CliRunner().invoke(main, ["keygen", "--out", str(key_file)])
    assert result.exit_code == 0, result.output
    text = key_file.read_text(encoding="ascii").strip()
    assert re.fullmatch(r"[0-9a-f]{64}", text)
    assert len(bytes.fromhex(text)) == KEY_BYTES


def test_keygen_file_has_mode_0600(tmp_path: Path) -> None:
    key_file = tmp_path / "study.key"
    old_umask = os.umask(0)  # even a permissive umask must not open the key file
    try:
        result = CliRunner().invoke(main, ["keygen", "--out", str(key_file)])
    finally:
        os.umask(old_umask)
    assert result.exit_code == 0, result.output
    assert _mode(key_file) == 0o600


def test_keygen_prints_the_key_id_but_never_the_key(tmp_path: Path) -> None:
    key_file = tmp_path / "study.key"
    result = CliRunner().invoke(main, ["keygen", "--out", str(key_file)])
    key_hex = key_file.read_text(encoding="ascii").strip()
    assert load_key(key_file).key_id in result.output
    assert key_hex not in result.output.lower()


def test_two_keygens_give_different_keys(tmp_path: Path) -> None:
    runner = CliRunner()
    for name in ("one.key", "two.key"):
        assert runner.invoke(main, ["keygen", "--out", str(tmp_path / name)]).exit_code == 0
    assert (tmp_path / "one.key").read_text() != (tmp_path / "two.key").read_text()


def test_keygen_refuses_to_overwrite_an_existing_key(tmp_path: Path) -> None:
    key_file = tmp_path / "study.key"
    runner = CliRunner()
    assert runner.invoke(main, ["keygen", "--out", str(key_file)]).exit_code == 0
    before = key_file.read_bytes()
    result = runner.invoke(main, ["keygen", "--out", str(key_file)])
    assert result.exit_code != 0
    assert result.exit_code == EXIT_CODES[KeyMaterialError]
    assert "exists already" in result.output
    assert key_file.read_bytes() == before


def test_generate_key_file_refuses_to_overwrite_any_file(tmp_path: Path) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("not a key")
    with pytest.raises(KeyMaterialError, match="never overwritten"):
        generate_key_file(other)
    assert other.read_text() == "not a key"


def test_generate_key_file_returns_the_id_of_the_key_it_wrote(tmp_path: Path) -> None:
    key_file = tmp_path / "study.key"
    assert generate_key_file(key_file) == load_key(key_file).key_id


# --------------------------------------------------------------------------------------------
# load_key
# --------------------------------------------------------------------------------------------


def test_load_key_reads_a_0600_key_file(tmp_path: Path) -> None:
    key_file = _write_key(tmp_path / "k.key", KEY_A.hex() + "\n")
    assert load_key(key_file).key_id == MasterKey(KEY_A).key_id


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660, 0o620, 0o602])
def test_load_key_refuses_a_key_file_others_can_access(tmp_path: Path, mode: int) -> None:
    key_file = _write_key(tmp_path / "k.key", KEY_A.hex(), mode)
    with pytest.raises(KeyMaterialError) as info:
        load_key(key_file)
    message = str(info.value)
    assert "can be read by others" in message
    assert "re-identify" in message           # says why it matters
    assert "chmod 600" in message             # and what to do
    assert f"{mode:o}" in message
    assert KEY_A.hex() not in message


@pytest.mark.parametrize("mode", [0o644, 0o640])
def test_load_key_accepts_an_open_key_file_when_explicitly_allowed(tmp_path: Path,
                                                                   mode: int) -> None:
    key_file = _write_key(tmp_path / "k.key", KEY_A.hex(), mode)
    assert load_key(key_file, allow_insecure=True).key_id == MasterKey(KEY_A).key_id


@pytest.mark.parametrize("n_bytes", [0, 16, 31, 33, 64])
def test_load_key_refuses_a_key_of_the_wrong_length(tmp_path: Path, n_bytes: int) -> None:
    content = bytes(range(n_bytes)).hex() if n_bytes else "\n"
    key_file = _write_key(tmp_path / "k.key", content)
    with pytest.raises(KeyMaterialError, match="wrong length") as info:
        load_key(key_file)
    if n_bytes:
        assert content not in str(info.value)


@pytest.mark.parametrize("content", [
    "zz" * 32,                               # not hexadecimal
    KEY_A.hex()[:-1],                        # odd number of digits
    "-----BEGIN PRIVATE KEY-----\n",         # some other kind of key file
    KEY_A.hex()[:-2] + "é",                  # not ASCII
])
def test_load_key_refuses_a_file_that_is_not_hex(tmp_path: Path, content: str) -> None:
    key_file = tmp_path / "k.key"
    key_file.write_bytes(content.encode("utf-8"))
    os.chmod(key_file, 0o600)
    with pytest.raises(KeyMaterialError, match="not a vhh-linkage key file") as info:
        load_key(key_file)
    assert content.strip() not in str(info.value)


def test_load_key_reports_a_missing_file_and_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(KeyMaterialError, match="not found") as info:
        load_key(tmp_path / "nowhere.key")
    assert "vhh-link keygen" in str(info.value)


# --------------------------------------------------------------------------------------------
# MasterKey
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("show", [repr, str, format, lambda k: f"{k!r} {k!s} {k}"])
def test_master_key_repr_and_str_never_contain_the_key(show: object) -> None:
    key = MasterKey(KEY_A, "test.key")
    text = show(key)  # type: ignore[operator]
    assert KEY_A.hex() not in text.lower()
    assert KEY_A.hex()[:16] not in text.lower()
    assert str(KEY_A) not in text
    assert key.key_id in text


def test_master_key_of_the_wrong_length_is_refused_without_showing_it() -> None:
    with pytest.raises(KeyMaterialError) as info:
        MasterKey(KEY_A[:-1])
    assert KEY_A[:-1].hex() not in str(info.value)


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_master_key_is_not_picklable(protocol: int) -> None:
    with pytest.raises(TypeError, match="not picklable"):
        pickle.dumps(MasterKey(KEY_A), protocol=protocol)


def test_key_id_is_stable_for_one_key(tmp_path: Path) -> None:
    key_file = _write_key(tmp_path / "k.key", KEY_A.hex())
    assert MasterKey(KEY_A).key_id == MasterKey(KEY_A).key_id == load_key(key_file).key_id
    assert re.fullmatch(r"[0-9a-f]{16}", MasterKey(KEY_A).key_id)


def test_key_id_differs_between_keys() -> None:
    assert MasterKey(KEY_A).key_id != MasterKey(KEY_B).key_id


@pytest.mark.parametrize("key", [KEY_A, KEY_B, bytes(32), b"\xff" * 32])
def test_key_id_is_not_part_of_the_key(key: bytes) -> None:
    key_id = MasterKey(key).key_id
    key_hex = key.hex()
    assert not any(key_hex.startswith(key_id[:n]) for n in range(4, len(key_id) + 1))
    assert key_id not in key_hex


def test_derived_key_is_32_bytes_deterministic_and_not_the_master_key() -> None:
    master = MasterKey(KEY_A)
    derived = master.derive("pseudoniem", "project-a")
    assert len(derived) == KEY_BYTES
    assert derived == MasterKey(KEY_A).derive("pseudoniem", "project-a")
    assert derived != KEY_A


def test_derived_key_differs_per_purpose() -> None:
    master = MasterKey(KEY_A)
    assert master.derive("pseudoniem", "project-a") != master.derive("crosswalk", "project-a")


def test_derived_key_differs_per_project() -> None:
    master = MasterKey(KEY_A)
    assert master.derive("pseudoniem", "project-a") != master.derive("pseudoniem", "project-b")
    assert master.derive("crosswalk", "project-a") != master.derive("crosswalk", "project-b")


def test_derived_key_differs_per_master_key() -> None:
    assert (MasterKey(KEY_A).derive("pseudoniem", "project-a")
            != MasterKey(KEY_B).derive("pseudoniem", "project-a"))


# --------------------------------------------------------------------------------------------
# Keys of obviously low entropy
# --------------------------------------------------------------------------------------------

WEAK = {"all zero": bytes(32), "one repeated byte": b"\x5a" * 32,
        "fifteen distinct bytes": bytes(range(15)) * 2 + b"\x00\x01"}


@pytest.mark.parametrize("name", list(WEAK))
def test_load_key_refuses_a_key_of_low_entropy(tmp_path: Path, name: str) -> None:
    key_file = _write_key(tmp_path / "k.key", WEAK[name].hex())
    with pytest.raises(KeyMaterialError) as info:
        load_key(key_file)
    message = str(info.value)
    assert "low entropy" in message and "vhh-link keygen" in message
    assert "--allow-weak-key" in message
    assert WEAK[name].hex() not in message


@pytest.mark.parametrize("name", list(WEAK))
def test_a_weak_key_accepted_deliberately_says_so(tmp_path: Path, name: str) -> None:
    key_file = _write_key(tmp_path / "k.key", WEAK[name].hex())
    assert load_key(key_file, allow_weak=True).deviations == ("sleutel_lage_entropie",)


def test_sixteen_distinct_bytes_and_random_keys_are_not_weak(tmp_path: Path) -> None:
    sixteen = _write_key(tmp_path / "a.key", (bytes(range(16)) * 2).hex())
    assert load_key(sixteen).deviations == ()
    for n in range(20):
        made = tmp_path / f"k{n}.key"
        generate_key_file(made)
        assert load_key(made).deviations == ()


def test_an_open_key_file_accepted_deliberately_says_so(tmp_path: Path) -> None:
    key_file = _write_key(tmp_path / "k.key", KEY_A.hex(), 0o644)
    assert load_key(key_file, allow_insecure=True).deviations == ("sleutel_leesbaar_voor_anderen",)
    both = _write_key(tmp_path / "w.key", bytes(32).hex(), 0o644)
    assert load_key(both, allow_insecure=True, allow_weak=True).deviations == (
        "sleutel_leesbaar_voor_anderen", "sleutel_lage_entropie")


def test_every_deviation_a_key_can_carry_is_named_in_the_contract() -> None:
    from vhh.linkage.contract import DEVIATIONS
    from vhh.linkage.privacy.keys import LOW_ENTROPY, OPEN_FILE

    assert {LOW_ENTROPY, OPEN_FILE} <= set(DEVIATIONS)
