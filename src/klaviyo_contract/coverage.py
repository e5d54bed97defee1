"""Coverage and drift: what of the contract checked payloads exercised, and what they
sent that the contract does not say.

A :class:`Plan` is compiled once per contract: every schema walked into *locations*
keyed by published JSON Pointer (``#/components/schemas/NAME/properties/...``, as
:attr:`~klaviyo_contract.model.Violation.schema_path`), each location owning integer
slots, and each schema compiled (on first use) into a generated function that walks
a payload guided by it. A :class:`Coverage` holds the counts of one run (or one part
of it): a flat list of integers and a few bounded dictionaries, so it pickles small
and merges by addition, and its JSON is the same whatever order parts are merged in.

What counts as an item, and why, is in ``docs/coverage.md``.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import re
import weakref
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final

from . import dialect, pointers
from .errors import UsageError

if TYPE_CHECKING:
    from .contract import Contract
    from .model import Exchange, Source
    from .registry import SchemaSet
    from .routing import Route

#: Version of the JSON model :meth:`Coverage.to_dict` returns.
FORMAT_VERSION: Final = 1
#: Examples kept per drift item: the first by (file, line, entry, instance path).
EXAMPLES: Final = 5
#: Distinct property names (or values) kept per drift location: the smallest, so that
#: merging is exact for those reported; totals stay exact for all.
DISTINCT: Final = 50
#: Length of a value outside an enum as reported (longer ones are cut).
VALUE_CHARS: Final = 80

#: (value, counts, drift hits, instance path as a linked tuple) -> None.
Walk = Callable[[Any, list[int], list[Any], Any], None]
#: value -> whether it fits a branch's shape (type, enum, const, required keys).
Fits = Callable[[Any], bool]

_JSON_TYPES: Final[dict[type, str]] = {
    dict: "object",
    list: "array",
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    type(None): "null",
}
_MISSING: Final = object()
_SCHEMAS = dialect.REF_PREFIX


def _type_fits(value: Any, types: frozenset[str]) -> bool:
    kind = _JSON_TYPES.get(type(value))
    if kind is None:
        kind = "object" if isinstance(value, Mapping) else "array"
    if kind in types:
        return True
    if kind == "integer":
        return "number" in types
    return kind == "number" and "integer" in types and float(value).is_integer()


def _types(schema: Mapping[str, Any]) -> frozenset[str] | None:
    kind = schema.get("type")
    if isinstance(kind, str):
        return frozenset({kind})
    if isinstance(kind, list):
        return frozenset(k for k in kind if isinstance(k, str))
    return None


def _enum_key(value: Any) -> Any:
    """A hashable key for an enum value that tells ``True`` from ``1``."""
    if isinstance(value, (dict, list)):
        return ("json", json.dumps(value, sort_keys=True))
    return (type(value).__name__ if isinstance(value, bool) else "", value)


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= VALUE_CHARS else text[: VALUE_CHARS - 1] + "…"


def _instance_path(at: Any) -> str:
    parts: list[str | int] = []
    while at is not None:
        at, key = at
        parts.append(key)
    parts.reverse()
    return pointers.pointer(parts)


def _natural(text: str) -> tuple[tuple[int, int, str], ...]:
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in re.split(r"(\d+)", text)
        if part
    )


def _example(source: Source | None, instance_path: str) -> dict[str, Any]:
    return {
        "file": None if source is None else source.path,
        "line": None if source is None else source.line,
        "entry": None if source is None else source.entry,
        "instance_path": instance_path,
    }


class Location:
    """One schema location and its slots: what the JSON lists under it."""

    __slots__ = (
        "absent",
        "array",
        "branches",
        "enum",
        "format",
        "holder",
        "null",
        "null_drift",
        "objects",
        "pointer",
        "required",
        "schema",
    )

    def __init__(self, pointer: str, schema: str) -> None:
        self.pointer = pointer
        self.schema = schema
        #: For a property: the slot counting the objects that could hold it, its absences,
        #: and its nulls where null breaks it. Present = objects - absent - null - those.
        self.holder: int | None = None
        self.absent: int | None = None
        self.null_drift: int | None = None
        self.required = False
        #: For an object schema that names properties: the objects seen here.
        self.objects: int | None = None
        self.null: int | None = None
        #: (value as published, slot) in schema order.
        self.enum: list[tuple[Any, int]] = []
        #: (keyword, [slot per branch]).
        self.branches: list[tuple[str, list[int]]] = []
        #: (label, slot) of the array lengths this location admits.
        self.array: list[tuple[str, int]] = []
        self.format: str | None = None

    def present(self, counts: list[int]) -> int:
        """How often the property held a value (other than a null counted apart)."""
        if self.holder is None or self.absent is None:
            return 0
        number = counts[self.holder] - counts[self.absent]
        for slot in (self.null, self.null_drift):
            if slot is not None:
                number -= counts[slot]
        return number

    def items(self, counts: list[int]) -> list[int]:
        """How often each coverage item was seen (see docs/coverage.md)."""
        seen = []
        if self.holder is not None:
            seen.append(self.present(counts))
            if self.absent is not None and not self.required:
                seen.append(counts[self.absent])
        if self.null is not None:
            seen.append(counts[self.null])
        seen += [counts[slot] for _, slot in self.enum]
        seen += [counts[slot] for _, branch in self.branches for slot in branch]
        seen += [counts[slot] for _, slot in self.array]
        return seen


class _RouteItems:
    """The documented statuses of one (method, path template)."""

    __slots__ = ("method", "route", "statuses", "template")

    def __init__(self, route: Route) -> None:
        self.route = route
        self.method = route.method
        self.template = route.template
        #: (status as documented: "200", "4XX", "DEFAULT"; slot).
        self.statuses: list[tuple[str, int]] = []

    def best(self, status: int) -> tuple[str, int] | None:
        code = str(status)
        ranked = [
            (
                0 if documented == code else 1 if documented == code[0] + "XX" else 2,
                documented,
                slot,
            )
            for documented, slot in self.statuses
            if documented in (code, code[0] + "XX", "DEFAULT")
        ]
        if not ranked:
            return None
        _, documented, slot = min(ranked)
        return documented, slot


class Plan:
    """A contract compiled for counting: locations, slots, and one walker per schema.

    Build it once per contract (:meth:`of`); it is shared by every :class:`Coverage`
    of that contract and never changes.
    """

    def __init__(self, schema_set: SchemaSet, routes: Iterable[Route] = ()) -> None:
        self.schema_set = schema_set
        self.routes = tuple(routes)
        self.fingerprint = hashlib.sha256(
            json.dumps(
                [dict(schema_set.schemas), [str(route) for route in self.routes]],
                sort_keys=True,
                default=str,
            ).encode()
        ).hexdigest()[:16]
        self.slots = 0
        self.locations: dict[str, Location] = {}
        #: schema name -> slot counting the payloads checked against it at its root.
        self.roots: dict[str, int] = {}
        #: pointer -> whether null breaks the schema there (drift when seen).
        self.excludes_null: dict[str, bool] = {}
        #: pointer of a oneOf/anyOf branch -> its shape test.
        self.fits: dict[str, Fits] = {}
        self._recursive: dict[str, bool] = {}
        self._small: dict[str, bool] = {}
        for name in schema_set.names():
            self.roots[name] = self._slot()
        for name in schema_set.names():
            self._allocate(schema_set.schemas[name], _SCHEMAS + name, name)
        #: schema name -> its walker, generated on first use.
        self.walkers: dict[str, Walk] = _Walkers(self)
        self.route_items: list[_RouteItems] = []
        by_key: dict[tuple[str, str], _RouteItems] = {}
        for route in sorted(self.routes, key=lambda r: (r.template, r.method)):
            key = (route.method, route.template)
            if key not in by_key:
                by_key[key] = _RouteItems(route)
                self.route_items.append(by_key[key])
            if all(route.status != status for status, _ in by_key[key].statuses):
                by_key[key].statuses.append((route.status, self._slot()))

    @classmethod
    def of(cls, contract: Contract) -> Plan:
        """The plan of a contract's schemas and routes, compiled once per contract."""
        plan = _BY_CONTRACT.get(contract)
        if plan is None:
            plan = _BY_CONTRACT[contract] = cls(contract.schema_set, contract.routes)
        return plan

    # -- compiling ------------------------------------------------------------------

    def _slot(self) -> int:
        self.slots += 1
        return self.slots - 1

    def _location(self, pointer: str, schema: str) -> Location:
        location = self.locations.get(pointer)
        if location is None:
            location = self.locations[pointer] = Location(pointer, schema)
        return location

    def _resolve(self, schema: Any) -> Any:
        seen: set[str] = set()
        while isinstance(schema, Mapping) and isinstance(schema.get("$ref"), str):
            name = dialect.ref_name(schema["$ref"])
            if name is None or name in seen:
                return {}
            seen.add(name)
            schema = self.schema_set.schemas[name]
        return schema

    def _admits_null(self, schema: Any, seen: frozenset[str] = frozenset()) -> bool:
        """Whether ``null`` passes ``schema`` in the dialect (nullable, type, enum, refs)."""
        if not isinstance(schema, Mapping):
            return schema is not False
        if dialect.admits_null(schema):
            return True
        types = _types(schema)
        if types is not None and "null" not in types:
            return False
        if "enum" in schema and None not in schema["enum"]:
            return False
        if "const" in schema and schema["const"] is not None:
            return False
        ref = schema.get("$ref")
        if isinstance(ref, str):
            name = dialect.ref_name(ref)
            if (
                name is not None
                and name not in seen
                and not self._admits_null(self.schema_set.schemas[name], seen | {name})
            ):
                return False
        if not all(self._admits_null(branch, seen) for branch in schema.get("allOf", [])):
            return False
        for keyword in ("anyOf", "oneOf"):
            branches = schema.get(keyword)
            if isinstance(branches, list) and not any(
                self._admits_null(branch, seen) for branch in branches
            ):
                return False
        return True

    def named(self, schema: Any, seen: frozenset[str] = frozenset()) -> frozenset[str]:
        """The property names a schema and its ``allOf`` branches (through refs) name."""
        if not isinstance(schema, Mapping):
            return frozenset()
        names = set(schema.get("properties") or ())
        ref = schema.get("$ref")
        if isinstance(ref, str):
            name = dialect.ref_name(ref)
            if name is not None and name not in seen:
                names |= self.named(self.schema_set.schemas[name], seen | {name})
        for branch in schema.get("allOf", []):
            names |= self.named(branch, seen)
        return frozenset(names)

    def _allocate(self, schema: Any, pointer: str, owner: str) -> None:
        """Give the locations of one schema node (and those below it) their slots."""
        if not isinstance(schema, Mapping):
            return
        self.excludes_null[pointer] = not self._admits_null(schema)
        if dialect.admits_null(schema):
            self._location(pointer, owner).null = self._slot()
        properties = schema.get("properties")
        if isinstance(properties, Mapping):
            holder = self._location(pointer, owner).objects = self._slot()
            required = set(schema.get("required") or ())
            for name, subschema in properties.items():
                at = f"{pointer}/properties/{pointers.escape(name)}"
                location = self._location(at, owner)
                location.holder, location.absent = holder, self._slot()
                location.required = name in required
                self._allocate(subschema, at, owner)
                if self.excludes_null.get(at, False):
                    location.null_drift = self._slot()
        if isinstance(schema.get("additionalProperties"), Mapping):
            self._allocate(schema["additionalProperties"], f"{pointer}/additionalProperties", owner)
        enum = schema.get("enum")
        if isinstance(enum, list):
            location = self._location(pointer, owner)
            keys: set[Any] = set()
            for value in enum:
                key = _enum_key(value)
                if (value is None and location.null is not None) or key in keys:
                    continue
                keys.add(key)
                location.enum.append((value, self._slot()))
        for keyword in ("anyOf", "oneOf"):
            branches = schema.get(keyword)
            if isinstance(branches, list) and branches:
                slots = []
                for index, branch in enumerate(branches):
                    slots.append(self._slot())
                    self.fits[f"{pointer}/{keyword}/{index}"] = self._fits(branch)
                    self._allocate(branch, f"{pointer}/{keyword}/{index}", owner)
                self._location(pointer, owner).branches.append((keyword, slots))
        for index, branch in enumerate(schema.get("allOf", [])):
            self._allocate(branch, f"{pointer}/allOf/{index}", owner)
        items = schema.get("items")
        types = _types(schema)
        if isinstance(items, Mapping) or (types is not None and "array" in types):
            location = self._location(pointer, owner)
            location.array = [(label, self._slot()) for label in _lengths(schema)]
            if isinstance(items, Mapping):
                self._allocate(items, f"{pointer}/items", owner)
        fmt = schema.get("format")
        if isinstance(fmt, str):
            self._location(pointer, owner).format = fmt

    def small(self, name: str) -> bool:
        """Whether schema ``name`` is small enough to inline into the walkers that use
        it (an enum, a links object): inlining large ones multiplies the generated code
        by every place they are used, and a catalogue's documents use many."""
        found = self._small.get(name)
        if found is None:
            nodes = dialect.subschemas(self.schema_set.schemas[name])
            found = self._small[name] = (
                sum(1 for _ in itertools.islice(nodes, INLINE_NODES + 1)) <= INLINE_NODES
            )
        return found

    def recursive(self, name: str) -> bool:
        """Whether schema ``name`` refers back to itself (directly or through others)."""
        found = self._recursive.get(name)
        if found is None:
            seen: set[str] = set()
            todo = [name]
            found = False
            while todo and not found:
                for ref, _ in dialect.refs(self.schema_set.schemas[todo.pop()]):
                    target = dialect.ref_name(ref)
                    if target == name:
                        found = True
                    elif target is not None and target not in seen:
                        seen.add(target)
                        todo.append(target)
            self._recursive[name] = found
        return found

    def unnamed_check(
        self, schema: Mapping[str, Any], inherited: frozenset[str] | None
    ) -> frozenset[str] | None:
        """The names an object may hold without drift, or None where this node does not
        report unnamed properties (an ``allOf`` branch, ``additionalProperties``)."""
        additional = schema.get("additionalProperties")
        if (
            inherited is None
            or "patternProperties" in schema
            or isinstance(additional, Mapping)
            or additional is True
        ):
            return None
        return frozenset(schema.get("properties") or ()) | self.named(schema) | inherited

    def _fits(self, schema: Any, depth: int = 0) -> Fits:
        """A cheap test of whether a value takes a branch: its type, enum or const,
        required names, and the same of its named properties one level down."""
        schema = self._resolve(schema)
        if depth > 4:  # a recursive union: its shape is known well enough by now
            return _always
        if not isinstance(schema, Mapping):
            return _always if schema is not False else _never
        nullable = dialect.admits_null(schema)
        types = _types(schema)
        if types is not None and nullable:
            types = types | {"null"}
        enum = schema.get("enum")
        keys = (
            frozenset(_enum_key(v) for v in enum) | ({_enum_key(None)} if nullable else set())
            if isinstance(enum, list)
            else None
        )
        has_const, const = "const" in schema, schema.get("const")
        required = tuple(r for r in schema.get("required") or () if isinstance(r, str))
        nested: tuple[tuple[str, Fits], ...] = ()
        if depth == 0 and isinstance(schema.get("properties"), Mapping):
            nested = tuple((name, self._fits(sub, 1)) for name, sub in schema["properties"].items())
        every = tuple(self._fits(branch, depth + 1) for branch in schema.get("allOf", []))
        some = tuple(
            tuple(self._fits(branch, depth + 1) for branch in schema[keyword])
            for keyword in ("anyOf", "oneOf")
            if isinstance(schema.get(keyword), list)
        )

        def fits(value: Any) -> bool:
            if value is None and nullable:
                return True
            if types is not None and not _type_fits(value, types):
                return False
            if keys is not None:
                try:
                    if _enum_key(value) not in keys:
                        return False
                except TypeError:
                    return False
            if has_const and value != const:
                return False
            if isinstance(value, Mapping):
                if any(name not in value for name in required):
                    return False
                for name, test in nested:
                    if name in value and not test(value[name]):
                        return False
            if not all(test(value) for test in every):
                return False
            return all(any(test(value) for test in group) for group in some)

        return fits

    # -- reading --------------------------------------------------------------------

    def route_of(self, exchange: Exchange) -> tuple[_RouteItems, tuple[str, int] | None] | None:
        """The (method, template) an exchange answers, and its documented status."""
        method, path = exchange.method.upper(), exchange.path
        best: tuple[int, _RouteItems] | None = None
        for items in self.route_items:
            if items.method != method:
                continue
            if items.route.matches_path(path):
                rank = items.template.count("{")
                if best is None or rank < best[0]:
                    best = (rank, items)
        if best is None:
            return None
        return best[1], best[1].best(exchange.status)


