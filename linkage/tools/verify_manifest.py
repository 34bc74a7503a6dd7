"""Verify checks of the signed manifest: the signature, who signed, and every file.

- ``manifest.sig`` signs ``manifest.json`` under the public key the manifest carries: the
  folder is consistent with itself. Anyone can make that hold for a folder of their own
  making, so it says nothing about who made it;
- with a trust anchor (``--public-key`` or ``--key-file``), the signature must hold under
  the anchor's key: only then is the delivery authentic. Without one this check is skipped,
  and says so;
- every file of the folder (hidden ones included) is listed in the manifest with the listed
  SHA-256, nothing listed is missing, and the manifest names the run the report names.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vhh.linkage.io.digest import file_sha256
from vhh.linkage.privacy.signing import (
    MANIFEST,
    MANIFEST_FILES,
    PUBLIC_KEY_FILE,
    SIGNATURE,
    Manifest,
    ManifestError,
    TrustAnchor,
    fingerprint,
    signature_holds,
)
from vhh.linkage.report.model import AuditReport
from vhh.linkage.tools.checks import Check

__all__ = ["AUTHENTIC", "BESIDE", "MANIFEST_CHECK", "SIGNED", "Signed", "check_beside",
           "check_manifest_files", "check_signature"]

SIGNED = f"{SIGNATURE} signs {MANIFEST}"
AUTHENTIC = "signed by the trusted key"
MANIFEST_CHECK = "files match the signed manifest"
BESIDE = "no unfinished export beside it"
NO_ANCHOR = ("no trust anchor given: the folder was checked for consistency, not for "
             f"authenticity (give --public-key with the run's secure/{PUBLIC_KEY_FILE}, or "
             "--key-file)")


@dataclass(frozen=True)
class Signed:
    """The outcome of the signature checks, and the manifest when it could be read."""

    checks: list[Check]
    manifest: Manifest | None


def _read(export: Path) -> tuple[bytes, bytes]:
    return (export / MANIFEST).read_bytes(), (export / SIGNATURE).read_bytes()


def check_signature(export: Path, anchor: TrustAnchor | None) -> Signed:
    """The signature fits the manifest; with an anchor, it is the anchor's."""
    try:
        data, signature = _read(export)
    except OSError:
        missing = [n for n in MANIFEST_FILES if not (export / n).is_file()]
        return Signed([Check(SIGNED, False, f"{' and '.join(missing) or MANIFEST} cannot be "
                             "read: the export is not signed (made by an older version, or "
                             "changed)")], None)
    try:
        manifest = Manifest.from_bytes(data)
        embedded = manifest.public_key()
    except ManifestError as err:
        return Signed([Check(SIGNED, False, str(err))], None)
    holds = signature_holds(data, signature, embedded)
    checks = [Check(SIGNED, holds, f"Ed25519, key {fingerprint(embedded)}" if holds
                    else "the signature does not fit the manifest")]
    checks.append(_authentic(data, signature, manifest, anchor))
    return Signed(checks, manifest)


def _authentic(data: bytes, signature: bytes, manifest: Manifest,
               anchor: TrustAnchor | None) -> Check:
    if anchor is None:
        return Check(AUTHENTIC, None, NO_ANCHOR)
    trusted = anchor.public_key(manifest.project)
    if signature_holds(data, signature, trusted):
        return Check(AUTHENTIC, True, f"{fingerprint(trusted)} ({anchor.source})")
    return Check(AUTHENTIC, False, f"not signed by {fingerprint(trusted)} ({anchor.source}); "
                 f"the manifest claims {manifest.vingerafdruk}")


def _provenance(manifest: Manifest, report: AuditReport) -> list[str]:
    """Fields the manifest and the report both name, that differ (by field name only)."""
    pairs = {"run_id": (manifest.run_id, report.run_id),
             "sleutel_id": (manifest.sleutel_id, report.sleutel_id),
             "project": (manifest.project, report.project),
             "configuratie_sha256": (manifest.configuratie_sha256, report.configuratie.sha256)}
    return [name for name, (a, b) in pairs.items() if a != b]


def check_manifest_files(export: Path, manifest: Manifest | None,
                         report: AuditReport) -> Check:
    """Every entry of the folder listed with its hash; nothing listed missing."""
    if manifest is None:
        return Check(MANIFEST_CHECK, False, f"no readable {MANIFEST}")
    listed = manifest.bestanden
    if any(Path(n).name != n or n.startswith(".") or n in MANIFEST_FILES for n in listed):
        return Check(MANIFEST_CHECK, False, "the manifest lists names that are not plain "
                     "file names")
    entries = [p for p in export.rglob("*") if p.relative_to(export).as_posix()
               not in MANIFEST_FILES]
    present = {p.relative_to(export).as_posix() for p in entries if p.is_file()}
    extra = len(entries) - len(present & set(listed))
    missing = sorted(set(listed) - present)
    changed = sorted(n for n in set(listed) & present if file_sha256(export / n) != listed[n])
    problems = [f"{len(changed)} differ ({', '.join(changed)})"] if changed else []
    problems += [f"{len(missing)} missing ({', '.join(missing)})"] if missing else []
    problems += [f"{extra} unlisted entries in the folder"] if extra else []
    problems += [f"the report names another {n}" for n in _provenance(manifest, report)]
    if problems:
        return Check(MANIFEST_CHECK, False, f"of {len(listed)} listed files: "
                     + "; ".join(problems))
    return Check(MANIFEST_CHECK, True, f"{len(listed)} files, nothing else in the folder")


def check_beside(folder: Path, export: Path) -> list[Check]:
    """When verify is pointed at a run's folder: no staging or half-swapped export in it."""
    if folder.resolve() == export.resolve():
        return []
    left = sorted(folder.glob(f".{export.name}-*"))
    if left:
        return [Check(BESIDE, False, f"{len(left)} hidden unfinished export folders beside "
                      f"{export.name}/: an interrupted run; the next run removes them")]
    return [Check(BESIDE, True)]
