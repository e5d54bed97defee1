"""The official JSON-Schema-Test-Suite's format cases: one rule, both engines.

Every case of the vendored ``optional/format`` files (tests/data/json-schema-test-suite)
goes through the dialect's checker (:data:`~klaviyo_contract.formats.FORMATS`), the
jsonschema-rs built-in the compiled engine relies on, and both engines end to end.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from klaviyo_contract import Contract
from klaviyo_contract.formats import FORMATS

SUITE = Path(__file__).resolve().parents[1] / "data" / "json-schema-test-suite"


def _cases() -> list[Any]:
    cases = []
    for fmt in sorted(FORMATS):
        for group in json.loads((SUITE / f"{fmt}.json").read_text(encoding="utf-8")):
            assert group["schema"]["format"] == fmt
            for test in group["tests"]:
                case = (fmt, test["data"], test["valid"])
                cases.append(pytest.param(*case, id=f"{fmt}: {test['description']}"))
    return cases


CASES = _cases()


def _name(fmt: str) -> str:
    return "Format" + fmt.title().replace("-", "")


@pytest.fixture(scope="module", params=["reference", "compiled"])
def contract(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Contract:
    """One schema per format, ``{"value": <that format>}``, loaded like Klaviyo's files."""
    folder = tmp_path_factory.mktemp("formats")
    for fmt in FORMATS:
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"#/components/schemas/{_name(fmt)}",
            "type": "object",
            "properties": {"value": {"format": fmt}},
        }
        (folder / f"{fmt}.json").write_text(json.dumps(schema), encoding="utf-8")
    return Contract.from_directory(folder, engine=request.param)


def test_every_asserted_format_is_vendored_with_its_licence() -> None:
    assert {path.stem for path in SUITE.glob("*.json")} == set(FORMATS)
    assert "MIT" in (SUITE / "README.md").read_text(encoding="utf-8")
    assert "Permission is hereby granted" in (SUITE / "LICENSE").read_text(encoding="utf-8")
    assert len(CASES) > 250


@pytest.mark.parametrize(("fmt", "data", "valid"), CASES)
def test_the_dialect_s_checker_reads_the_suite_case_as_the_suite_does(
    fmt: str, data: Any, valid: bool
) -> None:
    if isinstance(data, str):
        assert FORMATS[fmt](data) is valid


@pytest.mark.parametrize(("fmt", "data", "valid"), CASES)
def test_the_jsonschema_rs_built_in_reads_the_suite_case_as_the_suite_does(
    fmt: str, data: Any, valid: bool
) -> None:
    validator = jsonschema_rs.Draft202012Validator({"format": fmt}, validate_formats=True)
    assert validator.is_valid(data) is valid


@pytest.mark.parametrize(("fmt", "data", "valid"), CASES)
def test_each_engine_reads_the_suite_case_as_the_suite_does(
    contract: Contract, fmt: str, data: Any, valid: bool
) -> None:
    result = contract.validate({"value": data}, _name(fmt))
    expected = set() if valid else {("/value", "format")}
    assert {(v.instance_path, v.keyword) for v in result.violations} == expected
