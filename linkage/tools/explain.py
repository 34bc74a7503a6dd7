"""Explain, for one GCOS subject, how every candidate police identity was decided.

Runs scope and linkage exactly as the study does (the same blocking, comparisons, model or
tiers and per-identity resolution, and the review decisions if configured), then lists for
the subject every candidate identity from blocking with its passes, its comparison values,
the rule that held (or none), the final decision and why it was or was not linked. Under
``method = "probabilistic"`` each candidate shows its waterfall: the prior, the weight of
each comparison's level and the adjustments, adding up to the match weight that decided.

The explanation shows names and birthdates: it is for the data officer inside the secure
environment only, and nothing here writes a file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from vhh.linkage.contract import ID_COLUMN, IDENTITY_FIELDS, REVIEW_ACCEPTED, SOURCE_OF
from vhh.linkage.link.birthdates import within_one_slip
from vhh.linkage.link.compare import COMPARISON_COLUMNS
from vhh.linkage.link.decide import NO_RULE
from vhh.linkage.link.engine import LinkResult, link_identities, prepare_subjects
from vhh.linkage.link.fellegi_sunter import LEVEL_COLUMNS, WATERFALL_COLUMNS
from vhh.linkage.settings import LinkageSettings, Settings
from vhh.linkage.study.scope import apply_scope
from vhh.linkage.validate.inputs import LoadedInputs
from vhh.linkage.validate.sources import Validated

__all__ = ["WARNING", "Explanation", "candidate_reasons", "explain", "explanation_lines",
           "waterfall_line"]

WARNING = ("WARNING: the lines below show names and birthdates from the extracts. Read them "
           "inside the secure environment only; do not copy them out.")
_MAX_RECORD_IDS = 5


@dataclass(frozen=True)
class Explanation:
    """What happened to one subject in one source."""

    gcos_id: str
    source: str
    status: str                     # in_scope | quarantine | out_of_scope | unknown
    detail: str = ""                # why out of the linkage, or the subject's outcome
    subject: dict[str, str] = field(default_factory=dict)
    candidates: pd.DataFrame = field(default_factory=pd.DataFrame)

    def __repr__(self) -> str:  # the subject's and the candidates' names: never in a repr
        return (f"Explanation({self.source}: {self.status}, {len(self.candidates)} "
                "candidates)")


def _others(pairs: pd.DataFrame, subjects: pd.DataFrame, i: int, s: int) -> str:
    """The other subjects that kept identity ``i``, with their rule."""
    rest = pairs[(pairs["i"] == i) & (pairs["s"] != s) & (pairs["uitkomst_besluit"] != "")]
    return ", ".join(f"{subjects.at[int(o), 'gcos_id']} ({r})"
                     for o, r in zip(rest["s"], rest["uitkomst_regel"], strict=True)) or "?"


def _below(row: pd.Series, linkage: LinkageSettings) -> str:
    """Why a pair of the probabilistic method reached no decision."""
    if row["regel"] == "andere_persoon":
        return ("another person: its initials or birthdate conflict with the subject's and "
                "are written so on two rows or more, or it fits such a person")
    return (f"match weight {row['match_gewicht']} is below the review threshold "
            f"{linkage.review_weight}")


def _no_tier(row: pd.Series, linkage: LinkageSettings) -> str:
    if linkage.method == "probabilistic":
        return _below(row, linkage)
    threshold = linkage.surname_threshold
    fails = []
    sim = float(row["achternaam_sim"])
    if not (bool(row["achternaam_component"]) or sim >= threshold):
        fails.append(f"surname similarity {sim} below the threshold {threshold}")
    if row["voorletter"] == "different":
        fails.append("first initial differs")
    elif row["voorletter"] == "missing":
        fails.append("an initial is missing")
    if not within_one_slip(str(row["geboortedatum"])):
        fails.append(f"birthdate {row['geboortedatum']}")
    if not fails:
        fails.append(f"none of the configured tiers ({', '.join(linkage.tiers)}) accepts "
                     "these comparison values")
    return "no rule holds: " + "; ".join(fails)


def _why_not_fuzzy(row: pd.Series, pairs: pd.DataFrame, subjects: pd.DataFrame) -> str:
    """Why a pair lacking an initial was not matched by the fuzzy tier's second clause."""
    if row["voorletter"] != "missing":
        return ""
    if subjects.at[int(row["s"]), "first"] == "":
        return " (the subject has no initial: the study requires one)"
    mine = pairs[pairs["s"] == row["s"]]
    namesake = (mine["voorletter"] == "different") & (mine["geboortedatum"] == "exact") & (
        mine["achternaam_component"].astype(bool))
    if namesake.any():
        return " (a namesake with another initial has the same birthdate)"
    return " (not exact apart from the initial, or the subject not yet found with it)"


