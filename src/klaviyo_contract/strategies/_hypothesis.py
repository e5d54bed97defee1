"""The tree of :mod:`._build` read as Hypothesis strategies: payloads that shrink.

Examples shrink towards optional fields absent, nulls, the first enum value,
short arrays and the earliest dates. Each node's strategies are made once and kept
in its ``memo``.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from hypothesis import strategies as st
from hypothesis.errors import HypothesisWarning

from ..model import InvalidPayload
from ._breakers import Target, break_one
from ._build import SHORT_ARRAY_ODDS, Node
from ._formats import FORMAT_STRATEGIES

T = TypeVar("T")

_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_:$"
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-1000, 1000), st.text(max_size=12))
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
#: Out of ten arrays, how many are short.
_SHORT_OUT_OF_TEN = round(SHORT_ARRAY_ODDS * 10)


def _not_null(value: Any) -> bool:
    return value is not None


def valid(node: Node) -> st.SearchStrategy[Any]:
    """The values ``node`` admits: null about half the time where it is nullable."""
    found: st.SearchStrategy[Any] | None = node.memo.get("valid")
    if found is None:
        found = node.memo["valid"] = _valid(node)
    return found


def present(node: Node) -> st.SearchStrategy[Any]:
    """The values ``node`` admits that are not null."""
    found: st.SearchStrategy[Any] | None = node.memo.get("present")
    if found is None:
        found = node.memo["present"] = _present(node)
    return found


def _valid(node: Node) -> st.SearchStrategy[Any]:
    if node.kind == "any":
        return _JSON
    if node.kind == "null":
        return st.none()
    if node.kind == "union":
        return st.one_of([valid(option) for option in node.options])
    if node.kind == "fallback":
        return _fallback(node.schema)
    if node.nullable:
        return st.one_of(st.none(), present(node))
    return present(node)


def _present(node: Node) -> st.SearchStrategy[Any]:
    kind = node.kind
    if kind in ("any", "union", "fallback"):
        return valid(node).filter(_not_null)
    if kind in ("nothing", "null"):
        return st.nothing()
    if kind == "types":
        return st.one_of([valid(option) for option in node.options])
    if kind == "enum":
        return st.sampled_from(node.values)
    if kind == "object":
        return _object(node)
    if kind == "map":
        return st.dictionaries(
            st.text(alphabet=_ID_ALPHABET, min_size=1, max_size=12),
            _SCALARS,
            min_size=node.low,
            max_size=node.high,
        )
    if kind == "empty-array":
        return st.just([]) if node.low == 0 else st.nothing()
    if kind == "array":
        return _array(node)
    if kind == "string":
        if node.fmt is not None:
            return FORMAT_STRATEGIES[node.fmt]
        return st.text(min_size=node.low, max_size=node.high)
    if kind == "integer":
        return st.one_of(_small(node), st.integers(node.low, node.high))
    if kind == "number":
        floats = st.floats(
            node.low,
            node.high,
            allow_nan=False,
            allow_infinity=False,
            exclude_min=node.exclude_low,
            exclude_max=node.exclude_high,
        )
        return st.one_of(_small(node), floats)
    if kind == "boolean":
        return st.booleans()
    raise AssertionError(f"unknown node kind {kind}")  # pragma: no cover


def _small(node: Node) -> st.SearchStrategy[Any]:
    if node.small_low > node.small_high:
        return st.nothing()
    return st.integers(node.small_low, node.small_high)


def _object(node: Node) -> st.SearchStrategy[Any]:
    fixed = {name: valid(node.properties[name]) for name in node.fixed}
    fixed.update(dict.fromkeys(node.unnamed, _JSON))
    optional = {name: valid(node.properties[name]) for name in node.optional}
    # Half the examples carry every optional property, the other half a random
    # subset, which is also where shrinking goes.
    strategy: st.SearchStrategy[Any] = st.fixed_dictionaries(fixed, optional=optional)
    if optional:
        strategy = st.one_of(strategy, st.fixed_dictionaries({**fixed, **optional}))
    low, high = node.low, node.high
    if low or high is not None:
        strategy = strategy.filter(
            lambda value: low <= len(value) <= (high if high is not None else len(value))
        )
    return strategy


def _array(node: Node) -> st.SearchStrategy[Any]:
    assert node.items is not None
    items = valid(node.items)
    unique = _key(node.unique)
    # Sizes shrink to the shortest.
    sizes = st.tuples(
        st.integers(0, 9), st.integers(node.low, node.short), st.integers(node.low, node.high)
    ).map(lambda pick: pick[1] if pick[0] < _SHORT_OUT_OF_TEN else pick[2])
    return sizes.flatmap(
        lambda size: st.lists(items, min_size=size, max_size=size, unique_by=unique)
    )


def _key(unique: bool) -> Callable[[Any], Any] | None:
    if not unique:
        return None
    return lambda value: json.dumps(value, sort_keys=True)


def _fallback(schema: Any) -> st.SearchStrategy[Any]:
    from hypothesis_jsonschema import from_schema

    with warnings.catch_warnings():
        # Our format strategies replace its standard ones on purpose.
        warnings.simplefilter("ignore", HypothesisWarning)
        return from_schema(schema, custom_formats=dict(FORMAT_STRATEGIES))


class _Drawing:
    """The choices of :func:`~._breakers.break_one`, made by Hypothesis (so they shrink)."""

    def __init__(self, draw: Callable[[st.SearchStrategy[Any]], Any]) -> None:
        self._draw = draw

    def pick(self, options: Sequence[T]) -> T:
        return self._draw(st.sampled_from(options))  # type: ignore[no-any-return]

    def index(self, size: int) -> int:
        return self._draw(st.integers(0, size - 1))  # type: ignore[no-any-return]

    def present(self, node: Node) -> Any:
        return self._draw(present(node))


def invalid_payloads(root: Node, found: list[Target]) -> st.SearchStrategy[InvalidPayload]:
    """Valid payloads of ``root`` with one of ``found`` broken, labelled."""

    @st.composite
    def build(draw: Any) -> InvalidPayload:
        return break_one(_Drawing(draw), root, found)

    return build()
