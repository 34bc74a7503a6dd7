"""Link GCOS subjects to the rows of one police source (BVH or HKS).

normalise → block → compare → decide → resolve per identity → review → join back to rows.
Every police row ends with at most one subject; every subject ends found (with the rule
that found it) or not found (with the reason).

``[linkage] method`` chooses how pairs are decided: ``probabilistic`` (the default) by
Fellegi-Sunter match weights estimated on the data at hand
(:mod:`vhh.linkage.link.fellegi_sunter`), ``rules`` by the ordered tiers of
:mod:`vhh.linkage.link.rules`, ``strict`` among them being the reference study's own rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from vhh.linkage.contract import REVIEW_ACCEPTED
from vhh.linkage.io.csv_text import SharedRows
from vhh.linkage.link.birthdates import within_one_slip_pairs
from vhh.linkage.link.blocking import Blocking, candidate_pairs
from vhh.linkage.link.compare import COMPARISON_COLUMNS, Side, compare_pairs
from vhh.linkage.link.decide import NO_RULE, decide_pairs, resolve_per_identity
from vhh.linkage.link.fellegi_sunter import LEVEL_COLUMNS, WATERFALL_COLUMNS, link_fellegi_sunter
from vhh.linkage.link.fs_decide import FS_RULE_DESCRIPTIONS, REASONS, resolve
from vhh.linkage.link.methods import rule_names
from vhh.linkage.link.model import FsModel
from vhh.linkage.link.review import (
    applied_decisions,
    apply_review_decisions,
    review_ids,
    review_queue,
)
from vhh.linkage.link.rules import RULES
from vhh.linkage.normalise.identities import collapse_identities, normalise_identities
from vhh.linkage.settings import LinkageSettings
from vhh.linkage.stopwatch import Stopwatch

__all__ = ["FS_KOPPELING_COLUMNS", "KOPPELING_COLUMNS", "LinkResult", "link_identities",
           "link_source", "prepare_subjects", "report_words"]

KOPPELING_COLUMNS = ("gcos_id", "bron", "record_id", "regel", "score", "besluit", "blokken",
                     *COMPARISON_COLUMNS)
FS_KOPPELING_COLUMNS = ("gcos_id", "bron", "record_id", "regel", "reden", "score", "besluit",
                        "blokken", *LEVEL_COLUMNS, *WATERFALL_COLUMNS, "match_gewicht",
                        "match_kans")
NOT_FOUND_NO_INITIAL = "geen_voorletter"
NOT_FOUND_REVIEW = "alleen_ter_beoordeling"
NOT_FOUND_NO_CANDIDATE = "geen_kandidaat"


@dataclass(frozen=True)
class LinkResult:
    """What linking one source produced."""

    source: str
    # per valid police row (its index), categorical: gcos_id of the match or ""
    row_subject: pd.Series
    row_rule: pd.Series         # per valid police row, categorical: the rule or ""
    # one row per linked record and subject (match or review), the pair's columns held once
    linked_rows: SharedRows
    review: pd.DataFrame        # the review queue
    subjects: pd.DataFrame      # per subject: gcos_id, gevonden, regel (the best rule), reden
    blocking: Blocking
    identities: int
    decisions_by_rule: dict[str, int]
    # every candidate pair (s, i) with its comparisons, the rule that held (regel, besluit,
    # rang, score) and what became of it (uitkomst_regel, uitkomst_besluit; "" = dropped)
    pairs: pd.DataFrame | None = None
    # method "probabilistic" only: the model (m, u and weight per level, prior, sessions)
    # and the histogram of the candidate pairs' match weights with both thresholds
    model: dict[str, Any] | None = None
    histogram: dict[str, Any] | None = None
    # seconds per step: normalise, block, compare(_decide), decide, resolve
    seconds: dict[str, float] = field(default_factory=dict)
    # the review_ids whose decision (from [linkage] review_decisions) met a pair under review
    review_applied: tuple[str, ...] = ()

    @property
    def koppelingen(self) -> pd.DataFrame:
        """``koppelingen.csv`` as a frame, every row written out (large on a national
        extract: the run writes :attr:`linked_rows` as it is)."""
        return self.linked_rows.frame()

    def __repr__(self) -> str:  # the frames hold gcos_ids and compared names: counts only
        found = int(self.subjects["gevonden"].sum()) if "gevonden" in self.subjects else 0
        return (f"LinkResult({self.source}: {len(self.subjects)} subjects, {found} found, "
                f"{self.identities} identities, {len(self.linked_rows)} decisions)")


def prepare_subjects(gcos: pd.DataFrame) -> pd.DataFrame:
    """The in-scope GCOS subjects as normalised identities (one per subject)."""
    frame = gcos.loc[:, ["gcos_id", "achternaam", "tussenvoegsel", "voorletters", "voornamen",
                         "geboortedatum", "geslacht"]].reset_index(drop=True)
    return normalise_identities(frame, held=False)


def _subject_status(subjects: pd.DataFrame, pairs: pd.DataFrame, tiers: tuple[str, ...]
                    ) -> pd.DataFrame:
    status = pd.DataFrame({"gcos_id": subjects["gcos_id"].to_numpy()})
    matched = pairs[pairs["besluit"] == "match"]
    order = {name: k for k, name in enumerate((*tiers, REVIEW_ACCEPTED))}
    best = (matched.assign(o=matched["regel"].map(order)).sort_values("o")
            .drop_duplicates("s").set_index("s")["regel"])
    in_review = set(pairs.loc[pairs["besluit"] == "review", "s"])
    status["gevonden"] = status.index.isin(best.index)
    status["regel"] = best.reindex(status.index).fillna("").to_numpy()
    no_initial = subjects["first"].to_numpy() == ""
    reason = np.where(status["gevonden"], "",
                      np.where(no_initial, NOT_FOUND_NO_INITIAL,
                               np.where(status.index.isin(list(in_review)), NOT_FOUND_REVIEW,
                                        NOT_FOUND_NO_CANDIDATE)))
    status["reden"] = reason
    status["ter_beoordeling"] = status.index.isin(list(in_review))
    return status


def link_source(source: str, subjects: pd.DataFrame, rows: pd.DataFrame, id_column: str,
                settings: LinkageSettings, decisions: pd.Series | None = None) -> LinkResult:
    """Link ``rows`` (valid police rows) to ``subjects`` (from :func:`prepare_subjects`)."""
    identities, codes = collapse_identities(rows)
    return link_identities(source, subjects, identities, codes, rows[id_column], settings,
                           decisions)


def report_words() -> tuple[str, ...]:
    """The fixed texts the linkage writes into the report (rule descriptions, reasons, the
    model's level and session names), for the leak scanner's vocabulary."""
    model = FsModel.words()
    return (*(r.description for r in RULES.values()), *FS_RULE_DESCRIPTIONS.values(),
            *REASONS.values(), *model, *REVIEWED.values())


def link_identities(source: str, subjects: pd.DataFrame, identities: pd.DataFrame,
                    codes: np.ndarray, record_ids: pd.Series, settings: LinkageSettings,
                    decisions: pd.Series | None = None, *, keep_pairs: bool = True
                    ) -> LinkResult:
    """Link distinct police ``identities`` (from :func:`collapse_identities`, or read chunk
    by chunk) to ``subjects``; ``codes`` gives each row's identity position and
    ``record_ids`` each row's id (its index is the rows' index).

    ``keep_pairs=False`` leaves out :attr:`LinkResult.pairs` (every candidate pair with its
    comparisons), which only ``explain`` reads and which is large on national extracts.
    """
    clock = Stopwatch()
    with clock.stage("normalise"):
        identities = normalise_identities(identities)
    with clock.stage("block"):
        blocking = candidate_pairs(subjects, identities, settings.max_block_pairs)
    columns: tuple[str, ...]
    if settings.method == "rules":
        decided, pairs, extra = _by_rules(blocking, subjects, identities, settings,
                                          keep_pairs, clock)
        columns = KOPPELING_COLUMNS
    else:
        with clock.stage("compare_decide"):
            candidates: pd.DataFrame | list[pd.DataFrame] = blocking.pairs
            if not keep_pairs:  # handed over: the pair table goes as soon as it is done
                candidates, blocking = [blocking.pairs], blocking.without_pairs()
            outcome = link_fellegi_sunter(candidates, subjects, identities, settings,
                                          keep_pairs)
            del candidates
        with clock.stage("resolve"):
            decided = outcome.pairs
            pairs = resolve(decided[decided["besluit"] != "geen"])
        extra = {"model": outcome.model.report(), "histogram": outcome.histogram}
        columns = FS_KOPPELING_COLUMNS
    with clock.stage("resolve"):
        parts = _finish(source, subjects, identities, codes, record_ids, pairs, decisions,
                        columns, rule_names(settings))
    row_subject, row_rule, linked_rows, review, status, by_rule, final = parts
    return LinkResult(source, row_subject, row_rule, linked_rows, review, status, blocking,
                      len(identities), by_rule, _outcomes(decided, final) if keep_pairs else None,
                      extra.get("model"), extra.get("histogram"), clock.stages,
                      applied_decisions(final))


def _by_rules(blocking: Blocking, subjects: pd.DataFrame, identities: pd.DataFrame,
              settings: LinkageSettings, keep_pairs: bool, clock: Stopwatch
              ) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    if not keep_pairs:
        with clock.stage("compare_decide"):
            decided = _decide_lean(blocking.pairs, subjects, identities, settings)
    else:
        with clock.stage("compare"):
            compared = compare_pairs(blocking.pairs, subjects, identities)
        with clock.stage("decide"):
            decided = decide_pairs(compared, settings.tiers, settings.surname_threshold)
    with clock.stage("resolve"):
        pairs = resolve_per_identity(decided)
    return decided, pairs, {}


def _finish(source: str, subjects: pd.DataFrame, identities: pd.DataFrame, codes: np.ndarray,
            record_ids: pd.Series, pairs: pd.DataFrame, decisions: pd.Series | None,
            columns: tuple[str, ...], rules: tuple[str, ...]) -> tuple[Any, ...]:
    """Review ids and decisions, the review queue, the links per row, the subjects' status."""
    pairs = pairs.copy()
    pairs["review_id"] = review_ids(
        source, subjects.loc[pairs["s"].to_numpy(), "gcos_id"].reset_index(drop=True),
        identities.loc[pairs["i"].to_numpy()].reset_index(drop=True),
    ).to_numpy() if len(pairs) else pd.Series(dtype=str)
    if decisions is not None and len(decisions):
        pairs = apply_review_decisions(pairs, decisions)
        if "reden" in pairs:
            done = pairs["regel"].astype(str).str.startswith("review_")
            pairs.loc[done, "reden"] = pairs.loc[done, "regel"].map(REVIEWED).fillna("")
    live = pairs[pairs["besluit"].isin(("match", "review"))]
    review = review_queue(source, live, subjects, identities)
    linked_rows = _koppelingen(source, live, subjects, record_ids, codes, columns)
    match = live[live["besluit"] == "match"]
    row_subject = _per_row(codes, len(identities), match["i"].to_numpy(),
                           subjects["gcos_id"].to_numpy()[match["s"].to_numpy()],
                           record_ids.index)
    row_rule = _per_row(codes, len(identities), match["i"].to_numpy(),
                        match["regel"].to_numpy(), record_ids.index)
    by_rule = {str(k): int(v) for k, v in pairs["regel"].value_counts().sort_index().items()}
    status = _subject_status(subjects, live, rules)
    return row_subject, row_rule, linked_rows, review, status, by_rule, pairs


