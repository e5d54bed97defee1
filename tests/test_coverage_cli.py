"""``klaviyo-contract coverage``, through ``cli.run`` with captured streams."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import QUEUED_COUPON_JOB, ROOT
from klaviyo_contract import cli

EXAMPLES = ROOT / "examples"
COUPON = "CouponCodeCreateJobResponseObjectResource"
STATUS = f"#/components/schemas/{COUPON}/properties/attributes/properties/status"


@dataclass
class Run:
    status: int
    out: str
    err: str


@pytest.fixture
def run_line() -> Callable[..., Run]:
    """Run a command line; its output is printed, so a failing test shows it."""

    def run(*argv: str) -> Run:
        out, err = io.StringIO(), io.StringIO()
        status = cli.run(list(argv), out, err)
        print(f"$ klaviyo-contract {' '.join(argv)}\n{out.getvalue()}{err.getvalue()}-> {status}")
        return Run(status, out.getvalue(), err.getvalue())

    return run


@pytest.fixture(scope="module")
def examples_model() -> dict:
    out = io.StringIO()
    assert cli.run(["coverage", str(EXAMPLES), "--format", "json"], out, io.StringIO()) == 1
    return json.loads(out.getvalue())


def test_the_examples_show_the_statuses_seen_and_unseen_of_a_route(examples_model) -> None:
    (route,) = [
        r
        for r in examples_model["routes"]
        if (r["method"], r["path"]) == ("GET", "/api/coupon-code-bulk-create-jobs/{job_id}")
    ]
    assert route["seen"] == ["200"]
    assert route["unseen"] == ["4XX", "5XX"]
    assert route["statuses"][0] == {"status": "200", "seen": 3, "codes": {"200": 3}}


def test_the_examples_show_the_status_enum_values_seen_and_never_seen(examples_model) -> None:
    (schema,) = [s for s in examples_model["schemas"] if s["name"] == COUPON]
    (status,) = [row for row in schema["locations"] if row["pointer"] == STATUS]
    enum = status["enum"]
    assert set(enum["seen"]) | set(enum["unseen"]) == {
        "cancelled",
        "complete",
        "processing",
        "queued",
    }
    assert [v["value"] for v in enum["values"]] == ["cancelled", "complete", "processing", "queued"]
    assert all(v["seen"] > 0 for v in enum["values"] if v["value"] in enum["seen"])


def test_a_property_the_schema_does_not_name_shows_in_drift_with_its_place(
    run_line, tmp_path: Path
) -> None:
    payload = {**QUEUED_COUPON_JOB, "attributes": {**QUEUED_COUPON_JOB["attributes"], "note": "x"}}
    (tmp_path / "job.ndjson").write_text(
        json.dumps(QUEUED_COUPON_JOB) + "\n" + json.dumps(payload) + "\n"
    )
    result = run_line("coverage", str(tmp_path), "--format", "json")
    assert result.status == 0
    (entry,) = json.loads(result.out)["drift"]["unnamed_properties"]
    assert entry["location"] == f"#/components/schemas/{COUPON}/properties/attributes"
    assert entry["property"] == "note"
    assert entry["examples"] == [
        {
            "file": str(tmp_path / "job.ndjson"),
            "line": 2,
            "entry": None,
            "instance_path": "/attributes/note",
        }
    ]


def test_min_coverage_100_fails_the_examples_and_0_exits_as_validate(run_line) -> None:
    strict = run_line("coverage", str(EXAMPLES), "--min-coverage", "100")
    assert strict.status == 1
    assert "is below --min-coverage 100" in strict.err
    lenient = run_line("coverage", str(EXAMPLES), "--min-coverage", "0")
    validate = run_line("validate", str(EXAMPLES), "--jobs", "1")
    assert lenient.status == validate.status == 1
    assert "below" not in lenient.err


def test_min_coverage_fails_a_conforming_run_below_it_and_passes_one_above(
    run_line, tmp_path: Path
) -> None:
    (tmp_path / "job.json").write_text(json.dumps(QUEUED_COUPON_JOB))
    assert run_line("coverage", str(tmp_path), "--min-coverage", "0").status == 0
    assert run_line("coverage", str(tmp_path), "--min-coverage", "99.5").status == 1


def test_an_unreadable_input_exits_2_and_is_named(run_line, tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text("{")
    result = run_line("coverage", str(tmp_path))
    assert result.status == 2
    assert "broken.json" in result.err


@pytest.mark.parametrize("value", ["101", "-1", "nan", "lots"])
def test_a_min_coverage_outside_0_to_100_is_a_usage_error(run_line, value: str) -> None:
    result = run_line("coverage", str(EXAMPLES), "--min-coverage", value)
    assert result.status == 2
    assert "--min-coverage" in result.err


def test_every_format_writes_its_report_to_a_file(run_line, tmp_path: Path) -> None:
    marks = {
        "text": "coverage ",
        "json": '"version": 1',
        "markdown": "## Contract coverage",
        "html": "<!DOCTYPE html>",
    }
    for fmt, mark in marks.items():
        target = tmp_path / f"coverage.{fmt}"
        result = run_line("coverage", str(EXAMPLES), "--format", fmt, "-o", str(target))
        assert result.status == 1
        assert f"report written to {target}" in result.err
        assert mark in target.read_text(encoding="utf-8")


def test_the_text_report_lists_the_worst_covered_first(run_line) -> None:
    result = run_line("coverage", str(EXAMPLES))
    rows = [line for line in result.out.splitlines() if line.startswith("  ") and "%" in line]
    schema_rows = rows[6:]
    percents = [float(row.split("%")[0]) for row in schema_rows if "/" in row.split("%")[1][:12]]
    assert percents == sorted(percents)
    assert result.out.startswith("coverage ")
    assert "drift:" in result.out


def test_the_json_report_is_the_same_bytes_on_every_run(run_line) -> None:
    first = run_line("coverage", str(EXAMPLES), "--format", "json").out
    assert run_line("coverage", str(EXAMPLES), "--format", "json").out == first
