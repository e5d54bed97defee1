"""Records -> engine verdicts -> results: routing, sparse fieldsets, sources."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from .errors import ContractError, NoSchemaFor
from .inputs import Unit, read_ndjson_unit, read_unit
from .model import Exchange, Outcome, Problem, Record, Source, Summary, Tally, Violation

if TYPE_CHECKING:
    from .contract import Contract
    from .engines import Check


def _resolve(payload: Any, pointer: str) -> Any:
    node = payload
    for escaped in pointer.split("/")[1:]:
        token = escaped.replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


def sparse(
    violations: tuple[Violation, ...], payload: Any, fields: Mapping[str, frozenset[str]]
) -> tuple[Violation, ...]:
    """Drop what a JSON:API sparse fieldset explains.

    A response to ``fields[TYPE]=a,b`` carries only those attributes of each TYPE
    resource: a ``required`` attribute it leaves out is not missing. ``type`` and
    ``id`` (outside ``attributes``) stay required.
    """
    if not fields:
        return violations
    kept = []
    for violation in violations:
        if violation.keyword == "required" and violation.instance_path.endswith("/attributes"):
            resource = _resolve(payload, violation.instance_path[: -len("/attributes")])
            kind = resource.get("type") if isinstance(resource, Mapping) else None
            if isinstance(kind, str) and kind in fields and violation.property not in fields[kind]:
                continue
        kept.append(violation)
    return tuple(kept)


def locate(violations: tuple[Violation, ...], source: Source | None) -> tuple[Violation, ...]:
    """The violations, each given ``source``."""
    if source is None:
        return violations
    return tuple(violation.at(source) for violation in violations)


def check_records(
    contract: Contract,
    records: Iterable[Record | Problem],
    *,
    schema: str | None = None,
    strict: bool = False,
) -> Iterator[Outcome]:
    """Each record's result (or its problem), in order; problems pass through."""
    for record in records:
        yield (
            record
            if isinstance(record, Problem)
            else check_record(contract, record, schema, strict)
        )


def check_record(contract: Contract, record: Record, schema: str | None, strict: bool) -> Outcome:
    """One record's result, or the Problem of a payload nothing routes."""
    try:
        return contract.validate(
            record.payload, schema, strict=strict, source=record.source, exchange=record.exchange
        )
    except NoSchemaFor as error:
        if record.exchange is not None and not error.candidates:
            return Problem(record.source, str(error), "skipped")
        return Problem(record.source, str(error), "unrouted")
    except ContractError as error:
        return Problem(record.source, str(error), "unrouted")


def check_unit(contract: Contract, unit: Unit, schema: str | None, strict: bool) -> Summary:
    """One unit's payloads checked and summarised: the unit of ``--jobs`` and Dask work.

    The same summary as collecting :func:`check_records` over :func:`read_unit`; for
    NDJSON, the payloads that conform (most of a day's captures) are only counted,
    with no Record, Source or Result made for them.
    """
    start = time.perf_counter()
    numbered = read_ndjson_unit(unit)
    if numbered is None:
        outcomes = check_records(contract, read_unit(unit), schema=schema, strict=strict)
        return Summary.collect(outcomes, engine=contract.engine.name)
    tally, conforming = Tally(), 0
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
                check = checks[name] = contract.engine.compile(name, strict=strict)
        except ContractError:  # nothing routes it, or no such schema: check_record says so
            record = Record(Source(unit.path, number), payload)
            tally.add(check_record(contract, record, schema, strict))
            continue
        violations = check(payload)
        if not violations:
            conforming += 1
            continue
        source = Source(unit.path, number)
        tally.add(contract.result(payload, name, violations, source=source))
    tally.add_conforming(unit.path, conforming)
    return tally.summary(seconds=time.perf_counter() - start, engine=contract.engine.name)


__all__ = ["Exchange", "check_record", "check_records", "check_unit", "locate", "sparse"]
