"""Two schema sets or OpenAPI documents -> their structural changes, classified.

The classification is for a *consumer of responses*: code that reads payloads the
schemas describe. A change is **breaking** when a payload valid under the new
schemas can be something the old schemas promised would never arrive (the new set
admits more, or promises less); it is **compatible** when every payload valid under
the new schemas was valid under the old ones too (the new set admits less, or
promises more).

Breaking:
    a schema or route removed; a property removed; a property no longer required;
    a type widened or changed (a new type can arrive, ``integer`` to ``number``
    included) or dropped; a new enum value, or the enum dropped; newly nullable
    (``null`` can arrive); a format removed or changed; a pattern removed or changed;
    a limit relaxed or dropped (``maxLength`` up, ``minItems`` down, ...); a new
    ``oneOf``/``anyOf`` branch, or an ``allOf`` branch removed; additional
    properties allowed again; any other validation keyword removed or changed;
    a route answered by another schema that differs in a breaking way.

Compatible:
    a new schema or route; a new property (optional or required); a property newly
    required; an enum value removed, or an enum added; nullable removed; a type
    narrowed or added; a format, pattern or limit added or tightened; a
    ``oneOf``/``anyOf`` branch removed, or an ``allOf`` branch added; a ref renamed
    to a schema of the same shape.

Ignored entirely: annotations (``description``, ``example``, ``title``,
``default``, ``readOnly``, ``writeOnly``, ``$id``, ``$schema``, ``x-*``).

Refs are followed by name: where both sides refer to the same schema, that schema
is compared once, under its own name, and :attr:`Drift.affected` lists the schemas
and routes that reach it. Where a ref now names another schema (or an inline schema
replaces a ref), the two shapes are compared in place (``ref-renamed`` itself is
compatible), recursion cut on a pair of names already compared. ``oneOf``/``anyOf``/
``allOf`` branches that are bare refs are matched by name, the others by order.

Routes are keyed by method, path template and status. A route whose response is
now another schema is compared structurally under the route's name
(``route-schema-changed``, breaking when any change beneath breaks).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from . import dialect, pointers
from .errors import SchemaSetError

if TYPE_CHECKING:
    from .contract import Contract
    from .registry import SchemaSet
    from .routing import Route

Scope = Literal["schema", "route"]

#: Keywords that never make a payload invalid, OpenAPI's own among them.
IGNORED = dialect.ANNOTATIONS | {"discriminator", "externalDocs", "xml"}
#: Limits that bound a value from above: raising or dropping one admits more.
UPPER_LIMITS = ("maxLength", "maxItems", "maxProperties", "maximum", "exclusiveMaximum")
#: Limits that bound a value from below: lowering or dropping one admits more.
LOWER_LIMITS = ("minLength", "minItems", "minProperties", "minimum", "exclusiveMinimum")
#: Keywords compared by their own rules; any other one is compared by value.
_HANDLED = frozenset(
    {
        "$ref",
        "type",
        "nullable",
        "enum",
        "const",
        "format",
        "pattern",
        "required",
        "properties",
        "additionalProperties",
        "items",
        "uniqueItems",
        "oneOf",
        "anyOf",
        "allOf",
        *UPPER_LIMITS,
        *LOWER_LIMITS,
    }
)
_SHORT = 60


@dataclass(frozen=True)
class Change:
    """One structural change of one schema (or route).

    Attributes:
        subject: the schema's name, or the route (``GET /api/x/{id} 200``).
        location: JSON Pointer of the changed keyword in the subject's schema.
        kind: what changed (``property-removed``, ``enum-value-added``, ...).
        breaking: whether a consumer of responses can break on it.
        old: the old value, short (None where there was none).
        new: the new value, short (None where there is none).
        scope: ``schema`` or ``route``.
    """

    subject: str
    location: str
    kind: str
    breaking: bool
    old: str | None = None
    new: str | None = None
    scope: Scope = "schema"

    def detail(self) -> str:
        """The change without its subject: ``BREAKING   #/required required-removed: id -> -``."""
        label = "BREAKING  " if self.breaking else "compatible"
        values = ""
        if self.old is not None or self.new is not None:
            values = f": {'-' if self.old is None else self.old} -> "
            values += "-" if self.new is None else self.new
        return f"{label} #{self.location} {self.kind}{values}"

    def __str__(self) -> str:
        label, _, rest = self.detail().partition(" #")
        return f"{label} {self.subject}#{rest}"


