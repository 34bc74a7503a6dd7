"""The signed delivery: a manifest of every export file, signed with Ed25519.

``export/manifest.json`` lists every other file of the export with its SHA-256, together
with the run id, the configuration's hash, the key id, the project and the versions of the
run that wrote them. ``export/manifest.sig`` holds the Ed25519 signature (hex) over the
manifest's exact bytes, so a changed, added or removed byte anywhere in the export - in a
data file, in the report, or in the manifest itself - no longer verifies.

The signing key is not a new secret: it is derived from the project's master key with HKDF
under its own purpose label (:data:`PURPOSE`), bound to the project like every other purpose
key. The public half is the **trust anchor**. ``vhh-link run`` writes it to
``secure/verificatiesleutel.pem`` and prints its fingerprint; the data officer hands it to
the auditor through another channel than the export (and may read the fingerprint out over
the phone). The manifest carries its own copy of the public key, but that copy proves only
that the folder is consistent with itself: anyone can re-sign a forged folder with a key of
their own. Authenticity needs an anchor from outside (:class:`TrustAnchor`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from vhh.linkage.errors import KeyMaterialError
from vhh.linkage.privacy.keys import MasterKey

__all__ = ["FORMAT", "MANIFEST", "MANIFEST_FILES", "PUBLIC_KEY_FILE", "PURPOSE", "SIGNATURE",
           "Manifest", "ManifestError", "TrustAnchor", "fingerprint", "load_public_key",
           "public_key_hex", "public_key_pem", "sign_manifest", "signature_holds", "signing_key"]

MANIFEST, SIGNATURE = "manifest.json", "manifest.sig"
MANIFEST_FILES = (MANIFEST, SIGNATURE)
PUBLIC_KEY_FILE = "verificatiesleutel.pem"   # in secure/: for the auditor, by another channel
PURPOSE = "ondertekening"
FORMAT = "vhh-linkage manifest v1"
# signed bytes = context + manifest: a signature made for anything else never fits
_CONTEXT = b"vhh-linkage signed export manifest v1\n"
_HEX_SIGNATURE = 128


class ManifestError(ValueError):
    """A manifest that cannot be read; the message names the field, never a value."""


@dataclass(frozen=True)
class Manifest:
    """What the signature covers: every export file's SHA-256 and the run's provenance."""

    project: str
    run_id: str
    configuratie_sha256: str
    sleutel_id: str
    versies: Mapping[str, str]
    bestanden: Mapping[str, str]
    publieke_sleutel: str          # the raw Ed25519 public key, hex (a copy: not an anchor)
    vingerafdruk: str
    formaat: str = FORMAT

    def to_bytes(self) -> bytes:
        data = {"formaat": self.formaat, "project": self.project, "run_id": self.run_id,
                "configuratie_sha256": self.configuratie_sha256,
                "sleutel_id": self.sleutel_id, "versies": dict(self.versies),
                "bestanden": dict(sorted(self.bestanden.items())),
                "ondertekening": {"algoritme": "Ed25519",
                                  "publieke_sleutel": self.publieke_sleutel,
                                  "vingerafdruk": self.vingerafdruk}}
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> Manifest:
        """The manifest in ``data``; :class:`ManifestError` if it is not one this version reads."""
        try:
            doc = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise ManifestError(f"{MANIFEST} is not JSON text") from None
        if not isinstance(doc, dict) or doc.get("formaat") != FORMAT:
            raise ManifestError(f"{MANIFEST}: 'formaat' is not '{FORMAT}'")
        signing = _table(doc, "ondertekening")
        if signing.get("algoritme") != "Ed25519":
            raise ManifestError(f"{MANIFEST}: ondertekening.algoritme is not Ed25519")
        return cls(_text(doc, "project"), _text(doc, "run_id"),
                   _text(doc, "configuratie_sha256"), _text(doc, "sleutel_id"),
                   _texts(doc, "versies"), _texts(doc, "bestanden"),
                   _text(signing, "publieke_sleutel"), _text(signing, "vingerafdruk"))

    def public_key(self) -> Ed25519PublicKey:
        """The manifest's own copy of the public key (consistency only, never an anchor)."""
        try:
            return Ed25519PublicKey.from_public_bytes(bytes.fromhex(self.publieke_sleutel))
        except ValueError:
            raise ManifestError(f"{MANIFEST}: ondertekening.publieke_sleutel is not an "
                                "Ed25519 public key") from None


