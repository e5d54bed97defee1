"""Issue 12: no engine raises on a payload that parsed.

jsonschema-rs cannot read some payloads (nested 256 levels or more at a failing spot,
lone surrogates, non-JSON values): the compiled engine hands those to the reference
engine. Past Python's recursion limit no engine can follow a payload: that is a
:class:`PayloadTooDeep`, which the command line reports as one unreadable input.
"""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest

from conftest import ENGINES, QUEUED_COUPON_JOB
from klaviyo_contract import Contract, ContractError, PayloadTooDeep, cli
from klaviyo_contract.engines import nesting, show

COUPON = "CouponCodeCreateJobResponseObjectResource"
CONTRACTS = {engine: Contract.default(engine=engine) for engine in ENGINES}


def nested(depth: int, leaf: Any = 1) -> Any:
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


def job(**attributes: Any) -> dict[str, Any]:
    payload = copy.deepcopy(QUEUED_COUPON_JOB)
    payload["attributes"].update(attributes)
    return payload


def pairs(engine: str, payload: Any, strict: bool = False) -> set[tuple[str, str]]:
    result = CONTRACTS[engine].validate(payload, COUPON, strict=strict)
    return {(v.instance_path, v.keyword) for v in result.violations}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("depth", [1, 255, 256, 300, 900])
def test_a_deep_array_where_an_integer_belongs_is_a_type_violation(engine: str, depth: int) -> None:
    assert pairs(engine, job(total_count=nested(depth))) == {("/attributes/total_count", "type")}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("depth", [300, 2000])
def test_deep_values_under_unnamed_properties_conform_and_strict_mode_names_them(
    engine: str, depth: int
) -> None:
    payload = job(extra=nested(depth))
    assert pairs(engine, payload) == set()
    assert pairs(engine, payload, strict=True) == {("/attributes/extra", "additionalProperties")}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("depth", [1100, 5000])
def test_past_python_s_recursion_limit_the_payload_is_too_deep_to_check(
    engine: str, depth: int
) -> None:
    with pytest.raises(PayloadTooDeep) as caught:
        CONTRACTS[engine].validate(job(total_count=nested(depth)), COUPON)
    error = caught.value
    assert isinstance(error, ContractError)
    assert (error.depth, error.pointer) == (depth + 2, "/attributes/total_count")
    assert str(error).startswith(
        f"nested too deep to check ({depth + 2} levels at /attributes/total_count)"
    )


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("text", ["\ud800", "x\udfff", "\udc00queued"])
def test_lone_surrogates_are_violations_not_encoding_errors(engine: str, text: str) -> None:
    """stdlib json makes such strings (orjson refuses them): the Python API gets them."""
    payload = job(status=text, created_at=text, **{text: 1})
    assert pairs(engine, payload) == {
        ("/attributes/status", "enum"),
        ("/attributes/created_at", "format"),
    }
    assert (f"/attributes/{text}", "additionalProperties") in pairs(engine, payload, strict=True)
    assert pairs(engine, job(extra=text)) == set()


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("value", "keyword"),
    [
        (10**400, None),
        (-(2**64), None),
        (float("nan"), "type"),
        (float("inf"), "type"),
        (1.5, "type"),
        ({1: 2}, "type"),  # not JSON: a key that is not a string
        ((1,), "type"),
        (b"x", "type"),
    ],
)
def test_huge_numbers_and_non_json_values_are_checked_by_both_engines(
    engine: str, value: Any, keyword: str | None
) -> None:
    expected = {("/attributes/total_count", keyword)} if keyword else set()
    assert pairs(engine, job(total_count=value)) == expected


def test_the_compiled_engine_creates_the_reference_engine_only_when_it_needs_it() -> None:
    contract = Contract.default(engine="compiled")
    contract.validate(job(total_count="many"), COUPON)
    assert contract.engine._fallback is None  # type: ignore[attr-defined]
    contract.validate(job(total_count=nested(300)), COUPON)
    assert contract.engine._fallback is not None  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (1, (0, "")),
        ([], (1, "")),
        ({"a": [1, {"b": 2}]}, (3, "/a")),
        ({"a": {"b": [[1]]}, "c": 1}, (4, "/a/b")),
        ({"a": nested(50), "b": nested(60)}, (61, "/b")),
        ({"x/y": {"~": nested(3)}}, (5, "/x~1y/~0")),
        ({str(n): {} for n in range(3)}, (2, "/0")),
    ],
)
def test_nesting_finds_the_depth_and_where_it_is(payload: Any, expected: Any) -> None:
    assert nesting(payload) == expected


