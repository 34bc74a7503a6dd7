"""``method = "probabilistic"``: link by Fellegi-Sunter match weights estimated on the data.

compare every candidate pair's levels (batch by batch, kept as one small pattern code per
pair) → estimate the model (u from random pairs, m by EM sessions, the prior, the term
frequencies: :mod:`vhh.linkage.link.model`) → per pair its waterfall and decision
(:mod:`vhh.linkage.link.fs_decide`). The candidate pairs are visited three times (levels,
the identity sums, the decisions) but their strings only once; only the pairs that reach
a decision are kept (all of them when ``keep_pairs``, for ``vhh-link explain``), so memory
stays a few bytes per candidate pair.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from vhh.linkage.arrays import distinct_sorted, find_sorted
from vhh.linkage.link.fs_decide import (
    AMBIGUOUS_RULE,
    DECISION_CODES,
    IDENTITY_TERM,
    REASONS,
    RULE_CODES,
    Thresholds,
    WeightHistogram,
    contested,
    decide,
    identity_term,
    identity_totals,
)
from vhh.linkage.link.levels import (
    BIRTHDATE,
    COMPARISONS,
    INITIALS,
    N_PATTERNS,
    SURNAME,
    Fields,
    compare_levels,
    fields_of,
    pattern_codes,
    pattern_levels,
)
from vhh.linkage.link.model import FsModel, estimate_model
from vhh.linkage.link.persons import (
    COMPLETION_RULE,
    MIN_SUPPORT,
    OTHER_PERSON_RULE,
    completes,
    conflicting,
    other_person_established,
    other_person_partial,
    support,
    written_with_less,
)
from vhh.linkage.link.training import join_pairs
from vhh.linkage.settings import LinkageSettings

__all__ = ["LEVEL_COLUMNS", "WATERFALL_COLUMNS", "FsOutcome", "link_fellegi_sunter"]

LEVEL_COLUMNS = tuple(f"niveau_{c.name}" for c in COMPARISONS)
WATERFALL_COLUMNS = ("gewicht_prior", "gewicht_achternaam", "tf_achternaam",
                     "gewicht_voorletters", "gewicht_geboortedatum", "tf_geboortedatum",
                     "gewicht_geslacht", IDENTITY_TERM)
BATCH_PAIRS = 1_000_000
_RULES = np.array([*RULE_CODES, OTHER_PERSON_RULE], dtype=object)
_OTHER = len(RULE_CODES)
_DECISIONS = np.array(DECISION_CODES, dtype=object)
_DECIMALS = 4


@dataclass(frozen=True)
class FsOutcome:
    """The decided pairs (columns s, i, passes, levels, waterfall, match_gewicht,
    match_kans, regel, reden, besluit, score), the model and the weight histogram."""

    pairs: pd.DataFrame
    model: FsModel
    histogram: dict[str, Any]

    def __repr__(self) -> str:  # the pairs hold compared names: counts only
        return f"FsOutcome({len(self.pairs)} decided pairs, {self.model!r})"


def _batches(n: int) -> Iterator[slice]:
    """Slices of at most BATCH_PAIRS pairs; one empty slice when there are none."""
    for start in range(0, max(n, 1), BATCH_PAIRS):
        yield slice(start, min(start + BATCH_PAIRS, n))


def _threads() -> int:
    """Threads for the batch loops: the cores this process may use, at most four (each
    batch holds a few hundred MB of temporaries)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(4, cores or 1))


def _mapped(n: int, work: Callable[[slice], Any]) -> Iterator[tuple[slice, Any]]:
    """(part, ``work(part)``) for every batch of ``n`` pairs, in order; the batches run in
    threads: the comparisons and weights are numpy and rapidfuzz loops that let go of the
    GIL, so the cores share them (measured on 5M rows: 0.56-0.66 of the time with two)."""
    parts = list(_batches(n))
    threads = min(_threads(), len(parts))
    if threads < 2:
        for part in parts:
            yield part, work(part)
        return
    with ThreadPoolExecutor(threads) as pool:
        yield from zip(parts, pool.map(work, parts), strict=True)