def _always(value: Any) -> bool:
    return True


def _never(value: Any) -> bool:
    return False


def _lengths(schema: Mapping[str, Any]) -> list[str]:
    low = schema.get("minItems", 0)
    high = schema.get("maxItems")
    lengths = []
    for label, size, upper in (("empty", 0, 0), ("one", 1, 1), ("many", 2, None)):
        if (upper is None or upper >= low) and (high is None or size <= high):
            lengths.append(label)
    return lengths


#: Refs are inlined into the walker of the schema that uses them, this deep at most,
#: when their target has at most INLINE_NODES schema objects; others are called.
INLINE_DEPTH: Final = 8
INLINE_NODES: Final = 16
#: Payload levels one generated function goes down before it calls another: Python
#: allows 20 nested loop blocks and 100 indentation levels in one function.
NEST_LIMIT: Final = 12


class _Walkers(dict[str, Walk]):
    """Schema name -> walker, generated the first time a payload needs it."""

    def __init__(self, plan: Plan) -> None:
        super().__init__()
        self.plan = plan

    def __missing__(self, name: str) -> Walk:
        if name not in self.plan.roots:
            raise KeyError(name)
        walk = self[name] = _Generator(self.plan, self).walker(name)
        return walk


class _Generator:
    """Writes the walker of one schema as Python source, then compiles it.

    The walk of a payload is the hot path of coverage: generated straight-line code
    (a ``dict.get`` and a list increment per property, no call per node, instance
    paths built only when drift is found) counts about 3.5 times faster than a tree
    of closures (see ``benchmarks/coverage.py``). Refs to schemas that do not recur
    are inlined; recursive ones call their own walker.
    """

    def __init__(self, plan: Plan, walkers: dict[str, Walk]) -> None:
        self.plan = plan
        self.names: dict[str, Any] = {
            "W": walkers,
            "M": _MISSING,
            "_enum_key": _enum_key,
            "_shown": _shown,
        }
        self.serial = 0

    def fresh(self, prefix: str) -> str:
        self.serial += 1
        return f"{prefix}{self.serial}"

    def const(self, value: Any, prefix: str = "k") -> str:
        name = self.fresh(prefix)
        self.names[name] = value
        return name

    def walker(self, name: str) -> Walk:
        schema = self.plan.schema_set.schemas[name]
        return self.function(schema, _SCHEMAS + name, frozenset(), (name,))

    def function(
        self, schema: Any, pointer: str, inherited: frozenset[str] | None, stack: tuple[str, ...]
    ) -> Walk:
        """The compiled walker of one schema node: its value ``v``, at path ``at``."""
        body = self.node(schema, pointer, "v", "at", inherited, stack)
        name = self.fresh("walk")
        lines = "".join(f"    {line}\n" for line in body or ["pass"])
        code = compile(f"def {name}(v, c, h, at):\n{lines}", f"<walker of {pointer}>", "exec")
        exec(code, self.names)
        walk: Walk = self.names.pop(name)
        return walk

    def node(  # noqa: PLR0917 - one recursion threads the place through
        self,
        schema: Any,
        pointer: str,
        x: str,
        at: str,
        inherited: frozenset[str] | None,
        stack: tuple[str, ...],
    ) -> list[str]:
        """Lines counting value ``x`` at ``pointer``."""
        if at.count("(") >= NEST_LIMIT:  # deep: a function of its own keeps blocks few
            function = self.function(schema, pointer, inherited, stack)
            return [f"{self.const(function, 'deeper')}({x}, c, h, {at})"]
        on_null = self.on_null(schema, pointer, x, at)
        steps = self.steps(schema, pointer, x, at, inherited, stack, on_null is not None)
        if on_null is None:
            return steps
        if not steps:
            return [f"if {x} is None:", *_indent(on_null)]
        return [f"if {x} is None:", *_indent(on_null), "else:", *_indent(steps)]

    def on_null(self, schema: Any, pointer: str, x: str, at: str) -> list[str] | None:
        """Lines for a null at ``pointer``, or None where null goes on to the steps (a
        schema that admits null by its branches or refs)."""
        location = self.plan.locations.get(pointer)
        if location is not None and location.null is not None:
            return [f"c[{location.null}] += 1"]
        if not isinstance(schema, Mapping) or not self.plan.excludes_null.get(pointer, False):
            return None
        lines = [f"h.append(({self.const(('null', pointer, ''))}, {at}))"]
        if location is not None and location.null_drift is not None:
            lines.append(f"c[{location.null_drift}] += 1")
        return lines

    def steps(  # noqa: PLR0917 - one recursion threads the place through
        self,
        schema: Any,
        pointer: str,
        x: str,
        at: str,
        inherited: frozenset[str] | None,
        stack: tuple[str, ...],
        not_null: bool,
    ) -> list[str]:
        """Lines counting ``x`` at ``pointer``; ``not_null`` where ``x`` cannot be null
        there (a null was handled before), so no null test is written again."""
        if not isinstance(schema, Mapping):
            return []
        plan, lines = self.plan, []
        location = plan.locations.get(pointer)
        ref = schema.get("$ref")
        if isinstance(ref, str) and (target := dialect.ref_name(ref)) is not None:
            if (
                target in stack
                or len(stack) >= INLINE_DEPTH
                or plan.recursive(target)
                or not plan.small(target)
            ):
                lines.append(f"W[{target!r}]({x}, c, h, {at})")
            else:
                target_schema = plan.schema_set.schemas[target]
                where = _SCHEMAS + target
                if not_null:
                    lines += self.steps(
                        target_schema, where, x, at, frozenset(), (*stack, target), True
                    )
                else:
                    lines += self.node(target_schema, where, x, at, frozenset(), (*stack, target))
        properties = schema.get("properties")
        additional = schema.get("additionalProperties")
        if isinstance(properties, Mapping):
            lines += self.properties(schema, properties, pointer, x, at, inherited, stack)
        elif isinstance(additional, Mapping):
            key, value = self.fresh("key"), self.fresh("value")
            where = f"{pointer}/additionalProperties"
            inner = self.node(additional, where, value, f"({at}, {key})", None, stack)
            if inner:
                lines += [
                    f"if type({x}) is dict:",
                    f"    for {key}, {value} in {x}.items():",
                    *_indent(inner, 2),
                ]
        elif "allOf" in schema:  # properties named by the branches: checked here, once
            named = plan.unnamed_check(schema, inherited)
            if named:
                key = self.fresh("key")
                lines += [
                    f"if type({x}) is dict:",
                    f"    for {key} in {x}:",
                    f"        if {key} not in {self.const(named, 'named')}:",
                    f'            h.append((("unnamed", {pointer!r}, {key}), ({at}, {key})))',
                ]
        if location is not None and location.enum:
            lines += self.enum(location, pointer, x, at)
        for keyword, slots in location.branches if location is not None else ():
            names = (inherited or frozenset()) | plan.named(schema)
            for index, (branch, slot) in enumerate(zip(schema[keyword], slots, strict=True)):
                where = f"{pointer}/{keyword}/{index}"
                inner = (
                    self.steps(branch, where, x, at, names, stack, True)
                    if not_null
                    else self.node(branch, where, x, at, names, stack)
                )
                lines += [
                    f"if {self.const(plan.fits[where], 'fits')}({x}):",
                    f"    c[{slot}] += 1",
                    *_indent(inner),
                ]
        for index, branch in enumerate(schema.get("allOf", [])):
            where = f"{pointer}/allOf/{index}"
            if not_null:
                lines += self.steps(branch, where, x, at, None, stack, True)
            else:
                lines += self.node(branch, where, x, at, None, stack)
        if location is not None and location.array:
            lines += self.array(schema, location, pointer, x, at, stack)
        return lines

    def enum(self, location: Location, pointer: str, x: str, at: str) -> list[str]:
        # Strings take the fast lookup; KeyError (outside, or a number that is no
        # string key) and TypeError (an object or array) take the exact one.
        strings = {v: slot for v, slot in location.enum if type(v) is str}
        others = {_enum_key(v): slot for v, slot in location.enum}
        slot = self.fresh("slot")
        return [
            "try:",
            f"    c[{self.const(strings, 'strings')}[{x}]] += 1",
            "except (KeyError, TypeError):",
            f"    {slot} = None if type({x}) is str else "
            f"{self.const(others, 'others')}.get(_enum_key({x}))",
            f"    if {slot} is None:",
            f'        h.append((("enum", {pointer!r}, _shown({x})), {at}))',
            "    else:",
            f"        c[{slot}] += 1",
        ]

    def array(  # noqa: PLR0917 - one recursion threads the place through
        self,
        schema: Mapping[str, Any],
        location: Location,
        pointer: str,
        x: str,
        at: str,
        stack: tuple[str, ...],
    ) -> list[str]:
        slot_of = dict(location.array)
        size, index = self.fresh("size"), self.fresh("index")
        cases = [
            (f"{size} == 0", slot_of.get("empty")),
            (f"{size} == 1", slot_of.get("one")),
            (None, slot_of.get("many")),
        ]
        lines = [f"if type({x}) is list:", f"    {size} = len({x})"]
        tests = [(test, slot) for test, slot in cases if slot is not None]
        for number, (test, slot) in enumerate(tests):
            last = number == len(tests) - 1 and number > 0
            if test is None or last:
                lines.append("    else:" if number else "    if True:")
            else:
                lines.append(f"    {'if' if number == 0 else 'elif'} {test}:")
            lines.append(f"        c[{slot}] += 1")
        items = schema.get("items")
        if isinstance(items, Mapping):
            item = self.fresh("item")
            where = f"{pointer}/items"
            inner = self.node(items, where, item, f"({at}, {index})", frozenset(), stack)
            if inner:
                lines += [f"    for {index}, {item} in enumerate({x}):", *_indent(inner, 2)]
        return lines

    def properties(  # noqa: PLR0917 - one recursion threads the place through
        self,
        schema: Mapping[str, Any],
        properties: Mapping[str, Any],
        pointer: str,
        x: str,
        at: str,
        inherited: frozenset[str] | None,
        stack: tuple[str, ...],
    ) -> list[str]:
        plan = self.plan
        missing = self.fresh("missing")
        body = [f"c[{plan.locations[pointer].objects}] += 1", f"{missing} = 0"]
        for name, subschema in properties.items():
            where = f"{pointer}/properties/{pointers.escape(name)}"
            location = plan.locations[where]
            value, path = self.fresh("value"), f"({at}, {name!r})"
            on_null = self.on_null(subschema, where, value, path)
            steps = self.steps(
                subschema, where, value, path, frozenset(), stack, on_null is not None
            )
            if on_null is None and not steps:  # the value matters not, only whether it is
                body += [
                    f"if {name!r} not in {x}:",
                    f"    c[{location.absent}] += 1",
                    f"    {missing} += 1",
                ]
                continue
            body += [
                f"{value} = {x}.get({name!r}, M)",
                f"if {value} is M:",
                f"    c[{location.absent}] += 1",
                f"    {missing} += 1",
            ]
            if on_null is not None:
                body += [f"elif {value} is None:", *_indent(on_null)]
            if steps:
                body += ["else:", *_indent(steps)]
        named = plan.unnamed_check(schema, inherited)
        additional = schema.get("additionalProperties")
        tail: list[str] = []
        key = self.fresh("key")
        if named is not None:
            tail += [
                f"for {key} in {x}:",
                f"    if {key} not in {self.const(named, 'named')}:",
                f'        h.append((("unnamed", {pointer!r}, {key}), ({at}, {key})))',
            ]
        elif isinstance(additional, Mapping):
            value = self.fresh("value")
            where = f"{pointer}/additionalProperties"
            inner = self.node(additional, where, value, f"({at}, {key})", None, stack)
            if inner:
                tail += [
                    f"for {key}, {value} in {x}.items():",
                    f"    if {key} not in {self.const(frozenset(properties), 'named')}:",
                    *_indent(inner, 2),
                ]
        if tail:
            body += [f"if len({x}) + {missing} > {len(properties)}:", *_indent(tail)]
        return [f"if type({x}) is dict:", *_indent(body)]


