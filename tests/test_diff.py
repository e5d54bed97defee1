"""diff: structural changes between two contracts, classified for a consumer of responses."""

from __future__ import annotations

import copy
import io
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from conftest import needs_catalogue
from klaviyo_contract import Contract, SchemaSetError
from klaviyo_contract.diff import Change, Drift, compare, exit_status, load_side
from klaviyo_contract.openapi import read_document
from klaviyo_contract.registry import SchemaSet
from klaviyo_contract.reports.diff import WRITERS, write_json, write_junit, write_text
from klaviyo_contract.routing import Route
from klaviyo_contract.vendor import vendor
from test_openapi import needs_openapi

JOB = "CouponCodeCreateJobResponseObjectResource"
COUPONS_NAME = "klaviyo-coupons-api-openapi.yml"


# -- small hand-made contracts -----------------------------------------------------------


def contract_of(schemas: dict[str, Any], routes: tuple[Route, ...] = ()) -> Contract:
    """A contract of schemas given by name (``$id`` added), as the catalogue writes them."""
    documents = {
        name: {"$id": f"#/components/schemas/{name}", "title": name, **schema}
        for name, schema in schemas.items()
    }
    files = {name: f"{name}.json" for name in schemas}
    return Contract(SchemaSet(documents, files, origin="memory"), engine="reference", routes=routes)


def changes(old: dict[str, Any], new: dict[str, Any]) -> set[tuple[str, str, str, bool]]:
    """(subject, location, kind, breaking) of every change from ``old`` to ``new``."""
    drift = compare(contract_of(old), contract_of(new))
    return {(c.subject, c.location, c.kind, c.breaking) for c in drift.changes}


def thing(**properties: Any) -> dict[str, Any]:
    return {"Thing": {"type": "object", "properties": properties}}


@pytest.mark.parametrize(
    ("old", "new", "kind", "breaking"),
    [
        ({"type": "integer"}, {"type": "number"}, "type-changed", True),
        ({"type": "integer"}, {"type": "string"}, "type-changed", True),
        ({"type": "number"}, {"type": "integer"}, "type-narrowed", False),
        ({"type": ["string", "integer"]}, {"type": "string"}, "type-narrowed", False),
        ({"type": "string"}, {}, "type-removed", True),
        ({}, {"type": "string"}, "type-added", False),
        ({"type": "string"}, {"type": "string", "nullable": True}, "nullable-added", True),
        ({"type": "string", "nullable": True}, {"type": "string"}, "nullable-removed", False),
        ({"type": "string", "format": "date-time"}, {"type": "string"}, "format-removed", True),
        (
            {"type": "string", "format": "date-time"},
            {"type": "string", "format": "date"},
            "format-changed",
            True,
        ),
        ({"type": "string"}, {"type": "string", "format": "uri"}, "format-added", False),
        (
            {"type": "string", "maxLength": 5},
            {"type": "string", "maxLength": 9},
            "limit-relaxed",
            True,
        ),
        ({"type": "string", "maxLength": 5}, {"type": "string"}, "limit-relaxed", True),
        (
            {"type": "string", "maxLength": 9},
            {"type": "string", "maxLength": 5},
            "limit-tightened",
            False,
        ),
        ({"type": "array", "minItems": 1}, {"type": "array"}, "limit-relaxed", True),
        ({"type": "string"}, {"type": "string", "pattern": "^a"}, "pattern-added", False),
        (
            {"type": "string", "pattern": "^a"},
            {"type": "string", "pattern": "^b"},
            "pattern-changed",
            True,
        ),
        ({"enum": ["a", "b"]}, {"enum": ["a"]}, "enum-value-removed", False),
        ({"enum": ["a"]}, {"enum": ["a", "b"]}, "enum-value-added", True),
        ({"type": "string", "enum": ["a"]}, {"type": "string"}, "enum-removed", True),
        ({"type": "string"}, {"type": "string", "enum": ["a"]}, "enum-added", False),
        (
            {"oneOf": [{"type": "string"}]},
            {"oneOf": [{"type": "string"}, {"type": "integer"}]},
            "branch-added",
            True,
        ),
        (
            {"oneOf": [{"type": "string"}, {"type": "integer"}]},
            {"oneOf": [{"type": "string"}]},
            "branch-removed",
            False,
        ),
        (
            {"type": "object", "additionalProperties": False},
            {"type": "object"},
            "additional-properties-allowed",
            True,
        ),
        (
            {"type": "object"},
            {"type": "object", "additionalProperties": False},
            "additional-properties-forbidden",
            False,
        ),
        ({"type": "array", "items": {"type": "string"}}, {"type": "array"}, "items-removed", True),
        (
            {"type": "object", "not": {"required": ["a"]}},
            {"type": "object"},
            "keyword-removed",
            True,
        ),
    ],
)
def test_each_rule_classifies_its_change(
    old: dict[str, Any], new: dict[str, Any], kind: str, breaking: bool
) -> None:
    found = changes(thing(x=old), thing(x=new))
    assert {(k, b) for _, _, k, b in found} == {(kind, breaking)}, found
    assert all(location.startswith("/properties/x") for _, location, _, _ in found)


