"""The Fellegi-Sunter model of ``method = "probabilistic"``, estimated on the data at hand.

For every comparison level (:mod:`vhh.linkage.link.levels`) the model holds

- ``u``: the probability of the level for two records of different persons, estimated from
  random (subject, police identity) pairs, as Splink does; the ``gelijk`` levels of surname
  and birthdate exactly, from the value frequencies on both sides;
- ``m``: the probability of the level for two records of one person, estimated by EM over
  the candidate pairs of blocking (:mod:`vhh.linkage.link.em`), u held fixed, in three
  *sessions*. Each session takes the pairs that agree on some comparisons and trains only
  the others, so that look-alikes cannot teach the model that they are matches: twins and
  near-namesakes agree on the birthdate and disagree on an initial, so the initials are
  trained only on pairs with the same surname and a birthdate that is *not* equal.

A level's weight is ``log2(m / u)`` (a null level weighs 0). A pair's match weight is the
prior (the log2 odds that a random pair is a match, from the expected number of matches
among the candidate pairs) plus the weight of each of its levels plus two term-frequency
adjustments: agreeing on a common surname or birthdate (de Jong, 1 January) is weaker
evidence than agreeing on a rare one. The adjustment of a value ``v`` is
``log2(ū / g(v))``, where ``g(v)`` is the share of distinct police persons (distinct
surname and birthdate) that have ``v`` and ``ū`` the average over the subjects' values,
bounded to ±:data:`TF_MAX_BITS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from vhh.linkage.arrays import distinct_sorted, find_sorted
from vhh.linkage.link.em import EmFit, fit_m
from vhh.linkage.link.levels import (
    BIRTHDATE,
    COMPARISONS,
    N_PATTERNS,
    SURNAME,
    Fields,
    compare_levels,
    pattern_levels,
)

__all__ = ["M_PRIOR", "PRIOR_STRENGTH", "SESSIONS", "TF_MAX_BITS", "FsModel", "Session",
           "Waterfall", "estimate_model", "estimate_u"]

TF_MAX_BITS = 6.0
MAX_IDENTITY_SHARE = 0.99
PRIOR_STRENGTH = 20.0  # pseudo-pairs of the Dirichlet prior on each m vector
U_PSEUDO_COUNT = 1.0   # per level, on the random-pair counts
RANDOM_SEED = 20130101  # the random pairs for u: fixed, so that a run can be repeated
M_PRIOR: dict[str, tuple[float, ...]] = {  # the prior's mean, over the levels (null: 0)
    "achternaam": (0.85, 0.04, 0.02, 0.035, 0.01, 0.01, 0.01, 0.01, 0.001, 0.014, 0.0),
    "voorletters": (0.5, 0.15, 0.348, 0.001, 0.001, 0.0),
    "geboortedatum": (0.9, 0.005, 0.01, 0.03, 0.01, 0.01, 0.01, 0.025, 0.0),
    "geslacht": (0.98, 0.02, 0.0),
}
M_MAX: dict[tuple[str, str], float] = {("voorletters", "later_anders"): 0.0001}
"""Upper bounds on m, assumptions the data cannot correct: a slip that changes a *later*
initial while the first stays is rarer on police registrations than one in 10,000 true
pairs. Without the bound, the near-namesakes that the estimation cannot tell from the
subject ("A.M." against "A.J.", same birthdate) would teach EM that it is common."""
_SAME_SURNAME = tuple(SURNAME.level(x) for x in ("gelijk", "kern_gelijk"))


@dataclass(frozen=True)
class Session:
    """An EM session: the pairs it takes (a join on one field, over all pairs, as Splink's
    EM blocking rules) and the comparisons it trains (all but the joined one)."""

    name: str
    selects: str  # Dutch, for the report
    trains: tuple[str, ...]


SESSIONS = (
    Session("geboortedatum_gelijk", "alle paren met dezelfde geboortedatum",
            ("achternaam", "voorletters", "geslacht")),
    Session("achternaam_gelijk", "alle paren met dezelfde achternaam zonder tussenvoegsels",
            ("geboortedatum", "voorletters", "geslacht")),
)
_NAMES = tuple(c.name for c in COMPARISONS)


@dataclass(frozen=True)
class SessionFit:
    session: Session
    pairs: int           # all pairs of the session (or of its sample)
    other_persons: int   # of which known to be of two persons (non-matches in the EM)
    fit: EmFit


@dataclass(frozen=True)
class Waterfall:
    """Per pair: the weight of each comparison, the two adjustments and the total."""

    prior: float
    parts: dict[str, np.ndarray]  # gewicht_<comparison>, tf_achternaam, tf_geboortedatum
    total: np.ndarray

    def __repr__(self) -> str:
        return f"Waterfall({len(self.total)} pairs, parts {', '.join(self.parts)})"


@dataclass(frozen=True, eq=False)
class FsModel:
    """Estimated m and u per comparison level, the prior and the term frequencies."""

    m: tuple[np.ndarray, ...]
    u: tuple[np.ndarray, ...]
    prior: float                 # log2 odds that a random pair is a match
    tf_surname: np.ndarray       # bits per surname (kern) code of the police side
    tf_birth_keys: np.ndarray    # sorted YYYYMMDD keys
    tf_birth: np.ndarray         # bits per key
    sessions: tuple[SessionFit, ...] = ()
    u_pairs: int = 0
    expected_matches: float = 0.0
    identity_share: float = 0.0  # the prior that a police identity belongs to some subject

    def __repr__(self) -> str:  # the term frequencies are per surname and birthdate
        return (f"FsModel(prior {self.prior:.2f} bits, {len(self.sessions)} sessions, "
                f"{self.u_pairs} random pairs)")

    def weights(self) -> tuple[np.ndarray, ...]:
        """log2(m / u) per level of each comparison; 0 for the null level."""
        out = []
        for c, m, u in zip(COMPARISONS, self.m, self.u, strict=True):
            w = np.log2(np.maximum(m, 1e-12) / np.maximum(u, 1e-12))
            w[c.null_index] = 0.0
            out.append(w)
        return tuple(out)

    def waterfall(self, lv: tuple[np.ndarray, ...], right: Fields, i: np.ndarray
                  ) -> Waterfall:
        """The match weight of pairs with levels ``lv`` whose police side is ``right[i]``."""
        parts = {f"gewicht_{c.name}": w[level] for c, w, level in
                 zip(COMPARISONS, self.weights(), lv, strict=True)}
        same = np.isin(lv[0], _SAME_SURNAME)
        kern = right.surname.kern[i]
        parts["tf_achternaam"] = np.where(same & (kern >= 0),
                                          self.tf_surname[np.maximum(kern, 0)], 0.0)
        parts["tf_geboortedatum"] = self._birth_adjustment(lv, right, i)
        total = self.prior + sum(parts.values())
        return Waterfall(self.prior, parts, np.asarray(total, dtype=np.float64))

    def pairwise(self, codes: np.ndarray, lv: tuple[np.ndarray, ...], right: Fields,
                 i: np.ndarray) -> np.ndarray:
        """The total of :meth:`waterfall` alone, from the pattern codes (faster)."""
        kern = right.surname.kern[i]
        tf = np.where(np.isin(lv[0], _SAME_SURNAME) & (kern >= 0),
                      self.tf_surname[np.maximum(kern, 0)], 0.0)
        tf += self._birth_adjustment(lv, right, i)
        return np.asarray(self.pattern_totals()[codes] + tf, dtype=np.float64)

    def pattern_totals(self) -> np.ndarray:
        """The match weight of every pattern without adjustments (the prior included)."""
        lv = pattern_levels(np.arange(N_PATTERNS))
        return np.asarray(self.prior + sum(w[level] for w, level in
                                           zip(self.weights(), lv, strict=True)))

    @staticmethod
    def words() -> tuple[str, ...]:
        """The fixed words of :meth:`report` (keys, comparison, level and session names)."""
        keys = ("prior_gewicht niveaus sessies u_willekeurige_paren verwachte_matches "
                "aandeel_identiteiten_van_subject tf_max_bits m u gewicht naam paren traint "
                "aantal_paren iteraties geconvergeerd aandeel_matches randen aantallen "
                "bovengrens ondergrens toelichting kandidaatparen per heel bit matchgewicht "
                "linkerrand telt mee model gewichten_histogram")
        names = [c.name for c in COMPARISONS] + [x for c in COMPARISONS for x in c.levels]
        sessions = [x for s in SESSIONS for x in (s.name, s.selects)]
        return (keys, *names, *sessions)

    def _birth_adjustment(self, lv: tuple[np.ndarray, ...], right: Fields, i: np.ndarray
                          ) -> np.ndarray:
        """The birthdate's term-frequency bits of each pair, 0 unless the dates are equal."""
        out = np.zeros(len(i))
        equal = np.flatnonzero(lv[2] == BIRTHDATE.level("gelijk"))
        out[equal] = self._birth_tf(right.birth_key[i[equal]])
        return out

    def _birth_tf(self, keys: np.ndarray) -> np.ndarray:
        if not len(self.tf_birth_keys):
            return np.zeros(len(keys))
        at = find_sorted(self.tf_birth_keys, keys)
        return np.where(at >= 0, self.tf_birth[at], 0.0)

    def report(self) -> dict[str, Any]:
        """m, u and weight per level, the prior and the sessions, for the report."""
        levels = {c.name: {name: {"m": round(float(m[k]), 6), "u": round(float(u[k]), 8),
                                  "gewicht": round(float(w[k]), 3)}
                           for k, name in enumerate(c.levels)}
                  for c, m, u, w in zip(COMPARISONS, self.m, self.u, self.weights(),
                                        strict=True)}
        sessions = [{"naam": f.session.name, "paren": f.session.selects, "traint":
                     list(f.session.trains), "aantal_paren": f.pairs,
                     "waarvan_andere_persoon": f.other_persons,
                     "iteraties": f.fit.iterations, "geconvergeerd": f.fit.converged,
                     "aandeel_matches": round(f.fit.lam, 6)} for f in self.sessions]
        return {"prior_gewicht": round(self.prior, 3), "niveaus": levels, "sessies": sessions,
                "u_willekeurige_paren": self.u_pairs,
                "verwachte_matches": round(self.expected_matches, 1),
                "aandeel_identiteiten_van_subject": round(self.identity_share, 4),
                "tf_max_bits": TF_MAX_BITS}