@dataclass(frozen=True)
class Drift:
    """Every change from one contract to another.

    Attributes:
        old: where the old side was loaded from.
        new: where the new side was loaded from.
        changes: every change, by scope, subject and location.
        affected: changed schema -> the other schemas and the routes that reach it
            through refs (in the new set; in the old one for a removed schema).
    """

    old: str
    new: str
    changes: tuple[Change, ...]
    affected: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def breaking(self) -> tuple[Change, ...]:
        return tuple(change for change in self.changes if change.breaking)

    @property
    def compatible(self) -> tuple[Change, ...]:
        return tuple(change for change in self.changes if not change.breaking)

    def subjects(self) -> tuple[str, ...]:
        """The schemas and routes with a change, in order."""
        return tuple(dict.fromkeys(change.subject for change in self.changes))


def exit_status(drift: Drift) -> int:
    """1 when something breaks a consumer of responses, else 0."""
    return 1 if drift.breaking else 0


def load_side(path: str | Path) -> Contract:
    """One side of a diff: a folder of schema files or an OpenAPI document.

    Raises:
        SchemaSetError: the path is neither, or cannot be loaded.
    """
    from .contract import Contract

    where = Path(path)
    if where.is_dir():
        return Contract.from_directory(where)
    if where.suffix in (".yml", ".yaml", ".json"):
        return Contract.from_openapi(where)
    raise SchemaSetError(
        str(where), "neither a folder of schema files nor an OpenAPI document (.yml, .yaml, .json)"
    )


def compare(old: Contract, new: Contract) -> Drift:
    """The structural changes from ``old`` to ``new``, classified (see the module doc)."""
    return _compare(old.schema_set, new.schema_set, old.routes, new.routes)


def _compare(
    old: SchemaSet, new: SchemaSet, old_routes: tuple[Route, ...], new_routes: tuple[Route, ...]
) -> Drift:
    changes: list[Change] = []
    for name in sorted(old.schemas.keys() | new.schemas.keys()):
        if name not in new.schemas:
            changes.append(Change(name, "", "schema-removed", True, name, None))
        elif name not in old.schemas:
            changes.append(Change(name, "", "schema-added", False, None, name))
        elif old.schemas[name] != new.schemas[name]:
            walk = _Walk(old, new)
            changes.extend(
                Change(name, *found)
                for found in walk.node(old.schemas[name], new.schemas[name], "")
            )
    changes.extend(_route_changes(old, new, old_routes, new_routes))
    changed = {change.subject for change in changes if change.scope == "schema"}
    graphs = (_referrers(old), _referrers(new))
    affected = {
        name: _reach(name, graphs[1], new_routes)
        if name in new.schemas
        else _reach(name, graphs[0], old_routes)
        for name in sorted(changed)
    }
    return Drift(
        old.origin,
        new.origin,
        tuple(sorted(changes, key=lambda c: (c.scope != "schema", c.subject, c.location, c.kind))),
        MappingProxyType({name: reach for name, reach in affected.items() if reach}),
    )


def _route_key(route: Route) -> tuple[str, str, str]:
    return (route.method, route.template, route.status)


def _route_changes(
    old: SchemaSet, new: SchemaSet, old_routes: tuple[Route, ...], new_routes: tuple[Route, ...]
) -> Iterator[Change]:
    before = {_route_key(route): route.schema for route in old_routes}
    after = {_route_key(route): route.schema for route in new_routes}
    for key in sorted(before.keys() | after.keys()):
        subject = " ".join(key)
        if key not in after:
            yield Change(subject, "", "route-removed", True, before[key], None, "route")
        elif key not in before:
            yield Change(subject, "", "route-added", False, None, after[key], "route")
        elif before[key] != after[key]:
            walk = _Walk(old, new)
            walk.pairs.add((before[key], after[key]))
            found = list(walk.node(old.schemas[before[key]], new.schemas[after[key]], ""))
            breaking = any(item[2] for item in found)
            yield Change(
                subject, "", "route-schema-changed", breaking, before[key], after[key], "route"
            )
            for item in found:
                yield Change(subject, *item, scope="route")