def _reason(row: pd.Series, pairs: pd.DataFrame, subjects: pd.DataFrame,
            linkage: LinkageSettings) -> str:
    outcome, final = row["uitkomst_besluit"], str(row["uitkomst_regel"])
    others = _others(pairs, subjects, int(row["i"]), int(row["s"]))
    if outcome == "match":
        return ("accepted in review" if final == REVIEW_ACCEPTED
                else f"linked by rule {final}")
    if outcome == "review" and final.startswith("ambigu_"):
        return f"ambiguous: also fits {others} at the same tier; sent to review"
    if outcome == "review":
        why = (_why_not_fuzzy(row, pairs, subjects) if linkage.method == "rules"
               else f" ({row['reden']})")
        return f"sent to review by rule {final}: a person decides{why}"
    if final == "review_afgewezen":
        return "rejected in review"
    if final == "review_ander_subject_geaccepteerd":
        return f"another subject was accepted in review: {others}"
    if row["regel"] not in (NO_RULE, "", "andere_persoon"):
        return f"rule {row['regel']} held, but a better subject took it: {others}"
    return _no_tier(row, linkage)


def candidate_reasons(result: LinkResult, subjects: pd.DataFrame, identities: pd.DataFrame,
                      codes: np.ndarray, record_ids: pd.Series, position: int,
                      linkage: LinkageSettings) -> pd.DataFrame:
    """One row per candidate identity of subject ``position`` (in ``subjects``).

    ``identities`` (with ``n_rijen``), ``codes`` and ``record_ids`` describe the police rows
    as :func:`~vhh.linkage.link.engine.link_identities` was given them.
    """
    if result.pairs is None:
        raise ValueError("the link result holds no pairs; link with keep_pairs=True")
    mine = result.pairs[result.pairs["s"] == position]
    record_ids = pd.Series(record_ids.astype(object).to_numpy()).groupby(codes).agg(list)
    out = pd.DataFrame({"i": mine["i"].to_numpy()})
    for name in IDENTITY_FIELDS:
        out[f"politie_{name}"] = identities[name].to_numpy()[mine["i"].to_numpy()]
    out["aantal_rijen"] = identities["n_rijen"].to_numpy()[mine["i"].to_numpy()]
    out["record_ids"] = [record_ids[i] for i in mine["i"]]
    out["blokken"] = mine["passes"].to_numpy()
    columns = (COMPARISON_COLUMNS if linkage.method == "rules"
               else (*LEVEL_COLUMNS, *WATERFALL_COLUMNS, "match_gewicht", "reden"))
    for col in (*columns, "regel", "score", "uitkomst_regel", "uitkomst_besluit"):
        out[col] = mine[col].to_numpy()
    out["waarom"] = [_reason(r, result.pairs, subjects, linkage) for _, r in mine.iterrows()]
    return out.sort_values(["score", "i"], ascending=[False, True]).reset_index(drop=True)


def _out_of_linkage(validated: Mapping[str, Validated], out_of_scope: pd.Series, gcos_id: str,
                    source: str) -> Explanation | None:
    quarantine = validated["gcos_subjecten"].quarantine
    hit = quarantine[quarantine["record_id"].astype(str) == gcos_id]
    if len(hit):
        return Explanation(gcos_id, source, "quarantine", str(hit["reden"].iloc[0]))
    if gcos_id in out_of_scope.index:
        return Explanation(gcos_id, source, "out_of_scope", str(out_of_scope[gcos_id]))
    return None


