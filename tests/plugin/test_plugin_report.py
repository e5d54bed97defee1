"""``--contract-report FILE``: every check of the session, once, also under pytest-xdist."""

from __future__ import annotations

import json
from typing import Any

import pytest
from plugin_recordings import (
    JOB_PATH,
    JOBS_PATH,
    create_and_poll_har,
    har,
    har_entry,
    job_document,
    jobs_document,
)

pytest_plugins = ["pytester"]

USER_TESTS = f"""
GOOD = {job_document()!r}
BAD = {job_document(status="done")!r}

def test_good(contract):
    contract.check(GOOD, "GetCouponCodeCreateJobResponseCompoundDocument")

def test_two_checks(contract):
    contract.validate(GOOD)
    contract.validate(BAD)
"""


def read(path: Any) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_report_lists_every_recording_item_and_fixture_check(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".har", jobs=create_and_poll_har())
    pytester.makefile(".har", other=har(har_entry("GET", "/api/profiles/", 200, {"data": []})))
    pytester.makepyfile(test_user=USER_TESTS)

    result = pytester.runpytest(
        "--contract-recordings",
        "jobs.har",
        "--contract-recordings",
        "other.har",
        "--contract-report",
        "out/report.json",
    )

    result.assert_outcomes(passed=4, failed=1, skipped=1)
    report = read(pytester.path / "out" / "report.json")
    assert report["version"] == 1
    assert report["counts"] == {
        "checks": 7,
        "conform": 4,
        "violate": 2,
        "skipped": 1,
        "unreadable": 0,
        "unrouted": 0,
    }
    assert [(check["node"], check["outcome"]) for check in report["checks"]] == [
        ("jobs.har::GET /api/coupon-code-bulk-create-jobs/{job_id} entries[1]", "conform"),
        ("jobs.har::GET /api/coupon-code-bulk-create-jobs/{job_id} entries[2]", "violate"),
        ("jobs.har::POST /api/coupon-code-bulk-create-jobs", "conform"),
        ("other.har::GET /api/profiles/", "skipped"),
        ("test_user.py::test_good", "conform"),
        ("test_user.py::test_two_checks", "conform"),
        ("test_user.py::test_two_checks", "violate"),
    ]
    violating = report["checks"][1]
    assert violating == {
        "node": "jobs.har::GET /api/coupon-code-bulk-create-jobs/{job_id} entries[2]",
        "outcome": "violate",
        "valid": False,
        "schema": "GetCouponCodeCreateJobResponseCompoundDocument",
        "source": "jobs.har entries[2]",
        "violations": [
            {
                "instance_path": "/data/attributes/status",
                "keyword": "enum",
                "message": '"done" is not one of ["cancelled","complete","processing","queued"]',
                "schema_path": "#/components/schemas/CouponCodeCreateJobResponseObjectResource"
                "/properties/attributes/properties/status/enum",
            }
        ],
        "reason": None,
    }
    assert report["checks"][3]["reason"] == "no contract for GET /api/profiles/ -> 200"
    assert [path.name for path in (pytester.path / "out").iterdir()] == ["report.json"]


def test_no_report_is_written_without_the_option(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=USER_TESTS)

    pytester.runpytest().assert_outcomes(passed=2)

    assert not list(pytester.path.rglob("*.json"))


def test_under_xdist_the_report_has_each_check_exactly_once(pytester: pytest.Pytester) -> None:
    """Workers hand their checks to the controller, which writes one report."""
    entries = [har_entry("GET", JOB_PATH, 200, job_document()) for _ in range(7)]
    entries += [har_entry("GET", JOBS_PATH, 200, jobs_document()) for _ in range(5)]
    pytester.makefile(".har", **{"recordings/a": har(*entries), "recordings/b": har(*entries)})
    pytester.makepyfile(test_user=USER_TESTS)

    result = pytester.runpytest_subprocess(
        "-p",
        "xdist",
        "-n",
        "2",
        "--contract-recordings",
        "recordings",
        "--contract-report",
        "report.json",
    )

    result.assert_outcomes(passed=26)
    checks = read(pytester.path / "report.json")["checks"]
    recorded = [check["node"] for check in checks if check["node"].startswith("recordings/")]
    expected = sorted(
        f"recordings/{name}.har::GET /api/coupon-code-bulk-create-jobs{path} entries[{n}]"
        for name in "ab"
        for path, positions in (("/{job_id}", range(7)), ("", range(7, 12)))
        for n in positions
    )
    assert recorded == expected
    assert [check["node"] for check in checks if check["node"].startswith("test_user")] == [
        "test_user.py::test_good",
        "test_user.py::test_two_checks",
        "test_user.py::test_two_checks",
    ]
