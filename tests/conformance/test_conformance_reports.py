"""Conformance reports: byte-stable, written atomically, and failures that explain themselves."""

from __future__ import annotations

import dataclasses
import functools
import json
import xml.etree.ElementTree as ET
from pathlib import Path

from klaviyo_contract import Contract
from klaviyo_contract.conformance import (
    REPORTS,
    Case,
    ConformanceReport,
    agreement,
    load_cases,
    render_json,
    render_junit,
    render_markdown,
    run,
    write_reports,
)
from klaviyo_contract.constraints import Constraint

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "reports"


@functools.cache
def corpus() -> tuple[Case, ...]:
    return tuple(load_cases(ROOT / "conformance"))


@functools.cache
def contract() -> Contract:
    return Contract.default()


def case(identifier: str) -> Case:
    return next(c for c in corpus() if c.id == identifier)


def test_the_committed_reports_are_the_ones_the_code_and_corpus_produce(tmp_path: Path) -> None:
    """Regenerate with `klaviyo-contract conformance` when this fails, and commit reports/."""
    written = write_reports(run(contract(), corpus()), tmp_path)
    assert [path.name for path in written] == list(REPORTS)
    for path in written:
        committed = COMMITTED / path.name
        assert committed.is_file(), f"{committed} is missing"
        assert path.read_bytes() == committed.read_bytes(), f"{committed} is stale"


def test_writing_leaves_no_temporary_file_and_creates_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "deep" / "reports"
    report = run(contract(), corpus()[:3])
    write_reports(report, folder)
    write_reports(report, folder)
    assert sorted(path.name for path in folder.iterdir()) == sorted(REPORTS)


def test_a_wrong_expectation_fails_the_case_with_a_diff() -> None:
    right = case("coupon-created-at-space")
    wrong = dataclasses.replace(right, expected=frozenset({("/attributes/status", "enum")}))
    outcome = run(contract(), [wrong]).outcomes[0]
    assert not outcome.passed
    assert outcome.missing == (("/attributes/status", "enum"),)
    assert [(v.instance_path, v.keyword) for v in outcome.unexpected] == [
        ("/attributes/created_at", "format")
    ]
    assert outcome.diff().splitlines() == [
        "coupon-code-job-resource.json /4/tests/0 (coupon-created-at-space) against "
        "CouponCodeCreateJobResponseObjectResource: a space instead of T",
        "  expected other violations",
        "  - /attributes/status enum",
        '  + /attributes/created_at format: "2024-03-04 10:11:12+00:00" is not an RFC 3339 '
        "date-time",
    ]


def test_a_valid_case_with_violations_and_an_invalid_one_without_fail() -> None:
    conforming = dataclasses.replace(
        case("coupon-queued-nulls"), valid=False, expected=frozenset({("", "type")})
    )
    breaking = dataclasses.replace(case("coupon-status-empty"), valid=True, expected=frozenset())
    first, second = run(contract(), [conforming, breaking]).outcomes
    assert "expected invalid, but the payload conforms" in first.diff()
    assert "  - / type" in first.diff()
    assert "expected valid, got 1 violation(s)" in second.diff()
    assert "  + /attributes/status enum" in second.diff()