def _per_row(codes: np.ndarray, n_identities: int, matched: np.ndarray, values: np.ndarray,
             index: pd.Index) -> pd.Series:
    """Per police row (``codes``: its identity) the text of its identity's match (each
    identity ``matched`` at most once, with ``values``), "" for a row of no match.

    A categorical: the few thousand distinct texts (sorted, "" first) and an int32 code
    per row, taken per row from a code per identity. The steps after the linkage ask of
    every row whether it is linked (``!= ""``) and to whom (``isin``); on five million
    rows of Python strings those took seconds, on codes they take milliseconds."""
    texts = pd.Series(values, dtype=object).astype(str).to_numpy(dtype=object)
    categories, at = np.unique(np.concatenate([np.array([""], dtype=object), texts]),
                               return_inverse=True)
    lookup = np.zeros(n_identities, dtype=np.int32)  # categories[0] is ""
    lookup[matched] = at[1:]
    per_row = pd.Categorical.from_codes(lookup[np.asarray(codes, dtype=np.intp)],
                                        categories=pd.Index(categories, dtype=object))
    return pd.Series(per_row, index=index)


REVIEWED = {"review_geaccepteerd": "geaccepteerd in review",
            "review_afgewezen": "afgewezen in review",
            "review_ander_subject_geaccepteerd": "in review is een ander subject geaccepteerd"}


