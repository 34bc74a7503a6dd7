"""A streamed study in batches: how the rows are shared out, and each batch's text.

The in-memory study (the GCOS side, its police rows and the design's others, see
:func:`vhh.linkage.synth.generate.build_world`) is spread evenly over the batches, and each
batch adds a crowd of non-subjects (:mod:`vhh.linkage.synth.crowd`) up to its share of the
requested row totals. A batch's rows are shuffled together and numbered in file order,
continuing the previous batch, so subjects' rows lie all through the extract.

Each batch draws from its own random stream, spawned from the seed and the batch number:
a batch does not depend on the draws of any other, and the same settings and size give
the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from vhh.linkage.synth.crowd import draw_crowd
from vhh.linkage.synth.generate import World
from vhh.linkage.synth.names import name_pool
from vhh.linkage.synth.police import KEY_SPACE
from vhh.linkage.synth.render import bvh_frame, hks_frame, numbered_ids
from vhh.linkage.synth.variants import IdentityVariants

__all__ = ["Batch", "BatchPlan", "StreamSize", "make_batch", "plan_batches", "size_problems"]

BVH_ID_WIDTH, HKS_ID_WIDTH = 7, 6  # as in the in-memory study; wider when the rows need it
HKS_PER_BVH = 0.1  # the national extracts: 2 million HKS rows to 20 million BVH rows
_BATCH_STREAM = 1000  # spawn key of the batch streams, apart from the in-memory study's


@dataclass(frozen=True)
class StreamSize:
    """How many police rows a streamed study writes, and how many rows a batch holds.

    ``hks_rows`` left at None is ``HKS_PER_BVH`` times ``bvh_rows``, or the in-memory
    study's own HKS rows when those are more (see :meth:`resolved`).
    """

    bvh_rows: int
    hks_rows: int | None = None
    batch_rows: int = 500_000

    def __post_init__(self) -> None:
        problems = []
        if not 1 <= self.bvh_rows < KEY_SPACE:
            problems.append(f"bvh_rows must be 1 to {KEY_SPACE - 1:,}, not {self.bvh_rows}")
        if self.hks_rows is not None and self.hks_rows < 0:
            problems.append(f"hks_rows must be 0 or more, not {self.hks_rows}")
        if self.batch_rows < 1:
            problems.append(f"batch_rows must be 1 or more, not {self.batch_rows}")
        if problems:
            raise ValueError("StreamSize: " + "; ".join(problems))

    @property
    def hks_total(self) -> int:
        return round(self.bvh_rows * HKS_PER_BVH) if self.hks_rows is None else self.hks_rows

    def resolved(self, world: World) -> StreamSize:
        """This size with ``hks_rows`` made explicit for ``world``."""
        if self.hks_rows is not None:
            return self
        return replace(self, hks_rows=max(self.hks_total, len(world.hks)))


def size_problems(world: World, size: StreamSize) -> list[str]:
    """Why ``world`` cannot grow to ``size`` (an empty list when it can)."""
    problems = []
    for name, have, want in (("BVH", len(world.bvh), size.bvh_rows),
                             ("HKS", len(world.hks), size.hks_total)):
        if have > want:
            problems.append(
                f"the {world.design.subjects:,} subjects and {world.design.others:,} others "
                f"of the design already have {have:,} {name} rows, more than the {want:,} "
                f"asked for: ask for more rows, or set fewer others")
    return problems


@dataclass(frozen=True)
class BatchPlan:
    """What batch ``index`` holds: a slice of the in-memory study's rows, a crowd, and
    where its record numbers and registration keys start."""

    index: int
    core_bvh: slice
    core_hks: slice
    crowd_bvh: int
    crowd_hks: int
    first_bvh: int
    first_hks: int
    first_incident: int


def _shares(total: int, parts: int) -> np.ndarray:
    """``total`` split into ``parts`` near-equal whole shares."""
    return np.full(parts, total // parts) + (np.arange(parts) < total % parts)


def _slices(total: int, parts: int) -> list[slice]:
    ends = np.cumsum(_shares(total, parts))
    return [slice(int(e - n), int(e)) for e, n in zip(ends, _shares(total, parts), strict=True)]


def _starts(shares: np.ndarray, first: int) -> np.ndarray:
    return np.asarray(first + np.cumsum(shares) - shares)


def plan_batches(world: World, size: StreamSize) -> list[BatchPlan]:
    """The batches of ``world`` grown to ``size`` (see :func:`size_problems` first)."""
    n = max(1, -(-max(size.bvh_rows, size.hks_total) // size.batch_rows))
    crowd_bvh = _shares(size.bvh_rows - len(world.bvh), n)
    crowd_hks = _shares(size.hks_total - len(world.hks), n)
    core_bvh, core_hks = _slices(len(world.bvh), n), _slices(len(world.hks), n)
    bvh_in = crowd_bvh + _shares(len(world.bvh), n)
    hks_in = crowd_hks + _shares(len(world.hks), n)
    first_bvh, first_hks = _starts(bvh_in, 1), _starts(hks_in, 1)
    incident = _starts(crowd_bvh, world.bvh_keys.used)
    return [BatchPlan(i, core_bvh[i], core_hks[i], int(crowd_bvh[i]), int(crowd_hks[i]),
                      int(first_bvh[i]), int(first_hks[i]), int(incident[i]))
            for i in range(n)]


@dataclass(frozen=True, eq=False)
class Batch:
    """A batch's text (file order) and the record numbers its in-memory rows got."""

    bvh: pd.DataFrame
    hks: pd.DataFrame
    core_bvh_numbers: np.ndarray
    core_hks_numbers: np.ndarray


