"""The conformance corpus: load its cases, run them, measure coverage, write ``reports/``.

The corpus (``conformance/*.json`` in a checkout) is in the format of the official
JSON-Schema-Test-Suite: each file a JSON array of groups ``{"id", "description",
"schema", "tests"}``, each test ``{"id", "description", "data", "valid"}``. Two
extensions: a group's ``schema`` is ``{"$ref": "#/components/schemas/NAME"}`` (resolved
against the contract's schema files), and each invalid test lists ``expected``, the
exact set of ``{"instance_path", "keyword"}`` pairs a validator must report.

The three steps the ``conformance`` command runs::

    cases = load_cases(default_cases_dir() or "conformance")
    report = run(Contract.default(), cases)
    write_reports(report, "reports")   # conformance.json, conformance.md, junit.xml
    status = 0 if report.ok else 1

One module a step: :mod:`.cases` reads the case files, :mod:`.run` checks them and
measures coverage; the report files are written by :mod:`klaviyo_contract.reports.conformance`.
"""

from __future__ import annotations

from ..errors import CaseFileError
from ..reports.conformance import REPORTS, render_json, render_junit, render_markdown, write_reports
from .cases import Case, Expectation, default_cases_dir, default_report_dir, load_cases
from .run import CaseOutcome, ConformanceReport, Disagreement, SchemaCounts, agreement, run

__all__ = [
    "REPORTS",
    "Case",
    "CaseFileError",
    "CaseOutcome",
    "ConformanceReport",
    "Disagreement",
    "Expectation",
    "SchemaCounts",
    "agreement",
    "default_cases_dir",
    "default_report_dir",
    "load_cases",
    "render_json",
    "render_junit",
    "render_markdown",
    "run",
    "write_reports",
]
