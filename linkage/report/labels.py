"""The Dutch words an auditor reads for the keys of the report.

``auditrapport.json`` holds keys (``gefilterd_categorie_administratief``,
``police_no_initial``, ``geen_voorletter``); the HTML page shows these labels. A key that is
not listed here (a rule of a newer linkage method, a category of the code table) is shown
with its underscores as spaces, never dropped. Every text here is a template word for the
leak scanner (:func:`vhh.linkage.report.summary.report_vocabulary`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType

__all__ = ["BLOCKING", "CHOICES", "DECISIONS", "FUNNEL_STEPS", "OUTCOMES", "PRIVACY", "REASONS",
           "REMARKS", "RULES", "SETTINGS", "SOURCES", "STEP_NAMES", "TOPICS", "VALUES", "label",
           "label_texts"]

Labels = Mapping[str, str]


def _frozen(items: dict[str, str]) -> Labels:
    return MappingProxyType(items)


SOURCES = _frozen({"bvh": "BVH", "hks": "HKS", "gcos_besprekingen": "GCOS-besprekingen",
                   "gcos_subjecten": "GCOS-subjecten", "bvh_incidenten": "BVH",
                   "hks_antecedenten": "HKS"})

FUNNEL_STEPS = _frozen({
    "quarantaine": "Gelezen GCOS-subjecten; ongeldige invoer apart gezet",
    "scope": "Buiten de scope van het onderzoek",
    "gevonden_bvh": "Niet gevonden in BVH",
    "startdatum": "Te weinig GCOS-gegevens",
    "gevonden_hks": "Niet gevonden in HKS (blijven in het analysebestand)",
})
STEP_NAMES = _frozen({"scope": "scope", "gevonden_bvh": "gevonden in BVH",
                      "startdatum": "genoeg GCOS-gegevens"})
REASONS = _frozen({
    "ongeldige_invoer": "ongeldige invoer (zie Validatie)",
    "kader": "ander kader",
    "periode": "niet besproken in de onderzoeksperiode",
    "geen_voorletter": "geen voorletter in GCOS",
    "geen_kandidaat": "niet gevonden",
    "alleen_ter_beoordeling": "alleen een paar ter beoordeling",
    "geen_startdatum": "geen bespreekdatum (alleen naam, geboortedatum en invoerdatum)",
    "niet_in_hks": "niet in HKS",
})
OUTCOMES = _frozen({
    "quarantaine": "apart gezet wegens ongeldige invoer",
    "geteld": "geteld in een venster",
    "buiten_vensters": "gekoppeld, buiten de vensters",
    "niet_gekoppeld": "niet gekoppeld aan een subject",
    "ter_beoordeling": "wacht op een reviewbesluit",
    "subject_niet_geanalyseerd": "gekoppeld aan een subject dat niet is geanalyseerd",
    "gefilterd_categorie_verkeer": "gefilterd: verkeer (Wegenverkeerswet)",
    "gefilterd_categorie_administratief": "gefilterd: administratieve registratie",
    "gefilterd_categorie_overig": "gefilterd: overige registratie",
    "gefilterd_categorie_misdrijf": "gefilterd: misdrijf (niet geteld volgens de instelling)",
    "gefilterd_categorie_overtreding": "gefilterd: overtreding (niet geteld volgens de "
                                       "instelling)",
    "gefilterd_onbekende_code": "gefilterd: code niet in de codetabel",
    "gefilterd_rol_niet_geteld": "gefilterd: rol telt niet",
    "gefilterd_dubbele_registratie": "gefilterd: dubbele registratie voor dezelfde persoon",
    "gefilterd_afdoening_niet_geteld": "gefilterd: afdoening telt niet",
    "gebruikt": "gebruikt",
})
RULES = _frozen({
    "exact": "Exact gelijk",
    "strict": "Regel van het onderzoek",
    "fuzzy": "Eén verschrijving",
    "police_no_initial": "Voorletter ontbreekt bij de politie",
    "review": "Ter beoordeling",
    "review_geaccepteerd": "Na beoordeling geaccepteerd",
    "review_afgewezen": "Na beoordeling afgewezen",
    "review_ander_subject_geaccepteerd": "Vervallen: ander subject geaccepteerd",
    "fellegi_sunter": "Matchgewicht (Fellegi-Sunter)",
    "ambigu_fellegi_sunter": "Ter beoordeling: past even goed bij een ander subject",
    "aanvulling_geboortedatum": "Geboortedatum ontbreekt bij de politie, verder gelijk",
    "mogelijk_partnernaam": "Mogelijk partnernaam (altijd ter beoordeling)",
    "subject_zonder_voorletter": "Subject zonder voorletter (nooit automatisch)",
    "latere_voorletter_anders": "Latere voorletter anders (nooit automatisch)",
    "andere_persoon": "Een andere persoon (tweeling, naamgenoot)",
    "geen": "Geen regel",
})
DECISIONS = _frozen({"match": "koppeling", "review": "ter beoordeling",
                     "afgewezen": "afgewezen"})
BLOCKING = _frozen({
    "geboortedatum": "geboortedatum",
    "fonetisch_jaar": "fonetische achternaam + geboortejaar",
    "achternaam_voorletter": "achternaamdeel + eerste voorletter",
    "achternaam_dagmaand": "achternaamdeel + geboortedag en -maand",
    "begin_voorletter_jaar": "begin van de achternaam + eerste voorletter + geboortejaar",
    "eind_voorletter_dagmaand": "eind van de achternaam + eerste voorletter + dag en maand",
})
PRIVACY = _frozen({"k": "kleinste klasse (k)", "klassen": "klassen",
                   "records_onder_k": "records in een klasse kleiner dan het doel",
                   "klassen_onder_k": "klassen kleiner dan het doel"})
REMARKS = _frozen({
    "leefgebied_onbekend": "leefgebied dat geen ingestelde titel is (niet geteld)",
    "kader_ontbreekt": "kader leeg (blijft in de scope als 'onbekend')",
    "geen_getal": "tekst bij doelen, besluiten of acties (telt als vastgelegd)",
})
VALUES = _frozen({
    "geslacht:0": "man", "geslacht:1": "vrouw", "geslacht:9": "onbekend",
    "True": "ja", "False": "nee",
    "plan_van_aanpak:0": "geen", "plan_van_aanpak:1": "één van doelen, besluiten, acties",
    "plan_van_aanpak:2": "twee van de drie", "plan_van_aanpak:3": "alle drie",
})
SETTINGS = _frozen({
    "methode": "koppelmethode", "koppelregels": "koppelregels (in volgorde)",
    "drempel_achternaam": "drempel overeenkomst achternaam", "kaders": "kaders",
    "periode_start": "onderzoeksperiode vanaf", "periode_eind": "onderzoeksperiode tot en met",
    "startdatum": "startdatum", "startdag_telt": "registratie op de startdatum telt",
    "kwartaal_maanden": "kwartaal (maanden)", "jaar_maanden": "jaar (maanden)",
    "extractiedatum": "extractiedatum politiebestanden",
    "getelde_categorieen": "getelde BVH-categorieën", "onbekende_codes": "onbekende codes",
    "rollen": "getelde rollen", "hks_afdoeningen": "getelde HKS-afdoeningen",
    "trechtervolgorde": "volgorde van de trechter", "k": "doel k (k-anonimiteit)",
    "privacyactie": "bij klassen kleiner dan k",
    "bovengrens_gewicht": "bovengrens matchgewicht (automatisch gekoppeld)",
    "ondergrens_gewicht": "ondergrens matchgewicht (ter beoordeling)",
    # values of the settings
    "rules": "regels", "probabilistic": "matchgewicht (Fellegi-Sunter)",
    "first_in_period": "eerste bespreking in de onderzoeksperiode",
    "first_ever": "eerste bespreking ooit", "after": "na de start", "before": "vóór de start",
    "drop": "niet tellen", "count": "tellen", "generalise": "generaliseren",
    "report": "alleen rapporteren", "alle": "alle",
})
TOPICS = _frozen({
    "startdatum": "Startdatum van een subject dat al vóór de onderzoeksperiode is besproken",
    "startdag": "Een registratie op de startdatum zelf",
    "aantal_besproken": "Welke besprekingen aantal_besproken telt",
    "kader_onbekend": "Een subject zonder kader in GCOS",
    "te_weinig_gcos": "Een subject zonder bespreekdatum",
    "leefgebied_onbekend": "Een naam bij leefgebieden die geen ingestelde titel is",
    "plan_tekst": "Tekst in plaats van een aantal bij doelen, besluiten of acties",
    "hks_datum": "De HKS-datum die het venster bepaalt",
})
CHOICES = _frozen({
    "startdatum:first_in_period": "de eerste bespreking binnen de onderzoeksperiode",
    "startdatum:first_ever": "de eerste bespreking in GCOS, ook vóór de onderzoeksperiode",
    "startdag:after": "telt na de start: de vensters na beginnen op de startdatum",
    "startdag:before": "telt vóór de start: de vensters vóór eindigen op de startdatum",
    "aantal_besproken:alle_besprekingen": "elke bespreking in GCOS, ook buiten de "
                                          "onderzoeksperiode",
    "kader_onbekend:binnen_scope": "blijft in de scope met kader 'onbekend': een onbekend "
                                   "kader is geen ander kader",
    "te_weinig_gcos:na_bvh": "wordt in BVH gezocht en valt daarna af als 'te weinig "
                             "GCOS-gegevens', zoals in het onderzoek",
    "leefgebied_onbekend:niet_geteld": "telt niet mee en zet het subject niet apart; de namen "
                                       "staan in secure/onbekende_leefgebieden.csv",
    "plan_tekst:vastgelegd": "telt als vastgelegd",
    "hks_datum:pleegdatum": "de pleegdatum",
})


def label(labels: Labels, key: str) -> str:
    """The Dutch label of ``key``, or the key with spaces for underscores."""
    return labels.get(key) or key.replace("_", " ")


def label_texts() -> Iterator[str]:
    """Every label text (the leak scanner's template words)."""
    for table in (SOURCES, FUNNEL_STEPS, STEP_NAMES, REASONS, OUTCOMES, RULES, DECISIONS, BLOCKING,
                  PRIVACY, REMARKS, VALUES, SETTINGS, TOPICS, CHOICES):
        yield from table.values()
