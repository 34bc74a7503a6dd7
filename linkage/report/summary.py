"""What a run says about itself beyond the tables: the console summary and the template
vocabulary the leak scanner may meet in the generated text files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from vhh.linkage.contract import CATEGORIES, DEVIATIONS
from vhh.linkage.link.rules import RULES
from vhh.linkage.normalise.names import normalise_text
from vhh.linkage.report.codebook import codebook_dict, codebook_markdown
from vhh.linkage.report.funnel import format_funnel
from vhh.linkage.report.labels import label_texts
from vhh.linkage.report.model import AuditReport
from vhh.linkage.settings import Settings

__all__ = ["report_vocabulary", "summary_lines"]

# Words the report and HTML templates write whatever the data (see vhh.linkage.privacy.leakscan).
_TEMPLATE_WORDS = """
auditrapport koppeling veiligheidshuis gcos bvh hks versie run sleutel project configuratie
bestand invoer rijen codering scheidingsteken genegeerde kolommen trechter stap label in uit
rest redenen verwijdert gelezen quarantaine apart gezet wegens ongeldige scope buiten van het
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
afwijkingen afwijking naam omschrijving geaccepteerd met wat het betekent geen de minimale
bescherming is aangehouden waarschuwingen heeft een kop maar gegevensrijen niemand alle
tellingen zijn controleer of extractie privacy accepted deviations config toml allow insecure
weak key manifest formaat sha256 versies ondertekening algoritme ed25519 publieke vingerafdruk
rapportversie python pandas pyarrow pyreadstat linkage exacte kopie als eerdere rij dit die
"""



def _tokens(texts: Iterable[str]) -> set[str]:
    return {t for text in texts for t in re.findall(r"[0-9a-z]+", normalise_text(text))}


def report_vocabulary(settings: Settings, changes: list[dict[str, object]],
                      extra: Iterable[str] = ()) -> frozenset[str]:
    """Tokens the generated text files contain regardless of the data (see leakscan).

    ``changes`` are the disclosure-control measures (template text with counts).
    """
    book = codebook_markdown(codebook_dict(settings, changes))
    rules = [r.description for r in RULES.values()]
    review = settings.linkage.review_decisions
    words = _tokens([_TEMPLATE_WORDS, book, *rules, *settings.scope.kaders, *CATEGORIES,
                     *DEVIATIONS, *DEVIATIONS.values(),
                     *settings.filters.roles, *settings.filters.hks_afdoeningen,
                     *label_texts(), *([review.name] if review else []), *extra])
    dates = {d.strftime("%Y%m%d") for d in (settings.scope.period_start, settings.scope.period_end,
                                            settings.windows.extraction_date)}
    return frozenset(words | dates)


def summary_lines(report: AuditReport) -> list[str]:
    """What the run did and what needs a person, for the terminal and the report."""
    lines = format_funnel(report.trechter).splitlines()
    for source, link in report.koppeling.items():
        if link.reviewwachtrij:
            lines.append(f"{source.upper()}: {link.reviewwachtrij} pairs wait for review in "
                         "secure/review.csv")
        if link.afgetopte_blokken:
            lines.append(f"{source.upper()}: {len(link.afgetopte_blokken)} oversized blocking "
                         "keys were capped (see the report)")
    unknown = report.filters.bvh.onbekende_codes
    if unknown:
        lines.append(f"BVH: {sum(unknown.values())} rows with {len(unknown)} incident codes not "
                     "in the code table: classify them (" + ", ".join(sorted(unknown)) + ")")
    priv = report.privacy
    if priv.na.records_onder_k:
        lines.append(f"Privacy: {priv.na.records_onder_k} records remain in classes "
                     f"smaller than k={priv.doel_k}")
    for source, rows in report.rijen.items():
        q = rows.uitkomst.get("quarantaine", 0)
        if q:
            lines.append(f"{source.upper()}: {q} rows quarantined (secure/quarantaine/)")
    return lines
