"""One-constraint mutations: each invalid payload breaks exactly one labelled rule.

The targets are read off the strategy tree of a schema (every required name, type,
enum, format and non-nullable place, through properties and array items, and every
``oneOf``/``anyOf`` as a whole); a valid payload is drawn, the path to the target is
made to exist with valid values, and the value there is broken. The label says which
keyword a validator must report, at which instance path.

Nothing inside a union's branches is a target: a value broken there fits no branch
(or another one), and validators report it as the union's keyword at the union's
place, not as the broken constraint. The union itself is broken instead, by a value
that fits none of its branches.

The mutation (:func:`break_one`) is written once over a :class:`Choices` (pick one
of these, an index below n, a value of this node): Hypothesis makes the choices for
``contract.invalid_payloads`` (they shrink), a seeded :class:`random.Random` for
bulk ``generate``, and both label alike. No Hypothesis is imported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from ..formats import FORMATS
from ..model import InvalidPayload
from ..pointers import pointer
from ._build import Node, _conforms, _types
from ._values import FORMAT_BREAKERS

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

T = TypeVar("T")

#: A path through the schema: property names, and None for "some array item".
Path = tuple[str | None, ...]

_WRONG_TYPED: dict[str, Any] = {
    "string": "not-a-number",
    "integer": 7,
    "boolean": True,
    "array": [],
    "object": {},
}
#: Values tried against a union: those that fit none of its branches break it.
_UNION_BREAKERS: tuple[Any, ...] = (None, *_WRONG_TYPED.values(), 0.5)


@dataclass(frozen=True)
class Target:
    """A constraint an invalid payload can break, and where."""

    path: Path
    kind: str
    keyword: str
    node: Node
    name: str | None = None
    #: For a union: the values that fit none of its branches.
    values: tuple[Any, ...] = ()

    def describe(self) -> str:
        where = "/".join("*" if segment is None else segment for segment in self.path) or "(root)"
        what = f" {self.name!r}" if self.name else ""
        return f"{self.kind}{what} at {where}"


def targets(root: Node) -> list[Target]:
    """Every constraint of the tree below ``root`` that a mutation can break alone."""
    found: list[Target] = []

    def walk(node: Node, path: Path) -> None:
        schema = node.schema if isinstance(node.schema, dict) else {}
        for keyword in ("oneOf", "anyOf"):
            if keyword in schema:
                values = _union_breakers(schema)
                if values:
                    found.append(Target(path, keyword, keyword, node, values=tuple(values)))
                return
        types = [kind for kind in _types(schema) if kind != "null"]
        enum = schema.get("enum")
        in_array = bool(path) and path[-1] is None
        if types and _wrong_types(types):
            found.append(Target(path, "item-type" if in_array else "type", "type", node))
        admits_null = "null" in _types(schema) or (enum is not None and None in enum)
        if (types or enum is not None) and not admits_null:
            found.append(Target(path, "null", "type" if types else "enum", node))
        if enum is not None:
            kind = "discriminator" if path and path[-1] == "type" else "enum"
            found.append(Target(path, kind, "enum", node))
        if schema.get("format") in FORMATS and (not types or "string" in types):
            found.append(Target(path, "format", "format", node))
        for name in node.required:
            found.append(Target(path, "required", "required", node, name))
        for name, child in node.properties.items():
            walk(child, (*path, name))
        if node.items is not None:
            walk(node.items, (*path, None))

    walk(root, ())
    return found


def _union_breakers(schema: dict[str, Any]) -> list[Any]:
    """The values of :data:`_UNION_BREAKERS` that fit no branch of a union."""
    fits = _conforms(schema)
    return [value for value in _UNION_BREAKERS if not fits(value)]


def _wrong_types(types: list[str]) -> list[str]:
    allowed = set(types) | ({"integer"} if "number" in types else set())
    return [kind for kind in _WRONG_TYPED if kind not in allowed]


class Choices(Protocol):
    """What a mutation needs to choose: made by Hypothesis or by a seeded Random."""

    def pick(self, options: Sequence[T]) -> T:
        """One of ``options`` (shrinking towards the first)."""

    def index(self, size: int) -> int:
        """A whole number from 0 to ``size - 1``."""

    def present(self, node: Node) -> Any:
        """A valid, non-null value of ``node``."""


def _broken(choose: Choices, target: Target, value: Any) -> Any:
    schema = target.node.schema
    if target.kind in ("type", "item-type"):
        kind = choose.pick(_wrong_types([k for k in _types(schema) if k != "null"]))
        return _WRONG_TYPED[kind]
    if target.kind == "null":
        return None
    if target.kind in ("oneOf", "anyOf"):
        return choose.pick(target.values)
    if target.kind in ("enum", "discriminator"):
        enum = [item for item in schema["enum"] if item is not None]
        candidates: list[Any]
        if enum and all(isinstance(item, str) for item in enum):
            candidates = [f"{enum[0]}-x", "", enum[0].upper() + "?", "unknown"]
        else:
            candidates = [max((i for i in enum if isinstance(i, int)), default=0) + 1, "unknown"]
        return choose.pick([c for c in candidates if c not in enum])
    if target.kind == "format":
        return choose.pick(FORMAT_BREAKERS[schema["format"]])
    if target.kind == "required":
        broken = dict(value)
        broken.pop(target.name, None)
        return broken
    raise AssertionError(f"unknown target kind {target.kind}")  # pragma: no cover


def break_one(choose: Choices, root: Node, found: Sequence[Target]) -> InvalidPayload:
    """A valid payload of ``root`` with one of ``found`` broken, labelled."""
    target = choose.pick(found)
    concrete: list[str | int] = []

    def place(node: Node, value: Any, path: Path) -> Any:
        if not path:
            return _broken(choose, target, value)
        segment, rest = path[0], path[1:]
        if segment is None:
            assert node.items is not None
            items = (
                list(value) if isinstance(value, list) and value else [choose.present(node.items)]
            )
            index = choose.index(len(items))
            concrete.append(index)
            current = items[index]
            if (rest or target.kind == "required") and current is None:
                current = choose.present(node.items)
            items[index] = place(node.items, current, rest)
            return items
        child = node.properties[segment]
        mapping = dict(value)
        current = mapping.get(segment)
        inside = bool(rest) or target.kind == "required"
        # A nullable object drawn as null: make it exist to reach (or drop) inside it.
        # The target itself is replaced whole: it needs no value first.
        if inside and current is None:
            current = choose.present(child)
        concrete.append(segment)
        mapping[segment] = place(child, current, rest)
        return mapping

    start = choose.present(root) if target.path or target.kind == "required" else None
    payload = place(root, start, target.path)
    return InvalidPayload(
        payload=payload,
        keyword=target.keyword,
        instance_path=pointer(concrete),
        kind=target.kind,
        description=target.describe(),
    )


def invalid_payloads(root: Node, found: list[Target]) -> SearchStrategy[InvalidPayload]:
    """A Hypothesis strategy of valid payloads of ``root`` with one of ``found`` broken."""
    from ._hypothesis import invalid_payloads as strategy

    return strategy(root, found)