def test_nesting_cuts_long_pointers_and_needs_no_recursion() -> None:
    value: Any = 1
    for _ in range(100_000):
        value = {"a": value}
    depth, pointer = nesting({"deep": value})
    assert depth == 100_001
    assert pointer == "/deep" + "/a" * 7 + "/…"


def test_show_words_values_too_deep_for_json() -> None:
    assert show(nested(5000)) == "[…]"
    assert show({"a": nested(5000)}) == "{…}"
    assert show(nested(300)).startswith("[[[[")
    assert [show(float(v)) for v in ("nan", "inf", "-inf")] == ["NaN", "Infinity", "-Infinity"]


# The command line: every input still reported, one line for the one too deep.


def _deep_job(depth: int) -> str:
    text = json.dumps(QUEUED_COUPON_JOB)
    return text.replace('"total_count": 250', '"total_count": ' + "[" * depth + "1" + "]" * depth)


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = cli.run(list(argv), out, err)
    print(out.getvalue(), err.getvalue(), status)
    return status, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("engine", ["auto", *ENGINES])
@pytest.mark.parametrize("depth", [300, 900])
@pytest.mark.parametrize("suffix", [".json", ".ndjson"])
def test_the_cli_reports_a_deep_job_and_its_companion(
    tmp_path: Path, engine: str, depth: int, suffix: str
) -> None:
    (tmp_path / f"deep{suffix}").write_text(_deep_job(depth) + "\n", encoding="utf-8")
    companion = job(total_count="many")
    (tmp_path / "companion.json").write_text(json.dumps(companion), encoding="utf-8")
    status, out, err = _run("validate", "--engine", engine, str(tmp_path))
    assert "Traceback" not in out + err
    assert "companion.json: 1 violation of " in out
    if status == 1:
        assert out.count("/attributes/total_count: ") == 2
        assert out.count("[type]") == 2
    else:  # allowed by issue 12: one clear line for the deep payload
        assert status == 2
        assert out.count("nested too deep to check") == 1


@pytest.mark.parametrize("engine", ["auto", *ENGINES])
@pytest.mark.parametrize("suffix", [".json", ".ndjson"])
def test_the_cli_gives_one_line_for_a_job_too_deep_for_python(
    tmp_path: Path, engine: str, suffix: str
) -> None:
    """1,020 levels: inside what the readers parse (1,024), past what engines follow."""
    (tmp_path / f"deep{suffix}").write_text(_deep_job(1018) + "\n", encoding="utf-8")
    (tmp_path / "companion.json").write_text(json.dumps(QUEUED_COUPON_JOB), encoding="utf-8")
    status, out, err = _run("validate", "--engine", engine, str(tmp_path))
    assert status == 2
    assert "Traceback" not in out + err
    lines = [line for line in out.splitlines() if "nested too deep" in line]
    assert len(lines) == 1
    assert lines[0].startswith(f"{tmp_path / f'deep{suffix}'}")
    assert "(1020 levels at /attributes/total_count)" in lines[0]
    assert "1 checked (1 conform, 0 violate), 1 unreadable" in out


@pytest.mark.parametrize("engine", ["auto", *ENGINES])
@pytest.mark.parametrize("link", ["https://a.klaviyo.com/api/x/\n", "https://[::ffff:01.2.3.4]/"])
def test_issue_12_links_are_format_violations_under_every_engine(
    tmp_path: Path, engine: str, link: str
) -> None:
    payload = copy.deepcopy(QUEUED_COUPON_JOB)
    payload["links"]["self"] = link
    (tmp_path / "job.json").write_text(json.dumps(payload), encoding="utf-8")
    status, out, _ = _run("validate", "--engine", engine, str(tmp_path / "job.json"))
    assert status == 1
    assert "/links/self: " in out
    assert "is not an absolute RFC 3986 URI [format]" in out
