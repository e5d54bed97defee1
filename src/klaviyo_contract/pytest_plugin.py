"""The pytest plugin: the ``contract`` fixture and options, cheap to import."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .contract import Contract


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("klaviyo-contract", "Klaviyo API response contract")
    group.addoption(
        "--contract-schemas",
        metavar="DIR",
        help="folder of Klaviyo schema files (default: the bundled contract)",
    )
    parser.addini("contract_schemas", "folder of Klaviyo schema files", default="")
    group.addoption(
        "--contract-strict",
        action="store_true",
        default=None,
        help="also report properties the schemas do not name",
    )
    parser.addini("contract_strict", "report unnamed properties", type="bool", default=False)


@pytest.fixture(scope="session")
def contract(pytestconfig: pytest.Config) -> Contract:
    """The contract under test: bundled, or ``--contract-schemas`` / ``contract_schemas``."""
    from .contract import Contract

    folder = pytestconfig.getoption("contract_schemas") or pytestconfig.getini("contract_schemas")
    return Contract.from_directory(folder) if folder else Contract.default()
