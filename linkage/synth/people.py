"""Everyone in the synthetic world: the GCOS persons, the others, and the traps among them.

Nothing is redrawn to keep the engine out of trouble: GCOS persons and others are drawn
independently, so chance look-alikes occur as they would in real extracts. On top of that
the design places, in proportion to the subjects, the traps a real extract holds
(``trap`` names each one; ``target`` is the GCOS person it resembles):

=================================  ========================================================
naamgenoot_andere_geboortedatum    the same surname and first given name, born 2-9 years
                                   apart
bijna_naamgenoot                   the same birthdate, sex and first given name, the surname
                                   one typing slip away, another second initial
tweeling                           the same surname and birthdate, another first name: most
                                   with another first initial, some with the same first but
                                   another second initial
=================================  ========================================================

Women subjects may be registered in GCOS under a partner's name (*naamgebruik*), while the
police write the birth name; or the other way round (``naamgebruik``, and the police's
other spelling in the ``alt_*`` columns):

====  =====================================================  ==============================
N     GCOS: birth name - partner's name                      police: the birth name
V     GCOS: partner's name - birth name                      police: the birth name
P     GCOS: the partner's name only                          police: the birth name
R     GCOS: the birth name                                   police: the partner's name
                                                             (alone, or before her own)
====  =====================================================  ==============================
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from vhh.linkage.synth.dates import day
from vhh.linkage.synth.names import NamePool
from vhh.linkage.synth.population import (
    GIVEN_COLUMNS,
    draw_people,
    draw_surnames,
    other_birthdates,
    redraw_names,
)
from vhh.linkage.synth.settings import FunnelDesign
from vhh.linkage.synth.slips import typo

__all__ = ["ALT_COLUMNS", "NAMESAKE_TARGET_FATES", "TRAPS", "build_people"]

_MAX_ROUNDS = 200
NAMESAKE_TARGET_FATES = ("analysed", "no_startdatum")
TRAPS = ("naamgenoot_andere_geboortedatum", "bijna_naamgenoot", "tweeling")
ALT_COLUMNS = ("alt_prefix1", "alt_core1", "alt_prefix2", "alt_core2")
TWIN_SAME_FIRST_SHARE = 0.25
_MIN_TYPO_CORE = 4
_OLDEST, _YOUNGEST = day("1930-01-01"), day("2001-12-31")


def _gcos_people(rng: np.random.Generator, pool: NamePool, plan: pd.DataFrame) -> pd.DataFrame:
    sex = (rng.random(len(plan)) < 0.3).astype(np.int8)  # most VHH subjects are men
    return draw_people(rng, pool, sex, plan["birth"].to_numpy())


def _copy_surname(people: pd.DataFrame, src: pd.DataFrame) -> None:
    for col in ("prefix1", "core1", "prefix2", "core2"):
        people[col] = src[col].to_numpy()


def _with_first(names: str, source: str) -> str:
    """``names`` with its first word replaced by the first word of ``source``."""
    rest = names.partition(" ")[2]
    first = source.partition(" ")[0]
    return f"{first} {rest}" if rest else first


def _redraw_until(rng: np.random.Generator, pool: NamePool, people: pd.DataFrame,
                  bad: Callable[[pd.DataFrame], np.ndarray], what: str) -> pd.DataFrame:
    """Redraw the given names of the rows where ``bad(people)`` holds, until none does."""
    for _ in range(_MAX_ROUNDS):
        todo = np.flatnonzero(bad(people))
        if not len(todo):
            return people
        people = redraw_names(rng, pool, people, todo, GIVEN_COLUMNS)
    raise RuntimeError(f"could not draw {what}")


def _second(tokens: pd.Series) -> np.ndarray:
    return np.asarray(tokens.str.split(" ").str[1].fillna("").to_numpy(dtype=object))


def _far_namesakes(rng: np.random.Generator, pool: NamePool, src: pd.DataFrame
                   ) -> pd.DataFrame:
    people = draw_people(rng, pool, src["sex"].to_numpy(), _years_apart(rng, src["birth"]))
    _copy_surname(people, src)
    for col in ("voornamen", "tokens"):  # the subject's first given name, then others
        people[col] = [_with_first(mine, theirs) for mine, theirs in
                       zip(people[col], src[col], strict=True)]
    people["letter"] = src["letter"].to_numpy()
    return people


def _near_namesakes(rng: np.random.Generator, pool: NamePool, src: pd.DataFrame
                    ) -> pd.DataFrame:
    """Same birthdate, sex and first given name; the surname one slip away; another second
    initial (``src`` has two or more initials)."""
    people = draw_people(rng, pool, src["sex"].to_numpy(), src["birth"].to_numpy())
    _copy_surname(people, src)
    cores = people["core1"].to_numpy(dtype=object).copy()
    for k, core in enumerate(cores):
        cores[k] = typo(core, rng) if len(core) >= _MIN_TYPO_CORE else core + "e"
    people["core1"] = cores
    theirs = _second(src["tokens"])

    def bad(p: pd.DataFrame) -> np.ndarray:
        mine = _second(p["tokens"])
        return np.asarray((mine == "") | (mine == theirs))

    people = _redraw_until(rng, pool, people, bad, "a near-namesake with another second initial")
    for col in ("voornamen", "tokens"):
        people[col] = [_with_first(mine, t) for mine, t in zip(people[col], src[col],
                                                                strict=True)]
    people["letter"] = src["letter"].to_numpy()
    return people


def _with_first_of(people: pd.DataFrame, src: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """``people`` whose ``rows`` take the first given name of ``src``."""
    out = people.copy()
    for col in ("voornamen", "tokens"):
        values = out[col].to_numpy(dtype=object).copy()
        values[rows] = [_with_first(values[k], src[col].iloc[k]) for k in rows]
        out[col] = values
    letter = out["letter"].to_numpy(dtype=object).copy()
    letter[rows] = src["letter"].to_numpy()[rows]
    out["letter"] = letter
    return out


def _twins(rng: np.random.Generator, pool: NamePool, src: pd.DataFrame) -> pd.DataFrame:
    """Same surname and birthdate; another first initial, or (some, when the subject has a
    second initial) the same first given name with another second initial."""
    sex = np.where(rng.random(len(src)) < 0.5, src["sex"].to_numpy(), 1 - src["sex"].to_numpy())
    people = draw_people(rng, pool, sex.astype(np.int8), src["birth"].to_numpy())
    _copy_surname(people, src)
    theirs = _second(src["tokens"])
    same_first = (rng.random(len(src)) < TWIN_SAME_FIRST_SHARE) & (theirs != "")
    letter = src["letter"].to_numpy()

    def bad(p: pd.DataFrame) -> np.ndarray:
        mine = _second(p["tokens"])
        second_differs = (mine != "") & (mine != theirs)
        return np.asarray(np.where(same_first, ~second_differs, p["letter"].to_numpy() == letter))

    people = _redraw_until(rng, pool, people, bad, "a twin with another initial")
    return _with_first_of(people, src, np.flatnonzero(same_first))


def _years_apart(rng: np.random.Generator, birth: pd.Series) -> np.ndarray:
    """A birthdate 2-9 years and some months away."""
    days = birth.to_numpy()
    years = rng.integers(2, 10, size=len(days)) * np.where(rng.random(len(days)) < 0.5, -1, 1)
    shifted = days + years * 365 + rng.integers(20, 340, size=len(days))
    return np.asarray(np.clip(shifted, _OLDEST, _YOUNGEST))


def _targets(rng: np.random.Generator, gcos: pd.DataFrame, fates: np.ndarray, n: int,
             need_second: bool) -> np.ndarray:
    ok = np.isin(fates, NAMESAKE_TARGET_FATES)
    if need_second:
        ok &= _second(gcos["tokens"]) != ""
    pool = np.flatnonzero(ok)
    return np.resize(rng.permutation(pool), n) if len(pool) and n else np.zeros(0, np.int64)


def _lookalikes(rng: np.random.Generator, pool: NamePool, gcos: pd.DataFrame,
                fates: np.ndarray, design: FunnelDesign) -> pd.DataFrame:
    parts = []
    for trap, n, draw, second in (
            (TRAPS[0], design.namesakes_other_birthdate, _far_namesakes, False),
            (TRAPS[1], design.near_namesakes, _near_namesakes, True),
            (TRAPS[2], design.twins, _twins, False)):
        target = _targets(rng, gcos, fates, n, second)
        drawn = draw(rng, pool, gcos.iloc[target].reset_index(drop=True))
        parts.append(drawn.assign(trap=trap, target=target))
    return pd.concat(parts, ignore_index=True)


def _partners(rng: np.random.Generator, pool: NamePool, gcos: pd.DataFrame,
              fates: np.ndarray, design: FunnelDesign) -> pd.DataFrame:
    """GCOS persons with their naamgebruik applied (see the module docstring)."""
    out = gcos.assign(naamgebruik="", **{c: "" for c in ALT_COLUMNS})
    ok = ((fates == "analysed") & (gcos["sex"].to_numpy() == 1) & (gcos["core2"] == "")
          & (_second(gcos["tokens"]) != ""))
    codes = (["N"] * design.partner_n + ["V"] * design.partner_v + ["P"] * design.partner_p
             + ["R"] * design.partner_reverse)
    chosen = rng.permutation(np.flatnonzero(ok))[:len(codes)]
    prefix, core = draw_surnames(rng, pool, len(chosen))
    for k, (pos, code) in enumerate(zip(chosen, codes, strict=False)):
        birth = (out.at[pos, "prefix1"], out.at[pos, "core1"])
        partner = (prefix[k], core[k])
        main, alt = _naamgebruik(code, birth, partner, k)
        for col, value in zip(("prefix1", "core1", "prefix2", "core2"), main, strict=True):
            out.at[pos, col] = value
        for col, value in zip(ALT_COLUMNS, alt, strict=True):
            out.at[pos, col] = value
        out.at[pos, "naamgebruik"] = code
    return out


def _naamgebruik(code: str, birth: tuple[str, str], partner: tuple[str, str], k: int
                 ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(GCOS name, police name) as (prefix1, core1, prefix2, core2)."""
    single = (*birth, "", "")
    if code == "N":
        return (*birth, *partner), single
    if code == "V":
        return (*partner, *birth), single
    if code == "P":
        return (*partner, "", ""), single
    return single, ((*partner, "", "") if k % 2 == 0 else (*partner, *birth))


