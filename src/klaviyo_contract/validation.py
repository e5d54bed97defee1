"""The driver: records (or units of input) -> the contract -> outcomes and summaries.

Everything about one payload (routing, compiled checks, sparse fieldsets, sources)
is the contract's; this module walks the inputs, turns what cannot be checked into
Problems, and counts. The command line, ``--jobs``, Dask and the pytest plugin's
recording items all check through it.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from .errors import ContractError, NoSchemaFor, PayloadTooDeep
from .inputs import Unit, read_ndjson_unit, read_unit
from .model import Outcome, Problem, Record, Result, Source, Summary, Tally
from .results import shape

if TYPE_CHECKING:
    from .contract import Contract
    from .coverage import Coverage
    from .engines import Check


def check_records(
    contract: Contract,
    records: Iterable[Record | Problem],
    *,
    schema: str | None = None,
    strict: bool = False,
    coverage: Coverage | None = None,
) -> Iterator[Outcome]:
    """Each record's result (or its problem), in order; problems pass through. Every
    payload checked (conforming or not) is counted in ``coverage`` when given."""
    for record in records:
        if isinstance(record, Problem):
            yield record
            continue
        outcome = check_record(contract, record, schema, strict)
        if coverage is not None and isinstance(outcome, Result):
            coverage.add(
                record.payload, outcome.schema, source=record.source, exchange=record.exchange
            )
        yield outcome


def check_record(
    contract: Contract,
    record: Record,
    schema: str | None = None,
    strict: bool | None = None,
    *,
    hint: bool = True,
) -> Outcome:
    """One record's result, or the Problem of a payload nothing routes.

    A recorded response whose route the contract does not cover is ``skipped``; a
    payload nothing (or too much) routes is ``unrouted``, its reason saying how to
    name the schema on the command line unless ``hint`` is false.
    """
    try:
        return contract.validate(
            record.payload, schema, strict=strict, source=record.source, exchange=record.exchange
        )
    except PayloadTooDeep as error:  # nested past what any engine can follow
        return Problem(record.source, str(error), "unreadable")
    except NoSchemaFor as error:
        reason = error.explain(hint=hint)
        if record.exchange is not None and not error.candidates:
            return Problem(record.source, reason, "skipped")
        if not_klaviyo(record, schema):
            return Problem(record.source, f"not a Klaviyo payload: {error.reason}", "skipped")
        return Problem(record.source, reason, "unrouted")
    except ContractError as error:
        return Problem(record.source, str(error), "unrouted")


def not_klaviyo(record: Record, schema: str | None) -> bool:
    """A bare payload with no JSON:API ``type`` at all, checked with no ``--schema``.

    Valid JSON that is not shaped like a JSON:API document (``package.json``) is
    skipped, not unrouted: it is no Klaviyo payload. A payload whose ``type`` names
    no loaded schema, or fits several, still is unrouted (exit 2).
    """
    from .routing import is_jsonapi

    return schema is None and record.exchange is None and not is_jsonapi(record.payload)


def check_unit(
    contract: Contract, unit: Unit, schema: str | None, strict: bool, *, coverage: bool = False
) -> Summary:
    """One unit's payloads checked and summarised: the unit of ``--jobs`` and Dask work.

    The same summary as collecting :func:`check_records` over :func:`read_unit`; for
    NDJSON, the payloads that conform (most of a day's captures) are only counted,
    with no Record, Source or Result made for them. With ``coverage``, the summary
    carries what the unit's payloads exercised (:mod:`klaviyo_contract.coverage`).
    """
    start = time.perf_counter()
    counter = None
    if coverage:
        from .coverage import Coverage

        counter = Coverage.of(contract)
    numbered = read_ndjson_unit(unit)
    if numbered is None:
        outcomes = check_records(
            contract, read_unit(unit), schema=schema, strict=strict, coverage=counter
        )
        return Summary.collect(outcomes, engine=contract.engine.name, coverage=counter)
    tally, conforming = Tally(counter), 0
    checks: dict[str, Check] = {}  # each schema's check, looked up once for the unit
    for item in numbered:
        if isinstance(item, Problem):
            tally.add(item)
            continue
        number, payload = item
        try:
            name = schema if schema is not None else contract.route(payload)
            check = checks.get(name)
            if check is None:
                check = checks[name] = contract.checker(name, strict=strict)
        except ContractError:  # nothing routes it, or no such schema: check_record says so
            record = Record(Source(unit.path, number), payload)
            tally.add(check_record(contract, record, schema, strict))  # a Problem: not counted
            continue
        try:
            violations = check(payload)
        except PayloadTooDeep as error:  # an unreadable input; the rest go on
            tally.add(Problem(Source(unit.path, number), str(error), "unreadable"))
            continue
        if counter is not None:
            counter.add(payload, name, source=Source(unit.path, number))
        if not violations:
            conforming += 1
            continue
        source = Source(unit.path, number)
        tally.add(shape(payload, name, violations, source=source))
    tally.add_conforming(unit.path, conforming)
    return tally.summary(seconds=time.perf_counter() - start, engine=contract.engine.name)


__all__ = ["check_record", "check_records", "check_unit"]
