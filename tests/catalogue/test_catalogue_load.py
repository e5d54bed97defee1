"""The whole published catalogue loads as one contract, lazily, and checks clean."""

from __future__ import annotations

import io

import pytest

from conftest import ENGINES, needs_catalogue
from klaviyo_contract import Contract
from klaviyo_contract.cli import run

CATALOGUE_SIZE = 1194


@pytest.mark.parametrize("engine", ENGINES)
def test_every_catalogue_file_loads_and_nothing_is_compiled(engine: str) -> None:
    """Loading reads and checks refs only: validators are compiled on first use."""
    contract = Contract.from_directory(needs_catalogue(), engine=engine)
    assert len(contract.names()) == CATALOGUE_SIZE
    assert vars(contract.engine)["_checks"] == {}
    assert "registry" not in vars(contract.schema_set)  # the referencing registry is lazy too
    if engine == "compiled":
        assert vars(contract.engine)["_registries"] == {}
    contract.validate({"self": "https://a.klaviyo.com/api/x/"}, "ObjectLinks")
    assert list(vars(contract.engine)["_checks"]) == [("ObjectLinks", False)]


def test_schemas_check_passes_on_the_whole_catalogue() -> None:
    out, err = io.StringIO(), io.StringIO()
    status = run(["schemas", "check", "--schemas", str(needs_catalogue())], out, err)
    assert status == 0, err.getvalue()
    assert out.getvalue().startswith(f"{CATALOGUE_SIZE} schemas OK"), out.getvalue()
