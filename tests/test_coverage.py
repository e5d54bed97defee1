"""The coverage model: items, drift with its place, and merging in any order."""

from __future__ import annotations

import copy
import itertools
import json
import pickle
from typing import Any

import pytest

from conftest import QUEUED_COUPON_JOB, ROOT
from klaviyo_contract import Contract, inputs
from klaviyo_contract.coverage import DISTINCT, EXAMPLES, Coverage, Plan
from klaviyo_contract.model import Exchange, Record, Source
from klaviyo_contract.registry import SchemaSet
from klaviyo_contract.routing import Route

COUPON = "CouponCodeCreateJobResponseObjectResource"
PREFIX = "#/components/schemas/"
ATTRIBUTES = f"{PREFIX}{COUPON}/properties/attributes/properties"


def _thing_contract() -> Contract:
    """Three schemas with every construct the walk handles: a ref to an enum, oneOf,
    allOf, nullable, arrays, additionalProperties and a recursive ref."""
    schemas: dict[str, Any] = {
        "Thing": {
            "type": "object",
            "required": ["kind"],
            "properties": {
                "kind": {"$ref": f"{PREFIX}Kind"},
                "value": {"oneOf": [{"type": "integer"}, {"type": "string", "enum": ["a", "b"]}]},
                "note": {"type": "string", "nullable": True, "format": "date-time"},
                "tags": {"type": "array", "items": {"type": "string"}},
                "child": {"$ref": f"{PREFIX}Thing"},
                "meta": {"type": "object", "additionalProperties": {"type": "integer"}},
                "both": {
                    "allOf": [
                        {"type": "object", "properties": {"a": {"type": "string"}}},
                        {"type": "object", "properties": {"b": {"type": "string"}}},
                    ]
                },
            },
        },
        "Kind": {"type": "string", "enum": ["x", "y"]},
        "Problem": {"type": "object", "properties": {"detail": {"type": "string"}}},
    }
    routes = [
        Route("GET", "/things/{id}", "200", "Thing"),
        Route("GET", "/things/{id}", "4XX", "Problem"),
    ]
    return Contract(SchemaSet(schemas, {name: name for name in schemas}), routes=routes)


THINGS = _thing_contract()


def _location(model: dict[str, Any], pointer: str) -> dict[str, Any]:
    name = pointer[len(PREFIX) :].split("/", maxsplit=1)[0]
    schema = next(s for s in model["schemas"] if s["name"] == name)
    return next(row for row in schema["locations"] if row["pointer"] == pointer)


def _counted(contract: Contract, *payloads: Any, name: str) -> dict[str, Any]:
    coverage = Coverage.of(contract)
    for index, payload in enumerate(payloads):
        coverage.add(payload, name, source=Source("p.ndjson", index + 1))
    return coverage.to_dict()


def _canonical(coverage: Coverage) -> str:
    return json.dumps(coverage.to_dict(), sort_keys=True)


def test_a_queued_job_exercises_nulls_and_one_status_and_leaves_the_rest_unseen() -> None:
    model = _counted(Contract.default(), QUEUED_COUPON_JOB, name=COUPON)
    status = _location(model, f"{ATTRIBUTES}/status")
    assert status["enum"]["seen"] == ["queued"]
    assert status["enum"]["unseen"] == ["cancelled", "complete", "processing"]
    completed_at = _location(model, f"{ATTRIBUTES}/completed_at")
    assert completed_at["property"] == {"required": False, "present": 0, "absent": 0}
    assert completed_at["null"] == 1
    assert (completed_at["items"], completed_at["exercised"]) == (3, 1)
    created_at = _location(model, f"{ATTRIBUTES}/created_at")
    assert created_at["property"]["present"] == 1
    assert created_at["items"] == 1, "a required property's absence is no item"
    assert created_at["format"] == "date-time"
    data = _location(
        model, f"{PREFIX}{COUPON}/properties/relationships/properties/coupon-codes/properties/data"
    )
    assert data["array"] == {"empty": 1, "one": 0, "many": 0}


def test_the_headline_adds_up_the_items_of_every_route_and_schema() -> None:
    model = _counted(Contract.default(), QUEUED_COUPON_JOB, name=COUPON)
    headline = model["headline"]
    assert headline["items"] == sum(r["items"] for r in model["routes"]) + sum(
        s["items"] for s in model["schemas"]
    )
    assert headline["exercised"] == headline["route_exercised"] + headline["schema_exercised"]
    assert 0 < headline["percent"] < 100
    assert model["version"] == 1


