"""Constraints are read off the published schema files, one per place that states one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from klaviyo_contract import Contract
from klaviyo_contract.constraints import Constraint, constraints, locations
from klaviyo_contract.registry import load_directory

SMALL: dict[str, dict[str, Any]] = {
    "Job": {
        "type": "object",
        "maxProperties": 5,
        "required": ["kind", "at"],
        "properties": {
            "kind": {"$ref": "#/components/schemas/Kind"},
            "at": {"type": "string", "format": "date-time", "nullable": True},
            "blob": {"type": "string", "format": "binary"},
            "note": {"type": "string", "nullable": False},
            "tags": {"type": "array", "items": {"type": "string", "nullable": True}},
        },
    },
    "Kind": {"type": "string", "enum": ["job"]},
}


def write_schemas(folder: Path, schemas: dict[str, dict[str, Any]]) -> Path:
    for name, schema in schemas.items():
        document = {"$id": f"#/components/schemas/{name}", "title": name, **schema}
        (folder / f"{name.lower()}.json").write_text(json.dumps(document), encoding="utf-8")
    return folder


def test_each_keyword_that_can_fail_is_one_constraint(tmp_path: Path) -> None:
    found = constraints(load_directory(write_schemas(tmp_path, SMALL)))
    job = "#/components/schemas/Job"
    assert [(c.kind, c.id, c.detail) for c in found] == [
        ("type", f"{job}/type", "object"),
        ("maxProperties", f"{job}/maxProperties", "5"),
        ("required", f"{job}/required/kind", "kind"),
        ("required", f"{job}/required/at", "at"),
        ("type", f"{job}/properties/at/type", "string"),
        ("format", f"{job}/properties/at/format", "date-time"),
        ("nullable", f"{job}/properties/at/nullable", None),
        ("type", f"{job}/properties/blob/type", "string"),
        ("type", f"{job}/properties/note/type", "string"),
        ("type", f"{job}/properties/tags/type", "array"),
        ("type", f"{job}/properties/tags/items/type", "string"),
        ("nullable", f"{job}/properties/tags/items/nullable", None),
        ("type", "#/components/schemas/Kind/type", "string"),
        ("enum", "#/components/schemas/Kind/enum", '["job"]'),
    ]


def test_an_unknown_format_and_nullable_false_are_not_constraints(tmp_path: Path) -> None:
    found = constraints(load_directory(write_schemas(tmp_path, SMALL)))
    assert not [c for c in found if c.detail == "binary"]
    assert not [c for c in found if "/note/" in c.schema_path and c.kind != "type"]


def test_a_required_constraint_carries_its_property_in_the_id() -> None:
    constraint = Constraint("Links", "required", "#/components/schemas/Links/required", "a/b~c")
    assert constraint.id == "#/components/schemas/Links/required/a~1b~0c"
    assert constraint.location == "#/components/schemas/Links"


def test_every_constraint_of_the_bundled_contract_points_at_its_keyword() -> None:
    schema_set = Contract.default().schema_set
    for constraint in constraints(schema_set):
        value = schema_set.at(constraint.schema_path)
        assert value is not None, constraint.id
        if constraint.kind == "required":
            assert constraint.detail in value
        elif constraint.kind == "nullable":
            assert value is True


def test_a_schema_many_others_refer_to_states_its_constraints_once() -> None:
    found = constraints(Contract.default().schema_set)
    links = [c for c in found if c.schema == "ObjectLinks"]
    assert [c.id for c in links] == [
        "#/components/schemas/ObjectLinks/type",
        "#/components/schemas/ObjectLinks/required/self",
        "#/components/schemas/ObjectLinks/properties/self/type",
        "#/components/schemas/ObjectLinks/properties/self/format",
    ]
    assert len({c.id for c in found}) == len(found)


def test_a_violation_names_the_place_of_its_constraint(queued_job: dict[str, Any]) -> None:
    contract = Contract.default()
    del queued_job["links"]["self"]
    queued_job["attributes"]["created_at"] = "yesterday"
    ids = {c.id for c in constraints(contract.schema_set)}
    for violation in contract.validate(
        queued_job, "CouponCodeCreateJobResponseObjectResource"
    ).violations:
        suffix = f"/{violation.property}" if violation.keyword == "required" else ""
        assert violation.schema_path + suffix in ids


def test_locations_follow_refs_properties_and_items() -> None:
    schema_set = Contract.default().schema_set
    payload = {
        "attributes": {
            "completed_at": None,
            "errors": [{"source": {"pointer": None}}],
        },
        "links": {"self": "https://a.klaviyo.com/api/"},
        "unnamed": None,
    }
    found = {
        (instance, position): value
        for instance, position, value in locations(
            schema_set, "CouponCodeCreateJobResponseObjectResource", payload
        )
    }
    root = "#/components/schemas/CouponCodeCreateJobResponseObjectResource"
    attributes = f"{root}/properties/attributes/properties"
    assert found[("/attributes/completed_at", f"{attributes}/completed_at")] is None
    assert found[("/attributes/errors/0", f"{attributes}/errors/items")] == {
        "source": {"pointer": None}
    }
    assert ("/attributes/errors/0", "#/components/schemas/APIJobErrorPayload") in found
    source = "#/components/schemas/ErrorSource/properties/pointer"
    assert found[("/attributes/errors/0/source/pointer", source)] is None
    self_link = "#/components/schemas/ObjectLinks/properties/self"
    assert found[("/links/self", self_link)] == "https://a.klaviyo.com/api/"
    assert not [instance for instance, _ in found if instance == "/unnamed"]


def test_locations_of_a_value_of_the_wrong_shape_stop_at_it() -> None:
    schema_set = Contract.default().schema_set
    found = list(
        locations(schema_set, "CouponCodeCreateJobResponseObjectResource", {"attributes": [1]})
    )
    assert [instance for instance, _, _ in found] == ["", "/attributes"]