def _indent(lines: list[str], levels: int = 1) -> list[str]:
    pad = "    " * levels
    return [pad + line for line in lines]


class _Drift:
    """Counts and first examples of drift items, bounded per location."""

    __slots__ = ("counts", "examples", "totals")

    def __init__(self) -> None:
        #: (kind, pointer) -> occurrences of every item there, kept or not.
        self.totals: dict[tuple[str, str], int] = {}
        #: (kind, pointer) -> detail (property name, value; "" for null) -> occurrences.
        #: Past 2 * DISTINCT details a location keeps its DISTINCT smallest: those
        #: every part keeps too, so merging stays exact for what is reported.
        self.counts: dict[tuple[str, str], dict[str, int]] = {}
        #: (kind, pointer, detail) -> [(order key, example)], the EXAMPLES first, sorted.
        self.examples: dict[tuple[str, str, str], list[tuple[Any, dict[str, Any]]]] = {}

    def count(self, place: tuple[str, str], detail: str, number: int = 1) -> bool:
        """Count one item; whether it is kept (its examples are worth taking)."""
        self.totals[place] = self.totals.get(place, 0) + number
        details = self.counts.get(place)
        if details is None:
            details = self.counts[place] = {}
        if detail in details:
            details[detail] += number
            return True
        details[detail] = number
        if len(details) > 2 * DISTINCT:
            for dropped in sorted(details)[DISTINCT:]:
                del details[dropped]
                self.examples.pop((*place, dropped), None)
        return detail in details

    def wants(self, key: tuple[str, str, str], order: tuple[Any, ...]) -> bool:
        kept = self.examples.get(key)
        return kept is None or len(kept) < EXAMPLES or order < kept[-1][0]

    def example(
        self, key: tuple[str, str, str], order: tuple[Any, ...], example: dict[str, Any]
    ) -> None:
        kept = self.examples.setdefault(key, [])
        if len(kept) >= EXAMPLES and order >= kept[-1][0]:
            return
        if any(existing == order for existing, _ in kept):
            return
        kept.append((order, example))
        kept.sort(key=lambda pair: pair[0])
        del kept[EXAMPLES:]

    def merge(self, other: _Drift) -> None:
        for place, number in other.totals.items():
            self.totals[place] = self.totals.get(place, 0) + number
        for place, details in other.counts.items():
            for detail, number in details.items():
                self.totals[place] -= number  # count() adds it again
                if self.count(place, detail, number):
                    for order, example in other.examples.get((*place, detail), []):
                        self.example((*place, detail), order, example)


