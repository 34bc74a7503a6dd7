"""Measure a linkage run against the ground truth of synthetic data.

Compares the ``match`` decisions of ``secure/koppelingen.csv`` with ``truth/links.csv`` at
row level (one police row, one subject). Only *findable* truth counts: rows of subjects
whose designed fate is not ``quarantined`` or ``out_of_scope_*``, and rows that are not
designed to be quarantined themselves.

Subjects without an initial (fate ``no_initial``) can by design never be matched
automatically: the reference study requires a first initial, so their rows must reach the
review queue instead. They are findable, so they lower ``recall``; ``recall_automatic``
leaves them out and measures what the rules can match on their own. ``recall_with_review``
counts a true row found when it is matched or waits in review for its own subject. A
separate check says whether every such subject reached review with all of its true rows.

Per trap (:func:`per_trap`): for the true rows of each kind of trap (``links.trap``: a
partner name, more than one slip, no birthdate, ...) how many were matched, sent to review
or missed; and for the rows of the look-alikes (``traps.csv``: near-namesakes, twins,
namesakes) how many were matched to a subject (each one a false match) or sent to review.

``evaluate`` is pure; :func:`read_truth` and :func:`read_links` are the file edges.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from vhh.linkage.contract import SHORT_NAME
from vhh.linkage.errors import InputError, Problem

__all__ = ["SOURCES", "Truth", "evaluate", "evaluation_lines", "findable", "per_trap",
           "read_links", "read_truth"]

SOURCES = tuple(SHORT_NAME.values())
NOT_FINDABLE_FATES = ("quarantined", "out_of_scope_kader", "out_of_scope_period")
NO_INITIAL = "no_initial"
REVIEW = "review"
WRONG_SUBJECT = "wrong_subject"
_LINK_COLUMNS = ("gcos_id", "bron", "record_id", "besluit")
_TRUTH_COLUMNS = {"links": ("bron", "record_id", "gcos_id", "noise"),
                  "subjects": ("gcos_id", "fate"),
                  "quarantine": ("bron", "record_id")}
_TRAP_COLUMNS = ("bron", "record_id", "trap", "gcos_id")
IN_SCOPE_FATES = ("analysed", "no_startdatum", "no_initial", "not_in_bvh")


@dataclass(frozen=True)
class Truth:
    """The generator's ground truth: true links, subject fates, designed quarantine, and
    the rows of the look-alikes (empty for a truth folder without ``traps.csv``)."""

    links: pd.DataFrame       # bron, record_id, gcos_id, noise (, trap)
    subjects: pd.DataFrame    # gcos_id, fate
    quarantine: pd.DataFrame  # bron, record_id
    traps: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=_TRAP_COLUMNS))

    def __repr__(self) -> str:  # ids only in the frames, counts here
        return (f"Truth({len(self.links)} links, {len(self.subjects)} subjects, "
                f"{len(self.quarantine)} quarantined)")


def _read_csv(path: Path, sep: str, needed: tuple[str, ...]) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError([Problem(str(path), f"cannot read the file ({type(exc).__name__})",
                                  hint="point at the folder written by 'vhh-link synth'")]
                         ) from None
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise InputError([Problem(str(path), "required column is missing", row=1, column=c)
                          for c in missing])
    return frame


def read_truth(folder: Path) -> Truth:
    """``links.csv``, ``subjects.csv`` and ``quarantine.csv`` of a truth folder."""
    folder = Path(folder)
    frames = {name: _read_csv(folder / f"{name}.csv", ";", cols)
              for name, cols in _TRUTH_COLUMNS.items()}
    traps = (_read_csv(folder / "traps.csv", ";", _TRAP_COLUMNS)
             if (folder / "traps.csv").exists() else pd.DataFrame(columns=_TRAP_COLUMNS))
    return Truth(frames["links"], frames["subjects"], frames["quarantine"], traps)


def read_links(path: Path) -> pd.DataFrame:
    """``secure/koppelingen.csv`` as text columns."""
    return _read_csv(Path(path), ",", _LINK_COLUMNS)


def _key(frame: pd.DataFrame) -> pd.Series:
    return frame["bron"].astype(str) + "|" + frame["record_id"].astype(str)


def _pair_key(frame: pd.DataFrame) -> pd.Series:
    return _key(frame) + "|" + frame["gcos_id"].astype(str)


def _sources(source: str) -> tuple[str, ...]:
    if source == "all":
        return SOURCES
    if source not in SOURCES:
        raise ValueError(f"source must be one of {', '.join(SOURCES)} or 'all', not {source!r}")
    return (source,)


def findable(truth: Truth, sources: tuple[str, ...] = SOURCES) -> pd.DataFrame:
    """The true links that a perfect run could find, with each subject's ``fate``."""
    links = truth.links[truth.links["bron"].isin(sources)]
    fate = truth.subjects.set_index("gcos_id")["fate"]
    out = links.assign(fate=links["gcos_id"].map(fate).fillna("").to_numpy())
    quarantined = set(_key(truth.quarantine))
    keep = ~out["fate"].isin(NOT_FINDABLE_FATES) & ~_key(out).isin(quarantined)
    return out[keep].reset_index(drop=True)


