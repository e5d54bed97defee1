"""The CI report: JUnit XML, one test case per outcome."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..model import Result
from .failure import describe
from .xml import Case, render

if TYPE_CHECKING:
    from typing import TextIO

    from ..model import Outcome, Summary
    from . import ReportOptions

SUITE = "klaviyo-contract"


def write(summary: Summary, out: TextIO, options: ReportOptions) -> None:
    """Write ``summary`` as a ``<testsuites>`` document with one ``<testsuite>``.

    A violating payload is a ``<failure>``, an unreadable or unrouted input an
    ``<error>``, a skipped one ``<skipped>``; the payloads that conform are one
    passing case per file. Text outside ASCII is written as character references,
    so the document is the same whatever ``out`` encodes.
    """
    properties = {"engine": summary.engine, "version": options.tool_version}
    out.write(render(SUITE, _cases(summary), properties=properties, seconds=summary.seconds))


def _cases(summary: Summary) -> Iterator[Case]:
    for outcome in summary.outcomes:
        yield _case(outcome)
    # Conforming payloads are counted, not kept: one passing testcase per file.
    for path, number in sorted(summary.conforming.items()):
        yield Case(_classname(path), f"{number} payload{'s' * (number != 1)} conform")


def _case(outcome: Outcome) -> Case:
    # No `file` or `line` attributes: the xunit2 schema (Jenkins' junit-10.xsd, which
    # pytest's default output follows) has no such testcase attributes.
    classname = _classname(outcome.source.path if outcome.source is not None else "")
    if isinstance(outcome, Result):
        where = str(outcome.source) if outcome.source is not None else "<payload>"
        name = f"{where} {outcome.schema}"
        if outcome.valid:
            return Case(classname, name)
        message = "; ".join(str(violation) for violation in outcome.violations)
        text = "\n".join(describe(outcome))
        return Case(classname, name, "failure", "violation", message, text)
    name = str(outcome.source)
    if outcome.kind == "skipped":
        return Case(classname, name, "skipped", message=outcome.reason)
    return Case(classname, name, "error", outcome.kind, outcome.reason, outcome.reason)


def _classname(path: str | None) -> str:
    return "<stdin>" if path == "-" else path or "<payload>"


__all__ = ["SUITE", "write"]
