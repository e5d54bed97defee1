"""Every constraint a contract states, one per place in the published schema files.

A constraint is a keyword that can make a payload invalid (``required`` once per
name, ``type``, ``enum``, an asserted ``format``, ``maxProperties``) or that makes
``null`` valid (``nullable: true``). Its ``schema_path`` is the JSON Pointer a
:class:`~klaviyo_contract.model.Violation` of it carries, so the conformance report
can tell which constraints its cases exercise. A schema that many others refer to
states its constraints once: they are counted at the file that states them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from . import dialect, pointers
from .formats import FORMATS
from .pointers import escape

if TYPE_CHECKING:
    from .registry import SchemaSet

__all__ = ["KINDS", "Constraint", "ConstraintKind", "constraints", "locations"]

ConstraintKind = Literal["type", "enum", "format", "nullable", "maxProperties", "required"]

#: Every kind, in the order the keywords are listed within one schema position.
KINDS: tuple[ConstraintKind, ...] = (
    "type",
    "enum",
    "format",
    "nullable",
    "maxProperties",
    "required",
)


@dataclass(frozen=True)
class Constraint:
    """One rule of the contract, at the place of the published schemas that states it.

    Attributes:
        schema: the schema (file) that states it.
        kind: the keyword: ``required``, ``type``, ``enum``, ``format``, ``nullable``
            or ``maxProperties``.
        schema_path: ``#/components/schemas/NAME/.../KEYWORD``, as a violation of it
            carries in :attr:`Violation.schema_path`.
        detail: for ``required``, the property name (a violation's ``property``); for
            the others, the value the keyword declares, as text (``"string"``,
            ``"date-time"``, ``["queued","complete"]``); None for ``nullable``.
    """

    schema: str
    kind: str
    schema_path: str
    detail: str | None = None

    @property
    def id(self) -> str:
        """A stable name: the schema path, and for ``required`` the property after it.

        ``#/components/schemas/ObjectLinks/properties/self/format``,
        ``#/components/schemas/ObjectLinks/required/self``.
        """
        if self.kind == "required" and self.detail is not None:
            return f"{self.schema_path}/{pointers.escape(self.detail)}"
        return self.schema_path

    @property
    def location(self) -> str:
        """The schema position that holds the keyword (``schema_path`` without it)."""
        return self.schema_path.rsplit("/", 1)[0]


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _stated(name: str, where: str, node: dialect.Schema) -> Iterator[Constraint]:
    at = f"{dialect.ref_to(name)}{where}"
    if "type" in node:
        yield Constraint(name, "type", f"{at}/type", _text(node["type"]))
    if "enum" in node:
        yield Constraint(name, "enum", f"{at}/enum", _text(node["enum"]))
    if node.get("format") in FORMATS:
        yield Constraint(name, "format", f"{at}/format", node["format"])
    if dialect.admits_null(node):
        yield Constraint(name, "nullable", f"{at}/nullable")
    if "maxProperties" in node:
        yield Constraint(name, "maxProperties", f"{at}/maxProperties", _text(node["maxProperties"]))
    required = node.get("required")
    if isinstance(required, list):
        for prop in required:
            if isinstance(prop, str):
                yield Constraint(name, "required", f"{at}/required", prop)


def constraints(schema_set: SchemaSet) -> tuple[Constraint, ...]:
    """Every constraint of every schema of the set, schema by schema (sorted by name).

    Within one schema, positions come in the order :func:`dialect.subschemas` visits
    them (the schema itself, then what is nested in it), and within a position in
    the order of :data:`KINDS`.
    """
    found: list[Constraint] = []
    for name in schema_set.names():
        for where, node in dialect.subschemas(schema_set.schema(name)):
            found.extend(_stated(name, where, node))
    return tuple(found)


def locations(schema_set: SchemaSet, name: str, payload: Any) -> Iterator[tuple[str, str, Any]]:
    """Each value of ``payload`` with the schema positions that govern it.

    Yields (instance path, schema position, value) triples: the position is
    ``#/components/schemas/NAME/...`` in the published files. The walk follows
    ``$ref``, ``allOf``, ``properties`` and ``items``; it does not guess which branch
    of an ``anyOf`` or ``oneOf`` a value took. A value governed by several positions
    (a ``$ref`` and its target) is yielded once for each.

    Raises:
        UnknownSchema: ``name`` is not in the set.
    """
    root = schema_set.schema(name)
    stack: list[tuple[tuple[str | int, ...], str, str, Any, Any]] = [((), name, "", root, payload)]
    while stack:
        path, schema, where, node, value = stack.pop()
        if not isinstance(node, Mapping):
            continue
        yield pointers.pointer(path), f"{dialect.ref_to(schema)}{where}", value
        ref = node.get("$ref")
        target = dialect.ref_name(ref) if isinstance(ref, str) else None
        if target is not None:
            stack.append((path, target, "", schema_set.schema(target), value))
        branches = node.get("allOf")
        if isinstance(branches, list):
            stack.extend(
                (path, schema, f"{where}/allOf/{i}", branch, value)
                for i, branch in enumerate(branches)
            )
        properties = node.get("properties")
        if isinstance(value, dict) and isinstance(properties, Mapping):
            stack.extend(
                ((*path, key), schema, f"{where}/properties/{escape(key)}", sub, value[key])
                for key, sub in properties.items()
                if key in value
            )
        items = node.get("items")
        if isinstance(value, list) and isinstance(items, Mapping):
            stack.extend(
                ((*path, i), schema, f"{where}/items", items, item) for i, item in enumerate(value)
            )
