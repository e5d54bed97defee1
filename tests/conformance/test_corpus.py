"""The conformance corpus: every case passes under both engines, and covers every constraint."""

from __future__ import annotations

import functools

import pytest

from conftest import ROOT
from klaviyo_contract import Contract
from klaviyo_contract.conformance import (
    Case,
    ConformanceReport,
    agreement,
    default_cases_dir,
    load_cases,
    run,
)
from klaviyo_contract.constraints import constraints

ENGINES = ("reference", "compiled")
SEEDS = ("CouponCodeCreateJobResponseObjectResource", "PostCatalogItemCreateJobResponse")
STATUSES = {"cancelled", "complete", "processing", "queued"}


@functools.cache
def contract(engine: str) -> Contract:
    return Contract.default(engine=engine)


@functools.cache
def corpus() -> tuple[Case, ...]:
    return tuple(load_cases(ROOT / "conformance"))


@functools.cache
def report(engine: str) -> ConformanceReport:
    return run(contract(engine), corpus())


def test_the_corpus_is_found_in_a_checkout(monkeypatch) -> None:
    monkeypatch.chdir(ROOT)  # the project's folder, as `klaviyo-contract conformance` runs
    folder = default_cases_dir()
    assert folder is not None
    assert folder.name == "conformance"
    assert (folder / "README.md").is_file()


def test_the_seed_schemas_have_at_least_sixty_cases() -> None:
    seeds = [case for case in corpus() if case.schema in SEEDS]
    assert len(seeds) >= 60
    for name in SEEDS:
        of_schema = [case for case in seeds if case.schema == name]
        assert any(case.valid for case in of_schema), name
        assert any(not case.valid for case in of_schema), name


def test_every_group_names_a_schema_of_the_contract() -> None:
    names = set(contract("reference").names())
    assert {case.schema for case in corpus()} <= names


@pytest.mark.parametrize("engine", ENGINES)
def test_every_case_passes(engine: str) -> None:
    failed = report(engine).failed
    assert not failed, "\n\n".join(outcome.diff() for outcome in failed)


@pytest.mark.parametrize("engine", ENGINES)
def test_every_constraint_of_the_contract_is_covered(engine: str) -> None:
    """Computed from the schema files: a new schema or keyword without cases fails here."""
    result = report(engine)
    total = len(constraints(contract(engine).schema_set))
    assert len(result.constraints) == total
    assert not result.uncovered, "uncovered:\n" + "\n".join(c.id for c in result.uncovered)
    assert result.coverage_line == f"Constraint coverage: {total}/{total} (100%)"
    assert result.ok


def test_the_engines_agree_on_every_case() -> None:
    disagreements = agreement(corpus(), {engine: contract(engine) for engine in ENGINES})
    assert not disagreements, "\n\n".join(d.describe() for d in disagreements)


def test_the_engines_exercise_the_same_constraints_with_the_same_cases() -> None:
    """Both engines map each violation to the same place of the published files."""
    assert report("reference").exercised == report("compiled").exercised


def test_every_job_status_has_a_valid_case_for_each_seed() -> None:
    for name in SEEDS:
        seen = set()
        for case in corpus():
            if case.schema == name and case.valid and isinstance(case.data, dict):
                resource = case.data.get("data", case.data)
                seen.add(resource["attributes"]["status"])
        assert seen >= STATUSES, name


def test_the_corpus_holds_a_job_with_hundreds_of_relationship_ids() -> None:
    def longest(value: object) -> int:
        if isinstance(value, list):
            return max([len(value), *map(longest, value)])
        if isinstance(value, dict):
            return max([0, *map(longest, value.values())])
        return 0

    for name in SEEDS:
        assert max(longest(c.data) for c in corpus() if c.schema == name and c.valid) >= 200


def test_every_invalid_case_lists_only_places_inside_its_payload() -> None:
    """An expected instance path that names nothing in the payload is a typo."""

    def exists(data: object, pointer: str) -> bool:
        node = data
        for escaped in pointer.split("/")[1:]:
            token = escaped.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                return False
        return True

    for case in corpus():
        for path, _ in case.expected:
            assert exists(case.data, path), f"{case}: {path} is not in the payload"
