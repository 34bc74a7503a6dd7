"""Compare two run folders file by file, ignoring only what must differ between runs.

Two runs on the same inputs with the same key must write the same files. What may differ:
the clock (``start``, ``eind``, ``tijden``), the creation time pyreadstat stamps into a
``.sav`` (so its hash in the report and the manifest too, and the manifest's signature),
and the random AES-GCM nonce of the crosswalk and of the sealed full analysis frame (so
they are compared decrypted). Everything else must be
byte-identical.

    python tests/run_diff.py RUN_A RUN_B --key-file RUN_A/demo.key
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pyreadstat

_CLOCK_KEYS = ("start", "eind", "tijden")
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")


def _json(data: bytes, ignore: tuple[str, ...] = ()) -> Any:
    doc = json.loads(data)
    if isinstance(doc, dict):
        for key in (*_CLOCK_KEYS, *ignore):
            doc.pop(key, None)
        files = doc.get("bestanden")
        if isinstance(files, dict):
            files.pop("analysebestand.sav", None)  # report and manifest: the .sav's stamp
            for report in ("auditrapport.json", "auditrapport.html"):  # the manifest: clocks
                files.pop(report, None)
    return doc


def _html(data: bytes, sav_hashes: set[str]) -> str:
    text = _TIMESTAMP.sub("<tijd>", data.decode("utf-8"))
    text = re.sub(r"<h2>Tijden</h2>.*?</table>", "<tijden>", text, flags=re.S)
    for digest in sav_hashes:
        text = text.replace(digest, "<sav>")
    return text


def _sav(path: Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    frame, meta = pyreadstat.read_sav(str(path))
    keep = ("column_names", "column_labels", "variable_value_labels", "variable_measure",
            "readstat_variable_types", "variable_display_width", "original_variable_types")
    return frame, {k: getattr(meta, k) for k in keep}


def _sav_hashes(run: Path) -> set[str]:
    out = set()
    for name in ("export/auditrapport.json",):
        path = run / name
        if path.exists():
            files = json.loads(path.read_bytes()).get("bestanden", {})
            if "analysebestand.sav" in files:
                out.add(files["analysebestand.sav"])
    return out


def _crosswalk(path: Path, key_file: Path | None) -> object:
    if key_file is None:
        return None  # cannot be compared without the key; its size is compared instead
    from vhh.linkage.privacy.crosswalk import read_crosswalk
    from vhh.linkage.privacy.keys import load_key

    header, mapping = read_crosswalk(path, load_key(key_file))
    return header, mapping.to_dict(orient="list")


def _sealed_frame(path: Path, key_file: Path | None) -> object:
    if key_file is None:
        return None
    from vhh.linkage.privacy.keys import load_key
    from vhh.linkage.privacy.sealed import read_sealed_frame

    header, frame = read_sealed_frame(path, load_key(key_file))
    return header, frame.to_dict(orient="list")


def differences(a: Path, b: Path, key_file: Path | None = None,
                ignore: tuple[str, ...] = ()) -> list[str]:
    """Relative paths of the files that differ (or exist on one side only)."""
    names_a = {p.relative_to(a) for p in a.rglob("*") if p.is_file()}
    names_b = {p.relative_to(b) for p in b.rglob("*") if p.is_file()}
    out = [f"only in {a if n in names_a else b}: {n}" for n in sorted(names_a ^ names_b)]
    hashes = _sav_hashes(a) | _sav_hashes(b)
    for name in sorted(names_a & names_b):
        pa_, pb = a / name, b / name
        if pa_.suffix == ".sav":
            (fa, ma), (fb, mb) = _sav(pa_), _sav(pb)
            same = fa.equals(fb) and ma == mb
        elif name.name == "crosswalk.enc":
            same = _crosswalk(pa_, key_file) == _crosswalk(pb, key_file) and (
                pa_.stat().st_size == pb.stat().st_size)
        elif name.name == "analysebestand_volledig.enc":
            same = _sealed_frame(pa_, key_file) == _sealed_frame(pb, key_file) and (
                pa_.stat().st_size == pb.stat().st_size)
        elif name.name == "manifest.sig":
            # Ed25519 is deterministic: the signature differs exactly when the manifest does,
            # which is compared (without the .sav's hash) on its own
            same = len(pa_.read_bytes()) == len(pb.read_bytes())
        elif pa_.suffix == ".json":
            same = _json(pa_.read_bytes(), ignore) == _json(pb.read_bytes(), ignore)
        elif pa_.suffix == ".html":
            same = _html(pa_.read_bytes(), hashes) == _html(pb.read_bytes(), hashes)
        else:
            same = pa_.read_bytes() == pb.read_bytes()
        if not same:
            out.append(f"differs: {name}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("a", type=Path)
    parser.add_argument("b", type=Path)
    parser.add_argument("--key-file", type=Path, default=None)
    parser.add_argument("--ignore", action="append", default=[],
                        help="a top-level report key to leave out (one that was added)")
    args = parser.parse_args(argv)
    found = differences(args.a, args.b, args.key_file, tuple(args.ignore))
    for line in found:
        print(line)
    print("identical" if not found else f"{len(found)} difference(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