def _referrers(schema_set: SchemaSet) -> dict[str, set[str]]:
    """Schema name -> the other schemas whose refs name it."""
    referrers: dict[str, set[str]] = {}
    for source, schema in schema_set.schemas.items():
        for ref, _ in dialect.refs(schema):
            target = dialect.ref_name(ref)
            if target is not None and target != source:
                referrers.setdefault(target, set()).add(source)
    return referrers


def _reach(
    name: str, referrers: Mapping[str, set[str]], routes: tuple[Route, ...]
) -> tuple[str, ...]:
    """The schemas that refer to ``name`` (transitively), then the routes that reach it."""
    seen: set[str] = set()
    todo = [name]
    while todo:
        for source in referrers.get(todo.pop(), ()):
            if source not in seen and source != name:
                seen.add(source)
                todo.append(source)
    reached = seen | {name}
    used = sorted({" ".join(_route_key(route)) for route in routes if route.schema in reached})
    return (*sorted(seen), *used)


#: (location, kind, breaking, old, new): a change before it knows its subject.
Found = tuple[str, str, bool, "str | None", "str | None"]


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return text if len(text) <= _SHORT else text[: _SHORT - 1] + "…"


def _types(node: Mapping[str, Any]) -> frozenset[str] | None:
    """The declared types but ``null`` (None: unconstrained)."""
    kind = node.get("type")
    if kind is None:
        return None
    kinds = kind if isinstance(kind, list) else [kind]
    return frozenset(str(k) for k in kinds) - {"null"}


def _admits_null(node: Mapping[str, Any]) -> bool:
    """Whether the node itself lets ``null`` through where it restricts type or values."""
    kind = node.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    return dialect.admits_null(node) or "null" in kinds or None in node.get("enum", ())


def _as_schema(node: Any) -> Mapping[str, Any]:
    if node is True:
        return {}
    if node is False:
        return {"not": {}}
    return node if isinstance(node, Mapping) else {}