def _each_batch(n: int, out: np.ndarray, work: Callable[[slice], np.ndarray]) -> np.ndarray:
    """``out[part] = work(part)`` for every batch of ``n`` pairs (:func:`_mapped`). Each
    batch writes its own slice, so the result does not depend on the threads."""
    for part, values in _mapped(n, work):
        out[part] = values
    return out


def _codes(a: Fields, b: Fields, s: np.ndarray, i: np.ndarray) -> np.ndarray:
    return _each_batch(len(s), np.empty(len(s), dtype=np.uint16), lambda part: pattern_codes(
        compare_levels(a, b, s[part], i[part])))


_CONFLICTS = conflicting(*pattern_levels(np.arange(N_PATTERNS))[1:3])  # per pattern code


def _other_person(codes: np.ndarray, i: np.ndarray, backed: np.ndarray) -> np.ndarray:
    """:func:`~vhh.linkage.link.persons.supported_conflict` per pair, from the pattern
    codes (``backed``: per identity, its support reaches ``MIN_SUPPORT``), batch by batch:
    one byte per pair, no levels or supports spread over all pairs."""
    out = np.empty(len(codes), dtype=bool)
    for part in _batches(len(codes)):
        out[part] = _CONFLICTS[codes[part]] & backed[i[part]]
    return out


def _birth_pass(passes: pd.Series) -> np.ndarray:
    """Whether each candidate pair came (also) from the birthdate pass."""
    if isinstance(passes.dtype, pd.CategoricalDtype):
        labels = passes.cat.categories.astype(str)
        hit = np.flatnonzero(np.array(["geboortedatum" in x.split("+") for x in labels]))
        return np.isin(passes.cat.codes.to_numpy(), hit)
    return np.asarray(passes.astype(str).str.split("+").map(lambda x: "geboortedatum" in x),
                      dtype=bool)


def _session_counts(a: Fields, b: Fields, codes: np.ndarray, candidates: pd.DataFrame,
                    backing: np.ndarray, max_pairs: int
                    ) -> dict[str, tuple[np.ndarray, np.ndarray, int]]:
    """Per EM session: the pattern counts of its pairs, of those among them of another
    person (:mod:`vhh.linkage.link.persons`: non-matches for the EM, see
    :mod:`vhh.linkage.link.em`), and the size of its whole join. The birthdate session is
    the candidates of the birthdate pass (that pass is the join on the complete birthdate);
    the surname session is a join of its own, sampled when large (its counts weighted back
    to the whole join, scaled to the number of pairs drawn, so that the prior on m weighs
    as much as on the pairs themselves)."""
    i = candidates["i"].to_numpy()
    birth = _birth_pass(candidates["passes"])
    s2, i2, weight, total = join_pairs(a.surname.kern.astype(np.int64),
                                       b.surname.kern.astype(np.int64), max_pairs)
    codes2 = _codes(a, b, s2, i2)
    weight = weight * (len(weight) / weight.sum()) if len(weight) else weight
    births = codes[birth]
    return {"geboortedatum_gelijk": (
                np.bincount(births, minlength=N_PATTERNS),
                np.bincount(births[_other_person(births, i[birth], backing)],
                            minlength=N_PATTERNS), len(births)),
            "achternaam_gelijk": (  # weighted to the whole join, as many pairs as drawn
                np.bincount(codes2, weights=weight, minlength=N_PATTERNS),
                np.bincount(codes2, weights=weight * _other_person(codes2, i2, backing),
                            minlength=N_PATTERNS), total)}


def _waterfall(model: FsModel, b: Fields, codes: np.ndarray, i: np.ndarray,
               term: np.ndarray) -> dict[str, np.ndarray]:
    """The waterfall columns (rounded), with the identity term ``term`` of each pair."""
    wf = model.waterfall(pattern_levels(codes), b, i)
    parts = {"gewicht_prior": np.full(len(i), wf.prior), **wf.parts, IDENTITY_TERM: term}
    return {k: np.round(parts[k], _DECIMALS) for k in WATERFALL_COLUMNS}


