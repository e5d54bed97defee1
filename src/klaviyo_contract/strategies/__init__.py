"""Payloads of a contract's schemas: Hypothesis strategies, and seeded bulk streams.

One tree describes each schema's payloads (:mod:`._build`); two interpreters read
it: Hypothesis strategies that shrink (:func:`payloads`, :func:`invalid_payloads`,
install with ``pip install klaviyo-contract[generate]``), and seeded streams drawn
from a :class:`random.Random` for bulk generation (:func:`payload_stream`,
:func:`invalid_payload_stream`), which need Hypothesis only for the rare schema
parts hypothesis-jsonschema draws (``pattern``, ``not``). This package is the only
one that imports Hypothesis, and imports it only when a strategy is asked for.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .. import bundle
from ..errors import GenerationError, UsageError
from ..model import InvalidPayload
from ._breakers import Target, targets
from ._build import Builder, Node

if TYPE_CHECKING:
    from hypothesis import strategies as st

    from ..contract import Contract
    from ..registry import SchemaSet

__all__ = [
    "InvalidPayload",
    "invalid_payload_stream",
    "invalid_payloads",
    "payload_stream",
    "payloads",
]


class _Trees:
    """The trees of each live schema set, by (name, depth), dropped with their set.

    Keyed by the set itself, not by its ``id()``: a set that is garbage collected
    takes its trees with it, so a new set that reuses its id never gets them.
    """

    def __init__(self) -> None:
        self._sets: dict[int, tuple[weakref.ref[SchemaSet], dict[tuple[str, int], Node]]] = {}

    def get(self, schema_set: SchemaSet) -> dict[tuple[str, int], Node]:
        key = id(schema_set)
        entry = self._sets.get(key)
        if entry is None or entry[0]() is not schema_set:
            ref = weakref.ref(schema_set, functools.partial(self._drop, key))
            entry = self._sets[key] = (ref, {})
        return entry[1]

    def _drop(self, key: int, _: object = None) -> None:
        entry = self._sets.get(key)
        if entry is not None and entry[0]() is None:
            del self._sets[key]

    def __len__(self) -> int:
        return len(self._sets)


_TREES = _Trees()


def _invalid_argument(message: str) -> Exception:
    try:
        from hypothesis.errors import InvalidArgument
    except ImportError:  # pragma: no cover - the bulk streams run without Hypothesis
        return UsageError(message)
    return InvalidArgument(message)


def _root(contract: Contract, name: str, depth: Any) -> Node:
    if not isinstance(depth, int) or isinstance(depth, bool) or depth < 1:
        raise _invalid_argument(f"depth={depth!r} must be a whole number of at least 1")
    if not isinstance(name, str):
        raise _invalid_argument(f"name={name!r} must be a schema name (a string)")
    trees = _TREES.get(contract.schema_set)
    node = trees.get((name, depth))
    if node is None:
        node = trees[name, depth] = Builder().node(
            bundle.inline(contract.schema_set, name, depth=depth)
        )
    return node


def _targets(root: Node, name: str, *, strategy: bool = True) -> list[Target]:
    found = targets(root)
    if not found:
        message = f"schema {name!r} has no constraint to break"
        raise _invalid_argument(message) if strategy else GenerationError(message)
    return found


def payloads(contract: Contract, name: str, *, depth: int = 2) -> st.SearchStrategy[Any]:
    """Payloads that conform to schema ``name``, as Klaviyo would send them.

    Nullable fields are null about half the time, optional ones present nine times in
    ten, every enum value appears, arrays run from empty to hundreds of items, and
    formats are realistic (RFC 3339 date-times with fractions and offsets, absolute
    URIs). Examples shrink towards optional fields absent, nulls, the first enum
    value, empty arrays and the earliest dates.

    Args:
        contract: the contract that holds the schema.
        name: the schema's name.
        depth: how often a schema that refers to itself is unrolled.

    Raises:
        UnknownSchema: no schema has that name.
        InvalidArgument: an option has a wrong value (named in the message).
    """
    from ._hypothesis import valid

    return valid(_root(contract, name, depth))


def invalid_payloads(
    contract: Contract, name: str, *, depth: int = 2
) -> st.SearchStrategy[InvalidPayload]:
    """Payloads that each break one constraint of ``name``, with its label.

    Each example is an :class:`~klaviyo_contract.model.InvalidPayload`: the payload,
    the keyword a validator must report, the JSON Pointer where, and the kind of
    break (``required``, ``type``, ``null``, ``enum``, ``discriminator``, ``format``,
    ``item-type``, and ``oneOf``/``anyOf`` for a value no alternative fits).
    Examples shrink towards the first constraint of the schema on the smallest valid
    payload around it.

    Raises:
        UnknownSchema: no schema has that name.
        InvalidArgument: an option has a wrong value, or the schema has no
            constraint to break.
    """
    from ._hypothesis import invalid_payloads as strategy

    root = _root(contract, name, depth)
    return strategy(root, _targets(root, name))


def payload_stream(
    contract: Contract, name: str, *, seed: int = 0, depth: int = 2
) -> Iterator[Any]:
    """Valid payloads of ``name`` without end, drawn from ``random.Random(seed)``.

    The distributions of :func:`payloads`, at bulk speed and without shrinking; the
    same seed gives the same stream (for this version of klaviyo-contract).

    Raises:
        UnknownSchema: no schema has that name.
    """
    from ._draw import payloads as stream

    return stream(_root(contract, name, depth), seed)


def invalid_payload_stream(
    contract: Contract, name: str, *, seed: int = 0, depth: int = 2
) -> Iterator[InvalidPayload]:
    """Labelled payloads that each break one constraint of ``name``, without end.

    The same mutations and labels as :func:`invalid_payloads`, drawn from
    ``random.Random(seed)``.

    Raises:
        UnknownSchema: no schema has that name.
        GenerationError: the schema has no constraint to break.
    """
    from ._draw import invalid_payloads as stream

    root = _root(contract, name, depth)
    return stream(root, _targets(root, name, strategy=False), seed)
