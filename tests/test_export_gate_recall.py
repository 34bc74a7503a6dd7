"""The export gate lets no identifier out (issue 13, recall): a mutation test.

Each kind of identifier (a surname, one of several words, initials with a short surname,
a birthdate in four notations, each kind of id, a BSN-shaped number) is planted into each
channel that reaches ``export/`` (a data cell in every format, a column name, an SPSS
variable label and value label, the code book as Markdown and JSON, the report's data
fields in JSON and HTML, a line of the HTML, the lists of unknown codes, roles and
afdoeningen), one plant at a time, and the real export writers run through the real gate.
Every plant must be blocked, by a message that names the file and the field and never
the value. Then values planted in the police extracts' ``rol``, ``mk_code`` and
``afdoening`` must reach neither ``export/`` nor the console: only ``secure/``.

Every name, date and id planted here is invented for the test.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import vhh.pipelines.outputs as outputs
from click.testing import CliRunner
from conftest import make_study_folder
from hypothesis import given, settings
from hypothesis import strategies as st
from vhh.linkage.contract import BVH_ROLES
from vhh.linkage.errors import ExportBlocked
from vhh.linkage.io.writers import SavLabels
from vhh.linkage.privacy.identifiers import (
    PARTICLES,
    IdentifierCollector,
    Identifiers,
    build_identifiers,
)
from vhh.linkage.privacy.leakscan import cell_hits
from vhh.linkage.report.model import AuditReport, Frequency
from vhh.linkage.report.serial import to_json
from vhh.linkage.report.tags import TAG_SHAPE, labelled
from vhh.linkage.settings import ExportSettings
from vhh.linkage.stopwatch import Stopwatch
from vhh.pipelines.cli import EXIT_CODES, main
from whole_files import read_whole

# One invented person of each source, whose identifiers are planted below.
PERSON = pd.DataFrame({
    "gcos_id": ["G990001"], "bvh_id": ["B9900001"], "hks_id": ["H990001"],
    "registratienummer": ["PL0101-2013990001"], "achternaam": ["Zwartkruis"],
    "tussenvoegsel": [""], "voorletters": ["K."], "geboortedatum": ["07-03-1981"]})
NAMESAKES = pd.DataFrame({"achternaam": ["Ng", "Willems van Lier"],
                          "voorletters": ["T.J.", "A."], "geboortedatum": ["", ""]})
PLANTS = {  # plant -> the kind the gate must report
    "Zwartkruis": "achternaam", "Willems van Lier": "achternaam",
    "T.J. Ng": "voorletters+achternaam",
    "07-03-1981": "geboortedatum", "1981-03-07": "geboortedatum", "19810307": "geboortedatum",
    "7/3/1981": "geboortedatum",
    "G990001": "id", "B9900001": "id", "H990001": "id", "PL0101-2013990001": "id",
    "123456782": "bsn",
}


@pytest.fixture(scope="module")
def ids(demo_run) -> Identifiers:
    collector = IdentifierCollector()
    for source, table in read_whole(demo_run.settings).items():
        collector.add(table.frame, source=source)
    collector.add(PERSON, source="planted")
    collector.add(NAMESAKES, source="namesakes")
    return collector.finish()


@dataclasses.dataclass(frozen=True)
class Export:
    """What the writers take: the demo's analysis file and report, and the settings."""

    frame: pd.DataFrame
    report: AuditReport
    formats: tuple[str, ...] = ("csv",)


Plant = Callable[[Export, str, pytest.MonkeyPatch], Export]


def _cell(fmt: str) -> Plant:
    def plant(e: Export, value: str, mp: pytest.MonkeyPatch) -> Export:
        frame = e.frame.copy()
        frame["kader"] = frame["kader"].astype(object)
        frame.loc[frame.index[3], "kader"] = value
        return dataclasses.replace(e, frame=frame, formats=(fmt,))
    return plant


def _column(e: Export, value: str, mp: pytest.MonkeyPatch) -> Export:
    return dataclasses.replace(e, frame=e.frame.rename(columns={"kader": value}))