@dataclass(frozen=True, eq=False)
class _Weights:
    """The pairwise weight of every candidate pair and its identity term, batch by batch:
    computed again wherever they are needed instead of held (two float64 per pair: 1.3 GB
    at 81M candidate pairs). The pairs of another person (``backed`` conflicts) have no
    share in the identity sums."""

    model: FsModel
    b: Fields
    codes: np.ndarray
    i: np.ndarray
    backed: np.ndarray
    totals: np.ndarray  # per identity: the sum of 2^w over its pairs (see :meth:`of`)

    def __repr__(self) -> str:  # per pair and per identity: counts only
        return f"_Weights({len(self.codes)} pairs, {len(self.totals)} identities)"

    @classmethod
    def of(cls, model: FsModel, b: Fields, codes: np.ndarray, i: np.ndarray,
           backed: np.ndarray) -> _Weights:
        """The identity sums, added in pair order as
        :func:`~vhh.linkage.link.fs_decide.identity_totals` adds them (the same numbers)."""
        weights = cls(model, b, codes, i, backed, np.zeros(len(b), dtype=np.float64))
        for part, (_, summed) in _mapped(len(codes), weights._pairwise):
            identity_totals(summed, i[part], len(b), out=weights.totals)
        return weights

    def _pairwise(self, part: slice) -> tuple[np.ndarray, np.ndarray]:
        """(w, w for the sums: -inf for another person's pairs) of one batch."""
        pc, pi = self.codes[part], self.i[part]
        w = np.asarray(self.model.pairwise(pc, pattern_levels(pc), self.b, pi))
        return w, np.where(_other_person(pc, pi, self.backed), -np.inf, w)

    def batch(self, part: slice) -> tuple[np.ndarray, np.ndarray]:
        """(w, identity term) of the pairs of one batch."""
        w, summed = self._pairwise(part)
        return w, np.asarray(identity_term(summed, self.i[part], self.totals,
                                           self.model.identity_share))


def _frame(ps: np.ndarray, pi: np.ndarray, passes: np.ndarray, lv: tuple[np.ndarray, ...],
           wf: dict[str, np.ndarray], total: np.ndarray, rule: np.ndarray,
           besluit: np.ndarray) -> pd.DataFrame:
    frame = pd.DataFrame({"s": ps, "i": pi, "passes": passes})
    for column, c, level in zip(LEVEL_COLUMNS, COMPARISONS, lv, strict=True):
        frame[column] = np.asarray(c.levels, dtype=object)[level]
    for column, values in wf.items():
        frame[column] = values
    frame["match_gewicht"] = total
    frame["match_kans"] = np.round(1.0 / (1.0 + np.exp2(-np.clip(total, -60, 60))), 6)
    frame["regel"], frame["besluit"] = rule, besluit
    return frame


def _batch(model: FsModel, a: Fields, b: Fields, ps: np.ndarray, pi: np.ndarray,
           pc: np.ndarray, weights: tuple[np.ndarray, np.ndarray], t: Thresholds,
           keep_all: bool) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray,
                                    np.ndarray, np.ndarray]:
    """The pairs of one batch worth keeping: (rows, waterfall, total, rule, besluit). The
    waterfall is built only for pairs whose weight, computed fast, may reach a decision;
    the decision is then made on the waterfall's own (rounded) total."""
    w, term = weights
    lv = pattern_levels(pc)
    initials = a.n_initials[ps] if t.cap_no_initial else np.ones(len(ps), np.int8)
    rough = w + term
    _, maybe = decide(rough + 1e-3, lv, initials, a.sex[ps], b.sex[pi], t)
    tie = contested(w, term, model.identity_share, t)
    rows = np.flatnonzero((maybe > 0) | tie | _may_complete(pc) | keep_all)
    wf = _waterfall(model, b, pc[rows], pi[rows], term[rows])
    total = np.round(sum(wf.values()), _DECIMALS)
    rule, besluit = decide(total, tuple(x[rows] for x in lv), initials[rows], a.sex[ps[rows]],
                           b.sex[pi[rows]], t)
    tie = tie[rows] & (besluit == 0)
    rule[tie], besluit[tie] = RULE_CODES.index(AMBIGUOUS_RULE), 1
    return rows, wf, total, rule, besluit


