"""Records -> engine verdicts -> results: routing, sparse fieldsets, sources."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from .errors import ContractError, NoSchemaFor
from .model import Exchange, Outcome, Problem, Record, Source, Violation

if TYPE_CHECKING:
    from .contract import Contract


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
    if source is None:
        return violations
    return tuple(dataclasses.replace(violation, source=source) for violation in violations)


def check_records(
    contract: Contract,
    records: Iterable[Record | Problem],
    *,
    schema: str | None = None,
    strict: bool = False,
) -> Iterator[Outcome]:
    """Each record's result (or its problem), in order; problems pass through."""
    for record in records:
        if isinstance(record, Problem):
            yield record
            continue
        try:
            yield contract.validate(
                record.payload,
                schema,
                strict=strict,
                source=record.source,
                exchange=record.exchange,
            )
        except NoSchemaFor as error:
            if record.exchange is not None and not error.candidates:
                yield Problem(record.source, str(error), "skipped")
            else:
                yield Problem(record.source, str(error), "unrouted")
        except ContractError as error:
            yield Problem(record.source, str(error), "unrouted")


__all__ = ["Exchange", "check_records", "locate", "sparse"]
