"""A file's bytes before any parsing: its hash, its encoding, UTF-16, a NUL byte.

Large extracts are read block by block (:data:`BLOCK`), never whole: the hash, the
encoding decision and the first NUL byte come from one pass.
"""

from __future__ import annotations

import codecs
import hashlib
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
from vhh.linkage.errors import InputError, Problem

__all__ = ["BLOCK", "BOM", "Nul", "is_utf16", "nul_problem", "scan_file", "utf16_problem"]

BOM = b"\xef\xbb\xbf"
BLOCK = 1 << 24  # 16 MiB: the unit in which large files are hashed and checked
_UTF16 = (b"\xff\xfe", b"\xfe\xff")


def is_utf16(head: bytes) -> bool:
    """A UTF-16 (or UTF-32) file: a byte order mark, or a zero in every other byte."""
    sample = head[:4096]
    return sample.startswith(_UTF16) or (len(sample) >= 4 and sample.count(0) * 4 >= len(sample))


def utf16_problem(name: str) -> InputError:
    return InputError([Problem(
        name, "is UTF-16 text (what Excel calls 'Unicode text'), which is not read", row=1,
        hint="save it again as 'CSV UTF-8' (Excel: Save as > CSV UTF-8), or convert it, e.g. "
        "iconv -f UTF-16 -t UTF-8; UTF-8 (with or without BOM) and cp1252 are read")])


def _utf8_prefix(data: bytes) -> int:
    """The length of ``data`` without a UTF-8 sequence cut off at its end (at most three
    bytes: a lead byte whose continuation bytes are in the next block)."""
    for back in range(1, min(3, len(data)) + 1):
        byte = data[-back]
        if byte & 0xC0 != 0x80:  # not a continuation byte: ASCII or a lead
            need = 2 if byte >> 5 == 0b110 else 3 if byte >> 4 == 0b1110 \
                else 4 if byte >> 3 == 0b11110 else 1
            return len(data) - back if need > back else len(data)
    return len(data)


def _valid_utf8(view: memoryview) -> bool:
    """Whether ``view`` is valid UTF-8, checked by Arrow (SIMD, no text built): the same
    answer as Python's UTF-8 decoder (overlong forms, surrogates and code points past
    U+10FFFF are refused by both; a property test holds them equal)."""
    if not len(view):
        return True
    offsets = pa.py_buffer(np.array([0, len(view)], dtype=np.int32))
    blob = pa.Array.from_buffers(pa.binary(), 1, [None, offsets, pa.py_buffer(view)])
    try:
        blob.cast(pa.string())
    except pa.ArrowInvalid:
        return False
    return True


class _Decodes:
    """Whether a file decodes in one codec, fed block by block; the line of a failure.

    UTF-8 (what "auto" tries first) is checked by :func:`_valid_utf8`; only a block that
    fails is decoded by Python, to find where. Other codecs are decoded by Python.
    """

    def __init__(self, path: Path, declared: str) -> None:
        self.path, self.declared = path, declared
        codec = "utf-8" if declared == "auto" else declared
        self.decoder = codecs.getincrementaldecoder(codec)()
        self.fast = codecs.lookup(codec).name == "utf-8"
        self.carry = b""  # fast: the bytes of a sequence the last block cut off
        self.ok, self.lines = True, 0

    def _failed(self, line: int) -> None:
        if self.declared != "auto":
            raise InputError([Problem(
                str(self.path), f"is not valid {self.declared} text", row=line,
                hint="set [inputs] encoding = \"auto\" or the file's real encoding")])
        self.ok = False

    def _error_at(self, block: bytes) -> int:
        """Where in ``block`` decoding fails, -1 if it does not (so far)."""
        if not self.fast:
            try:
                self.decoder.decode(block)
            except UnicodeDecodeError as exc:  # raised outside: no traceback of the bytes
                return max(exc.start, 0)
            return -1
        data = self.carry + block if self.carry else block
        cut = _utf8_prefix(data)
        if _valid_utf8(memoryview(data)[:cut]):
            self.carry = data[cut:]
            return -1
        try:  # the whole of data: a sequence cut at ``cut`` may be refused by what follows
            codecs.getincrementaldecoder("utf-8")().decode(data)
        except UnicodeDecodeError as exc:
            return max(exc.start - len(self.carry), 0)
        return 0  # not reached: Arrow and Python refuse the same bytes

    def feed(self, block: bytes) -> None:
        if self.ok:
            at = self._error_at(block)
            if at >= 0:
                self._failed(self.lines + block[:at].count(b"\n") + 1)
        self.lines += block.count(b"\n")

    def finish(self) -> bool:
        if self.ok:
            if self.fast and not self.carry:
                return True
            if not self.fast:
                try:
                    self.decoder.decode(b"", final=True)
                    return True
                except UnicodeDecodeError:
                    pass
            self._failed(self.lines + 1)
        return self.ok


