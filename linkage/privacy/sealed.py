"""Sealed files: bytes encrypted for one purpose and one project, for ``secure/`` only.

AES-256-GCM under a key derived with :meth:`MasterKey.derive` for the file's purpose and
the project, with a small JSON header (purpose, project, run id; never a person) as
associated data. The layout is ``MAGIC`` (5 bytes) + header length (2 bytes, big endian)
+ header + 12-byte nonce + ciphertext with its 16-byte tag. The header is readable without
the key, so a tool can say which run a file belongs to; a wrong key, a changed header or any
changed byte fails authentication and raises the caller's error class.

The crosswalk (:mod:`vhh.linkage.privacy.crosswalk`) is one such file. The other is the
full-resolution analysis frame, written before disclosure protection so that
``vhh-link analyse --run`` can work on exact ages inside the secure environment; it holds
pseudonyms, never GCOS ids.
"""

from __future__ import annotations

import io
import json
import os
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from vhh.linkage.errors import CrosswalkError, SealedFileError
from vhh.linkage.privacy.keys import MasterKey

__all__ = ["ANALYSIS_FRAME_PURPOSE", "SEALED_MAGIC", "SealedHeader", "open_frame",
           "open_sealed", "read_sealed_frame", "seal", "seal_frame"]

SEALED_MAGIC = b"VHHS1"
ANALYSIS_FRAME_PURPOSE = "analysebestand_volledig"
_NONCE, _TAG = 12, 16


@dataclass(frozen=True)
class SealedHeader:
    """What a sealed file says about itself without the key (no personal data)."""

    purpose: str
    project: str
    run_id: str


def seal(plain: bytes, master: MasterKey, *, purpose: str, header: Mapping[str, str],
         magic: bytes = SEALED_MAGIC) -> bytes:
    """Encrypt ``plain`` under the key for ``purpose`` and ``header['project']``."""
    aad = json.dumps(dict(header), sort_keys=True).encode("utf-8")
    nonce = os.urandom(_NONCE)
    key = master.derive(purpose, str(header["project"]))
    return magic + struct.pack(">H", len(aad)) + aad + nonce + AESGCM(key).encrypt(
        nonce, plain, aad)


def open_sealed(blob: bytes, master: MasterKey, *, purpose: str, what: str,
                magic: bytes = SEALED_MAGIC,
                error: type[CrosswalkError] = SealedFileError) -> tuple[dict[str, str], bytes]:
    """(header, plaintext) of a sealed file; ``error`` (naming ``what``) when it does not open."""
    start = len(magic) + 2
    if not blob.startswith(magic) or len(blob) < start:
        raise error(f"not a vhh-linkage {what} file")
    (n,) = struct.unpack(">H", blob[len(magic):start])
    if len(blob) < start + n + _NONCE + _TAG:
        raise error(f"the {what} file is truncated")
    aad = blob[start:start + n]
    nonce, sealed = blob[start + n:start + n + _NONCE], blob[start + n + _NONCE:]
    try:
        header = json.loads(aad.decode("utf-8"))
        project = str(header["project"])
    except (UnicodeDecodeError, ValueError, KeyError, TypeError):
        raise error(f"the {what} header is damaged") from None
    try:
        plain = AESGCM(master.derive(purpose, project)).decrypt(nonce, sealed, aad)
    except InvalidTag:
        raise error(f"the {what} does not open: wrong key or project name, or the file was "
                    "changed (authentication failed)") from None
    return {str(k): str(v) for k, v in header.items()}, plain


def seal_frame(frame: pd.DataFrame, master: MasterKey, project: str, run_id: str,
               purpose: str = ANALYSIS_FRAME_PURPOSE) -> bytes:
    """A data frame (Parquet inside, so types survive) sealed for ``purpose``."""
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    header = {"purpose": purpose, "project": project, "run_id": run_id}
    return seal(buffer.getvalue(), master, purpose=purpose, header=header)


def open_frame(blob: bytes, master: MasterKey, purpose: str = ANALYSIS_FRAME_PURPOSE
               ) -> tuple[SealedHeader, pd.DataFrame]:
    """The header and frame of :func:`seal_frame`; refuses a file sealed for another purpose."""
    header, plain = open_sealed(blob, master, purpose=purpose, what="sealed analysis")
    if header.get("purpose") != purpose:  # pragma: no cover - the key would differ already
        raise SealedFileError(f"the sealed file is not a {purpose} file")
    frame = pd.read_parquet(io.BytesIO(plain))
    return SealedHeader(purpose, header.get("project", ""), header.get("run_id", "")), frame


def read_sealed_frame(path: Path, master: MasterKey,
                      purpose: str = ANALYSIS_FRAME_PURPOSE) -> tuple[SealedHeader, pd.DataFrame]:
    """:func:`open_frame` on a file; SealedFileError names the file when it is missing."""
    try:
        blob = path.read_bytes()
    except FileNotFoundError:
        raise SealedFileError(f"{path}: sealed file not found") from None
    except OSError as exc:
        raise SealedFileError(f"{path}: cannot read the sealed file ({exc.strerror})") from None
    try:
        return open_frame(blob, master, purpose)
    except SealedFileError as err:
        raise SealedFileError(f"{path}: {err}") from None
