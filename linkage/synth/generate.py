"""Generate a complete synthetic study: the four input extracts and their ground truth.

``generate`` is pure (no I/O) and deterministic: the same settings give the same frames.
Each step draws from its own random stream (spawned from the seed), so a change in one
step does not shift the draws of the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from vhh.linkage.synth import truth
from vhh.linkage.synth.design import plan_subjects
from vhh.linkage.synth.names import name_pool
from vhh.linkage.synth.noise import applicability, draw_noise
from vhh.linkage.synth.people import build_people
from vhh.linkage.synth.police import KeyRange, bvh_rows, hks_rows
from vhh.linkage.synth.render import bvh_frame, gcos_frames, hks_frame, numbered_ids
from vhh.linkage.synth.settings import FunnelDesign, SynthSettings
from vhh.linkage.synth.variants import IdentityVariants, person_variants

__all__ = ["SynthData", "generate"]

_STREAMS = ("plan", "people", "bvh", "hks", "noise", "ids", "gcos_text", "police_text")


@dataclass(frozen=True, eq=False)
class SynthData:
    """The generated extracts (every value a string, as written) and the ground truth."""

    gcos_subjecten: pd.DataFrame
    gcos_besprekingen: pd.DataFrame
    bvh_incidenten: pd.DataFrame
    hks_antecedenten: pd.DataFrame
    links: pd.DataFrame
    subjects: pd.DataFrame
    traps: pd.DataFrame
    expected_funnel: dict[str, int]
    quarantine: pd.DataFrame
    expected_counts: pd.DataFrame
    settings: SynthSettings = field(default_factory=SynthSettings)


def _streams(seed: int) -> dict[str, np.random.Generator]:
    children = np.random.SeedSequence(seed).spawn(len(_STREAMS))
    return {name: np.random.default_rng(child) for name, child in zip(_STREAMS, children,
                                                                       strict=True)}


def _noise(rng: np.random.Generator, people: pd.DataFrame, s: SynthSettings,
           sources: tuple[pd.DataFrame, ...]) -> IdentityVariants:
    app = applicability(people)
    variants = person_variants(rng, people)
    for rows in sources:
        draw_noise(rng, rows, people, app, s)
    return variants


def _gcos_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    space = max(1_000_000, 10 * n)
    numbers = np.sort(rng.choice(np.arange(1, space), size=n, replace=False))
    return np.asarray(numbered_ids("G", numbers, 6))


@dataclass(frozen=True, eq=False)
class World:
    """A study before its police rows are written: the GCOS side as text, every person and
    police row as numbers (rows in file order, without record ids yet).

    ``people`` holds the GCOS persons (rows ``0..n_gcos-1``) and then the others.
    """

    settings: SynthSettings
    design: FunnelDesign
    plan: pd.DataFrame
    people: pd.DataFrame
    variants: IdentityVariants
    gcos_id: np.ndarray
    gcos_subjecten: pd.DataFrame
    gcos_besprekingen: pd.DataFrame
    bvh: pd.DataFrame
    hks: pd.DataFrame
    bvh_keys: KeyRange
    police_text: np.random.Generator

    @property
    def n_gcos(self) -> int:
        return len(self.plan)


def build_world(s: SynthSettings) -> World:
    """Every draw of ``generate`` except the text of the police rows."""
    design = s.design()
    rng = _streams(s.seed)
    plan = plan_subjects(design, rng["plan"])
    n_gcos = len(plan.frame)
    people = build_people(rng["people"], name_pool(s.seed), design, plan.frame)
    bvh, keys = bvh_rows(rng["bvh"], people, design, s)
    hks = hks_rows(rng["hks"], people, design, s, bvh)
    variants = _noise(rng["noise"], people, s, (bvh, hks))
    gcos_id = _gcos_ids(rng["ids"], n_gcos)
    subjecten, besprekingen = gcos_frames(rng["gcos_text"], plan.frame, plan.discussions,
                                          people, variants, gcos_id)
    return World(s, design, plan.frame, people, variants, gcos_id, subjecten,
                 besprekingen, bvh, hks, keys, rng["police_text"])


@dataclass(frozen=True, eq=False)
class Truth:
    """The ground truth files of a study (see :mod:`vhh.linkage.synth.truth`)."""

    links: pd.DataFrame
    subjects: pd.DataFrame
    traps: pd.DataFrame
    expected_funnel: dict[str, int]
    quarantine: pd.DataFrame
    expected_counts: pd.DataFrame


def study_truth(world: World, bvh: pd.DataFrame, hks: pd.DataFrame, bvh_total: int,
                hks_total: int) -> Truth:
    """The truth of ``world`` once its rows carry their ``record_id``; the totals are the
    police rows written (more than ``world`` holds when others were streamed)."""
    quarantined = truth.quarantine(world.plan, bvh, hks, world.gcos_id)
    return Truth(
        links=truth.links(bvh, hks, world.gcos_id),
        subjects=truth.subjects(world.plan, hks, world.gcos_id, world.people),
        traps=truth.traps(bvh, hks, world.gcos_id, world.people),
        expected_funnel=truth.expected_funnel(world.design, bvh_total, hks_total, quarantined),
        quarantine=quarantined,
        expected_counts=truth.expected_counts(world.people, bvh, hks, world.gcos_id),
    )


def generate(settings: SynthSettings | None = None) -> SynthData:
    """Generate the four extracts and the ground truth for ``settings`` (default: the
    reference funnel with seed 2013)."""
    s = settings or SynthSettings()
    world = build_world(s)
    bvh, hks = world.bvh, world.hks
    bvh["record_id"] = numbered_ids("B", np.arange(1, len(bvh) + 1), 7)
    hks["record_id"] = numbered_ids("H", np.arange(1, len(hks) + 1), 6)
    rng = world.police_text
    found = study_truth(world, bvh, hks, len(bvh), len(hks))
    return SynthData(
        gcos_subjecten=world.gcos_subjecten,
        gcos_besprekingen=world.gcos_besprekingen,
        bvh_incidenten=bvh_frame(rng, bvh, world.people, world.variants),
        hks_antecedenten=hks_frame(rng, hks, world.people, world.variants),
        links=found.links,
        subjects=found.subjects,
        traps=found.traps,
        expected_funnel=found.expected_funnel,
        quarantine=found.quarantine,
        expected_counts=found.expected_counts,
        settings=s,
    )
