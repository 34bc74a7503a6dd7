"""What every verify check is: a named outcome with a reason made of counts and names only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["FILES", "FUNNEL", "HTML", "LEAKS", "REPORT_HTML", "REPORT_JSON", "ROWS", "Check",
           "guarded"]

REPORT_JSON, REPORT_HTML = "auditrapport.json", "auditrapport.html"
FILES, FUNNEL, ROWS = ("files match the report's SHA-256 list", "funnel adds up",
                       "row reconciliation adds up")
HTML, LEAKS = f"{REPORT_HTML} renders {REPORT_JSON}", "no input identifier in any export file"


@dataclass(frozen=True)
class Check:
    """One verification outcome; ``ok`` is None when the check could not apply."""

    name: str
    ok: bool | None
    detail: str = ""

    def line(self) -> str:
        status = {True: "OK", False: "FAIL", None: "SKIP"}[self.ok]
        return f"{status:<4}  {self.name}" + (f": {self.detail}" if self.detail else "")


def guarded(name: str, run: Callable[[], Check]) -> Check:
    """A check whose file is malformed fails instead of crashing the command."""
    try:
        return run()
    except KeyError as err:
        return Check(name, False, f"the code book lacks the field {err.args[0]!r}")
    except (OSError, TypeError, ValueError, AttributeError) as err:
        return Check(name, False, f"cannot be checked ({type(err).__name__})")
