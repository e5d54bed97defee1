"""The conformance reports: ``conformance.json``, ``conformance.md`` and ``junit.xml``."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .files import write_atomically
from .xml import Case, render

if TYPE_CHECKING:
    from ..conformance.cases import Expectation
    from ..conformance.run import ConformanceReport


def _pairs(pairs: Iterable[Expectation]) -> list[dict[str, str]]:
    return [{"instance_path": path, "keyword": keyword} for path, keyword in sorted(pairs)]


def render_json(report: ConformanceReport) -> str:
    """``conformance.json``: the same bytes for the same code and corpus (no times)."""
    cases: list[dict[str, Any]] = []
    for outcome in report.outcomes:
        case = outcome.case
        entry: dict[str, Any] = {
            "id": case.id,
            "group": case.group,
            "file": case.file,
            "schema": case.schema,
            "valid": case.valid,
            "passed": outcome.passed,
        }
        if not outcome.passed:
            entry["expected"] = _pairs(case.expected)
            entry["actual"] = [
                {
                    "instance_path": v.instance_path,
                    "keyword": v.keyword,
                    "message": v.message,
                    "schema_path": v.schema_path,
                }
                for v in outcome.violations
            ]
        cases.append(entry)
    document = {
        "engine": report.engine,
        "ok": report.ok,
        "cases": {
            "total": len(report.outcomes),
            "passed": len(report.outcomes) - len(report.failed),
            "failed": len(report.failed),
        },
        "schemas": {
            name: {
                "cases": row.cases,
                "valid": row.valid,
                "invalid": row.invalid,
                "passed": row.passed,
                "failed": row.failed,
            }
            for name, row in report.schemas().items()
        },
        "coverage": {
            "covered": len(report.covered),
            "total": len(report.constraints),
            "percent": report.coverage,
            "kinds": {
                kind: {"covered": covered, "total": total}
                for kind, (covered, total) in report.kinds().items()
            },
            "uncovered": [c.id for c in report.uncovered],
        },
        "constraints": [
            {
                "id": c.id,
                "schema": c.schema,
                "kind": c.kind,
                "schema_path": c.schema_path,
                "detail": c.detail,
                "cases": list(report.exercised.get(c.id, ())),
            }
            for c in report.constraints
        ],
        "results": cases,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown(report: ConformanceReport) -> str:
    """``conformance.md``: cases per schema, the coverage line, coverage per kind."""
    total = len(report.outcomes)
    failed = len(report.failed)
    lines = [
        "# Conformance report",
        "",
        f"{total} cases checked with the `{report.engine}` engine: "
        f"{total - failed} passed, {failed} failed.",
        "",
        "## Cases by schema",
        "",
        "| Schema | Cases | Valid | Invalid | Passed | Failed |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    sums = [0, 0, 0, 0, 0]
    for name, row in report.schemas().items():
        figures = [row.cases, row.valid, row.invalid, row.passed, row.failed]
        sums = [a + b for a, b in zip(sums, figures, strict=True)]
        lines.append(f"| `{name}` | " + " | ".join(map(str, figures)) + " |")
    lines.append("| **Total** | " + " | ".join(f"**{n}**" for n in sums) + " |")
    lines += [
        "",
        "## Constraint coverage",
        "",
        report.coverage_line,
        "",
        "| Kind | Covered | Total |",
        "| --- | ---: | ---: |",
    ]
    lines.extend(
        f"| {kind} | {covered} | {all_} |" for kind, (covered, all_) in report.kinds().items()
    )
    lines += ["", "### Uncovered constraints", ""]
    if report.uncovered:
        lines.extend(f"- `{_cell(c.id)}`" for c in report.uncovered)
    else:
        lines.append("None: every constraint is exercised by a passing case.")
    lines += ["", "## Failed cases", ""]
    if report.failed:
        for outcome in report.failed:
            lines += ["```", outcome.diff(), "```", ""]
        lines.pop()
    else:
        lines.append("None.")
    return "\n".join(lines) + "\n"


def render_junit(report: ConformanceReport) -> str:
    """``junit.xml``: one test case per case, and one for the constraint coverage."""
    cases = []
    for outcome in report.outcomes:
        case = outcome.case
        classname = f"{case.file.removesuffix('.json')}.{case.group}"
        if outcome.passed:
            cases.append(Case(classname, case.id))
        else:
            diff = outcome.diff()
            first = diff.splitlines()[1].strip()
            cases.append(Case(classname, case.id, "failure", "conformance", first, diff))
    coverage = Case("coverage", "constraint-coverage")
    if report.uncovered:
        uncovered = [f"  {c.id}" for c in report.uncovered]
        text = "\n".join([report.coverage_line, "uncovered:", *uncovered])
        coverage = Case(
            "coverage", "constraint-coverage", "failure", "coverage", report.coverage_line, text
        )
    cases.append(coverage)
    return render("klaviyo-contract conformance", cases, properties={"engine": report.engine})


#: Report file name -> renderer; :func:`write_reports` writes each.
REPORTS: dict[str, Callable[[ConformanceReport], str]] = {
    "conformance.json": render_json,
    "conformance.md": render_markdown,
    "junit.xml": render_junit,
}


def write_reports(report: ConformanceReport, folder: str | Path) -> tuple[Path, ...]:
    """Write ``conformance.json``, ``conformance.md`` and ``junit.xml`` into ``folder``.

    Each file is written atomically (:func:`~.files.write_atomically`), so a reader
    never sees half a report. The bytes depend only on the report: the same code and
    corpus give the same files.

    Args:
        report: from :func:`klaviyo_contract.conformance.run`.
        folder: created (with its parents) when missing.

    Returns:
        The paths written, in the order of :data:`REPORTS`.

    Raises:
        OutputError: the folder or a file cannot be written.
    """
    return tuple(
        write_atomically(Path(folder) / name, render(report)) for name, render in REPORTS.items()
    )
