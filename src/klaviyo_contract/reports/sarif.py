"""The code-scanning report: SARIF 2.1.0, one result per violation and per problem."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ..model import Result
from .text import printable

if TYPE_CHECKING:
    from typing import TextIO

    from ..model import Problem, Source, Summary, Violation
    from . import ReportOptions

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_NAME = "klaviyo-contract"
INFORMATION_URI = "https://pypi.org/project/klaviyo-contract/"

#: Rule id -> what breaking it means. A keyword not listed gets a generic wording.
RULES = {
    "additionalProperties": "A property the schema does not name (strict mode)",
    "allOf": "A value does not match every schema it must match",
    "anyOf": "A value matches none of its alternatives",
    "const": "A value differs from the one the schema fixes",
    "contains": "An array has no item of the required kind",
    "dependentRequired": "A property is missing that another one requires",
    "enum": "A value is not one of those the schema allows",
    "exclusiveMaximum": "A number is not below its exclusive maximum",
    "exclusiveMinimum": "A number is not above its exclusive minimum",
    "format": "A string does not have its asserted format",
    "maxItems": "An array has more items than allowed",
    "maxLength": "A string is longer than allowed",
    "maxProperties": "An object has more properties than allowed",
    "maximum": "A number is above its maximum",
    "minItems": "An array has fewer items than required",
    "minLength": "A string is shorter than required",
    "minProperties": "An object has fewer properties than required",
    "minimum": "A number is below its minimum",
    "multipleOf": "A number is not a multiple of the required factor",
    "not": "A value matches a schema it must not match",
    "oneOf": "A value matches none of its alternatives",
    "pattern": "A string does not match its pattern",
    "required": "A required property is missing",
    "type": "A value has the wrong JSON type",
    "uniqueItems": "An array repeats an item",
    "unreadable": "An input cannot be read as a payload",
    "unrouted": "No schema of the contract could be picked for a payload",
}

# A Windows path with a drive ("C:/..."), once its backslashes are turned.
_DRIVE = re.compile(r"^[A-Za-z]:/")


def write(summary: Summary, out: TextIO, options: ReportOptions) -> None:
    """Write ``summary`` as a SARIF 2.1.0 log with one run.

    Each violation is a result whose rule is its keyword; each unreadable or
    unrouted input a result of rule ``unreadable`` or ``unrouted``. Skipped inputs
    are only counted, in the run's properties. Text outside ASCII is escaped.
    """
    json.dump(encode(summary, options.tool_version), out, indent=2, ensure_ascii=True)
    out.write("\n")


def encode(summary: Summary, tool_version: str = "") -> dict[str, Any]:
    """The SARIF log as a JSON-ready dict: what :func:`write` writes."""
    found: list[tuple[str, dict[str, Any]]] = []
    for outcome in summary.outcomes:
        if isinstance(outcome, Result):
            found.extend(
                (violation.keyword, _violation(outcome, violation))
                for violation in outcome.violations
            )
        elif outcome.kind != "skipped":
            found.append((outcome.kind, _problem(outcome)))
    rule_ids = sorted({rule_id for rule_id, _ in found})
    index = {rule_id: position for position, rule_id in enumerate(rule_ids)}
    results = [
        {"ruleId": rule_id, "ruleIndex": index[rule_id], "level": "error", **rest}
        for rule_id, rest in found
    ]
    driver: dict[str, Any] = {"name": TOOL_NAME}
    if tool_version:
        driver["version"] = tool_version
    driver["informationUri"] = INFORMATION_URI
    driver["rules"] = [_rule(rule_id) for rule_id in rule_ids]
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {"engine": summary.engine, "counts": dict(summary.counts)},
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _rule(rule_id: str) -> dict[str, Any]:
    description = RULES.get(rule_id, f"A value breaks the JSON Schema keyword {rule_id!r}")
    return {
        "id": rule_id,
        "shortDescription": {"text": description},
        "defaultConfiguration": {"level": "error"},
    }


def _violation(result: Result, violation: Violation) -> dict[str, Any]:
    source = result.source or violation.source
    context = [f"schema {result.schema}"]
    if source is not None and (source.path == "-" or source.entry is not None):
        context.append(str(source))
    if result.exchange is not None:
        context.append(f"response to {result.exchange}")
    text = f"{violation.instance_path or '/'}: {violation.message} ({', '.join(context)})"
    properties: dict[str, Any] = {
        "schema": result.schema,
        "instancePath": violation.instance_path,
        "schemaPath": violation.schema_path,
    }
    if violation.property is not None:
        properties["property"] = violation.property
    return {"message": _message(text), **_locations(source), "properties": properties}


def _problem(problem: Problem) -> dict[str, Any]:
    text = f"{problem.source}: {problem.reason}"
    return {"message": _message(text), **_locations(problem.source)}


def _message(text: str) -> dict[str, str]:
    # Lone surrogates are valid JSON escapes, but not text a strict UTF-8 consumer
    # (code scanning among them) accepts; controls read better escaped too.
    return {"text": printable(text)}


def _locations(source: Source | None) -> dict[str, Any]:
    """``locations`` for a file; none for standard input or an unknown source."""
    if source is None or source.path == "-":
        return {}
    physical: dict[str, Any] = {"artifactLocation": artifact_location(source.path)}
    # SARIF regions are 1-based (3.30.5); a line we do not know is left out, not guessed.
    if source.line is not None and source.line >= 1:
        region = {"startLine": source.line}
        if source.column is not None and source.column >= 1:
            region["startColumn"] = source.column
        physical["region"] = region
    return {"locations": [{"physicalLocation": physical}]}


def artifact_location(path: str) -> dict[str, str]:
    """The SARIF ``artifactLocation`` of a path as the user named it.

    A relative path becomes a relative URI reference (forward slashes, percent-
    encoded) against ``%SRCROOT%``, which code scanning takes as the repository
    root; an absolute path becomes a ``file:`` URI.
    """
    posix = path.replace("\\", "/")
    if posix.startswith("/"):
        return {"uri": "file://" + quote(posix)}
    if _DRIVE.match(posix):
        return {"uri": "file:///" + posix[:2] + quote(posix[2:])}
    while posix.startswith("./"):
        posix = posix[2:]
    # quote() also encodes ":", so a first segment never reads as a URI scheme.
    return {"uri": quote(posix), "uriBaseId": "%SRCROOT%"}
