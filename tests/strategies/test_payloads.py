"""Generated payloads: valid ones conform, invalid ones break exactly their labelled rule."""

from __future__ import annotations

from typing import Any

import pytest
from coupon_jobs import assert_look_like_klaviyo_s
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from klaviyo_contract import Contract, UnknownSchema
from klaviyo_contract.formats import FORMATS
from klaviyo_contract.model import InvalidPayload
from klaviyo_contract.strategies._formats import FORMAT_BREAKERS, FORMAT_STRATEGIES

SEEDS = ("CouponCodeCreateJobResponseObjectResource", "PostCatalogItemCreateJobResponse")
COUPON = SEEDS[0]
CONTRACTS = {engine: Contract.default(engine=engine) for engine in ("reference", "compiled")}
DEFAULT = CONTRACTS["compiled"]


@pytest.mark.parametrize("name", SEEDS)
@pytest.mark.parametrize("engine", sorted(CONTRACTS))
def test_every_generated_payload_conforms(name: str, engine: str) -> None:
    contract = CONTRACTS[engine]

    @given(DEFAULT.payloads(name))
    def conforms(payload: Any) -> None:
        result = contract.validate(payload, name)
        assert result.valid, result.violations

    conforms()


@pytest.mark.parametrize("name", SEEDS)
@pytest.mark.parametrize("engine", sorted(CONTRACTS))
def test_every_invalid_payload_breaks_exactly_its_label(name: str, engine: str) -> None:
    contract = CONTRACTS[engine]

    @given(DEFAULT.invalid_payloads(name))
    def breaks(example: InvalidPayload) -> None:
        found = {
            (v.instance_path, v.keyword)
            for v in contract.validate(example.payload, name).violations
        }
        assert (example.instance_path, example.keyword) in found, example.description
        assert {path for path, _ in found} == {example.instance_path}, example.description

    breaks()


def _sample(strategy: st.SearchStrategy[Any], count: int) -> list[Any]:
    drawn: list[Any] = []

    @settings(
        max_examples=count,
        phases=[Phase.generate],
        database=None,
        derandomize=True,  # a fixed sample: the distribution checks below cannot flake
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(value: Any) -> None:
        drawn.append(value)

    collect()
    return drawn


def test_a_thousand_coupon_jobs_look_like_klaviyo_s() -> None:
    """Nulls in every nullable field, every status, relationship arrays short and long."""
    jobs = _sample(DEFAULT.payloads(COUPON), 1000)
    assert len(jobs) == 1000
    lengths = assert_look_like_klaviyo_s(jobs, nulls_at_least=50)
    assert len(lengths) >= 5


def test_invalid_payloads_cover_every_kind_of_break() -> None:
    """Every kind of break the contract admits is a target the strategy draws from."""
    from klaviyo_contract.strategies import _root
    from klaviyo_contract.strategies._breakers import targets

    found = targets(_root(DEFAULT, COUPON, 2))
    kinds = {target.kind for target in found}
    assert kinds == {"required", "type", "null", "enum", "discriminator", "format", "item-type"}
    assert {(t.path, t.name) for t in found if t.kind == "required"} >= {
        ((), "type"),
        ((), "id"),
        ((), "attributes"),
        ((), "links"),
        (("attributes",), "status"),
        (("attributes",), "created_at"),
        (("attributes",), "total_count"),
        (("links",), "self"),
    }


@pytest.mark.parametrize("name", sorted(FORMAT_STRATEGIES))
def test_format_strategies_make_what_the_checkers_accept(name: str) -> None:
    @given(FORMAT_STRATEGIES[name])
    def accepted(value: str) -> None:
        assert FORMATS[name](value), value

    accepted()


@pytest.mark.parametrize("name", sorted(FORMAT_BREAKERS))
def test_format_breakers_are_rejected_by_the_checkers(name: str) -> None:
    assert not any(FORMATS[name](value) for value in FORMAT_BREAKERS[name])


def test_options_are_checked_when_the_strategy_is_built() -> None:
    with pytest.raises(InvalidArgument, match="depth=0"):
        DEFAULT.payloads(COUPON, depth=0)
    with pytest.raises(UnknownSchema):
        DEFAULT.payloads("NoSuchSchema")
