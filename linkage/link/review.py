"""The human review queue: pairs a rule could not decide, and the decisions read back.

``secure/review.csv`` shows both records side by side with the rule that sent them and an
empty ``besluit`` column, written for Dutch Excel (";", UTF-8 with BOM, formulas guarded).
A data officer fills in ja or nee (accept/reject and 1/0 are understood too), saves it in
whatever form Excel offers, and points ``[linkage] review_decisions`` at the file; the next
run applies and records the decisions, and reports a decision whose pair no longer exists. The
``review_id`` is a hash of the pair's identifying fields, so it is stable across runs on
the same data and changes when either record changes.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from types import MappingProxyType

import pandas as pd
from vhh.linkage.contract import IDENTITY_FIELDS, REVIEW_ACCEPTED
from vhh.linkage.errors import InputError, Problem
from vhh.linkage.io.readers import detect_encoding
from vhh.linkage.io.writers import spreadsheet_csv, unguard_formula

__all__ = ["DECISION_WORDS", "REVIEW_COLUMNS", "applied_decisions", "apply_review_decisions",
           "read_review_decisions", "read_review_file", "review_file", "review_ids",
           "review_queue"]

REVIEW_COLUMNS = (
    "review_id", "bron", "regel", "score", "gcos_id", "gcos_achternaam", "gcos_tussenvoegsel",
    "gcos_voorletters", "gcos_geboortedatum", "gcos_geslacht", "politie_achternaam",
    "politie_tussenvoegsel", "politie_voorletters", "politie_geboortedatum", "politie_geslacht",
    "aantal_rijen", "besluit",
)
_FIELDS = IDENTITY_FIELDS
ACCEPT, REJECT = "accept", "reject"
REVIEW_REJECTED = "review_afgewezen"
_MET = "reviewbesluit_toegepast"
DECISION_WORDS = MappingProxyType({
    **dict.fromkeys(("ja", "j", "accept", "1"), ACCEPT),
    **dict.fromkeys(("nee", "n", "reject", "0"), REJECT)})
"""What a person may write in ``besluit``, and what it means."""


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


def review_file(queue: pd.DataFrame) -> bytes:
    """``secure/review.csv`` as a data officer opens it in Excel: ";" between cells, UTF-8
    with a byte-order mark, and every cell that a spreadsheet would run as a formula
    (a surname starting with "=", "+", "-" or "@") guarded with a leading "'"."""
    return spreadsheet_csv(queue.loc[:, list(REVIEW_COLUMNS)])


def _decode(data: bytes, name: str) -> str:
    """Text of a review file as a spreadsheet saved it: UTF-8 (with or without BOM),
    UTF-16 (Excel's "Unicode text") or cp1252 (Dutch Excel's plain CSV)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    return data.decode(detect_encoding(data, "auto", name)).removeprefix("\ufeff")


def _read_table(path: Path) -> pd.DataFrame:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
    text = _decode(path.read_bytes(), str(path))
    header = text.split("\n", 1)[0]
    sep = max((";", ",", "\t"), key=header.count)
    return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)


def _unreadable(path: Path, exc: Exception) -> InputError:
    return InputError([Problem(str(path), f"cannot read the review decisions "
                                          f"({type(exc).__name__})",
                               hint="save the review file as CSV (UTF-8 or Windows), ';' or "
                                    "',' between cells, or as .xlsx")])


def read_review_file(path: Path) -> pd.DataFrame:
    """The decided rows of a filled-in review file: bronrij, review_id, bron, besluit.

    Accepts what a data officer's spreadsheet writes: UTF-8, UTF-8 with BOM, UTF-16 or
    cp1252; ";", "," or tab between cells; formula-guarded cells; and in ``besluit`` any of
    ja/nee, j/n, accept/reject, 1/0 (any case; empty = not decided). Every problem at once.
    """
    try:
        frame = _read_table(path)
    except Exception as exc:  # noqa: BLE001 - the readers raise many types; a type, no text
        raise _unreadable(path, exc) from None
    frame = frame.rename(columns=lambda c: str(c).strip().lower())
    missing = [c for c in ("review_id", "besluit") if c not in frame.columns]
    if missing:
        raise InputError([Problem(str(path), "required column is missing", row=1, column=c)
                          for c in missing])
    besluit = frame["besluit"].map(unguard_formula).astype(str).str.strip().str.lower()
    decided = besluit.map(DECISION_WORDS)
    bad = decided.isna() & (besluit != "")
    problems = [Problem(str(path), "besluit must be ja/nee, accept/reject, 1/0 or empty",
                        row=int(r) + 2, column="besluit") for r in frame.index[bad]]
    ids = frame["review_id"].map(unguard_formula).astype(str).str.strip()
    done = pd.DataFrame({"bronrij": frame.index[decided.notna()] + 2,
                         "review_id": ids[decided.notna()].to_numpy(),
                         "bron": frame.get("bron", pd.Series("", index=frame.index))[
                             decided.notna()].to_numpy(),
                         "besluit": decided.dropna().to_numpy()})
    conflict = done.groupby("review_id")["besluit"].transform("nunique") > 1
    problems += [Problem(str(path), "the same review_id has two different decisions", row=int(r),
                         column="besluit") for r in done.loc[conflict, "bronrij"]]
    if problems:
        raise InputError(problems)
    return done.drop_duplicates("review_id").reset_index(drop=True)


def read_review_decisions(path: Path) -> pd.Series:
    """review_id -> accept/reject from a filled-in review file (:func:`read_review_file`)."""
    done = read_review_file(path)
    return pd.Series(done["besluit"].to_numpy(), index=done["review_id"].to_numpy(), dtype=object)


def applied_decisions(pairs: pd.DataFrame) -> tuple[str, ...]:
    """The review_ids whose decision met a pair under review (from
    :func:`apply_review_decisions`); the other decisions belong to pairs that no longer
    exist or that a rule now decides."""
    if _MET not in pairs:
        return ()
    return tuple(sorted(set(pairs.loc[pairs[_MET], "review_id"])))


def apply_review_decisions(pairs: pd.DataFrame, decisions: pd.Series) -> pd.DataFrame:
    """Accepted review pairs become matches, rejected ones are dropped; both recorded."""
    out = pairs.copy()
    out["reviewbesluit"] = out["review_id"].map(decisions).fillna("")
    out[_MET] = (out["besluit"] == "review") & (out["reviewbesluit"] != "")
    accepted = (out["besluit"] == "review") & (out["reviewbesluit"] == ACCEPT)
    rejected = (out["besluit"] == "review") & (out["reviewbesluit"] == REJECT)
    out.loc[accepted, "besluit"] = "match"
    out.loc[accepted, "regel"] = REVIEW_ACCEPTED
    out.loc[rejected, "besluit"] = "afgewezen"
    out.loc[rejected, "regel"] = REVIEW_REJECTED
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
