"""What an analysis did not produce, and why: one type for both kinds of absence.

An :class:`Omission` names the part of the output (``t_toetsen/hks_kwartaal``,
``correlaties/leeftijd x hks_jaar_na``, ``regressie``) and gives a Dutch reason. The analyses
return omissions for what cannot be computed on the data (no ages in the file); output
checking returns them for what it withholds. Reasons hold counts and thresholds only.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Omission"]


@dataclass(frozen=True)
class Omission:
    onderdeel: str
    reden: str
