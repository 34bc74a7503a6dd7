"""No personal value in any repr or str of the library's data carriers.

A traceback, a debugger, a log line or an assertion message prints reprs: a carrier of
input rows shows its shape and counts, never a value. Every carrier is built from the
demo study and its repr and str are scanned with the export gate's own identifier set,
built from every input row; a structural test keeps new carriers from slipping through.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
import vhh.linkage
import vhh.pipelines
from vhh.linkage.analysis.data import load_export
from vhh.linkage.link.birthdates import BirthDigits
from vhh.linkage.link.compare import Side
from vhh.linkage.link.engine import link_identities
from vhh.linkage.link.fellegi_sunter import link_fellegi_sunter
from vhh.linkage.link.levels import compare_levels, fields_of
from vhh.linkage.normalise.dates import parse_dates
from vhh.linkage.normalise.distinct import text_codes
from vhh.linkage.normalise.identities import normalise_identities
from vhh.linkage.normalise.names import parse_surname
from vhh.linkage.privacy.collector_process import payload
from vhh.linkage.privacy.identifiers import Identifiers, build_identifiers
from vhh.linkage.privacy.leakscan import cell_hits
from vhh.linkage.report.exportspec import report_data_texts
from vhh.linkage.stopwatch import Stopwatch
from vhh.linkage.tools.evaluate import read_truth
from vhh.linkage.tools.explain import explain
from vhh.linkage.validate.codes import incident_codes
from vhh.linkage.validate.inputs import load_inputs, open_inputs
from vhh.pipelines import stages
from vhh.pipelines.accounts import Accounts
from vhh.pipelines.study import Prepared
from whole_files import read_whole

# row-level data types: a class holding one of these must say how it shows itself
_DATA = ("DataFrame", "Series", "ndarray", "RawTable", "Validated", "LinkResult",
         "PoliceExtract", "Blocking", "FilterOutcome", "BirthDigits")
# the generator's own output is synthetic by construction (and its room is another's)
_NOT_CARRIERS = ("vhh.linkage.synth",)
# the report is aggregated template text that the export gate scans with its own-text map
# (a surname may be a Dutch word of the template, as "Boven" is): checked that way below
_GATED = ("vhh.linkage.report.model", "vhh.linkage.report.sections")


def _modules() -> Iterator[object]:
    for package in (vhh.linkage, vhh.pipelines):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if not info.name.startswith(_NOT_CARRIERS) and not info.name.endswith("__main__"):
                yield importlib.import_module(info.name)


def _carrier_classes() -> list[type]:
    found = []
    for module in _modules():
        for value in vars(module).values():
            if (isinstance(value, type) and dataclasses.is_dataclass(value)
                    and value.__module__ == module.__name__
                    and any(word in str(f.type) and not str(f.type).startswith("Callable")
                            for f in dataclasses.fields(value) for word in _DATA)):
                found.append(value)
    return found


def test_every_carrier_of_row_data_has_its_own_repr() -> None:
    classes = _carrier_classes()
    assert len(classes) >= 15  # the walk found them
    generated = [c.__qualname__ for c in classes
                 if c.__repr__.__code__.co_filename in ("<string>", dataclasses.__file__)]
    assert generated == []


def _reachable(value: object, depth: int = 0) -> Iterator[object]:
    """``value`` and the vhh objects in its fields, mappings and sequences."""
    if depth > 3:
        return
    if type(value).__module__.startswith("vhh."):
        yield value
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            for f in dataclasses.fields(value):
                yield from _reachable(getattr(value, f.name), depth + 1)
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _reachable(item, depth + 1)
    elif isinstance(value, tuple | list):
        for item in value[:5]:
            yield from _reachable(item, depth + 1)


def _leaks(text: str, ids: Identifiers) -> list[str]:
    return [kind for line in text.splitlines() for kind in cell_hits(line, ids)]


@pytest.fixture(scope="module")
def identifiers(demo_run) -> Identifiers:
    return build_identifiers(t.frame for t in read_whole(demo_run.settings).values())


@pytest.fixture(scope="module")
def carriers(demo_run, identifiers) -> dict[str, object]:
    """Every public carrier of the library, built on the demo's extracts."""
    settings, clock = demo_run.settings, Stopwatch()
    loaded = load_inputs(settings)
    scoped = stages.scope(loaded, settings, clock)
    links = stages.link(loaded, scoped, settings, clock)
    started = stages.start(loaded, links, settings)
    filtered = stages.filter_rows(loaded, links, started, incident_codes(settings), settings,
                                  clock)
    counted = stages.count(loaded, links, filtered, started, settings)
    variables = stages.study_variables(loaded, scoped, started, links, counted, settings)
    pseudonymised = stages.pseudonymise_file(variables, demo_run.key, settings)
    protected = stages.protect_file(pseudonymised.analysis, settings)
    bvh = loaded.police["bvh_incidenten"]
    with_pairs = link_identities("bvh", scoped.subjects, bvh.identities, bvh.codes,
                                 bvh.validated.valid["bvh_id"], settings.linkage, None)
    gcos = loaded.validated["gcos_subjecten"].valid
    subject = str(gcos["gcos_id"].iloc[0])
    identities = normalise_identities(bvh.identities)
    weighed = link_fellegi_sunter(with_pairs.blocking.pairs, scoped.subjects, identities,
                                  settings.linkage, keep_pairs=True)
    left, right = fields_of(scoped.subjects, identities)
    pairs = with_pairs.blocking.pairs
    levels = compare_levels(left, right, pairs["s"].to_numpy(), pairs["i"].to_numpy())
    return {
        "weighed": weighed, "fields": (left, right),
        "em fits": tuple(s.fit for s in weighed.model.sessions),
        "waterfall": weighed.model.waterfall(levels, right, pairs["i"].to_numpy()),
        "opened": open_inputs(settings), "loaded": loaded, "scoped": scoped, "links": links,
        "link with pairs": with_pairs, "started": started, "filtered": filtered,
        "counted": counted, "pseudonymised": pseudonymised, "protected": protected,
        "accounts": Accounts(settings, loaded, identifiers, scoped, links, started, filtered,
                             counted, pseudonymised.analysis, protected),
        "study": demo_run.result, "identifiers": identifiers,
        "prepared": Prepared(Accounts(settings, loaded, identifiers, scoped, links, started,
                                      filtered, counted, pseudonymised.analysis, protected),
                             demo_run.result.report, protected.frame, pseudonymised, clock),
        "dates": parse_dates(gcos["geboortedatum"].astype(str)),
        "text codes": text_codes(gcos["achternaam"].astype(str)),
        "surname": parse_surname(str(gcos["achternaam"].iloc[0]), ""),
        "side": Side.of(scoped.subjects), "births": BirthDigits(scoped.subjects["birth"]),
        "explanations": explain(settings, loaded, subject, ("bvh", "hks"), None),
        "truth": read_truth(Path(demo_run.truth)),
        "analysis data": load_export(demo_run.export / "analysebestand.csv"),
        "chunk sent to the identifier worker":
            payload(open_inputs(settings).tables["gcos_subjecten"].frame),
    }


