"""The contract core: the dialect's semantics over the bundled seed schemas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import ENGINES
from klaviyo_contract import Contract, ContractViolation, UnknownSchema, UnresolvableRef
from klaviyo_contract.errors import NoSchemaFor, SchemaSetError

COUPON = "CouponCodeCreateJobResponseObjectResource"
CATALOG = "PostCatalogItemCreateJobResponse"


def pairs(result: Any) -> set[tuple[str, str]]:
    return {(v.instance_path, v.keyword) for v in result.violations}


def test_the_bundled_contract_covers_the_six_bulk_create_job_endpoints(contract: Contract) -> None:
    """The 22 published schemas of their responses, and the error document of 4xx/5xx."""
    assert len(contract.names()) == 24
    assert {COUPON, CATALOG, "ClientError", "ServerError"} <= set(contract.names())
    operations = {(route.method, route.template) for route in contract.routes}
    assert operations == {
        (method, f"/api/{kind}-bulk-create-jobs{suffix}")
        for kind in ("coupon-code", "catalog-item")
        for method, suffix in (("GET", ""), ("POST", ""), ("GET", "/{job_id}"))
    }


def test_a_queued_job_with_nulls_conforms(contract: Contract, queued_job: dict[str, Any]) -> None:
    result = contract.validate(queued_job, COUPON)
    assert result.valid, result.violations


def test_a_date_time_that_is_not_rfc_3339_fails_with_format(contract, queued_job) -> None:
    queued_job["attributes"]["created_at"] = "yesterday"
    assert pairs(contract.validate(queued_job, COUPON)) == {("/attributes/created_at", "format")}


def test_a_link_that_is_not_a_uri_fails_with_format(contract, queued_job) -> None:
    """`ObjectLinks` sits behind a $ref: the violation still names the payload's path."""
    queued_job["links"]["self"] = "not a uri"
    result = contract.validate(queued_job, COUPON)
    assert pairs(result) == {("/links/self", "format")}
    assert (
        result.violations[0].schema_path
        == "#/components/schemas/ObjectLinks/properties/self/format"
    )


def test_null_where_the_schema_is_not_nullable_fails_with_type(contract, queued_job) -> None:
    queued_job["attributes"]["total_count"] = None
    assert pairs(contract.validate(queued_job, COUPON)) == {("/attributes/total_count", "type")}


def test_a_wrong_type_discriminator_fails_with_enum(contract, queued_job) -> None:
    queued_job["type"] = "coupon-code"
    result = contract.validate(queued_job, COUPON)
    assert pairs(result) == {("/type", "enum")}
    assert (
        result.violations[0].schema_path == "#/components/schemas/CouponCodeBulkCreateJobEnum/enum"
    )


def test_every_violation_is_reported_not_just_the_first(contract, queued_job) -> None:
    queued_job["type"] = "job"
    queued_job["attributes"]["created_at"] = "2024-13-01T00:00:00Z"
    del queued_job["id"]
    queued_job["relationships"]["coupon-codes"]["data"] = [{"type": "coupon-code"}, {"id": 7}]
    assert pairs(contract.validate(queued_job, COUPON)) == {
        ("/type", "enum"),
        ("/attributes/created_at", "format"),
        ("", "required"),
        ("/relationships/coupon-codes/data/0", "required"),
        ("/relationships/coupon-codes/data/1", "required"),
        ("/relationships/coupon-codes/data/1/id", "type"),
    }


def test_a_missing_required_property_is_named(contract, queued_job) -> None:
    del queued_job["attributes"]["status"]
    (violation,) = contract.validate(queued_job, COUPON).violations
    assert (violation.instance_path, violation.keyword, violation.property) == (
        "/attributes",
        "required",
        "status",
    )
    assert '"status"' in violation.message


def test_annotations_never_fail_a_payload(contract, queued_job) -> None:
    """`example`, `default`, `description` and `title` say nothing about validity."""
    queued_job["attributes"]["completed_count"] = 12345  # the example says 9, default 0
    assert contract.validate(queued_job, COUPON).valid


def test_unnamed_properties_pass_unless_strict(contract, queued_job) -> None:
    queued_job["attributes"]["priority"] = "high"
    assert contract.validate(queued_job, COUPON).valid
    result = contract.validate(queued_job, COUPON, strict=True)
    assert pairs(result) == {("/attributes/priority", "additionalProperties")}
    assert result.violations[0].property == "priority"


def test_check_raises_listing_every_violation(contract, queued_job) -> None:
    queued_job["type"] = "nope"
    queued_job["attributes"]["total_count"] = "ten"
    with pytest.raises(ContractViolation) as caught:
        contract.check(queued_job, COUPON)
    text = str(caught.value)
    assert "2 violations" in text
    assert "/type" in text
    assert "/attributes/total_count" in text


def test_check_returns_the_result_when_the_payload_conforms(contract, queued_job) -> None:
    assert contract.check(queued_job, COUPON).valid


def test_the_json_api_type_picks_the_schema(contract, queued_job) -> None:
    assert contract.validate(queued_job).schema == COUPON
    # The type fits Post... and Get...CompoundDocument alike: a payload that breaks
    # both the same way is checked against the first, with the same verdict.
    document = {"data": {"type": "catalog-item-bulk-create-job"}}
    result = contract.validate(document)
    assert result.schema == "GetCatalogItemCreateJobResponseCompoundDocument"
    assert {(v.instance_path, v.keyword) for v in result.violations} == {("/data", "required")}


def test_a_payload_without_a_known_type_is_not_guessed(contract) -> None:
    with pytest.raises(NoSchemaFor, match="no loaded schema has type 'profile'"):
        contract.validate({"data": {"type": "profile", "id": "x"}})
    with pytest.raises(NoSchemaFor, match="no JSON:API type"):
        contract.validate([1, 2])


