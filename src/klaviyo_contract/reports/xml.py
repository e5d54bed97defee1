"""The one JUnit XML builder: validation, conformance and diff reports are test suites.

A report names its test cases; this module makes the ``<testsuites>`` document around
them, with totals counted from the cases, text XML 1.0 cannot hold shown as escapes,
and non-ASCII written as character references (the same bytes whatever the stream's
encoding).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

# Characters XML 1.0 cannot hold at all (2.2 Char): most C0 controls, lone
# surrogates (json.loads makes them from "\ud800"), U+FFFE and U+FFFF. A payload
# value may carry any of them into a message; ElementTree would write them as they
# are, and no consumer could parse the file.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

Verdict = Literal["failure", "error", "skipped"]


def clean(text: str) -> str:
    r"""``text`` with the characters XML cannot hold shown as ``\uXXXX``."""
    return _NOT_XML.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


@dataclass(frozen=True)
class Case:
    """One ``<testcase>``: passed unless it has a verdict.

    Attributes:
        classname: the group (a file, a case file and group, a scope).
        name: the case within it.
        verdict: ``failure`` (a finding), ``error`` (could not be checked) or
            ``skipped``; None for a pass.
        kind: the ``type`` attribute of a failure or error.
        message: the verdict's one-line message.
        text: the verdict's body (failure and error); for a passing case, its
            ``<system-out>``.
    """

    classname: str
    name: str
    verdict: Verdict | None = None
    kind: str = ""
    message: str = ""
    text: str = ""


def render(
    suite: str,
    cases: Iterable[Case],
    *,
    properties: Mapping[str, str] | None = None,
    seconds: float | None = None,
) -> str:
    """The XML document: ``<testsuites>`` holding one ``<testsuite>`` named ``suite``.

    ``tests``, ``failures`` and ``errors`` (and ``time`` when ``seconds`` is given)
    are set on both elements; ``skipped`` on the suite only, as Jenkins' schema wants.
    Empty property values are left out, and an empty ``<properties>`` with them.
    """
    cases = list(cases)
    totals = {
        "tests": str(len(cases)),
        "failures": str(sum(case.verdict == "failure" for case in cases)),
        "errors": str(sum(case.verdict == "error" for case in cases)),
    }
    if seconds is not None:
        totals["time"] = f"{seconds:.3f}"
    skipped = str(sum(case.verdict == "skipped" for case in cases))
    root = ET.Element("testsuites", {"name": suite, **totals})
    element = ET.SubElement(root, "testsuite", {"name": suite, **totals, "skipped": skipped})
    shown = {name: value for name, value in (properties or {}).items() if value}
    if shown:
        holder = ET.SubElement(element, "properties")
        for name, value in shown.items():
            ET.SubElement(holder, "property", {"name": name, "value": clean(value)})
    for case in cases:
        _add(element, case)
    ET.indent(root)
    body: str = ET.tostring(root, encoding="us-ascii", xml_declaration=False).decode("ascii")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def _add(suite: ET.Element, case: Case) -> None:
    element = ET.SubElement(
        suite, "testcase", {"classname": clean(case.classname), "name": clean(case.name)}
    )
    if case.verdict is None:
        if case.text:
            ET.SubElement(element, "system-out").text = clean(case.text)
        return
    attributes = {"message": clean(case.message)}
    if case.verdict != "skipped":
        attributes = {"type": case.kind, **attributes}
    verdict = ET.SubElement(element, case.verdict, attributes)
    if case.verdict != "skipped":
        verdict.text = clean(case.text)
