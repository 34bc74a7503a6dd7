"""pandera schemas of the inputs (as prepared for validation) and of the analysis file."""

from vhh.schemas.inputs import (
    INPUT_MODELS,
    BvhIncidenten,
    GcosBesprekingen,
    GcosSubjecten,
    HksAntecedenten,
)

__all__ = [
    "INPUT_MODELS",
    "BvhIncidenten",
    "GcosBesprekingen",
    "GcosSubjecten",
    "HksAntecedenten",
]
