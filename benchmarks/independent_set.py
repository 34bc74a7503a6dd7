"""A Dutch test set written apart from the project's generator, to test linkage on data it
did not make (issue 12: "build for real extracts, not for our generator").

Nothing here comes from ``vhh.linkage.synth``: names come straight from Faker (nl_NL *and*
nl_BE, so also names our generator never draws; double names "X-Y" for men and women as
Faker's own ``name()`` makes them), birthdates are uniform, the noise has its own kinds and
shares, and the traps are built in another way (near-namesakes one random edit away with
another second initial, twins with another first name, women registered in GCOS under a
partner's name). Sizes default to the independent set of the issue: 213 subjects, about
75,000 BVH and 3,000 HKS rows.

It writes ``input/`` in the input contract and ``truth/`` in the format of
``vhh-link evaluate`` (links with a ``trap`` column, subjects, quarantine, traps), and a
``config.toml`` for ``vhh-link run``:

    python benchmarks/independent_set.py --out /tmp/indep --seed 5
    vhh-link run --config /tmp/indep/config.toml --key-file K --out /tmp/indep/run
    vhh-link evaluate --links /tmp/indep/run/secure/koppelingen.csv --truth /tmp/indep/truth
"""

from __future__ import annotations

import argparse
import string
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from faker import Faker

CODES = (("F110", "VOORBEELD Diefstal (eenvoudig)"), ("F120", "VOORBEELD Inbraak woning"),
         ("F210", "VOORBEELD Mishandeling"), ("F310", "VOORBEELD Vernieling"),
         ("F410", "VOORBEELD Bedreiging"))
ROLES = ("verdachte", "slachtoffer", "getuige", "betrokkene")
KADERS = ("Veelplegers", "Huiselijk geweld", "Jeugd", "Nazorg ex-gedetineerden")
PARTICLES = ("van", "de", "der", "den", "van der", "van den", "van de", "ter", "ten", "'t")


@dataclass(frozen=True)
class Size:
    subjects: int = 213
    bvh_rows: int = 75_000
    hks_rows: int = 3_000
    near_namesakes: int = 15
    twins: int = 10
    partners: int = 8
    no_initial: int = 6
    not_in_police: int = 5


def _surname(fake: Faker, rng: np.random.Generator) -> str:
    name = fake.last_name()
    return f"{name}-{fake.last_name()}" if rng.random() < 0.12 else name


def _given(fake: Faker, rng: np.random.Generator, sex: int) -> list[str]:
    draw = fake.first_name_female if sex else fake.first_name_male
    return [draw() for _ in range(int(rng.choice([1, 2, 3], p=[0.35, 0.45, 0.2])))]


def _person(fakes: list[Faker], rng: np.random.Generator, sex: int, birth: pd.Timestamp
            ) -> dict[str, object]:
    fake = fakes[int(rng.random() < 0.3)]
    return {"surname": _surname(fake, rng), "given": _given(fake, rng, sex), "sex": sex,
            "birth": birth, "trap": "", "target": -1, "police_surname": ""}


def _birth(rng: np.random.Generator, lo: int, hi: int) -> pd.Timestamp:
    return pd.Timestamp("2013-06-30") - pd.Timedelta(days=int(rng.integers(lo * 365, hi * 365)))


def _edit(word: str, rng: np.random.Generator) -> str:
    letters = [k for k in range(1, len(word)) if word[k].isalpha()]
    k = letters[int(rng.integers(0, len(letters)))] if letters else len(word) - 1
    new = string.ascii_lowercase[int(rng.integers(0, 26))]
    return word[:k] + new + word[k + 1:] if word[k].lower() != new else word[:k] + word[k + 1:]


def _initial(name: str) -> str:
    return "IJ" if name[:2].upper() == "IJ" else name[:1].upper()