def _draw_others(rng: np.random.Generator, pool: NamePool, n: int) -> pd.DataFrame:
    sex = (rng.random(n) < 0.45).astype(np.int8)
    return draw_people(rng, pool, sex, other_birthdates(rng, n))


def draw_others(rng: np.random.Generator, pool: NamePool, n: int) -> pd.DataFrame:
    """``n`` random non-subjects (no trap)."""
    return _draw_others(rng, pool, n).assign(trap="", target=-1, naamgebruik="",
                                             **{c: "" for c in ALT_COLUMNS})


def build_people(rng: np.random.Generator, pool: NamePool, design: FunnelDesign,
                 plan: pd.DataFrame) -> pd.DataFrame:
    """GCOS persons (rows 0..n-1, in GCOS file order) followed by the others.

    Columns: the person columns of :mod:`vhh.linkage.synth.population`, ``trap`` and
    ``target`` (see the module docstring; "" and -1 for the rest), ``naamgebruik`` and the
    ``alt_*`` name, then fate, start and the design flags (False for others).
    """
    fates = plan["fate"].to_numpy()
    gcos = _gcos_people(rng, pool, plan)
    gcos = _partners(rng, pool, gcos, fates, design).assign(trap="", target=-1)
    looks = _lookalikes(rng, pool, gcos, fates, design).assign(
        naamgebruik="", **{c: "" for c in ALT_COLUMNS})
    rest = draw_others(rng, pool, design.others - len(looks))
    others = pd.concat([looks, rest], ignore_index=True)
    flags = plan.drop(columns=["birth"])
    empty = pd.DataFrame({c: np.zeros(len(others), dtype=flags[c].dtype) for c in flags})
    empty["fate"], empty["quarantine"], empty["kader"] = "", "", ""
    empty["start"] = -1
    return pd.concat([pd.concat([gcos, flags], axis=1), pd.concat([others, empty], axis=1)],
                     ignore_index=True)
