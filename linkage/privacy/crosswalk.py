"""The encrypted crosswalk pseudonym → gcos_id, for the data officer only.

AES-256-GCM under a key derived for this purpose and project, with a small header (run id
and project name, JSON) as associated data, written as ``VHHX1`` + header length + header +
12-byte nonce + ciphertext. The header is readable without the key (it names no person) so
``reidentify`` needs only the key file; a wrong key, a changed header or any changed byte
fail authentication and raise :class:`CrosswalkError`.
"""

from __future__ import annotations

import io
import json
import os
import struct
from pathlib import Path

import pandas as pd
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from vhh.linkage.errors import CrosswalkError
from vhh.linkage.privacy.keys import MasterKey

__all__ = ["decrypt_crosswalk", "encrypt_crosswalk", "read_crosswalk"]

_MAGIC = b"VHHX1"


def encrypt_crosswalk(mapping: pd.DataFrame, master: MasterKey, project: str, run_id: str
                      ) -> bytes:
    """Encrypt a frame with columns pseudoniem, gcos_id."""
    plain = mapping.loc[:, ["pseudoniem", "gcos_id"]].to_csv(index=False).encode("utf-8")
    nonce = os.urandom(12)
    aad = json.dumps({"run_id": run_id, "project": project}, sort_keys=True).encode("utf-8")
    sealed = AESGCM(master.derive("crosswalk", project)).encrypt(nonce, plain, aad)
    return _MAGIC + struct.pack(">H", len(aad)) + aad + nonce + sealed


def decrypt_crosswalk(blob: bytes, master: MasterKey) -> tuple[dict[str, str], pd.DataFrame]:
    """(header, mapping) from an encrypted crosswalk; CrosswalkError when it does not open."""
    if not blob.startswith(_MAGIC) or len(blob) < len(_MAGIC) + 2:
        raise CrosswalkError("not a vhh-linkage crosswalk file")
    (n,) = struct.unpack(">H", blob[5:7])
    if len(blob) < 7 + n + 12 + 16:  # header, nonce and the 16-byte tag at the least
        raise CrosswalkError("the crosswalk file is truncated")
    aad, nonce, sealed = blob[7:7 + n], blob[7 + n:19 + n], blob[19 + n:]
    try:
        header = json.loads(aad.decode("utf-8"))
        project = str(header["project"])
    except (UnicodeDecodeError, ValueError, KeyError, TypeError):
        raise CrosswalkError("the crosswalk header is damaged") from None
    try:
        plain = AESGCM(master.derive("crosswalk", project)).decrypt(nonce, sealed, aad)
    except InvalidTag:
        raise CrosswalkError(
            "the crosswalk does not open: wrong key or project name, or the file was changed "
            "(authentication failed)") from None
    frame = pd.read_csv(io.BytesIO(plain), dtype=str, keep_default_na=False)
    return header, frame


def read_crosswalk(path: Path, master: MasterKey) -> tuple[dict[str, str], pd.DataFrame]:
    try:
        blob = path.read_bytes()
    except FileNotFoundError:
        raise CrosswalkError(f"{path}: crosswalk file not found") from None
    return decrypt_crosswalk(blob, master)
