"""What of each export file is the project's own text: the leak gate's map of the export.

Every file in ``export/`` gets an :class:`~vhh.linkage.privacy.owntext.OwnText`:

* the analysis file: the code book's column names, variable labels and value labels are
  the project's; its cells are data, except a configured kader, a rule name, an age band,
  a pseudonym (a keyed hash) and the like, which are the project's own words;
* the code book (``.md``, ``.json``): it is made from the configuration and the protection
  measures only, so all of it must be exactly that text; any other line or value is scanned;
* ``auditrapport.json``: the fields the report's code fills from its own constants (funnel
  labels, reasons, rule names and descriptions) are template; the fields the data or the
  data officer fill (file names, the extracts' ignored columns, roles, unknown codes,
  afdoeningen, frequency values) are scanned unless they are the project's own words; a
  field named here by neither is scanned too;
* ``auditrapport.html``: it must be the rendering of ``auditrapport.json``; the report's
  scanned fields are scanned again under the HTML's name, and any line that is not the
  rendering is scanned whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from vhh.linkage.contract import BVH_ROLES, CATEGORIES, HKS_AFDOENINGEN, REVIEW_ACCEPTED
from vhh.linkage.link.methods import rule_names
from vhh.linkage.privacy.disclosure import SUPPRESSED
from vhh.linkage.privacy.exportscan import own_lines
from vhh.linkage.privacy.gate import OwnTextOf
from vhh.linkage.privacy.owntext import DataText, OwnText, Slot, json_strings
from vhh.linkage.privacy.signing import MANIFEST, SIGNATURE
from vhh.linkage.report.codebook import VARIABLES, codebook_dict, codebook_json, codebook_markdown
from vhh.linkage.report.html import render_html
from vhh.linkage.report.model import AuditReport, ModelError, report_schema
from vhh.linkage.report.tags import TAG_SHAPE
from vhh.linkage.settings import Settings

__all__ = ["REPORT_HTML", "REPORT_JSON", "analysis_own_text", "codebook_own_text",
           "export_own_text", "html_own_text", "manifest_own_text", "report_data_texts",
           "report_own_text"]

REPORT_JSON, REPORT_HTML = "auditrapport.json", "auditrapport.html"
_HEX16, _HEX64 = re.compile(r"[0-9a-f]{16}"), re.compile(r"[0-9a-f]{64}")
_PSEUDONYM = re.compile(r"v1:[a-z2-7]{32}")
_QUARTER = re.compile(rf"\d{{4}}(?:-Q[1-4])?|{SUPPRESSED}")
_ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d")  # a date of the configuration, never of a person
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:[+-]\d\d:\d\d|Z)?")
_EXPORT_NAME = re.compile(r"(?:analysebestand|codeboek|auditrapport)\.(?:csv|parquet|sav|md|"
                          r"json|html)")
_TEMPLATE = Slot("the report's own text", template=True)
_VERSION = re.compile(r"[0-9][0-9A-Za-z.+\-]*|onbekend")
_FINGERPRINT = re.compile(r"SHA256:[0-9a-f]{64}")
_SIGNATURE_TEXT = re.compile(r"[0-9a-f]{128}")
_MANIFEST_FORMAT = re.compile(r"vhh-linkage manifest v\d+")
_BUG = "a value of the data reached a field meant for the project's own words: report a bug"
_FLAGS = frozenset({"True", "False", "0", "1", "0.0", "1.0"})


def _band_labels(edges: Iterable[int]) -> frozenset[str]:
    """The labels of :func:`vhh.linkage.privacy.disclosure.age_band` for these edges."""
    e = list(edges)
    labels = {f"<{e[0]}", f"{e[-1]}+"} if e else set()
    labels |= {f"{a}-{b - 1}" for a, b in zip(e, e[1:], strict=False)}
    return frozenset(labels | {SUPPRESSED})


def _rules(settings: Settings) -> frozenset[str]:
    return frozenset({*rule_names(settings.linkage), REVIEW_ACCEPTED, ""})


def analysis_own_text(settings: Settings) -> OwnText:
    """The analysis file: names and labels from the code book; project words in cells."""
    cells: dict[str, Slot] = {
        "kolom.pseudoniem": Slot("the pseudonyms", shape=_PSEUDONYM),
        "kolom.kader": Slot("column 'kader'", own=frozenset({*settings.scope.kaders,
                                                            SUPPRESSED})),
        "kolom.leeftijdsklasse": Slot("column 'leeftijdsklasse'",
                                      own=_band_labels(settings.privacy.age_bands)),
        "kolom.start_kwartaal": Slot("column 'start_kwartaal'", shape=_QUARTER),
        **{f"kolom.{c}": Slot(f"column '{c}'", own=_rules(settings))
           for c in ("koppelregel_bvh", "koppelregel_hks")},
        **{f"kolom.{c}": Slot(f"column '{c}'", own=_FLAGS)
           for c in ("followup_volledig", "gevonden_bvh", "gevonden_hks")},
    }
    labels = {f"label.{v.name}": Slot(f"the label of '{v.name}'", own=frozenset({v.label}))
              for v in VARIABLES}
    values = {f"waardelabel.{v.name}": Slot(f"a value label of '{v.name}'",
                                            own=frozenset(v.values.values()))
              for v in VARIABLES}
    names = Slot("a column name", own=frozenset(v.name for v in VARIABLES),
                 advice="the analysis file has a column the code book does not know")
    return OwnText(MappingProxyType({"kolomnamen": names, **cells, **labels, **values}))


def codebook_own_text(book: Mapping[str, Any]) -> tuple[OwnText, OwnText]:
    """The code book as Markdown and as JSON: exactly the text made from ``book``."""
    advice = "the code book differs from the one the configuration gives: report a bug"
    markdown = OwnText(MappingProxyType({"regel": Slot(
        "the code book", own=own_lines(codebook_markdown(book)), advice=advice)}))
    allowed: dict[str, set[str]] = {}
    for path, text in json_strings(json.loads(codebook_json(book))):
        allowed.setdefault(".".join(path), set()).add(text)
    return markdown, OwnText(MappingProxyType(
        {p: Slot(f"the code book field {p}", own=frozenset(t), advice=advice)
         for p, t in allowed.items()}))


def _data_slots(settings: Settings) -> dict[str, Slot]:
    f = settings.filters
    frequency = frozenset({*settings.scope.kaders, *_band_labels(settings.privacy.age_bands),
                           *_FLAGS, *(str(n) for n in range(12)), "9"})
    return {
        "project": Slot("the project name", advice="it is [project] of the configuration: "
                        "choose a name without a person's name, date or number"),
        "configuratie.bestand": Slot("the name of the configuration file",
                                     advice="rename the configuration file"),
        "invoer.[].bestand": Slot("the input file names",
                                  advice="rename the input file and its path in [inputs]"),
        "invoer.[].genegeerde_kolommen.[]": Slot(
            "the list of ignored input columns", advice="an extract has a column whose name "
            "holds it: remove or rename that column in the extract"),
        "filters.bvh.per_rol.{}": Slot("the list of roles", own=frozenset({*BVH_ROLES, *f.roles}),
                                       shape=TAG_SHAPE, advice=_BUG),
        "filters.bvh.onbekende_codes.{}": Slot("the list of unknown codes", shape=TAG_SHAPE,
                                               advice=_BUG),
        "filters.hks.per_afdoening.{}": Slot(
            "the list of afdoeningen", own=frozenset({*HKS_AFDOENINGEN, *f.hks_afdoeningen}),
            shape=TAG_SHAPE, advice=_BUG),
        "filters.bvh.per_categorie.{}": Slot("the list of incident categories",
                                             own=frozenset({*CATEGORIES, "onbekend"}),
                                             advice=_BUG),
        "beschrijvend.frequenties.*.[].waarde": Slot(
            "a frequency table of the descriptives", own=frequency,
            advice="a value of the analysis file holds it: see the analysis file's message"),
        "review.besluitenbestand": Slot("the name of the review decisions file",
                                        advice="rename it and [linkage] review_decisions"),
        "waarschuwingen.[]": Slot("the warnings", advice="a warning names an input file: "
                                  "rename the input file and its path in [inputs]"),
        "instellingen.kaders.[]": Slot("the configured kaders", own=frozenset(
            settings.scope.kaders), advice=_BUG),
        "instellingen.rollen.[]": Slot("the configured roles", own=frozenset(f.roles),
                                       advice=_BUG),
        "instellingen.hks_afdoeningen.[]": Slot("the configured afdoeningen",
                                                own=frozenset(f.hks_afdoeningen), advice=_BUG),
    }


_SHAPES: Mapping[str, re.Pattern[str]] = MappingProxyType({
    "run_id": _HEX16, "sleutel_id": _HEX16, "configuratie.sha256": _HEX64,
    "invoer.[].sha256": _HEX64, "bestanden.*": _HEX64, "bestanden.{}": _EXPORT_NAME,
    "start": _TIMESTAMP, "eind": _TIMESTAMP, "instellingen.periode_start": _ISO_DATE,
    "instellingen.periode_eind": _ISO_DATE, "instellingen.extractiedatum": _ISO_DATE})
_TEMPLATE_SLOTS = (
    "titel", "versie", "invoer.[].bron", "invoer.[].codering", "invoer.[].scheidingsteken",
    "trechter.[].stap", "trechter.[].label", "trechter.[].redenen.{}", "rijen.{}",
    "rijen.*.bron", "rijen.*.uitkomst.{}", "rijen.*.quarantaine_redenen.{}",
    "gcos_besprekingen.bron", "gcos_besprekingen.uitkomst.{}",
    "gcos_besprekingen.quarantaine_redenen.{}", "koppeling.{}",
    "koppeling.*.paren_per_blokkering.{}", "koppeling.*.grootste_blokken.[].blokkering",
    "koppeling.*.afgetopte_blokken.[].blokkering", "koppeling.*.besluiten_per_regel.{}",
    "koppeling.*.gevonden_per_regel.{}", "koppeling.*.rijen_per_besluit.{}",
    "koppeling.*.model.**", "koppelregels.{}", "koppelregels.*",
    "privacy.quasi_identificatoren.[]", "privacy.maatregelen.[].*", "validatie.quarantaine.{}",
    "validatie.uitvoerschema", "beschrijvend.numeriek.[].variabele",
    "beschrijvend.frequenties.{}", "beschrijvend.frequenties.*.[].aantal", "tijden.{}",
    # the deciding settings (closed choices), the study's open choices, the deviations and
    # the remarks are the project's words, whatever the data
    "instellingen.methode", "instellingen.koppelregels.[]", "instellingen.startdatum",
    "instellingen.startdag_telt", "instellingen.getelde_categorieen.[]",
    "instellingen.onbekende_codes", "instellingen.trechtervolgorde.[]",
    "instellingen.privacyactie", "keuzes.[].onderwerp", "keuzes.[].keuze",
    "afwijkingen.[].*", "validatie.opmerkingen.{}", "validatie.opmerkingen.*.{}")


def _field_names(schema: object) -> Iterator[str]:
    """Every field name of the report model, from its JSON Schema."""
    if isinstance(schema, dict):
        yield from schema.get("properties", {})
        for value in schema.values():
            yield from _field_names(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from _field_names(value)


_FIELD_NAMES = Slot("a field name of the report", own=frozenset(_field_names(report_schema())),
                    advice=_BUG)


def report_own_text(settings: Settings) -> OwnText:
    """``auditrapport.json``: its data fields, its computed fields and its template; the
    model's field names (any other key is scanned)."""
    slots = {**_data_slots(settings),
             **{p: Slot(f"the field {p}", shape=s) for p, s in _SHAPES.items()},
             **dict.fromkeys(_TEMPLATE_SLOTS, _TEMPLATE), "**.{}": _FIELD_NAMES}
    return OwnText(MappingProxyType(slots))


