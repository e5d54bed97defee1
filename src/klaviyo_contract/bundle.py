"""The dialect's rewritten forms, written once for the engines and strategies that need them.

Plain JSON Schema has no ``nullable``; the rewrite expresses it without moving any
keyword, so every violation keeps the instance path and keyword the reference engine
reports, and its schema location maps back to the published file:

- ``type`` gains ``"null"``; ``enum`` gains ``null``;
- ``$ref`` points at a *nullable variant* of its target, kept under
  ``#/components/x-nullable/NAME`` (the target with null admitted at its top);
- ``oneOf`` / ``anyOf`` gain a ``{"type": "null"}`` branch unless one admits null;
  ``allOf`` admits null in every branch;
- ``const`` and ``not`` (absent from the catalogue) are wrapped in an ``anyOf``.

``oneOf`` is read as "at least one branch" (see :mod:`~klaviyo_contract.dialect`): its
branches move into one ``anyOf``, the ``oneOf``'s only branch, so a value that fits
none is still reported as ``oneOf`` at the published place, and one that fits
several (Klaviyo's ``integer``/``number`` unions, identical send options) passes.

Annotations, ``$id`` and ``$schema`` are dropped. Strict mode adds
``additionalProperties: false`` where a schema names properties and says nothing
about others.

Two forms come out: :func:`document`, every schema in one document whose refs stay
refs (for jsonschema-rs's registry: recursion is no problem), and :func:`inline`,
one schema with every ref inlined and recursion cut at a bounded depth (for
hypothesis-jsonschema, which resolves no registry).
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from typing import Any

from . import dialect
from .registry import SchemaSet

NULLABLE_VARIANTS = "x-nullable"
_VARIANT_PREFIX = f"#/components/{NULLABLE_VARIANTS}/"
_NULL = {"type": "null"}
_DROPPED = dialect.ANNOTATIONS | {"$id", "$schema"}


def _accepts_null(node: Any) -> bool:
    """Whether a rewritten schema accepts ``null`` (refs are assumed not to)."""
    if node is True or node is False:
        return bool(node)
    types = node.get("type")
    if types is not None and "null" not in (types if isinstance(types, list) else [types]):
        return False
    if "enum" in node and None not in node["enum"]:
        return False
    if "$ref" in node and not node["$ref"].startswith(_VARIANT_PREFIX):
        return False
    if not all(_accepts_null(branch) for branch in node.get("allOf", [])):
        return False
    if "anyOf" in node and not any(_accepts_null(branch) for branch in node["anyOf"]):
        return False
    return "oneOf" not in node or sum(_accepts_null(b) for b in node["oneOf"]) == 1


def admit_null(node: dict[str, Any], variants: set[str]) -> dict[str, Any]:
    """``node`` (already rewritten) made to accept ``null`` too, keywords in place.

    Names whose nullable variant the result refers to are added to ``variants``.
    """
    if "const" in node or "not" in node:
        return {"anyOf": [_NULL, node]}
    node = dict(node)
    if "type" in node:
        types = node["type"] if isinstance(node["type"], list) else [node["type"]]
        node["type"] = [*types, "null"] if "null" not in types else types
    if "enum" in node and None not in node["enum"]:
        node["enum"] = [*node["enum"], None]
    ref = node.get("$ref")
    if isinstance(ref, str) and (name := dialect.ref_name(ref)) is not None:
        variants.add(name)
        node["$ref"] = _VARIANT_PREFIX + name
    if "allOf" in node:
        node["allOf"] = [
            admit_null(branch, variants) if isinstance(branch, dict) else True
            for branch in node["allOf"]
        ]
    for keyword in ("oneOf", "anyOf"):
        if keyword in node and not any(_accepts_null(branch) for branch in node[keyword]):
            node[keyword] = [*node[keyword], _NULL]
    return node


def rewrite(node: Any, variants: set[str], *, strict: bool = False) -> Any:
    """One schema of the dialect as plain JSON Schema (see the module docstring)."""
    if not isinstance(node, Mapping):
        return node
    out: dict[str, Any] = {}
    for keyword, value in node.items():
        if keyword in _DROPPED:
            continue
        if keyword in dialect.SINGLE_SCHEMA:
            out[keyword] = rewrite(value, variants, strict=strict)
        elif keyword in dialect.SCHEMA_LISTS and isinstance(value, list):
            out[keyword] = [rewrite(item, variants, strict=strict) for item in value]
        elif keyword in dialect.SCHEMA_MAPS and isinstance(value, Mapping):
            out[keyword] = {k: rewrite(v, variants, strict=strict) for k, v in value.items()}
        else:
            out[keyword] = value
    if isinstance(out.get("oneOf"), list):
        out["oneOf"] = [{"anyOf": out["oneOf"]}]
    if (
        strict
        and "properties" in out
        and not {"additionalProperties", "patternProperties"} & out.keys()
    ):
        out["additionalProperties"] = False
    if dialect.admits_null(node):
        out = admit_null(out, variants)
    return out


def document(schema_set: SchemaSet, *, strict: bool = False) -> dict[str, Any]:
    """Every schema of the set, rewritten, as one document with its nullable variants.

    Refs keep their form (``#/components/schemas/NAME``), so the document resolves
    them by JSON Pointer wherever it is registered.
    """
    variants: set[str] = set()
    schemas = {
        name: rewrite(schema, variants, strict=strict)
        for name, schema in schema_set.schemas.items()
    }
    nullable: dict[str, Any] = {}
    todo = sorted(variants)
    while todo:
        name = todo.pop()
        if name not in nullable:
            more: set[str] = set()
            nullable[name] = admit_null(schemas[name], more)
            todo.extend(sorted(more - nullable.keys()))
    return {"components": {"schemas": schemas, NULLABLE_VARIANTS: nullable}}


#: id(set) -> (the set, weakly; its rewritten forms): one rewrite of a whole catalogue
#: serves every :func:`inline` of it, not one rewrite a schema.
_FORMS: dict[int, tuple[weakref.ref[SchemaSet], dict[str, Any]]] = {}


def _forms(schema_set: SchemaSet) -> dict[str, Any]:
    """:func:`document`'s components for ``schema_set``, rewritten once and shared.

    Only :func:`inline` reads them, and it copies every object it changes.
    """
    key = id(schema_set)
    cached = _FORMS.get(key)
    if cached is not None and cached[0]() is schema_set:
        return cached[1]
    forms: dict[str, Any] = document(schema_set)["components"]
    _FORMS[key] = (weakref.ref(schema_set, lambda _: _FORMS.pop(key, None)), forms)
    return forms


def published_location(pointer: str) -> str:
    """A keyword's pointer in :func:`document` -> its place in the published schemas."""
    prefix = f"/components/{NULLABLE_VARIANTS}/"
    if pointer.startswith(prefix):
        return "#/components/schemas/" + pointer[len(prefix) :]
    return "#" + pointer


def inline(schema_set: SchemaSet, name: str, *, depth: int = 2) -> Any:
    """Schema ``name`` rewritten and self-contained: every ref replaced by its target.

    A schema that refers to itself (directly or through others) is unrolled ``depth``
    times; past that, its place becomes ``{"type": "null"}`` where null is allowed
    there and ``false`` (nothing fits: an optional property stays absent, an array
    stays empty) otherwise.

    Raises:
        UnknownSchema: ``name`` is not in the set.
    """
    schema_set.schema(name)
    forms = _forms(schema_set)

    def expand(node: Any, stack: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [expand(item, stack) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if not isinstance(ref, str):
            return {key: expand_keyword(key, value, stack) for key, value in node.items()}
        nullable = ref.startswith(_VARIANT_PREFIX)
        target = ref[len(_VARIANT_PREFIX) :] if nullable else dialect.ref_name(ref)
        if target is None:  # pragma: no cover - SchemaSet admits no other ref
            raise ValueError(f"unexpected $ref {ref!r}")
        if stack.count(target) >= depth:
            resolved: Any = dict(_NULL) if nullable else False
        else:
            resolved = expand(
                forms[NULLABLE_VARIANTS if nullable else "schemas"][target], (*stack, target)
            )
        rest = {key: value for key, value in node.items() if key != "$ref"}
        return {"allOf": [resolved, expand(rest, stack)]} if rest else resolved

    def expand_keyword(key: str, value: Any, stack: tuple[str, ...]) -> Any:
        if key in dialect.SINGLE_SCHEMA or key in dialect.SCHEMA_LISTS:
            return expand(value, stack)
        if key in dialect.SCHEMA_MAPS and isinstance(value, dict):
            return {k: expand(v, stack) for k, v in value.items()}
        return value

    return expand(forms["schemas"][name], (name,))
