"""The log of a test session's contract checks: what ``--contract-report FILE`` writes.

One JSON-ready record per check, attributed to the test that made it; workers of
pytest-xdist hand theirs to the controller (:meth:`CheckLog.extend`), which writes
the file once, sorted by node id.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ..model import Problem, Result
from .files import write_atomically

#: Version of the report format; raised when a field changes meaning.
REPORT_VERSION = 1
OUTCOMES = ("conform", "violate", "skipped", "unreadable", "unrouted")


def _same(text: str) -> str:
    return text


class CheckLog:
    """The checks of one session, in the order made.

    Args:
        redact: applied to every text that may carry a secret (sources, messages,
            reasons, the whole document).
    """

    def __init__(self, redact: Callable[[str], str] = _same) -> None:
        self.redact = redact
        self.checks: list[dict[str, Any]] = []

    def add(self, node: str, outcome: Result | Problem) -> None:
        """One check made by test ``node``: a result, or the problem that stopped it."""
        redact = self.redact
        if isinstance(outcome, Problem):
            self.checks.append(
                {
                    "node": node,
                    "outcome": outcome.kind,
                    "valid": None,
                    "schema": None,
                    "source": redact(str(outcome.source)),
                    "violations": [],
                    "reason": redact(outcome.reason),
                }
            )
            return
        self.checks.append(
            {
                "node": node,
                "outcome": "conform" if outcome.valid else "violate",
                "valid": outcome.valid,
                "schema": outcome.schema,
                "source": None if outcome.source is None else redact(str(outcome.source)),
                "violations": [
                    {
                        "instance_path": violation.instance_path,
                        "keyword": violation.keyword,
                        "message": redact(violation.message),
                        "schema_path": violation.schema_path,
                    }
                    for violation in outcome.violations
                ],
                "reason": None,
            }
        )

    def extend(self, checks: Iterable[dict[str, Any]]) -> None:
        """Records another process made (an xdist worker's)."""
        self.checks.extend(checks)

    def document(self, **header: Any) -> dict[str, Any]:
        """The report: ``header`` (what the run was), the counts, every check by node id."""
        checks = sorted(self.checks, key=lambda check: str(check["node"]))
        counts = Counter(str(check["outcome"]) for check in checks)
        return {
            "tool": "klaviyo-contract",
            "report": "pytest",
            "version": REPORT_VERSION,
            **header,
            "counts": {"checks": len(checks), **{name: counts[name] for name in OUTCOMES}},
            "checks": checks,
        }

    def write(self, path: Path, **header: Any) -> Path:
        """Write :meth:`document` as indented JSON, atomically."""
        text = json.dumps(self.document(**header), indent=2, ensure_ascii=False)
        return write_atomically(path, self.redact(text) + "\n")