def _table(doc: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = doc.get(name)
    if not isinstance(value, dict):
        raise ManifestError(f"{MANIFEST}: the field '{name}' is missing or not an object")
    return value


def _text(doc: Mapping[str, Any], name: str) -> str:
    value = doc.get(name)
    if not isinstance(value, str):
        raise ManifestError(f"{MANIFEST}: the field '{name}' is missing or not text")
    return value


def _texts(doc: Mapping[str, Any], name: str) -> dict[str, str]:
    table = _table(doc, name)
    if not all(isinstance(v, str) for v in table.values()):
        raise ManifestError(f"{MANIFEST}: every value of '{name}' must be text")
    return {str(k): str(v) for k, v in table.items()}


def signing_key(key: MasterKey, project: str) -> Ed25519PrivateKey:
    """The project's signing key, derived from the master key (no new secret)."""
    return Ed25519PrivateKey.from_private_bytes(key.derive(PURPOSE, project))


def _raw(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def fingerprint(public: Ed25519PublicKey) -> str:
    """``SHA256:`` and the hex SHA-256 of the raw public key: short enough to read aloud."""
    return "SHA256:" + hashlib.sha256(_raw(public)).hexdigest()


def public_key_hex(public: Ed25519PublicKey) -> str:
    return _raw(public).hex()


def public_key_pem(public: Ed25519PublicKey) -> bytes:
    """The public key as PEM (SubjectPublicKeyInfo), as ``openssl pkey -pubin`` reads it."""
    return public.public_bytes(serialization.Encoding.PEM,
                               serialization.PublicFormat.SubjectPublicKeyInfo)


def load_public_key(path: Path) -> Ed25519PublicKey:
    """An Ed25519 public key from a PEM file (``secure/verificatiesleutel.pem``)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KeyMaterialError(f"{path}: cannot read the public key ({exc.strerror})") from None
    try:
        public = serialization.load_pem_public_key(data)
    except ValueError:
        raise KeyMaterialError(f"{path}: not a PEM public key (use the "
                               f"{PUBLIC_KEY_FILE} that vhh-link run wrote)") from None
    if not isinstance(public, Ed25519PublicKey):
        raise KeyMaterialError(f"{path}: not an Ed25519 public key")
    return public


def sign_manifest(manifest: bytes, private: Ed25519PrivateKey) -> bytes:
    """The contents of ``manifest.sig``: the signature in hex and a newline."""
    return private.sign(_CONTEXT + manifest).hex().encode("ascii") + b"\n"


def signature_holds(manifest: bytes, signature: bytes, public: Ed25519PublicKey) -> bool:
    """Whether ``signature`` (the bytes of ``manifest.sig``) signs ``manifest`` under ``public``.

    The file must be exactly what :func:`sign_manifest` writes: a changed byte, also white
    space, is a failure.
    """
    text = signature.decode("ascii", errors="replace")
    if len(text) != _HEX_SIGNATURE + 1 or not text.endswith("\n"):
        return False
    try:
        public.verify(bytes.fromhex(text[:-1]), _CONTEXT + manifest)
    except (ValueError, InvalidSignature):
        return False
    return True


class TrustAnchor:
    """Who a delivery must be signed by: a public key from a file, or the project's key.

    ``vhh-link verify --public-key FILE`` (an auditor elsewhere) or ``--key-file K`` (inside
    the secure environment, where the signing key is derived again for the manifest's
    project). Its repr names the source, never key material.
    """

    __slots__ = ("_key", "_public", "source")

    def __init__(self, source: str, *, public: Ed25519PublicKey | None = None,
                 key: MasterKey | None = None) -> None:
        if (public is None) == (key is None):
            raise ValueError("a trust anchor is a public key or a master key")
        self.source, self._public, self._key = source, public, key

    @classmethod
    def from_public_key_file(cls, path: Path) -> TrustAnchor:
        return cls(f"public key {path}", public=load_public_key(path))

    @classmethod
    def from_master_key(cls, key: MasterKey) -> TrustAnchor:
        return cls(f"key file {key.source}", key=key)

    def public_key(self, project: str) -> Ed25519PublicKey:
        """The public key a delivery of ``project`` must be signed with."""
        if self._key is not None:
            return signing_key(self._key, project).public_key()
        if self._public is None:  # pragma: no cover - the constructor holds one of the two
            raise ValueError("a trust anchor without a key")
        return self._public

    def __repr__(self) -> str:
        return f"TrustAnchor({self.source})"

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("a trust anchor is not picklable")
