"""The dialect's self-contained schema -> a tree that describes its payloads' shapes.

The tree is a plain description (objects with required and optional properties,
nullable values, enums, type unions, arrays with their length distribution,
strings with a format, bounded numbers, ``oneOf``/``anyOf`` branches), and two
interpreters read it: :mod:`._hypothesis` makes Hypothesis strategies of it (for
``contract.payloads``: they shrink), :mod:`._draw` draws from a seeded
:class:`random.Random` (for bulk ``generate``: no test engine per example). Both
follow the distributions written here, and the invalid payloads of both are made by
the same mutations (:mod:`._breakers`). This module imports no Hypothesis.

hypothesis-jsonschema canonicalises and filters its way to a strategy, which costs
tens of milliseconds an example on Klaviyo's response schemas; their shapes are
simple, so each node is described directly, and only what the tree cannot express
well (``not``, ``pattern``, an ``allOf`` whose branches do not merge) is a
``fallback`` node handed to hypothesis-jsonschema. Every node keeps its children so
invalid payloads can reach any place in a valid one.

Klaviyo's ``allOf`` (a resource, and a partial schema adding attributes to it) is
merged into one schema (:func:`merge_all_of`); its ``oneOf`` is a union, a value of
any branch (the dialect reads it as "at least one"); arrays whose items cannot exist
(recursion cut by :func:`~klaviyo_contract.bundle.inline`) stay empty.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

from ._values import FORMAT_NAMES

#: Bounds for numbers without their own: JSON interoperable integers (RFC 8259 6).
LARGEST_SAFE = 2**53 - 1
#: Arrays without maxItems: most short, some as long as Klaviyo's relationship pages.
LONG_ARRAY = 250
#: Nine arrays in ten are short (up to this many items), the rest any length to the bound.
SHORT_ARRAY = 3
SHORT_ARRAY_ODDS = 0.9
#: Counts and totals are small and non-negative in practice: half the numbers are.
SMALL_NUMBER = 10_000
#: Strings without a format or maxLength: up to this many characters.
TEXT_LENGTH = 40
#: Free-form maps without maxProperties: up to this many entries.
MAP_SIZE = 3

Kind = Literal[
    "any",
    "nothing",
    "null",
    "fallback",
    "union",
    "types",
    "enum",
    "object",
    "map",
    "array",
    "empty-array",
    "string",
    "integer",
    "number",
    "boolean",
]


@dataclass(eq=False)
class Node:
    """One schema position: what its values look like, and the nodes below it.

    ``present`` values are the non-null ones (to step into a nullable object or
    array); ``valid`` ones add null half the time where ``nullable`` is set. What
    each kind uses:

    - ``union``/``types``: ``options`` (a value of any of them);
    - ``enum``: ``values`` (never null: that is ``nullable``);
    - ``object``: ``properties``, ``fixed`` (required names it describes),
      ``unnamed`` (required names it does not: any JSON), ``low``/``high`` its
      number of properties;
    - ``map`` (free-form object), ``array``: ``low``/``high`` the size, ``short``
      the bound of the short arrays, ``unique``, ``items``;
    - ``string``: ``fmt`` or ``low``/``high`` its length;
    - ``integer``/``number``: ``low``/``high`` (exclusive where ``exclude_low``/
      ``exclude_high``), ``small_low``/``small_high`` the small ones;
    - ``fallback``: ``schema`` (hypothesis-jsonschema draws it).
    """

    schema: Any
    kind: Kind
    nullable: bool = False
    options: tuple[Node, ...] = ()
    values: tuple[Any, ...] = ()
    properties: dict[str, Node] = field(default_factory=dict)
    #: The schema's own ``required`` (breakers remove each in turn).
    required: tuple[str, ...] = ()
    fixed: tuple[str, ...] = ()
    unnamed: tuple[str, ...] = ()
    items: Node | None = None
    low: Any = 0
    high: Any = None
    short: int = 0
    unique: bool = False
    fmt: str | None = None
    exclude_low: bool = False
    exclude_high: bool = False
    small_low: int = 0
    small_high: int = 0
    #: Each interpreter keeps what it made of this node here.
    memo: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def optional(self) -> tuple[str, ...]:
        return tuple(name for name in self.properties if name not in self.fixed)


def _types(schema: dict[str, Any]) -> list[str]:
    kind = schema.get("type")
    if kind is None:
        return []
    return list(kind) if isinstance(kind, list) else [kind]


def _conforms(schema: Any) -> Any:
    import jsonschema_rs

    # jsonschema-rs' built-in formats follow the dialect's rules (tests/engines).
    validator = jsonschema_rs.Draft202012Validator(
        schema, validate_formats=True, ignore_unknown_formats=True
    )
    return validator.is_valid


def _string(schema: dict[str, Any]) -> Node:
    fmt = schema.get("format")
    if fmt in FORMAT_NAMES:
        return Node(schema, "string", fmt=fmt)
    if "pattern" in schema:
        keep = ("pattern", "minLength", "maxLength")
        return Node({"type": "string", **{k: schema[k] for k in keep if k in schema}}, "fallback")
    low, high = schema.get("minLength", 0), schema.get("maxLength")
    return Node(schema, "string", low=low, high=high if high is not None else max(low, TEXT_LENGTH))


def _number(schema: dict[str, Any], integer: bool) -> Node:
    low = schema.get("minimum", -LARGEST_SAFE)
    high = schema.get("maximum", LARGEST_SAFE)
    step = 1 if integer else 0
    if "exclusiveMinimum" in schema:
        low = schema["exclusiveMinimum"] + step
    if "exclusiveMaximum" in schema:
        high = schema["exclusiveMaximum"] - step
    if integer:
        low, high = int(low), int(high)
    small_low, small_high = max(math.ceil(low), 0), min(math.floor(high), SMALL_NUMBER)
    if not integer:  # the small ones are whole numbers inside the exclusive bounds
        small_low += "exclusiveMinimum" in schema and small_low == low
        small_high -= "exclusiveMaximum" in schema and small_high == high
    if small_low > small_high:  # no small ones
        small_low, small_high = 0, -1
    return Node(
        schema,
        "integer" if integer else "number",
        low=low,
        high=high,
        exclude_low=not integer and "exclusiveMinimum" in schema,
        exclude_high=not integer and "exclusiveMaximum" in schema,
        small_low=small_low,
        small_high=small_high,
    )


class Builder:
    """Builds the node of every schema position of one schema."""

    def node(self, schema: Any) -> Node:
        if schema is True or schema == {}:
            return Node(schema, "any")
        if schema is False:
            return Node(schema, "nothing")
        if not isinstance(schema, dict):  # pragma: no cover - schemas are objects or booleans
            raise TypeError(f"not a schema: {schema!r}")
        if "allOf" in schema:
            merged = merge_all_of(schema)
            if merged is not None:
                return self.node(merged)
        if {
            "allOf",
            "not",
            "if",
            "dependentSchemas",
            "patternProperties",
            "contains",
        } & schema.keys():
            return Node(schema, "fallback")
        for keyword in ("oneOf", "anyOf"):
            if keyword in schema:
                return self._union(schema, keyword)
        types = _types(schema)
        nullable = "null" in types or None in schema.get("enum", ())
        if types == ["null"]:
            return Node(schema, "null")
        node = self._present(schema, [kind for kind in types if kind != "null"])
        # Real queued jobs carry several nulls: make null as likely as a value.
        node.nullable = nullable and node.kind not in ("any", "fallback")
        return node

    def _union(self, schema: dict[str, Any], keyword: str) -> Node:
        # ``oneOf`` as the dialect reads it: a value of any branch will do, so no
        # filter for "exactly one" (which Klaviyo's overlapping unions never pass).
        rest = {key: value for key, value in schema.items() if key != keyword}
        branches = tuple(
            self.node(_conjoin(rest, branch) if rest else branch) for branch in schema[keyword]
        )
        return Node(schema, "union", options=branches)

    def _present(self, schema: dict[str, Any], types: list[str]) -> Node:
        enum = schema.get("enum")
        if enum is not None:
            values = tuple(value for value in enum if value is not None)
            return Node(schema, "enum" if values else "nothing", values=values)
        if not types:
            types = [kind for kind in ("object", "array", "string") if _implies(schema, kind)]
        if not types:
            return Node(schema, "any")
        nodes = tuple(self._typed(schema, kind) for kind in types)
        if len(nodes) == 1:
            return nodes[0]
        merged = Node(schema, "types", options=nodes)
        for node in nodes:
            merged.properties.update(node.properties)
            merged.required = merged.required or node.required
            merged.items = merged.items or node.items
        return merged

    def _typed(self, schema: dict[str, Any], kind: str) -> Node:
        if kind == "object":
            return self._object(schema)
        if kind == "array":
            return self._array(schema)
        if kind == "string":
            return _string(schema)
        if kind in ("integer", "number"):
            return _number(schema, integer=kind == "integer")
        if kind == "boolean":
            return Node(schema, "boolean")
        return Node(schema, "nothing")

    def _object(self, schema: dict[str, Any]) -> Node:
        properties = {name: self.node(sub) for name, sub in schema.get("properties", {}).items()}
        required = tuple(schema.get("required", ()))
        low, high = schema.get("minProperties", 0), schema.get("maxProperties")
        if not properties and schema.get("additionalProperties", True) is not False:
            # A free-form map (``maxProperties: 0`` makes it always empty).
            ceiling = max(low, MAP_SIZE) if high is None else high
            return Node(schema, "map", required=required, low=low, high=ceiling)
        # Klaviyo sends its optional attributes nearly always (null rather than absent):
        # half the payloads carry every one, the other half a random subset.
        return Node(
            schema,
            "object",
            properties=properties,
            required=required,
            fixed=tuple(name for name in required if name in properties),
            unnamed=tuple(name for name in required if name not in properties),
            low=low,
            high=high,
        )

    def _array(self, schema: dict[str, Any]) -> Node:
        items = self.node(schema.get("items", True))
        low, high = schema.get("minItems", 0), schema.get("maxItems")
        if items.schema is False:
            # Items cut off by bounded recursion: only the empty array fits.
            return Node(schema, "empty-array", items=items, low=low)
        # Hypothesis' own list sizes average about five; Klaviyo's relationship pages run
        # to hundreds. Nine arrays in ten are short, the rest any length to the bound.
        ceiling = high if high is not None else max(low, LONG_ARRAY)
        return Node(
            schema,
            "array",
            items=items,
            low=low,
            high=ceiling,
            short=min(ceiling, max(low, SHORT_ARRAY)),
            unique=bool(schema.get("uniqueItems")),
        )


def _implies(schema: dict[str, Any], kind: str) -> bool:
    """Whether an untyped schema's keywords only make sense for ``kind``."""
    if kind == "object":
        return bool(
            {"properties", "required", "additionalProperties", "maxProperties"} & schema.keys()
        )
    if kind == "array":
        return "items" in schema
    return "format" in schema


