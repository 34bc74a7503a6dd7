"""Everyone in the synthetic world: the GCOS persons and the others, with the guard applied.

GCOS persons are drawn first and re-drawn (names only; their birthdates belong to the
design) until no two are confusable, so that no police row can fit two subjects.

Others are random people plus designed namesakes of subjects found in BVH: the same
surname and first initial but a birthdate years apart, or the same surname and birthdate
but another first initial (a twin). Any other confusable with a GCOS person is re-drawn.
For GCOS persons without an initial or without any police row (``not_in_bvh``) the guard
ignores the initial, so that they have no candidate at all.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from vhh.linkage.synth.dates import day
from vhh.linkage.synth.guard import GuardIndex, guard_keys
from vhh.linkage.synth.names import NamePool
from vhh.linkage.synth.population import GIVEN_COLUMNS, draw_people, other_birthdates, redraw_names
from vhh.linkage.synth.settings import FunnelDesign

__all__ = ["build_people", "draw_guarded_others", "gcos_guard_frame"]

_MAX_ROUNDS = 200
LOOSE_FATES = ("no_initial", "not_in_bvh")
NAMESAKE_TARGET_FATES = ("analysed", "no_startdatum")
_GUARDED_OUT = ("quarantined",)
_OLDEST, _YOUNGEST = day("1930-01-01"), day("2001-12-31")


def gcos_guard_frame(people: pd.DataFrame) -> pd.DataFrame:
    """Guard keys of the GCOS persons that take part in linkage (not the quarantined)."""
    keys = guard_keys(people["letter"].to_numpy(), people["core1"].to_numpy(),
                      people["core2"].to_numpy(), people["birth"].to_numpy(),
                      loose=people["fate"].isin(LOOSE_FATES).to_numpy(),
                      pid=np.arange(len(people)))
    return keys[~people["fate"].isin(_GUARDED_OUT).to_numpy()].reset_index(drop=True)


def _gcos_people(rng: np.random.Generator, pool: NamePool, plan: pd.DataFrame) -> pd.DataFrame:
    sex = (rng.random(len(plan)) < 0.3).astype(np.int8)  # most VHH subjects are men
    people = draw_people(rng, pool, sex, plan["birth"].to_numpy())
    fate = plan["fate"].to_numpy()
    keys = gcos_guard_frame(people.assign(fate=fate))
    index = GuardIndex(keys)  # all against all once; then only the re-drawn against all
    for _ in range(_MAX_ROUNDS):
        pairs = index.pairs(keys)
        if pairs.empty:
            return people
        lp = keys["pid"].to_numpy()[pairs["l"].to_numpy()]
        rp = index.right["pid"].to_numpy()[pairs["r"].to_numpy()]
        redrawn = np.isin(lp, index.right["pid"].to_numpy()) & np.isin(
            rp, index.right["pid"].to_numpy())
        later = np.unique(np.where(redrawn, np.maximum(lp, rp), rp))
        people = redraw_names(rng, pool, people, later)
        keys = gcos_guard_frame(people.assign(fate=fate))
        index = GuardIndex(keys[np.isin(keys["pid"].to_numpy(), later)])
    raise RuntimeError("could not draw GCOS persons that are pairwise not confusable")


def _namesakes(rng: np.random.Generator, pool: NamePool, gcos: pd.DataFrame,
               targets: np.ndarray, sibling: bool) -> pd.DataFrame:
    """Namesakes of ``targets`` (GCOS positions)."""
    src = gcos.iloc[targets].reset_index(drop=True)
    people = draw_people(rng, pool, src["sex"].to_numpy(), src["birth"].to_numpy())
    for col in ("prefix1", "core1", "prefix2", "core2"):
        people[col] = src[col].to_numpy()
    if sibling:
        return _other_initial(rng, pool, people, src["letter"].to_numpy())
    for col in ("voornamen", "tokens"):  # the subject's first given name, then others
        people[col] = [_with_first(mine, theirs) for mine, theirs in
                       zip(people[col], src[col], strict=True)]
    people["letter"] = src["letter"].to_numpy()
    people["birth"] = _years_apart(rng, src["birth"].to_numpy())
    return people


def _with_first(names: str, source: str) -> str:
    """``names`` with its first word replaced by the first word of ``source``."""
    rest = names.partition(" ")[2]
    first = source.partition(" ")[0]
    return f"{first} {rest}" if rest else first


def _other_initial(rng: np.random.Generator, pool: NamePool, people: pd.DataFrame,
                   letter: np.ndarray) -> pd.DataFrame:
    """Re-draw given names until the first initial's class differs from ``letter``."""
    for _ in range(_MAX_ROUNDS):
        same = np.flatnonzero(people["letter"].to_numpy() == letter)
        if not len(same):
            return people
        people = redraw_names(rng, pool, people, same, GIVEN_COLUMNS)
    raise RuntimeError("could not draw a sibling with another first initial")


