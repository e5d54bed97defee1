"""The CI report: JUnit XML, one test case per outcome."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from ..model import Result

if TYPE_CHECKING:
    from typing import TextIO

    from ..model import Problem, Source, Summary
    from . import ReportOptions

SUITE = "klaviyo-contract"

# Characters XML 1.0 cannot hold at all (2.2 Char): most C0 controls, lone
# surrogates (json.loads makes them from "\ud800"), U+FFFE and U+FFFF. A payload
# value may carry any of them into a message; ElementTree would write them as they
# are, and no consumer could parse the file.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def write(summary: Summary, out: TextIO, options: ReportOptions) -> None:
    """Write ``summary`` as a ``<testsuites>`` document with one ``<testsuite>``.

    A violating payload is a ``<failure>``, an unreadable or unrouted input an
    ``<error>``, a skipped one ``<skipped>``. Text outside ASCII is written as
    character references, so the document is the same whatever ``out`` encodes.
    """
    root = encode(summary, options.tool_version)
    ET.indent(root)
    body = ET.tostring(root, encoding="us-ascii", xml_declaration=False).decode("ascii")
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n")


def encode(summary: Summary, tool_version: str = "") -> ET.Element:
    """The ``<testsuites>`` element for ``summary``."""
    counts = summary.counts
    totals = {
        "tests": str(len(summary.outcomes) + len(summary.conforming)),
        "failures": str(counts["violate"]),
        "errors": str(counts["unreadable"]),
        "time": f"{summary.seconds:.3f}",
    }
    # `skipped` belongs to testsuite only: Jenkins' schema rejects it on testsuites.
    root = ET.Element("testsuites", {"name": SUITE, **totals})
    suite = ET.SubElement(
        root, "testsuite", {"name": SUITE, **totals, "skipped": str(counts["skipped"])}
    )
    properties = ET.SubElement(suite, "properties")
    for name, value in (("engine", summary.engine), ("version", tool_version)):
        if value:
            ET.SubElement(properties, "property", {"name": name, "value": _xml(value)})
    if not len(properties):
        suite.remove(properties)
    for outcome in summary.outcomes:
        if isinstance(outcome, Result):
            _add_result(suite, outcome)
        else:
            _add_problem(suite, outcome)
    # Conforming payloads are counted, not kept: one passing testcase per file.
    for path, number in sorted(summary.conforming.items()):
        name = f"{number} payload{'s' * (number != 1)} conform"
        ET.SubElement(suite, "testcase", {"classname": _classname(path), "name": name})
    return root


def _add_result(suite: ET.Element, result: Result) -> None:
    where = str(result.source) if result.source is not None else "<payload>"
    case = _testcase(suite, result.source, f"{where} {result.schema}")
    if result.valid:
        return
    failure = ET.SubElement(
        case,
        "failure",
        {
            "type": "violation",
            "message": _xml("; ".join(str(violation) for violation in result.violations)),
        },
    )
    count = len(result.violations)
    lines = [f"{where}: {count} violation{'s' * (count != 1)} of {result.schema}"]
    if result.exchange is not None:
        lines.append(f"response to {result.exchange}")
    for violation in result.violations:
        first, *more = str(violation).splitlines() or [""]
        lines.append(f"  {first}")
        lines.extend(f"    {line}" for line in more)
        if violation.schema_path:
            lines.append(f"    rule: {violation.schema_path}")
    failure.text = _xml("\n".join(lines))


def _add_problem(suite: ET.Element, problem: Problem) -> None:
    case = _testcase(suite, problem.source, str(problem.source))
    reason = _xml(problem.reason)
    if problem.kind == "skipped":
        ET.SubElement(case, "skipped", {"message": reason})
    else:
        error = ET.SubElement(case, "error", {"type": problem.kind, "message": reason})
        error.text = reason


def _testcase(suite: ET.Element, source: Source | None, name: str) -> ET.Element:
    # No `file` or `line` attributes: the xunit2 schema (Jenkins' junit-10.xsd, which
    # pytest's default output follows) has no such testcase attributes.
    path = source.path if source is not None else ""
    return ET.SubElement(suite, "testcase", {"classname": _classname(path), "name": _xml(name)})


def _classname(path: str) -> str:
    return _xml("<stdin>" if path == "-" else path or "<payload>")


def _xml(text: str) -> str:
    r"""``text`` with the characters XML cannot hold shown as ``\uXXXX``."""
    return _NOT_XML.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
