"""``python -m vhh.pipelines.cli``: the same as ``vhh-link``."""

from vhh.pipelines.cli import main

main()
