"""Malformed case files fail to load with the file, the place in it, and what is wrong."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from klaviyo_contract import Contract, ContractError
from klaviyo_contract.conformance import CaseFileError, load_cases, run

REF = {"$ref": "#/components/schemas/ObjectLinks"}


def conforming(**changes: Any) -> dict[str, Any]:
    return {
        "id": "links-ok",
        "description": "a self link",
        "data": {"self": "https://a.klaviyo.com/api/"},
        "valid": True,
        **changes,
    }


def breaking(**changes: Any) -> dict[str, Any]:
    return {
        "id": "links-relative",
        "description": "a relative self link",
        "data": {"self": "/api/"},
        "valid": False,
        "expected": [{"instance_path": "/self", "keyword": "format"}],
        **changes,
    }


def group(*tests: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {
        "id": "links",
        "description": "object links",
        "schema": REF,
        "tests": list(tests),
        **changes,
    }


def write(folder: Path, content: Any, name: str = "cases.json") -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_text(json.dumps(content, indent=2), encoding="utf-8")
    return path


def test_a_well_formed_file_loads_into_cases(tmp_path: Path) -> None:
    write(tmp_path, [group(conforming(), breaking(comment="RFC 3986 4.3"), comment="ObjectLinks")])
    first, second = load_cases(tmp_path)
    assert (first.file, first.pointer, first.group, first.id, first.schema) == (
        "cases.json",
        "/0/tests/0",
        "links",
        "links-ok",
        "ObjectLinks",
    )
    assert first.valid
    assert first.expected == frozenset()
    assert second.expected == frozenset({("/self", "format")})
    assert str(second) == "cases.json /0/tests/1 (links-relative)"


def test_one_file_can_be_loaded_on_its_own(tmp_path: Path) -> None:
    path = write(tmp_path, [group(conforming())], name="one.json")
    write(tmp_path, "not even json", name="other.json")
    assert [case.id for case in load_cases(path)] == ["links-ok"]


MALFORMED = [
    pytest.param('[{"id": "links",', "line 1 column 17", "not JSON", id="truncated"),
    pytest.param(b'[{"id": "\xff"}]', "byte 9", "not UTF-8", id="not-utf8"),
    pytest.param("\ufeff[]", "line 1 column 1", "BOM", id="bom"),
    pytest.param('[{"id": "a", "id": "b"}]', "", "duplicate key 'id'", id="duplicate-key"),
    pytest.param('[{"data": NaN}]', "", "NaN is not JSON", id="nan"),
    pytest.param("[" * 100_000 + "]" * 100_000, "", "nested too deeply", id="deep"),
    pytest.param({"groups": []}, "", "non-empty JSON array of groups", id="object"),
    pytest.param([], "", "non-empty JSON array of groups", id="empty"),
    pytest.param([[]], "/0", "a group must be a JSON object", id="group-array"),
    pytest.param(
        [group(conforming(), id=None)], "/0/id", '"id" must be a non-empty string', id="no-group-id"
    ),
    pytest.param(
        [group(conforming(), id="Object Links")], "/0/id", "lower-case words", id="bad-group-id"
    ),
    pytest.param(
        [group(conforming(), schema={"type": "object"})],
        "/0/schema",
        '"schema" must be {"$ref": "#/components/schemas/NAME"}',
        id="inline-schema",
    ),
    pytest.param([group()], "/0/tests", '"tests" must be a non-empty array', id="no-tests"),
    pytest.param([group(conforming(), tests=5)], "/0/tests", "non-empty array", id="tests-number"),
    pytest.param(
        [group(conforming(), specification=[], colour="red")],
        "/0/colour",
        "a group has no member 'colour'",
        id="unknown-group-member",
    ),
    pytest.param(
        [group(conforming(description=""))],
        "/0/tests/0/description",
        "non-empty string",
        id="empty-description",
    ),
    pytest.param(
        [group(conforming(valid="yes"))],
        "/0/tests/0/valid",
        '"valid" must be true or false',
        id="valid-string",
    ),
    pytest.param(
        [group({"id": "x", "description": "d", "valid": True})],
        "/0/tests/0/data",
        'no "data"',
        id="no-data",
    ),
    pytest.param(
        [group(conforming(expected=[]))],
        "/0/tests/0/expected",
        "can expect no violation",
        id="valid-with-expected",
    ),
    pytest.param(
        [group({k: v for k, v in breaking().items() if k != "expected"})],
        "/0/tests/0/expected",
        '"expected" must list its violations',
        id="invalid-without-expected",
    ),
    pytest.param(
        [group(breaking(expected=[]))],
        "/0/tests/0/expected",
        "must list",
        id="invalid-empty-expected",
    ),
    pytest.param(
        [group(breaking(expect=[]))],
        "/0/tests/0/expect",
        "a test has no member 'expect'",
        id="typo",
    ),
    pytest.param(
        [group(breaking(expected=[{"instance_path": "self", "keyword": "format"}]))],
        "/0/tests/0/expected/0/instance_path",
        '"instance_path" must be a JSON Pointer',
        id="pointer-without-slash",
    ),
    pytest.param(
        [group(breaking(expected=[{"instance_path": "/a~2b", "keyword": "format"}]))],
        "/0/tests/0/expected/0/instance_path",
        "JSON Pointer",
        id="pointer-bad-escape",
    ),
    pytest.param(
        [group(breaking(expected=[{"instance_path": "/self"}]))],
        "/0/tests/0/expected/0/keyword",
        '"keyword" must name a JSON Schema keyword',
        id="no-keyword",
    ),
    pytest.param(
        [
            group(
                breaking(expected=[{"instance_path": "/self", "keyword": "format", "message": "x"}])
            )
        ],
        "/0/tests/0/expected/0/message",
        "an expected violation has no member 'message'",
        id="expected-extra-member",
    ),
    pytest.param(
        [group(breaking(expected=[{"instance_path": "/self", "keyword": "format"}] * 2))],
        "/0/tests/0/expected/1",
        "expects 'format' at '/self' twice",
        id="expected-twice",
    ),
    pytest.param(
        [group(conforming(), breaking(id="links-ok"))],
        "/0/tests/1/id",
        "test id 'links-ok' is already used at cases.json /0/tests/0",
        id="duplicate-test-id",
    ),
    pytest.param(
        [group(conforming()), group(breaking())],
        "/1/id",
        "group id 'links' is already used at cases.json /0",
        id="duplicate-group-id",
    ),
]


@pytest.mark.parametrize(("content", "position", "reason"), MALFORMED)
def test_a_malformed_case_file_names_the_file_and_the_place(
    tmp_path: Path, content: Any, position: str, reason: str
) -> None:
    path = write(tmp_path, content)
    with pytest.raises(CaseFileError) as caught:
        load_cases(tmp_path)
    error = caught.value
    assert error.file == str(path)
    assert error.position == position
    assert reason in error.reason
    assert str(error).startswith(f"{path}: {position}" if position else f"{path}: ")
    assert isinstance(error, ContractError)
    assert isinstance(error, ValueError)


def test_an_id_used_in_another_file_is_reported_with_both_places(tmp_path: Path) -> None:
    write(tmp_path, [group(conforming())], name="a.json")
    path = write(tmp_path, [group(conforming(), id="other-links")], name="b.json")
    with pytest.raises(CaseFileError) as caught:
        load_cases(tmp_path)
    assert caught.value.file == str(path)
    assert "'links-ok' is already used at a.json /0/tests/0" in caught.value.reason


def test_a_folder_without_case_files_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("no cases here", encoding="utf-8")
    with pytest.raises(CaseFileError, match="holds no conformance case file"):
        load_cases(tmp_path)


def test_a_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CaseFileError, match="no such file or folder"):
        load_cases(tmp_path / "missing")


def test_a_group_naming_a_schema_the_contract_lacks_fails_the_run(tmp_path: Path) -> None:
    write(tmp_path, [group(conforming(), schema={"$ref": "#/components/schemas/ObjectLink"})])
    cases = load_cases(tmp_path)
    with pytest.raises(CaseFileError) as caught:
        run(Contract.default(engine="reference"), cases)
    assert caught.value.position == "/0/schema"
    assert "no schema named 'ObjectLink'" in str(caught.value)
    assert "did you mean ObjectLinks" in str(caught.value)
