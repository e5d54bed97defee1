"""The dialect's self-contained schema -> a tree of Hypothesis strategies.

hypothesis-jsonschema canonicalises and filters its way to a strategy, which costs
tens of milliseconds an example on Klaviyo's response schemas; their shapes are
simple (typed objects, enums, formats, arrays, nullable unions), so each node is
built directly from Hypothesis' own strategies (``fixed_dictionaries``, ``lists``,
``sampled_from``, ...), and only what they cannot express well (``not``, ``pattern``,
an ``allOf`` whose branches do not merge) is handed to hypothesis-jsonschema. Every
node keeps its children so invalid payloads can reach any place in a valid one.

Klaviyo's ``allOf`` (a resource, and a partial schema adding attributes to it) is
merged into one schema (:func:`merge_all_of`); its ``oneOf`` is a union, a value of
any branch (the dialect reads it as "at least one"); arrays whose items cannot exist
(recursion cut by :func:`~klaviyo_contract.bundle.inline`) stay empty.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import HypothesisWarning

from ._formats import FORMAT_STRATEGIES

#: Bounds for numbers without their own: JSON interoperable integers (RFC 8259 6).
_LARGEST_SAFE = 2**53 - 1
#: Arrays without maxItems: most short, some as long as Klaviyo's relationship pages.
_LONG_ARRAY = 250
_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_:$"

_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-1000, 1000), st.text(max_size=12))
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


@dataclass
class Node:
    """One schema position: its strategies and the nodes below it."""

    schema: Any
    valid: st.SearchStrategy[Any]
    #: Valid values that are not null (to step into a nullable object or array).
    present: st.SearchStrategy[Any]
    properties: dict[str, Node] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    items: Node | None = None


def _types(schema: dict[str, Any]) -> list[str]:
    kind = schema.get("type")
    if kind is None:
        return []
    return list(kind) if isinstance(kind, list) else [kind]


def _conforms(schema: Any) -> Callable[[Any], bool]:
    import jsonschema_rs

    # jsonschema-rs' built-in formats follow the dialect's rules (tests/engines).
    validator = jsonschema_rs.Draft202012Validator(
        schema, validate_formats=True, ignore_unknown_formats=True
    )
    return validator.is_valid


def _fallback(schema: Any) -> st.SearchStrategy[Any]:
    from hypothesis_jsonschema import from_schema

    with warnings.catch_warnings():
        # Our format strategies replace its standard ones on purpose.
        warnings.simplefilter("ignore", HypothesisWarning)
        return from_schema(schema, custom_formats=dict(FORMAT_STRATEGIES))


def _string(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    fmt = schema.get("format")
    if fmt in FORMAT_STRATEGIES:
        return FORMAT_STRATEGIES[fmt]
    if "pattern" in schema:
        keep = ("pattern", "minLength", "maxLength")
        return _fallback({"type": "string", **{k: schema[k] for k in keep if k in schema}})
    low, high = schema.get("minLength", 0), schema.get("maxLength")
    ceiling = high if high is not None else max(low, 40)
    return st.text(min_size=low, max_size=ceiling)


def _number(schema: dict[str, Any], integer: bool) -> st.SearchStrategy[Any]:
    low = schema.get("minimum", -_LARGEST_SAFE)
    high = schema.get("maximum", _LARGEST_SAFE)
    step = 1 if integer else 0
    if "exclusiveMinimum" in schema:
        low = schema["exclusiveMinimum"] + step
    if "exclusiveMaximum" in schema:
        high = schema["exclusiveMaximum"] - step
    # Counts and totals are small and non-negative in practice: favour those.
    small_low, small_high = max(int(low), 0), min(int(high), 10_000)
    whole = st.integers(int(low), int(high))
    small = st.integers(small_low, small_high) if small_low <= small_high else whole
    if integer:
        return st.one_of(small, whole)
    floats = st.floats(
        low,
        high,
        allow_nan=False,
        allow_infinity=False,
        exclude_min="exclusiveMinimum" in schema,
        exclude_max="exclusiveMaximum" in schema,
    )
    return st.one_of(small, floats)


class Builder:
    """Builds (and remembers) the node of every schema position of one schema."""

    def node(self, schema: Any) -> Node:
        if schema is True or schema == {}:
            return Node(schema, _JSON, _JSON.filter(lambda value: value is not None))
        if schema is False:
            return Node(schema, st.nothing(), st.nothing())
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
            strategy = _fallback(schema)
            return Node(schema, strategy, strategy.filter(lambda value: value is not None))
        for keyword in ("oneOf", "anyOf"):
            if keyword in schema:
                return self._union(schema, keyword)
        types = _types(schema)
        nullable = "null" in types or None in schema.get("enum", ())
        if types == ["null"]:
            return Node(schema, st.none(), st.nothing())
        node = self._present(schema, [kind for kind in types if kind != "null"])
        if nullable:
            # Real queued jobs carry several nulls: make null as likely as a value.
            node.valid = st.one_of(st.none(), node.present)
        return node

    def _union(self, schema: dict[str, Any], keyword: str) -> Node:
        # ``oneOf`` as the dialect reads it: a value of any branch will do, so no
        # filter for "exactly one" (which Klaviyo's overlapping unions never pass).
        rest = {key: value for key, value in schema.items() if key != keyword}
        branches = [
            self.node(_conjoin(rest, branch) if rest else branch) for branch in schema[keyword]
        ]
        strategy = st.one_of([branch.valid for branch in branches])
        return Node(schema, strategy, strategy.filter(lambda value: value is not None))

    def _present(self, schema: dict[str, Any], types: list[str]) -> Node:
        enum = schema.get("enum")
        if enum is not None:
            values = [value for value in enum if value is not None]
            strategy = st.sampled_from(values) if values else st.nothing()
            return Node(schema, strategy, strategy)
        if not types:
            types = [kind for kind in ("object", "array", "string") if _implies(schema, kind)]
        if not types:
            return Node(schema, _JSON, _JSON.filter(lambda value: value is not None))
        nodes = [self._typed(schema, kind) for kind in types]
        if len(nodes) == 1:
            return nodes[0]
        strategy = st.one_of([node.valid for node in nodes])
        merged = Node(schema, strategy, strategy)
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
        strategy: st.SearchStrategy[Any]
        if kind == "string":
            strategy = _string(schema)
        elif kind in ("integer", "number"):
            strategy = _number(schema, integer=kind == "integer")
        elif kind == "boolean":
            strategy = st.booleans()
        else:
            strategy = st.nothing()
        return Node(schema, strategy, strategy)

    def _object(self, schema: dict[str, Any]) -> Node:
        properties = {name: self.node(sub) for name, sub in schema.get("properties", {}).items()}
        required = tuple(name for name in schema.get("required", ()) if name in properties)
        unnamed = [name for name in schema.get("required", ()) if name not in properties]
        fixed = {name: properties[name].valid for name in required}
        fixed.update(dict.fromkeys(unnamed, _JSON))
        optional = {name: node.valid for name, node in properties.items() if name not in required}
        # Klaviyo sends its optional attributes nearly always (null rather than absent):
        # half the examples carry every one, the other half a random subset, which is
        # also where shrinking goes.
        strategy: st.SearchStrategy[Any] = st.fixed_dictionaries(fixed, optional=optional)
        if optional:
            strategy = st.one_of(strategy, st.fixed_dictionaries({**fixed, **optional}))
        low, high = schema.get("minProperties", 0), schema.get("maxProperties")
        if not properties and schema.get("additionalProperties", True) is not False:
            # A free-form map (``maxProperties: 0`` makes it always empty).
            ceiling = max(low, 3) if high is None else high
            strategy = st.dictionaries(
                st.text(alphabet=_ID_ALPHABET, min_size=1, max_size=12),
                _SCALARS,
                min_size=low,
                max_size=ceiling,
            )
        elif low or high is not None:
            strategy = strategy.filter(
                lambda value: low <= len(value) <= (high if high is not None else len(value))
            )
        return Node(schema, strategy, strategy, properties, tuple(schema.get("required", ())))

    def _array(self, schema: dict[str, Any]) -> Node:
        items = self.node(schema.get("items", True))
        low, high = schema.get("minItems", 0), schema.get("maxItems")
        if items.schema is False:
            # Items cut off by bounded recursion: only the empty array fits.
            strategy: st.SearchStrategy[Any] = st.just([]) if low == 0 else st.nothing()
            return Node(schema, strategy, strategy, items=items)
        unique = bool(schema.get("uniqueItems"))
        # Hypothesis' own list sizes average about five; Klaviyo's relationship pages run
        # to hundreds. Nine arrays in ten are short, the rest any length to the bound;
        # sizes shrink to the shortest.
        ceiling = high if high is not None else max(low, _LONG_ARRAY)
        short = min(ceiling, max(low, 3))
        sizes = st.tuples(
            st.integers(0, 9), st.integers(low, short), st.integers(low, ceiling)
        ).map(lambda pick: pick[1] if pick[0] < 9 else pick[2])
        strategy = sizes.flatmap(
            lambda size: st.lists(items.valid, min_size=size, max_size=size, unique_by=_key(unique))
        )
        return Node(schema, strategy, strategy, items=items)


def _key(unique: bool) -> Callable[[Any], Any] | None:
    if not unique:
        return None
    import json

    return lambda value: json.dumps(value, sort_keys=True)


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
