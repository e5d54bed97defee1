"""``--contract-recordings``: one test item per recorded response, with readable ids."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from plugin_recordings import (
    JOB_PATH,
    JOBS_PATH,
    cassette,
    coupon_job,
    create_and_poll_har,
    created_document,
    har,
    har_entry,
    job_document,
    jobs_document,
)

pytest_plugins = ["pytester"]

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "recordings"


def test_each_recorded_response_is_an_item_and_only_the_violating_one_fails(
    pytester: pytest.Pytester,
) -> None:
    """The failure names the entry, the JSON Pointer, the keyword and the message."""
    pytester.makefile(".har", **{"recordings/jobs": create_and_poll_har()})

    result = pytester.runpytest("--contract-recordings", "recordings")

    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*recordings/jobs.har entries[[]2[]]: 1 violation of "
            "GetCouponCodeCreateJobResponseCompoundDocument "
            "(GET /api/coupon-code-bulk-create-jobs/* -> 200)",
            '  /data/attributes/status: "done" is not one of *[[]enum[]]',
            "*FAILED recordings/jobs.har::GET /api/coupon-code-bulk-create-jobs/{job_id}"
            " entries[[]2[]]*",
        ]
    )
    assert "Traceback" not in result.stdout.str()


def test_node_ids_name_the_route_template_and_number_repeats_in_file_order(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".har", **{"recordings/jobs": create_and_poll_har()})

    result = pytester.runpytest("--contract-recordings", "recordings", "--collect-only", "-q")

    assert result.ret == 0
    assert result.stdout.lines[:3] == [
        "recordings/jobs.har::POST /api/coupon-code-bulk-create-jobs",
        "recordings/jobs.har::GET /api/coupon-code-bulk-create-jobs/{job_id} entries[1]",
        "recordings/jobs.har::GET /api/coupon-code-bulk-create-jobs/{job_id} entries[2]",
    ]


def test_a_request_the_contract_does_not_route_is_named_by_its_path(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(
        ".har", profiles=har(har_entry("GET", "/api/profiles/?page[size]=2", 200, {"data": []}))
    )

    result = pytester.runpytest("--contract-recordings", "profiles.har", "--co", "-q")

    assert result.stdout.lines[0] == "profiles.har::GET /api/profiles/"


def test_bare_payloads_are_named_by_line_array_index_or_file_name(
    pytester: pytest.Pytester,
) -> None:
    payloads = pytester.mkdir("payloads")
    lines = [json.dumps(coupon_job()), "", json.dumps(coupon_job(status="queued"))]
    (payloads / "jobs.ndjson").write_text("\n".join(lines) + "\n")
    (payloads / "batch.json").write_text(json.dumps([coupon_job(), job_document()]))
    (payloads / "one.json").write_text(json.dumps(jobs_document()))

    collected = pytester.runpytest("--contract-recordings", "payloads", "--co", "-q")
    ran = pytester.runpytest("--contract-recordings", "payloads")

    assert collected.stdout.lines[:5] == [  # brackets are literal here, not fnmatch
        "payloads/batch.json::[0]",
        "payloads/batch.json::[1]",
        "payloads/jobs.ndjson::line 1",
        "payloads/jobs.ndjson::line 3",
        "payloads/one.json::one.json",
    ]
    ran.assert_outcomes(passed=5)


def test_a_cassette_is_checked_interaction_by_interaction(pytester: pytest.Pytester) -> None:
    broken = job_document()
    del broken["data"]["attributes"]["created_at"]
    pytester.makefile(
        ".yaml",
        **{
            "cassettes/jobs": cassette(
                ("POST", JOBS_PATH, 202, created_document()),
                ("GET", JOBS_PATH, 200, jobs_document()),
                ("GET", JOB_PATH, 200, broken),
            )
        },
    )

    result = pytester.runpytest("--contract-recordings", "cassettes", "-v")

    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*cassettes/jobs.yaml::GET /api/coupon-code-bulk-create-jobs/{job_id} FAILED*",
            "*cassettes/jobs.yaml:* interactions[[]2[]]: 1 violation of * (GET *)",
            '  /data/attributes: "created_at" is a required property [[]required[]]',
        ]
    )


def test_responses_without_a_contract_are_skipped_with_the_reason(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(
        ".har",
        other=har(
            har_entry("GET", "/api/profiles/", 200, {"data": []}),
            har_entry("DELETE", JOB_PATH, 204, None),
            har_entry("GET", JOBS_PATH, 200, "<html></html>", mime="text/html"),
            har_entry("GET", JOBS_PATH, 200, jobs_document()),
        ),
    )

    result = pytester.runpytest("--contract-recordings", "other.har", "-rs")

    result.assert_outcomes(passed=1, skipped=3)
    result.stdout.fnmatch_lines_random(
        [
            "SKIPPED [[]1[]] other.har:1: no contract for GET /api/profiles/ -> 200",
            "SKIPPED [[]1[]] other.har:1: no JSON body (empty, status 204)",
            "SKIPPED [[]1[]] other.har:1: no JSON body (text/html)",
        ]
    )


def test_an_unreadable_entry_fails_with_the_readers_reason_and_the_rest_still_run(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(
        ".har",
        **{
            "recordings/mixed": har(
                har_entry("GET", JOB_PATH, 200, '{"data": {'),
                har_entry("GET", JOB_PATH, 200, job_document()),
            ),
            "recordings/garbage": "this is not JSON",
        },
    )

    result = pytester.runpytest(
        "--contract-recordings", "recordings", "--contract-recordings", "missing.har"
    )

    result.assert_outcomes(passed=1, failed=3)
    result.stdout.fnmatch_lines_random(
        [
            "recordings/mixed.har entries[[]0[]]: response body line 1, column *",
            "recordings/garbage.har:1:1: *",
            "missing.har: no such file or directory",
            "FAILED recordings/mixed.har::entries[[]0[]]*",
            "FAILED recordings/garbage.har::garbage.har*",
            "FAILED missing.har::missing.har*",
        ]
    )


def test_a_sparse_fieldset_leaves_out_attributes_without_breaking_the_contract(
    pytester: pytest.Pytester,
) -> None:
    """``?fields[TYPE]=status`` answers with status alone; without the request, the
    same body misses required attributes."""
    sparse = job_document()
    sparse["data"]["attributes"] = {"status": "complete"}
    pytester.makefile(
        ".har",
        sparse=har(
            har_entry("GET", f"{JOB_PATH}?fields[coupon-code-bulk-create-job]=status", 200, sparse),
            har_entry("GET", JOB_PATH, 200, sparse),
        ),
    )

    result = pytester.runpytest("--contract-recordings", "sparse.har", "-rA")

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines_random(
        [
            "PASSED sparse.har::GET /api/coupon-code-bulk-create-jobs/{job_id} entries[[]0[]]",
            "FAILED sparse.har::GET /api/coupon-code-bulk-create-jobs/{job_id} entries[[]1[]]*",
            '  /data/attributes: "created_at" is a required property [[]required[]]',
            '  /data/attributes: "total_count" is a required property [[]required[]]',
        ]
    )


def test_strict_mode_reports_properties_the_schema_does_not_name(
    pytester: pytest.Pytester,
) -> None:
    drifted = job_document(surprise=1)
    pytester.makefile(".har", drift=har(har_entry("GET", JOB_PATH, 200, drifted)))

    lenient = pytester.runpytest("--contract-recordings", "drift.har")
    strict = pytester.runpytest("--contract-recordings", "drift.har", "--contract-strict")

    lenient.assert_outcomes(passed=1)
    strict.assert_outcomes(failed=1)
    strict.stdout.fnmatch_lines(["*/data/attributes*surprise*"])


def test_recording_items_carry_the_contract_marker(pytester: pytest.Pytester) -> None:
    pytester.makefile(".har", jobs=create_and_poll_har())
    pytester.makepyfile("def test_unrelated():\n    pass\n")

    only = pytester.runpytest("--contract-recordings", "jobs.har", "-m", "contract")
    without = pytester.runpytest("--contract-recordings", "jobs.har", "-m", "not contract")

    only.assert_outcomes(passed=2, failed=1, deselected=1)
    without.assert_outcomes(passed=1, deselected=3)


def test_k_selects_recording_items_by_name(pytester: pytest.Pytester) -> None:
    pytester.makefile(".har", jobs=create_and_poll_har())

    result = pytester.runpytest("--contract-recordings", "jobs.har", "-k", "POST")

    result.assert_outcomes(passed=1, deselected=2)


def test_a_recording_outside_the_rootdir_keeps_a_relative_id(
    pytester: pytest.Pytester,
) -> None:
    project = pytester.mkdir("project")
    (project / "pytest.ini").write_text("[pytest]\n")
    pytester.makefile(".har", **{"elsewhere/jobs": create_and_poll_har()})
    project.joinpath("test_nothing.py").write_text("def test_ok():\n    pass\n")

    result = pytester.runpytest(
        "--rootdir", str(project), "--contract-recordings", "elsewhere", "--co", "-q", project
    )

    assert "../elsewhere/jobs.har::POST /api/coupon-code-bulk-create-jobs" in result.stdout.lines


def test_a_file_named_twice_is_read_once(pytester: pytest.Pytester) -> None:
    pytester.makefile(".har", **{"recordings/jobs": create_and_poll_har()})

    result = pytester.runpytest(
        "--contract-recordings", "recordings", "--contract-recordings", "recordings/jobs.har"
    )

    result.assert_outcomes(passed=2, failed=1)


@pytest.mark.skipif(not EXAMPLES.is_dir(), reason="examples/recordings is not in this checkout")
def test_the_shipped_example_recordings(pytester: pytest.Pytester) -> None:
    """The README's example: violating.har breaks the contract, the others keep it."""
    result = pytester.runpytest("--contract-recordings", str(EXAMPLES), "-rf")

    outcomes = result.parseoutcomes()
    assert outcomes["failed"] == 1
    assert outcomes["passed"] >= 5
    result.stdout.fnmatch_lines(["FAILED *violating.har::GET *"])
