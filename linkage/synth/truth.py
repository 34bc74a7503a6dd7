"""Ground truth, computed from the generator's own numbers (never from the written text).

``links``: which police row truly belongs to which GCOS row, the noise on it and the trap
it is (``trap``: :data:`TRAP_OF_NOISE`).
``subjects``: each GCOS row's designed fate, whether it has HKS rows, its naamgebruik.
``traps``: every police row of a person built to resemble a subject (a namesake, a near-
namesake, a twin), with the trap and the subject it resembles: no such row is a match.
``quarantine``: the rows designed to fail validation.
``expected_counts``: the window counts of every analysed subject under the default config.
``expected_funnel``: the funnel the pipeline must report.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from vhh.linkage.synth.noise import DEFAULT_KINDS, KINDS, MULTI_KINDS, PARTNER_KIND, SLIP_KINDS
from vhh.linkage.synth.police import counted
from vhh.linkage.synth.settings import FunnelDesign

__all__ = ["TRAP_OF_NOISE", "expected_counts", "expected_funnel", "links", "quarantine",
           "subjects", "traps"]

TRAP_OF_NOISE = {
    "none": "",
    **{k: "schrijfwijze" for k in DEFAULT_KINDS},
    "initials_notation": "voorletters",
    "initials_extra_or_missing": "voorletters",
    "initial_missing": "voorletters",
    "particle_hyphenated": "tussenvoegsel_in_naam",
    "particle_first_part": "tussenvoegsel_in_naam",
    **{k: "een_slip" for k in SLIP_KINDS if k not in ("initial_missing", "birthdate_missing")},
    "birthdate_missing": "geen_geboortedatum",
    **{k: "meer_slips" for k in MULTI_KINDS},
    PARTNER_KIND: "partnernaam",
}
"""The trap category of each noise kind, for the evaluation per trap."""

WINDOWS = (("kwartaal_voor", -3), ("jaar_voor", -12), ("kwartaal_na", 3), ("jaar_na", 12))
_NOT_COUNTED_ORIGINS = ("invalid", "no_identity")
_QUARANTINE_REASONS = {
    ("bvh", "invalid"): "unparseable_incidentdatum",
    ("bvh", "no_identity"): "empty_surname_and_birthdate",
    ("hks", "invalid"): "unparseable_pleegdatum",
    ("hks", "no_identity"): "empty_surname_and_birthdate",
}


def links(bvh: pd.DataFrame, hks: pd.DataFrame, gcos_id: np.ndarray) -> pd.DataFrame:
    """bron, record_id, gcos_id, noise for every police row of a GCOS person."""
    frames = []
    for bron, rows in (("bvh", bvh), ("hks", hks)):
        rows = rows[["pid", "origin", "record_id", "noise"]]
        own = rows[(rows["pid"] < len(gcos_id)) & (rows["origin"] != "no_identity")]
        noise = np.array(KINDS, dtype=object)[own["noise"].to_numpy()]
        frames.append(pd.DataFrame({
            "bron": bron, "record_id": own["record_id"].to_numpy(),
            "gcos_id": gcos_id[own["pid"].to_numpy()], "noise": noise,
            "trap": pd.Series(noise).map(TRAP_OF_NOISE).fillna("").to_numpy(),
        }))
    return pd.concat(frames, ignore_index=True).sort_values(["bron", "record_id"],
                                                            ignore_index=True)


def subjects(plan: pd.DataFrame, hks: pd.DataFrame, gcos_id: np.ndarray,
             people: pd.DataFrame) -> pd.DataFrame:
    """gcos_id, fate, in_hks (has an HKS row that passes validation), naamgebruik."""
    valid = hks[~hks["origin"].isin(_NOT_COUNTED_ORIGINS)]
    in_hks = np.isin(np.arange(len(plan)), valid["pid"].to_numpy())
    return pd.DataFrame({"gcos_id": gcos_id, "fate": plan["fate"].to_numpy(), "in_hks": in_hks,
                         "naamgebruik": people["naamgebruik"].to_numpy()[:len(plan)]})


def traps(bvh: pd.DataFrame, hks: pd.DataFrame, gcos_id: np.ndarray, people: pd.DataFrame
          ) -> pd.DataFrame:
    """bron, record_id, trap, gcos_id (the subject it resembles), noise of every police row
    of a look-alike (people with a ``trap``)."""
    trap = people["trap"].to_numpy()
    target = people["target"].to_numpy()
    frames = []
    for bron, rows in (("bvh", bvh), ("hks", hks)):
        pid = rows["pid"].to_numpy()
        mine = (trap[pid] != "") & (rows["origin"] != "no_identity").to_numpy()
        frames.append(pd.DataFrame({
            "bron": bron, "record_id": rows["record_id"].to_numpy()[mine],
            "trap": trap[pid[mine]], "gcos_id": gcos_id[target[pid[mine]]],
            "noise": np.array(KINDS, dtype=object)[rows["noise"].to_numpy()[mine]]}))
    return pd.concat(frames, ignore_index=True).sort_values(["bron", "record_id"],
                                                            ignore_index=True)


def quarantine(plan: pd.DataFrame, bvh: pd.DataFrame, hks: pd.DataFrame, gcos_id: np.ndarray
               ) -> pd.DataFrame:
    """bron, record_id, reason of every row designed to be quarantined."""
    reason = plan["quarantine"].to_numpy()
    frames = [pd.DataFrame({"bron": "gcos", "record_id": gcos_id[reason != ""],
                            "reason": np.where(reason[reason != ""] == "birthdate",
                                               "unparseable_birthdate", "empty_surname")})]
    for bron, rows in (("bvh", bvh), ("hks", hks)):
        bad = rows[rows["origin"].isin(_NOT_COUNTED_ORIGINS)]
        text = [_QUARANTINE_REASONS[(bron, origin)] for origin in bad["origin"]]
        frames.append(pd.DataFrame({"bron": bron, "record_id": bad["record_id"].to_numpy(),
                                    "reason": pd.Series(text, dtype=object)}))
    return pd.concat(frames, ignore_index=True).sort_values(["bron", "record_id"],
                                                            ignore_index=True)


def _window_counts(events: pd.DataFrame, starts: pd.Series, prefix: str) -> pd.DataFrame:
    """Count events (pid, date as Timestamp) per subject in each calendar-month window."""
    start = pd.DatetimeIndex(starts.to_numpy())
    out = pd.DataFrame(index=starts.index)
    joined = events.join(pd.Series(start, index=starts.index, name="start"), on="pid",
                         how="inner")
    for name, months in WINDOWS:
        edge = pd.DatetimeIndex(joined["start"]) + pd.DateOffset(months=months)
        lo, hi = (edge, joined["start"]) if months < 0 else (joined["start"], edge)
        inside = (joined["date"].to_numpy() >= np.asarray(lo)) & (
            joined["date"].to_numpy() < np.asarray(hi))
        per = pd.Series(inside, index=joined.index).groupby(joined["pid"]).sum()
        out[f"{prefix}_{name}"] = per.reindex(starts.index).fillna(0).astype(int)
    return out


def _events(rows: pd.DataFrame, keep: np.ndarray) -> pd.DataFrame:
    chosen = rows[keep]
    return pd.DataFrame({"pid": chosen["pid"].to_numpy(),
                         "date": pd.to_datetime(chosen["date"].to_numpy(), unit="D")})


def expected_counts(people: pd.DataFrame, bvh: pd.DataFrame, hks: pd.DataFrame,
                    gcos_id: np.ndarray) -> pd.DataFrame:
    """Window counts per analysed subject: BVH rows of a counted category (a registratie-
    nummer once per person, every role), HKS rows all; quarantined rows never."""
    analysed = np.flatnonzero(people["fate"].to_numpy() == "analysed")
    starts = pd.Series(pd.to_datetime(people["start"].to_numpy()[analysed], unit="D"),
                       index=analysed)
    mine = np.isin(bvh["pid"].to_numpy(), analysed)
    bvh = bvh.loc[mine, ["pid", "date", "origin", "code", "regkey"]]
    hks = hks.loc[np.isin(hks["pid"].to_numpy(), analysed), ["pid", "date", "origin"]]
    ok_bvh = (~bvh["origin"].isin(_NOT_COUNTED_ORIGINS)).to_numpy() & counted(
        bvh["code"].to_numpy())
    bvh_once = bvh[ok_bvh].drop_duplicates(["pid", "regkey"])
    bvh_counts = _window_counts(_events(bvh_once, np.ones(len(bvh_once), bool)), starts, "bvh")
    ok_hks = (~hks["origin"].isin(_NOT_COUNTED_ORIGINS)).to_numpy()
    hks_counts = _window_counts(_events(hks, ok_hks), starts, "hks")
    head = pd.DataFrame({"gcos_id": gcos_id[analysed],
                         "startdatum": starts.dt.strftime("%Y-%m-%d").to_numpy()}, index=analysed)
    out = pd.concat([head, bvh_counts, hks_counts], axis=1)
    return out.sort_values("gcos_id", ignore_index=True)


def expected_funnel(design: FunnelDesign, bvh_rows: int, hks_rows: int,
                    quarantined: pd.DataFrame) -> dict[str, int]:
    """The funnel and row counts the pipeline must report for this data."""
    per_source = quarantined["bron"].value_counts()
    return {
        "gcos_gelezen": design.gcos_rows,
        "gcos_quarantaine": design.quarantined,
        "buiten_scope_kader": design.out_of_scope_kader,
        "buiten_scope_periode": design.out_of_scope_period,
        "in_scope": design.subjects,
        "niet_gevonden_geen_voorletter": design.no_initial,
        "niet_gevonden_geen_kandidaat": design.not_in_bvh,
        "gevonden_bvh": design.found_bvh,
        "te_weinig_gcos": design.no_startdatum,
        "geanalyseerd": design.analysed,
        "gevonden_hks": design.analysed_in_hks,
        "bvh_gelezen": int(bvh_rows),
        "bvh_quarantaine": int(per_source.get("bvh", 0)),
        "hks_gelezen": int(hks_rows),
        "hks_quarantaine": int(per_source.get("hks", 0)),
    }
