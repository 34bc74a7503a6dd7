"""Tools for people inside the secure environment: evaluate, explain, verify."""

from vhh.linkage.tools.evaluate import evaluate
from vhh.linkage.tools.explain import explain
from vhh.linkage.tools.verify import verify_export

__all__ = ["evaluate", "explain", "verify_export"]
