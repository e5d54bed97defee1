"""The JUnit XML report: one test case per outcome, counts a CI server can read."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

from klaviyo_contract.model import Exchange, Problem, Result, Source, Summary, Violation
from klaviyo_contract.reports import ReportOptions, write

COUPON = "CouponCodeCreateJobResponseObjectResource"
REQUIRED = Violation(
    COUPON, "", "required", '"data" is a required property', "#/r", property="data"
)
ENUM = Violation(
    COUPON,
    "/attributes/status",
    "enum",
    '"terminé ✓" is not one of ["queued","processing","complete"]',
    "#/e",
)
SUMMARY = Summary(
    outcomes=(
        Result(COUPON, source=Source("captures/jobs.ndjson", line=11)),
        Result(
            COUPON,
            violations=(REQUIRED, ENUM),
            source=Source("captures/jobs.ndjson", line=12),
            exchange=Exchange(
                "GET", "https://a.klaviyo.com/api/coupon-code-bulk-create-jobs/", 200
            ),
        ),
        Problem(Source("captures/broken.json", line=3, column=17), "Expecting ',' delimiter"),
        Problem(Source("captures/api.har", entry="entries[2]"), "no schema fits", "unrouted"),
        Problem(Source("captures/profiles.yaml"), "no contract for this route", "skipped"),
        Result(
            COUPON, (Violation(COUPON, "/id", "type", "7 is not a string", "#/t"),), Source("-")
        ),
    ),
    seconds=1.25,
    engine="reference",
)


def render(summary: Summary = SUMMARY) -> str:
    out = io.StringIO()
    write(summary, "junit", out, ReportOptions(tool_version="0.1.0"))
    return out.getvalue()


def parse(summary: Summary = SUMMARY) -> ET.Element:
    return ET.fromstring(render(summary).encode("utf-8"))


def test_the_root_is_testsuites_with_one_klaviyo_contract_suite():
    root = parse()
    assert root.tag == "testsuites"
    [suite] = root
    assert suite.tag == "testsuite"
    assert suite.get("name") == "klaviyo-contract"


def test_suite_counts_match_the_summary():
    root = parse()
    suite = root.find("testsuite")
    assert suite.attrib == {
        "name": "klaviyo-contract",
        "tests": "6",
        "failures": "2",
        "errors": "2",
        "skipped": "1",
        "time": "1.250",
    }
    assert {key: root.get(key) for key in ("tests", "failures", "errors", "time")} == {
        "tests": "6",
        "failures": "2",
        "errors": "2",
        "time": "1.250",
    }


def test_counts_agree_with_the_test_cases_themselves():
    suite = parse().find("testsuite")
    cases = suite.findall("testcase")
    assert len(cases) == int(suite.get("tests"))
    assert sum(case.find("failure") is not None for case in cases) == int(suite.get("failures"))
    assert sum(case.find("error") is not None for case in cases) == int(suite.get("errors"))
    assert sum(case.find("skipped") is not None for case in cases) == int(suite.get("skipped"))


def test_a_test_case_is_named_by_location_and_schema_within_its_file():
    cases = parse().find("testsuite").findall("testcase")
    assert [(case.get("classname"), case.get("name")) for case in cases] == [
        ("captures/jobs.ndjson", f"captures/jobs.ndjson:11 {COUPON}"),
        ("captures/jobs.ndjson", f"captures/jobs.ndjson:12 {COUPON}"),
        ("captures/broken.json", "captures/broken.json:3:17"),
        ("captures/api.har", "captures/api.har entries[2]"),
        ("captures/profiles.yaml", "captures/profiles.yaml"),
        ("<stdin>", f"<stdin> {COUPON}"),
    ]


def test_a_failure_lists_every_violation():
    case = parse().find("testsuite").findall("testcase")[1]
    failure = case.find("failure")
    assert failure.get("message") == (
        '/: "data" is a required property [required]; '
        '/attributes/status: "terminé ✓" is not one of ["queued","processing","complete"] [enum]'
    )
    assert str(REQUIRED) in failure.text
    assert str(ENUM) in failure.text
    assert "GET /api/coupon-code-bulk-create-jobs/ -> 200" in failure.text


def test_a_conforming_payload_is_a_passing_test_case():
    case = parse().find("testsuite").findall("testcase")[0]
    assert list(case) == []


def test_unreadable_and_unrouted_inputs_are_errors_and_skipped_ones_are_skipped():
    cases = parse().find("testsuite").findall("testcase")
    assert cases[2].find("error").attrib == {
        "type": "unreadable",
        "message": "Expecting ',' delimiter",
    }
    assert cases[3].find("error").get("type") == "unrouted"
    assert cases[4].find("skipped").get("message") == "no contract for this route"


def test_the_engine_and_version_are_suite_properties():
    properties = parse().find("testsuite").find("properties")
    assert {p.get("name"): p.get("value") for p in properties} == {
        "engine": "reference",
        "version": "0.1.0",
    }


def test_characters_xml_cannot_hold_are_escaped_so_the_file_still_parses():
    """A payload string may hold any code point; XML 1.0 cannot hold most controls."""
    hostile = Result(
        COUPON,
        (Violation(COUPON, "/a", "type", '"\x00\x1b\ud800\ufffe" is bad', "#/t"),),
        Source("x.json"),
    )
    failure = parse(Summary(outcomes=(hostile,))).find("testsuite/testcase/failure")
    assert r'"\u0000\u001b\ud800\ufffe" is bad' in failure.get("message")


def test_the_document_is_ascii_with_a_utf8_declaration():
    text = render()
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    assert text.isascii()
    assert "terminé ✓" in ET.fromstring(text).find("testsuite/testcase/failure").get("message")


def test_an_empty_run_is_an_empty_suite():
    suite = parse(Summary()).find("testsuite")
    assert suite.get("tests") == "0"
    assert suite.findall("testcase") == []
