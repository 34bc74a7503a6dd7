"""The funnel (who went in, who left at which step and why) and the row reconciliation.

A funnel is an ordered list of steps. Each step has ``in``, ``uit`` (removed), ``rest``
(``in - uit``) and ``redenen`` (removed per reason, adding up to ``uit``). The ``rest`` of a
step is the ``in`` of the next. A step with ``verwijdert = false`` only marks a subset
(found in HKS): nobody leaves the analysis file there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FunnelStep", "check_funnel", "check_reconciliation", "format_funnel"]


@dataclass(frozen=True)
class FunnelStep:
    stap: str
    label: str
    inn: int
    uit: int
    redenen: Mapping[str, int] = field(default_factory=dict)
    verwijdert: bool = True

    @property
    def rest(self) -> int:
        return self.inn - self.uit

    def as_dict(self) -> dict[str, Any]:
        return {"stap": self.stap, "label": self.label, "in": self.inn, "uit": self.uit,
                "rest": self.rest, "redenen": dict(self.redenen), "verwijdert": self.verwijdert}


def check_funnel(steps: Sequence[Mapping[str, Any]]) -> list[str]:
    """Arithmetic problems in a funnel (as dicts); empty when it adds up."""
    problems = []
    for k, step in enumerate(steps):
        name = step["stap"]
        if step["in"] - step["uit"] != step["rest"]:
            problems.append(f"step '{name}': in - uit != rest")
        if step["redenen"] and sum(step["redenen"].values()) != step["uit"]:
            problems.append(f"step '{name}': reasons do not add up to uit")
        if min(step["in"], step["uit"], step["rest"]) < 0:
            problems.append(f"step '{name}': a negative count")
        if k + 1 < len(steps):
            nxt = steps[k + 1]
            carried = step["rest"] if step.get("verwijdert", True) else step["in"]
            if nxt["in"] != carried:
                problems.append(f"step '{nxt['stap']}': in differs from the previous step's rest")
    return problems


def check_reconciliation(rows: Mapping[str, Any]) -> list[str]:
    """Row reconciliation: read == sum of every disposition."""
    total = sum(int(v) for v in rows["uitkomst"].values())
    if total != rows["gelezen"]:
        return [f"{rows['bron']}: {rows['gelezen']} rows read but {total} accounted for"]
    return []


_REASON_TEXT = {"geen_voorletter": "lacking an initial", "geen_kandidaat": "not found",
                "alleen_ter_beoordeling": "only in review"}


_STEP_TEXT = {"scope": "in scope", "gevonden_bvh": "found in BVH",
              "startdatum": "with a start date", "gevonden_hks": "found in HKS"}


def format_funnel(steps: Sequence[Mapping[str, Any]]) -> str:
    """The funnel for a terminal: a head line, then '213 in scope → 198 found in BVH (...)'."""
    by = {s["stap"]: s for s in steps}
    scope = by["scope"]
    head = (f"{by['quarantaine']['in']} GCOS subjects read, {by['quarantaine']['uit']} "
            f"quarantined, {scope['uit']} out of scope "
            f"({', '.join(f'{n} {r}' for r, n in scope['redenen'].items())})")
    parts = []
    for step in steps[1:]:
        text = f"{step['rest']} {_STEP_TEXT.get(step['stap'], step['stap'])}"
        if step["stap"] == "gevonden_bvh":
            reasons = ", ".join(f"{n} {_REASON_TEXT.get(r, r)}"
                                for r, n in step["redenen"].items() if n)
            text += f" ({reasons})" if reasons else ""
        parts.append(text)
    return head + "\n" + " → ".join(parts)
