"""The Klaviyo dialect as pure functions: names and refs, nullable, annotations.

Klaviyo's files declare JSON Schema 2020-12 but were cut out of an OpenAPI 3.0
document: each file's ``$id`` is ``#/components/schemas/NAME`` and refs name other
files the same way. ``nullable: true`` (OpenAPI) admits ``null`` besides the declared
type, enums included, as Klaviyo's own SDK reads it.

``oneOf`` admits a value that fits *at least one* branch (JSON Schema's ``anyOf``),
and a value that fits none is reported as ``oneOf``. Klaviyo writes its unions as
``oneOf`` whatever their overlap: ``[integer, number]`` (every integer is a number),
an enum of strings beside ``string``, three identical send-option schemas. Read
strictly, a ``Campaign`` resource (``send_options`` is required) could never conform.
See ``docs/dialect.md`` for every rule with a catalogue example.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .pointers import escape

#: A schema (or subschema) as loaded from JSON.
Schema = Mapping[str, Any]

REF_PREFIX = "#/components/schemas/"

#: Keywords whose value is one subschema.
SINGLE_SCHEMA = (
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "additionalItems",
)
#: Keywords whose value is a list of subschemas.
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
#: Keywords whose value maps names to subschemas.
SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")

#: Keywords that only annotate: they never make a payload invalid.
ANNOTATIONS = frozenset(
    {
        "title",
        "description",
        "example",
        "examples",
        "default",
        "readOnly",
        "writeOnly",
        "deprecated",
        "$comment",
        "$schema",
        "$id",
        "nullable",
        "x-klaviyo-operation",
    }
)


def ref_name(ref: str) -> str | None:
    """The schema a ``$ref`` names, or None when it is not of the dialect's form."""
    if ref.startswith(REF_PREFIX):
        name = ref[len(REF_PREFIX) :]
        if name and "/" not in name:
            return name
    return None


def ref_to(name: str) -> str:
    """The ``$ref`` that names schema ``name``."""
    return REF_PREFIX + name


def document_name(document: Schema) -> str | None:
    """The name a schema file declares: the last segment of ``$id``, else its title."""
    identifier = document.get("$id")
    if isinstance(identifier, str):
        return ref_name(identifier)
    title = document.get("title")
    return title if isinstance(title, str) and title else None


def admits_null(schema: Schema) -> bool:
    """True where OpenAPI's ``nullable: true`` lets ``null`` through."""
    return schema.get("nullable") is True


def subschemas(schema: Schema, at: str = "") -> Iterator[tuple[str, Schema]]:
    """Every schema object in ``schema``, itself first, with its JSON Pointer.

    Only schema positions are visited: the values of ``example``, ``default``,
    ``enum`` or ``const`` are data, never schemas.
    """
    stack: list[tuple[str, Any]] = [(at, schema)]
    while stack:
        where, node = stack.pop()
        if not isinstance(node, Mapping):
            continue
        yield where, node
        children: list[tuple[str, Any]] = []
        for keyword in SINGLE_SCHEMA:
            if keyword in node:
                children.append((f"{where}/{keyword}", node[keyword]))
        for keyword in SCHEMA_LISTS:
            value = node.get(keyword)
            if isinstance(value, list):
                children.extend((f"{where}/{keyword}/{i}", item) for i, item in enumerate(value))
        for keyword in SCHEMA_MAPS:
            value = node.get(keyword)
            if isinstance(value, Mapping):
                children.extend(
                    (f"{where}/{keyword}/{escape(name)}", item) for name, item in value.items()
                )
        stack.extend(reversed(children))


def refs(schema: Schema) -> Iterator[tuple[str, str]]:
    """Every ``$ref`` in ``schema`` as (ref, pointer of the object holding it)."""
    for where, node in subschemas(schema):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield ref, where
