"""The funnel (who went in, who left at which step and why) and the row reconciliation.

A funnel is an ordered list of steps. Each step has ``in``, ``uit`` (removed), ``rest``
(``in - uit``) and ``redenen`` (removed per reason, adding up to ``uit``). The ``rest`` of a
step is the ``in`` of the next. A step with ``verwijdert = false`` only marks a subset
(found in HKS): nobody leaves the analysis file there.
"""

from __future__ import annotations

from collections.abc import Sequence

from vhh.linkage.report.model import FunnelStep, RowReconciliation

__all__ = ["check_funnel", "check_reconciliation", "format_funnel"]


def check_funnel(steps: Sequence[FunnelStep]) -> list[str]:
    """Arithmetic problems in a funnel; empty when it adds up."""
    problems = []
    for k, step in enumerate(steps):
        name = step.stap
        if step.inn - step.uit != step.rest:
            problems.append(f"step '{name}': in - uit != rest")
        if step.redenen and sum(step.redenen.values()) != step.uit:
            problems.append(f"step '{name}': reasons do not add up to uit")
        if min(step.inn, step.uit, step.rest) < 0:
            problems.append(f"step '{name}': a negative count")
        if k + 1 < len(steps):
            nxt = steps[k + 1]
            carried = step.rest if step.verwijdert else step.inn
            if nxt.inn != carried:
                problems.append(f"step '{nxt.stap}': in differs from the previous step's rest")
    return problems


def check_reconciliation(rows: RowReconciliation) -> list[str]:
    """Row reconciliation: read == sum of every disposition."""
    total = sum(int(v) for v in rows.uitkomst.values())
    if total != rows.gelezen:
        return [f"{rows.bron}: {rows.gelezen} rows read but {total} accounted for"]
    return []


_REASON_TEXT = {"geen_voorletter": "lacking an initial", "geen_kandidaat": "not found",
                "alleen_ter_beoordeling": "only in review",
                "geen_startdatum": "without a discussion date"}


_STEP_TEXT = {"scope": "in scope", "gevonden_bvh": "found in BVH",
              "startdatum": "with enough GCOS data", "gevonden_hks": "found in HKS"}


def format_funnel(steps: Sequence[FunnelStep]) -> str:
    """The funnel for a terminal: a head line, then '213 in scope → 198 found in BVH (...) →
    195 with enough GCOS data (...) → 138 found in HKS', the reference study's steps."""
    by = {s.stap: s for s in steps}
    scope = by["scope"]
    head = (f"{by['quarantaine'].inn} GCOS subjects read, {by['quarantaine'].uit} "
            f"quarantined, {scope.uit} out of scope "
            f"({', '.join(f'{n} {r}' for r, n in scope.redenen.items())})")
    parts = []
    for step in steps[1:]:
        text = f"{step.rest} {_STEP_TEXT.get(step.stap, step.stap)}"
        if step.stap in ("gevonden_bvh", "startdatum"):
            reasons = ", ".join(f"{n} {_REASON_TEXT.get(r, r)}"
                                for r, n in step.redenen.items() if n)
            text += f" ({reasons})" if reasons else ""
        parts.append(text)
    return head + "\n" + " → ".join(parts)
