"""The human review queue: pairs a rule could not decide, and the decisions read back.

``secure/review.csv`` shows both records side by side with the rule that sent them and an
empty ``besluit`` column. A data officer fills in ``accept`` or ``reject`` and points
``[linkage] review_decisions`` at the file; the next run applies and records them. The
``review_id`` is a hash of the pair's identifying fields, so it is stable across runs on
the same data and changes when either record changes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
from vhh.linkage.contract import IDENTITY_FIELDS, REVIEW_ACCEPTED
from vhh.linkage.errors import InputError, Problem

__all__ = ["REVIEW_COLUMNS", "apply_review_decisions", "read_review_decisions", "review_ids",
           "review_queue"]

REVIEW_COLUMNS = (
    "review_id", "bron", "regel", "score", "gcos_id", "gcos_achternaam", "gcos_tussenvoegsel",
    "gcos_voorletters", "gcos_geboortedatum", "gcos_geslacht", "politie_achternaam",
    "politie_tussenvoegsel", "politie_voorletters", "politie_geboortedatum", "politie_geslacht",
    "aantal_rijen", "besluit",
)
_FIELDS = IDENTITY_FIELDS
ACCEPT, REJECT = "accept", "reject"


def review_ids(source: str, gcos_ids: pd.Series, police: pd.DataFrame) -> pd.Series:
    """Stable ids for (subject, police identity) pairs."""
    parts = [gcos_ids.astype(str).to_numpy()] + [police[f].astype(str).to_numpy()
                                                 for f in _FIELDS]
    texts = ["|".join((source, *vals)) for vals in zip(*parts, strict=True)]
    return pd.Series([hashlib.sha256(t.encode()).hexdigest()[:16] for t in texts],
                     index=gcos_ids.index)


def review_queue(source: str, pairs: pd.DataFrame, subjects: pd.DataFrame,
                 identities: pd.DataFrame) -> pd.DataFrame:
    """The review rows for the pairs whose ``besluit`` is review."""
    todo = pairs[pairs["besluit"] == "review"]
    left = subjects.loc[todo["s"].to_numpy()].reset_index(drop=True)
    right = identities.loc[todo["i"].to_numpy()].reset_index(drop=True)
    out = pd.DataFrame({"review_id": todo["review_id"].to_numpy(), "bron": source,
                        "regel": todo["regel"].to_numpy(), "score": todo["score"].to_numpy(),
                        "gcos_id": left["gcos_id"].to_numpy()})
    for f in _FIELDS:
        out[f"gcos_{f}"] = left[f].astype(str).to_numpy()
    for f in _FIELDS:
        out[f"politie_{f}"] = right[f].astype(str).to_numpy()
    out["aantal_rijen"] = right["n_rijen"].to_numpy()
    out["besluit"] = ""
    return out.loc[:, list(REVIEW_COLUMNS)]


def read_review_decisions(path: Path) -> pd.Series:
    """review_id -> accept/reject from a filled-in review file; blank rows are skipped."""
    try:
        frame = pd.read_csv(path, sep=None, engine="python", dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError([Problem(str(path),
                                  f"cannot read the review decisions ({type(exc).__name__})",
                                  hint="save the review file as CSV (UTF-8)")]) from None
    missing = [c for c in ("review_id", "besluit") if c not in frame.columns]
    if missing:
        raise InputError([Problem(str(path), "required column is missing", row=1, column=c)
                          for c in missing])
    besluit = frame["besluit"].str.strip().str.lower()
    bad = ~besluit.isin(("", ACCEPT, REJECT))
    problems = [Problem(str(path), "besluit must be 'accept', 'reject' or empty", row=int(r) + 2,
                        column="besluit") for r in frame.index[bad]]
    if problems:
        raise InputError(problems)
    done = besluit != ""
    return pd.Series(besluit[done].to_numpy(), index=frame.loc[done, "review_id"].to_numpy())


def apply_review_decisions(pairs: pd.DataFrame, decisions: pd.Series) -> pd.DataFrame:
    """Accepted review pairs become matches, rejected ones are dropped; both recorded."""
    out = pairs.copy()
    out["reviewbesluit"] = out["review_id"].map(decisions).fillna("")
    accepted = (out["besluit"] == "review") & (out["reviewbesluit"] == ACCEPT)
    rejected = (out["besluit"] == "review") & (out["reviewbesluit"] == REJECT)
    out.loc[accepted, "besluit"] = "match"
    out.loc[accepted, "regel"] = REVIEW_ACCEPTED
    out.loc[rejected, "besluit"] = "afgewezen"
    out.loc[rejected, "regel"] = "review_afgewezen"
    # an identity accepted for one subject leaves the other candidates of that identity
    taken = out.loc[accepted, "i"].unique()
    others = out["i"].isin(taken) & (out["besluit"] == "review")
    out.loc[others, "besluit"] = "afgewezen"
    out.loc[others, "regel"] = "review_ander_subject_geaccepteerd"
    double = out[accepted].groupby("i")["s"].nunique()
    if (double > 1).any():
        raise InputError([Problem("review decisions", f"{int((double > 1).sum())} police "
                                  "identities were accepted for more than one subject",
                                  hint="accept at most one subject per police record")])
    return out
