"""Each rule of the dialect (docs/dialect.md) on a real catalogue schema, under both engines."""

from __future__ import annotations

import functools
from typing import Any

import pytest

from conftest import ENGINES, needs_catalogue
from klaviyo_contract import Contract, dialect

pytestmark = pytest.mark.parametrize("engine", ENGINES)


@functools.cache
def _catalogue(engine: str) -> Contract:
    return Contract.from_directory(needs_catalogue(), engine=engine)


def found(engine: str, payload: Any, name: str) -> set[tuple[str, str]]:
    """(instance path, keyword) of every violation of ``payload`` against ``name``."""
    result = _catalogue(engine).validate(payload, name)
    return {(v.instance_path, v.keyword) for v in result.violations}


def at(engine: str, name: str, pointer: str) -> dialect.Schema:
    """The published subschema the test is about: it fails loudly if upstream moves it."""
    node = _catalogue(engine).schema_set.at(f"#/components/schemas/{name}{pointer}")
    assert isinstance(node, dict), f"{name}{pointer} is gone from the catalogue"
    return node


OBJECT_LINKS = {"self": "https://a.klaviyo.com/api/metric-properties/abc/"}


def test_nullable_beside_type_admits_null(engine: str) -> None:
    """Link.next is ``{"type": "string", "nullable": true}`` and required."""
    assert at(engine, "Link", "/properties/next") == {"type": "string", "nullable": True}
    assert found(engine, {"next": None}, "Link") == set()
    assert found(engine, {"next": "https://a.klaviyo.com/api/x?page=2"}, "Link") == set()
    assert found(engine, {"next": 7}, "Link") == {("/next", "type")}


def test_without_nullable_null_is_rejected(engine: str) -> None:
    """ObjectLinks.self has a type and no ``nullable``: null is a type violation."""
    assert "nullable" not in at(engine, "ObjectLinks", "/properties/self")
    assert found(engine, {"self": None}, "ObjectLinks") == {("/self", "type")}


def test_nullable_beside_ref_admits_null_or_the_referenced_schema(engine: str) -> None:
    """Close.properties is ``{"$ref": CloseProperties, "nullable": true}``."""
    node = at(engine, "Close", "/properties/properties")
    assert node["$ref"].endswith("/CloseProperties")
    assert node["nullable"] is True
    close = {"submit": True, "type": "close"}
    assert found(engine, {**close, "properties": None}, "Close") == set()
    assert found(engine, {**close, "properties": {"list_id": "Xy12Ab"}}, "Close") == set()
    assert found(engine, {**close, "properties": {"list_id": 3}}, "Close") == {
        ("/properties/list_id", "type")
    }
    assert found(engine, {**close, "properties": "Xy12Ab"}, "Close") == {("/properties", "type")}


def test_nullable_beside_one_of_admits_null_or_a_branch(engine: str) -> None:
    """SectionV0.data is a nullable ``oneOf`` of integer, number, string, boolean."""
    node = at(engine, "SectionV0", "/properties/data")
    assert node["nullable"] is True
    assert len(node["oneOf"]) == 4
    section = {"content_type": "section", "type": "section"}
    for data in (None, 3, 2.5, "x", False):
        assert found(engine, {**section, "data": data}, "SectionV0") == set(), data
    assert found(engine, {**section, "data": [1]}, "SectionV0") == {("/data", "oneOf")}


def test_nullable_on_an_enum_without_null_admits_null(engine: str) -> None:
    """PhoneNumberConsentChannelSettings.consent_type: its enum lists no null."""
    node = at(engine, "PhoneNumberConsentChannelSettings", "/properties/consent_type")
    assert None not in node["enum"]
    assert node["nullable"] is True
    name = "PhoneNumberConsentChannelSettings"
    assert found(engine, {"consent_type": None}, name) == set()
    assert found(engine, {"consent_type": "promotional"}, name) == set()
    assert found(engine, {"consent_type": "sometimes"}, name) == {("/consent_type", "enum")}