class Coverage:
    """The coverage counts of a run, or of one part of it.

    Add every checked payload (conforming or not) with :meth:`add`; merge parts with
    :meth:`merge`; read the model with :meth:`to_dict`. A Coverage pickles as its
    plan's schemas, routes and counts; :meth:`state` and :meth:`from_state` give a
    JSON-safe form for channels that carry only JSON (pytest-xdist's workeroutput).
    """

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.counts = [0] * plan.slots
        self.payloads = 0
        #: Exchanges whose method and path no route has.
        self.unrouted = 0
        #: (method, template, status) -> count, for statuses the route does not document;
        #: (method, template, documented, code) -> count, the codes under a range.
        self.statuses: dict[tuple[str, ...], int] = {}
        self.drift = _Drift()

    @classmethod
    def of(cls, contract: Contract) -> Coverage:
        """An empty Coverage of ``contract`` (compiling its plan)."""
        return cls(Plan.of(contract))

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (self.plan.schema_set, self.plan.routes, self.state()))

    # -- counting -------------------------------------------------------------------

    def add(
        self,
        payload: Any,
        name: str,
        *,
        source: Source | None = None,
        exchange: Exchange | None = None,
    ) -> None:
        """Count one checked payload.

        Args:
            payload: the parsed JSON value (objects as ``dict``, arrays as ``list``,
                as ``json`` and ``orjson`` give them).
            name: the schema it was checked against (routed or given).
            source: where it came from, for drift examples.
            exchange: the request it answered, for route and status coverage.

        Raises:
            KeyError: ``name`` is not a schema of the plan.
        """
        walk = self.plan.walkers[name]
        counts = self.counts
        counts[self.plan.roots[name]] += 1
        self.payloads += 1
        if exchange is not None:
            self._count_exchange(exchange)
        hits: list[Any] = []
        # A recursive schema followed past Python's limit stops the walk there (the
        # engines report such a payload as too deep); what was walked stays counted.
        with contextlib.suppress(RecursionError):
            walk(payload, counts, hits, None)
        if hits:
            self._count_drift(hits, source)

    def _count_exchange(self, exchange: Exchange) -> None:
        found = self.plan.route_of(exchange)
        if found is None:
            self.unrouted += 1
            return
        route, documented = found
        if documented is None:
            key: tuple[str, ...] = (route.method, route.template, str(exchange.status))
        else:
            self.counts[documented[1]] += 1
            key = (route.method, route.template, documented[0], str(exchange.status))
        self.statuses[key] = self.statuses.get(key, 0) + 1

    def _count_drift(self, hits: list[Any], source: Source | None) -> None:
        drift = self.drift
        for key, at in hits:
            if drift.count((key[0], key[1]), key[2]):
                example = _example(source, _instance_path(at))
                order = _example_key(example)
                if drift.wants(key, order):
                    drift.example(key, order, example)

    def merge(self, other: Coverage) -> Coverage:
        """Add ``other``'s counts to this one (in place; returns self).

        Raises:
            UsageError: ``other`` counts another contract.
        """
        if other.plan.fingerprint != self.plan.fingerprint:
            raise UsageError("cannot merge coverage of two different contracts")
        counts = self.counts
        for index, number in enumerate(other.counts):
            if number:
                counts[index] += number
        self.payloads += other.payloads
        self.unrouted += other.unrouted
        for key, number in other.statuses.items():
            self.statuses[key] = self.statuses.get(key, 0) + number
        self.drift.merge(other.drift)
        return self

    @classmethod
    def merged(cls, plan: Plan, parts: Iterable[Coverage]) -> Coverage:
        """One Coverage of several parts, in any order: the JSON is the same."""
        total = cls(plan)
        for part in parts:
            total.merge(part)
        return total

    # -- the state, for transport ---------------------------------------------------

    def state(self) -> dict[str, Any]:
        """The counts as JSON-safe data (lists, strings, numbers)."""
        drift = self.drift
        return {
            "fingerprint": self.plan.fingerprint,
            "counts": {str(i): n for i, n in enumerate(self.counts) if n},
            "payloads": self.payloads,
            "unrouted": self.unrouted,
            "statuses": [[*key, n] for key, n in sorted(self.statuses.items())],
            "drift_totals": [[*key, n] for key, n in sorted(drift.totals.items())],
            "drift_counts": [
                [*place, detail, n]
                for place, details in sorted(drift.counts.items())
                for detail, n in sorted(details.items())
            ],
            "drift_examples": [
                [list(key), [example for _, example in kept]]
                for key, kept in sorted(drift.examples.items())
            ],
        }

    @classmethod
    def from_state(cls, plan: Plan, state: Mapping[str, Any]) -> Coverage:
        """The Coverage :meth:`state` described, over ``plan``.

        Raises:
            UsageError: the state counts another contract.
        """
        if state["fingerprint"] != plan.fingerprint:
            raise UsageError("cannot read coverage of another contract")
        coverage = cls(plan)
        for index, number in state["counts"].items():
            coverage.counts[int(index)] = number
        coverage.payloads = state["payloads"]
        coverage.unrouted = state["unrouted"]
        coverage.statuses = {tuple(row[:-1]): row[-1] for row in state["statuses"]}
        drift = coverage.drift
        drift.totals = {(row[0], row[1]): row[2] for row in state["drift_totals"]}
        for kind, pointer, detail, number in state["drift_counts"]:
            drift.counts.setdefault((kind, pointer), {})[detail] = number
        for key, examples in state["drift_examples"]:
            drift.examples[(key[0], key[1], key[2])] = [
                (_example_key(example), example) for example in examples
            ]
        return coverage

    # -- the model ------------------------------------------------------------------

    def headline(self) -> tuple[int, int]:
        """(items exercised, items) over the whole contract: routes and schemas."""
        model = self.to_dict()
        return model["headline"]["exercised"], model["headline"]["items"]

    def to_dict(self) -> dict[str, Any]:
        """The full model, JSON-ready, with stable keys (see docs/coverage.md)."""
        plan, counts = self.plan, self.counts
        routes = [self._route(items) for items in plan.route_items]
        by_schema: dict[str, list[Location]] = {name: [] for name in plan.roots}
        for location in plan.locations.values():
            by_schema[location.schema].append(location)
        schemas = []
        for name in sorted(by_schema):
            rows = [_location_dict(location, counts) for location in by_schema[name]]
            items = sum(row["items"] for row in rows)
            exercised = sum(row["exercised"] for row in rows)
            schemas.append(
                {
                    "name": name,
                    "payloads": counts[plan.roots[name]],
                    "items": items,
                    "exercised": exercised,
                    "percent": _percent(exercised, items),
                    "locations": rows,
                }
            )
        items = sum(r["items"] for r in routes) + sum(s["items"] for s in schemas)
        exercised = sum(r["exercised"] for r in routes) + sum(s["exercised"] for s in schemas)
        return {
            "version": FORMAT_VERSION,
            "contract": {
                "origin": plan.schema_set.origin,
                "fingerprint": plan.fingerprint,
                "schemas": len(plan.roots),
                "routes": len(plan.route_items),
            },
            "headline": {
                "items": items,
                "exercised": exercised,
                "percent": _percent(exercised, items),
                "route_items": sum(r["items"] for r in routes),
                "route_exercised": sum(r["exercised"] for r in routes),
                "schema_items": sum(s["items"] for s in schemas),
                "schema_exercised": sum(s["exercised"] for s in schemas),
            },
            "payloads": {"checked": self.payloads, "unrouted_exchanges": self.unrouted},
            "routes": routes,
            "schemas": schemas,
            "drift": self._drift(),
        }

    def _route(self, items: _RouteItems) -> dict[str, Any]:
        statuses = []
        for documented, slot in items.statuses:
            codes = {
                key[3]: number
                for key, number in sorted(self.statuses.items())
                if key[:3] == (items.method, items.template, documented) and len(key) == 4
            }
            statuses.append({"status": documented, "seen": self.counts[slot], "codes": codes})
        undocumented = [
            {"status": key[2], "seen": number}
            for key, number in sorted(self.statuses.items())
            if len(key) == 3 and key[:2] == (items.method, items.template)
        ]
        exercised = sum(1 for status in statuses if status["seen"])
        return {
            "method": items.method,
            "path": items.template,
            "items": len(statuses),
            "exercised": exercised,
            "percent": _percent(exercised, len(statuses)),
            "statuses": statuses,
            "seen": [s["status"] for s in statuses if s["seen"]],
            "unseen": [s["status"] for s in statuses if not s["seen"]],
            "undocumented": undocumented,
        }

    def _drift(self) -> dict[str, Any]:
        drift = self.drift
        sections: dict[str, list[dict[str, Any]]] = {
            "unnamed_properties": [],
            "outside_enum": [],
            "null_not_nullable": [],
        }
        detail = {"unnamed": "property", "enum": "value"}
        section = {
            "unnamed": "unnamed_properties",
            "enum": "outside_enum",
            "null": "null_not_nullable",
        }
        for place in sorted(drift.counts, key=lambda p: (p[1], p[0])):
            kind, pointer = place
            details = drift.counts[place]
            shown = 0
            for name in sorted(details)[:DISTINCT]:
                entry: dict[str, Any] = {"location": pointer}
                if kind in detail:
                    entry[detail[kind]] = name
                entry["seen"] = details[name]
                entry["examples"] = [e for _, e in drift.examples.get((*place, name), [])]
                shown += details[name]
                sections[section[kind]].append(entry)
            others = drift.totals.get(place, 0) - shown
            if others:
                sections[section[kind]].append(
                    {"location": pointer, "others": others, "seen": others, "examples": []}
                )
        return sections