@dataclass(frozen=True, eq=False)
class _Part:
    rows: pd.DataFrame
    people: pd.DataFrame
    variants: IdentityVariants


_Render = Callable[[np.random.Generator, pd.DataFrame, pd.DataFrame, IdentityVariants],
                   pd.DataFrame]


def _in_file_order(rng: np.random.Generator, parts: tuple[_Part, _Part], render: _Render,
                   letter: str, first: int, width: int) -> tuple[pd.DataFrame, np.ndarray]:
    """The parts' rows as text, shuffled together and numbered from ``first``; and the
    numbers of the first part's rows."""
    sizes = [len(part.rows) for part in parts]
    positions = np.split(rng.permutation(sum(sizes)), [sizes[0]])
    frames = [render(rng, part.rows.assign(record_id=numbered_ids(letter, first + at, width)),
                     part.people, part.variants)
              for part, at in zip(parts, positions, strict=True)]
    text = {column: np.empty(sum(sizes), dtype=object) for column in frames[0].columns}
    for frame, at in zip(frames, positions, strict=True):
        for column, values in text.items():
            values[at] = frame[column].to_numpy()
    return pd.DataFrame(text), first + positions[0]


def batch_rng(seed: int, index: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(_BATCH_STREAM, index)))


def id_widths(size: StreamSize) -> tuple[int, int]:
    """Digits of the bvh_id and hks_id numbers: the same all through a streamed extract."""
    return (max(BVH_ID_WIDTH, len(str(size.bvh_rows))),
            max(HKS_ID_WIDTH, len(str(size.hks_total))))


def make_batch(world: World, plan: BatchPlan, size: StreamSize) -> Batch:
    """The text of one batch."""
    s = world.settings
    rng = batch_rng(s.seed, plan.index)
    crowd = draw_crowd(rng, name_pool(s.seed), plan.crowd_bvh, plan.crowd_hks, s,
                       plan.first_incident, world.bvh_keys.offset)
    bvh_width, hks_width = id_widths(size)
    bvh, core_bvh = _in_file_order(
        rng, (_Part(world.bvh.iloc[plan.core_bvh], world.people, world.variants),
              _Part(crowd.bvh, crowd.people, crowd.variants)),
        bvh_frame, "B", plan.first_bvh, bvh_width)
    hks, core_hks = _in_file_order(
        rng, (_Part(world.hks.iloc[plan.core_hks], world.people, world.variants),
              _Part(crowd.hks, crowd.people, crowd.variants)),
        hks_frame, "H", plan.first_hks, hks_width)
    return Batch(bvh, hks, core_bvh, core_hks)
