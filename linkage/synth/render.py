"""Turn the numeric frames into the text frames of the input contract (every value a string).

GCOS rows write a surname in one of three styles ("split": prefix in tussenvoegsel;
"full": "van der Berg"; "inverted": "Berg, van der"), initials in several notations and
sex as M/V or man/vrouw. Police rows write the police style (core in achternaam, prefix in
tussenvoegsel, "J.P.", M/V) unless noise says otherwise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from vhh.linkage.contract import LEEFGEBIEDEN
from vhh.linkage.synth.codes import AFDOENINGEN, BAD_BIRTHDATE_TEMPLATES, FEITEN, ROLES
from vhh.linkage.synth.dates import draw_styles, format_days, to_ymd
from vhh.linkage.synth.noise import NO_BIRTHDATE, render_identity
from vhh.linkage.synth.police import ALL_CODES, registration_numbers
from vhh.linkage.synth.variants import (
    I_DOTSPACE,
    I_DOTTED,
    I_LOWER,
    I_PLAIN,
    I_SPACED,
    I_SPECIAL,
    S_CLEAN,
    S_FULL,
    S_INVERTED,
    IdentityVariants,
)

__all__ = ["bvh_frame", "gcos_frames", "hks_frame", "numbered_ids"]

GCOS_SURNAME_STYLES = (S_CLEAN, S_FULL, S_INVERTED)
GCOS_SURNAME_WEIGHTS = (0.6, 0.25, 0.15)
GCOS_INITIAL_STYLES = (I_DOTTED, I_PLAIN, I_SPACED, I_LOWER, I_DOTSPACE, I_SPECIAL)
GCOS_INITIAL_WEIGHTS = (0.55, 0.15, 0.1, 0.1, 0.05, 0.05)
VOORNAMEN_SHARE = 0.3
SEX_TEXT = np.array([["M", "V", "O"], ["man", "vrouw", "onbekend"]], dtype=object)
_BVH_COLUMNS = ("bvh_id", "registratienummer", "incidentdatum", "mk_code", "mk_omschrijving",
                "rol", "achternaam", "tussenvoegsel", "voorletters", "geboortedatum", "geslacht")
_HKS_COLUMNS = ("hks_id", "pleegdatum", "feit_omschrijving", "afdoening", "achternaam",
                "tussenvoegsel", "voorletters", "geboortedatum", "geslacht")


def numbered_ids(letter: str, numbers: np.ndarray, width: int) -> np.ndarray:
    """"B0000001"-style ids, zero-padded to ``width`` digits (wider when needed)."""
    if not len(numbers):
        return np.array([], dtype=object)
    digits = max(width, len(str(int(numbers.max()))))
    padded = np.strings.zfill(np.asarray(numbers, dtype=np.int64).astype(str), digits)
    return np.strings.add(letter, padded).astype(object)


def _dates(rng: np.random.Generator, days: np.ndarray) -> np.ndarray:
    return np.asarray(format_days(days, draw_styles(rng, len(days))))


# ---- GCOS --------------------------------------------------------------------------------


def _gcos_surname(rng: np.random.Generator, variants: IdentityVariants, pos: np.ndarray,
                  has_prefix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    style = np.array(GCOS_SURNAME_STYLES)[
        rng.choice(len(GCOS_SURNAME_STYLES), size=len(pos), p=GCOS_SURNAME_WEIGHTS)]
    style = np.where((style == S_INVERTED) & ~has_prefix, S_CLEAN, style)
    return variants.surname[style, pos], variants.prefix[style, pos]


def _gcos_initials(rng: np.random.Generator, variants: IdentityVariants, pos: np.ndarray
                   ) -> np.ndarray:
    style = np.array(GCOS_INITIAL_STYLES)[
        rng.choice(len(GCOS_INITIAL_STYLES), size=len(pos), p=GCOS_INITIAL_WEIGHTS)]
    return np.asarray(variants.initials[style, pos])


def _gcos_birthdates(rng: np.random.Generator, plan: pd.DataFrame, birth: np.ndarray
                     ) -> np.ndarray:
    text = _dates(rng, birth)
    year, month, _ = to_ymd(birth)
    partial = np.flatnonzero(plan["partial_birth"].to_numpy())
    for k, i in enumerate(partial):
        text[i] = f"00-{month[i]:02d}-{year[i]}" if k % 2 == 0 else f"00-00-{year[i]}"
    bad = np.flatnonzero(plan["quarantine"].to_numpy() == "birthdate")
    for k, i in enumerate(bad):
        text[i] = BAD_BIRTHDATE_TEMPLATES[k % len(BAD_BIRTHDATE_TEMPLATES)].format(year=year[i])
    return text


def _leefgebieden(rng: np.random.Generator, n: int) -> np.ndarray:
    """A ";"-joined random subset (1-8 domains) in canonical order."""
    k = rng.integers(1, 9, size=n)
    rank = np.argsort(rng.random((n, len(LEEFGEBIEDEN))), axis=1).argsort(axis=1)
    out = np.full(n, "", dtype=object)
    for j, name in enumerate(LEEFGEBIEDEN):
        take = rank[:, j] < k
        out = np.where(take & (out != ""), out + ";" + name, np.where(take, name, out))
    return out


def _gcos_sex(rng: np.random.Generator, plan: pd.DataFrame, sex: np.ndarray) -> np.ndarray:
    code = np.where(plan["unknown_sex"].to_numpy(), 2, sex)
    return SEX_TEXT[rng.integers(0, 2, size=len(sex)), code]


def gcos_frames(rng: np.random.Generator, plan: pd.DataFrame, discussions: pd.DataFrame,
                people: pd.DataFrame, variants: IdentityVariants, gcos_id: np.ndarray
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(gcos_subjecten, gcos_besprekingen) as text; ``people`` rows 0..n-1 are the GCOS rows."""
    n = len(plan)
    pos = np.arange(n)
    achternaam, tussenvoegsel = _gcos_surname(rng, variants, pos,
                                              (people["prefix1"] != "").to_numpy()[:n])
    no_surname = plan["quarantine"].to_numpy() == "surname"
    achternaam[no_surname], tussenvoegsel[no_surname] = "", ""
    voorletters = _gcos_initials(rng, variants, pos)
    voornamen = np.where(rng.random(n) < VOORNAMEN_SHARE, people["voornamen"].to_numpy()[:n], "")
    from_names = plan["from_voornamen"].to_numpy()
    voornamen[from_names] = people["voornamen"].to_numpy()[:n][from_names]
    no_initial = plan["fate"].to_numpy() == "no_initial"
    voorletters[no_initial | from_names] = ""
    voornamen[no_initial] = ""
    bare = plan["fate"].to_numpy() == "no_startdatum"  # no kader, discussions, plan, domains
    subjecten = pd.DataFrame({
        "gcos_id": gcos_id, "achternaam": achternaam, "tussenvoegsel": tussenvoegsel,
        "voorletters": voorletters, "voornamen": voornamen,
        "geboortedatum": _gcos_birthdates(rng, plan, people["birth"].to_numpy()[:n]),
        "geslacht": _gcos_sex(rng, plan, people["sex"].to_numpy()[:n]),
        "kader": plan["kader"].to_numpy(), "invoerdatum": _dates(rng, plan["invoer"].to_numpy()),
        "leefgebieden": _leefgebieden(rng, n),
        "doelen": rng.poisson(2.5, n).astype(str), "besluiten": rng.poisson(1.5, n).astype(str),
        "acties": rng.poisson(3.0, n).astype(str),
    })
    subjecten.loc[bare, ["leefgebieden", "doelen", "besluiten", "acties"]] = ""
    besprekingen = pd.DataFrame({
        "gcos_id": gcos_id[discussions["pos"].to_numpy()],
        "bespreekdatum": _dates(rng, discussions["date"].to_numpy()),
    })
    return subjecten.astype(object), besprekingen.astype(object)