class _Walk:
    """Compares two schemas of two sets, keyword by keyword."""

    def __init__(self, old: SchemaSet, new: SchemaSet) -> None:
        self.old = old
        self.new = new
        #: (old name, new name) pairs being compared through changed refs.
        self.pairs: set[tuple[str, str]] = set()

    def node(self, old_node: Any, new_node: Any, at: str) -> Iterator[Found]:
        old, new = _as_schema(old_node), _as_schema(new_node)
        old_ref = dialect.ref_name(old.get("$ref", "")) if "$ref" in old else None
        new_ref = dialect.ref_name(new.get("$ref", "")) if "$ref" in new else None
        if old_ref != new_ref:
            yield from self._refs(old, new, old_ref, new_ref, at)
            return
        yield from self._null(old, new, at)
        yield from self._type(old, new, at)
        yield from self._values(old, new, at)
        yield from self._limits(old, new, at)
        yield from self._object(old, new, at)
        yield from self._child(old, new, "items", at)
        for keyword in ("oneOf", "anyOf", "allOf"):
            yield from self._branches(old, new, keyword, at)
        yield from self._others(old, new, at)

    def _refs(
        self,
        old: Mapping[str, Any],
        new: Mapping[str, Any],
        old_ref: str | None,
        new_ref: str | None,
        at: str,
    ) -> Iterator[Found]:
        """A ref that names another schema, or a ref in place of an inline schema.

        The two shapes are compared in place. A pair of names is compared once (which
        ends recursion); an inline side is finite, so comparing it ends by itself.
        """
        if old_ref is not None and new_ref is not None:
            yield (f"{at}/$ref", "ref-renamed", False, old_ref, new_ref)
            if (old_ref, new_ref) in self.pairs:
                return
            self.pairs.add((old_ref, new_ref))
        yield from self.node(self._resolved(self.old, old), self._resolved(self.new, new), at)

    @staticmethod
    def _resolved(schema_set: SchemaSet, node: Mapping[str, Any]) -> Mapping[str, Any]:
        name = dialect.ref_name(node.get("$ref", "")) if "$ref" in node else None
        if name is None:
            return node
        siblings = {key: value for key, value in node.items() if key != "$ref"}
        return {**schema_set.schemas[name], **siblings}

    def _null(self, old: Mapping[str, Any], new: Mapping[str, Any], at: str) -> Iterator[Found]:
        before, after = _admits_null(old), _admits_null(new)
        if before != after:
            kind = "nullable-added" if after else "nullable-removed"
            yield (f"{at}/nullable", kind, after, _short(before), _short(after))

    def _type(self, old: Mapping[str, Any], new: Mapping[str, Any], at: str) -> Iterator[Found]:
        before, after = _types(old), _types(new)
        if before == after:
            return
        where = f"{at}/type"
        shown_old = ",".join(sorted(before)) if before is not None else None
        shown_new = ",".join(sorted(after)) if after is not None else None
        if after is None:
            yield (where, "type-removed", True, shown_old, None)
        elif before is None:
            yield (where, "type-added", False, None, shown_new)
        else:
            admitted = before | ({"integer"} if "number" in before else set())
            widened = bool(after - admitted)
            kind = "type-changed" if widened else "type-narrowed"
            yield (where, kind, widened, shown_old, shown_new)

    def _values(self, old: Mapping[str, Any], new: Mapping[str, Any], at: str) -> Iterator[Found]:
        if "enum" in old or "enum" in new:
            where = f"{at}/enum"
            if "enum" not in new:
                yield (where, "enum-removed", True, _short(old["enum"]), None)
            elif "enum" not in old:
                yield (where, "enum-added", False, None, _short(new["enum"]))
            else:
                before = {_short(v): v for v in old["enum"] if v is not None}
                after = {_short(v): v for v in new["enum"] if v is not None}
                for value in sorted(after.keys() - before.keys()):
                    yield (where, "enum-value-added", True, None, value)
                for value in sorted(before.keys() - after.keys()):
                    yield (where, "enum-value-removed", False, value, None)
        for keyword in ("const", "format", "pattern"):
            yield from self._narrowing(old, new, keyword, at)
        if old.get("uniqueItems", False) != new.get("uniqueItems", False):
            unique = bool(new.get("uniqueItems"))
            kind = "unique-items-added" if unique else "unique-items-removed"
            yield (f"{at}/uniqueItems", kind, not unique, _short(not unique), _short(unique))

    @staticmethod
    def _narrowing(
        old: Mapping[str, Any], new: Mapping[str, Any], keyword: str, at: str
    ) -> Iterator[Found]:
        """A keyword that only restricts: added is compatible, removed or changed breaks."""
        if old.get(keyword) == new.get(keyword):
            return
        where = f"{at}/{keyword}"
        if keyword not in old:
            yield (where, f"{keyword}-added", False, None, _short(new[keyword]))
        elif keyword not in new:
            yield (where, f"{keyword}-removed", True, _short(old[keyword]), None)
        else:
            yield (where, f"{keyword}-changed", True, _short(old[keyword]), _short(new[keyword]))

    def _limits(self, old: Mapping[str, Any], new: Mapping[str, Any], at: str) -> Iterator[Found]:
        for keyword in (*UPPER_LIMITS, *LOWER_LIMITS):
            before, after = old.get(keyword), new.get(keyword)
            if before == after:
                continue
            if before is None or after is None:
                relaxed = after is None
            elif keyword in UPPER_LIMITS:
                relaxed = after > before
            else:
                relaxed = after < before
            yield (
                f"{at}/{keyword}",
                "limit-relaxed" if relaxed else "limit-tightened",
                relaxed,
                None if before is None else _short(before),
                None if after is None else _short(after),
            )

    def _object(self, old: Mapping[str, Any], new: Mapping[str, Any], at: str) -> Iterator[Found]:
        required_before = set(old.get("required", ()))
        required_after = set(new.get("required", ()))
        for name in sorted(required_before - required_after):
            yield (f"{at}/required", "required-removed", True, name, None)
        for name in sorted(required_after - required_before):
            yield (f"{at}/required", "required-added", False, None, name)
        before, after = old.get("properties", {}), new.get("properties", {})
        for name in sorted(before.keys() | after.keys(), key=str):
            where = f"{at}/properties/{pointers.escape(name)}"
            if name not in after:
                yield (where, "property-removed", True, name, None)
            elif name not in before:
                shown = "required" if name in required_after else "optional"
                yield (where, "property-added", False, None, shown)
            else:
                yield from self.node(before[name], after[name], where)
        yield from self._child(old, new, "additionalProperties", at)

    def _child(
        self, old: Mapping[str, Any], new: Mapping[str, Any], keyword: str, at: str
    ) -> Iterator[Found]:
        """``items`` or ``additionalProperties``: absent, ``true`` and ``{}`` admit anything."""
        where, name = f"{at}/{keyword}", _kebab(keyword)
        before, after = old.get(keyword, True), new.get(keyword, True)
        if before is False or after is False:
            if before is not after:
                opened = before is False
                kind = f"{name}-allowed" if opened else f"{name}-forbidden"
                yield (where, kind, opened, _short(before), _short(after))
        elif after in (True, {}):
            if before not in (True, {}):
                yield (where, f"{name}-removed", True, _short(before), None)
        elif before in (True, {}):
            yield (where, f"{name}-added", False, None, _short(after))
        else:
            yield from self.node(before, after, where)

    def _branches(
        self, old: Mapping[str, Any], new: Mapping[str, Any], keyword: str, at: str
    ) -> Iterator[Found]:
        """Branches matched by the schema they name, inline ones by order."""
        before, after = old.get(keyword), new.get(keyword)
        where = f"{at}/{keyword}"
        if before is None or after is None:
            # The keyword itself added restricts; removed, it stops restricting.
            if before is not None:
                yield (where, f"{_kebab(keyword)}-removed", True, f"{len(before)} branches", None)
            elif after is not None:
                yield (where, f"{_kebab(keyword)}-added", False, None, f"{len(after)} branches")
            return
        # A new alternative admits more; a new conjunct admits less.
        adding_breaks = keyword != "allOf"
        old_named, old_inline = _split(before)
        new_named, new_inline = _split(after)
        for name in sorted(new_named.keys() - old_named.keys()):
            yield (f"{where}/{new_named[name]}", "branch-added", adding_breaks, None, name)
        for name in sorted(old_named.keys() - new_named.keys()):
            yield (where, "branch-removed", not adding_breaks, name, None)
        for old_index, new_index in zip(old_inline, new_inline, strict=False):
            yield from self.node(before[old_index], after[new_index], f"{where}/{new_index}")
        for new_index in new_inline[len(old_inline) :]:
            yield (f"{where}/{new_index}", "branch-added", adding_breaks, None, "(inline)")
        for old_index in old_inline[len(new_inline) :]:
            yield (where, "branch-removed", not adding_breaks, f"(inline #{old_index})", None)

    def _others(self, old: Mapping[str, Any], new: Mapping[str, Any], at: str) -> Iterator[Found]:
        """Validation keywords without rules of their own: compared by value."""
        for keyword in sorted(old.keys() | new.keys()):
            if keyword in _HANDLED or keyword in IGNORED or keyword.startswith("x-"):
                continue
            before, after = old.get(keyword), new.get(keyword)
            if before == after:
                continue
            where = f"{at}/{pointers.escape(keyword)}"
            if keyword not in old:
                yield (where, "keyword-added", False, None, _short(after))
            elif keyword not in new:
                yield (where, "keyword-removed", True, _short(before), None)
            else:
                yield (where, "keyword-changed", True, _short(before), _short(after))


def _kebab(keyword: str) -> str:
    return "".join("-" + c.lower() if c.isupper() else c for c in keyword)


def _split(branches: Any) -> tuple[dict[str, int], list[int]]:
    """Branches that are a bare ref, by name -> index; the others' indexes."""
    named: dict[str, int] = {}
    inline: list[int] = []
    for index, branch in enumerate(branches if isinstance(branches, list) else []):
        ref = branch.get("$ref") if isinstance(branch, Mapping) else None
        name = dialect.ref_name(ref) if isinstance(ref, str) else None
        if name is not None and name not in named:
            named[name] = index
        else:
            inline.append(index)
    return named, inline
