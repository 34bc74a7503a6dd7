"""A file's bytes before any parsing: its hash, its encoding, UTF-16, a NUL byte.

Large extracts are read block by block (:data:`BLOCK`), never whole: the hash, the
encoding decision and the first NUL byte come from one pass.
"""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass
from pathlib import Path

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


class _Decodes:
    """Whether a file decodes in one codec, fed block by block; the line of a failure."""

    def __init__(self, path: Path, declared: str) -> None:
        self.path, self.declared = path, declared
        codec = "utf-8" if declared == "auto" else declared
        self.decoder = codecs.getincrementaldecoder(codec)()
        self.ok, self.lines = True, 0

    def _failed(self, line: int) -> None:
        if self.declared != "auto":
            raise InputError([Problem(
                str(self.path), f"is not valid {self.declared} text", row=line,
                hint="set [inputs] encoding = \"auto\" or the file's real encoding")])
        self.ok = False

    def feed(self, block: bytes) -> None:
        if self.ok:
            at = -1
            try:
                self.decoder.decode(block)
            except UnicodeDecodeError as exc:  # raised outside: no traceback of the bytes
                at = max(exc.start, 0)
            if at >= 0:
                self._failed(self.lines + block[:at].count(b"\n") + 1)
        self.lines += block.count(b"\n")

    def finish(self) -> bool:
        if self.ok:
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
    with path.open("rb") as handle:
        if is_utf16(handle.read(4096)):
            raise utf16_problem(str(path))
        handle.seek(0)
        while block := handle.read(BLOCK):
            digest.update(block)
            first = first or block[:3]
            empty = empty and not block.strip(BOM + b" \r\n\t")
            nul = nul or _first_nul(block, decodes.lines)
            decodes.feed(block)
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
