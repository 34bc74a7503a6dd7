"""Expectation-maximisation of Fellegi-Sunter m probabilities, with u held fixed.

The data are counts of comparison *patterns* (one count per distinct combination of
levels), so an iteration costs the number of patterns (at most a few thousand), not the
number of pairs. This is the estimator Splink uses (u from random pairs, m and the match
share by EM over blocked pairs), written for numpy because the libraries at hand do not
offer it: recordlinkage's ECM takes binary features only, Splink needs a SQL backend.

Model: a pair is a match with probability ``lam``; given its class, the comparisons are
independent, comparison ``k`` at level ``l`` with probability ``m[k][l]`` (match) or
``u[k][l]`` (non-match). A null level (a missing value) has factor 1 in both classes.
Only the comparisons listed as *trained* take part: in an EM *session* the comparisons
that selected the pairs (its blocking condition) are left out, as in Splink.

Pairs already known to be of two persons (the *other persons* of
:mod:`vhh.linkage.link.persons`: a twin, a namesake with its own rows) are given as
``known_nonmatches``: they count as non-matches with certainty (their match posterior is 0)
and still count in the match share's denominator. Leaving them out instead would distort
the fit: they are nearly all in the conflicting patterns, so without them the non-matches
that remain agree on the trained fields far more often than u says, and EM explains that
excess as matches (on a national extract it learned that a quarter of all matches have
another surname).

Each m vector has a Dirichlet prior given as pseudo-counts (``prior``): the estimate is
the posterior mode, which keeps a level that no pair shows away from zero and lets domain
knowledge count for a fixed number of pairs. EM never lowers the objective, the
log-likelihood of the counts plus the prior's log density (:func:`objective`); the fit
records it per iteration.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["EmFit", "fit_m", "objective", "posterior"]

MIN_PROBABILITY = 1e-9
_LAM_BOUNDS = (1e-9, 1 - 1e-9)


@dataclass(frozen=True)
class EmFit:
    """The outcome of one EM run."""

    m: tuple[np.ndarray, ...]   # per trained comparison, over its levels (null level 0)
    lam: float
    objective: tuple[float, ...]  # per iteration, never decreasing
    iterations: int
    converged: bool
    expected_matches: float

    def __repr__(self) -> str:
        return (f"EmFit({self.iterations} iterations, converged={self.converged}, "
                f"expected matches {self.expected_matches:.1f})")


def _logs(levels: tuple[np.ndarray, ...], probs: tuple[np.ndarray, ...],
          nulls: tuple[int, ...]) -> np.ndarray:
    out = np.zeros(len(levels[0]) if levels else 0)
    for lv, p, null in zip(levels, probs, nulls, strict=True):
        out += np.where(lv == null, 0.0, np.log(np.maximum(p, MIN_PROBABILITY))[lv])
    return out


def posterior(levels: tuple[np.ndarray, ...], m: tuple[np.ndarray, ...],
              u: tuple[np.ndarray, ...], nulls: tuple[int, ...], lam: float) -> np.ndarray:
    """The match probability of every pattern."""
    log_odds = (np.log(lam) - np.log1p(-lam) + _logs(levels, m, nulls)
                - _logs(levels, u, nulls))
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(log_odds, -700, 700))))


def objective(counts: np.ndarray, levels: tuple[np.ndarray, ...], m: tuple[np.ndarray, ...],
              u: tuple[np.ndarray, ...], nulls: tuple[int, ...], lam: float,
              prior: tuple[np.ndarray, ...], known_nonmatches: np.ndarray | None = None
              ) -> float:
    """Log-likelihood of the pattern counts (and of the known non-matches, as
    non-matches) plus the Dirichlet prior's log density."""
    log_m, log_u = _logs(levels, m, nulls), _logs(levels, u, nulls)
    mix = np.logaddexp(np.log(lam) + log_m, np.log1p(-lam) + log_u)
    density = sum(float((a * np.log(np.maximum(p, MIN_PROBABILITY)))[a > 0].sum())
                  for a, p in zip(prior, m, strict=True))
    known = 0.0 if known_nonmatches is None else float(
        (known_nonmatches * (np.log1p(-lam) + log_u)).sum())
    return float((counts * mix).sum()) + known + density


def _m_step(counts: np.ndarray, weight: np.ndarray, levels: tuple[np.ndarray, ...],
            sizes: tuple[int, ...], nulls: tuple[int, ...], prior: tuple[np.ndarray, ...]
            ) -> tuple[np.ndarray, ...]:
    out = []
    for lv, size, null, alpha in zip(levels, sizes, nulls, prior, strict=True):
        mass = np.bincount(lv, weights=counts * weight, minlength=size) + alpha
        if null >= 0:
            mass[null] = 0.0
        out.append(mass / mass.sum() if mass.sum() > 0 else np.full(size, 1.0 / size))
    return tuple(out)


def fit_m(counts: np.ndarray, levels: tuple[np.ndarray, ...], u: tuple[np.ndarray, ...],
          m0: tuple[np.ndarray, ...], nulls: tuple[int, ...], prior: tuple[np.ndarray, ...],
          lam0: float, *, known_nonmatches: np.ndarray | None = None,
          max_iterations: int = 200, tolerance: float = 1e-7) -> EmFit:
    """EM for the m vectors and the match share, u fixed.

    ``counts[p]`` is the number of pairs showing pattern ``p``; ``levels[k][p]`` the level
    of trained comparison ``k`` in pattern ``p``; ``u``, ``m0`` and ``prior`` are per
    trained comparison (over its levels); ``nulls`` the index of each null level (a
    negative index: the comparison has none). ``known_nonmatches[p]``: the pairs of pattern
    ``p`` known to be of two persons (none when not given).
    """
    counts = np.asarray(counts, dtype=np.float64)
    known = (np.zeros_like(counts) if known_nonmatches is None
             else np.asarray(known_nonmatches, dtype=np.float64))
    sizes = tuple(len(x) for x in u)
    m, lam = tuple(np.asarray(x, dtype=np.float64) for x in m0), float(lam0)
    trace = [objective(counts, levels, m, u, nulls, lam, prior, known)]
    total = counts.sum() + known.sum()
    converged = False
    for _ in range(max_iterations):
        weight = posterior(levels, m, u, nulls, lam)
        new_m = _m_step(counts, weight, levels, sizes, nulls, prior)
        new_lam = float(np.clip((counts * weight).sum() / total, *_LAM_BOUNDS)) if total else lam
        change = max([abs(new_lam - lam)] + [float(np.abs(a - b).max()) for a, b in
                                             zip(new_m, m, strict=True)])
        m, lam = new_m, new_lam
        trace.append(objective(counts, levels, m, u, nulls, lam, prior, known))
        if change < tolerance:
            converged = True
            break
    expected = float((counts * posterior(levels, m, u, nulls, lam)).sum())
    return EmFit(m, lam, tuple(trace), len(trace) - 1, converged, expected)