def test_branches_taken_refs_recursion_and_additional_properties_are_counted() -> None:
    payloads = [
        {"kind": "x", "value": 3, "tags": [], "meta": {"anything": 1}},
        {"kind": "y", "value": "a", "tags": ["t"], "child": {"kind": "x"}, "note": None},
        {"kind": "x", "value": "not in the enum", "tags": ["t", "u"], "both": {"a": "", "b": ""}},
    ]
    model = _counted(THINGS, *payloads, name="Thing")
    thing = f"{PREFIX}Thing/properties"
    assert _location(model, f"{thing}/value")["branches"] == {"oneOf": [1, 1]}
    assert _location(model, f"{PREFIX}Kind")["enum"]["values"] == [
        {"value": "x", "seen": 3},
        {"value": "y", "seen": 1},
    ], "the child's kind is counted through the recursive ref"
    assert _location(model, f"{thing}/tags")["array"] == {"empty": 1, "one": 1, "many": 1}
    assert _location(model, f"{thing}/note")["null"] == 1
    assert model["drift"] == {"unnamed_properties": [], "outside_enum": [], "null_not_nullable": []}


def test_drift_says_what_and_where_it_was_seen() -> None:
    payloads = [
        {"kind": "z", "both": {"a": "", "c": 1}, "extra": True},
        {"kind": None},
    ]
    drift = _counted(THINGS, *payloads, name="Thing")["drift"]
    assert drift["unnamed_properties"] == [
        {
            "location": f"{PREFIX}Thing",
            "property": "extra",
            "seen": 1,
            "examples": [{"file": "p.ndjson", "line": 1, "entry": None, "instance_path": "/extra"}],
        },
        {
            "location": f"{PREFIX}Thing/properties/both",
            "property": "c",
            "seen": 1,
            "examples": [
                {"file": "p.ndjson", "line": 1, "entry": None, "instance_path": "/both/c"}
            ],
        },
    ]
    assert drift["outside_enum"] == [
        {
            "location": f"{PREFIX}Kind",
            "value": '"z"',
            "seen": 1,
            "examples": [{"file": "p.ndjson", "line": 1, "entry": None, "instance_path": "/kind"}],
        }
    ]
    assert drift["null_not_nullable"] == [
        {
            "location": f"{PREFIX}Thing/properties/kind",
            "seen": 1,
            "examples": [{"file": "p.ndjson", "line": 2, "entry": None, "instance_path": "/kind"}],
        }
    ]


def test_drift_keeps_the_first_examples_by_input_order_whatever_order_they_come_in() -> None:
    coverage = Coverage.of(THINGS)
    for line in reversed(range(1, 13)):
        coverage.add({"kind": "x", "extra": 1}, "Thing", source=Source("f.ndjson", line))
    (entry,) = coverage.to_dict()["drift"]["unnamed_properties"]
    assert entry["seen"] == 12
    assert [e["line"] for e in entry["examples"]] == list(range(1, EXAMPLES + 1))


def test_many_unnamed_names_keep_memory_bounded_and_merge_exactly() -> None:
    """Past the bound, a location keeps its first names (sorted) and counts the others."""
    names = [f"p{index:03d}" for index in range(3 * DISTINCT)]
    parts = []
    for chunk in (names[::3], names[1::3], names[2::3]):
        part = Coverage.of(THINGS)
        part.add({"kind": "x", **dict.fromkeys(chunk, 0)}, "Thing")
        parts.append(part)
    models = {
        json.dumps(Coverage.merged(parts[0].plan, order).to_dict()["drift"])
        for order in itertools.permutations(parts)
    }
    assert len(models) == 1
    whole = Coverage.of(THINGS)
    whole.add({"kind": "x", **dict.fromkeys(names, 0)}, "Thing")
    unnamed = whole.to_dict()["drift"]["unnamed_properties"]
    assert [e.get("property") for e in unnamed[:DISTINCT]] == sorted(names)[:DISTINCT]
    assert unnamed[-1]["others"] == 2 * DISTINCT
    assert len(unnamed) == DISTINCT + 1
    assert models == {json.dumps(whole.to_dict()["drift"])}


