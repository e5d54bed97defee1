"""An engine's violations of one payload -> the Result a caller sees.

Below the facade and above the engines: violations put in payload order, what a
JSON:API sparse fieldset explains dropped, each given the payload's source.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .model import Exchange, Result, Source, Violation
from .pointers import resolve


def order(violation: Violation) -> tuple[str, str, str]:
    """Violations in payload order, whichever engine found them."""
    return (violation.instance_path, violation.keyword, violation.property or "")


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
            resource = resolve(payload, violation.instance_path[: -len("/attributes")])
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


def shape(
    payload: Any,
    name: str,
    violations: tuple[Violation, ...],
    *,
    fields: Mapping[str, frozenset[str]] | None = None,
    source: Source | None = None,
    exchange: Exchange | None = None,
) -> Result:
    """The Result of ``payload`` against ``name`` from an engine's ``violations``: in
    payload order, sparse fieldsets applied (``exchange``'s unless ``fields``), each
    violation given ``source``."""
    if violations:
        violations = tuple(sorted(violations, key=order))
        if fields is None and exchange is not None:
            fields = exchange.fields
        violations = locate(sparse(violations, payload, fields or {}), source)
    return Result(name, violations, source, exchange)
