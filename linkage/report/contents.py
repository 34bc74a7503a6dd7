"""Report contents that are computed, not copied: descriptives, the summary, the vocabulary.

The descriptive table follows the reference study's table 5.1 (N, mean, SD, min, max per
variable) and applies the small-cell rule: a statistic over fewer than ``small_cell``
subjects is not shown, nor is a frequency below it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
from vhh.linkage.link.engine import report_words
from vhh.linkage.link.rules import RULES
from vhh.linkage.normalise.names import normalise_text
from vhh.linkage.privacy.disclosure import small_cell_table
from vhh.linkage.report.codebook import codebook_dict, codebook_markdown
from vhh.linkage.report.funnel import format_funnel
from vhh.linkage.settings import CATEGORIES, Settings

__all__ = ["descriptives", "report_vocabulary", "summary_lines"]

NUMERIC = ("leeftijd", "aantal_besproken", "leefgebieden", "leefgebieden_8plus",
           "plan_van_aanpak", "bvh_kwartaal_voor", "bvh_jaar_voor", "bvh_kwartaal_na",
           "bvh_jaar_na", "hks_kwartaal_voor", "hks_jaar_voor", "hks_kwartaal_na", "hks_jaar_na")
CATEGORICAL = ("kader", "geslacht", "plan_van_aanpak", "gevonden_hks", "followup_volledig")

# Words the report and HTML templates write whatever the data (see vhh.linkage.privacy.leakscan).
_TEMPLATE_WORDS = """
auditrapport koppeling veiligheidshuis gcos bvh hks versie run sleutel project configuratie
bestand invoer rijen codering scheidingsteken genegeerde kolommen trechter stap label in uit
rest redenen verwijdert gelezen quarantaine apart gezet wegens ongeldige scope buiten van het
die eerste geldt beslist volgorde omschrijving
onderzoek niet gevonden geen voorletter kandidaat alleen ter beoordeling te weinig gegevens
startdatum blijven analysebestand uitkomst gekoppeld geteld gefilterd categorie onbekende code
rol dubbele registratie vensters subject geanalyseerd identiteiten paren per blokkering
grootste blokken afgetopte besluiten regel exact strict fuzzy review ambigu geaccepteerd
afgewezen reviewwachtrij filters onbekend afdoening followup volledig onvolledig privacy quasi
identificatoren doel voor na klassen records onder maatregelen maatregel variabele wijziging
validatie uitvoerschema geslaagd beschrijvend gemiddelde sd min max n start eind tijden
samenvatting bestanden leeftijd geslacht kader kwartaal jaar besproken leefgebieden plan aanpak
man vrouw gebruikt waarde aantal utf sig cp csv parquet sav json md html binary
geboortedatum achternaam voorletters tussenvoegsel id ids incidenten antecedenten subjecten
besprekingen aan beschrijvende besluit bron controle elke export gegeven geldige gelijk herkomst
kandidaatparen minder reden reviewbesluiten rijenverantwoording statistiek tellen totaal
verantwoord vorige waarvan
"""


def descriptives(frame: pd.DataFrame, small_cell: int) -> dict[str, Any]:
    """N, mean, SD, min, max per numeric variable; frequencies of categorical ones."""
    numeric = []
    for col in NUMERIC:
        values = pd.to_numeric(frame[col], errors="coerce").dropna()
        row: dict[str, Any] = {"variabele": col, "n": int(len(values))}
        if len(values) >= small_cell:
            row.update(gemiddelde=round(float(values.mean()), 2),
                       sd=round(float(values.std(ddof=1)), 2) if len(values) > 1 else None,
                       min=float(values.min()), max=float(values.max()))
        else:
            row.update(gemiddelde=None, sd=None, min=None, max=None, onderdrukt=True)
        numeric.append(row)
    freq = {col: small_cell_table(frame, col, small_cell).to_dict(orient="records")
            for col in CATEGORICAL}
    return {"numeriek": numeric, "frequenties": freq, "kleine_cellen_drempel": small_cell}


def _tokens(texts: Iterable[str]) -> set[str]:
    return {t for text in texts for t in re.findall(r"[0-9a-z]+", normalise_text(text))}


def report_vocabulary(settings: Settings, changes: list[dict[str, object]],
                      extra: Iterable[str] = ()) -> frozenset[str]:
    """Tokens the generated text files contain regardless of the data (see leakscan).

    ``changes`` are the disclosure-control measures (template text with counts).
    """
    book = codebook_markdown(codebook_dict(settings, changes))
    rules = [r.description for r in RULES.values()] + list(report_words())
    words = _tokens([_TEMPLATE_WORDS, book, *rules, *settings.scope.kaders, *CATEGORIES,
                     *settings.filters.roles, *settings.filters.hks_afdoeningen, *extra])
    dates = {d.strftime("%Y%m%d") for d in (settings.scope.period_start, settings.scope.period_end,
                                            settings.windows.extraction_date)}
    return frozenset(words | dates)


def summary_lines(report: Mapping[str, Any]) -> list[str]:
    """What the run did and what needs a person, for the terminal and the report."""
    lines = format_funnel(report["trechter"]).splitlines()
    for source in ("bvh", "hks"):
        link = report["koppeling"][source]
        if link["reviewwachtrij"]:
            lines.append(f"{source.upper()}: {link['reviewwachtrij']} pairs wait for review in "
                         "secure/review.csv")
        if link["afgetopte_blokken"]:
            lines.append(f"{source.upper()}: {len(link['afgetopte_blokken'])} oversized blocking "
                         "keys were capped (see the report)")
    unknown = report["filters"]["bvh"]["onbekende_codes"]
    if unknown:
        lines.append(f"BVH: {sum(unknown.values())} rows with {len(unknown)} incident codes not "
                     "in the code table: classify them (" + ", ".join(sorted(unknown)) + ")")
    priv = report["privacy"]
    if priv["na"]["records_onder_k"]:
        lines.append(f"Privacy: {priv['na']['records_onder_k']} records remain in classes "
                     f"smaller than k={priv['doel_k']}")
    for source, rows in report["rijen"].items():
        q = rows["uitkomst"].get("quarantaine", 0)
        if q:
            lines.append(f"{source.upper()}: {q} rows quarantined (secure/quarantaine/)")
    return lines
