"""Write generated data to disk: ``input/`` (the four extracts) and ``truth/``.

CSV follows the demo's conventions so that the readers' detection is exercised: the GCOS
extracts and BVH are UTF-8 with ";", HKS is cp1252 with "," and Windows line ends. Values
holding the delimiter are quoted. Every file is written to a temporary name in its own
folder and then moved into place (``os.replace``), so a reader never sees half a file.
"""

from __future__ import annotations

import csv
import json
import os
import uuid
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from linkage.synth.generate import SynthData

__all__ = ["CSV_DIALECTS", "write_synth"]

INPUTS = ("gcos_subjecten", "gcos_besprekingen", "bvh_incidenten", "hks_antecedenten")
CSV_DIALECTS = {
    "gcos_subjecten": ("utf-8", ";", "\n"),
    "gcos_besprekingen": ("utf-8", ";", "\n"),
    "bvh_incidenten": ("utf-8", ";", "\n"),
    "hks_antecedenten": ("cp1252", ",", "\r\n"),
}
TRUTH_CSV = ("links", "subjects", "quarantine", "expected_counts")
FORMATS = ("csv", "parquet")


def _atomic(path: Path, write: Callable[[Path], None]) -> Path:
    """Run ``write`` on a temporary file next to ``path``, then move it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # A fresh unique name, created by the writer itself so the file gets the usual
    # permissions (mkstemp would make it private).
    tmp = path.parent / f".{path.name}.{os.getpid()}.{uuid.uuid4().hex}.tmp"
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


def write_synth(data: SynthData, out_dir: Path, fmt: str = "csv") -> dict[str, Path]:
    """Write the extracts to ``out_dir/input`` and the truth to ``out_dir/truth``.

    ``fmt`` is "csv" or "parquet" for the four extracts; the truth is always CSV (UTF-8,
    ";") plus ``truth/expected_funnel.json``. Returns name -> path of every file written.
    """
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(FORMATS)}, not {fmt!r}")
    out_dir = Path(out_dir)
    written: dict[str, Path] = {}
    for name in INPUTS:
        frame = getattr(data, name)
        if fmt == "csv":
            encoding, sep, end = CSV_DIALECTS[name]
            written[name] = _csv(frame, out_dir / "input" / f"{name}.csv", encoding, sep, end)
        else:
            written[name] = _parquet(frame, out_dir / "input" / f"{name}.parquet")
    for name in TRUTH_CSV:
        written[name] = _csv(getattr(data, name), out_dir / "truth" / f"{name}.csv")
    written["expected_funnel"] = _json(data.expected_funnel,
                                       out_dir / "truth" / "expected_funnel.json")
    return written