def _traps(fakes: list[Faker], rng: np.random.Generator, people: list[dict[str, object]],
           size: Size) -> list[dict[str, object]]:
    out = []
    targets = [k for k, p in enumerate(people[: size.subjects]) if p["trap"] == ""]
    two = [k for k in targets if len(people[k]["given"]) >= 2]  # type: ignore[arg-type]
    for k in rng.choice(two, size.near_namesakes, replace=False):
        t = people[k]
        p = _person(fakes, rng, int(t["sex"]), t["birth"])  # type: ignore[arg-type]
        p["surname"] = _edit(str(t["surname"]), rng)
        while len(p["given"]) < 2 or _initial(p["given"][1]) == _initial(t["given"][1]):  # type: ignore[index]
            p["given"] = _given(fakes[0], rng, int(t["sex"]))  # type: ignore[arg-type]
        p["given"] = [t["given"][0], *p["given"][1:]]  # type: ignore[index]
        out.append(p | {"trap": "bijna_naamgenoot", "target": int(k)})
    for k in rng.choice(targets, size.twins, replace=False):
        t = people[k]
        p = _person(fakes, rng, int(rng.integers(0, 2)), t["birth"])  # type: ignore[arg-type]
        p["surname"] = t["surname"]
        while _initial(p["given"][0]) == _initial(t["given"][0]):  # type: ignore[index]
            p["given"] = _given(fakes[0], rng, int(p["sex"]))  # type: ignore[arg-type]
        out.append(p | {"trap": "tweeling", "target": int(k)})
    return out


def _partners(fakes: list[Faker], rng: np.random.Generator, people: list[dict[str, object]],
              size: Size) -> None:
    women = [k for k, p in enumerate(people[: size.subjects])
             if p["sex"] == 1 and len(p["given"]) >= 2 and "-" not in str(p["surname"])]  # type: ignore[arg-type]
    for n, k in enumerate(rng.choice(women, min(size.partners, len(women)), replace=False)):
        birth_name, partner = str(people[k]["surname"]), fakes[0].last_name()
        kind = ("P", "R", "N")[n % 3]
        gcos = {"P": partner, "R": birth_name, "N": f"{birth_name}-{partner}"}[kind]
        police = {"P": birth_name, "R": partner, "N": birth_name}[kind]
        people[k] |= {"surname": gcos, "police_surname": police, "trap": f"partner_{kind}"}


def _split(surname: str, rng: np.random.Generator) -> tuple[str, str]:
    """(achternaam, tussenvoegsel) as a registry might write them."""
    for p in sorted(PARTICLES, key=len, reverse=True):
        if surname.lower().startswith(p + " "):
            core = surname[len(p) + 1:]
            return ((core, p) if rng.random() < 0.6 else (surname, "") if rng.random() < 0.7
                    else (f"{core}, {p}", ""))
    return surname, ""


def _initials(given: list[str], rng: np.random.Generator, kind: str) -> str:
    letters = [_initial(g) for g in given]
    if kind == "partial" and len(letters) > 1:
        letters = letters[:-1]
    if kind == "missing":
        return ""
    style = rng.random()
    if style < 0.6:
        return "".join(f"{x}." for x in letters)
    if style < 0.75:
        return "".join(letters)
    if style < 0.85:
        return " ".join(letters)
    if style < 0.95:
        return "".join(f"{x}." for x in letters).lower()
    return "".join(f"{'Th' if g.startswith('Th') else _initial(g)}." for g in given)


NOISE = (("none", 0.62), ("case", 0.10), ("particle", 0.06), ("partial", 0.07),
         ("missing_initials", 0.03), ("typo", 0.03), ("digit", 0.02), ("swap", 0.01),
         ("no_birthdate", 0.01), ("days", 0.01), ("year", 0.01), ("typo_digit", 0.005),
         ("diacritics", 0.025))


def _birth_text(birth: pd.Timestamp, kind: str, rng: np.random.Generator) -> str:
    if kind == "no_birthdate":
        return ""
    d = birth
    if kind in ("digit", "typo_digit"):
        text = d.strftime("%Y%m%d")
        k = int(rng.choice([2, 3, 5, 6, 7]))
        for _ in range(20):
            cand = text[:k] + str(int(rng.integers(0, 10))) + text[k + 1:]
            ts = pd.to_datetime(cand, format="%Y%m%d", errors="coerce")
            if cand != text and not pd.isna(ts) and ts.year < 2005:
                d = ts
                break
    elif kind == "swap" and d.day <= 12 and d.day != d.month:
        d = pd.Timestamp(year=d.year, month=d.day, day=d.month)
    elif kind == "days":
        d = d + pd.Timedelta(days=int(rng.choice([-9, -5, -3, -2, 2, 3, 6, 10])))
    elif kind == "year":
        d = d.replace(year=d.year + int(rng.choice([-10, -1, 1]))) if d.month != 2 or d.day != 29 \
            else d
    return d.strftime("%d-%m-%Y")


