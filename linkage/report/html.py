"""The audit report as one self-contained Dutch HTML page, rendered from the report model.

No scripts, fonts, style sheets or network references: the page opens offline on any
machine, and the funnel is an inline SVG bar chart. Styling lives in ``style`` attributes
(inside the tags), so the leak scanner, which strips tags from ``.html`` files, sees only
the Dutch words of the template and the numbers of the report. Every text taken from the
report is HTML-escaped. The output is a pure function of the report: the same report
gives the same bytes, which lets ``vhh-link verify`` re-render and compare.

An :class:`~vhh.linkage.report.model.InternalReport` adds the per-subject loss list and the
blocking keys: that version holds GCOS ids and name fragments and is written only to
``secure/``.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping, Sequence

from vhh.linkage.report.funnel import check_funnel, check_reconciliation
from vhh.linkage.report.model import AuditReport, Block, FunnelStep, InternalReport
from vhh.linkage.report.serial import to_json

__all__ = ["render_html"]

Row = Sequence[object]

_BODY = ('style="font-family:sans-serif;max-width:72em;margin:2em auto;padding:0 1em;'
         'color:#222;line-height:1.4"')
_TABLE = 'style="border-collapse:collapse;margin:0.3em 0 1.2em"'
_TH = 'style="border:1px solid #bbb;padding:2px 8px;text-align:left;background:#eee"'
_TD = 'style="border:1px solid #bbb;padding:2px 8px;text-align:left"'
_TDN = 'style="border:1px solid #bbb;padding:2px 8px;text-align:right"'
_NOTE = 'style="color:#555"'
_BAD = 'style="color:#a00;font-weight:bold"'

_BAR_LABELS = {
    "quarantaine": "Geldige GCOS-subjecten",
    "scope": "Binnen de scope",
    "gevonden_bvh": "Gevonden in BVH",
    "startdatum": "Met startdatum (geanalyseerd)",
    "gevonden_hks": "Waarvan gevonden in HKS",
}
_SOURCES = {"bvh": "BVH", "hks": "HKS", "gcos_besprekingen": "GCOS-besprekingen"}
_YES_NO = {"True": "ja", "False": "nee"}


def render_html(report: AuditReport) -> str:
    """The audit report as a standalone HTML page (Dutch); an internal report adds the
    secure details."""
    sections: list[Callable[[AuditReport], str]] = [
        _funnel, _rows, _linkage, _filters, _followup, _privacy, _validation,
        _descriptives, _provenance]
    internal = isinstance(report, InternalReport)
    title = report.titel + (" (intern)" if internal else "")
    parts = [_head(title), f"<body {_BODY}>", f"<h1>{_e(title)}</h1>", _intro(report, internal)]
    parts += [section(report) for section in sections]
    if isinstance(report, InternalReport):
        parts += [_losses(report), _block_keys(report), _tagged_values(report)]
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


# --- building blocks ------------------------------------------------------------------------


def _e(value: object) -> str:
    return html.escape(_fmt(value), quote=False)


def _fmt(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    return str(value)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _table(headers: Sequence[str], rows: Iterable[Row]) -> str:
    head = "".join(f"<th {_TH}>{_e(h)}</th>" for h in headers)
    lines = [f"<table {_TABLE}>", f"<tr>{head}</tr>"]
    for row in rows:
        cells = "".join(f"<td {_TDN if _is_number(v) else _TD}>{_e(v)}</td>" for v in row)
        lines.append(f"<tr>{cells}</tr>")
    lines.append("</table>")
    return "\n".join(lines)


def _counts_table(header: str, counts: Mapping[str, object]) -> str:
    if not counts:
        return f"<p {_NOTE}>Geen.</p>"
    return _table([header, "aantal"], counts.items())


def _section(title: str, *body: str) -> str:
    return "\n".join([f"<h2>{_e(title)}</h2>", *body])


def _h3(title: str) -> str:
    return f"<h3>{_e(title)}</h3>"


def _p(text: str) -> str:
    return f"<p>{_e(text)}</p>"


def _verdict(problems: Sequence[str], ok_text: str) -> str:
    if not problems:
        return f"<p>Controle: {_e(ok_text)}.</p>"
    return f"<p {_BAD}>Controle: klopt niet ({len(problems)} afwijkingen).</p>"


def _head(title: str) -> str:
    return "\n".join(["<!DOCTYPE html>", '<html lang="nl">', "<head>", '<meta charset="utf-8">',
                      f"<title>{_e(title)}</title>", "</head>"])


def _intro(report: AuditReport, internal: bool) -> str:
    lines = [_table(["gegeven", "waarde"], [
        ("project", report.project), ("run", report.run_id),
        ("versie", report.versie), ("start", report.start),
        ("eind", report.eind)])]
    if internal:
        lines.append(f"<p {_BAD}>Interne versie met GCOS-id's en bloksleutels: blijft in de "
                     "beveiligde omgeving.</p>")
    return "\n".join(lines)


# --- sections -------------------------------------------------------------------------------


def _funnel(report: AuditReport) -> str:
    steps = report.trechter
    rows = [(s.stap, s.label, s.inn, s.uit, s.rest,
             "; ".join(f"{r}: {n}" for r, n in s.redenen.items()) or "–")
            for s in steps]
    return _section("Trechter", _funnel_svg(steps),
                    _table(["stap", "label", "in", "uit", "rest", "redenen"], rows),
                    _verdict(check_funnel(steps), "bij elke stap is in − uit = rest, tellen de "
                             "redenen op tot uit en is in gelijk aan de rest van de vorige stap"))


def _funnel_svg(steps: Sequence[FunnelStep]) -> str:
    if not steps:
        return f"<p {_NOTE}>Geen trechter in het rapport.</p>"
    bars = [("Gelezen", steps[0].inn)]
    bars += [(_BAR_LABELS.get(s.stap, f"Na stap {s.stap}"), s.rest) for s in steps]
    top = max(max(n for _, n in bars), 1)
    row, label_w, bar_w = 26, 230, 420
    height = row * len(bars) + 8
    parts = [f'<svg role="img" width="{label_w + bar_w + 70}" height="{height}" '
             f'viewBox="0 0 {label_w + bar_w + 70} {height}">',
             "<title>Trechter: aantal GCOS-subjecten na elke stap</title>"]
    for k, (label, n) in enumerate(bars):
        y = 4 + k * row
        width = round(bar_w * max(n, 0) / top)
        parts += [f'<text x="0" y="{y + 16}" font-size="13">{_e(label)}</text>',
                  f'<rect x="{label_w}" y="{y}" width="{width}" height="{row - 6}" '
                  'fill="#4a78a8"></rect>',
                  f'<text x="{label_w + width + 6}" y="{y + 16}" font-size="13">{_e(n)}</text>']
    parts.append("</svg>")
    return "\n".join(parts)


def _rows(report: AuditReport) -> str:
    blocks = []
    for source, rec in report.reconciliations().items():
        outcomes = list(rec.uitkomst.items())
        total = sum(int(v) for _, v in outcomes)
        blocks += [_h3(_SOURCES.get(source, source)),
                   _table(["uitkomst", "rijen"], [("gelezen", rec.gelezen), *outcomes,
                                                   ("totaal verantwoord", total)]),
                   _verdict(check_reconciliation(rec), "alle gelezen rijen zijn verantwoord")]
    return _section("Rijenverantwoording", *blocks)


def _linkage(report: AuditReport) -> str:
    blocks = [_p("Koppelregels, in volgorde: de eerste die geldt beslist"),
              _table(["regel", "omschrijving"], list(report.koppelregels.items()))]
    for source, link in report.koppeling.items():
        reviewed = {k: v for k, v in link.besluiten_per_regel.items()
                    if k.startswith("review_")}
        blocks += [
            _h3(_SOURCES.get(source, source)),
            _table(["gegeven", "aantal"], [
                ("identiteiten", link.identiteiten),
                ("kandidaatparen", link.kandidaatparen),
                ("reviewwachtrij (paren)", link.reviewwachtrij)]),
            _p("Paren per blokkering"),
            _counts_table("blokkering", link.paren_per_blokkering),
            _p("Besluiten per regel (paren)"),
            _counts_table("regel", link.besluiten_per_regel),
            _p("Gevonden subjecten per regel"),
            _counts_table("regel", link.gevonden_per_regel),
            _p("Rijen per besluit"), _counts_table("besluit", link.rijen_per_besluit),
            _p("Reviewbesluiten"), _counts_table("besluit", reviewed),
            _p("Grootste blokken"), _blocks(link.grootste_blokken),
            _p("Afgetopte blokken"), _blocks(link.afgetopte_blokken)]
    return _section("Koppeling", *blocks)


def _blocks(blocks: Sequence[Block]) -> str:
    if not blocks:
        return f"<p {_NOTE}>Geen.</p>"
    return _table(["blokkering", "paren"], [(b.blokkering, b.paren) for b in blocks])


def _filters(report: AuditReport) -> str:
    bvh, hks = report.filters.bvh, report.filters.hks
    where = ("hieronder" if isinstance(report, InternalReport)
             else "in het interne rapport (secure/auditrapport_intern.json)")
    return _section(
        "Filters",
        f"<p {_NOTE}>Rollen en afdoeningen die geen bekende term zijn, en codes die niet in de "
        "codetabel staan, komen uit de politiebestanden en kunnen alles bevatten: ze staan "
        "hier alleen als aantal onder een sleutellabel (code-…, rol-…, afdoening-…). "
        f"De waarden achter de labels staan {_e(where)}.</p>",
        _h3("BVH per categorie"), _counts_table("categorie", bvh.per_categorie),
        _h3("BVH per rol"), _counts_table("rol", bvh.per_rol),
        _h3("BVH onbekende codes"), _counts_table("code", bvh.onbekende_codes),
        _h3("HKS per afdoening"), _counts_table("afdoening", hks.per_afdoening))


def _followup(report: AuditReport) -> str:
    f = report.followup
    return _section("Follow-up", _counts_table("followup", {"volledig": f.volledig,
                                                             "onvolledig": f.onvolledig}))


def _privacy(report: AuditReport) -> str:
    p = report.privacy
    before, after = to_json(p.voor), to_json(p.na)
    keys = list(dict.fromkeys([*before, *after]))
    measures = [(m.maatregel, m.variabele, m.wijziging, m.records) for m in p.maatregelen]
    return _section(
        "Bescherming tegen herkenning",
        _table(["gegeven", "waarde"], [
            ("quasi-identificatoren", ", ".join(p.quasi_identificatoren)),
            ("doel k", p.doel_k)]),
        _table(["kenmerk", "voor", "na"], [(k, before.get(k), after.get(k)) for k in keys]),
        _h3("Maatregelen"),
        _table(["maatregel", "variabele", "wijziging", "records"], measures) if measures
        else f"<p {_NOTE}>Geen: het bestand voldeed zonder wijziging.</p>")


def _validation(report: AuditReport) -> str:
    v = report.validatie
    blocks = [_h3("Quarantaine per bron"), _counts_table("bron", v.quarantaine)]
    for source, rec in report.reconciliations().items():
        if rec.quarantaine_redenen:
            blocks += [_p(f"Quarantaine {_SOURCES.get(source, source)} per reden"),
                       _counts_table("reden", rec.quarantaine_redenen)]
    blocks.append(_p(f"Uitvoerschema: {v.uitvoerschema}"))
    return _section("Validatie", *blocks)


def _descriptives(report: AuditReport) -> str:
    d = report.beschrijvend
    numeric = [(r.variabele, r.n, *(("onderdrukt",) * 4 if r.onderdrukt else
                                    (r.gemiddelde, r.sd, r.min, r.max)))
               for r in d.numeriek]
    blocks = [_p(f"Berekend op het beschermde analysebestand. Kleine cellen (minder dan "
                 f"{d.kleine_cellen_drempel}) zijn onderdrukt; een minimum of maximum staat er "
                 "alleen als ten minste zoveel subjecten die waarde hebben en de variabele niet "
                 "is gehercodeerd, onderdrukt of afgetopt."),
              _table(["variabele", "n", "gemiddelde", "sd", "min", "max"], numeric)]
    for col, freq in d.frequenties.items():
        blocks += [_h3(col), _table(["waarde", "aantal"],
                                    [(_YES_NO.get(r.waarde, r.waarde), r.aantal)
                                     for r in freq])]
    return _section("Beschrijvende statistiek", *blocks)


def _provenance(report: AuditReport) -> str:
    cfg = report.configuratie
    inputs = [(i.bron, i.bestand, i.sha256, i.rijen) for i in report.invoer]
    files = report.bestanden
    return _section(
        "Herkomst",
        _table(["gegeven", "waarde"], [
            ("versie", report.versie), ("configuratie", cfg.bestand),
            ("configuratie sha256", cfg.sha256), ("sleutel id", report.sleutel_id),
            ("run id", report.run_id), ("start", report.start),
            ("eind", report.eind)]),
        _h3("Invoer"), _table(["bron", "bestand", "sha256", "rijen"], inputs),
        _h3("Bestanden in de export"),
        _table(["bestand", "sha256"], files.items()) if files is not None
        else f"<p {_NOTE}>Nog niet bekend: dit rapport is gemaakt voor de export.</p>")


def _losses(report: InternalReport) -> str:
    rows = [(r.gcos_id, r.stap, r.reden) for r in report.verlies_per_subject]
    return _section("Verlies per subject (intern)", _table(["gcos_id", "stap", "reden"], rows))


def _tagged_values(report: InternalReport) -> str:
    values = report.waarden_achter_labels
    return _section("Waarden achter de labels (intern)",
                    _table(["label", "waarde in de invoer"], values.items()) if values
                    else f"<p {_NOTE}>Geen.</p>")


def _block_keys(report: InternalReport) -> str:
    blocks = []
    for source, items in report.blokken_met_sleutel.items():
        blocks += [_h3(_SOURCES.get(source, source)), _table(
            ["blokkering", "sleutel", "paren"], [(b.pass_, b.key, b.pairs) for b in items])]
    return _section("Grootste blokken met sleutel (intern)", *blocks)
