"""The code book: every variable of the analysis file, its Dutch label, type, values and
derivation, plus the configuration choices that shaped it. One source for the SPSS labels,
``codeboek.md`` and ``codeboek.json``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from vhh.linkage.io.writers import SavLabels
from vhh.linkage.link.methods import rule_names
from vhh.linkage.report.choices import choice_text, open_choices, topic_text
from vhh.linkage.settings import Settings
from vhh.schemas.analysis import ANALYSIS_COLUMNS

__all__ = ["VARIABLES", "Variable", "codebook_dict", "codebook_json", "codebook_markdown",
           "sav_labels", "value_labels"]


MEASURES = {"nominaal": "nominal", "ordinaal": "ordinal", "schaal": "scale"}
"""The code book's measurement levels, and SPSS's names for them."""


@dataclass(frozen=True)
class Variable:
    name: str
    label: str
    type: str  # tekst, geheel getal, ja/nee
    derivation: str
    values: Mapping[int, str] = field(default_factory=dict)
    measure: str = "nominaal"  # nominaal, ordinaal, schaal (SPSS: Nominal, Ordinal, Scale)


_WINDOW = {"kwartaal_voor": "kwartaal vóór", "jaar_voor": "jaar vóór",
           "kwartaal_na": "kwartaal na", "jaar_na": "jaar na"}
_SOURCE = {"bvh": "BVH-registraties (incidenten)", "hks": "HKS-antecedenten"}


def _count_vars() -> list[Variable]:
    out = []
    for src, src_label in _SOURCE.items():
        for w, w_label in _WINDOW.items():
            out.append(Variable(
                f"{src}_{w}", f"Aantal {src_label} in het {w_label} de startdatum", "geheel getal",
                f"Gekoppelde {src.upper()}-rijen met datum in het venster {w_label} de startdatum "
                "(kalendermaanden, halfopen); na filtering. Ontbreekt als de follow-up "
                "onvolledig is.", measure="schaal"))
    return out


VARIABLES: tuple[Variable, ...] = (
    Variable("pseudoniem", "Pseudoniem van het casussubject", "tekst",
             "HMAC-SHA256 over het GCOS-id met een projectsleutel (v1:...); niet terug te rekenen "
             "zonder de sleutel."),
    Variable("kader", "Kader van de casusbespreking", "tekst",
             "GCOS-veld kader, gespeld zoals ingesteld ([scope] kaders); 'onbekend' als het veld "
             "leeg is (het subject blijft dan in de scope)."),
    Variable("geslacht", "Geslacht", "geheel getal", "GCOS-veld geslacht.",
             {0: "man", 1: "vrouw", 9: "onbekend"}),
    Variable("leeftijd", "Leeftijd in hele jaren op de startdatum", "geheel getal",
             "Geboortedatum tot startdatum; leeg als de leeftijd voor de bescherming tegen "
             "herkenning is vervangen door de leeftijdsklasse.", measure="schaal"),
    Variable("leeftijdsklasse", "Leeftijdsklasse op de startdatum", "tekst",
             "Leeftijd ingedeeld in klassen (privacy.age_bands)."),
    Variable("aantal_besproken", "Aantal keren besproken", "geheel getal",
             "Aantal besprekingen dat GCOS van het subject vastlegt: elke bespreking telt, ook "
             "vóór of na de onderzoeksperiode.", measure="schaal"),
    Variable("leefgebieden", "Aantal leefgebieden met informatie (0-11)", "geheel getal",
             "Aantal verschillende GCOS-leefgebieden ([gcos] leefgebieden) dat het veld "
             "leefgebieden noemt; een naam die geen van die titels is, telt niet mee.",
             measure="schaal"),
    Variable("leefgebieden_8plus", "Aantal leefgebieden, 8 of meer samengevoegd", "geheel getal",
             "Als leefgebieden, met 8-11 samengevoegd tot 8 (zoals in het referentieonderzoek).",
             {8: "8 of meer"}, measure="schaal"),
    Variable("plan_van_aanpak", "Plan van aanpak vastgelegd", "geheel getal",
             "Hoeveel van doelen, besluiten en acties zijn vastgelegd (een aantal boven 0, of "
             "tekst in plaats van een aantal).",
             {0: "geen", 1: "één van doelen/besluiten/acties", 2: "twee", 3: "alle drie"},
             measure="ordinaal"),
    Variable("start_kwartaal", "Kwartaal van de startdatum", "tekst",
             "Startdatum (de eerste bespreekdatum, zie de keuzes hieronder) als jaar-kwartaal "
             "(bijv. 2013-Q2); nooit de exacte datum."),
    Variable("followup_volledig", "Follow-up volledig", "ja/nee",
             "Vensters na de startdatum vallen binnen de extractiedatum.", {0: "nee", 1: "ja"}),
    Variable("gevonden_bvh", "Gevonden in BVH", "ja/nee", "Minstens één BVH-rij gekoppeld.",
             {0: "nee", 1: "ja"}),
    Variable("gevonden_hks", "Gevonden in HKS", "ja/nee", "Minstens één HKS-rij gekoppeld.",
             {0: "nee", 1: "ja"}),
    Variable("koppelregel_bvh", "Koppelregel waarmee BVH is gevonden", "tekst",
             "Beste regel waarmee een BVH-rij is gekoppeld (fellegi_sunter, "
             "aanvulling_geboortedatum of review_geaccepteerd bij de probabilistische methode; "
             "exact, strict, fuzzy, police_no_initial bij de regels); voor een "
             "gevoeligheidsanalyse zonder fuzzy koppelingen."),
    Variable("koppelregel_hks", "Koppelregel waarmee HKS is gevonden", "tekst",
             "Als koppelregel_bvh, voor HKS; leeg als niet gevonden."),
    *_count_vars(),
)
_BY_NAME = {v.name: v for v in VARIABLES}
if tuple(_BY_NAME) != ANALYSIS_COLUMNS:  # pragma: no cover - caught by tests at import
    raise RuntimeError("code book and analysis schema disagree")


def value_labels() -> dict[str, dict[int, str]]:
    return {v.name: dict(v.values) for v in VARIABLES if v.values}


def sav_labels() -> SavLabels:
    """The code book's labels for the SPSS file (9 = onbekend is a declared missing)."""
    return SavLabels(variables={v.name: v.label for v in VARIABLES}, values=value_labels(),
                     missing={"geslacht": (9,)},
                     measures={v.name: MEASURES[v.measure] for v in VARIABLES})