def _rivals(b: Fields, codes: np.ndarray, s: np.ndarray, i: np.ndarray, decided: pd.DataFrame
            ) -> pd.DataFrame:
    """The conflicting candidate pairs (the rivals of
    :func:`~vhh.linkage.link.persons.other_person_partial`), in candidate order, of only
    those subjects and surname keys that some ``decided`` pair has: a rival of another
    subject or surname key is never looked at, and on a national extract most of the tens
    of millions of candidate pairs conflict."""
    kern = b.surname.kern.astype(np.int64) + 1
    names = distinct_sorted(decided["s"].to_numpy(np.int64) << 32
                            | kern[decided["i"].to_numpy()])
    rs, ri = [np.empty(0, s.dtype)], [np.empty(0, i.dtype)]
    for part in _batches(len(s)):
        at = np.flatnonzero(_CONFLICTS[codes[part]])
        ps, pi = s[part][at], i[part][at]
        # a binary search: np.isin would sort both arrays again for every batch
        mine = find_sorted(names, ps.astype(np.int64) << 32 | kern[pi]) >= 0
        rs.append(ps[mine])
        ri.append(pi[mine])
    # each side joined and its pieces let go before the next; copy=False: no third copy
    # (on a national extract the rivals are tens of millions of pairs)
    rival_s = np.concatenate(rs)
    rs.clear()
    rival_i = np.concatenate(ri)
    ri.clear()
    return pd.DataFrame({"s": rival_s, "i": rival_i}, copy=False)


def _decided(model: FsModel, a: Fields, b: Fields, candidates: pd.DataFrame,
             codes: np.ndarray, weights: _Weights, backed: np.ndarray,
             t: Thresholds, keep_all: bool, histogram: WeightHistogram) -> pd.DataFrame:
    s, i = candidates["s"].to_numpy(), candidates["i"].to_numpy()
    passes = candidates["passes"]
    parts = []
    for part in _batches(len(s)):
        ps, pi, pc = s[part], i[part], codes[part]
        w, term = weights.batch(part)
        histogram.add(np.round(w + term, _DECIMALS))
        rows, wf, total, rule, besluit = _batch(model, a, b, ps, pi, pc, (w, term), t,
                                                keep_all)
        lv = pattern_levels(pc[rows])
        other = _other_person(pc[rows], pi[rows], backed)
        rule[other & (besluit > 0)], besluit[other] = _OTHER, 0
        keep = np.ones(len(rows), bool) if keep_all else (besluit > 0) | _may_complete(pc[rows])
        at = rows[keep]
        parts.append(_frame(ps[at].astype(np.int64), pi[at].astype(np.int64),
                            passes.iloc[part].iloc[at].to_numpy(),
                            tuple(x[keep] for x in lv), {k: v[keep] for k, v in wf.items()},
                            total[keep], _RULES[rule[keep]], _DECISIONS[besluit[keep]]))
    return pd.concat(parts, ignore_index=True)


def _settled(b: Fields, out: pd.DataFrame, rivals: pd.DataFrame, keep_all: bool) -> pd.DataFrame:
    """The decided pairs after the person rules (``rivals``: :func:`_rivals`), reasoned."""
    _persons(b, out, rivals)
    if not keep_all:
        out = out[out["besluit"] != "geen"].reset_index(drop=True)
    out["reden"] = _reasons(out)
    out["score"] = out["match_gewicht"]
    return out


_NAME_SAME = ("gelijk", "kern_gelijk")
_INITIALS_FIT = ("alle_gelijk", "een_gelijk", "voorvoegsel")
_COMPLETABLE = (tuple(SURNAME.level(x) for x in _NAME_SAME),
                tuple(INITIALS.level(x) for x in _INITIALS_FIT), BIRTHDATE.level("ontbreekt"))