def test_the_scan_finds_the_values_a_default_repr_would_show(carriers, identifiers) -> None:
    loaded = carriers["loaded"]
    frame = loaded.validated["gcos_subjecten"].valid
    assert _leaks(repr(frame), identifiers)          # what repr(Validated) printed before
    assert _leaks(object.__repr__(loaded) + repr(frame.head()), identifiers)


def test_no_carrier_shows_a_personal_value_in_repr_or_str(carriers, identifiers) -> None:
    seen: dict[str, list[str]] = {}
    for carrier in carriers.values():
        for value in _reachable(carrier):
            if type(value).__module__ in _GATED:
                continue
            for text in (repr(value), str(value)):
                found = _leaks(text, identifiers)
                if found:
                    seen.setdefault(type(value).__qualname__, []).extend(found)
    assert seen == {}


def test_the_report_in_a_carrier_holds_no_identifier_where_the_data_writes(demo_run,
                                                                           identifiers) -> None:
    texts = report_data_texts(demo_run.result.report.to_json(), demo_run.settings)
    assert texts  # the report has data fields (file names, the project name, ...)
    assert [t.field for t in texts if _leaks(t.text, identifiers)] == []


def test_every_carrier_class_was_built_here(carriers) -> None:
    built = {type(v) for c in carriers.values() for v in _reachable(c)}
    missing = [c.__qualname__ for c in _carrier_classes() if c not in built
               and c.__qualname__ not in _BUILT_ELSEWHERE]
    assert missing == []


# carriers that only exist inside a function's run; their reprs are held by the structural
# test above (and by the modules' own tests)
_BUILT_ELSEWHERE = {"_Computed", "_Weights"}
