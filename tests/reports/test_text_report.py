"""The text report: failing payloads, their violations, and the summary line."""

from __future__ import annotations

import io
import re

from hypothesis import given
from hypothesis import strategies as st

from klaviyo_contract.model import Exchange, Problem, Result, Source, Summary, Violation
from klaviyo_contract.reports import ReportOptions, write
from klaviyo_contract.reports.text import _UNPRINTABLE, GREEN, RED, _escape, printable, summary_line

COUPON = "CouponCodeCreateJobResponseObjectResource"
CONFORMING = Result(COUPON, source=Source("captures/jobs.ndjson", line=11))
VIOLATING = Result(
    COUPON,
    violations=(
        Violation(
            COUPON,
            "",
            "required",
            '"data" is a required property',
            f"#/components/schemas/{COUPON}/required",
            property="data",
        ),
        Violation(
            COUPON,
            "/attributes/status",
            "enum",
            '"terminé ✓" is not one of ["queued","processing","complete"]',
            f"#/components/schemas/{COUPON}/properties/attributes/properties/status/enum",
        ),
    ),
    source=Source("captures/jobs.ndjson", line=12),
    exchange=Exchange("GET", "https://a.klaviyo.com/api/coupon-code-bulk-create-jobs/01H/", 200),
)
FROM_STDIN = Result(
    COUPON,
    violations=(Violation(COUPON, "/id", "type", '7 is not of type "string"', ""),),
    source=Source("-", line=1),
)
UNREADABLE = Problem(
    Source("captures/broken.json", line=3, column=17), "Expecting ',' delimiter", "unreadable"
)
UNROUTED = Problem(
    Source("captures/api.har", entry="entries[4]"),
    "no schema for GET /api/lists/ -> 200",
    "unrouted",
)
SKIPPED = Problem(Source("captures/profiles.yaml"), "no contract for this route", "skipped")
SUMMARY = Summary(
    outcomes=(CONFORMING, VIOLATING, UNREADABLE, SKIPPED, FROM_STDIN, UNROUTED),
    seconds=0.314,
    engine="reference",
)
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def render(summary: Summary, *, color: bool = False) -> str:
    out = io.StringIO()
    write(summary, "text", out, ReportOptions(color=color))
    return out.getvalue()


def test_only_failing_payloads_and_problems_are_named_in_input_order_then_skipped_ones():
    """Conforming payloads get no line of their own; skipped ones follow with their reason."""
    unindented = [line for line in render(SUMMARY).splitlines() if not line.startswith(" ")]
    assert unindented == [
        f"captures/jobs.ndjson:12: 2 violations of {COUPON} "
        "(GET /api/coupon-code-bulk-create-jobs/01H/ -> 200)",
        "captures/broken.json:3:17: Expecting ',' delimiter",
        f"<stdin>:1: 1 violation of {COUPON}",
        "captures/api.har entries[4]: no schema for GET /api/lists/ -> 200",
        "captures/profiles.yaml: skipped, no contract for this route",
        "3 checked (1 conform, 2 violate), 2 unreadable, 1 skipped in 0.31 s",
    ]


def test_each_violation_is_one_indented_line_with_pointer_message_and_keyword():
    lines = render(SUMMARY).splitlines()
    assert lines[1:3] == [
        f'  /: "data" is a required property [required] #/components/schemas/{COUPON}/required',
        '  /attributes/status: "terminé ✓" is not one of ["queued","processing","complete"] '
        f"[enum] #/components/schemas/{COUPON}/properties/attributes/properties/status/enum",
    ]


def test_a_violation_without_a_schema_path_ends_with_its_keyword():
    assert '  /id: 7 is not of type "string" [type]\n' in render(SUMMARY)


def test_the_last_line_is_always_the_summary_with_every_count():
    assert render(SUMMARY).splitlines()[-1] == summary_line(SUMMARY)
    assert render(Summary(seconds=1.5)) == (
        "0 checked (0 conform, 0 violate), 0 unreadable, 0 skipped in 1.50 s\n"
    )


