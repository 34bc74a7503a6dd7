"""The audit report is a type: its JSON Schema is committed, and every report fits it.

``docs/auditrapport.schema.json`` is what an auditor's own tools can validate against; it
is derived from the model, so a renamed field changes it and this test says so.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import jsonschema
import pytest
from vhh.linkage.report.model import (
    REPORT_VERSION,
    AuditReport,
    InternalReport,
    ModelError,
    report_schema,
)
from vhh.pipelines.outputs import report_json

SCHEMA = Path(__file__).resolve().parent.parent / "docs" / "auditrapport.schema.json"


@pytest.fixture(scope="module")
def exported(demo_run) -> dict:
    return json.loads((demo_run.export / "auditrapport.json").read_text("utf-8"))


def test_the_committed_schema_is_the_models_schema():
    committed = json.loads(SCHEMA.read_text("utf-8"))
    assert committed == report_schema(), (
        "the report model changed: regenerate docs/auditrapport.schema.json "
        "(python -m vhh.linkage.report.model > docs/auditrapport.schema.json)")


def test_the_exported_report_fits_the_committed_schema(exported):
    jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text("utf-8"))).validate(exported)


def test_the_schema_refuses_a_report_with_a_renamed_field(exported):
    renamed = dict(exported)
    renamed["funnel"] = renamed.pop("trechter")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(renamed, report_schema())


def test_the_exported_json_is_the_model_written_out(demo_run, exported):
    text = (demo_run.export / "auditrapport.json").read_text("utf-8")
    assert report_json(AuditReport.from_json(exported)) == text
    assert AuditReport.from_json(exported) == demo_run.result.report


def test_the_internal_report_reads_back_with_its_losses(demo_run):
    data = json.loads((demo_run.secure / "auditrapport_intern.json").read_text("utf-8"))
    internal = InternalReport.from_json(data)
    assert internal.verlies_per_subject and internal.blokken_met_sleutel["bvh"]
    assert {f.name for f in dataclasses.fields(AuditReport)} < {
        f.name for f in dataclasses.fields(InternalReport)}


@pytest.mark.parametrize("change, where", [
    (lambda r: r.pop("trechter"), "$: the field 'trechter' is missing"),
    (lambda r: r.update(extra=1), "$: unknown field(s) extra"),
    (lambda r: r["trechter"][0].update({"in": "240"}), "$.trechter[0].in: expected int"),
    (lambda r: r["rijen"]["bvh"]["uitkomst"].update(geteld=True),
     "$.rijen.bvh.uitkomst.geteld: expected int, found a boolean"),
])
def test_a_report_that_does_not_fit_names_the_field_never_the_value(exported, change, where):
    broken = json.loads(json.dumps(exported))
    change(broken)
    with pytest.raises(ModelError) as info:
        AuditReport.from_json(broken)
    assert str(info.value).startswith(where)
    assert "240" not in str(info.value)


def test_a_report_of_another_format_version_is_refused(exported):
    other = dict(exported, rapportversie=REPORT_VERSION + 1)
    with pytest.raises(ModelError, match="rapportversie"):
        AuditReport.from_json(other)
