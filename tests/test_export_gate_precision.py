"""The export gate raises no false alarm on real Dutch names (issue 13, precision).

The demo's export is scanned, as its gate scanned it, against identifier sets in which
almost every Dutch word is somebody's surname: every Faker nl_NL last name, Dutch words
that are surnames (de Jong, Bakker, Post, Kok, Die, Man, Plan, ...), every word of the
project's own text, and a national-size set of typos and double names. None may alarm:
the project's own words are never read as identifiers, and what the data brings to the
demo's export holds no name. A study whose inputs carry every Faker surname exports.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import make_study_folder
from dutch_surnames import DUTCH_WORD_SURNAMES, faker_surnames, identity_frame, national_surnames
from vhh.linkage.privacy.gate import scan_folder
from vhh.linkage.privacy.identifiers import IdentifierCollector, Identifiers
from vhh.linkage.privacy.keys import load_key
from vhh.linkage.report.exportspec import export_own_text
from vhh.linkage.settings import load_settings
from vhh.linkage.tools.verify import verify_export
from vhh.pipelines.study import run_study
from whole_files import read_whole


def _identifiers(demo_run, *extra: pd.DataFrame) -> Identifiers:
    """The demo's own inputs plus ``extra`` police-like rows."""
    collector = IdentifierCollector()
    for source, table in read_whole(demo_run.settings).items():
        collector.add(table.frame, source=source)
    for number, frame in enumerate(extra):
        collector.add(frame, source=f"extra {number}")
    return collector.finish()


def _alarms(demo_run, ids: Identifiers) -> list[str]:
    names = sorted(p.name for p in demo_run.export.iterdir())
    assert len(names) == 9  # the analysis file ×3, code book ×2, report ×2, manifest, signature
    return [str(h) for h in scan_folder(demo_run.export, names, ids,
                                        export_own_text(demo_run.settings))]


def test_every_faker_surname_is_in_the_set_the_way_the_scanner_sees_it(demo_run) -> None:
    ids = _identifiers(demo_run, identity_frame([*faker_surnames(), *DUTCH_WORD_SURNAMES]))
    assert {"die bont", "kuijc van malsen", "gepa van bourgondie", "oude heer"} <= (
        ids.surname_phrases)
    assert {"bourgondie", "plan", "man", "kok", "post", "jong", "bakker", "kader",
            "jeugd"} <= ids.surname_words
    assert "die" in ids.surname_words  # the surname Die (a word, not a particle)
    assert not {"van", "de", "der", "t", "le", "la", "d"} & ids.surname_words


def test_demo_export_raises_no_alarm_against_faker_and_dutch_word_surnames(demo_run) -> None:
    ids = _identifiers(demo_run, identity_frame([*faker_surnames(), *DUTCH_WORD_SURNAMES]))
    assert _alarms(demo_run, ids) == []


def _own_words(export: Path) -> list[str]:
    """Every word of the demo's export files: templates, labels, code book, report."""
    words: set[str] = set()
    for path in export.iterdir():
        if path.suffix in (".md", ".json", ".html"):
            words |= set(re.findall(r"[^\W\d_]{2,}", path.read_text("utf-8")))
    return sorted(words)


def test_demo_export_raises_no_alarm_when_every_word_of_its_text_is_a_surname(
        demo_run) -> None:
    """The national case taken to its end: every word the export prints is some person's
    surname. Only the data's own free text could then alarm, and the demo has none."""
    words = _own_words(demo_run.export)
    data_words = {"gcos", "subjecten", "besprekingen", "bvh", "incidenten", "hks",
                  "antecedenten", "csv", "config", "toml", "vhh", "evaluatie", "demo"}
    names = [w for w in words if w.lower() not in data_words]  # file names, project name
    assert len(names) > 300 and {"Trechter", "plan", "man", "die"} <= set(names)
    ids = _identifiers(demo_run, identity_frame(names))
    assert _alarms(demo_run, ids) == []
    # ... and those words are found where the data brings them (the input file names)
    file_words = _identifiers(demo_run, identity_frame(sorted(data_words)))
    assert any("the input file names" in a for a in _alarms(demo_run, file_words))


def test_demo_export_raises_no_alarm_against_a_national_size_surname_set(demo_run) -> None:
    """A smaller version of the benchmark's national set (benchmarks/leakscan_ids.py)."""
    surnames = national_surnames(200_000)
    assert len(set(surnames)) == 200_000
    ids = _identifiers(demo_run, identity_frame(surnames))
    assert len(ids.surnames_full) > 150_000
    assert _alarms(demo_run, ids) == []


@pytest.fixture(scope="module")
def faker_study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated study whose BVH extract also holds every Faker nl_NL last name (as
    non-subjects: they never link) and every Dutch word surname."""
    root = tmp_path_factory.mktemp("faker_study")
    config, _ = make_study_folder(root, seed=77, subjects=60, others=300)
    path = root / "input" / "bvh_incidenten.csv"
    bvh = pd.read_csv(path, sep=None, engine="python", dtype=str, keep_default_na=False,
                      encoding="utf-8-sig")
    names = [*faker_surnames(), *DUTCH_WORD_SURNAMES]
    extra = identity_frame(names).rename(columns={"bvh_id": "bvh_id"})
    template = bvh.iloc[[0] * len(names)].reset_index(drop=True)
    for column in ("achternaam", "tussenvoegsel", "voorletters", "geboortedatum", "bvh_id"):
        template[column] = extra[column].to_numpy()
    template["registratienummer"] = [f"PL9999-{k:010d}" for k in range(len(names))]
    pd.concat([bvh, template], ignore_index=True).to_csv(path, sep=";", index=False)
    return root


def test_a_study_with_every_faker_surname_in_its_inputs_exports_without_a_block(
        faker_study: Path) -> None:
    settings = load_settings(faker_study / "config.toml")
    result = run_study(settings, load_key(faker_study / "test.key"), faker_study / "out")
    assert (result.export_dir / "auditrapport.json").is_file()
    checks = verify_export(result.export_dir, faker_study / "config.toml")
    assert all(c.ok is not False for c in checks), [c.line() for c in checks]