def _years_apart(rng: np.random.Generator, birth: np.ndarray) -> np.ndarray:
    """A birthdate 2-9 years and some months away (born 1930-2001)."""
    years = rng.integers(2, 10, size=len(birth)) * np.where(rng.random(len(birth)) < 0.5, -1, 1)
    shift = years * 365 + rng.integers(20, 340, size=len(birth))
    out: np.ndarray = np.clip(birth + shift, _OLDEST, _YOUNGEST)
    return out


def _draw_others(rng: np.random.Generator, pool: NamePool, n: int) -> pd.DataFrame:
    sex = (rng.random(n) < 0.45).astype(np.int8)
    return draw_people(rng, pool, sex, other_birthdates(rng, n))


def _guard_others(rng: np.random.Generator, pool: NamePool, others: pd.DataFrame,
                  kind: np.ndarray, gcos: GuardIndex) -> pd.DataFrame:
    """Re-draw every other confusable with a GCOS person (a namesake keeps its surname
    and takes a new birthdate; a random other is drawn anew)."""
    todo = np.arange(len(others))  # only re-drawn others need checking again
    for _ in range(_MAX_ROUNDS):
        part = others.iloc[todo]
        keys = guard_keys(part["letter"].to_numpy(), part["core1"].to_numpy(),
                          part["core2"].to_numpy(), part["birth"].to_numpy(),
                          pid=np.full(len(part), -1))
        bad = todo[np.unique(gcos.pairs(keys)["l"].to_numpy())]
        if not len(bad):
            return others
        todo = bad
        others = others.copy()
        namesake = bad[kind[bad] == "namesake"]
        births = others["birth"].to_numpy().copy()
        births[namesake] = _years_apart(rng, births[namesake])
        others["birth"] = births
        fresh = bad[kind[bad] != "namesake"]
        kind[fresh] = "random"
        drawn = _draw_others(rng, pool, len(fresh))
        for col in drawn.columns:
            values = others[col].to_numpy().copy()
            values[fresh] = drawn[col].to_numpy()
            others[col] = values
    raise RuntimeError("could not draw non-subjects that are not confusable with a subject")


def draw_guarded_others(rng: np.random.Generator, pool: NamePool, n: int, gcos: GuardIndex
                        ) -> pd.DataFrame:
    """``n`` random non-subjects, none confusable with a GCOS person of ``gcos``."""
    kind = np.full(n, "random", dtype=object)
    return _guard_others(rng, pool, _draw_others(rng, pool, n), kind, gcos)


def build_people(rng: np.random.Generator, pool: NamePool, design: FunnelDesign,
                 plan: pd.DataFrame) -> pd.DataFrame:
    """GCOS persons (rows 0..n-1, in GCOS file order) followed by the others.

    Columns: the person columns of :mod:`vhh.linkage.synth.population` plus fate ("" for
    others), start, and the design flags (False for others).
    """
    gcos = _gcos_people(rng, pool, plan)
    targets = np.flatnonzero(plan["fate"].isin(NAMESAKE_TARGET_FATES).to_numpy())
    n_far, n_twin = design.namesakes_other_birthdate, design.namesakes_sibling
    far = _namesakes(rng, pool, gcos, np.resize(rng.permutation(targets), n_far), False)
    twin = _namesakes(rng, pool, gcos, np.resize(rng.permutation(targets), n_twin), True)
    rest = _draw_others(rng, pool, design.others - n_far - n_twin)
    others = pd.concat([far, twin, rest], ignore_index=True)
    kind = np.array(["namesake"] * n_far + ["twin"] * n_twin + ["random"] * len(rest),
                    dtype=object)
    gcos_keys = gcos_guard_frame(gcos.assign(fate=plan["fate"].to_numpy()))
    others = _guard_others(rng, pool, others, kind, GuardIndex(gcos_keys))
    flags = plan.drop(columns=["birth"])
    empty = pd.DataFrame({c: np.zeros(len(others), dtype=flags[c].dtype) for c in flags})
    empty["fate"], empty["quarantine"], empty["kader"] = "", "", ""
    empty["start"] = -1
    return pd.concat([pd.concat([gcos, flags], axis=1), pd.concat([others, empty], axis=1)],
                     ignore_index=True)