def _example_key(example: Mapping[str, Any]) -> tuple[Any, ...]:
    return (
        example["file"] or "",
        example["line"] or 0,
        0,
        _natural(example["entry"] or ""),
        example["instance_path"],
    )


def _percent(exercised: int, items: int) -> float:
    return round(100.0 * exercised / items, 1) if items else 100.0


def _location_dict(location: Location, counts: list[int]) -> dict[str, Any]:
    row: dict[str, Any] = {"pointer": location.pointer}
    if location.objects is not None:
        row["objects"] = counts[location.objects]
    if location.holder is not None:
        row["property"] = {
            "required": location.required,
            "present": location.present(counts),
            "absent": counts[location.absent] if location.absent is not None else 0,
        }
    if location.null is not None:
        row["null"] = counts[location.null]
    if location.enum:
        values = [{"value": value, "seen": counts[slot]} for value, slot in location.enum]
        row["enum"] = {
            "values": values,
            "seen": [v["value"] for v in values if v["seen"]],
            "unseen": [v["value"] for v in values if not v["seen"]],
        }
    if location.branches:
        row["branches"] = {
            keyword: [counts[slot] for slot in slots] for keyword, slots in location.branches
        }
    if location.array:
        row["array"] = {label: counts[slot] for label, slot in location.array}
    if location.format is not None:
        row["format"] = location.format
    seen = location.items(counts)
    row["items"] = len(seen)
    row["exercised"] = sum(1 for number in seen if number)
    return row


#: Plans rebuilt when unpickling, by fingerprint: parts of one run share one plan.
_PLANS: dict[str, Plan] = {}
#: The plan of each live contract (the driver counts a unit at a time).
_BY_CONTRACT: weakref.WeakKeyDictionary[Contract, Plan] = weakref.WeakKeyDictionary()


def _restore(schema_set: SchemaSet, routes: tuple[Route, ...], state: dict[str, Any]) -> Coverage:
    plan = _PLANS.get(state["fingerprint"])
    if plan is None:
        plan = Plan(schema_set, routes)
        if len(_PLANS) >= 4:
            _PLANS.clear()
        _PLANS[plan.fingerprint] = plan
    return Coverage.from_state(plan, state)