def test_annotations_are_ignored_entirely() -> None:
    old = thing(x={"type": "string", "description": "old", "example": "a", "readOnly": True})
    new = thing(x={"type": "string", "description": "new", "example": "b", "default": "c"})
    assert changes(old, new) == set()


def test_properties_and_required_names() -> None:
    old = {"Thing": {"type": "object", "properties": {"a": {}, "b": {}}, "required": ["a"]}}
    new = {"Thing": {"type": "object", "properties": {"a": {}, "c": {}}, "required": ["c"]}}
    assert changes(old, new) == {
        ("Thing", "/properties/b", "property-removed", True),
        ("Thing", "/properties/c", "property-added", False),
        ("Thing", "/required", "required-removed", True),
        ("Thing", "/required", "required-added", False),
    }


def test_a_changed_referenced_schema_is_reported_once_with_what_reaches_it() -> None:
    common = {
        "Status": {"type": "string", "enum": ["queued", "complete"]},
        "Job": {
            "type": "object",
            "properties": {"status": {"$ref": "#/components/schemas/Status"}},
        },
        "JobPage": {"type": "array", "items": {"$ref": "#/components/schemas/Job"}},
    }
    new = copy.deepcopy(common)
    new["Status"]["enum"].append("failed")
    routes = (Route("GET", "/api/jobs", "200", "JobPage"),)
    drift = compare(contract_of(common, routes), contract_of(new, routes))
    assert [(c.subject, c.location, c.kind, c.new) for c in drift.changes] == [
        ("Status", "/enum", "enum-value-added", '"failed"')
    ]
    assert drift.affected["Status"] == ("Job", "JobPage", "GET /api/jobs 200")
    assert exit_status(drift) == 1


def test_a_ref_renamed_to_the_same_shape_is_compatible() -> None:
    money = {"type": "object", "properties": {"amount": {"type": "number"}}}
    old = {
        "Money": money,
        "Item": {"properties": {"price": {"$ref": "#/components/schemas/Money"}}},
    }
    new = {
        "Price": money,
        "Item": {"properties": {"price": {"$ref": "#/components/schemas/Price"}}},
    }
    found = changes(old, new)
    assert ("Item", "/properties/price/$ref", "ref-renamed", False) in found
    assert {kind for subject, _, kind, _ in found if subject == "Item"} == {"ref-renamed"}


def test_a_ref_renamed_to_another_shape_is_compared_in_place_even_when_recursive() -> None:
    """Step-like schemas that refer to themselves: the comparison ends."""

    def step(name: str, extra: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {
                "steps": {"type": "array", "items": {"$ref": f"#/components/schemas/{name}"}},
                **extra,
            },
        }

    old = {"Step": step("Step", {"id": {"type": "string"}}), "Flow": {}}
    new = {"StepV2": step("StepV2", {}), "Flow": {}}
    old["Flow"] = {"properties": {"first": {"$ref": "#/components/schemas/Step"}}}
    new["Flow"] = {"properties": {"first": {"$ref": "#/components/schemas/StepV2"}}}
    found = {(loc, kind, b) for subject, loc, kind, b in changes(old, new) if subject == "Flow"}
    assert found == {
        ("/properties/first/$ref", "ref-renamed", False),
        ("/properties/first/properties/id", "property-removed", True),
        ("/properties/first/properties/steps/items/$ref", "ref-renamed", False),
    }