def test_nullable_on_a_schema_without_type_admits_anything(engine: str) -> None:
    """HasEmailMarketing.filters is ``{"nullable": true}`` and nothing else."""
    assert at(engine, "HasEmailMarketing", "/properties/filters") == {"nullable": True}
    for filters in (None, [], {"a": 1}, "x", 0):
        payload = {"subscription": "any", "filters": filters}
        assert found(engine, payload, "HasEmailMarketing") == set(), filters


def test_one_of_admits_a_value_that_fits_several_branches(engine: str) -> None:
    """GreaterThanPositiveNumericFilter.value is ``oneOf: [integer, number]``.

    Every integer is also a number: read strictly, no integer could ever be sent.
    """
    node = at(engine, "GreaterThanPositiveNumericFilter", "/properties/value")
    assert node["oneOf"] == [{"type": "integer"}, {"type": "number"}]
    name = "GreaterThanPositiveNumericFilter"
    base = {"type": "numeric", "operator": "greater-than"}
    assert found(engine, {**base, "value": 5}, name) == set()
    assert found(engine, {**base, "value": 5.5}, name) == set()
    assert found(engine, {**base, "value": "5"}, name) == {("/value", "oneOf")}
    assert found(engine, {**base, "value": None}, name) == {("/value", "oneOf")}


def test_one_of_identical_branches_still_admit_their_value(engine: str) -> None:
    """CampaignResponseObjectResource requires send_options, a oneOf of three identical schemas.

    Read strictly, no campaign could ever conform.
    """
    node = at(engine, "CampaignResponseObjectResource", "/properties/attributes")
    assert "send_options" in node["required"]
    branches = node["properties"]["send_options"]["oneOf"]
    contract = _catalogue(engine)
    names = [dialect.ref_name(branch["$ref"]) for branch in branches]
    assert names == ["EmailSendOptions", "SMSSendOptions", "PushSendOptions"]
    shapes = [
        {k: v for k, v in contract.schema(str(n)).items() if k not in ("$id", "title")}
        for n in names
    ]
    assert shapes[0] == shapes[1] == shapes[2]
    campaign = {
        "type": "campaign",
        "id": "01J0000000000000000000000",
        "attributes": {
            "name": "Spring sale",
            "status": "Draft",
            "archived": False,
            "audiences": {"included": ["Y6nRLr"], "excluded": []},
            "send_options": {"use_smart_sending": True},
            "send_strategy": {"method": "immediate"},
            "created_at": "2024-03-04T10:11:12+00:00",
            "updated_at": "2024-03-04T10:11:12+00:00",
        },
        "links": {"self": "https://a.klaviyo.com/api/campaigns/01J0000000000000000000000/"},
    }
    assert found(engine, campaign, "CampaignResponseObjectResource") == set()
    campaign["attributes"]["send_options"] = "smart"
    assert found(engine, campaign, "CampaignResponseObjectResource") == {
        ("/attributes/send_options", "oneOf")
    }


def test_all_of_requires_every_branch(engine: str) -> None:
    """GetMetricPropertyResponseCompoundDocument.data: a resource, plus sample_values."""
    node = at(engine, "GetMetricPropertyResponseCompoundDocument", "/properties/data")
    assert len(node["allOf"]) == 2
    resource = {
        "type": "metric-property",
        "id": "925e385b52fb405715f3616c337cc65c",
        "attributes": {
            "label": "Categories",
            "property": "Categories",
            "inferred_type": "List",
            "sample_values": [1, 2.5, "shoes", True],
        },
        "links": OBJECT_LINKS,
    }
    name = "GetMetricPropertyResponseCompoundDocument"
    assert found(engine, {"data": resource}, name) == set()
    broken = {**resource, "attributes": {**resource["attributes"], "sample_values": [[]]}}
    assert found(engine, {"data": broken}, name) == {("/data/attributes/sample_values/0", "oneOf")}
    del broken["attributes"]["label"]
    assert ("/data/attributes", "required") in found(engine, {"data": broken}, name)


