"""The WRITERS table and write(): every format, one entry point."""

from __future__ import annotations

import io

import pytest

from klaviyo_contract.model import Exchange, Problem, Result, Source, Summary, Violation
from klaviyo_contract.reports import WRITERS, ReportOptions, write

SUMMARY = Summary(
    outcomes=(
        Result("PostCatalogItemCreateJobResponse", source=Source("captures/jobs.ndjson", line=1)),
        Result(
            "PostCatalogItemCreateJobResponse",
            violations=(
                Violation(
                    "PostCatalogItemCreateJobResponse",
                    "",
                    "required",
                    '"data" is a required property',
                    "#/components/schemas/PostCatalogItemCreateJobResponse/required",
                    property="data",
                ),
            ),
            source=Source("captures/jobs.ndjson", line=2),
            exchange=Exchange(
                "POST", "https://a.klaviyo.com/api/catalog-item-bulk-create-jobs/", 202
            ),
        ),
        Problem(Source("-", line=4, column=2), "Expecting value", "unreadable"),
        Problem(Source("captures/other.json"), "no contract for GET /api/profiles/", "skipped"),
    ),
    seconds=0.5,
    engine="reference",
)


def test_the_table_offers_exactly_the_five_formats():
    assert set(WRITERS) == {"text", "json", "junit", "github", "sarif"}


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_write_dispatches_to_the_writer_of_the_format(fmt):
    through_write, direct = io.StringIO(), io.StringIO()
    options = ReportOptions(tool_version="1.2.3")
    write(SUMMARY, fmt, through_write, options)
    WRITERS[fmt](SUMMARY, direct, options)
    assert through_write.getvalue() == direct.getvalue()
    assert through_write.getvalue().endswith("\n")


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_every_format_writes_a_run_that_checked_nothing(fmt):
    out = io.StringIO()
    write(Summary(), fmt, out)
    assert out.getvalue().strip()


@pytest.mark.parametrize("fmt", ["json", "junit", "sarif"])
def test_machine_formats_are_ascii_so_any_output_encoding_takes_them(fmt):
    """Non-ASCII payload text is escaped, so `-o FILE` with any encoding is safe."""
    summary = Summary(
        outcomes=(
            Result(
                "X",
                (Violation("X", "/name", "enum", '"Café ☕" is not one of ["tea"]', "#/enum"),),
                Source("données/ü.json"),
            ),
        )
    )
    out = io.StringIO()
    write(summary, fmt, out)
    assert out.getvalue().isascii()


def test_an_unknown_format_is_a_value_error_naming_the_choices():
    with pytest.raises(ValueError, match=r"'yaml'.*text, json, junit, github, sarif"):
        write(SUMMARY, "yaml", io.StringIO())


def test_report_options_default_to_no_colour_and_no_version():
    assert ReportOptions() == ReportOptions(color=False, tool_version="")