def _labels(change: Callable[[SavLabels, str], SavLabels]) -> Plant:
    def plant(e: Export, value: str, mp: pytest.MonkeyPatch) -> Export:
        real = outputs.sav_labels()
        mp.setattr(outputs, "sav_labels", lambda: change(real, value))
        return dataclasses.replace(e, formats=("sav",))
    return plant


def _label(labels: SavLabels, value: str) -> SavLabels:
    return dataclasses.replace(labels, variables={**labels.variables, "kader": value})


def _value_label(labels: SavLabels, value: str) -> SavLabels:
    return dataclasses.replace(labels, values={**labels.values, "geslacht": {
        **labels.values["geslacht"], 1: value}})


def _codebook_md(e: Export, value: str, mp: pytest.MonkeyPatch) -> Export:
    real = outputs.codebook_markdown
    mp.setattr(outputs, "codebook_markdown", lambda book: real(book) + f"\nNoot: {value}\n")
    return e


def _codebook_json(e: Export, value: str, mp: pytest.MonkeyPatch) -> Export:
    real = outputs.codebook_json
    mp.setattr(outputs, "codebook_json",
               lambda book: real({**book, "bestand": f"analysebestand {value}"}))
    return e


def _html_line(e: Export, value: str, mp: pytest.MonkeyPatch) -> Export:
    real = outputs.render_html
    mp.setattr(outputs, "render_html", lambda r: real(r).replace(
        "</body>", f"<p>Opmerking: {value}</p>\n</body>"))
    return e


def _report(change: Callable[[AuditReport, str], AuditReport]) -> Plant:
    def plant(e: Export, value: str, mp: pytest.MonkeyPatch) -> Export:
        return dataclasses.replace(e, report=change(e.report, value))
    return plant


def _filters(r: AuditReport, bvh: dict[str, object] | None = None,
             hks: dict[str, object] | None = None) -> AuditReport:
    f = r.filters
    return dataclasses.replace(r, filters=dataclasses.replace(
        f, bvh=dataclasses.replace(f.bvh, **(bvh or {})),
        hks=dataclasses.replace(f.hks, **(hks or {}))))


def _input(r: AuditReport, **change: object) -> AuditReport:
    return dataclasses.replace(r, invoer=(dataclasses.replace(r.invoer[2], **change),
                                          *r.invoer[:2], *r.invoer[3:]))


def _frequency(r: AuditReport, value: str) -> AuditReport:
    d = r.beschrijvend
    kader = (*d.frequenties["kader"], Frequency(value, "7"))
    return dataclasses.replace(r, beschrijvend=dataclasses.replace(
        d, frequenties={**d.frequenties, "kader": kader}))


REPORT = ("auditrapport.json", "auditrapport.html")
CHANNELS: dict[str, tuple[Plant, tuple[str, ...]]] = {  # channel -> (plant, files it names)
    "data cell (csv)": (_cell("csv"), ("analysebestand.csv",)),
    "data cell (parquet)": (_cell("parquet"), ("analysebestand.parquet",)),
    "data cell (sav)": (_cell("sav"), ("analysebestand.sav",)),
    "column name": (_column, ("analysebestand.csv",)),
    "variable label": (_labels(_label), ("analysebestand.sav",)),
    "value label": (_labels(_value_label), ("analysebestand.sav",)),
    "code book (md)": (_codebook_md, ("codeboek.md",)),
    "code book (json)": (_codebook_json, ("codeboek.json",)),
    "report: input file name": (_report(lambda r, v: _input(r, bestand=f"{v}.csv")), REPORT),
    "report: ignored columns": (_report(lambda r, v: _input(r, genegeerde_kolommen=(v,))),
                                REPORT),
    "report: project name": (_report(lambda r, v: dataclasses.replace(r, project=v)), REPORT),
    "report: frequency value": (_report(_frequency), REPORT),
    "report HTML line": (_html_line, ("auditrapport.html",)),
    "unknown-code list": (_report(lambda r, v: _filters(r, {"onbekende_codes": {v: 3}})),
                          REPORT),
    "role list": (_report(lambda r, v: _filters(r, {"per_rol": {**r.filters.bvh.per_rol,
                                                                v: 2}})), REPORT),
    "afdoening list": (_report(lambda r, v: _filters(r, hks={"per_afdoening": {v: 4}})),
                       REPORT),
}


