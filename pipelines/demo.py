"""The demo: the reference study's synthetic extracts, a fresh key, the whole study.

The extracts of seed 2013 (the reference funnel 213 → 198 → 195 → 138) travel with the
toolkit in ``config/demo/`` (gzip, as ``vhh-link synth --seed 2013`` writes them), so the
demo runs on any installation, also without the generator and its Faker dependency, and
gives the same extracts whatever Faker version is installed. Another seed generates new
extracts and needs the generator (``pip install "vhh-linkage[synth]"``).

    python -m vhh.pipelines.demo --regenerate    # rewrite config/demo/ from the generator
"""

from __future__ import annotations

import gzip
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from vhh.linkage.errors import ConfigError
from vhh.linkage.io.atomic import atomic_write_bytes
from vhh.linkage.privacy.keys import generate_key_file, load_key
from vhh.linkage.settings import DEFAULT_CONFIG, load_settings
from vhh.pipelines.study import Progress, StudyResult, run_study

__all__ = ["BUNDLED_SEED", "DemoRun", "bundle_folder", "run_demo", "write_demo_extracts"]

BUNDLED_SEED = 2013
_FOLDERS = ("input", "truth")


def bundle_folder() -> Path:
    """Where the bundled extracts are (``config/demo`` of the installed toolkit)."""
    return Path(str(resources.files("vhh.config") / "demo"))


def _bundled(out: Path) -> None:
    for folder in _FOLDERS:
        for packed in sorted((bundle_folder() / folder).glob("*.gz")):
            atomic_write_bytes(out / folder / packed.name.removesuffix(".gz"),
                               gzip.decompress(packed.read_bytes()), mode=0o644)


def _generated(out: Path, seed: int) -> None:
    try:
        from vhh.linkage.synth import SynthSettings, generate, write_synth
    except ImportError:  # the generator is an optional extra
        raise ConfigError(f"the demo with seed {seed} generates new extracts and needs the "
                          "generator: pip install \"vhh-linkage[synth]\" (seed "
                          f"{BUNDLED_SEED} runs without it)") from None
    write_synth(generate(SynthSettings(seed=seed)), out)


def write_demo_extracts(out: Path, seed: int = BUNDLED_SEED) -> None:
    """The four extracts in ``out/input`` and their ground truth in ``out/truth``."""
    if seed == BUNDLED_SEED:
        _bundled(out)
    else:
        _generated(out, seed)


@dataclass(frozen=True)
class DemoRun:
    """What the demo did: the study's result, and whether the key was new."""

    result: StudyResult
    key_file: Path
    key_id: str
    new_key: bool


def run_demo(out: Path, seed: int = BUNDLED_SEED, progress: Progress | None = None,
             say: Callable[[str], None] = lambda line: None) -> DemoRun:
    """Extracts, the default configuration, a key (kept if present), then the study."""
    say(f"synthetic extracts in {out / 'input'} (seed {seed})")
    write_demo_extracts(out, seed)
    shutil.copyfile(DEFAULT_CONFIG, out / "config.toml")
    shutil.copyfile(DEFAULT_CONFIG.parent / "incidentcodes_voorbeeld.csv",
                    out / "incidentcodes_voorbeeld.csv")
    key_file = out / "demo.key"
    new_key = not key_file.exists()
    key_id = generate_key_file(key_file) if new_key else load_key(key_file).key_id
    say(f"{'new' if new_key else 'existing'} demo key {key_file} (id {key_id})")
    result = run_study(load_settings(out / "config.toml"), load_key(key_file), out,
                       progress=progress)
    return DemoRun(result, key_file, key_id, new_key)


def regenerate(target: Path) -> None:
    """Rewrite the bundle from the generator (needs the synth extra)."""
    from vhh.linkage.synth import SynthSettings, generate, write_synth

    staging = target.parent / f".{target.name}.new"
    shutil.rmtree(staging, ignore_errors=True)
    write_synth(generate(SynthSettings(seed=BUNDLED_SEED)), staging)
    for old in target.glob("*/*.gz"):
        old.unlink()
    for folder in _FOLDERS:
        for path in sorted((staging / folder).iterdir()):
            packed = gzip.compress(path.read_bytes(), compresslevel=9, mtime=0)
            atomic_write_bytes(target / folder / f"{path.name}.gz", packed, mode=0o644)
    shutil.rmtree(staging)


if __name__ == "__main__":  # pragma: no cover - a maintainer's command
    if sys.argv[1:] != ["--regenerate"]:
        sys.exit("usage: python -m vhh.pipelines.demo --regenerate")
    regenerate(Path(__file__).resolve().parent.parent / "config" / "demo")
