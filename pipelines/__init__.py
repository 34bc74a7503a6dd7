"""End-to-end flows built from the library's steps; the CLI sits on top of them."""

from vhh.pipelines.study import StudyResult, run_study

__all__ = ["StudyResult", "run_study"]
