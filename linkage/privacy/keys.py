"""Key material: the master key file, per-purpose keys (HKDF) and the key identifier.

The master key is 32 random bytes in a file of its own (``vhh-link keygen``), mode 0600.
Purpose keys are derived with HKDF-SHA256, bound to the project name, so two projects
sharing a master key get unrelated pseudonyms and crosswalk keys. The key identifier is a
short HMAC of a fixed label: it tells an auditor *which* key was used, not the key.
Key bytes are never part of a repr, a log line or an exception message.

A key file that others can read, or a key with obviously low entropy (all zero, one
repeated byte, fewer than 16 distinct bytes: a typed or copied pattern, not ``keygen``'s
output), is refused unless the caller accepts it; the key then carries the names of the
deviations it was accepted with, so that the run's report records them.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from vhh.linkage.errors import KeyMaterialError

__all__ = ["KEY_BYTES", "MIN_DISTINCT_BYTES", "MasterKey", "generate_key_file", "key_weakness",
           "load_key"]

KEY_BYTES = 32
MIN_DISTINCT_BYTES = 16  # 32 random bytes hold about 30 distinct values; < 16 is no accident
_KEY_ID_LABEL = b"vhh-linkage key identifier v1"
OPEN_FILE, LOW_ENTROPY = "sleutel_leesbaar_voor_anderen", "sleutel_lage_entropie"


class MasterKey:
    """The master key in memory. Its repr and str never show the bytes."""

    __slots__ = ("_key", "deviations", "source")

    def __init__(self, key: bytes, source: str = "<memory>",
                 deviations: tuple[str, ...] = ()) -> None:
        if len(key) != KEY_BYTES:
            raise KeyMaterialError(f"{source}: a key must be exactly {KEY_BYTES} bytes")
        self._key = bytes(key)
        self.source = source
        # the weaknesses this key was accepted with (names of contract.DEVIATIONS)
        self.deviations = deviations

    def __repr__(self) -> str:
        return f"MasterKey(id={self.key_id}, source={self.source!r})"

    __str__ = __repr__

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("key material is not picklable")

    @property
    def key_id(self) -> str:
        """A 16-hex-digit identifier of this key (HMAC of a fixed label)."""
        return hmac.new(self._key, _KEY_ID_LABEL, hashlib.sha256).hexdigest()[:16]

    def derive(self, purpose: str, project: str) -> bytes:
        """A 32-byte key for ``purpose`` ("pseudoniem", "crosswalk") bound to ``project``."""
        hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES,
                    salt=hashlib.sha256(b"vhh-linkage/" + project.encode()).digest(),
                    info=f"vhh-linkage/{purpose}/v1".encode())
        return hkdf.derive(self._key)


def generate_key_file(path: Path) -> str:
    """Write a new random key to ``path`` (mode 0600); refuse to overwrite. Returns the key id."""
    key = secrets.token_bytes(KEY_BYTES)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:
        raise KeyMaterialError(
            f"{path}: exists already; a key is never overwritten "
            "(choose another name, or delete the old key deliberately)") from None
    except OSError as exc:
        raise KeyMaterialError(f"{path}: cannot create key file ({exc.strerror})") from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(key.hex().encode() + b"\n")
    os.chmod(path, 0o600)
    return MasterKey(key, str(path)).key_id


def key_weakness(key: bytes) -> str | None:
    """Why ``key`` has obviously low entropy, or None. Says nothing about the key's bytes."""
    distinct = len(set(key))
    if not any(key):
        return "every byte is zero"
    if distinct == 1:
        return "it is one byte repeated"
    if distinct < MIN_DISTINCT_BYTES:
        return (f"it holds only {distinct} distinct byte values (a random key holds about 30; "
                f"fewer than {MIN_DISTINCT_BYTES} is a pattern)")
    return None


def load_key(path: Path, *, allow_insecure: bool = False, allow_weak: bool = False
             ) -> MasterKey:
    """Read the key file; refuse a missing, open (wider than 0600), malformed or weak one.

    ``allow_insecure`` accepts an open file, ``allow_weak`` a key of low entropy; the key
    returned names each weakness it was accepted with (:attr:`MasterKey.deviations`).
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        raise KeyMaterialError(f"{path}: key file not found (make one with: vhh-link keygen "
                               "--out FILE)") from None
    deviations: list[str] = []
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        if not allow_insecure:
            raise KeyMaterialError(
                f"{path}: key file can be read by others (mode "
                f"{stat.S_IMODE(info.st_mode):o}); anyone who can read it can re-identify "
                "every pseudonym. Run 'chmod 600' on it, or pass --allow-insecure-key if you "
                "accept that risk (the report records it)")
        deviations.append(OPEN_FILE)
    key = _read_key_bytes(path)
    weakness = key_weakness(key)
    if weakness is not None:
        if not allow_weak:
            raise KeyMaterialError(
                f"{path}: the key has obviously low entropy ({weakness}), so its pseudonyms "
                "can be guessed. Make a new key with 'vhh-link keygen --out FILE', or pass "
                "--allow-weak-key if you accept that risk (the report records it)")
        deviations.append(LOW_ENTROPY)
    return MasterKey(key, str(path), tuple(deviations))


def _read_key_bytes(path: Path) -> bytes:
    try:
        raw = path.read_bytes().strip()
    except OSError as exc:  # a folder, or no read permission for this user
        raise KeyMaterialError(f"{path}: cannot read the key file ({exc.strerror})") from None
    try:
        key = bytes.fromhex(raw.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        raise KeyMaterialError(f"{path}: not a vhh-linkage key file (expected {KEY_BYTES * 2} "
                               "hexadecimal characters)") from None
    if len(key) != KEY_BYTES:
        raise KeyMaterialError(f"{path}: key has the wrong length ({len(key)} bytes, "
                               f"expected {KEY_BYTES}); make a new one with vhh-link keygen")
    return key