def test_a_failed_case_shows_in_every_report() -> None:
    wrong = dataclasses.replace(
        case("coupon-created-at-space"), expected=frozenset({("/attributes/created_at", "type")})
    )
    report = run(contract(), [case("coupon-queued-nulls"), wrong])
    assert not report.passed
    assert not report.ok

    document = json.loads(render_json(report))
    assert document["cases"] == {"total": 2, "passed": 1, "failed": 1}
    failed = [entry for entry in document["results"] if not entry["passed"]]
    assert failed == [
        {
            "id": "coupon-created-at-space",
            "group": "coupon-formats",
            "file": "coupon-code-job-resource.json",
            "schema": "CouponCodeCreateJobResponseObjectResource",
            "valid": False,
            "passed": False,
            "expected": [{"instance_path": "/attributes/created_at", "keyword": "type"}],
            "actual": [
                {
                    "instance_path": "/attributes/created_at",
                    "keyword": "format",
                    "message": '"2024-03-04 10:11:12+00:00" is not an RFC 3339 date-time',
                    "schema_path": "#/components/schemas/CouponCodeCreateJobResponseObjectResource"
                    "/properties/attributes/properties/created_at/format",
                }
            ],
        }
    ]

    markdown = render_markdown(report)
    assert "| `CouponCodeCreateJobResponseObjectResource` | 2 | 1 | 1 | 1 | 1 |" in markdown
    assert "  - /attributes/created_at type" in markdown

    suite = ET.fromstring(render_junit(report)).find("testsuite")
    assert suite is not None
    assert suite.get("failures") == "2"  # the case, and the coverage of two cases
    failures = {
        element.get("name"): element.find("failure")
        for element in suite.iter("testcase")
        if element.find("failure") is not None
    }
    assert set(failures) == {"coupon-created-at-space", "constraint-coverage"}
    failure = failures["coupon-created-at-space"]
    assert failure is not None
    assert failure.get("message") == "expected other violations"
    assert "+ /attributes/created_at format" in (failure.text or "")


def test_fewer_cases_lower_the_coverage_and_list_what_is_uncovered() -> None:
    valid_only = [c for c in corpus() if c.valid]
    report = run(contract(), valid_only)
    assert report.passed
    assert not report.ok
    covered = len(report.covered)
    total = len(report.constraints)
    assert 0 < covered < total
    assert {c.kind for c in report.covered} == {"nullable"}
    assert report.coverage_line.startswith(f"Constraint coverage: {covered}/{total} (")
    markdown = render_markdown(report)
    assert report.coverage_line in markdown
    assert "- `#/components/schemas/ObjectLinks/required/self`" in markdown
    document = json.loads(render_json(report))
    assert document["coverage"]["covered"] == covered
    assert "#/components/schemas/ObjectLinks/required/self" in document["coverage"]["uncovered"]


def test_coverage_is_rounded_down_and_never_shows_100_unless_complete() -> None:
    every = tuple(
        Constraint("S", "type", f"#/components/schemas/S/properties/p{i}/type") for i in range(1000)
    )
    almost = ConformanceReport((), every, {c.id: ("x",) for c in every[:-1]})
    assert almost.coverage == 99.9
    assert almost.coverage_line == "Constraint coverage: 999/1000 (99.9%)"
    third = ConformanceReport((), every[:3], {every[0].id: ("x",)})
    assert third.coverage_line == "Constraint coverage: 1/3 (33.3%)"
    nothing = ConformanceReport((), (), {})
    assert nothing.coverage_line == "Constraint coverage: 0/0 (100%)"


def test_the_junit_report_has_one_test_case_per_case_and_one_for_coverage() -> None:
    cases = corpus()[:5]
    suite = ET.fromstring(render_junit(run(contract(), cases))).find("testsuite")
    assert suite is not None
    names = [element.get("name") for element in suite.iter("testcase")]
    assert names == [*(c.id for c in cases), "constraint-coverage"]


def test_agreement_names_each_case_where_two_contracts_differ(tmp_path: Path) -> None:
    """A contract whose ObjectLinks asserts no format disagrees on a relative link only."""
    for source in (ROOT / "schemas").glob("*.json"):
        schema = json.loads(source.read_text(encoding="utf-8"))
        if schema["$id"].endswith("/ObjectLinks"):
            del schema["properties"]["self"]["format"]
        (tmp_path / source.name).write_text(json.dumps(schema), encoding="utf-8")
    lenient = Contract.from_directory(tmp_path, engine="reference")
    cases = [case("coupon-complete"), case("coupon-link-relative"), case("coupon-status-empty")]
    disagreements = agreement(cases, {"bundled": contract(), "lenient": lenient})
    assert [d.case.id for d in disagreements] == ["coupon-link-relative"]
    assert disagreements[0].describe().splitlines()[1:] == [
        "  bundled: /links/self format",
        "  lenient: valid",
    ]