def report_data_texts(document: object, settings: Settings) -> tuple[DataText, ...]:
    """The strings of a report (parsed JSON) that are not the project's own text."""
    own = report_own_text(settings)
    out = []
    for path, text in json_strings(document):
        slot = own.slot(path)
        if slot is None or not slot.is_own(text):
            field = slot.field if slot else "a field of the report"
            out.append(DataText(field, text, slot.advice if slot else ""))
    return tuple(out)


def html_own_text(document: object, settings: Settings) -> OwnText:
    """``auditrapport.html``: the rendering of the report, and the report's data fields."""
    try:
        page = render_html(AuditReport.from_json(document))
    except (ModelError, AttributeError, TypeError, ValueError):
        page = ""  # no report to render: every line of the page is scanned
    advice = f"the page is not the rendering of {REPORT_JSON}: render it again"
    return OwnText(MappingProxyType({"regel": Slot("the page", own=own_lines(page),
                                                   advice=advice)}),
                   report_data_texts(document, settings))


def manifest_own_text(settings: Settings) -> OwnText:
    """``manifest.json`` and ``manifest.sig``: hashes, ids, versions and the signature are
    of fixed shapes; the project name is scanned as in the report."""
    shapes = {"formaat": _MANIFEST_FORMAT, "run_id": _HEX16, "sleutel_id": _HEX16,
              "configuratie_sha256": _HEX64, "bestanden.*": _HEX64,
              "bestanden.{}": _EXPORT_NAME, "versies.*": _VERSION,
              "ondertekening.algoritme": re.compile("Ed25519"),
              "ondertekening.publieke_sleutel": _HEX64,
              "ondertekening.vingerafdruk": _FINGERPRINT,
              "regel": _SIGNATURE_TEXT}
    fields = Slot("a field name of the manifest", own=frozenset({
        "formaat", "project", "run_id", "configuratie_sha256", "sleutel_id", "versies",
        "bestanden", "ondertekening", "algoritme", "publieke_sleutel", "vingerafdruk",
        "vhh-linkage", "rapportversie", "python", "pandas", "pyarrow", "pyreadstat"}),
        advice=_BUG)
    return OwnText(MappingProxyType({
        "project": _data_slots(settings)["project"],
        **{p: Slot(f"the manifest field {p}", shape=s) for p, s in shapes.items()},
        "**.{}": fields}))


def _report_document(folder: Path) -> object:
    try:
        return json.loads((folder / REPORT_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _measures(document: object) -> list[dict[str, object]]:
    try:
        found = document["privacy"]["maatregelen"]  # type: ignore[index]
    except (KeyError, TypeError):
        return []
    return [dict(m) for m in found if isinstance(m, dict)]


def export_own_text(settings: Settings) -> OwnTextOf:
    """The own-text description of each export file, by name, read against the written
    report in the same folder (for the gate at export time and for ``verify``)."""
    def own(name: str, folder: Path) -> OwnText:
        document = _report_document(folder)
        if name.startswith("analysebestand."):
            return analysis_own_text(settings)
        if name in ("codeboek.md", "codeboek.json"):
            md, js = codebook_own_text(codebook_dict(settings, _measures(document)))
            return md if name.endswith(".md") else js
        if name == REPORT_JSON:
            return report_own_text(settings)
        if name == REPORT_HTML:
            return html_own_text(document, settings)
        if name in (MANIFEST, SIGNATURE):
            return manifest_own_text(settings)
        return OwnText()  # a file nobody described: every string of it is scanned
    return own