@pytest.fixture(scope="module")
def clean(demo_run) -> Export:
    frame = pd.read_parquet(demo_run.export / "analysebestand.parquet")
    return Export(frame, demo_run.result.report)


def _write(demo_run, export: Export, ids: Identifiers, target: Path) -> None:
    settings = dataclasses.replace(demo_run.settings, export=ExportSettings(export.formats))
    measures = [to_json(m) for m in export.report.privacy.maatregelen]
    outputs.write_export(target, export.frame, export.report, settings, measures, ids,
                         Stopwatch(), demo_run.key)


@pytest.mark.parametrize("fmt", ["csv", "parquet", "sav"])
def test_the_clean_demo_export_passes_in_every_format(demo_run, clean, ids, tmp_path,
                                                      fmt) -> None:
    _write(demo_run, dataclasses.replace(clean, formats=(fmt,)), ids, tmp_path / "export")
    assert (tmp_path / "export" / "auditrapport.html").is_file()


@pytest.mark.parametrize("channel", sorted(CHANNELS))
@pytest.mark.parametrize("value", sorted(PLANTS))
def test_every_planted_identifier_is_blocked_in_every_channel(
        demo_run, clean, ids, tmp_path, monkeypatch, channel: str, value: str) -> None:
    plant, files = CHANNELS[channel]
    export = plant(clean, value, monkeypatch)
    with pytest.raises(ExportBlocked) as blocked:
        _write(demo_run, export, ids, tmp_path / "export")
    assert not (tmp_path / "export").exists()
    reasons = blocked.value.reasons
    for file in files:  # named by file and field, with the planted kind
        assert any(r.startswith(f"{file}, ") and f"an input {PLANTS[value]}" in r
                   for r in reasons), (file, reasons)
    text = str(blocked.value).lower()
    assert value.lower() not in text and value.lower().replace(" ", "") not in text


def test_a_message_says_which_field_and_what_to_do(demo_run, clean, ids, tmp_path,
                                                   monkeypatch) -> None:
    plant, _ = CHANNELS["report: ignored columns"]
    with pytest.raises(ExportBlocked) as blocked:
        _write(demo_run, plant(clean, "Zwartkruis", monkeypatch), ids, tmp_path / "export")
    assert ("auditrapport.json, the list of ignored input columns: contains an input "
            "achternaam; an extract has a column whose name holds it") in str(blocked.value)


# --------------------------------------------------------------------------------------------
# End to end: values planted in rol, mk_code and afdoening never leave secure/
# --------------------------------------------------------------------------------------------

SURNAME, BSN = "Zwartkruis", "123456782"


@pytest.fixture(scope="module")
def planted_study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("planted")
    make_study_folder(root, seed=11, subjects=60, others=200)
    for name, plants in (("bvh_incidenten", {"rol": SURNAME, "mk_code": BSN}),
                         ("hks_antecedenten", {"afdoening": SURNAME})):
        path = root / "input" / f"{name}.csv"
        raw = path.read_bytes()
        encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else (
            "utf-8" if b";" in raw.splitlines()[0] else "cp1252")
        frame = pd.read_csv(path, sep=None, engine="python", dtype=str,
                            keep_default_na=False, encoding=encoding)
        for k, (column, value) in enumerate(plants.items()):
            frame.loc[frame.index % 5 == k, column] = value
        frame.loc[frame.index % 7 == 6, "mk_code" if "mk_code" in frame else "afdoening"] = (
            f"{SURNAME} 1981")
        frame.to_csv(path, sep=";", index=False, encoding="utf-8")
    return root