def explain(settings: Settings, loaded: LoadedInputs, gcos_id: str,
            sources: tuple[str, ...] = ("bvh", "hks"), decisions: pd.Series | None = None
            ) -> list[Explanation]:
    """Scope and link as the study does, then explain ``gcos_id`` in each source.

    ``loaded`` comes from :func:`vhh.linkage.validate.inputs.load_inputs`: the police
    extracts in compact form, so this works on national extracts too.
    """
    validated = loaded.validated
    in_scope, out_of_scope = apply_scope(validated["gcos_subjecten"].valid,
                                         validated["gcos_besprekingen"].valid, settings.scope)
    subjects = prepare_subjects(in_scope)
    where = subjects.index[subjects["gcos_id"].astype(str) == gcos_id]
    out = []
    for source in sources:
        away = _out_of_linkage(validated, out_of_scope, gcos_id, source)
        if away is not None or not len(where):
            out.append(away or Explanation(gcos_id, source, "unknown",
                                           "not in gcos_subjecten"))
            continue
        extract = loaded.police[SOURCE_OF[source]]
        record_ids = extract.validated.valid[ID_COLUMN[extract.raw.source]]
        result = link_identities(source, subjects, extract.identities, extract.codes,
                                 record_ids, settings.linkage, decisions)
        position = int(where[0])
        status = result.subjects.iloc[position]
        detail = (f"found (rule {status['regel']})" if status["gevonden"]
                  else f"not found ({status['reden']})")
        shown = {f: str(subjects.at[position, f]) for f in (*IDENTITY_FIELDS, "voornamen")}
        out.append(Explanation(gcos_id, source, "in_scope", detail, shown, candidate_reasons(
            result, subjects, extract.identities, extract.codes, record_ids, position,
            settings.linkage)))
    return out


def waterfall_line(c: pd.Series) -> str:
    """"prior -9.4 + achternaam gelijk +8.7 (tf +1.2) + ... = 14.3" for one pair."""
    parts = [f"prior {c['gewicht_prior']:+.2f}"]
    for level in LEVEL_COLUMNS:
        name = level.removeprefix("niveau_")
        tf = c.get(f"tf_{name}", 0.0)
        extra = f" (tf {float(tf):+.2f})" if tf else ""
        parts.append(f"{name} {c[level]} {float(c['gewicht_' + name]):+.2f}{extra}")
    parts.append(f"one subject per identity {float(c['gewicht_een_subject_per_identiteit']):+.2f}")
    return " + ".join(parts) + f" = {float(c['match_gewicht']):.2f}"


def _candidate_lines(number: int, c: pd.Series) -> list[str]:
    ids = list(c["record_ids"])
    shown = ", ".join(ids[:_MAX_RECORD_IDS]) + (" ..." if len(ids) > _MAX_RECORD_IDS else "")
    who = " | ".join(str(c[f"politie_{f}"]) for f in IDENTITY_FIELDS)
    values = (waterfall_line(c) if "match_gewicht" in c else
              " ".join(f"{col}={c[col]}" for col in COMPARISON_COLUMNS))
    return [f"  candidate {number}: {who}  ({c['aantal_rijen']} rows: {shown})",
            f"    blocking passes: {c['blokken']}",
            f"    {'match weight' if 'match_gewicht' in c else 'comparison'}: {values}",
            f"    rule held: {'none' if c['regel'] in (NO_RULE, '') else c['regel']} "
            f"(score {c['score']}); decision: "
            f"{c['uitkomst_besluit'] or 'none'}",
            f"    why: {c['waarom']}"]


def explanation_lines(e: Explanation) -> list[str]:
    """Printable lines for one explanation."""
    head = f"{e.source}: subject {e.gcos_id}"
    if e.status != "in_scope":
        return [f"{head}: not linked at all ({e.status}: {e.detail})"]
    who = " | ".join(e.subject.get(f, "") for f in (*IDENTITY_FIELDS, "voornamen"))
    lines = [f"{head}: {e.detail}", f"  subject: {who}",
             f"  {len(e.candidates)} candidate police identities from blocking"]
    for number, (_, c) in enumerate(e.candidates.iterrows(), start=1):
        lines.extend(_candidate_lines(number, c))
    return lines
