"""The JSON report: every outcome and violation, in a stable shape."""

from __future__ import annotations

import io
import json

import pytest

from klaviyo_contract.model import Exchange, Problem, Result, Source, Summary, Violation
from klaviyo_contract.reports import ReportOptions, write

COUPON = "CouponCodeCreateJobResponseObjectResource"
REQUIRED = Violation(
    COUPON,
    "",
    "required",
    '"data" is a required property',
    f"#/components/schemas/{COUPON}/required",
    property="data",
)
ENUM = Violation(
    COUPON,
    "/attributes/status",
    "enum",
    '"terminé ✓" is not one of ["queued","processing","complete"]',
    f"#/components/schemas/{COUPON}/properties/attributes/properties/status/enum",
)
OUTCOMES = (
    Result(COUPON, source=Source("captures/jobs.ndjson", line=11)),
    Result(
        COUPON,
        violations=(REQUIRED, ENUM),
        source=Source("captures/api.har", entry="entries[3]"),
        exchange=Exchange(
            "GET", "https://a.klaviyo.com/api/coupon-code-bulk-create-jobs/01H/?api_key=pk_x", 200
        ),
    ),
    Problem(Source("captures/broken.json", line=3, column=17), "Expecting ',' delimiter"),
    Problem(Source("captures/profiles.yaml"), "no contract for this route", "skipped"),
    Problem(Source("-"), "no schema fits type 'profile'", "unrouted"),
)


def report(seconds: float = 0.25, version: str = "0.1.0") -> dict:
    out = io.StringIO()
    summary = Summary(outcomes=OUTCOMES, seconds=seconds, engine="reference")
    write(summary, "json", out, ReportOptions(tool_version=version))
    return json.loads(out.getvalue())


def test_the_report_names_the_tool_engine_and_counts():
    data = report()
    assert list(data) == ["tool", "engine", "summary", "conforming", "outcomes"]
    assert data["tool"] == {"name": "klaviyo-contract", "version": "0.1.0"}
    assert data["engine"] == "reference"
    assert data["summary"] == {
        "checked": 2,
        "conform": 1,
        "violate": 1,
        "unreadable": 2,
        "skipped": 1,
        "exit_status": 2,
        "seconds": 0.25,
    }


def test_every_outcome_is_listed_in_input_order_with_its_kind():
    kinds = [outcome["kind"] for outcome in report()["outcomes"]]
    assert kinds == ["result", "result", "unreadable", "skipped", "unrouted"]


def test_every_outcome_has_the_same_keys_whatever_its_kind():
    """Consumers can filter with `.valid == false` or `.kind` without checking keys."""
    shapes = {tuple(outcome) for outcome in report()["outcomes"]}
    assert shapes == {
        ("kind", "location", "source", "schema", "exchange", "valid", "reason", "violations")
    }


def test_every_violation_comes_through_with_all_its_fields():
    violating = report()["outcomes"][1]
    assert violating["valid"] is False
    assert violating["schema"] == COUPON
    assert violating["violations"] == [
        {
            "instance_path": "",
            "keyword": "required",
            "message": '"data" is a required property',
            "schema_path": f"#/components/schemas/{COUPON}/required",
            "property": "data",
        },
        {
            "instance_path": "/attributes/status",
            "keyword": "enum",
            "message": '"terminé ✓" is not one of ["queued","processing","complete"]',
            "schema_path": ENUM.schema_path,
            "property": None,
        },
    ]


def test_sources_keep_path_line_column_and_entry():
    outcomes = report()["outcomes"]
    assert outcomes[1]["source"] == {
        "path": "captures/api.har",
        "line": None,
        "column": None,
        "entry": "entries[3]",
    }
    assert outcomes[1]["location"] == "captures/api.har entries[3]"
    assert outcomes[2]["source"] == {
        "path": "captures/broken.json",
        "line": 3,
        "column": 17,
        "entry": None,
    }
    assert outcomes[2]["reason"] == "Expecting ',' delimiter"
    assert outcomes[4]["location"] == "<stdin>"


def test_a_conforming_result_is_valid_with_no_violations():
    conforming = report()["outcomes"][0]
    assert conforming["valid"] is True
    assert conforming["violations"] == []


def test_problems_are_neither_valid_nor_invalid():
    assert [outcome["valid"] for outcome in report()["outcomes"][2:]] == [None, None, None]


def test_the_exchange_is_reported_without_its_query_string():
    """A recorded query string may carry a credential, which no report may show."""
    exchange = report()["outcomes"][1]["exchange"]
    assert exchange == {
        "method": "GET",
        "path": "/api/coupon-code-bulk-create-jobs/01H/",
        "status": 200,
    }


def test_two_runs_give_equal_reports_once_seconds_are_dropped():
    first, second = report(seconds=0.25), report(seconds=9.75)
    assert first != second
    del first["summary"]["seconds"], second["summary"]["seconds"]
    assert first == second


def test_seconds_appear_only_in_the_summary():
    def keys(value, path=()):
        if isinstance(value, dict):
            for key, item in value.items():
                yield (*path, key)
                yield from keys(item, (*path, key))
        elif isinstance(value, list):
            for item in value:
                yield from keys(item, path)

    timed = [path for path in keys(report()) if "seconds" in path[-1:]]
    assert timed == [("summary", "seconds")]


def test_the_text_is_byte_for_byte_the_same_for_equal_runs():
    def text() -> str:
        out = io.StringIO()
        write(Summary(outcomes=OUTCOMES, seconds=0.1), "json", out)
        return out.getvalue()

    assert text() == text()


def test_the_report_is_ascii_with_every_other_character_escaped():
    """A report piped through any encoding stays intact: non-ASCII text is escaped,
    and reads back as written."""
    out = io.StringIO()
    write(Summary(outcomes=OUTCOMES), "json", out, ReportOptions())
    text = out.getvalue()
    assert text.isascii()
    assert "\\u00e9" in text  # the é of "terminé"
    assert json.loads(text)["outcomes"][1]["violations"][1]["message"] == ENUM.message


@pytest.mark.parametrize("copies", [0, 51, 52, 103, 200])  # 0, 255, 260, 515, 1000 outcomes
def test_outcomes_written_in_chunks_are_encode_s_in_order_one_a_line(copies):
    from klaviyo_contract.reports import json_

    summary = Summary(outcomes=OUTCOMES * copies, engine="compiled")
    out = io.StringIO()
    write(summary, "json", out, ReportOptions(tool_version="1"))
    assert json.loads(out.getvalue()) == json.loads(json.dumps(json_.encode(summary, "1")))
    lines = out.getvalue().splitlines()
    assert sum(line.startswith('    {"kind":') for line in lines) == len(OUTCOMES) * copies
