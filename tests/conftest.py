"""Shared fixtures: the bundled contract, the catalogue when present, realistic payloads."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from klaviyo_contract import Contract

ROOT = Path(__file__).resolve().parent.parent
# The upstream material some tests compare against (Klaviyo's whole schema catalogue,
# its OpenAPI documents, the seed files): not in the repository. Beside the checkout
# by default; KLAVIYO_CONTRACT_SHARED names another folder holding reference/ and seeds/.
SHARED = Path(os.environ.get("KLAVIYO_CONTRACT_SHARED") or ROOT.parent / "shared")
CATALOGUE = SHARED / "reference" / "klaviyo-json-schema"
OPENAPI = SHARED / "reference" / "openapi"
SEEDS = SHARED / "seeds"

# Hypothesis profiles: a fast default for every run and CI, a thorough one for
# `tox -e thorough` (HYPOTHESIS_PROFILE=thorough), with ten times the examples.
settings.register_profile(
    "default", max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def needs_catalogue() -> Path:
    """The whole published catalogue, or skip the test saying why."""
    if not CATALOGUE.is_dir():
        pytest.skip(
            f"the Klaviyo catalogue is not at {CATALOGUE} "
            "(set KLAVIYO_CONTRACT_SHARED to the folder holding reference/; see README)"
        )
    return CATALOGUE


ENGINES = ("reference", "compiled")


@pytest.fixture(scope="session", params=ENGINES)
def contract(request: pytest.FixtureRequest) -> Contract:
    """The bundled contract, once per engine: both must keep every promise."""
    return Contract.default(engine=request.param)


QUEUED_COUPON_JOB: dict[str, Any] = {
    "type": "coupon-code-bulk-create-job",
    "id": "01HQ7ZKX5V3S9N0B2C4D6F8G0J",
    "attributes": {
        "status": "queued",
        "created_at": "2024-03-04T10:11:12.345678+00:00",
        "total_count": 250,
        "completed_count": None,
        "failed_count": None,
        "completed_at": None,
        "errors": None,
        "expires_at": None,
    },
    "relationships": {"coupon-codes": {"data": []}},
    "links": {
        "self": "https://a.klaviyo.com/api/coupon-code-bulk-create-jobs/01HQ7ZKX5V3S9N0B2C4D6F8G0J/"
    },
}


@pytest.fixture
def queued_job() -> dict[str, Any]:
    """A queued coupon-code bulk-create job as Klaviyo returns it: several nulls."""
    return copy.deepcopy(QUEUED_COUPON_JOB)