def _choices(settings: Settings) -> dict[str, Any]:
    f, w, s, p = settings.filters, settings.windows, settings.scope, settings.privacy
    return {
        "gcos": {"leefgebieden": list(settings.gcos.leefgebieden)},
        "scope": {"kaders": list(s.kaders), "periode": [str(s.period_start), str(s.period_end)]},
        "vensters": {"start": w.start, "kwartaal_maanden": w.quarter_months,
                     "jaar_maanden": w.year_months, "startdag_telt": w.start_day,
                     "extractiedatum": str(w.extraction_date)},
        "filters": {"getelde_categorieen": list(f.count_categories),
                    "onbekende_codes": f.unknown_codes,
                    "rollen": list(f.roles) or "alle rollen",
                    "dubbele_registraties_eenmaal": f.deduplicate_registrations,
                    "hks_afdoeningen": list(f.hks_afdoeningen) or "alle",
                    "hks_datum": f.hks_date_column},
        "koppeling": {"methode": settings.linkage.method,
                      "regels": list(rule_names(settings.linkage)),
                      "drempel_achternaam": settings.linkage.surname_threshold},
        "privacy": {"quasi_identificatoren": list(p.quasi_identifiers), "k": p.k,
                    "actie": p.action, "leeftijdsklassen": list(p.age_bands),
                    "topcodering": p.top_code, "kleine_cellen": p.small_cell},
    }


def codebook_dict(settings: Settings, changes: list[dict[str, object]]) -> dict[str, Any]:
    return {
        "bestand": "analysebestand",
        "variabelen": [{"naam": v.name, "label": v.label, "type": v.type,
                        "meetniveau": v.measure,
                        "waarden": {str(k): t for k, t in v.values.items()},
                        "afleiding": v.derivation} for v in VARIABLES],
        "keuzes": _choices(settings),
        "open_keuzes": [{"onderwerp": topic, "keuze": choice,
                         "toelichting": f"{topic_text(topic)}: {choice_text(topic, choice)}"}
                        for topic, choice in open_choices(settings)],
        "beschermingsmaatregelen": changes,
    }


def codebook_json(book: Mapping[str, Any]) -> str:
    return json.dumps(book, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def codebook_markdown(book: Mapping[str, Any]) -> str:
    lines = ["# Codeboek analysebestand", "",
             "Eén rij per geanalyseerd casussubject. Geen namen, geboortedata, GCOS-id's of "
             "exacte data. Ja/nee-variabelen staan als 0 = nee, 1 = ja in elk formaat.", "",
             "| variabele | label | type | meetniveau | waarden | afleiding |",
             "|---|---|---|---|---|---|"]
    for v in book["variabelen"]:
        values = "; ".join(f"{k} = {t}" for k, t in v["waarden"].items())
        lines.append(f"| `{v['naam']}` | {v['label']} | {v['type']} | {v['meetniveau']} | "
                     f"{values} | {v['afleiding']} |")
    lines += ["", "## Keuzes die het referentieonderzoek openlaat", "",
              *(f"- {c['toelichting']}" for c in book["open_keuzes"])]
    lines += ["", "## Keuzes in de configuratie", ""]
    for section, values in book["keuzes"].items():
        lines.append(f"- **{section}**: " + "; ".join(f"{k} = {val}" for k, val in values.items()))
    lines += ["", "## Beschermingsmaatregelen", ""]
    if not book["beschermingsmaatregelen"]:
        lines.append("Geen: het bestand voldeed zonder wijziging.")
    for c in book["beschermingsmaatregelen"]:
        lines.append(f"- {c['maatregel']} van `{c['variabele']}`: {c['wijziging']} "
                     f"({c['records']} records)")
    return "\n".join(lines) + "\n"
