"""Recording node ids can be fed back: ``pytest "FILE::ID"`` runs exactly that item.

The id of a repeated name ends with the entry's position as its location shows it:
``entries[3]`` / ``interactions[3]`` / ``[3]`` count from 0, ``line 12`` from 1.
"""

from __future__ import annotations

import json
import re

import pytest
from plugin_recordings import JOB_PATH, cassette, coupon_job, har, har_entry, job_document

pytest_plugins = ["pytester"]


def _recordings(pytester: pytest.Pytester) -> None:
    """Three recordings of each kind in recordings/, one item of each breaking the contract."""
    good, bad = job_document(), job_document(status="done")
    pytester.makefile(
        ".har",
        **{"recordings/jobs": har(*(har_entry("GET", JOB_PATH, 200, d) for d in (good, bad)))},
    )
    pytester.makefile(
        ".yaml",
        **{
            "recordings/jobs": cassette(
                ("GET", JOB_PATH, 200, good),
                ("GET", JOB_PATH, 200, good),
                ("GET", JOB_PATH, 200, good),
                ("GET", JOB_PATH, 200, bad),
            )
        },
    )
    items = [coupon_job(), coupon_job(status="done"), coupon_job()]
    (pytester.path / "recordings" / "batch.json").write_text(json.dumps(items))
    lines = [json.dumps(item) for item in (coupon_job(), coupon_job(), coupon_job(status="done"))]
    (pytester.path / "recordings" / "jobs.ndjson").write_text("\n".join(lines) + "\n")


def _failed_ids(result: pytest.RunResult) -> list[str]:
    found = (re.match(r"FAILED (.+?)(?: - .*)?$", line) for line in result.stdout.lines)
    return [match.group(1) for match in found if match]


@pytest.mark.parametrize(
    ("failing", "location"),
    [
        (
            "recordings/jobs.har::GET /api/coupon-code-bulk-create-jobs/{job_id} entries[1]",
            r"recordings/jobs\.har entries\[1\]",
        ),
        (
            "recordings/jobs.yaml::GET /api/coupon-code-bulk-create-jobs/{job_id} interactions[3]",
            r"recordings/jobs\.yaml:\d+ interactions\[3\]",
        ),
        ("recordings/batch.json::[1]", r"recordings/batch\.json \[1\]"),
        ("recordings/jobs.ndjson::line 3", r"recordings/jobs\.ndjson:3"),
    ],
    ids=["har", "cassette", "json-array", "ndjson"],
)
def test_the_printed_id_of_a_failing_item_runs_exactly_that_item(
    pytester: pytest.Pytester, failing: str, location: str
) -> None:
    """The id in the FAILED line, pasted back, selects that item; its number is the location's."""
    _recordings(pytester)
    everything = pytester.runpytest("--contract-recordings", "recordings", "-rf")
    everything.assert_outcomes(passed=8, failed=4)
    assert failing in _failed_ids(everything)
    assert re.search(rf"^{location}: 1 violation of", everything.stdout.str(), re.MULTILINE)

    again = pytester.runpytest("--contract-recordings", "recordings", failing, "-rf")

    again.assert_outcomes(failed=1)
    assert _failed_ids(again) == [failing]


def test_every_collected_id_selects_only_itself(pytester: pytest.Pytester) -> None:
    _recordings(pytester)
    listed = pytester.runpytest("--contract-recordings", "recordings", "--co", "-q")
    ids = [line for line in listed.stdout.lines if line.startswith("recordings/")]
    assert len(ids) == 12
    for node in ids:
        one = pytester.runpytest("--contract-recordings", "recordings", node, "--co", "-q")
        assert [line for line in one.stdout.lines if "::" in line] == [node]


def test_naming_a_recording_file_runs_that_file_only(pytester: pytest.Pytester) -> None:
    _recordings(pytester)
    result = pytester.runpytest("--contract-recordings", "recordings", "recordings/jobs.ndjson")
    result.assert_outcomes(passed=2, failed=1)


def test_other_tests_named_alone_still_get_every_recording(pytester: pytest.Pytester) -> None:
    """Naming a test file (not a recording) leaves the recordings' items in the run."""
    _recordings(pytester)
    pytester.makepyfile(test_user="def test_it():\n    pass\n")
    result = pytester.runpytest("--contract-recordings", "recordings", "test_user.py")
    result.assert_outcomes(passed=9, failed=4)
