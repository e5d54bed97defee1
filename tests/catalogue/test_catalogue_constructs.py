"""The catalogue's constructs in small hand-made sets: rewrite, generation, breaking.

The same constructs as the catalogue (overlapping ``oneOf``, ``allOf`` documents,
recursion, ``maxProperties``), kept small so these run without it.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from conftest import ENGINES
from klaviyo_contract import Contract, bundle
from klaviyo_contract.model import InvalidPayload
from klaviyo_contract.registry import SchemaSet
from klaviyo_contract.strategies import _root
from klaviyo_contract.strategies._breakers import invalid_payloads, targets
from klaviyo_contract.strategies._build import merge_all_of


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


SCHEMAS: dict[str, Any] = {
    "Options": {"type": "object", "properties": {"smart": {"type": "boolean", "nullable": True}}},
    "EmailOptions": {
        "type": "object",
        "properties": {"smart": {"type": "boolean", "nullable": True}},
    },
    "Campaign": {
        "type": "object",
        "properties": {
            "options": {"oneOf": [ref("Options"), ref("EmailOptions")]},
            "value": {"oneOf": [{"type": "integer"}, {"type": "number"}]},
            "tracking": {"nullable": True, "oneOf": [ref("Options"), ref("EmailOptions")]},
        },
        "required": ["options", "value"],
    },
    "Resource": {
        "type": "object",
        "properties": {
            "type": {"type": "string", "enum": ["thing"]},
            "attributes": {
                "type": "object",
                "properties": {"name": {"type": "string"}},
                "required": ["name"],
            },
        },
        "required": ["type", "attributes"],
    },
    "Document": {
        "type": "object",
        "properties": {
            "data": {
                "allOf": [
                    {
                        "properties": {
                            "attributes": {
                                "properties": {"count": {"type": "integer", "nullable": True}}
                            }
                        }
                    },
                    ref("Resource"),
                ]
            }
        },
        "required": ["data"],
    },
    "Step": {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "steps": {"type": "array", "items": ref("Step"), "nullable": True},
            "settings": {
                "type": "object",
                "nullable": True,
                "properties": {"mode": {"type": "string"}},
                "required": ["mode"],
            },
        },
        "required": ["name"],
    },
    "Empty": {"type": "object", "maxProperties": 0},
}


def contract(engine: str) -> Contract:
    documents = {
        name: {"$id": f"#/components/schemas/{name}", **schema} for name, schema in SCHEMAS.items()
    }
    return Contract(SchemaSet(documents, {n: f"{n}.json" for n in documents}), engine=engine)


CONTRACTS = {engine: contract(engine) for engine in ENGINES}
FEW = settings(max_examples=30, database=None, suppress_health_check=[HealthCheck.too_slow])


def test_one_of_branches_move_under_one_any_of_in_the_rewrite() -> None:
    schema_set = CONTRACTS["compiled"].schema_set
    forms = bundle.document(schema_set)["components"]["schemas"]
    assert forms["Campaign"]["properties"]["value"] == {
        "oneOf": [{"anyOf": [{"type": "integer"}, {"type": "number"}]}]
    }
    assert forms["Campaign"]["properties"]["tracking"]["oneOf"] == [
        {"anyOf": [ref("Options"), ref("EmailOptions")]},
        {"type": "null"},
    ]


def test_inline_rewrites_a_set_once() -> None:
    schema_set = CONTRACTS["compiled"].schema_set
    first = bundle.inline(schema_set, "Campaign")
    assert bundle._forms(schema_set) is bundle._forms(schema_set)
    assert bundle.inline(schema_set, "Campaign") == first


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("value", [5, 5.5])
def test_a_value_fitting_several_one_of_branches_conforms(engine: str, value: float) -> None:
    payload = {"options": {"smart": True}, "value": value}
    assert CONTRACTS[engine].validate(payload, "Campaign").valid


@pytest.mark.parametrize("engine", ENGINES)
def test_a_value_fitting_no_one_of_branch_is_a_one_of_violation(engine: str) -> None:
    result = CONTRACTS[engine].validate({"options": [], "value": "5"}, "Campaign")
    assert [(v.instance_path, v.keyword) for v in result.violations] == [
        ("/options", "oneOf"),
        ("/value", "oneOf"),
    ]
    assert result.violations[1].message == '"5" matches none of 2 alternatives'
    assert result.violations[1].schema_path == (
        "#/components/schemas/Campaign/properties/value/oneOf"
    )


def test_all_of_merges_properties_required_and_types() -> None:
    merged = merge_all_of(
        {
            "allOf": [
                {"properties": {"a": {"type": ["integer", "null"]}}, "required": ["a"]},
                {"type": "object", "properties": {"a": {"type": "number"}, "b": {}}},
                {"required": ["b"], "maxProperties": 5},
                {"maxProperties": 3},
            ]
        }
    )
    assert merged == {
        "properties": {"a": {"type": ["integer"]}, "b": {}},
        "required": ["a", "b"],
        "type": "object",
        "maxProperties": 3,
    }


def test_all_of_that_does_not_merge_is_left_to_hypothesis_jsonschema() -> None:
    schema = {"allOf": [{"type": "string", "pattern": "^a"}, {"pattern": "b$"}]}
    assert merge_all_of(schema) is None
    assert merge_all_of({"allOf": [{"type": "string"}, {"type": "integer"}]}) is None


@pytest.mark.parametrize("name", ["Campaign", "Document", "Step", "Empty"])
def test_payloads_of_each_construct_conform_under_both_engines(name: str) -> None:
    @FEW
    @given(CONTRACTS["compiled"].payloads(name))
    def conforms(payload: Any) -> None:
        for engine, contract in CONTRACTS.items():
            result = contract.validate(payload, name)
            assert result.valid, (engine, result.violations)

    conforms()


@pytest.mark.parametrize("name", ["Campaign", "Document", "Step"])
def test_invalid_payloads_of_each_construct_break_their_label(name: str) -> None:
    @FEW
    @given(CONTRACTS["compiled"].invalid_payloads(name))
    def breaks(example: InvalidPayload) -> None:
        for engine, contract in CONTRACTS.items():
            pairs = {
                (v.instance_path, v.keyword)
                for v in contract.validate(example.payload, name).violations
            }
            assert (example.instance_path, example.keyword) in pairs, (engine, example)
            assert {path for path, _ in pairs} == {example.instance_path}, (engine, example)

    breaks()


def test_unions_are_broken_as_a_whole_and_never_inside() -> None:
    found = targets(_root(CONTRACTS["compiled"], "Campaign", 2))
    unions = {
        (target.path, target.kind): target.values for target in found if target.keyword == "oneOf"
    }
    assert set(unions) == {(("options",), "oneOf"), (("value",), "oneOf"), (("tracking",), "oneOf")}
    assert None in unions[("options",), "oneOf"]
    assert None not in unions[("tracking",), "oneOf"]  # nullable: null fits
    assert 7 not in unions[("value",), "oneOf"]
    assert not [target for target in found if len(target.path) > 1]


def test_the_empty_object_schema_only_makes_empty_objects() -> None:
    @FEW
    @given(CONTRACTS["compiled"].payloads("Empty"))
    def empty(payload: Any) -> None:
        assert payload == {}

    empty()


def test_recursion_past_its_depth_leaves_arrays_empty() -> None:
    @FEW
    @given(CONTRACTS["compiled"].payloads("Step", depth=1))
    def shallow(payload: Any) -> None:
        assert payload.get("steps") in (None, [])

    shallow()


def test_a_required_name_inside_a_nullable_object_is_broken_even_when_drawn_null() -> None:
    """``settings`` is null in about half the valid Steps: it is made to exist first."""
    root = _root(CONTRACTS["compiled"], "Step", 2)
    (target,) = [t for t in targets(root) if t.path == ("settings",) and t.name == "mode"]

    @FEW
    @given(invalid_payloads(root, [target]))
    def breaks(example: InvalidPayload) -> None:
        assert isinstance(example.payload["settings"], dict)
        assert "mode" not in example.payload["settings"]
        for contract in CONTRACTS.values():
            pairs = {
                (v.instance_path, v.keyword)
                for v in contract.validate(example.payload, "Step").violations
            }
            assert pairs == {("/settings", "required")}

    breaks()
