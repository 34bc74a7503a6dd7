"""What is resident when each linkage starts: the large frames alive, by column type.

Runs one ``vhh-link`` command in this process. At the start of every ``link_identities``
(BVH, then HKS) it collects garbage and prints on stderr the process's RSS, what Arrow's
memory pool holds, and every live pandas frame above 20 MiB (env ``HELDPROBE_MIN_MIB``)
with its rows and its columns' dtypes and deep size; then the linkage goes on as usual.
The difference between the RSS and the sum of the frames is the libraries, arrays outside
frames (the leak scanner's hashes) and pages the allocator keeps. Only column names,
dtypes and counts are printed, never a value.

    python benchmarks/heldprobe.py run --config DIR/config.toml --key-file DIR/bench.key \\
        --out DIR/out 2> held.txt
"""

from __future__ import annotations

import gc
import os
import sys
from typing import Any

import pandas as pd
import psutil
import pyarrow as pa
import vhh.pipelines.stages as stages

_MIN_MIB = int(os.environ.get("HELDPROBE_MIN_MIB", "20"))
_original = stages.link_identities


def _frames(min_bytes: int) -> list[tuple[int, pd.DataFrame]]:
    found = []
    for obj in gc.get_objects():
        if isinstance(obj, pd.DataFrame):
            size = int(obj.memory_usage(deep=True, index=True).sum())
            if size >= min_bytes:
                found.append((size, obj))
    return sorted(found, key=lambda x: -x[0])


def _report(source: str) -> None:
    """Print what is held; its locals (the frames found) go when it returns."""
    gc.collect()
    rss = psutil.Process().memory_info().rss
    frames = _frames(_MIN_MIB << 20)
    print(f"== linkage of {source} starts: RSS {rss >> 20} MiB, Arrow pool "
          f"{pa.total_allocated_bytes() >> 20} MiB, {len(frames)} frames >= {_MIN_MIB} MiB "
          f"holding {sum(s for s, _ in frames) >> 20} MiB", file=sys.stderr)
    for size, frame in frames:
        kinds = ", ".join(f"{c}:{t}" for c, t in frame.dtypes.astype(str).items())
        print(f"  {size >> 20:6d} MiB  {len(frame):>10,} rows  {kinds}", file=sys.stderr)


def _probe(*args: Any, **kwargs: Any) -> Any:
    _report(str(args[0]))  # no frame stays referenced through the linkage
    return _original(*args, **kwargs)


def main() -> None:
    stages.link_identities = _probe
    from vhh.pipelines import cli
    cli.main(sys.argv[1:], standalone_mode=False)


if __name__ == "__main__":
    main()