def _identity(p: dict[str, object], rng: np.random.Generator, clean: bool) -> dict[str, str]:
    kind = "none" if clean else str(rng.choice([k for k, _ in NOISE], p=_noise_p()))
    surname = str(p["surname"])
    if p["police_surname"] and not clean and rng.random() < 0.6:
        surname, kind = str(p["police_surname"]), "partner_name"
    if kind in ("typo", "typo_digit"):
        surname = _edit(surname, rng)
    if kind == "diacritics":
        surname = surname.encode("ascii", "ignore").decode() or surname
    achternaam, tussenvoegsel = _split(surname, rng) if kind == "particle" else (surname, "")
    if kind == "case":
        achternaam = achternaam.upper()
    initials_kind = {"partial": "partial", "missing_initials": "missing"}.get(kind, "")
    return {"achternaam": achternaam, "tussenvoegsel": tussenvoegsel,
            "voorletters": _initials(p["given"], rng, initials_kind),  # type: ignore[arg-type]
            "geboortedatum": _birth_text(p["birth"], kind, rng),  # type: ignore[arg-type]
            "geslacht": "MV"[int(p["sex"])], "noise": kind}  # type: ignore[call-overload]


def _noise_p() -> np.ndarray:
    p = np.array([w for _, w in NOISE])
    return p / p.sum()


def _rows_per_person(rng: np.random.Generator, n: int, median: float, cap: int) -> np.ndarray:
    return np.clip(np.round(rng.lognormal(np.log(median), 0.9, n)), 1, cap).astype(int)


def build(size: Size, seed: int) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    fakes = [Faker("nl_NL"), Faker("nl_BE")]
    for k, f in enumerate(fakes):
        f.seed_instance(seed * 10 + k)
    subjects = [_person(fakes, rng, int(rng.random() < 0.25), _birth(rng, 12, 60))
                for _ in range(size.subjects)]
    _partners(fakes, rng, subjects, size)
    traps = _traps(fakes, rng, subjects, size)
    sub_rows = _rows_per_person(rng, size.subjects, 40, 300)
    sub_rows[: size.not_in_police] = 0
    others_needed = size.bvh_rows - int(sub_rows.sum()) - 3 * len(traps)
    n_others = others_needed // 3
    others = [_person(fakes, rng, int(rng.random() < 0.4), _birth(rng, 12, 80))
              for _ in range(n_others)]
    people = subjects + traps + others
    counts = np.concatenate([sub_rows, _rows_per_person(rng, len(traps) + n_others, 2.2, 60)])
    return _frames(people, counts, size, rng)


