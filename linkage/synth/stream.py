"""Write a national-size synthetic study batch by batch, so that memory stays bounded.

    from vhh.linkage.synth.stream import StreamSize, write_streamed

    write_streamed(SynthSettings(subjects=50_000, seed=7),
                   StreamSize(bvh_rows=20_000_000, hks_rows=2_000_000), Path("national"))

The GCOS side, the design's others and their police rows are generated in memory as by
:func:`vhh.linkage.synth.generate`; the many further non-subjects come batch by batch (see
:mod:`vhh.linkage.synth.batches`) and are appended to the police extracts on disk. The truth is
written last, for every row written. ``progress`` hears counts only, never a value.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from vhh.linkage.synth.batches import (
    BatchPlan,
    StreamSize,
    id_widths,
    make_batch,
    plan_batches,
    size_problems,
)
from vhh.linkage.synth.generate import World, build_world, study_truth
from vhh.linkage.synth.render import numbered_ids
from vhh.linkage.synth.settings import SynthSettings
from vhh.linkage.synth.write import ExtractAppender, write_input, write_truth

__all__ = ["StreamSize", "StreamSummary", "write_streamed"]

GCOS_INPUTS = ("gcos_subjecten", "gcos_besprekingen")


@dataclass(frozen=True)
class StreamSummary:
    """What :func:`write_streamed` wrote."""

    gcos_rows: int
    bvh_rows: int
    hks_rows: int
    batches: int
    seconds: float
    files: dict[str, Path]


@dataclass(frozen=True)
class _Police:
    """The police extracts as written: their paths, rows, and the numbers of the record
    ids that the in-memory study's rows got (in the order of its frames)."""

    files: dict[str, Path]
    bvh_rows: int
    hks_rows: int
    core_bvh_numbers: np.ndarray
    core_hks_numbers: np.ndarray


def _write_police(world: World, plans: list[BatchPlan], size: StreamSize, out_dir: Path,
                  fmt: str, say: Callable[[str], None]) -> _Police:
    bvh = ExtractAppender("bvh_incidenten", out_dir, fmt)
    hks = ExtractAppender("hks_antecedenten", out_dir, fmt)
    numbers: tuple[list[np.ndarray], list[np.ndarray]] = ([], [])
    try:
        for plan in plans:
            batch = make_batch(world, plan, size)
            bvh.append(batch.bvh)
            hks.append(batch.hks)
            numbers[0].append(batch.core_bvh_numbers)
            numbers[1].append(batch.core_hks_numbers)
            say(f"batch {plan.index + 1}/{len(plans)}: {bvh.rows:,} BVH and {hks.rows:,} HKS "
                f"rows written")
        files = {"bvh_incidenten": bvh.close(), "hks_antecedenten": hks.close()}
    except BaseException:
        bvh.discard()
        hks.discard()
        raise
    return _Police(files, bvh.rows, hks.rows, np.concatenate(numbers[0]),
                   np.concatenate(numbers[1]))


def write_streamed(settings: SynthSettings, size: StreamSize, out_dir: Path, fmt: str = "csv",
                   progress: Callable[[str], None] | None = None) -> StreamSummary:
    """Write ``out_dir/input`` and ``out_dir/truth`` for ``settings`` grown to ``size``.

    Raises ``ValueError`` when the in-memory study alone has more rows than ``size``.
    """
    start = time.perf_counter()
    say = progress or (lambda _message: None)
    out_dir = Path(out_dir)
    world = build_world(settings)
    size = size.resolved(world)
    problems = size_problems(world, size)
    if problems:
        raise ValueError("StreamSize: " + "; ".join(problems))
    plans = plan_batches(world, size)
    say(f"subjects generated: {world.n_gcos:,} GCOS rows; {len(world.bvh):,} BVH and "
        f"{len(world.hks):,} HKS rows of the design; {len(plans)} batches to write")
    files = {name: write_input(getattr(world, name), name, out_dir, fmt)
             for name in GCOS_INPUTS}
    police = _write_police(world, plans, size, out_dir, fmt, say)
    bvh_width, hks_width = id_widths(size)
    truth = study_truth(
        world,
        world.bvh.assign(record_id=numbered_ids("B", police.core_bvh_numbers, bvh_width)),
        world.hks.assign(record_id=numbered_ids("H", police.core_hks_numbers, hks_width)),
        police.bvh_rows, police.hks_rows)
    files |= police.files | write_truth(truth, out_dir)
    return StreamSummary(world.n_gcos, police.bvh_rows, police.hks_rows, len(plans),
                         time.perf_counter() - start, files)
