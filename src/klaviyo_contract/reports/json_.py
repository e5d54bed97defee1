"""The machine report: one JSON object with the summary and every outcome."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import orjson

from ..model import Result

if TYPE_CHECKING:
    from typing import TextIO

    from ..model import Exchange, Outcome, Source, Summary, Violation
    from . import ReportOptions

TOOL_NAME = "klaviyo-contract"


def write(summary: Summary, out: TextIO, options: ReportOptions) -> None:
    """Write ``summary`` as one JSON object, each outcome on a line of its own.

    Keys come in a fixed order and ``seconds`` appears once, in ``summary``, so two
    runs over the same inputs give equal reports once it is dropped. Every outcome
    has the same keys (``null`` or empty where they do not apply): ``kind`` is
    ``"result"`` for a checked payload, else the problem's kind. Payloads that
    conform are counted per file in ``conforming``. Text outside ASCII is escaped,
    so the report survives any output encoding.
    """
    head = json.dumps(_head(summary, options.tool_version), indent=2, ensure_ascii=True)
    out.write(head[:-2] + ',\n  "outcomes": [')
    index = -1
    for index, outcome in enumerate(summary.outcomes):  # encoded one at a time
        out.write(",\n    " if index else "\n    ")
        out.write(_line(_outcome(outcome)))
    out.write("\n  ]\n}\n" if index >= 0 else "]\n}\n")


def _line(value: dict[str, Any]) -> str:
    """One outcome as compact JSON, ASCII only: orjson's, unless it wrote non-ASCII text
    (it cannot escape it), then the standard encoder's."""
    encoded = orjson.dumps(value)
    if encoded.isascii():
        return encoded.decode("ascii")
    return json.dumps(value, ensure_ascii=True, separators=(",", ":"))


def encode(summary: Summary, tool_version: str = "") -> dict[str, Any]:
    """The report as a JSON-ready dict: what :func:`write` writes."""
    return {
        **_head(summary, tool_version),
        "outcomes": [_outcome(outcome) for outcome in summary.outcomes],
    }


def _head(summary: Summary, tool_version: str) -> dict[str, Any]:
    return {
        "tool": {"name": TOOL_NAME, "version": tool_version},
        "engine": summary.engine,
        "summary": {
            **summary.counts,
            "exit_status": summary.exit_status,
            "seconds": round(summary.seconds, 3),
        },
        "conforming": dict(sorted(summary.conforming.items())),
    }


def _outcome(outcome: Outcome) -> dict[str, Any]:
    if isinstance(outcome, Result):
        return {
            "kind": "result",
            "location": str(outcome.source) if outcome.source is not None else None,
            "source": _source(outcome.source),
            "schema": outcome.schema,
            "exchange": _exchange(outcome.exchange),
            "valid": outcome.valid,
            "reason": None,
            "violations": [_violation(violation) for violation in outcome.violations],
        }
    return {
        "kind": outcome.kind,
        "location": str(outcome.source),
        "source": _source(outcome.source),
        "schema": None,
        "exchange": None,
        "valid": None,
        "reason": outcome.reason,
        "violations": [],
    }


def _source(source: Source | None) -> dict[str, Any] | None:
    if source is None:
        return None
    return {
        "path": source.path,
        "line": source.line,
        "column": source.column,
        "entry": source.entry,
    }


def _exchange(exchange: Exchange | None) -> dict[str, Any] | None:
    if exchange is None:
        return None
    # The path, not the URL: a recorded query string may carry credentials (Klaviyo's
    # legacy APIs took ``api_key`` there), and reports must never show a key.
    return {"method": exchange.method, "path": exchange.path, "status": exchange.status}


def _violation(violation: Violation) -> dict[str, Any]:
    return {
        "instance_path": violation.instance_path,
        "keyword": violation.keyword,
        "message": violation.message,
        "schema_path": violation.schema_path,
        "property": violation.property,
    }
