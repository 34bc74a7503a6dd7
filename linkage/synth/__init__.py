"""Seeded synthetic data: GCOS subjects, BVH incidents and HKS antecedents, with ground truth.

    from vhh.linkage.synth import SynthSettings, generate, write_synth

    data = generate(SynthSettings(seed=2013))      # the reference funnel, in memory
    write_synth(data, Path("demo-out"))            # demo-out/input/*.csv, demo-out/truth/*

For national-size extracts (millions of rows) ``vhh.linkage.synth.stream.write_streamed``
writes the same kind of study batch by batch, so memory stays bounded
(``vhh-link synth --bvh-rows 20000000 --hks-rows 2000000``).

Every name, birthdate and event is invented (Faker nl_NL and numpy); nothing comes from a
real person.
"""

from vhh.linkage.synth.generate import SynthData, generate
from vhh.linkage.synth.settings import SynthSettings
from vhh.linkage.synth.write import write_synth

__all__ = ["SynthData", "SynthSettings", "generate", "write_synth"]
