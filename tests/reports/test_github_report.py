"""GitHub Actions annotations: one ::error per violation and problem, escaped."""

from __future__ import annotations

import io
import re

from klaviyo_contract.model import Problem, Result, Source, Summary, Violation
from klaviyo_contract.reports import write
from klaviyo_contract.reports.github import escape_data, escape_property

COUPON = "CouponCodeCreateJobResponseObjectResource"
REQUIRED = Violation(
    COUPON, "", "required", '"data" is a required property', "#/r", property="data"
)
ENUM = Violation(COUPON, "/attributes/status", "enum", '"terminé ✓" is not one of ["a"]', "#/e")
SUMMARY = Summary(
    outcomes=(
        Result(COUPON, source=Source("captures/jobs.ndjson", line=11)),
        Result(COUPON, (REQUIRED, ENUM), Source("captures/jobs.ndjson", line=12)),
        Problem(Source("captures/broken.json", line=3, column=17), "Expecting ',' delimiter"),
        Problem(Source("captures/profiles.yaml"), "no contract for this route", "skipped"),
        Result(
            COUPON, (Violation(COUPON, "/id", "type", "7 is not a string", "#/t"),), Source("-")
        ),
        Result(COUPON, (Violation(COUPON, "/id", "type", "bad", "#/t"),), Source("whole.json")),
    ),
    seconds=0.5,
)
COMMAND = re.compile(r"::error (?P<properties>[^:]*)::(?P<data>.*)")


def render(summary: Summary = SUMMARY) -> list[str]:
    out = io.StringIO()
    write(summary, "github", out)
    return out.getvalue().splitlines()


def unescape(text: str) -> str:
    """What the Actions runner does to a command's data and property values."""
    for escaped, raw in (("%3A", ":"), ("%2C", ","), ("%0D", "\r"), ("%0A", "\n"), ("%25", "%")):
        text = text.replace(escaped, raw)
    return text


def parse(line: str) -> tuple[dict[str, str], str]:
    match = COMMAND.fullmatch(line)
    assert match, line
    properties = dict(item.split("=", 1) for item in match["properties"].split(","))
    return {key: unescape(value) for key, value in properties.items()}, unescape(match["data"])


def test_each_violation_is_one_error_annotation_at_its_file_and_line():
    lines = render()
    assert lines[:2] == [
        "::error file=captures/jobs.ndjson,line=12,title=klaviyo-contract required"
        '::/: "data" is a required property',
        "::error file=captures/jobs.ndjson,line=12,title=klaviyo-contract enum"
        '::/attributes/status: "terminé ✓" is not one of ["a"]',
    ]


def test_an_unreadable_input_is_an_error_annotation_with_its_column():
    assert render()[2] == (
        "::error file=captures/broken.json,line=3,col=17,title=klaviyo-contract unreadable"
        "::captures/broken.json:3:17: Expecting ',' delimiter"
    )


def test_standard_input_has_no_file_property():
    properties, data = parse(render()[3])
    assert properties == {"title": "klaviyo-contract type"}
    assert data == "/id: 7 is not a string (<stdin>)"


def test_an_unknown_line_is_left_out():
    properties, _ = parse(render()[4])
    assert properties == {"file": "whole.json", "title": "klaviyo-contract type"}


def test_conforming_payloads_and_skipped_inputs_get_no_annotation():
    commands = [line for line in render() if line.startswith("::")]
    assert len(commands) == 5  # 4 violations, 1 unreadable input
    assert not any("profiles.yaml" in line or "line=11" in line for line in commands)


def test_the_last_line_is_the_plain_summary():
    assert render()[-1] == "4 checked (1 conform, 3 violate), 1 unreadable, 1 skipped in 0.50 s"


def test_message_data_escapes_percent_and_line_breaks_but_not_commas_or_colons():
    message = "100% sure,\r\nkey: value"
    assert escape_data(message) == "100%25 sure,%0D%0Akey: value"


def test_property_values_also_escape_commas_and_colons():
    assert escape_property("C:\\odd, dir\n100%.json") == "C%3A\\odd%2C dir%0A100%25.json"


def test_a_hostile_message_and_path_round_trip_through_the_runner_unescaping():
    message = "50% off,\nthen: more\r\nlines"
    path = "odd, dir:x/100%.json"
    summary = Summary(
        outcomes=(
            Result(COUPON, (Violation(COUPON, "/a", "const", message, "#/c"),), Source(path, 2)),
        )
    )
    [line, _summary] = render(summary)
    assert "\n" not in line
    properties, data = parse(line)
    assert properties == {"file": path, "line": "2", "title": "klaviyo-contract const"}
    assert data == f"/a: {message}"


def test_an_entry_of_a_recording_is_named_in_the_message():
    summary = Summary(
        outcomes=(Problem(Source("api.har", entry="entries[3]"), "no schema fits", "unrouted"),)
    )
    properties, data = parse(render(summary)[0])
    assert properties == {"file": "api.har", "title": "klaviyo-contract unrouted"}
    assert data == "api.har entries[3]: no schema fits"


def test_terminal_escapes_in_a_payload_are_shown_not_acted_on():
    """The Actions log viewer renders ANSI sequences; a payload must not restyle it."""
    summary = Summary(
        outcomes=(
            Result(
                COUPON, (Violation(COUPON, "/a", "type", "\x1b[31mred", "#/t"),), Source("x.json")
            ),
        )
    )
    _, data = parse(render(summary)[0])
    assert data == "/a: \\x1b[31mred"