# ---- police ------------------------------------------------------------------------------


def _police_identity(rng: np.random.Generator, rows: pd.DataFrame, people: pd.DataFrame,
                     variants: IdentityVariants) -> dict[str, np.ndarray]:
    """achternaam, tussenvoegsel, voorletters, geboortedatum, geslacht of each row."""
    person = rows["pid"].to_numpy()
    kind = rows["noise"].to_numpy()
    fields: dict[str, np.ndarray] = render_identity(rng, variants, person, kind)
    birth = rows["birth"].to_numpy()
    missing = birth == NO_BIRTHDATE
    fields["geboortedatum"] = _dates(rng, np.where(missing, people["birth"].to_numpy()[person],
                                                   birth))
    fields["geboortedatum"][missing] = ""
    fields["geslacht"] = SEX_TEXT[0, people["sex"].to_numpy()[person]]
    blank = (rows["origin"] == "no_identity").to_numpy()
    for col in ("achternaam", "tussenvoegsel", "geboortedatum"):
        fields[col][blank] = ""
    return fields


def _event_text(rng: np.random.Generator, rows: pd.DataFrame) -> np.ndarray:
    text = _dates(rng, rows["date"].to_numpy())
    bad = rows["bad_date"].to_numpy() != ""
    text[bad] = rows["bad_date"].to_numpy()[bad]
    return text


def bvh_frame(rng: np.random.Generator, rows: pd.DataFrame, people: pd.DataFrame,
              variants: IdentityVariants) -> pd.DataFrame:
    """bvh_incidenten as text, in the order of ``rows`` (which carries ``bvh_id``)."""
    code = rows["code"].to_numpy()
    year, _, _ = to_ymd(rows["date"].to_numpy())
    frame = pd.DataFrame({
        "bvh_id": rows["record_id"].to_numpy(),
        "registratienummer": registration_numbers(rows["regkey"].to_numpy(), year),
        "incidentdatum": _event_text(rng, rows),
        "mk_code": np.array([c[0] for c in ALL_CODES], dtype=object)[code],
        "mk_omschrijving": np.array([c[1] for c in ALL_CODES], dtype=object)[code],
        "rol": np.array(ROLES, dtype=object)[rows["rol"].to_numpy()],
        **_police_identity(rng, rows, people, variants),
    })
    return frame.loc[:, list(_BVH_COLUMNS)].astype(object)


def hks_frame(rng: np.random.Generator, rows: pd.DataFrame, people: pd.DataFrame,
              variants: IdentityVariants) -> pd.DataFrame:
    """hks_antecedenten as text, in the order of ``rows`` (which carries ``hks_id``)."""
    frame = pd.DataFrame({
        "hks_id": rows["record_id"].to_numpy(),
        "pleegdatum": _event_text(rng, rows),
        "feit_omschrijving": np.array(FEITEN, dtype=object)[rows["feit"].to_numpy()],
        "afdoening": np.array(AFDOENINGEN, dtype=object)[rows["afdoening"].to_numpy()],
        **_police_identity(rng, rows, people, variants),
    })
    return frame.loc[:, list(_HKS_COLUMNS)].astype(object)
