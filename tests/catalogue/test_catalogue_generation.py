"""Generation over the whole catalogue: valid payloads conform, invalid ones break their label.

Every one of the catalogue's schemas under ``HYPOTHESIS_PROFILE=thorough`` (ten
valid and ten invalid examples each, checked by both engines: about twelve minutes on
two cores); a fixed sample of forty, the schemas with the hardest constructs among
them, five examples each, in the default profile (about half a minute). A schema the
strategies cannot generate for fails under its own name.
"""

from __future__ import annotations

import functools
import os
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import InvalidArgument

from conftest import CATALOGUE, ENGINES, needs_catalogue
from klaviyo_contract import Contract
from klaviyo_contract.model import InvalidPayload
from klaviyo_contract.registry import load_directory

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
SAMPLE_SIZE = 40
SAMPLE_SEED = 20241028
#: Always in the sample: a recursive schema, allOf documents, required overlapping
#: unions, maxProperties, the largest recursive definitions.
HARDEST = (
    "Step",
    "GetFlowV2ResponseCompoundDocument",
    "GetProfileResponseCollectionCompoundDocument",
    "CampaignResponseObjectResource",
    "TriggerBaseProperties",
    "FormDefinition",
    "ConditionalBranchActionData",
    "CustomMetricDefinition",
)


def _names() -> list[str]:
    if not CATALOGUE.is_dir():
        return ["(catalogue absent)"]
    names = sorted(load_directory(CATALOGUE).schemas)
    if THOROUGH:
        return names
    rest = [name for name in names if name not in HARDEST]
    return [*HARDEST, *sorted(random.Random(SAMPLE_SEED).sample(rest, SAMPLE_SIZE - len(HARDEST)))]


@functools.cache
def _contracts() -> dict[str, Contract]:
    folder = needs_catalogue()
    return {engine: Contract.from_directory(folder, engine=engine) for engine in ENGINES}


#: Examples per schema: the profiles' own counts times 1,194 schemas would take hours.
EXAMPLES = 10 if THOROUGH else 5


def _settings() -> settings:
    return settings(
        max_examples=EXAMPLES,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


@pytest.mark.parametrize("name", _names())
def test_every_generated_payload_conforms_under_both_engines(name: str) -> None:
    contracts = _contracts()

    @_settings()
    @given(contracts["compiled"].payloads(name))
    def conforms(payload: Any) -> None:
        for engine, contract in contracts.items():
            violations = contract.validate(payload, name).violations
            assert not violations, (engine, [(v.instance_path, v.keyword) for v in violations])

    conforms()


@pytest.mark.parametrize("name", _names())
def test_every_invalid_payload_breaks_exactly_its_label_under_both_engines(name: str) -> None:
    contracts = _contracts()
    try:
        strategy = contracts["compiled"].invalid_payloads(name)
    except InvalidArgument as error:
        pytest.skip(str(error))

    @_settings()
    @given(strategy)
    def breaks(example: InvalidPayload) -> None:
        for engine, contract in contracts.items():
            violations = contract.validate(example.payload, name).violations
            pairs = {(v.instance_path, v.keyword) for v in violations}
            label = (example.instance_path, example.keyword)
            assert label in pairs, (engine, example.description, pairs)
            assert {path for path, _ in pairs} == {example.instance_path}, (
                engine,
                example.description,
                pairs,
            )

    breaks()
