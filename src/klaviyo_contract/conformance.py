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
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import dialect
from .constraints import KINDS, Constraint, constraints, locations
from .errors import CaseFileError, UnknownSchema

if TYPE_CHECKING:
    from .contract import Contract
    from .model import Result, Violation

__all__ = [
    "REPORTS",
    "Case",
    "CaseFileError",
    "CaseOutcome",
    "ConformanceReport",
    "Disagreement",
    "SchemaCounts",
    "agreement",
    "default_cases_dir",
    "default_report_dir",
    "dump_cases",
    "load_cases",
    "render_json",
    "render_junit",
    "render_markdown",
    "run",
    "write_reports",
]

#: (instance path, keyword): what a case expects, and what a violation is compared by.
Expectation = tuple[str, str]

_GROUP_KEYS = frozenset({"id", "description", "schema", "tests", "comment", "specification"})
_TEST_KEYS = frozenset({"id", "description", "data", "valid", "expected", "comment"})
_EXPECTED_KEYS = frozenset({"instance_path", "keyword"})
#: Stable ids: lower-case words joined by ``-``, ``_`` or ``.``, as in file names.
_ID = re.compile(r"[a-z0-9]+(?:[-_.][a-z0-9]+)*")
#: A JSON Pointer (RFC 6901): "" or "/"-led tokens, "~" only as "~0" or "~1".
_POINTER = re.compile(r"(?:/(?:[^~/]|~[01])*)*")


@dataclass(frozen=True)
class Case:
    """One test of the corpus: a payload, the schema it is checked against, the verdict.

    Attributes:
        file: the case file, relative to the folder the cases were loaded from.
        pointer: the JSON Pointer of the test inside the file (``/0/tests/3``).
        group: the group's id; ``group_description`` its description.
        id: the test's id, unique in the corpus; ``description`` its description.
        schema: the schema name the group's ``$ref`` names.
        data: the payload (not compared: a case is known by its place and id).
        valid: whether the payload conforms.
        expected: for an invalid case, every (instance path, keyword) a validator
            must report, and nothing else; empty for a valid case.
    """

    file: str
    pointer: str
    group: str
    group_description: str
    id: str
    description: str
    schema: str
    data: Any = field(repr=False, compare=False)
    valid: bool
    expected: frozenset[Expectation] = frozenset()

    def __str__(self) -> str:
        return f"{self.file} {self.pointer} ({self.id})"


def default_cases_dir() -> Path | None:
    """The corpus: ``conformance/`` of the project in the working directory, or of the
    source checkout this module runs from, else the one the wheel ships
    (``klaviyo_contract/corpus/``); None when there is none.
    """
    from . import __file__ as package_init

    package = Path(package_init).resolve().parent
    for root in (Path.cwd(), package.parents[1]):
        folder = root / "conformance"
        if folder.is_dir() and (root / "pyproject.toml").is_file():
            return folder
    installed = package / "corpus"
    return installed if installed.is_dir() else None


def default_report_dir(cases_dir: Path) -> Path:
    """``reports/`` beside a checkout's ``conformance/``; else ``reports/`` here.

    The installed corpus's folder is never written to.
    """
    if cases_dir.name == "conformance" and (cases_dir.parent / "pyproject.toml").is_file():
        return cases_dir.parent / "reports"
    return Path("reports")


def load_cases(path: str | Path) -> list[Case]:
    """Every case of a corpus folder (its ``*.json`` files, by name) or of one file.

    Args:
        path: a folder of case files, or a single case file.

    Returns:
        The cases in corpus order: files by name, then groups and tests as written.

    Raises:
        CaseFileError: the folder is missing or holds no case file; a file is not
            UTF-8 JSON (NaN and duplicate keys included); a group or test is not of the
            corpus format; an id is not unique in the corpus. The message names the
            file and the place in it.
    """
    where = Path(path)
    if where.is_file():
        files, base = [where], where.parent
    elif where.is_dir():
        files, base = sorted(where.glob("*.json")), where
        if not files:
            raise CaseFileError(str(where), "", "holds no conformance case file (*.json)")
    else:
        raise CaseFileError(str(where), "", "no such file or folder of conformance cases")
    cases: list[Case] = []
    groups: dict[str, str] = {}
    tests: dict[str, str] = {}
    for file in files:
        name = file.relative_to(base).as_posix()
        for case in _read_file(file, name):
            group_at = case.pointer.rsplit("/tests/", 1)[0]
            first = groups.setdefault(case.group, f"{name} {group_at}")
            if first != f"{name} {group_at}":
                raise CaseFileError(
                    str(file),
                    f"{group_at}/id",
                    f"group id {case.group!r} is already used at {first}",
                )
            first = tests.setdefault(case.id, f"{name} {case.pointer}")
            if first != f"{name} {case.pointer}":
                raise CaseFileError(
                    str(file),
                    f"{case.pointer}/id",
                    f"test id {case.id!r} is already used at {first}",
                )
            cases.append(case)
    return cases


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"duplicate key {key!r} in an object")
        seen[key] = value
    return seen


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON (RFC 8259 has no NaN or Infinity)")