def test_an_inline_schema_in_place_of_a_ref_is_compared_structurally() -> None:
    links = {"type": "object", "properties": {"self": {"type": "string", "format": "uri"}}}
    old = {"Links": links, "Doc": {"properties": {"links": {"$ref": "#/components/schemas/Links"}}}}
    inline = copy.deepcopy(links)
    del inline["properties"]["self"]["format"]
    new = {"Links": links, "Doc": {"properties": {"links": inline}}}
    assert changes(old, new) == {
        ("Doc", "/properties/links/properties/self/format", "format-removed", True)
    }


def test_routes_removed_added_and_answered_by_another_schema() -> None:
    schemas = {
        "A": {"type": "object", "properties": {"n": {"type": "integer"}}},
        "B": {"type": "object", "properties": {"n": {"type": "string"}}},
    }
    old = (Route("GET", "/a", "200", "A"), Route("GET", "/gone", "200", "A"))
    new = (Route("GET", "/a", "200", "B"), Route("POST", "/a", "201", "A"))
    drift = compare(contract_of(schemas, old), contract_of(schemas, new))
    found = {(c.scope, c.subject, c.location, c.kind, c.breaking) for c in drift.changes}
    assert found == {
        ("route", "GET /a 200", "", "route-schema-changed", True),
        ("route", "GET /a 200", "/properties/n/type", "type-changed", True),
        ("route", "GET /gone 200", "", "route-removed", True),
        ("route", "POST /a 201", "", "route-added", False),
    }


def test_exit_status_is_one_only_when_something_breaks() -> None:
    compatible = compare(contract_of(thing()), contract_of(thing(x={"type": "string"})))
    assert compatible.changes
    assert exit_status(compatible) == 0
    assert exit_status(Drift("a", "b", ())) == 0


# -- real revisions of catalogue schemas ---------------------------------------------------


@pytest.fixture
def job_folders(tmp_path: Path) -> tuple[Path, Path]:
    """The coupon-code job resource and its closure, vendored twice: old and new."""
    catalogue = needs_catalogue()
    old, new = tmp_path / "old", tmp_path / "new"
    vendor([JOB], catalogue, old)
    shutil.copytree(old, new)
    (new / "schemas.lock").unlink()
    return old, new


def edit(folder: Path, name: str, change: Any) -> None:
    path = next(p for p in folder.glob("*.json") if json.loads(p.read_text())["title"] == name)
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document, indent=2))


def kinds(drift: Drift) -> set[tuple[str, str, str, bool]]:
    return {(c.subject, c.location, c.kind, c.breaking) for c in drift.changes}


def test_an_unchanged_copy_has_no_drift(job_folders: tuple[Path, Path]) -> None:
    old, new = job_folders
    drift = compare(load_side(old), load_side(new))
    assert drift.changes == ()
    assert exit_status(drift) == 0


def test_removing_a_required_property_breaks(job_folders: tuple[Path, Path]) -> None:
    old, new = job_folders

    def drop_total_count(document: dict[str, Any]) -> None:
        attributes = document["properties"]["attributes"]
        del attributes["properties"]["total_count"]
        attributes["required"].remove("total_count")

    edit(new, JOB, drop_total_count)
    drift = compare(load_side(old), load_side(new))
    assert kinds(drift) == {
        (JOB, "/properties/attributes/properties/total_count", "property-removed", True),
        (JOB, "/properties/attributes/required", "required-removed", True),
    }
    assert exit_status(drift) == 1