def _ratio(num: int, den: int) -> float:
    return round(num / den, 6) if den else 1.0


def _f1(precision: float, recall: float) -> float:
    return round(2 * precision * recall / (precision + recall), 6) if precision + recall else 0.0


def _missed_reasons(missed: pd.DataFrame, matched_rows: set[str], review_pairs: set[str]
                    ) -> dict[str, int]:
    reason = missed["noise"].astype(str).where(missed["noise"] != "", "none")
    reason = reason.where(~_pair_key(missed).isin(review_pairs), REVIEW)
    reason = reason.where(~_key(missed).isin(matched_rows), WRONG_SUBJECT)
    reason = reason.where(missed["fate"] != NO_INITIAL, NO_INITIAL)
    return {str(k): int(v) for k, v in reason.value_counts().sort_index().items()}


def _no_initial_check(true: pd.DataFrame, review_pairs: set[str]) -> dict[str, Any]:
    rows = true[true["fate"] == NO_INITIAL]
    reached = _pair_key(rows).isin(review_pairs)
    per_subject = reached.groupby(rows["gcos_id"]).all()
    short = sorted(per_subject.index[~per_subject.to_numpy()])
    return {"subjects": int(len(per_subject)), "rows": int(len(rows)),
            "rows_in_review": int(reached.sum()), "subjects_incomplete": short,
            "ok": not short}


def _counts(keys: pd.Series, groups: pd.Series, sets: dict[str, set[str]]) -> dict[str, Any]:
    """Per group: rows, and how many of ``keys`` fall in each of ``sets``."""
    frame = pd.DataFrame({"g": groups.to_numpy(), **{n: keys.isin(s).to_numpy()
                                                      for n, s in sets.items()}})
    out = frame.groupby("g").agg(rows=("g", "size"), **{n: (n, "sum") for n in sets})
    return {str(g): {k: int(v) for k, v in row.items()} for g, row in out.iterrows()}


def per_trap(links: pd.DataFrame, truth: Truth, sources: tuple[str, ...] = SOURCES
             ) -> dict[str, Any]:
    """The outcome of each trap: true rows per ``links.trap`` (matched to their subject,
    in review for it), and the look-alikes' rows per trap (matched to a subject: false
    matches; in review)."""
    links = links[links["bron"].isin(sources)]
    true = findable(truth, sources)
    trap = true["trap"] if "trap" in true else pd.Series("", index=true.index)
    match, review = links[links["besluit"] == "match"], links[links["besluit"] == REVIEW]
    subject_rows = _counts(_pair_key(true), trap.astype(str).replace("", "geen"),
                           {"matched": set(_pair_key(match)), "review": set(_pair_key(review))})
    looks = truth.traps[truth.traps["bron"].isin(sources)]
    lookalike_rows = _counts(_key(looks), looks["trap"].astype(str),
                             {"matched": set(_key(match)), "review": set(_key(review))})
    return {"subject_rows": subject_rows, "lookalike_rows": lookalike_rows}


def _review_share(review: pd.DataFrame, truth: Truth) -> dict[str, Any]:
    in_scope = int(truth.subjects["fate"].isin(IN_SCOPE_FATES).sum())
    subjects = int(review["gcos_id"].nunique())
    return {"review_subjects": subjects, "in_scope_subjects": in_scope,
            "review_subject_share": _ratio(subjects, in_scope)}