def test_an_all_good_run_prints_only_the_skipped_inputs_and_the_summary():
    assert render(Summary(outcomes=(CONFORMING, SKIPPED), seconds=0.02)) == (
        "captures/profiles.yaml: skipped, no contract for this route\n"
        "1 checked (1 conform, 0 violate), 0 unreadable, 1 skipped in 0.02 s\n"
    )


def test_skipped_inputs_are_grouped_by_reason_naming_the_first_few():
    other = "no contract for GET /api/profiles/ -> 200"
    skipped = [
        Problem(Source("api.har", entry=f"entries[{n}]"), other, "skipped") for n in range(5)
    ]
    skipped.insert(2, Problem(Source("package.json"), "not a Klaviyo payload: no type", "skipped"))
    lines = render(Summary(outcomes=tuple(skipped), seconds=0.02)).splitlines()
    assert lines[:-1] == [
        "5 skipped, no contract for GET /api/profiles/ -> 200: api.har entries[0], "
        "api.har entries[1], api.har entries[2] and 2 more",
        "package.json: skipped, not a Klaviyo payload: no type",
    ]


def test_past_ten_reasons_one_line_counts_the_rest():
    skipped = tuple(
        Problem(Source(f"{n}.har"), f"no contract for GET /api/{n}/ -> 200", "skipped")
        for n in range(13)
    )
    lines = render(Summary(outcomes=skipped, seconds=0.02)).splitlines()
    assert len(lines) == 12
    assert lines[-2] == "3 more skipped for 3 other reasons (--format json lists them)"


def test_without_colour_there_are_no_escape_sequences():
    text = render(SUMMARY)
    assert "\x1b" not in text
    ascii_only = Summary(outcomes=(FROM_STDIN, UNREADABLE, UNROUTED))
    assert render(ascii_only).isascii()


def test_with_colour_violations_are_red_and_the_text_is_otherwise_the_same():
    coloured = render(SUMMARY, color=True)
    assert f"{RED}/attributes/status" in coloured
    assert ANSI.sub("", coloured) == render(SUMMARY)


def test_with_colour_an_all_good_summary_is_green():
    coloured = render(Summary(outcomes=(CONFORMING,)), color=True)
    assert coloured.splitlines()[-1].startswith(GREEN)
    assert RED not in coloured


def test_control_characters_from_a_payload_cannot_reach_the_terminal():
    """An ESC in a payload value would otherwise restyle or clear the user's terminal."""
    hostile = Result(
        COUPON,
        (Violation(COUPON, "/id", "type", '"\x1b[2J\x07" is not of type "integer"', ""),),
        Source("x.json"),
    )
    text = render(Summary(outcomes=(hostile,)))
    assert "\x1b" not in text
    assert "\x07" not in text
    assert r'"\x1b[2J\x07" is not of type "integer"' in text


def test_lone_surrogates_are_shown_escaped_so_a_utf8_stream_takes_them():
    odd = Result(
        COUPON, (Violation(COUPON, "/id", "type", '"\ud800" is bad', ""),), Source("x.json")
    )
    text = render(Summary(outcomes=(odd,)))
    text.encode("utf-8")
    assert r'"\ud800" is bad' in text


def test_a_message_on_several_lines_stays_under_its_violation():
    multi = Result(
        COUPON,
        (Violation(COUPON, "/a", "oneOf", "first line\nsecond line", "#/s"),),
        Source("x.json"),
    )
    lines = render(Summary(outcomes=(multi,))).splitlines()
    assert lines[1:3] == ["  /a: first line", "    second line [oneOf] #/s"]


def test_a_result_without_a_source_is_still_named():
    bare = Result(COUPON, (Violation(COUPON, "/id", "type", "bad", ""),))
    assert render(Summary(outcomes=(bare,))).startswith(f"payload: 1 violation of {COUPON}\n")


@given(st.text())
def test_printable_text_is_what_the_escaping_pattern_leaves(text):
    """The shortcut for plain ASCII may never skip an escape the pattern makes."""
    assert printable(text) == _UNPRINTABLE.sub(_escape, text)
    assert printable("a\x1bb\tc") == "a\\x1bb\tc"
