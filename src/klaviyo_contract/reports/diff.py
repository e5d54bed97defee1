"""The drift report: what changed between two contracts, as text, JSON or JUnit XML."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typing import TextIO

    from ..diff import Drift


def _counts(drift: Drift) -> str:
    breaking, total = len(drift.breaking), len(drift.changes)
    routes = len({change.subject for change in drift.changes if change.scope == "route"})
    schemas = len(drift.subjects()) - routes
    return (
        f"{total} change{'s' * (total != 1)} ({breaking} breaking, {total - breaking} "
        f"compatible) in {schemas} schema{'s' * (schemas != 1)} "
        f"and {routes} route{'s' * (routes != 1)}"
    )


def _shown(names: tuple[str, ...], limit: int = 8) -> str:
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def write_text(drift: Drift, out: TextIO) -> None:
    """Each changed schema or route, its changes, what reaches it; then a summary line."""
    out.write(f"diff {drift.old or '(old)'} -> {drift.new or '(new)'}\n")
    for subject in drift.subjects():
        changes = [change for change in drift.changes if change.subject == subject]
        out.write(f"{subject}\n")
        for change in changes:
            out.write(f"  {change.detail()}\n")
        if changes[0].scope == "schema" and drift.affected.get(subject):
            out.write(f"  reached from: {_shown(drift.affected[subject])}\n")
    out.write(_counts(drift) + "\n")


def to_json(drift: Drift) -> dict[str, Any]:
    """The drift as one JSON object (what :func:`write_json` writes)."""
    return {
        "old": drift.old,
        "new": drift.new,
        "breaking": len(drift.breaking),
        "compatible": len(drift.compatible),
        "changes": [
            {
                "scope": change.scope,
                "subject": change.subject,
                "location": change.location,
                "kind": change.kind,
                "breaking": change.breaking,
                "old": change.old,
                "new": change.new,
            }
            for change in drift.changes
        ],
        "affected": {name: list(reach) for name, reach in drift.affected.items()},
    }


def write_json(drift: Drift, out: TextIO) -> None:
    """The drift as one indented JSON object."""
    json.dump(to_json(drift), out, indent=2, ensure_ascii=False)
    out.write("\n")


def write_junit(drift: Drift, out: TextIO) -> None:
    """JUnit XML: one test case per changed schema or route, failing where it breaks."""
    from .xml import Case, render  # not at import: the CLI reads WRITERS for its choices

    cases = []
    for subject in drift.subjects():
        changes = [change for change in drift.changes if change.subject == subject]
        lines = [str(change) for change in changes]
        if drift.affected.get(subject):
            lines.append(f"reached from: {', '.join(drift.affected[subject])}")
        breaking = sum(change.breaking for change in changes)
        classname, text = f"diff.{changes[0].scope}", "\n".join(lines)
        if breaking:
            message = f"{breaking} breaking change{'s' * (breaking != 1)}"
            cases.append(Case(classname, subject, "failure", "drift", message, text))
        else:
            cases.append(Case(classname, subject, text=text))
    out.write(render("klaviyo-contract diff", cases))


#: Format name -> writer; the command line's ``diff --format`` choices come from it.
WRITERS: Mapping[str, Callable[[Drift, TextIO], None]] = {
    "text": write_text,
    "json": write_json,
    "junit": write_junit,
}