#: Keywords whose values combine by taking the larger (lower bounds) or the smaller.
_LOWER_BOUNDS = ("minimum", "minLength", "minItems", "minProperties")
_UPPER_BOUNDS = ("maximum", "maxLength", "maxItems", "maxProperties")


def merge_all_of(schema: dict[str, Any]) -> Any:
    """One schema that admits what every branch of ``schema``'s ``allOf`` admits.

    Properties are merged by name (a name in two branches takes both subschemas),
    ``required`` is the union, ``type`` and ``enum`` the intersection, bounds the
    tighter one. Returns None where two branches disagree on a keyword that does not
    merge this way; the caller then falls back to hypothesis-jsonschema.
    """
    merged: Any = {key: value for key, value in schema.items() if key != "allOf"}
    for branch in schema["allOf"]:
        merged = _conjoin(merged, branch)
        if isinstance(merged, dict) and "allOf" in merged:
            return None
    return merged


def _conjoin(first: Any, second: Any) -> Any:
    """The schema both admit: merged where keywords allow, else their ``allOf``."""
    if first is True or first == {}:
        return second
    if second is True or second == {}:
        return first
    if first is False or second is False:
        return False
    if isinstance(second, dict) and "allOf" in second:
        flat = merge_all_of(second)
        if flat is None:
            return {"allOf": [first, second]}
        return _conjoin(first, flat)
    merged = _merge(first, second)
    return merged if merged is not None else {"allOf": [first, second]}


