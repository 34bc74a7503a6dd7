"""Generate a complete synthetic study: the four input extracts and their ground truth.

``generate`` is pure (no I/O) and deterministic: the same settings give the same frames.
Each step draws from its own random stream (spawned from the seed), so a change in one
step does not shift the draws of the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from linkage.synth import truth
from linkage.synth.design import plan_subjects
from linkage.synth.guard import GuardIndex, guard_keys
from linkage.synth.names import name_pool
from linkage.synth.noise import (
    IDENTITY_CHANGING,
    IdentityVariants,
    K,
    applicability,
    assign_kinds,
    noisy_birth,
    person_variants,
)
from linkage.synth.people import build_people, gcos_guard_frame
from linkage.synth.police import bvh_rows, hks_rows
from linkage.synth.render import bvh_frame, gcos_frames, hks_frame, numbered_ids
from linkage.synth.settings import SynthSettings

__all__ = ["SynthData", "generate"]

_STREAMS = ("plan", "people", "bvh", "hks", "noise", "ids", "gcos_text", "police_text")
_NOISY_ORIGINS = ("base", "edge", "duplicate")


@dataclass(frozen=True, eq=False)
class SynthData:
    """The generated extracts (every value a string, as written) and the ground truth."""

    gcos_subjecten: pd.DataFrame
    gcos_besprekingen: pd.DataFrame
    bvh_incidenten: pd.DataFrame
    hks_antecedenten: pd.DataFrame
    links: pd.DataFrame
    subjects: pd.DataFrame
    expected_funnel: dict[str, int]
    quarantine: pd.DataFrame
    expected_counts: pd.DataFrame
    settings: SynthSettings = field(default_factory=SynthSettings)


def _streams(seed: int) -> dict[str, np.random.Generator]:
    children = np.random.SeedSequence(seed).spawn(len(_STREAMS))
    return {name: np.random.default_rng(child) for name, child in zip(_STREAMS, children,
                                                                       strict=True)}


def _draw_noise(rng: np.random.Generator, rows: pd.DataFrame, people: pd.DataFrame,
                app: np.ndarray, n_gcos: int, s: SynthSettings) -> None:
    """Add ``noise`` (kind code) and ``birth`` (the birthdate written) to ``rows``."""
    person = rows["pid"].to_numpy()
    eligible = ~rows["clean"].to_numpy() & rows["origin"].isin(_NOISY_ORIGINS).to_numpy()
    kind = assign_kinds(rng, person, eligible, person < n_gcos, app, s.noise == "high",
                        s.noise_share, s.high_noise_share)
    true_birth = people["birth"].to_numpy()[person]
    birth = noisy_birth(rng, true_birth, kind)
    failed = birth < 0
    kind[failed] = K["none"]
    rows["noise"] = kind
    rows["birth"] = np.where(failed, true_birth, birth)


def _undo_confusable_slips(rows: pd.DataFrame, people: pd.DataFrame, variants: IdentityVariants,
                           gcos: GuardIndex) -> None:
    """Leave clean every slipped row that would be within one slip of another GCOS person."""
    kind = rows["noise"].to_numpy().copy()
    idx = np.flatnonzero(np.isin(kind, IDENTITY_CHANGING))
    if not len(idx):
        return
    person = rows["pid"].to_numpy()[idx]
    typo = kind[idx] == K["surname_typo"]
    core1 = np.where(typo, variants.typo_core1[person], people["core1"].to_numpy()[person])
    core2 = np.where(typo, variants.typo_core2[person], people["core2"].to_numpy()[person])
    keys = guard_keys(people["letter"].to_numpy()[person], core1, core2,
                      rows["birth"].to_numpy()[idx], pid=person)
    bad = idx[np.unique(gcos.pairs(keys)["l"].to_numpy())]
    kind[bad] = K["none"]
    birth = rows["birth"].to_numpy().copy()
    birth[bad] = people["birth"].to_numpy()[rows["pid"].to_numpy()[bad]]
    rows["noise"], rows["birth"] = kind, birth


def _noise(rng: np.random.Generator, people: pd.DataFrame, n_gcos: int, s: SynthSettings,
           sources: tuple[pd.DataFrame, ...]) -> IdentityVariants:
    app = applicability(people)
    variants = person_variants(rng, people, np.arange(len(people)) < n_gcos)
    gcos = GuardIndex(gcos_guard_frame(people.iloc[:n_gcos]))
    for rows in sources:
        _draw_noise(rng, rows, people, app, n_gcos, s)
        _undo_confusable_slips(rows, people, variants, gcos)
    return variants


def _gcos_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    space = max(1_000_000, 10 * n)
    numbers = np.sort(rng.choice(np.arange(1, space), size=n, replace=False))
    return numbered_ids("G", numbers, 6)


def generate(settings: SynthSettings | None = None) -> SynthData:
    """Generate the four extracts and the ground truth for ``settings`` (default: the
    reference funnel with seed 2013)."""
    s = settings or SynthSettings()
    design = s.design()
    rng = _streams(s.seed)
    plan = plan_subjects(design, rng["plan"])
    n_gcos = len(plan.frame)
    people = build_people(rng["people"], name_pool(s.seed), design, plan.frame)
    bvh = bvh_rows(rng["bvh"], people, design, s)
    hks = hks_rows(rng["hks"], people, design, s, bvh)
    variants = _noise(rng["noise"], people, n_gcos, s, (bvh, hks))
    gcos_id = _gcos_ids(rng["ids"], n_gcos)
    bvh["record_id"] = numbered_ids("B", np.arange(1, len(bvh) + 1), 7)
    hks["record_id"] = numbered_ids("H", np.arange(1, len(hks) + 1), 6)
    subjecten, besprekingen = gcos_frames(rng["gcos_text"], plan.frame, plan.discussions,
                                          people, variants, gcos_id)
    quarantined = truth.quarantine(plan.frame, bvh, hks, gcos_id)
    return SynthData(
        gcos_subjecten=subjecten,
        gcos_besprekingen=besprekingen,
        bvh_incidenten=bvh_frame(rng["police_text"], bvh, people, variants),
        hks_antecedenten=hks_frame(rng["police_text"], hks, people, variants),
        links=truth.links(bvh, hks, gcos_id),
        subjects=truth.subjects(plan.frame, hks, gcos_id),
        expected_funnel=truth.expected_funnel(design, len(bvh), len(hks), quarantined),
        quarantine=quarantined,
        expected_counts=truth.expected_counts(people, bvh, hks, gcos_id),
        settings=s,
    )
