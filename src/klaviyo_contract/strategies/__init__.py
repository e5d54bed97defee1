"""Hypothesis strategies for a contract's payloads: the only package that imports Hypothesis.

Install with ``pip install klaviyo-contract[generate]``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from .. import bundle
from ..model import InvalidPayload
from ._breakers import invalid_payloads as _invalid
from ._breakers import targets
from ._build import Builder, Node

if TYPE_CHECKING:
    from ..contract import Contract

__all__ = ["InvalidPayload", "invalid_payloads", "payloads"]

_NODES: dict[tuple[int, str, int], Node] = {}


def _root(contract: Contract, name: str, depth: Any) -> Node:
    if not isinstance(depth, int) or isinstance(depth, bool) or depth < 1:
        raise InvalidArgument(f"depth={depth!r} must be a whole number of at least 1")
    if not isinstance(name, str):
        raise InvalidArgument(f"name={name!r} must be a schema name (a string)")
    key = (id(contract.schema_set), name, depth)
    node = _NODES.get(key)
    if node is None:
        node = _NODES[key] = Builder().node(bundle.inline(contract.schema_set, name, depth=depth))
    return node


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
    return _root(contract, name, depth).valid


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
    root = _root(contract, name, depth)
    found = targets(root)
    if not found:
        raise InvalidArgument(f"schema {name!r} has no constraint to break")
    return _invalid(root, found)