def test_read_only_and_write_only_are_annotations(engine: str) -> None:
    """SocialSpacerSubBlock.id is readOnly, CodeAction.temporary_id writeOnly: both may appear."""
    assert at(engine, "SocialSpacerSubBlock", "/properties/id")["readOnly"] is True
    assert at(engine, "CodeAction", "/properties/temporary_id")["writeOnly"] is True
    spacer = {"type": "social_link_spacer", "id": "abc", "width": 8}
    assert found(engine, spacer, "SocialSpacerSubBlock") == set()
    action = {"type": "code", "temporary_id": "action-1", "id": None}
    assert found(engine, action, "CodeAction") == set()


def test_max_properties_is_asserted(engine: str) -> None:
    """TriggerBaseProperties is ``{"type": "object", "maxProperties": 0}``."""
    assert at(engine, "TriggerBaseProperties", "")["maxProperties"] == 0
    assert found(engine, {}, "TriggerBaseProperties") == set()
    assert found(engine, {"a": 1}, "TriggerBaseProperties") == {("", "maxProperties")}


def test_format_date_is_asserted(engine: str) -> None:
    """SmartSendTimeStrategy.date is an RFC 3339 full-date."""
    assert at(engine, "SmartSendTimeStrategy", "/properties/date")["format"] == "date"
    base = {"method": "smart_send_time"}
    assert found(engine, {**base, "date": "2024-02-29"}, "SmartSendTimeStrategy") == set()
    for bad in ("2024-02-30", "2024-02-29T00:00:00Z", "29/02/2024"):
        assert found(engine, {**base, "date": bad}, "SmartSendTimeStrategy") == {
            ("/date", "format")
        }, bad


def test_format_time_is_asserted(engine: str) -> None:
    """TargetDateActionData.target_time is an RFC 3339 full-time (with its offset)."""
    assert at(engine, "TargetDateActionData", "/properties/target_time")["format"] == "time"
    assert found(engine, {"target_time": "09:30:00Z"}, "TargetDateActionData") == set()
    assert found(engine, {"target_time": "09:30:00+02:00"}, "TargetDateActionData") == set()
    for bad in ("09:30:00", "25:00:00Z", "9am"):
        assert found(engine, {"target_time": bad}, "TargetDateActionData") == {
            ("/target_time", "format")
        }, bad


def test_format_binary_is_an_annotation(engine: str) -> None:
    """ImageUploadQuery.file is ``format: binary`` (OpenAPI's): any string will do."""
    assert at(engine, "ImageUploadQuery", "/properties/file")["format"] == "binary"
    for file in ("", "\x89PNG\r\n\x1a\n", "not base64 at all"):
        assert found(engine, {"file": file}, "ImageUploadQuery") == set()
    assert found(engine, {"file": 7}, "ImageUploadQuery") == {("/file", "type")}


def test_a_self_referencing_schema_is_checked_at_every_depth(engine: str) -> None:
    """Step.steps is a nullable array of Steps: the rule holds however deep it nests."""
    assert at(engine, "Step", "/properties/steps/items") == {"$ref": "#/components/schemas/Step"}
    step: dict[str, Any] = {"columns": [], "steps": None}
    for _ in range(12):
        step = {"columns": [], "name": None, "steps": [step]}
    assert found(engine, step, "Step") == set()
    inner = step
    for _ in range(12):
        inner = inner["steps"][0]
    del inner["columns"]
    assert found(engine, step, "Step") == {("/steps/0" * 12, "required")}


def test_properties_a_schema_does_not_name_are_allowed(engine: str) -> None:
    """ObjectLinks names only ``self``: others pass, and strict mode reports them."""
    payload = {**OBJECT_LINKS, "related": "https://a.klaviyo.com/api/x/"}
    assert found(engine, payload, "ObjectLinks") == set()
    strict = _catalogue(engine).validate(payload, "ObjectLinks", strict=True)
    assert {(v.instance_path, v.keyword) for v in strict.violations} == {
        ("/related", "additionalProperties")
    }
