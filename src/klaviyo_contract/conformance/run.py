"""Running the corpus: each case checked by the contract, and which constraints the
passing cases exercise (the coverage the report counts)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..constraints import KINDS, Constraint, constraints, locations
from ..errors import CaseFileError, UnknownSchema
from .cases import Case, Expectation

if TYPE_CHECKING:
    from ..contract import Contract
    from ..model import Result, Violation


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