@dataclass(frozen=True)
class Nul:
    """Where a file's first NUL byte is: its line, and the bytes of that line before it
    (to count the fields before it once the delimiter is known; never shown)."""

    line: int
    before: bytes | None  # None: the line began in an earlier block

    def __repr__(self) -> str:  # the bytes are part of a record
        return f"Nul(line {self.line})"


def _first_nul(block: bytes, lines_before: int) -> Nul | None:
    at = block.find(b"\0")
    if at < 0:
        return None
    start = block.rfind(b"\n", 0, at)
    return Nul(lines_before + block.count(b"\n", 0, at) + 1,
                block[start + 1:at] if start >= 0 or lines_before == 0 else None)


def scan_file(path: Path, declared: str) -> tuple[str, str, bool, Nul | None]:
    """sha256, encoding and emptiness of a file, read block by block (never whole), and
    where its first NUL byte is.

    The same decisions as :func:`detect_encoding` on the whole file: BOM → utf-8-sig;
    "auto" → utf-8 if every block decodes, else cp1252; a declared encoding that fails
    is an error naming the line.
    """
    digest, decodes = hashlib.sha256(), _Decodes(path, declared)
    empty, first, nul = True, b"", None
    # the hash of a block is taken in a thread (hashlib lets go of the GIL) while the
    # block is checked, and waited for before the next block is hashed
    with path.open("rb") as handle, ThreadPoolExecutor(1) as hasher:
        if is_utf16(handle.read(4096)):
            raise utf16_problem(str(path))
        handle.seek(0)
        hashed: Future[None] | None = None
        while block := handle.read(BLOCK):
            if hashed is not None:
                hashed.result()
            hashed = hasher.submit(digest.update, block)
            first = first or block[:3]
            empty = empty and not block.strip(BOM + b" \r\n\t")
            nul = nul or _first_nul(block, decodes.lines)
            decodes.feed(block)
        if hashed is not None:
            hashed.result()
    ok = decodes.finish()
    if declared != "auto":
        encoding = declared
    elif first.startswith(BOM):
        encoding = "utf-8-sig"
    else:
        encoding = "utf-8" if ok else "cp1252"
    return digest.hexdigest(), encoding, empty, nul


def nul_problem(path: Path, nul: Nul, header: str, sep: str, encoding: str) -> InputError:
    """A NUL byte stops the run: the CSV parser would end the value there without a word,
    and what follows it on the line would be lost."""
    names = [x.strip().strip('"') for x in header.split(sep)]
    column = None
    if nul.line > 1 and nul.before is not None:
        k = nul.before.decode(encoding, errors="replace").count(sep)
        column = names[k] if k < len(names) else None
    return InputError([Problem(
        str(path), "holds a NUL byte (a zero byte); a CSV reader cuts the value off there",
        row=nul.line, column=column,
        hint="remove the zero bytes from the file or export it again, then run again")])