_LEAN_BATCH = 2_000_000


def _decide_lean(candidates: pd.DataFrame, subjects: pd.DataFrame, identities: pd.DataFrame,
                 settings: LinkageSettings) -> pd.DataFrame:
    """The rules' decisions for the pairs that get a tier, compared batch by batch.

    Every rule (and every per-subject test inside one) needs the birthdates within one slip,
    so the other pairs end without a tier whatever else they compare: they are skipped. The
    rest is compared and decided in batches of whole subjects (the pairs are sorted by
    subject, and the per-subject tests of ``police_no_initial`` look only at one subject's
    pairs), keeping only pairs with a tier, so the comparison table of tens of millions of
    candidate pairs is never held at once. Same decisions as comparing everything.
    """
    sides = (Side.of(subjects), Side.of(identities))
    s, i = candidates["s"].to_numpy(), candidates["i"].to_numpy()
    keep = within_one_slip_pairs(sides[0].birth, sides[1].birth, s, i)
    candidates = candidates[keep]
    s = s[keep]
    bounds = [0]
    while bounds[-1] < len(s):  # cut only where the subject changes
        cut = min(bounds[-1] + _LEAN_BATCH, len(s))
        if cut < len(s):
            cut = int(np.searchsorted(s, s[cut - 1], side="right"))
        bounds.append(cut)
    parts = []
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=False):
        compared = compare_pairs(candidates.iloc[lo:hi], subjects, identities, sides)
        decided = decide_pairs(compared, settings.tiers, settings.surname_threshold)
        parts.append(decided[decided["regel"] != NO_RULE])
    if not parts:
        empty = compare_pairs(candidates.iloc[:0], subjects, identities)
        return decide_pairs(empty, settings.tiers, settings.surname_threshold)
    return pd.concat(parts, ignore_index=True)