def test_parts_merge_to_the_same_json_in_any_order_and_grouping() -> None:
    contract = Contract.default()
    plan = Plan.of(contract)
    records = [r for r in inputs.read(str(ROOT / "examples")) if isinstance(r, Record)]
    whole = Coverage(plan)
    parts = [Coverage(plan) for _ in range(3)]
    for index, record in enumerate(records):
        name = contract.route(record.payload, record.exchange)
        for target in (whole, parts[index % 3]):
            target.add(record.payload, name, source=record.source, exchange=record.exchange)
    expected = _canonical(whole)
    for order in itertools.permutations(parts):
        assert _canonical(Coverage.merged(plan, order)) == expected
    a, b, c = (copy.deepcopy(part) for part in parts)
    left = Coverage.merged(plan, [Coverage.merged(plan, [a, b]), c])
    right = Coverage.merged(plan, [a, Coverage.merged(plan, [b, c])])
    assert _canonical(left) == _canonical(right) == expected


def test_a_coverage_pickles_and_travels_as_json_state() -> None:
    coverage = Coverage.of(THINGS)
    coverage.add({"kind": "z", "extra": 1}, "Thing", source=Source("a.har", entry="entries[2]"))
    coverage.add({}, "Problem", exchange=Exchange("GET", "https://x.test/things/1", 404))
    restored = pickle.loads(pickle.dumps(coverage))
    assert _canonical(restored) == _canonical(coverage)
    state = json.loads(json.dumps(coverage.state()))
    assert _canonical(Coverage.from_state(coverage.plan, state)) == _canonical(coverage)


def test_coverage_of_another_contract_does_not_merge() -> None:
    with pytest.raises(ValueError, match="different contracts"):
        Coverage.of(THINGS).merge(Coverage.of(Contract.default()))


def test_statuses_count_under_their_documented_status_or_as_undocumented() -> None:
    coverage = Coverage.of(THINGS)
    for status, name in ((200, "Thing"), (404, "Problem"), (429, "Problem"), (302, "Problem")):
        exchange = Exchange("GET", f"https://x.test/things/{status}?a=1", status)
        coverage.add({"kind": "x"} if name == "Thing" else {}, name, exchange=exchange)
    coverage.add({}, "Problem", exchange=Exchange("GET", "https://x.test/elsewhere", 404))
    model = coverage.to_dict()
    (route,) = model["routes"]
    assert route["statuses"] == [
        {"status": "200", "seen": 1, "codes": {"200": 1}},
        {"status": "4XX", "seen": 2, "codes": {"404": 1, "429": 1}},
    ]
    assert route["undocumented"] == [{"status": "302", "seen": 1}]
    assert (route["seen"], route["unseen"]) == (["200", "4XX"], [])
    assert model["payloads"]["unrouted_exchanges"] == 1


def test_an_unknown_schema_name_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        Coverage.of(THINGS).add({}, "Nothing")


@pytest.mark.parametrize(
    "name",
    [
        "CouponCodeCreateJobResponseObjectResource",
        "PostCatalogItemCreateJobResponse",
        "ClientError",
    ],
)
def test_generated_payloads_count_without_error_and_valid_ones_show_no_null_or_enum_drift(
    name: str,
) -> None:
    """Drift of null or of an enum value is always a violation too: a valid payload has
    none; an invalid one (each breaking one labelled constraint) is still counted."""
    from klaviyo_contract.generation import examples

    contract = Contract.default()
    valid, invalid = Coverage.of(contract), Coverage.of(contract)
    for payload in examples(contract.payloads(name), count=25, seed=7):
        assert contract.validate(payload, name).valid
        valid.add(payload, name)
    for broken in examples(contract.invalid_payloads(name), count=25, seed=7):
        invalid.add(broken.payload, name)
    drift = valid.to_dict()["drift"]
    assert drift["null_not_nullable"] == drift["outside_enum"] == []
    assert valid.payloads == invalid.payloads == 25


def test_a_schema_nested_deeper_than_python_nests_blocks_is_still_walked() -> None:
    """Generated code past a depth calls a function of its own: no IndentationError."""
    schema: dict[str, Any] = {"type": "string", "enum": ["a"]}
    payload: Any = "b"
    for level in range(60):
        if level % 2:
            schema = {"type": "array", "items": schema}
            payload = [payload]
        else:
            schema = {"type": "object", "properties": {"k": schema}}
            payload = {"k": payload}
    contract = Contract(SchemaSet({"Deep": schema}, {"Deep": "Deep"}))
    model = _counted(contract, payload, name="Deep")
    (entry,) = model["drift"]["outside_enum"]
    assert entry["examples"][0]["instance_path"] == "/0/k" * 30
    assert entry["location"] == "#/components/schemas/Deep" + "/items/properties/k" * 30
