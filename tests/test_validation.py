"""check_unit: the NDJSON lane that only counts conforming payloads gives the summary
the record-by-record path gives, line numbers, problems and spills included."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import QUEUED_COUPON_JOB
from klaviyo_contract import Contract, inputs, spool
from klaviyo_contract.inputs import Unit, read_unit, split
from klaviyo_contract.model import Summary
from klaviyo_contract.validation import check_records, check_unit

SCHEMA = "CouponCodeCreateJobResponseObjectResource"


def _lines() -> list[bytes]:
    job = json.dumps(QUEUED_COUPON_JOB, separators=(",", ":")).encode()
    late = job.replace(b'"queued"', b'"late"')
    no_offset = json.dumps(
        {
            **QUEUED_COUPON_JOB,
            "attributes": {**QUEUED_COUPON_JOB["attributes"], "created_at": "2024-10-28T14:05:02"},
        }
    ).encode()
    return (
        [
            job,
            b"",  # blank
            b"   \t",  # blank but for whitespace
            job + b"  \r",  # CRLF and trailing spaces
            late,  # violates (enum), compact
            no_offset,  # violates (format), spaced
            b"{not json",  # unreadable
            b"\xef\xbb\xbf" + job,  # a byte order mark mid-file
            job[:-1] + b',"id":"again"}',  # a duplicate key, compact
            job.replace(b'"total_count":', b'"total_count":123456789012345678901234,"x":'),
            job + b" " + job,  # two values on one line
            b"[]",  # a value of the wrong type
            job,
        ]
        * 7
    )


@pytest.fixture
def captures(tmp_path: Path) -> Path:
    path = tmp_path / "captures.ndjson"
    path.write_bytes(b"\n".join(_lines()) + b"\n")
    return path


def _by_records(contract: Contract, unit: Unit, schema: str | None, strict: bool) -> Summary:
    return Summary.collect(check_records(contract, read_unit(unit), schema=schema, strict=strict))


def _same(one: Summary, other: Summary) -> None:
    assert one.counts == other.counts
    assert one.conforming == other.conforming
    assert list(one.outcomes) == list(other.outcomes)


@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize("schema", [SCHEMA, None], ids=["--schema", "routed"])
def test_the_ndjson_lane_gives_the_record_by_record_summary(captures, schema, strict) -> None:
    contract = Contract.default()
    unit = Unit(str(captures), ".ndjson")
    summary = check_unit(contract, unit, schema, strict)
    _same(summary, _by_records(contract, unit, schema, strict))
    counts = summary.counts
    assert counts["conform"] == 7 * (3 if strict else 4)  # strict: the big integer's "x"
    # every non-blank line; routed, [] has no JSON:API type: not a Klaviyo payload
    assert counts["checked"] + counts["unreadable"] + counts["skipped"] == 7 * 11
    assert counts["unreadable"] == 7 * 4
    assert counts["skipped"] == (0 if schema else 7)
    lines = [outcome.source.line for outcome in summary.outcomes]
    assert lines == sorted(lines)
    assert lines[:3] == [5, 6, 7]


@pytest.mark.parametrize("block", [7, 2**20], ids=["lines across blocks", "whole blocks"])
def test_ranges_and_spills_give_the_same_summary_too(captures, monkeypatch, block) -> None:
    monkeypatch.setattr(spool, "LIMIT", 5)
    monkeypatch.setattr(inputs, "_BLOCK", block)  # the bytes a range reads at a time
    contract = Contract.default()
    whole = Unit(str(captures), ".ndjson")
    ranges = list(split(whole, 1000))
    assert len(ranges) > 3
    parts = [check_unit(contract, unit, SCHEMA, False) for unit in ranges]
    merged = Summary.merge(parts, seconds=0.0)
    _same(merged, _by_records(contract, whole, SCHEMA, False))
    assert isinstance(merged.outcomes, spool.Spilled)


def test_an_unknown_schema_is_each_payloads_problem_as_record_by_record(captures) -> None:
    contract = Contract.default()
    unit = Unit(str(captures), ".ndjson")
    summary = check_unit(contract, unit, "NoSuchSchema", False)
    _same(summary, _by_records(contract, unit, "NoSuchSchema", False))
    assert summary.counts["checked"] == 0
    assert summary.counts["unreadable"] == 7 * 11