def _outcomes(decided: pd.DataFrame, final: pd.DataFrame) -> pd.DataFrame:
    outcome = final.loc[:, ["s", "i", "regel", "besluit"]].rename(
        columns={"regel": "uitkomst_regel", "besluit": "uitkomst_besluit"})
    merged = decided.merge(outcome, on=["s", "i"], how="left")
    return merged.fillna({"uitkomst_regel": "", "uitkomst_besluit": ""})


def _koppelingen(source: str, pairs: pd.DataFrame, subjects: pd.DataFrame,
                 record_ids: pd.Series, codes: np.ndarray, columns: tuple[str, ...]
                 ) -> SharedRows:
    """A row per police row of a linked identity and each of its live pairs, sorted by
    gcos_id and record_id; the pair's columns are held once per pair, not per row."""
    pairs = pairs.reset_index(drop=True)
    shared = pairs.assign(gcos_id=subjects["gcos_id"].to_numpy()[pairs["s"].to_numpy()],
                          bron=source, blokken=pairs["passes"])
    shared = shared.loc[:, [c for c in columns if c != "record_id"]]
    identity = pairs["i"].to_numpy()
    by_identity = np.argsort(identity, kind="stable")
    mine = np.flatnonzero(np.isin(codes, identity))  # only rows of a linked identity
    first = np.searchsorted(identity[by_identity], codes[mine], side="left")
    count = np.searchsorted(identity[by_identity], codes[mine], side="right") - first
    row = np.repeat(mine, count)
    within = np.arange(len(row)) - np.repeat(np.cumsum(count) - count, count)
    at = by_identity[np.repeat(first, count) + within]
    ids = pa.array(record_ids.astype("string[pyarrow]").array).take(row)
    gcos_rank = pd.factorize(shared["gcos_id"], sort=True)[0][at]
    order = pc.sort_indices(pa.table({"g": gcos_rank, "r": ids}),
                            sort_keys=[("g", "ascending"), ("r", "ascending")]).to_numpy()
    own = pd.DataFrame({"record_id": pd.Series(pd.arrays.ArrowStringArray(ids.take(order)))})
    return SharedRows(columns, shared, at[order], own)