def evaluate(links: pd.DataFrame, truth: Truth, source: str = "all") -> dict[str, Any]:
    """Precision, recall and F1 of the ``match`` rows of ``links`` against ``truth``.

    ``links`` has the columns of ``koppelingen.csv`` (at least gcos_id, bron, record_id,
    besluit); ``source`` is "bvh", "hks" or "all". Precision counts every match (a match on
    a row of nobody in GCOS, or of another subject, is a false one); recall counts the
    findable true rows (see :func:`findable`).
    """
    sources = _sources(source)
    links = links[links["bron"].isin(sources)]
    true = findable(truth, sources)
    matches = links[links["besluit"] == "match"]
    review = links[links["besluit"] == REVIEW]
    match_pairs, true_pairs = set(_pair_key(matches)), set(_pair_key(true))
    review_pairs = set(_pair_key(review))
    tp = len(match_pairs & true_pairs)
    hit = _pair_key(true).isin(match_pairs)
    reached = hit | _pair_key(true).isin(review_pairs)
    automatic = true["fate"] != NO_INITIAL
    precision = _ratio(tp, len(match_pairs))
    recall = _ratio(int(hit.sum()), len(true))
    recall_auto = _ratio(int((hit & automatic).sum()), int(automatic.sum()))
    return {
        "source": source,
        "matches": len(match_pairs), "true_positives": tp,
        "false_positives": len(match_pairs) - tp,
        "findable_rows": int(len(true)), "findable_rows_automatic": int(automatic.sum()),
        "precision": precision, "recall": recall, "f1": _f1(precision, recall),
        "recall_automatic": recall_auto, "f1_automatic": _f1(precision, recall_auto),
        "recall_with_review": _ratio(int(reached.sum()), len(true)),
        "review_rows": int(_key(review).nunique()),
        **_review_share(review, truth),
        "missed_by_reason": _missed_reasons(true[~hit], set(_key(matches)), review_pairs),
        "no_initial_in_review": _no_initial_check(true, review_pairs),
        "per_trap": per_trap(links, truth, sources),
    }


def _trap_lines(traps: dict[str, Any]) -> list[str]:
    lines = ["true rows per trap (rows: matched to their subject, in review):"]
    lines += [f"    {name}: {c['rows']} rows: {c['matched']} matched, {c['review']} in review"
              for name, c in traps["subject_rows"].items()]
    lines.append("rows of look-alikes per trap (matched to a subject = a false match):")
    lines += [f"    {name}: {c['rows']} rows: {c['matched']} matched, {c['review']} in review"
              for name, c in traps["lookalike_rows"].items()]
    return lines


def evaluation_lines(r: dict[str, Any]) -> list[str]:
    """The figures of :func:`evaluate` as printable lines."""
    check = r["no_initial_in_review"]
    complete = check["subjects"] - len(check["subjects_incomplete"])
    return [
        f"source {r['source']}: {r['matches']} matched rows, {r['true_positives']} correct, "
        f"{r['false_positives']} wrong",
        f"precision {r['precision']:.4f}  recall {r['recall']:.4f}  F1 {r['f1']:.4f}  "
        f"(findable rows: {r['findable_rows']})",
        f"without subjects lacking an initial: recall {r['recall_automatic']:.4f}  "
        f"F1 {r['f1_automatic']:.4f}  (rows: {r['findable_rows_automatic']})",
        f"recall including review: {r['recall_with_review']:.4f}",
        f"sent to review: {r['review_rows']} rows of {r['review_subjects']} subjects "
        f"({r['review_subject_share']:.1%} of {r['in_scope_subjects']} in scope)",
        "missed rows by reason:",
        *(f"    {n} × {reason}" for reason, n in r["missed_by_reason"].items()),
        f"subjects without an initial in review with all their rows: {complete} of "
        f"{check['subjects']} ({check['rows_in_review']} of {check['rows']} rows)",
        *(f"    incomplete: {g}" for g in check["subjects_incomplete"]),
        *_trap_lines(r["per_trap"]),
    ]