def test_an_unknown_schema_name_suggests_the_closest(contract) -> None:
    with pytest.raises(UnknownSchema, match="did you mean PostCatalogItemCreateJobResponse"):
        contract.validate({}, "PostCatalogItemCreateJobResponses")


def test_each_validator_is_compiled_once(contract) -> None:
    assert contract.engine.compile(COUPON) is contract.engine.compile(COUPON)
    assert contract.engine.compile(COUPON) is not contract.engine.compile(COUPON, strict=True)


def test_the_catalog_item_job_document_conforms(contract) -> None:
    document = {
        "data": {
            "type": "catalog-item-bulk-create-job",
            "id": "01HQ",
            "attributes": {
                "status": "complete",
                "created_at": "2024-03-04T10:11:12+00:00",
                "total_count": 2,
                "completed_count": 1,
                "failed_count": 1,
                "completed_at": "2024-03-04T10:12:00+00:00",
                "errors": [
                    {
                        "id": "e4eebb08-b055-4a6f-bb13-c8cb69c9eb94",
                        "code": "invalid",
                        "title": "Invalid input",
                        "detail": "SKU is required.",
                        "source": {"pointer": "/data/attributes/items/1"},
                    }
                ],
                "expires_at": "2024-03-11T10:12:00+00:00",
            },
            "relationships": {
                "items": {"data": [{"type": "catalog-item", "id": "$custom:::$default:::SKU-1"}]}
            },
            "links": {"self": "https://a.klaviyo.com/api/catalog-item-bulk-create-jobs/01HQ/"},
        },
        "links": {"self": "https://a.klaviyo.com/api/catalog-item-bulk-create-jobs/01HQ/"},
    }
    assert contract.validate(document, CATALOG).valid


# A hand-made three-schema contract for the dialect's corners.
def write_schemas(folder: Path, schemas: dict[str, dict[str, Any]]) -> Path:
    for name, schema in schemas.items():
        document = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"#/components/schemas/{name}",
            "title": name,
            **schema,
        }
        (folder / f"klaviyo-{name.lower()}-schema.json").write_text(json.dumps(document))
    return folder


@pytest.fixture(params=ENGINES)
def corners(tmp_path: Path, request: pytest.FixtureRequest) -> Contract:
    return Contract.from_directory(
        write_schemas(
            tmp_path,
            {
                "Channel": {"type": "string", "enum": ["email", "sms"]},
                "Money": {
                    "type": "object",
                    "properties": {"amount": {"type": "number"}},
                    "required": ["amount"],
                },
                "Thing": {
                    "type": "object",
                    "properties": {
                        "channel": {"$ref": "#/components/schemas/Channel", "nullable": True},
                        "status": {"type": "string", "enum": ["on", "off"], "nullable": True},
                        "price": {"$ref": "#/components/schemas/Money", "nullable": True},
                        "cost": {"$ref": "#/components/schemas/Money"},
                        "either": {
                            "oneOf": [{"type": "string"}, {"type": "integer"}],
                            "nullable": True,
                        },
                        "untyped": {"nullable": True, "description": "no type at all"},
                        "blob": {"type": "string", "format": "binary"},
                    },
                },
            },
        ),
        engine="reference",
    )


@pytest.mark.parametrize("field", ["channel", "status", "price", "either", "untyped"])
def test_nullable_admits_null_beside_refs_enums_and_one_of(corners, field) -> None:
    assert corners.validate({field: None}, "Thing").valid


def test_nullable_enums_still_reject_values_outside_the_enum(corners) -> None:
    assert pairs(corners.validate({"status": "maybe"}, "Thing")) == {("/status", "enum")}
    assert pairs(corners.validate({"channel": "push"}, "Thing")) == {("/channel", "enum")}


def test_null_behind_a_ref_without_nullable_is_rejected(corners) -> None:
    assert pairs(corners.validate({"cost": None}, "Thing")) == {("/cost", "type")}


def test_unknown_formats_are_annotations(corners) -> None:
    assert corners.validate({"blob": "%%% not base64 %%%"}, "Thing").valid


def test_a_ref_to_a_missing_schema_fails_at_load_naming_file_and_ref(tmp_path) -> None:
    write_schemas(tmp_path, {"Thing": {"properties": {"x": {"$ref": "#/components/schemas/Gone"}}}})
    with pytest.raises(UnresolvableRef) as caught:
        Contract.from_directory(tmp_path)
    message = str(caught.value)
    assert "klaviyo-thing-schema.json" in message
    assert "#/components/schemas/Gone" in message
    assert "/properties/x" in message


def test_a_ref_to_the_network_is_refused_at_load_never_fetched(tmp_path) -> None:
    write_schemas(tmp_path, {"Thing": {"$ref": "https://example.com/schemas/thing.json"}})
    with pytest.raises(UnresolvableRef, match=r"example\.com"):
        Contract.from_directory(tmp_path)


def test_a_file_that_is_not_json_is_a_load_error_naming_it(tmp_path) -> None:
    (tmp_path / "broken.json").write_text("{")
    with pytest.raises(SchemaSetError, match=r"broken\.json"):
        Contract.from_directory(tmp_path)


def test_plain_jsonschema_cannot_resolve_a_seed_file_on_its_own() -> None:
    """The problem the registry solves: without it the refs point nowhere."""
    import referencing.exceptions
    from jsonschema import Draft202012Validator

    schema = Contract.default().schema(COUPON)
    with pytest.raises(referencing.exceptions.Unresolvable):
        Draft202012Validator(schema).validate(
            {"type": "x", "id": "1", "attributes": {}, "links": {}}
        )
