"""The audit report as one self-contained Dutch HTML page, rendered from the report model.

Written for an auditor: a banner while review pairs wait ("voorlopig"), the settings that
decided the outcome on top, then the funnel, the choices the reference study leaves open,
and every count by its Dutch label (the keys stay in ``auditrapport.json``;
:mod:`vhh.linkage.report.labels`). No scripts, fonts, style sheets or network references:
the page opens offline on any machine; the funnel and the match weights are inline SVG.
Every text taken from the report is HTML-escaped. The output is a pure function of the
report: the same report gives the same bytes, which lets ``vhh-link verify`` re-render and
compare.

An :class:`~vhh.linkage.report.model.InternalReport` adds the per-subject loss list, the
blocking keys and the unknown leefgebied names: that version holds GCOS ids and names and
is written only to ``secure/``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from vhh.linkage.report import labels as L
from vhh.linkage.report.choices import choice_text, topic_text
from vhh.linkage.report.codebook import VARIABLES
from vhh.linkage.report.funnel import check_funnel, check_reconciliation
from vhh.linkage.report.html_charts import funnel_svg, histogram_svg
from vhh.linkage.report.html_parts import (
    BAD,
    BANNER,
    counts_table,
    e,
    h3,
    note,
    p,
    section,
    table,
)
from vhh.linkage.report.model import AuditReport, Block, InternalReport, LinkSummary
from vhh.linkage.report.serial import to_json

__all__ = ["render_html"]

_BODY = ('style="font-family:sans-serif;max-width:72em;margin:2em auto;padding:0 1em;'
         'color:#222;line-height:1.4"')
_VARIABLE = {v.name: v.label for v in VARIABLES}
_RULE_VALUES = ("koppelregels",)
_STEP_VALUES = ("trechtervolgorde",)


def render_html(report: AuditReport) -> str:
    """The audit report as a standalone HTML page (Dutch); an internal report adds the
    secure details."""
    sections: list[Callable[[AuditReport], str]] = [
        _settings, _deviations, _funnel, _choices, _rows, _linkage, _review, _filters,
        _followup, _privacy, _validation, _descriptives, _provenance]
    internal = isinstance(report, InternalReport)
    title = report.titel + (" (intern)" if internal else "")
    parts = [_head(title), f"<body {_BODY}>", f"<h1>{e(title)}</h1>", _banner(report),
             _intro(report, internal)]
    parts += [section_of(report) for section_of in sections]
    if isinstance(report, InternalReport):
        parts += [_losses(report), _block_keys(report), _unknown_domains(report),
                  _tagged_values(report)]
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def _verdict(problems: Sequence[str], ok_text: str) -> str:
    if not problems:
        return f"<p>Controle: {e(ok_text)}.</p>"
    return f"<p {BAD}>Controle: klopt niet ({len(problems)} afwijkingen).</p>"


def _head(title: str) -> str:
    return "\n".join(["<!DOCTYPE html>", '<html lang="nl">', "<head>", '<meta charset="utf-8">',
                      f"<title>{e(title)}</title>", "</head>"])


def _banner(report: AuditReport) -> str:
    r = report.review
    if not r.voorlopig:
        return ""
    return (f'<div id="voorlopig" role="alert" {BANNER}>Voorlopig: {e(r.wachtend)} '
            f"{'paar wacht' if r.wachtend == 1 else 'paren wachten'} op een reviewbesluit. "
            "De cijfers in dit rapport kunnen veranderen tot deze paren zijn beoordeeld "
            "(secure/review.csv, daarna [linkage] review_decisions).</div>")


def _intro(report: AuditReport, internal: bool) -> str:
    lines = [table(["gegeven", "waarde"], [
        ("project", report.project), ("run", report.run_id),
        ("versie", report.versie), ("start", report.start),
        ("eind", report.eind)])]
    if internal:
        lines.append(f"<p {BAD}>Interne versie met GCOS-id's, bloksleutels en namen: blijft in "
                     "de beveiligde omgeving.</p>")
    return "\n".join(lines)


def _setting_value(key: str, value: object) -> object:
    if isinstance(value, list):
        if key in _RULE_VALUES:
            return ", ".join(L.label(L.RULES, str(v)) for v in value)
        if key in _STEP_VALUES:
            return " → ".join(L.label(L.STEP_NAMES, str(v)) for v in value)
        return ", ".join(map(str, value)) or L.SETTINGS["alle"]
    if isinstance(value, str):
        return L.SETTINGS.get(value, value)
    return value


def _settings(report: AuditReport) -> str:
    rows = [(L.label(L.SETTINGS, k), _setting_value(k, v))
            for k, v in to_json(report.instellingen).items() if v is not None]
    return section("Instellingen die de uitkomst bepalen", table(["instelling", "waarde"], rows))


def _reasons(redenen: Mapping[str, int]) -> str:
    return "; ".join(f"{L.label(L.REASONS, r)}: {n}" for r, n in redenen.items()) or "–"


def _deviations(report: AuditReport) -> str:
    rows = [(d.naam, d.omschrijving, d.geaccepteerd_met) for d in report.afwijkingen]
    blocks = [table(["afwijking", "wat het betekent", "geaccepteerd met"], rows) if rows
              else note("Geen: de minimale bescherming is aangehouden.")]
    if report.waarschuwingen:
        blocks += [h3("Waarschuwingen"),
                   *(f"<p {BAD}>{e(w)}</p>" for w in report.waarschuwingen)]
    return section("Afwijkingen van de minimale bescherming", *blocks)


def _funnel(report: AuditReport) -> str:
    steps = report.trechter
    rows = [(L.FUNNEL_STEPS.get(s.stap, s.label), s.inn, s.uit, s.rest, _reasons(s.redenen))
            for s in steps]
    return section("Trechter", funnel_svg(steps),
                   table(["stap", "in", "uit", "rest", "redenen"], rows),
                   _verdict(check_funnel(steps), "bij elke stap is in − uit = rest, tellen de "
                            "redenen op tot uit en is in gelijk aan de rest van de vorige stap"))


def _choices(report: AuditReport) -> str:
    rows = [(topic_text(c.onderwerp), choice_text(c.onderwerp, c.keuze), c.aantal)
            for c in report.keuzes]
    return section("Keuzes die het referentieonderzoek openlaat",
                   note("Hoe deze run ze maakte, en hoeveel subjecten dat raakte."),
                   table(["onderwerp", "keuze", "subjecten"], rows))


def _rows(report: AuditReport) -> str:
    blocks = []
    for source, rec in report.reconciliations().items():
        outcomes = [(L.label(L.OUTCOMES, k), v) for k, v in rec.uitkomst.items()]
        total = sum(int(v) for _, v in outcomes)
        blocks += [h3(L.label(L.SOURCES, source)),
                   table(["uitkomst", "rijen"], [("gelezen", rec.gelezen), *outcomes,
                                                 ("totaal verantwoord", total)]),
                   _verdict(check_reconciliation(rec), "alle gelezen rijen zijn verantwoord")]
    return section("Rijenverantwoording", *blocks)


def _per_rule(link: LinkSummary, order: Sequence[str]) -> str:
    """Pairs decided and subjects found per rule, in the configured order of the rules."""
    seen = [*link.besluiten_per_regel, *link.gevonden_per_regel]
    rules = list(dict.fromkeys([*(r for r in order if r in seen), *sorted(seen)]))
    return table(["regel", "paren besloten", "subjecten gevonden (beste regel)"],
                 [(L.label(L.RULES, r), link.besluiten_per_regel.get(r, 0),
                   link.gevonden_per_regel.get(r, 0)) for r in rules])


def _source_linkage(source: str, link: LinkSummary, order: Sequence[str]) -> list[str]:
    name = L.label(L.SOURCES, source)
    weights = ([h3(f"{name}: koppelgewichten"), histogram_svg(link.gewichten_histogram, name)]
               if link.gewichten_histogram is not None else [])
    return [h3(name), table(["gegeven", "aantal"], [
        ("identiteiten", link.identiteiten), ("kandidaatparen", link.kandidaatparen),
        ("paren die op een reviewbesluit wachten", link.reviewwachtrij)]),
        p("Per regel"), _per_rule(link, order), *weights,
        p("Rijen per besluit"), counts_table("besluit", link.rijen_per_besluit, L.DECISIONS),
        p("Paren per blokkering"),
        counts_table("blokkering", link.paren_per_blokkering, L.BLOCKING),
        p("Grootste blokken"), _blocks(link.grootste_blokken),
        p("Afgetopte blokken"), _blocks(link.afgetopte_blokken)]


def _linkage(report: AuditReport) -> str:
    blocks = [p("Koppelregels, in volgorde: de eerste die geldt beslist"),
              table(["regel", "omschrijving"],
                    [(L.label(L.RULES, k), v) for k, v in report.koppelregels.items()])]
    for source, link in report.koppeling.items():
        blocks += _source_linkage(source, link, list(report.koppelregels))
    return section("Koppeling", *blocks)


def _review(report: AuditReport) -> str:
    r = report.review
    rows = [("paren die op een besluit wachten", r.wachtend),
            ("bestand met besluiten", r.besluitenbestand or "geen"),
            ("besluiten gelezen", r.besluiten_gelezen), ("toegepast", r.toegepast),
            ("vervallen: het paar bestaat niet meer", r.vervallen)]
    extra = ([f"<p {BAD}>{e(r.vervallen)} besluiten horen bij een paar dat niet meer bestaat "
              "(de gegevens of de regels zijn veranderd); ze staan in "
              "secure/review_vervallen.csv.</p>"] if r.vervallen else [])
    return section("Review", table(["gegeven", "aantal"], rows), *extra)


def _blocks(blocks: Sequence[Block]) -> str:
    if not blocks:
        return note("Geen.")
    return table(["blokkering", "paren"],
                 [(L.label(L.BLOCKING, b.blokkering), b.paren) for b in blocks])


def _filters(report: AuditReport) -> str:
    bvh, hks = report.filters.bvh, report.filters.hks
    where = ("hieronder" if isinstance(report, InternalReport)
             else "in het interne rapport (secure/auditrapport_intern.json)")
    return section(
        "Filters",
        note("Rollen en afdoeningen die geen bekende term zijn, en codes die niet in de "
             "codetabel staan, komen uit de politiebestanden en kunnen alles bevatten: ze "
             "staan hier alleen als aantal onder een sleutellabel (code-…, rol-…, "
             f"afdoening-…). De waarden achter de labels staan {where}."),
        h3("BVH per categorie"), counts_table("categorie", bvh.per_categorie),
        h3("BVH per rol"), counts_table("rol", bvh.per_rol),
        h3("BVH-codes die niet in de codetabel staan"), counts_table("code", bvh.onbekende_codes),
        h3("HKS per afdoening"), counts_table("afdoening", hks.per_afdoening))


def _followup(report: AuditReport) -> str:
    f = report.followup
    return section("Follow-up", counts_table("follow-up", {"volledig": f.volledig,
                                                            "onvolledig": f.onvolledig}))


def _privacy(report: AuditReport) -> str:
    pr = report.privacy
    before, after = to_json(pr.voor), to_json(pr.na)
    keys = list(dict.fromkeys([*before, *after]))
    measures = [(m.maatregel, m.variabele, m.wijziging, m.records) for m in pr.maatregelen]
    return section(
        "Bescherming tegen herkenning",
        table(["gegeven", "waarde"], [
            ("quasi-identificatoren", ", ".join(pr.quasi_identificatoren)),
            ("doel k", pr.doel_k)]),
        table(["kenmerk", "voor", "na"],
              [(L.label(L.PRIVACY, k), before.get(k), after.get(k)) for k in keys]),
        h3("Maatregelen"),
        table(["maatregel", "variabele", "wijziging", "records"], measures) if measures
        else note("Geen: het bestand voldeed zonder wijziging."))


def _validation(report: AuditReport) -> str:
    v = report.validatie
    blocks = [h3("Quarantaine per bron"), counts_table("bron", v.quarantaine, L.SOURCES)]
    for source, rec in report.reconciliations().items():
        if rec.quarantaine_redenen:
            blocks += [p(f"Quarantaine {L.label(L.SOURCES, source)} per reden"),
                       counts_table("reden", rec.quarantaine_redenen)]
    for source, remarks in v.opmerkingen.items():
        blocks += [h3(f"Gemeld, niet apart gezet: {L.label(L.SOURCES, source)}"),
                   counts_table("opmerking", remarks, L.REMARKS)]
    blocks.append(p(f"Uitvoerschema: {v.uitvoerschema}"))
    return section("Validatie", *blocks)


def _value(column: str, value: str) -> str:
    return L.VALUES.get(f"{column}:{value}") or L.VALUES.get(value) or value


def _descriptives(report: AuditReport) -> str:
    d = report.beschrijvend
    numeric = [(_VARIABLE.get(r.variabele, r.variabele), r.variabele, r.n,
                *(("onderdrukt",) * 4 if r.onderdrukt else (r.gemiddelde, r.sd, r.min, r.max)))
               for r in d.numeriek]
    blocks = [p(f"Berekend op het beschermde analysebestand. Kleine cellen (minder dan "
                f"{d.kleine_cellen_drempel}) zijn onderdrukt; een minimum of maximum staat er "
                "alleen als ten minste zoveel subjecten die waarde hebben en de variabele niet "
                "is gehercodeerd, onderdrukt of afgetopt."),
              table(["label", "variabele", "n", "gemiddelde", "sd", "min", "max"], numeric)]
    for col, freq in d.frequenties.items():
        blocks += [h3(_VARIABLE.get(col, col)),
                   table(["waarde", "aantal"], [(_value(col, r.waarde), r.aantal) for r in freq])]
    return section("Beschrijvende statistiek", *blocks)


def _provenance(report: AuditReport) -> str:
    cfg = report.configuratie
    inputs = [(L.label(L.SOURCES, i.bron), i.bestand, i.sha256, i.rijen) for i in report.invoer]
    files = report.bestanden
    return section(
        "Herkomst",
        table(["gegeven", "waarde"], [
            ("versie", report.versie), ("configuratie", cfg.bestand),
            ("configuratie sha256", cfg.sha256), ("sleutel id", report.sleutel_id),
            ("run id", report.run_id), ("start", report.start),
            ("eind", report.eind)]),
        h3("Invoer"), table(["bron", "bestand", "sha256", "rijen"], inputs),
        h3("Bestanden in de export"),
        table(["bestand", "sha256"], files.items()) if files is not None
        else note("Nog niet bekend: dit rapport is gemaakt voor de export."))


def _losses(report: InternalReport) -> str:
    rows = [(r.gcos_id, L.label(L.FUNNEL_STEPS, r.stap), L.REASONS.get(r.reden, r.reden))
            for r in report.verlies_per_subject]
    return section("Verlies per subject (intern)", table(["gcos_id", "stap", "reden"], rows))


def _tagged_values(report: InternalReport) -> str:
    values = report.waarden_achter_labels
    return section("Waarden achter de labels (intern)",
                   table(["label", "waarde in de invoer"], values.items()) if values
                   else note("Geen."))


def _block_keys(report: InternalReport) -> str:
    blocks = []
    for source, items in report.blokken_met_sleutel.items():
        blocks += [h3(L.label(L.SOURCES, source)), table(
            ["blokkering", "sleutel", "paren"],
            [(L.label(L.BLOCKING, b.pass_), b.key, b.pairs) for b in items])]
    return section("Grootste blokken met sleutel (intern)", *blocks)


def _unknown_domains(report: InternalReport) -> str:
    return section("Leefgebieden die geen ingestelde titel zijn (intern)",
                   note("Niet geteld. Staat een titel van uw GCOS ertussen, voeg die toe aan "
                        "[gcos] leefgebieden."),
                   counts_table("naam", report.onbekende_leefgebieden))