def _shares(keys: np.ndarray, known: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    values, counts = np.unique(keys[known], return_counts=True)
    return values, counts / max(int(known.sum()), 1)


def _agreement(a_keys: np.ndarray, a_known: np.ndarray, b_keys: np.ndarray,
               b_known: np.ndarray) -> float:
    """P(equal keys) for a random pair, both known: the sum over values of f_a * f_b."""
    va, fa = _shares(a_keys, a_known)
    vb, fb = _shares(b_keys, b_known)
    common, ia, ib = np.intersect1d(va, vb, assume_unique=True, return_indices=True)
    return float((fa[ia] * fb[ib]).sum())


def _exact_u(a: Fields, b: Fields) -> dict[tuple[int, int], float]:
    """The u of the surname's and birthdate's gelijk levels (and kern_gelijk) exactly."""
    sa, sb = a.surname, b.surname
    # per identity (the fields hold prefix and core per distinct surname)
    whole_a = ((sa.prefix.astype(np.int64) + 1) << 32 | sa.core.astype(np.int64))[sa.distinct]
    whole_b = ((sb.prefix.astype(np.int64) + 1) << 32 | sb.core.astype(np.int64))[sb.distinct]
    same = _agreement(whole_a, sa.kern >= 0, whole_b, sb.kern >= 0)
    kern = _agreement(sa.kern, sa.kern >= 0, sb.kern, sb.kern >= 0)
    complete_a = ~a.birth.missing & (a.birth_key % 100 > 0) & (a.birth_key // 100 % 100 > 0)
    complete_b = ~b.birth.missing & (b.birth_key % 100 > 0) & (b.birth_key // 100 % 100 > 0)
    birth = _agreement(a.birth_key, complete_a, b.birth_key, complete_b)
    return {(0, SURNAME.level("gelijk")): same,
            (0, SURNAME.level("kern_gelijk")): max(kern - same, 0.0),
            (2, BIRTHDATE.level("gelijk")): birth}


def _random_pairs(n_left: int, n_right: int, max_pairs: int
                  ) -> tuple[np.ndarray, np.ndarray]:
    if n_left * n_right <= max_pairs:
        return (np.repeat(np.arange(n_left), n_right), np.tile(np.arange(n_right), n_left))
    rng = np.random.default_rng(RANDOM_SEED)
    return rng.integers(0, n_left, size=max_pairs), rng.integers(0, n_right, size=max_pairs)


def estimate_u(a: Fields, b: Fields, max_pairs: int
               ) -> tuple[tuple[np.ndarray, ...], np.ndarray, int]:
    """u per comparison level from random pairs (all pairs when there are few), with the
    gelijk levels of surname and birthdate exact; the share of random pairs in which each
    comparison can be made (not null); and the number of pairs compared."""
    s, i = _random_pairs(len(a), len(b), max_pairs)
    levels = compare_levels(a, b, s, i) if len(s) else tuple(np.zeros(0, np.int8)
                                                              for _ in COMPARISONS)
    exact = _exact_u(a, b) if len(a) and len(b) else {}
    known = np.array([float(np.mean(lv != c.null_index)) if len(lv) else 0.0
                      for c, lv in zip(COMPARISONS, levels, strict=True)])
    out = []
    for k, (c, lv) in enumerate(zip(COMPARISONS, levels, strict=True)):
        counts = np.bincount(lv, minlength=len(c.levels)).astype(np.float64) + U_PSEUDO_COUNT
        counts[c.null_index] = 0.0
        u = counts / counts.sum()
        fixed = {lvl: p for (kk, lvl), p in exact.items() if kk == k}
        if fixed:
            free = [x for x in range(len(c.levels)) if x not in fixed and x != c.null_index]
            rest = 1.0 - sum(fixed.values())
            u[free] = u[free] / u[free].sum() * rest
            for lvl, p in fixed.items():
                u[lvl] = max(p, 1e-9)
        out.append(u)
    return tuple(out), known, len(s)


def _tf_tables(a: Fields, b: Fields) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Adjustments per police surname code and per birthdate key (see the module text)."""
    sa, sb = a.surname, b.surname
    size = len(sb.vocabulary)
    known = sb.kern >= 0
    pairs = distinct_sorted((sb.kern[known].astype(np.int64) << 32) | b.birth_key[known])
    persons = np.stack([pairs >> 32, pairs & 0xFFFFFFFF], axis=1)
    if not len(persons) or not len(a):
        return np.zeros(size), np.zeros(0, np.int64), np.zeros(0)
    g = np.bincount(persons[:, 0], minlength=size) / len(persons)
    f = np.bincount(sa.kern[sa.kern >= 0], minlength=size) / max(int((sa.kern >= 0).sum()), 1)
    surname = _bits(float((f * g).sum()), g)
    keys, counts = np.unique(persons[persons[:, 1] > 0, 1], return_counts=True)
    share = counts / max(counts.sum(), 1)
    at = np.searchsorted(keys, a.birth_key)
    hit = (at < len(keys)) & (keys[np.minimum(at, max(len(keys) - 1, 0))] == a.birth_key)
    mean = float(share[at[hit]].sum() / max(len(a), 1)) if len(keys) else 0.0
    return surname, keys, _bits(mean, share)


def _bits(mean: float, share: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        bits = np.log2(mean / share)
    return np.where((share > 0) & (mean > 0), np.clip(bits, -TF_MAX_BITS, TF_MAX_BITS), 0.0)


def _fit_sessions(session_counts: dict[str, tuple[np.ndarray, np.ndarray]],
                  u: tuple[np.ndarray, ...]
                  ) -> tuple[tuple[np.ndarray, ...], tuple[SessionFit, ...]]:
    """m per comparison: each comparison's m averaged over the sessions that train it
    (``session_counts``: per session the pattern counts of its pairs and of those among
    them known to be of two persons, see :func:`estimate_model`)."""
    lv = pattern_levels(np.arange(N_PATTERNS))
    prior_mean = {name: np.asarray(M_PRIOR[name]) for name in _NAMES}
    trained: dict[str, list[np.ndarray]] = {name: [] for name in _NAMES}
    fits = []
    for session in SESSIONS:
        counts, other = (np.asarray(x, float) for x in session_counts.get(
            session.name, (np.zeros(N_PATTERNS), np.zeros(N_PATTERNS))))
        free = counts - other
        keep = counts > 0
        idx = [_NAMES.index(name) for name in session.trains]
        fit = fit_m(free[keep], tuple(lv[k][keep] for k in idx), tuple(u[k] for k in idx),
                    tuple(prior_mean[_NAMES[k]] for k in idx),
                    tuple(COMPARISONS[k].null_index for k in idx),
                    tuple(prior_mean[_NAMES[k]] * PRIOR_STRENGTH for k in idx), 0.5,
                    known_nonmatches=other[keep])
        for k, m in zip(idx, fit.m, strict=True):
            trained[_NAMES[k]].append(m)
        fits.append(SessionFit(session, int(counts.sum()), int(other.sum()), fit))
    estimated = tuple(_bounded(name, np.mean(trained[name], axis=0) if trained[name]
                               else prior_mean[name]) for name in _NAMES)
    return estimated, tuple(fits)


def _bounded(name: str, m: np.ndarray) -> np.ndarray:
    """``m`` with the bounds of :data:`M_MAX` applied, the excess spread over the other
    levels in proportion."""
    c = COMPARISONS[_NAMES.index(name)]
    out = m.copy()
    for (comparison, level), bound in M_MAX.items():
        k = c.level(level) if comparison == name else -1
        if k >= 0 and out[k] > bound:
            rest = [x for x in range(len(out)) if x not in (k, c.null_index)]
            out[rest] *= (1.0 - bound) / out[rest].sum()
            out[k] = bound
    return out


_SESSION_LEVELS = {"geboortedatum_gelijk": (2, (BIRTHDATE.level("gelijk"),)),
                   "achternaam_gelijk": (0, _SAME_SURNAME)}


def _expected_matches(fits: tuple[SessionFit, ...], totals: dict[str, int],
                      m: tuple[np.ndarray, ...], known: np.ndarray) -> float:
    """Expected matches among all pairs, from each session: its matches over the share of
    matches that its join finds (m of the joined levels times the share of pairs in
    which the field is known), as Splink estimates the match share from a rule's recall.
    The mean over the sessions that found pairs."""
    estimates = []
    for f in fits:
        k, levels = _SESSION_LEVELS[f.session.name]
        recall = float(m[k][list(levels)].sum()) * float(known[k])
        if f.pairs and recall > 0:
            estimates.append(f.fit.lam * totals.get(f.session.name, f.pairs) / recall)
    return float(np.mean(estimates)) if estimates else 0.0


def estimate_model(a: Fields, b: Fields,
                   session_counts: dict[str, tuple[np.ndarray, np.ndarray, int]],
                   *, u_pairs: int, term_frequencies: bool = True) -> FsModel:
    """Estimate the model for subjects ``a`` and police identities ``b`` from the pattern
    counts of each session's pairs, the counts of those among them that are known to be of
    two persons, and the size of its whole join (by session name, see
    :data:`SESSIONS`; the surname session's pairs come from
    :func:`vhh.linkage.link.training.join_pairs`)."""
    u, known, compared = estimate_u(a, b, u_pairs)
    m, fits = _fit_sessions({k: (c, o) for k, (c, o, _) in session_counts.items()}, u)
    expected = _expected_matches(fits, {k: n for k, (_, _, n) in session_counts.items()}, m,
                                 known)
    space = max(len(a) * len(b), 1)
    lam = min(max(expected / space, 1e-15), 0.5)
    if term_frequencies:
        tf_surname, keys, tf_birth = _tf_tables(a, b)
    else:
        tf_surname, keys, tf_birth = (np.zeros(len(b.surname.vocabulary)),
                                      np.zeros(0, np.int64), np.zeros(0))
    return FsModel(m, u, float(np.log2(lam / (1 - lam))), tf_surname, keys, tf_birth, fits,
                   compared, expected, min(expected / max(len(b), 1), MAX_IDENTITY_SHARE))