def _frames(people: list[dict[str, object]], counts: np.ndarray, size: Size,
            rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    gcos_ids = [f"S{k:05d}" for k in range(size.subjects)]
    bvh, hks, links, traps = [], [], [], []
    hks_people = rng.choice(len(people), size=size.hks_rows, replace=True,
                            p=_hks_weights(len(people), size.subjects))
    for source, owners in (("bvh", np.repeat(np.arange(len(people)), counts)),
                           ("hks", hks_people)):
        for n, k in enumerate(owners):
            p = people[k]
            first = source == "bvh" and (n == 0 or owners[n - 1] != k)
            ident = _identity(p, rng, clean=first and k < size.subjects)
            rid = f"{'B' if source == 'bvh' else 'H'}{n + 1:07d}"
            date = pd.Timestamp("2011-01-01") + pd.Timedelta(days=int(rng.integers(0, 1460)))
            row = {k2: v for k2, v in ident.items() if k2 != "noise"}
            if source == "bvh":
                code = CODES[int(rng.integers(0, len(CODES)))]
                bvh.append({"bvh_id": rid, "registratienummer": f"PL01-{n:09d}",
                            "incidentdatum": date.strftime("%d-%m-%Y"), "mk_code": code[0],
                            "mk_omschrijving": code[1], "rol": ROLES[int(rng.integers(0, 4))],
                            **row})
            else:
                hks.append({"hks_id": rid, "pleegdatum": date.strftime("%d-%m-%Y"),
                            "feit_omschrijving": "Diefstal", "afdoening": "Veroordeling", **row})
            if k < size.subjects:
                links.append({"bron": source, "record_id": rid, "gcos_id": gcos_ids[k],
                              "noise": ident["noise"], "trap": _row_trap(ident["noise"], p)})
            elif p["trap"]:
                traps.append({"bron": source, "record_id": rid, "trap": p["trap"],
                              "gcos_id": gcos_ids[int(p["target"])], "noise": ident["noise"]})
    return {"bvh": pd.DataFrame(bvh), "hks": pd.DataFrame(hks), "links": pd.DataFrame(links),
            "traps": pd.DataFrame(traps), **_gcos(people, size, gcos_ids, rng)}


def _row_trap(noise: str, p: dict[str, object]) -> str:
    if noise == "partner_name":
        return "partnernaam"
    return {"typo_digit": "meer_slips", "days": "meer_slips", "no_birthdate":
            "geen_geboortedatum", "partial": "voorletters", "missing_initials": "voorletters",
            "typo": "een_slip", "digit": "een_slip", "swap": "een_slip", "year": "een_slip",
            }.get(noise, "")


def _hks_weights(n: int, subjects: int) -> np.ndarray:
    w = np.ones(n)
    w[:subjects] = 0.6 * (n - subjects) / subjects / 0.4
    return w / w.sum()


def _gcos(people: list[dict[str, object]], size: Size, gcos_ids: list[str],
          rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    rows, talks, fates = [], [], []
    for k in range(size.subjects):
        p = people[k]
        no_initial = size.not_in_police <= k < size.not_in_police + size.no_initial
        achternaam, tussenvoegsel = _split(str(p["surname"]), rng)
        rows.append({"gcos_id": gcos_ids[k], "achternaam": achternaam,
                     "tussenvoegsel": tussenvoegsel,
                     "voorletters": "" if no_initial else _initials(p["given"], rng, ""),  # type: ignore[arg-type]
                     "voornamen": "", "geboortedatum": p["birth"].strftime("%d-%m-%Y"),  # type: ignore[attr-defined]
                     "geslacht": "MV"[int(p["sex"])], "kader": KADERS[k % 4],  # type: ignore[call-overload]
                     "invoerdatum": "01-01-2013", "leefgebieden": "", "doelen": "1",
                     "besluiten": "1", "acties": "1"})
        talks.append({"gcos_id": gcos_ids[k], "bespreekdatum":
                      (pd.Timestamp("2012-02-01") + pd.Timedelta(days=int(rng.integers(0, 600))))
                      .strftime("%d-%m-%Y")})
        fates.append({"gcos_id": gcos_ids[k], "fate": "not_in_bvh" if k < size.not_in_police
                      else "no_initial" if no_initial else "analysed"})
    return {"gcos_subjecten": pd.DataFrame(rows), "gcos_besprekingen": pd.DataFrame(talks),
            "subjects": pd.DataFrame(fates)}


CONFIG = """version = 1
project = "onafhankelijke-testset"
[inputs]
gcos_subjecten = "input/gcos_subjecten.csv"
gcos_besprekingen = "input/gcos_besprekingen.csv"
bvh_incidenten = "input/bvh_incidenten.csv"
hks_antecedenten = "input/hks_antecedenten.csv"
[scope]
kaders = ["Veelplegers", "Huiselijk geweld", "Jeugd", "Nazorg ex-gedetineerden"]
# the discussions of this set fall in February 2012 - September 2013 (the toolkit's default
# period is the reference study's year 2013, which would leave most subjects out of scope)
period_start = 2012-01-01
period_end = 2013-12-31
[filters]
incident_codes = "{codes}"
"""


def write(frames: dict[str, pd.DataFrame], out: Path) -> None:
    (out / "input").mkdir(parents=True, exist_ok=True)
    (out / "truth").mkdir(parents=True, exist_ok=True)
    for name, key in (("gcos_subjecten", "gcos_subjecten"),
                      ("gcos_besprekingen", "gcos_besprekingen"),
                      ("bvh_incidenten", "bvh"), ("hks_antecedenten", "hks")):
        frames[key].to_csv(out / "input" / f"{name}.csv", sep=";", index=False)
    for name in ("links", "subjects", "traps"):
        frames[name].to_csv(out / "truth" / f"{name}.csv", sep=";", index=False)
    pd.DataFrame(columns=["bron", "record_id", "reason"]).to_csv(
        out / "truth" / "quarantine.csv", sep=";", index=False)
    codes = Path(__file__).resolve().parent.parent / "config" / "incidentcodes_voorbeeld.csv"
    (out / "config.toml").write_text(CONFIG.format(codes=codes), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--bvh-rows", type=int, default=75_000)
    args = parser.parse_args()
    frames = build(Size(bvh_rows=args.bvh_rows), args.seed)
    write(frames, args.out)
    print(f"written {args.out}: {len(frames['bvh'])} BVH, {len(frames['hks'])} HKS rows")


if __name__ == "__main__":
    main()
