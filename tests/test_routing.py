"""Routing: recorded exchanges by method, path and status; bare payloads by JSON:API type."""

from __future__ import annotations

import pytest

from klaviyo_contract import Contract, Exchange
from klaviyo_contract.errors import NoSchemaFor
from klaviyo_contract.routing import Route

JOB = "/api/coupon-code-bulk-create-jobs"


@pytest.mark.parametrize(
    ("method", "url", "status", "schema"),
    [
        ("POST", f"https://a.klaviyo.com{JOB}", 202, "PostCouponCodeCreateJobResponse"),
        (
            "GET",
            f"https://a.klaviyo.com{JOB}/01HQ7Z",
            200,
            "GetCouponCodeCreateJobResponseCompoundDocument",
        ),
        (
            "GET",
            f"https://a.klaviyo.com{JOB}/01HQ7Z/",
            200,
            "GetCouponCodeCreateJobResponseCompoundDocument",
        ),
        (
            "get",
            f"{JOB}?page[cursor]=abc",
            200,
            "GetCouponCodeCreateJobResponseCollectionCompoundDocument",
        ),
        ("GET", f"{JOB}/01HQ7Z", 404, "ClientError"),
        ("POST", JOB, 429, "ClientError"),
        ("GET", "/api/catalog-item-bulk-create-jobs", 503, "ServerError"),
    ],
)
def test_the_bundled_routes_pick_each_response_schema(method, url, status, schema) -> None:
    assert Contract.default().router.for_exchange(Exchange(method, url, status)) == schema


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("GET", "/api/profiles", 200),
        ("DELETE", f"{JOB}/01", 204),
        ("GET", f"{JOB}/01/extra", 200),
        ("PATCH", f"{JOB}/01", 200),
    ],
)
def test_exchanges_without_a_contract_are_not_routed(method, url, status) -> None:
    with pytest.raises(NoSchemaFor, match="no contract for"):
        Contract.default().router.for_exchange(Exchange(method, url, status))


def test_an_exact_status_beats_a_range_which_beats_default() -> None:
    routes = [
        Route("GET", "/x", "DEFAULT", "D"),
        Route("GET", "/x", "4XX", "R"),
        Route("GET", "/x", "404", "E"),
    ]
    ranks = {route.schema: route.status_rank(404) for route in routes}
    assert ranks == {"E": 0, "R": 1, "D": 2}
    assert Route("GET", "/x", "4XX", "R").status_rank(500) is None


def test_a_literal_segment_beats_a_parameter() -> None:
    from klaviyo_contract.routing import Router

    contract = Contract.default()
    router = Router(
        contract.schema_set,
        [
            Route("GET", "/api/items/{id}", "200", "ObjectLinks"),
            Route("GET", "/api/items/special", "200", "RelationshipLinks"),
        ],
    )
    assert router.for_exchange(Exchange("GET", "/api/items/special", 200)) == "RelationshipLinks"
    assert router.for_exchange(Exchange("GET", "/api/items/other", 200)) == "ObjectLinks"


def test_sparse_fieldsets_are_read_from_the_request() -> None:
    exchange = Exchange(
        "GET",
        f"{JOB}?fields[coupon-code-bulk-create-job]=status,created_at&fields[coupon-code]=",
        200,
    )
    assert exchange.fields == {
        "coupon-code-bulk-create-job": frozenset({"status", "created_at"}),
        "coupon-code": frozenset(),
    }
    assert Exchange("GET", f"{JOB}?fields%5Bcoupon-code-bulk-create-job%5D=status", 200).fields == {
        "coupon-code-bulk-create-job": frozenset({"status"}),
    }