def _merge(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any] | None:
    out = dict(first)
    for key, value in second.items():
        if key not in out or out[key] == value:
            out[key] = value
            continue
        mine = out[key]
        if key == "properties":
            out[key] = {
                name: _conjoin(mine[name], sub) if name in mine else sub
                for name, sub in value.items()
            } | {name: sub for name, sub in mine.items() if name not in value}
        elif key == "required":
            out[key] = list(dict.fromkeys([*mine, *value]))
        elif key == "type":
            kinds = _meet(_types(out), _types(second))
            if not kinds:
                return None
            out[key] = kinds
        elif key == "enum":
            out[key] = [item for item in mine if item in value]
        elif key in ("items", "additionalProperties"):
            out[key] = _conjoin(mine, value)
        elif key in _LOWER_BOUNDS:
            out[key] = max(mine, value)
        elif key in _UPPER_BOUNDS:
            out[key] = min(mine, value)
        else:
            return None
    return out


def _meet(first: list[str], second: list[str]) -> list[str]:
    """The JSON types both lists allow (an integer is a number)."""
    kinds = [kind for kind in first if kind in second]
    if "integer" in first and "number" in second and "integer" not in kinds:
        kinds.append("integer")
    if "number" in first and "integer" in second and "integer" not in kinds:
        kinds.append("integer")
    return kinds
