"""End-to-end flows built from the library's steps."""

from vhh.pipelines.study import StudyResult, run_study, validate_inputs

__all__ = ["StudyResult", "run_study", "validate_inputs"]
