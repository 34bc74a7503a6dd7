"""Keyed-hash pseudonyms: HMAC-SHA256 over the canonical subject identifier.

``v1:`` + the first 20 bytes of HMAC-SHA256(pseudonym key, "gcos:" + gcos_id), in
lower-case base32 without padding (32 characters). Deterministic under one key and
project, so next year's extract joins to this year's; unrelated under another key or
project name (the pseudonym key is derived with HKDF, see :mod:`vhh.linkage.privacy.keys`). The
version prefix lets us retire the algorithm later without confusing old and new.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

import pandas as pd
from vhh.linkage.privacy.keys import MasterKey

__all__ = ["PSEUDONYM_VERSION", "pseudonymise", "pseudonym"]

PSEUDONYM_VERSION = "v1"


def canonical_subject_id(gcos_id: str) -> bytes:
    return ("gcos:" + str(gcos_id).strip()).encode("utf-8")


def pseudonym(key: bytes, gcos_id: str) -> str:
    """The pseudonym of one subject under a derived pseudonym key."""
    digest = hmac.new(key, canonical_subject_id(gcos_id), hashlib.sha256).digest()[:20]
    return f"{PSEUDONYM_VERSION}:" + base64.b32encode(digest).decode("ascii").lower()


def pseudonymise(gcos_ids: pd.Series, master: MasterKey, project: str) -> pd.Series:
    """Pseudonyms for a column of gcos_ids (same index)."""
    key = master.derive("pseudoniem", project)
    return gcos_ids.map(lambda g: pseudonym(key, g))
