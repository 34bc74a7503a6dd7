"""The encrypted crosswalk pseudonym → gcos_id, for the data officer only.

AES-256-GCM under a key derived for this purpose and project, with a small header (run id
and project name, JSON) as associated data, written as ``VHHX1`` + header length + header +
12-byte nonce + ciphertext. The header is readable without the key (it names no person) so
``reidentify`` needs only the key file; a wrong key, a changed header or any changed byte
fail authentication and raise :class:`CrosswalkError`. The sealing itself is
:mod:`vhh.linkage.privacy.sealed`'s, with the crosswalk's own magic and purpose.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from vhh.linkage.errors import CrosswalkError
from vhh.linkage.privacy.keys import MasterKey
from vhh.linkage.privacy.sealed import open_sealed, seal

__all__ = ["decrypt_crosswalk", "encrypt_crosswalk", "read_crosswalk"]

_MAGIC = b"VHHX1"


def encrypt_crosswalk(mapping: pd.DataFrame, master: MasterKey, project: str, run_id: str
                      ) -> bytes:
    """Encrypt a frame with columns pseudoniem, gcos_id."""
    plain = mapping.loc[:, ["pseudoniem", "gcos_id"]].to_csv(index=False).encode("utf-8")
    blob: bytes = seal(plain, master, purpose="crosswalk", magic=_MAGIC,
                       header={"run_id": run_id, "project": project})
    return blob


def decrypt_crosswalk(blob: bytes, master: MasterKey) -> tuple[dict[str, str], pd.DataFrame]:
    """(header, mapping) from an encrypted crosswalk; CrosswalkError when it does not open."""
    header, plain = open_sealed(blob, master, purpose="crosswalk", what="crosswalk",
                                magic=_MAGIC, error=CrosswalkError)
    frame = pd.read_csv(io.BytesIO(plain), dtype=str, keep_default_na=False)
    return header, frame


def read_crosswalk(path: Path, master: MasterKey) -> tuple[dict[str, str], pd.DataFrame]:
    try:
        blob = path.read_bytes()
    except FileNotFoundError:
        raise CrosswalkError(f"{path}: crosswalk file not found") from None
    return decrypt_crosswalk(blob, master)