def _read_file(path: Path, name: str) -> list[Case]:
    file = str(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as error:
        raise CaseFileError(file, "", f"cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise CaseFileError(file, f"byte {error.start}", "not UTF-8") from None
    try:
        document = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise CaseFileError(
            file, f"line {error.lineno} column {error.colno}", f"not JSON: {error.msg}"
        ) from None
    except ValueError as error:
        raise CaseFileError(file, "", str(error)) from None
    except RecursionError:
        raise CaseFileError(file, "", "nested too deeply to be a case file") from None
    if not isinstance(document, list) or not document:
        raise CaseFileError(file, "", "a case file holds a non-empty JSON array of groups")
    cases: list[Case] = []
    for index, group in enumerate(document):
        cases.extend(_read_group(file, name, f"/{index}", group))
    return cases


def _text(file: str, at: str, holder: Mapping[str, Any], key: str) -> str:
    value = holder.get(key)
    if not isinstance(value, str) or not value.strip():
        shown = "missing" if key not in holder else f"not {json.dumps(value)[:40]}"
        raise CaseFileError(file, f"{at}/{key}", f'"{key}" must be a non-empty string ({shown})')
    return value


def _identifier(file: str, at: str, holder: Mapping[str, Any]) -> str:
    value = _text(file, at, holder, "id")
    if not _ID.fullmatch(value):
        raise CaseFileError(
            file,
            f"{at}/id",
            f"id {value!r} must be lower-case words joined by '-', '_' or '.' "
            "(like coupon-queued-nulls)",
        )
    return value


def _object(file: str, at: str, value: Any, what: str, allowed: frozenset[str]) -> None:
    if not isinstance(value, dict):
        raise CaseFileError(file, at, f"{what} must be a JSON object")
    unknown = sorted(value.keys() - allowed)
    if unknown:
        raise CaseFileError(
            file,
            f"{at}/{dialect.escape(unknown[0])}",
            f"{what} has no member {unknown[0]!r}; allowed: {', '.join(sorted(allowed))}",
        )


def _read_group(file: str, name: str, at: str, group: Any) -> list[Case]:
    _object(file, at, group, "a group", _GROUP_KEYS)
    group_id = _identifier(file, at, group)
    description = _text(file, at, group, "description")
    schema = group.get("schema")
    ref = schema.get("$ref") if isinstance(schema, dict) and len(schema) == 1 else None
    target = dialect.ref_name(ref) if isinstance(ref, str) else None
    if target is None:
        raise CaseFileError(
            file,
            f"{at}/schema",
            f'group {group_id!r}: "schema" must be {{"$ref": "{dialect.REF_PREFIX}NAME"}}',
        )
    tests = group.get("tests")
    if not isinstance(tests, list) or not tests:
        raise CaseFileError(
            file, f"{at}/tests", f'group {group_id!r}: "tests" must be a non-empty array'
        )
    cases: list[Case] = []
    for index, test in enumerate(tests):
        here = f"{at}/tests/{index}"
        test_id, test_description, valid, expected = _read_test(file, here, test)
        cases.append(
            Case(
                file=name,
                pointer=here,
                group=group_id,
                group_description=description,
                id=test_id,
                description=test_description,
                schema=target,
                data=test["data"],
                valid=valid,
                expected=expected,
            )
        )
    return cases


def _read_test(file: str, at: str, test: Any) -> tuple[str, str, bool, frozenset[Expectation]]:
    """A test's id, description, verdict and expected violations, checked."""
    _object(file, at, test, "a test", _TEST_KEYS)
    test_id = _identifier(file, at, test)
    description = _text(file, at, test, "description")
    if "data" not in test:
        raise CaseFileError(file, f"{at}/data", f'test {test_id!r} has no "data"')
    valid = test.get("valid")
    if not isinstance(valid, bool):
        raise CaseFileError(file, f"{at}/valid", f'test {test_id!r}: "valid" must be true or false')
    if not valid:
        return (
            test_id,
            description,
            valid,
            _read_expected(file, f"{at}/expected", test_id, test.get("expected")),
        )
    if "expected" in test:
        raise CaseFileError(
            file, f"{at}/expected", f"test {test_id!r} is valid: it can expect no violation"
        )
    return test_id, description, valid, frozenset()


def _read_expected(file: str, at: str, test_id: str, expected: Any) -> frozenset[Expectation]:
    if not isinstance(expected, list) or not expected:
        raise CaseFileError(
            file,
            at,
            f'test {test_id!r} is invalid: "expected" must list its violations as '
            '[{"instance_path": "/attributes/status", "keyword": "enum"}, ...]',
        )
    found: set[Expectation] = set()
    for index, entry in enumerate(expected):
        here = f"{at}/{index}"
        _object(file, here, entry, "an expected violation", _EXPECTED_KEYS)
        path, keyword = entry.get("instance_path"), entry.get("keyword")
        if not isinstance(path, str) or not _POINTER.fullmatch(path):
            raise CaseFileError(
                file,
                f"{here}/instance_path",
                '"instance_path" must be a JSON Pointer ("" for the whole payload, '
                '"/attributes/status" below it)',
            )
        if not isinstance(keyword, str) or not keyword:
            raise CaseFileError(
                file, f"{here}/keyword", '"keyword" must name a JSON Schema keyword ("type")'
            )
        if (path, keyword) in found:
            raise CaseFileError(
                file, here, f"test {test_id!r} expects {keyword!r} at {path or '/'!r} twice"
            )
        found.add((path, keyword))
    return frozenset(found)


def _expectations(violations: Iterable[Violation]) -> frozenset[Expectation]:
    return frozenset((violation.instance_path, violation.keyword) for violation in violations)


def _show(pair: Expectation) -> str:
    return f"{pair[0] or '/'} {pair[1]}"


@dataclass(frozen=True)
class CaseOutcome:
    """A case and what the contract's engine reported for it.

    A valid case passes when nothing is reported; an invalid one when the set of
    reported (instance path, keyword) pairs equals its ``expected`` set.
    """

    case: Case
    violations: tuple[Violation, ...]

    @property
    def actual(self) -> frozenset[Expectation]:
        return _expectations(self.violations)

    @property
    def passed(self) -> bool:
        if self.case.valid:
            return not self.violations
        return bool(self.violations) and self.actual == self.case.expected

    @property
    def missing(self) -> tuple[Expectation, ...]:
        """Expected, not reported."""
        return tuple(sorted(self.case.expected - self.actual))

    @property
    def unexpected(self) -> tuple[Violation, ...]:
        """Reported, not expected (every violation of a valid case)."""
        extra = self.actual - self.case.expected
        return tuple(v for v in self.violations if (v.instance_path, v.keyword) in extra)

    def diff(self) -> str:
        """Why a case failed, as lines: ``-`` expected and not reported, ``+`` the reverse."""
        case = self.case
        lines = [f"{case} against {case.schema}: {case.description}"]
        if self.passed:
            lines.append("  passed")
            return "\n".join(lines)
        if case.valid:
            lines.append(f"  expected valid, got {len(self.violations)} violation(s)")
        elif not self.violations:
            lines.append("  expected invalid, but the payload conforms")
        else:
            lines.append("  expected other violations")
        lines.extend(f"  - {_show(pair)}" for pair in self.missing)
        lines.extend(
            f"  + {_show((v.instance_path, v.keyword))}: {v.message}" for v in self.unexpected
        )
        return "\n".join(lines)


@dataclass(frozen=True)
class SchemaCounts:
    """The cases of one schema: how many, valid or invalid, passed or failed."""

    cases: int = 0
    valid: int = 0
    invalid: int = 0
    passed: int = 0
    failed: int = 0


@dataclass(frozen=True)
class ConformanceReport:
    """Every case's outcome and the contract's constraint coverage.

    Attributes:
        outcomes: one per case, in corpus order.
        constraints: every constraint of the contract (:func:`constraints.constraints`).
        exercised: constraint id -> ids of the passing cases that exercise it, sorted
            (a constraint no case exercises is absent).
        engine: the engine that validated the cases.
    """

    outcomes: tuple[CaseOutcome, ...]
    constraints: tuple[Constraint, ...]
    exercised: Mapping[str, tuple[str, ...]]
    engine: str = ""

    @property
    def failed(self) -> tuple[CaseOutcome, ...]:
        return tuple(outcome for outcome in self.outcomes if not outcome.passed)

    @property
    def passed(self) -> bool:
        """Every case passed."""
        return not self.failed

    @property
    def covered(self) -> tuple[Constraint, ...]:
        return tuple(c for c in self.constraints if c.id in self.exercised)

    @property
    def uncovered(self) -> tuple[Constraint, ...]:
        return tuple(c for c in self.constraints if c.id not in self.exercised)

    @property
    def coverage(self) -> float:
        """Covered constraints in percent, rounded down to 0.1 (never 100 unless all)."""
        total = len(self.constraints)
        if not total:
            return 100.0
        return math.floor(1000 * len(self.covered) / total) / 10

    @property
    def coverage_line(self) -> str:
        """``Constraint coverage: 101/102 (99%)``."""
        figure = f"{self.coverage:.1f}".removesuffix(".0")
        return f"Constraint coverage: {len(self.covered)}/{len(self.constraints)} ({figure}%)"

    @property
    def ok(self) -> bool:
        """Every case passed and every constraint is covered: the command's exit 0."""
        return self.passed and not self.uncovered

    def schemas(self) -> dict[str, SchemaCounts]:
        """Schema name -> its case counts, sorted by name."""
        counts: dict[str, dict[str, int]] = {}
        for outcome in self.outcomes:
            row = counts.setdefault(
                outcome.case.schema,
                dict.fromkeys(("cases", "valid", "invalid", "passed", "failed"), 0),
            )
            row["cases"] += 1
            row["valid" if outcome.case.valid else "invalid"] += 1
            row["passed" if outcome.passed else "failed"] += 1
        return {name: SchemaCounts(**counts[name]) for name in sorted(counts)}

    def kinds(self) -> dict[str, tuple[int, int]]:
        """Constraint kind -> (covered, total), for the kinds the contract has."""
        table: dict[str, tuple[int, int]] = {}
        for kind in KINDS:
            of_kind = [c for c in self.constraints if c.kind == kind]
            if of_kind:
                table[kind] = (sum(c.id in self.exercised for c in of_kind), len(of_kind))
        return table


def run(contract: Contract, cases: Iterable[Case]) -> ConformanceReport:
    """Validate every case with ``contract`` and measure which constraints they exercise.

    A constraint other than ``nullable`` is exercised by a passing invalid case that
    reports a violation at its ``schema_path`` (for ``required``, naming its
    property). A ``nullable`` one is exercised by a passing valid case that holds
    ``null`` at a value that schema position governs.

    Args:
        contract: the contract (and so the engine) to check the cases with.
        cases: from :func:`load_cases`.

    Returns:
        The report; ``report.ok`` says whether every case passed and every
        constraint is covered.

    Raises:
        CaseFileError: a group names a schema the contract does not have.
    """
    schema_set = contract.schema_set
    stated = constraints(schema_set)
    by_violation: dict[tuple[str, str | None], str] = {}
    by_position: dict[str, str] = {}
    for constraint in stated:
        if constraint.kind == "nullable":
            by_position[constraint.location] = constraint.id
        else:
            detail = constraint.detail if constraint.kind == "required" else None
            by_violation[(constraint.schema_path, detail)] = constraint.id
    outcomes: list[CaseOutcome] = []
    exercised: dict[str, set[str]] = {}
    for case in cases:
        try:
            result = contract.validate(case.data, case.schema)
        except UnknownSchema as error:
            group_at = case.pointer.rsplit("/tests/", 1)[0]
            raise CaseFileError(case.file, f"{group_at}/schema", str(error)) from None
        outcome = CaseOutcome(case, result.violations)
        outcomes.append(outcome)
        if not outcome.passed:
            continue
        if case.valid:
            hits = {
                by_position[position]
                for _, position, value in locations(schema_set, case.schema, case.data)
                if value is None and position in by_position
            }
        else:
            hits = {
                by_violation[key]
                for v in result.violations
                if (key := (v.schema_path, v.property if v.keyword == "required" else None))
                in by_violation
            }
        for hit in hits:
            exercised.setdefault(hit, set()).add(case.id)
    return ConformanceReport(
        outcomes=tuple(outcomes),
        constraints=stated,
        exercised={c.id: tuple(sorted(exercised[c.id])) for c in stated if c.id in exercised},
        engine=contract.engine.name,
    )


@dataclass(frozen=True)
class Disagreement:
    """A case on which engines differ: each engine's result, by label."""

    case: Case
    results: Mapping[str, Result]

    def describe(self) -> str:
        """The case, then each engine's verdict and (instance path, keyword) pairs."""
        lines = [f"{self.case} against {self.case.schema}: engines disagree"]
        for label, result in self.results.items():
            found = sorted(_expectations(result.violations))
            shown = ", ".join(_show(pair) for pair in found) or "valid"
            lines.append(f"  {label}: {shown}")
        return "\n".join(lines)


def agreement(cases: Iterable[Case], contracts: Mapping[str, Contract]) -> list[Disagreement]:
    """The cases on which the contracts (engines) differ in verdict or in violations.

    Args:
        cases: from :func:`load_cases`.
        contracts: label -> contract, e.g. ``{"reference": Contract.default(
            engine="reference"), "compiled": Contract.default(engine="compiled")}``.

    Returns:
        One :class:`Disagreement` per case whose (instance path, keyword) sets (and
        so verdicts) are not the same under every contract; empty when all agree.

    Raises:
        UnknownSchema: a case names a schema some contract does not have.
    """
    found: list[Disagreement] = []
    for case in cases:
        results = {label: c.validate(case.data, case.schema) for label, c in contracts.items()}
        if len({_expectations(result.violations) for result in results.values()}) > 1:
            found.append(Disagreement(case, results))
    return found


# Reports ---------------------------------------------------------------------------


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


# Characters XML 1.0 cannot hold (2.2 Char); a payload's message may carry them.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def render_junit(report: ConformanceReport) -> str:
    """``junit.xml``: one test case per case, and one for the constraint coverage."""
    failures = len(report.failed) + (1 if report.uncovered else 0)
    totals = {"tests": str(len(report.outcomes) + 1), "failures": str(failures), "errors": "0"}
    name = "klaviyo-contract conformance"
    root = ET.Element("testsuites", {"name": name, **totals})
    suite = ET.SubElement(root, "testsuite", {"name": name, **totals, "skipped": "0"})
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", {"name": "engine", "value": report.engine})
    for outcome in report.outcomes:
        case = outcome.case
        classname = f"{case.file.removesuffix('.json')}.{case.group}"
        element = ET.SubElement(suite, "testcase", {"classname": classname, "name": case.id})
        if not outcome.passed:
            first = outcome.diff().splitlines()[1].strip()
            failure = ET.SubElement(
                element, "failure", {"type": "conformance", "message": _xml(first)}
            )
            failure.text = _xml(outcome.diff())
    element = ET.SubElement(
        suite, "testcase", {"classname": "coverage", "name": "constraint-coverage"}
    )
    if report.uncovered:
        failure = ET.SubElement(
            element, "failure", {"type": "coverage", "message": report.coverage_line}
        )
        failure.text = "\n".join(
            [report.coverage_line, "uncovered:", *(f"  {c.id}" for c in report.uncovered)]
        )
    ET.indent(root)
    raw: bytes = ET.tostring(root, encoding="us-ascii", xml_declaration=False)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + raw.decode("ascii") + "\n"


#: Report file name -> renderer; :func:`write_reports` writes each.
REPORTS: dict[str, Callable[[ConformanceReport], str]] = {
    "conformance.json": render_json,
    "conformance.md": render_markdown,
    "junit.xml": render_junit,
}


def _write_atomically(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would make the committed report private
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_reports(report: ConformanceReport, folder: str | Path) -> tuple[Path, ...]:
    """Write ``conformance.json``, ``conformance.md`` and ``junit.xml`` into ``folder``.

    Each file is written to a temporary file beside it, then moved into place, so a
    reader never sees half a report. The bytes depend only on the report: the same
    code and corpus give the same files.

    Args:
        report: from :func:`run`.
        folder: created (with its parents) when missing.

    Returns:
        The paths written, in the order of :data:`REPORTS`.

    Raises:
        OSError: the folder or a file cannot be written.
    """
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, render in REPORTS.items():
        path = target / name
        _write_atomically(path, render(report))
        written.append(path)
    return tuple(written)


# The corpus layout ------------------------------------------------------------------

_WIDTH = 100


def dump_cases(groups: list[dict[str, Any]]) -> str:
    """A case file's text in the corpus layout: indent 2, short containers on one line.

    For the tools that write case files (``tools/harvest_examples.py``); the loader
    reads any JSON.
    """

    def render(value: Any, indent: int, used: int) -> str:
        flat = json.dumps(value, ensure_ascii=False)
        if not isinstance(value, (dict, list)) or not value or used + len(flat) <= _WIDTH:
            return flat
        inner = " " * (indent + 2)
        if isinstance(value, list):
            items = [inner + render(item, indent + 2, indent + 2) for item in value]
            return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"
        members = []
        for key, item in value.items():
            head = f"{inner}{json.dumps(key, ensure_ascii=False)}: "
            members.append(head + render(item, indent + 2, len(head)))
        return "{\n" + ",\n".join(members) + "\n" + " " * indent + "}"

    return render(groups, 0, 0) + "\n"