def test_adding_an_enum_value_breaks(job_folders: tuple[Path, Path]) -> None:
    old, new = job_folders
    edit(
        new,
        JOB,
        lambda d: d["properties"]["attributes"]["properties"]["status"]["enum"].append("failed"),
    )
    drift = compare(load_side(old), load_side(new))
    assert [(c.location, c.kind, c.breaking, c.new) for c in drift.changes] == [
        ("/properties/attributes/properties/status/enum", "enum-value-added", True, '"failed"')
    ]


def test_adding_an_optional_property_is_compatible(job_folders: tuple[Path, Path]) -> None:
    old, new = job_folders

    def add_note(document: dict[str, Any]) -> None:
        document["properties"]["attributes"]["properties"]["note"] = {
            "type": "string",
            "nullable": True,
        }

    edit(new, JOB, add_note)
    drift = compare(load_side(old), load_side(new))
    assert kinds(drift) == {
        (JOB, "/properties/attributes/properties/note", "property-added", False)
    }
    assert drift.changes[0].new == "optional"
    assert exit_status(drift) == 0


def test_making_a_field_nullable_breaks(job_folders: tuple[Path, Path]) -> None:
    old, new = job_folders
    edit(
        new,
        JOB,
        lambda d: d["properties"]["attributes"]["properties"]["created_at"].update(nullable=True),
    )
    drift = compare(load_side(old), load_side(new))
    assert kinds(drift) == {
        (JOB, "/properties/attributes/properties/created_at/nullable", "nullable-added", True)
    }


def test_a_change_in_a_referenced_catalogue_schema_lists_the_job(
    job_folders: tuple[Path, Path],
) -> None:
    old, new = job_folders
    edit(new, "APIJobErrorPayload", lambda d: d["required"].remove("detail"))
    drift = compare(load_side(old), load_side(new))
    assert kinds(drift) == {("APIJobErrorPayload", "/required", "required-removed", True)}
    assert drift.affected["APIJobErrorPayload"] == (JOB,)


def test_description_and_example_edits_are_no_drift(job_folders: tuple[Path, Path]) -> None:
    old, new = job_folders

    def reword(document: dict[str, Any]) -> None:
        status = document["properties"]["attributes"]["properties"]["status"]
        status["description"] = "Where the job is."
        status["example"] = "queued"

    edit(new, JOB, reword)
    assert compare(load_side(old), load_side(new)).changes == ()


# -- OpenAPI documents -----------------------------------------------------------------------


def test_two_documents_share_unchanged_schemas_and_differ_in_the_rest() -> None:
    catalogs_path = needs_openapi()
    catalogs = load_side(catalogs_path)
    coupons = load_side(catalogs_path.with_name(COUPONS_NAME))
    shared = set(catalogs.names()) & set(coupons.names())
    assert {
        "ClientError",
        "ServerError",
        "ObjectLinks",
        "CollectionLinks",
        "RelationshipLinks",
    } <= shared
    drift = compare(catalogs, coupons)
    by_subject: dict[str, set[str]] = {}
    for change in drift.changes:
        by_subject.setdefault(change.subject, set()).add(change.kind)
    assert not shared & by_subject.keys()  # the overlap is identical in both documents
    for name in set(catalogs.names()) - shared:
        assert by_subject[name] == {"schema-removed"}
    for name in set(coupons.names()) - shared:
        assert by_subject[name] == {"schema-added"}
    routes = {c.subject: c.kind for c in drift.changes if c.scope == "route"}
    assert routes["GET /api/catalog-items/{id} 200"] == "route-removed"
    assert routes["GET /api/coupons/{id} 200"] == "route-added"
    assert exit_status(drift) == 1


