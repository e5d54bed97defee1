"""Differential fuzzing: both engines judge mutated payloads alike, and neither raises.

Valid payloads come from the contract's own strategies; each is then mutated a few
times (a member deleted, nulled, given the wrong type or an unlisted enum value, a
date-time or URI corrupted, unknown properties added, a value nested 1 to 2,000
levels deep, huge and non-integral numbers, strings with lone surrogates and line
separators). Both engines must give the same (instance path, keyword) set, in plain
and strict mode; the only exception either may raise is PayloadTooDeep, and then
both must. The default profile runs a few hundred examples, ``thorough`` thousands;
what it finds is kept as a conformance case (conformance/differential.json).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klaviyo_contract import Contract
from klaviyo_contract.engines import show
from klaviyo_contract.errors import PayloadTooDeep

REFERENCE = Contract.default(engine="reference")
COMPILED = Contract.default(engine="compiled")
ROOTS = ["CouponCodeCreateJobResponseObjectResource", "PostCatalogItemCreateJobResponse"]

#: Four times the profile's examples: 200 by default, 2,000 under ``thorough``.
EXAMPLES = settings.default.max_examples * 4

ODD = ["\ud800", "\udfff", "\udc00", "\u2028", "\u2029", "\n", "\r", "\x00", "\ufeff"]
texts = st.text(alphabet=st.one_of(st.characters(), st.sampled_from(ODD)), max_size=12)
numbers = st.one_of(
    st.sampled_from([0, -1, 2**63, 2**64, -(2**64), 10**400, 1.5, -0.0, 1e308, 5e-324]),
    st.sampled_from([float("inf"), float("-inf"), float("nan")]),
    st.integers(),
    st.floats(),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, texts)
CORRUPT_DATE_TIMES = [
    "2024-02-30T00:00:00Z",
    "2024-03-04T10:11:12",
    "2024-03-04 10:11:12+00:00",
    "2024-03-04T24:00:00Z",
    "1998-12-31T22:59:60Z",
    "2024-03-04T10:11:12Z\n",
]
CORRUPT_URIS = [
    "https://a.klaviyo.com/api/x/\n",
    "https://[::ffff:01.2.3.4]/",
    "//a.klaviyo.com/api/",
    "https://a.klaviyo.com/api/x/?page[cursor]=y",
    "https://a.klaviyo.com/%zz",
    "https://a.klaviyo.com/\u00e9",
]


def _paths(value: Any) -> list[tuple[Any, ...]]:
    """Where a mutation may go: every place down to 40 levels, found without recursion
    (an earlier mutation may have nested a value 2,000 deep)."""
    found: list[tuple[Any, ...]] = []
    stack: list[tuple[Any, tuple[Any, ...]]] = [(value, ())]
    while stack:
        node, path = stack.pop()
        found.append(path)
        if len(path) >= 40:
            continue
        if isinstance(node, dict):
            stack.extend((child, (*path, key)) for key, child in node.items())
        elif isinstance(node, list):
            stack.extend((child, (*path, index)) for index, child in enumerate(node))
    return sorted(found, key=len)


def _get(payload: Any, path: tuple[Any, ...]) -> Any:
    for token in path:
        payload = payload[token]
    return payload


def _nested(depth: int, leaf: Any, as_object: bool) -> Any:
    for _ in range(depth):
        leaf = {"a": leaf} if as_object else [leaf]
    return leaf


def _corrupted(value: Any) -> st.SearchStrategy[Any]:
    """A string broken the ways RFC 3339 and RFC 3986 checks must notice."""
    text = value if isinstance(value, str) else "2024-03-04T10:11:12+00:00"
    return st.one_of(
        st.sampled_from(CORRUPT_DATE_TIMES + CORRUPT_URIS),
        st.sampled_from(["\n", " ", "\u2028", "\ud800", "Z", "%", "["]).map(lambda c: text + c),
        st.integers(0, max(len(text) - 1, 0)).map(lambda i: text[:i] + text[i + 1 :]),
        st.integers(0, len(text)).map(lambda i: text[:i] + " " + text[i:]),
    )


class Mutant:
    """A mutated payload whose repr is cut short: Hypothesis pretty-prints the arguments
    of a test in some runs (under coverage tracing, for one), recursively, and a value
    nested 2,000 deep would exhaust the recursion limit there."""

    def __init__(self, payload: Any) -> None:
        self.payload = payload

    def __repr__(self) -> str:
        return f"Mutant({show(self.payload, 400)})"


@st.composite
def mutated(draw: st.DrawFn, name: str) -> Mutant:
    payload = copy.deepcopy(draw(COMPILED.payloads(name)))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(payload)))
        value = _get(payload, path)
        kind = draw(
            st.sampled_from(
                ["delete", "null", "type", "enum", "corrupt", "unknown", "deep", "number", "text"]
            )
        )
        if kind == "unknown":
            if isinstance(value, dict):
                value[draw(texts)] = draw(st.one_of(scalars, st.just({}), st.just([])))
            continue
        if kind == "deep":
            depth = draw(st.one_of(st.integers(1, 300), st.integers(1, 2000)))
            leaf = draw(st.one_of(scalars, st.sampled_from([{}, []])))
            new: Any = _nested(depth, leaf, draw(st.booleans()))
        elif kind == "null":
            new = None
        elif kind == "type":
            new = draw(st.sampled_from([1, "x", True, 1.5, [], {}, [1], {"a": 1}]))
        elif kind == "enum":
            new = draw(st.one_of(texts, st.sampled_from(["complete ", "Queued", "completed"])))
        elif kind == "corrupt":
            new = draw(_corrupted(value))
        elif kind == "number":
            new = draw(numbers)
        elif kind == "text":
            new = draw(texts)
        else:
            new = "delete"
        if not path:
            payload = None if kind == "delete" else new
            continue
        parent = _get(payload, path[:-1])
        if kind == "delete":
            del parent[path[-1]]
        else:
            parent[path[-1]] = new
    return Mutant(payload)


def _outcome(contract: Contract, payload: Any, name: str, strict: bool) -> Any:
    try:
        result = contract.validate(payload, name, strict=strict)
    except PayloadTooDeep:
        return "too deep"
    return result.valid, frozenset((v.instance_path, v.keyword) for v in result.violations)


@pytest.mark.parametrize("name", ROOTS)
def test_the_engines_agree_on_mutated_payloads(name: str) -> None:
    @settings(max_examples=EXAMPLES)
    @given(mutated(name), st.booleans())
    def agree(mutant: Mutant, strict: bool) -> None:
        reference = _outcome(REFERENCE, mutant.payload, name, strict)
        assert _outcome(COMPILED, mutant.payload, name, strict) == reference

    agree()
