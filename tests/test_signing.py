"""Specification of vhh.linkage.privacy.signing: the signed manifest and its trust anchor.

Every key here is made by the tests themselves; none is real.
"""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from vhh.linkage.errors import KeyMaterialError
from vhh.linkage.privacy.keys import MasterKey
from vhh.linkage.privacy.signing import (
    PURPOSE,
    Manifest,
    ManifestError,
    TrustAnchor,
    fingerprint,
    load_public_key,
    public_key_hex,
    public_key_pem,
    sign_manifest,
    signature_holds,
    signing_key,
)

KEY_A = bytes(range(32))
KEY_B = bytes(range(100, 132))


def _manifest(key: MasterKey, project: str = "project-a") -> Manifest:
    public = signing_key(key, project).public_key()
    return Manifest(project, "0123456789abcdef", "c" * 64, key.key_id, {"vhh-linkage": "0.1.0"},
                    {"analysebestand.csv": "a" * 64, "auditrapport.json": "b" * 64},
                    public_key_hex(public), fingerprint(public))


def test_the_signing_key_is_derived_not_a_new_secret() -> None:
    one = signing_key(MasterKey(KEY_A), "project-a").public_key()
    again = signing_key(MasterKey(KEY_A), "project-a").public_key()
    assert public_key_hex(one) == public_key_hex(again)
    assert bytes.fromhex(public_key_hex(one)) != MasterKey(KEY_A).derive("pseudoniem",
                                                                          "project-a")


def test_the_signing_key_has_its_own_purpose_and_binds_the_project() -> None:
    master = MasterKey(KEY_A)
    keys = {public_key_hex(signing_key(master, p).public_key()) for p in ("a", "b")}
    keys.add(public_key_hex(signing_key(MasterKey(KEY_B), "a").public_key()))
    assert len(keys) == 3
    assert PURPOSE not in ("pseudoniem", "crosswalk")


def test_a_signed_manifest_verifies_and_any_changed_byte_does_not() -> None:
    key = MasterKey(KEY_A)
    data = _manifest(key).to_bytes()
    signature = sign_manifest(data, signing_key(key, "project-a"))
    public = signing_key(key, "project-a").public_key()
    assert signature_holds(data, signature, public)
    for at in (0, len(data) // 2, len(data) - 1):
        changed = bytearray(data)
        changed[at] ^= 0x01
        assert not signature_holds(bytes(changed), signature, public)
    assert not signature_holds(data + b" ", signature, public)      # white space counts
    assert not signature_holds(data, signature.rstrip(), public)    # so does the file's own
    assert not signature_holds(data, b"zz" * 64 + b"\n", public)


def test_a_signature_of_another_key_does_not_verify() -> None:
    data = _manifest(MasterKey(KEY_A)).to_bytes()
    forged = sign_manifest(data, Ed25519PrivateKey.generate())
    assert not signature_holds(data, forged, signing_key(MasterKey(KEY_A),
                                                         "project-a").public_key())


def test_the_manifest_reads_back_and_refuses_what_it_does_not_know() -> None:
    manifest = _manifest(MasterKey(KEY_A))
    assert Manifest.from_bytes(manifest.to_bytes()) == manifest
    for bad in (b"not json", b"[]", manifest.to_bytes().replace(b"manifest v1", b"manifest v9"),
                manifest.to_bytes().replace(b'"run_id"', b'"run"')):
        with pytest.raises(ManifestError) as info:
            Manifest.from_bytes(bad)
        assert "0123456789abcdef" not in str(info.value)  # names fields, not values
    broken = dataclasses.replace(manifest, publieke_sleutel="00")
    with pytest.raises(ManifestError):
        Manifest.from_bytes(broken.to_bytes()).public_key()


def test_the_public_key_travels_as_pem_with_its_fingerprint(tmp_path: Path) -> None:
    public = signing_key(MasterKey(KEY_A), "project-a").public_key()
    path = tmp_path / "verificatiesleutel.pem"
    path.write_bytes(public_key_pem(public))
    assert path.read_text().startswith("-----BEGIN PUBLIC KEY-----")
    assert fingerprint(load_public_key(path)) == fingerprint(public)
    assert fingerprint(public).startswith("SHA256:") and len(fingerprint(public)) == 71


def test_a_file_that_is_no_public_key_is_a_key_error(tmp_path: Path) -> None:
    path = tmp_path / "x.pem"
    path.write_text("no key here\n")
    with pytest.raises(KeyMaterialError, match="not a PEM public key"):
        load_public_key(path)
    with pytest.raises(KeyMaterialError, match="cannot read"):
        load_public_key(tmp_path / "missing.pem")


def test_both_trust_anchors_name_the_same_key_and_never_show_it() -> None:
    key = MasterKey(KEY_A, "study.key")
    public = signing_key(key, "project-a").public_key()
    inside = TrustAnchor.from_master_key(key)
    outside = TrustAnchor("public key x.pem", public=public)
    assert fingerprint(inside.public_key("project-a")) == fingerprint(
        outside.public_key("project-a"))
    assert KEY_A.hex() not in repr(inside) and "study.key" in repr(inside)
    with pytest.raises(TypeError):
        pickle.dumps(inside)