def test_two_versions_of_one_document(tmp_path: Path) -> None:
    source = needs_openapi()
    document = read_document(source)
    revised = copy.deepcopy(document)
    schemas = revised["components"]["schemas"]
    schemas["CatalogItemBulkCreateJobEnum"]["enum"].append("catalog-item-bulk-create-job-v2")
    schemas["CatalogItemResponseObjectResource"]["properties"]["attributes"]["properties"][
        "brand"
    ] = {
        "type": "string",
        "nullable": True,
    }
    schemas["CatalogItemResponseObjectResource"]["properties"]["id"]["description"] = "Reworded."
    del revised["paths"]["/api/catalog-variants/{id}"]["get"]
    new_path = tmp_path / "catalogs-next.json"  # a JSON document works as well as YAML
    new_path.write_text(json.dumps(revised))
    drift = compare(load_side(source), load_side(new_path))
    schema_changes = {
        (c.subject, c.location, c.kind, c.breaking) for c in drift.changes if c.scope == "schema"
    }
    assert schema_changes == {
        ("CatalogItemBulkCreateJobEnum", "/enum", "enum-value-added", True),
        (
            "CatalogItemResponseObjectResource",
            "/properties/attributes/properties/brand",
            "property-added",
            False,
        ),
    }
    removed = {c.subject for c in drift.changes if c.kind == "route-removed"}
    assert removed == {
        f"GET /api/catalog-variants/{{id}} {status}" for status in ("200", "4XX", "5XX")
    }
    reached = drift.affected["CatalogItemBulkCreateJobEnum"]
    assert "POST /api/catalog-item-bulk-create-jobs 202" in reached
    assert "PostCatalogItemCreateJobResponse" in reached


def test_load_side_takes_a_folder_or_a_document_and_nothing_else(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(SchemaSetError, match="neither a folder of schema files nor an OpenAPI"):
        load_side(tmp_path / "notes.txt")


# -- writers ------------------------------------------------------------------------------------


def sample_drift() -> Drift:
    common = {
        "Status": {"type": "string", "enum": ["queued"]},
        "Job": {"properties": {"status": {"$ref": "#/components/schemas/Status"}}},
    }
    new = copy.deepcopy(common)
    new["Status"]["enum"].append("failed")
    new["Job"]["properties"]["note"] = {"type": "string"}
    routes = (Route("GET", "/api/jobs/{id}", "200", "Job"),)
    return compare(contract_of(common, routes), contract_of(new, routes))


def test_the_text_report_lists_each_subject_its_changes_and_a_summary() -> None:
    out = io.StringIO()
    write_text(sample_drift(), out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "diff memory -> memory"
    assert "Job" in lines
    assert "  compatible #/properties/note property-added: - -> optional" in lines
    assert '  BREAKING   #/enum enum-value-added: - -> "failed"' in lines
    assert "  reached from: Job, GET /api/jobs/{id} 200" in lines
    assert lines[-1] == "2 changes (1 breaking, 1 compatible) in 2 schemas and 0 routes"


def test_the_json_report_holds_every_change_and_what_it_reaches() -> None:
    out = io.StringIO()
    write_json(sample_drift(), out)
    report = json.loads(out.getvalue())
    assert report["breaking"] == 1
    assert report["compatible"] == 1
    assert report["changes"][0] == {
        "scope": "schema",
        "subject": "Job",
        "location": "/properties/note",
        "kind": "property-added",
        "breaking": False,
        "old": None,
        "new": "optional",
    }
    assert report["affected"] == {
        "Job": ["GET /api/jobs/{id} 200"],
        "Status": ["Job", "GET /api/jobs/{id} 200"],
    }


def test_the_junit_report_fails_the_subjects_that_break() -> None:
    out = io.StringIO()
    write_junit(sample_drift(), out)
    root = ET.fromstring(out.getvalue())
    assert root.attrib["tests"] == "2"
    assert root.attrib["failures"] == "1"
    cases = {case.attrib["name"]: case for case in root.iter("testcase")}
    assert cases["Status"].find("failure") is not None
    assert "enum-value-added" in (cases["Status"].find("failure").text or "")
    assert cases["Job"].find("failure") is None
    assert "property-added" in (cases["Job"].find("system-out").text or "")


def test_writers_table_names_every_format() -> None:
    assert set(WRITERS) == {"text", "json", "junit"}


def test_a_change_reads_as_one_line() -> None:
    change = Change("Job", "/required", "required-removed", True, "id", None)
    assert str(change) == "BREAKING   Job#/required required-removed: id -> -"
    assert change.detail() == "BREAKING   #/required required-removed: id -> -"