def _cli(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.output


def test_planted_roles_codes_and_afdoeningen_reach_neither_export_nor_console(
        planted_study: Path) -> None:
    root = planted_study
    code, said = _cli("run", "--config", root / "config.toml", "--key-file", root / "test.key",
                      "--out", root / "out")
    assert code == 0, said
    internal = json.loads((root / "out" / "secure" / "auditrapport_intern.json").read_text())
    behind = set(internal["waarden_achter_labels"].values())
    assert {SURNAME.lower(), BSN, SURNAME} & behind  # the values are there, in secure/
    report = json.loads((root / "out" / "export" / "auditrapport.json").read_text())
    assert any(k.startswith("rol-") for k in report["filters"]["bvh"]["per_rol"])
    assert all(k.startswith("code-") for k in report["filters"]["bvh"]["onbekende_codes"])
    assert "incident codes not in the code table" in said
    exported = b"".join(p.read_bytes() for p in (root / "out" / "export").iterdir()).lower()
    for value in (SURNAME, BSN):
        assert value.lower().encode() not in exported
        assert value.lower() not in said.lower()
    code, said = _cli("validate", "--config", root / "config.toml")
    assert code != EXIT_CODES[ExportBlocked], said
    assert "the export would be written" in said
    assert SURNAME.lower() not in said.lower() and BSN not in said


def test_validate_predicts_a_blocked_export_and_names_the_field(tmp_path: Path) -> None:
    """An extract whose file name holds a surname of the inputs: validate's dry run says
    so before a run (exit 5), by file and field, and the run itself is blocked the same."""
    config, key = make_study_folder(tmp_path, seed=12, subjects=40, others=150)
    subjects = pd.read_csv(tmp_path / "input" / "gcos_subjecten.csv", sep=None,
                           engine="python", dtype=str, encoding="utf-8-sig")
    surname = max((s for s in subjects["achternaam"] if s.isalpha()), key=len)
    renamed = tmp_path / "input" / f"hks_{surname}.csv"
    (tmp_path / "input" / "hks_antecedenten.csv").rename(renamed)
    text = config.read_text("utf-8").replace('"input/hks_antecedenten.csv"',
                                             f'"input/{renamed.name}"')
    config.write_text(text, "utf-8")
    code, said = _cli("validate", "--config", config)
    assert code == EXIT_CODES[ExportBlocked], said
    assert "export gate (dry run): the export would be blocked" in said
    assert "auditrapport.json, the input file names: contains an input achternaam" in said
    assert "rename the input file" in said
    assert surname.lower() not in said.lower()
    code, said = _cli("run", "--config", config, "--key-file", key, "--out", tmp_path / "out")
    assert code == EXIT_CODES[ExportBlocked] and "the input file names" in said
    assert not (tmp_path / "out" / "export").exists()


# --------------------------------------------------------------------------------------------
# Properties: whatever the police wrote, the export shows a known word or a keyed tag
# --------------------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=30), st.integers(1, 50), max_size=8))
def test_a_category_label_is_a_known_word_or_a_keyed_tag_whatever_the_value(
        counts: dict[str, int]) -> None:
    out = labelled(counts, "rol", BVH_ROLES, bytes(32))
    assert all(label in BVH_ROLES or TAG_SHAPE.fullmatch(label) for label in out.counts)
    assert sum(out.counts.values()) == sum(counts.values())
    assert set(out.values.values()) <= set(counts)  # the values behind the tags, for secure/


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(sorted(PARTICLES)), min_size=1, max_size=6))
def test_particles_are_never_a_surname_on_their_own(words: list[str]) -> None:
    ids = build_identifiers([pd.DataFrame({"achternaam": [" ".join(words), "Van", "De",
                                                          "van der Berg"]})])
    assert "achternaam" not in cell_hits(" ".join(words), ids)
    assert "achternaam" in cell_hits(f"{' '.join(words)} Berg", ids)
