"""Write generated data to disk: ``input/`` (the four extracts) and ``truth/``.

CSV follows the demo's conventions so that the readers' detection is exercised: the GCOS
extracts and BVH are UTF-8 with ";", HKS is cp1252 with "," and Windows line ends. Values
holding the delimiter are quoted. Every file is written to a temporary name in its own
folder and then moved into place (``os.replace``), so a reader never sees half a file.
"""

from __future__ import annotations

import csv
import io
import json
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from vhh.linkage.synth.generate import SynthData, Truth

__all__ = ["CSV_DIALECTS", "ExtractAppender", "csv_bytes", "write_input", "write_synth",
           "write_truth"]

INPUTS = ("gcos_subjecten", "gcos_besprekingen", "bvh_incidenten", "hks_antecedenten")
CSV_DIALECTS = {
    "gcos_subjecten": ("utf-8", ";", "\n"),
    "gcos_besprekingen": ("utf-8", ";", "\n"),
    "bvh_incidenten": ("utf-8", ";", "\n"),
    "hks_antecedenten": ("cp1252", ",", "\r\n"),
}
TRUTH_CSV = ("links", "subjects", "traps", "quarantine", "expected_counts")
FORMATS = ("csv", "parquet")


def _temporary(path: Path) -> Path:
    """A fresh unique name next to ``path``, for the writer itself to create (so the file
    gets the usual permissions; mkstemp would make it private)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.parent / f".{path.name}.{os.getpid()}.{uuid.uuid4().hex}.tmp"


def _atomic(path: Path, write: Callable[[Path], None]) -> Path:
    """Run ``write`` on a temporary file next to ``path``, then move it into place."""
    tmp = _temporary(path)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _csv(frame: pd.DataFrame, path: Path, encoding: str = "utf-8", sep: str = ";",
         lineterminator: str = "\n") -> Path:
    return _atomic(path, lambda tmp: frame.to_csv(
        tmp, sep=sep, encoding=encoding, lineterminator=lineterminator, index=False,
        quoting=csv.QUOTE_MINIMAL, errors="strict"))


def _parquet(frame: pd.DataFrame, path: Path) -> Path:
    return _atomic(path, lambda tmp: frame.astype(str).to_parquet(tmp, index=False))


def _json(data: dict[str, int], path: Path) -> Path:
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    return _atomic(path, write)


def write_input(frame: pd.DataFrame, name: str, out_dir: Path, fmt: str = "csv") -> Path:
    """Write one extract to ``out_dir/input`` in its CSV dialect (or as Parquet)."""
    if fmt == "csv":
        encoding, sep, end = CSV_DIALECTS[name]
        return _csv(frame, out_dir / "input" / f"{name}.csv", encoding, sep, end)
    return _parquet(frame, out_dir / "input" / f"{name}.parquet")


def write_truth(truth: Truth | SynthData, out_dir: Path) -> dict[str, Path]:
    """Write the truth to ``out_dir/truth``: CSV (UTF-8, ";") and ``expected_funnel.json``."""
    written = {name: _csv(getattr(truth, name), out_dir / "truth" / f"{name}.csv")
               for name in TRUTH_CSV}
    written["expected_funnel"] = _json(truth.expected_funnel,
                                       out_dir / "truth" / "expected_funnel.json")
    return written


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(FORMATS)}, not {fmt!r}")


def write_synth(data: SynthData, out_dir: Path, fmt: str = "csv") -> dict[str, Path]:
    """Write the extracts to ``out_dir/input`` and the truth to ``out_dir/truth``.

    ``fmt`` is "csv" or "parquet" for the four extracts; the truth is always CSV (UTF-8,
    ";") plus ``truth/expected_funnel.json``. Returns name -> path of every file written.
    """
    _check_format(fmt)
    out_dir = Path(out_dir)
    written = {name: write_input(getattr(data, name), name, out_dir, fmt) for name in INPUTS}
    return {**written, **write_truth(data, out_dir)}


def _arrow_csv(frame: pd.DataFrame, sep: str, end: str) -> bytes | None:
    """The rows as UTF-8 CSV by Arrow's writer (several times faster than Python's) when
    no value needs quoting; None when one does."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    try:
        options = pa_csv.WriteOptions(include_header=False, delimiter=sep,
                                      quoting_style="none", eol=end)
    except TypeError:  # a pyarrow without these options
        return None
    sink = pa.BufferOutputStream()
    try:
        pa_csv.write_csv(pa.Table.from_pandas(frame, preserve_index=False), sink, options)
    except pa.ArrowInvalid:  # a value holds the delimiter, a quote or a line end
        return None
    return bytes(sink.getvalue())


def csv_bytes(frame: pd.DataFrame, name: str, header: bool = False) -> bytes:
    """The rows of ``frame`` (text columns) in the dialect of extract ``name``: the same
    bytes as :func:`write_synth` writes for them."""
    encoding, sep, end = CSV_DIALECTS[name]
    fast = None if header or frame.empty else _arrow_csv(frame, sep, end)
    if fast is not None:
        return fast if encoding == "utf-8" else fast.decode("utf-8").encode(encoding)
    text = io.StringIO()
    writer = csv.writer(text, delimiter=sep, lineterminator=end, quoting=csv.QUOTE_MINIMAL)
    if header:
        writer.writerow(frame.columns)
    writer.writerows(zip(*(frame[c].to_numpy() for c in frame.columns), strict=True))
    return text.getvalue().encode(encoding, errors="strict")


class ExtractAppender:
    """One extract written batch by batch: to a temporary file, moved into place by
    :meth:`close` (and removed by :meth:`discard`), so a reader never sees half a file.

    CSV batches are written in the extract's dialect with the same quoting as
    :func:`write_synth`; Parquet batches become row groups of one file.
    """

    def __init__(self, name: str, out_dir: Path, fmt: str = "csv") -> None:
        _check_format(fmt)
        self.path = Path(out_dir) / "input" / f"{name}.{fmt}"
        self.rows = 0
        self._name, self._fmt = name, fmt
        self._tmp = _temporary(self.path)
        self._file: io.BufferedWriter | None = None
        self._writer: Any = None

    def append(self, frame: pd.DataFrame) -> None:
        if self._fmt == "csv":
            self._append_csv(frame)
        else:
            self._append_parquet(frame)
        self.rows += len(frame)

    def _append_csv(self, frame: pd.DataFrame) -> None:
        if self._file is None:
            self._file = open(self._tmp, "wb")  # noqa: SIM115 - closed by close/discard
            self._file.write(csv_bytes(frame.head(0), self._name, header=True))
        self._file.write(csv_bytes(frame, self._name))

    def _append_parquet(self, frame: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(frame.astype(str), preserve_index=False)
        if self._writer is None:
            self._writer = pq.ParquetWriter(self._tmp, table.schema)
        self._writer.write_table(table)

    def _finish(self) -> None:
        if self._file is not None:
            self._file.close()
        elif self._writer is not None:
            self._writer.close()

    def close(self) -> Path:
        """Finish the file and move it into place."""
        self._finish()
        os.replace(self._tmp, self.path)
        return self.path

    def discard(self) -> None:
        """Drop the unfinished file."""
        self._finish()
        self._tmp.unlink(missing_ok=True)
