"""The demo runs on any installation: the reference extracts travel with the toolkit.

The generator (and its Faker) is an optional extra; the bundled extracts of seed 2013 are
exactly what the generator writes for that seed, so the demo and ``vhh-link synth --seed
2013`` agree.
"""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

from vhh.linkage.synth import SynthSettings, generate, write_synth
from vhh.pipelines.demo import BUNDLED_SEED, bundle_folder, write_demo_extracts

REFERENCE = ("213 in scope → 198 found in BVH (8 lacking an initial, 7 not found) → "
             "195 with enough GCOS data (3 without a discussion date) → 138 found in HKS")
WITHOUT_FAKER = """
import sys
sys.modules["faker"] = None  # as if the synth extra were not installed
from vhh.pipelines.cli import main
main(sys.argv[1:])
"""


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_bundled_extracts_are_what_the_generator_writes_for_the_seed(tmp_path):
    write_demo_extracts(tmp_path / "bundled")
    write_synth(generate(SynthSettings(seed=BUNDLED_SEED)), tmp_path / "generated")
    bundled, generated = _files(tmp_path / "bundled"), _files(tmp_path / "generated")
    assert set(bundled) == set(generated), "python -m vhh.pipelines.demo --regenerate"
    stale = sorted(name for name in bundled if bundled[name] != generated[name])
    assert stale == [], "the generator changed: python -m vhh.pipelines.demo --regenerate"


def test_the_bundle_is_compressed_without_a_timestamp():
    for packed in bundle_folder().glob("*/*.gz"):
        assert packed.read_bytes()[4:8] == b"\0\0\0\0", packed.name  # gzip MTIME field
        assert gzip.decompress(packed.read_bytes())


def _without_faker(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", WITHOUT_FAKER, *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_the_demo_runs_without_the_generator_and_prints_the_reference_funnel(tmp_path):
    done = _without_faker("demo", "--out", str(tmp_path / "d"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert REFERENCE in done.stdout
    assert (tmp_path / "d" / "export" / "analysebestand.csv").is_file()


def test_another_seed_without_the_generator_says_how_to_install_it(tmp_path):
    done = _without_faker("demo", "--out", str(tmp_path / "d"), "--seed", "7", cwd=tmp_path)
    assert done.returncode == 2
    assert 'pip install "vhh-linkage[synth]"' in done.stderr
    assert "Traceback" not in done.stderr
    synth = _without_faker("synth", "--out", str(tmp_path / "s"), cwd=tmp_path)
    assert synth.returncode == 2 and "vhh-linkage[synth]" in synth.stderr