def _may_complete_levels(lv: tuple[np.ndarray, ...]) -> np.ndarray:
    """Pairs the completion rule may match whatever their weight (kept for it)."""
    return np.asarray(np.isin(lv[0], _COMPLETABLE[0]) & np.isin(lv[1], _COMPLETABLE[1])
                      & (lv[2] == _COMPLETABLE[2]))


_MAY_COMPLETE = _may_complete_levels(pattern_levels(np.arange(N_PATTERNS)))  # per pattern


def _may_complete(codes: np.ndarray) -> np.ndarray:
    """:func:`_may_complete_levels` of pairs given by their pattern codes (a look-up)."""
    return np.asarray(_MAY_COMPLETE[codes])


def _persons(b: Fields, out: pd.DataFrame, rivals: pd.DataFrame) -> None:
    """The rules of :mod:`vhh.linkage.link.persons` on the decided pairs, in place: a
    rival's row written with less is not linked; a matched identity's row without its
    birthdate is."""
    lv = tuple(out[c].map({x: k for k, x in enumerate(cmp.levels)}).to_numpy()
               for c, cmp in zip(LEVEL_COLUMNS, COMPARISONS, strict=True))
    rival = other_person_partial(b, out, rivals) | other_person_established(
        b, out, conflicting(lv[1], lv[2]))
    decided = (out["besluit"] != "geen").to_numpy()
    out.loc[rival & decided, "regel"] = OTHER_PERSON_RULE
    out.loc[rival, "besluit"] = "geen"
    open_rows = (~rival & (out["niveau_geboortedatum"] == "ontbreekt").to_numpy()
                 & out["niveau_achternaam"].isin(_NAME_SAME).to_numpy()
                 & out["niveau_voorletters"].isin(_INITIALS_FIT).to_numpy()
                 & (out["besluit"] != "match").to_numpy()
                 & (out["regel"] != "subject_zonder_voorletter").to_numpy())
    done = completes(b, out, open_rows)
    out.loc[done, "regel"], out.loc[done, "besluit"] = COMPLETION_RULE, "match"


def _reasons(pairs: pd.DataFrame) -> pd.Series:
    by_rule = pairs["regel"].map(REASONS)
    by_decision = pairs["besluit"].map(REASONS)
    return by_rule.fillna(by_decision).fillna("")


def link_fellegi_sunter(candidates: pd.DataFrame | list[pd.DataFrame], subjects: pd.DataFrame,
                        identities: pd.DataFrame, settings: LinkageSettings,
                        keep_pairs: bool = False) -> FsOutcome:
    """Estimate the model on these data and decide every candidate pair (``s``, ``i``:
    positions in ``subjects`` and ``identities``, both from ``normalise_identities``;
    ``identities`` may carry ``n_rijen``, the rows of each identity). ``candidates`` in a
    one-element list is handed over (emptied): let go once the rivals are found."""
    if isinstance(candidates, list):
        candidates = candidates.pop()
    a, b = fields_of(subjects, identities)
    rows = (identities["n_rijen"].to_numpy(np.int64) if "n_rijen" in identities
            else np.ones(len(identities), np.int64))
    backed = support(b, rows) >= MIN_SUPPORT
    # s and i stay as blocking gave them (int32): no 8-byte copies of tens of millions
    s, i = candidates["s"].to_numpy(), candidates["i"].to_numpy()
    codes = _codes(a, b, s, i)
    model = estimate_model(a, b, _session_counts(a, b, codes, candidates, backed,
                                                 settings.em_session_pairs),
                           u_pairs=settings.u_random_pairs,
                           term_frequencies=settings.term_frequencies)
    weights = _Weights.of(model, b, codes, i, backed)
    t = Thresholds(settings.match_weight, settings.review_weight,
                   settings.subject_without_initial == "review")
    histogram = WeightHistogram()
    out = _decided(model, a, b, candidates, codes, weights, backed, t, keep_pairs,
                   histogram)
    rivals = _rivals(b, codes, s, i, out[written_with_less(out)])  # of rows written with less
    del candidates, s, i, codes, weights  # done with (0.2 GB at 5M rows)
    return FsOutcome(_settled(b, out, rivals, keep_pairs), model, histogram.as_dict(t))
