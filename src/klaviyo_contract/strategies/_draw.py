"""The tree of :mod:`._build` read as draws from a seeded :class:`random.Random`: bulk payloads.

``klaviyo-contract generate`` needs many payloads fast and the same ones for the
same seed, not shrinking; running Hypothesis' test engine per example costs
milliseconds. This interpreter compiles each node once into a function of a
:class:`Draws` (a ``Random``) with the distributions of :mod:`._hypothesis`:
nullable values null half the time, optional properties present nine times in ten,
every enum value, nine arrays in ten short and the rest any length to their bound,
formats from :mod:`._values`. Invalid payloads come from the same mutations
(:func:`~._breakers.break_one`).

Only a ``fallback`` node (``pattern``, ``not``, an ``allOf`` that does not merge)
needs Hypothesis: a pool of its examples is drawn once a stream, seeded from the
stream, and values are picked from it. Nothing is written to disk.
"""

from __future__ import annotations

import json
import os
import random
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from ..errors import GenerationError
from ..model import InvalidPayload
from ._breakers import Target, break_one
from ._build import SHORT_ARRAY_ODDS, TEXT_LENGTH, Node
from ._values import FORMAT_DRAWERS, below, texts

T = TypeVar("T")

#: Examples of a fallback node drawn by Hypothesis once a stream, picked from after.
POOL_SIZE = 64
#: Attempts at a value that fits a filter (non-null, property counts) before giving up.
ATTEMPTS = 100
_BUFFER = 1 << 16
#: Array items and optional properties a payload may hold beyond its required
#: minimum: nested long arrays would otherwise multiply (250 x 250 x ...), where
#: Hypothesis stops at its buffer's size. Past it, arrays are as short as allowed
#: and optional properties absent.
BUDGET = 2_000
#: Optional properties of the "some of them" half: each present this often.
OPTIONAL_ODDS = 0.8

_ASCII = "".join(chr(code) for code in range(32, 127))
#: A string in four has one character from elsewhere: accents, CJK, Cyrillic, emoji
#: outside the BMP, controls, U+2028, a zero-width space.
_UNICODE = "éßüñ日本語Жλ€\u2028\u00a0\u200b\t\n\x00😀🎉\U0001f680"
_UNICODE_ODDS = 0.25
_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_:$"

Drawer = Callable[["Draws"], Any]


class Draws(random.Random):
    """A seeded source of values: the same seed draws the same payloads.

    Holds the stream's pools of fallback examples, so one stream's output depends
    on its seed alone.
    """

    def __init__(self, seed: int) -> None:
        super().__init__(seed)
        self.pools: dict[Node, list[Any]] = {}
        self._bytes = b""
        self._at = 0
        #: Array items and optional properties the current payload may still get.
        self.budget = BUDGET

    def randbytes(self, n: int) -> bytes:
        """``n`` random bytes, cut from a buffer drawn 64 KiB at a time (text is most of it)."""
        at = self._at
        if at + n > len(self._bytes):
            if n > _BUFFER:
                return super().randbytes(n)
            self._bytes, at = super().randbytes(_BUFFER), 0
        self._at = at + n
        return self._bytes[at : at + n]

    # -- the choices of break_one --
    def pick(self, options: Sequence[T]) -> T:
        return options[below(self, len(options))]

    def index(self, size: int) -> int:
        return below(self, size)

    def present(self, node: Node) -> Any:
        return present(node)(self)


def valid(node: Node) -> Drawer:
    """The function that draws a valid value of ``node`` (null half the time if nullable)."""
    found: Drawer | None = node.memo.get("draw-valid")
    if found is None:
        found = node.memo["draw-valid"] = _valid(node)
    return found


def present(node: Node) -> Drawer:
    """The function that draws a valid, non-null value of ``node``."""
    found: Drawer | None = node.memo.get("draw-present")
    if found is None:
        found = node.memo["draw-present"] = _present(node)
    return found


def exists(node: Node) -> bool:
    """Whether ``node`` has a non-null value (recursion cut by ``bundle.inline`` leaves some
    without): Hypothesis leaves such branches, optional properties and array items out
    on its own; the drawers do it by this."""
    found: bool | None = node.memo.get("draw-exists")
    if found is None:
        found = node.memo["draw-exists"] = _exists(node)
    return found


def _admits(node: Node) -> bool:
    """Whether ``node`` has a valid value, null included."""
    return node.kind == "null" or node.nullable or exists(node)


def _exists(node: Node) -> bool:
    kind = node.kind
    if kind in ("nothing", "null"):
        return False
    if kind in ("union", "types"):
        return any(exists(option) for option in node.options)
    if kind == "enum":
        return bool(node.values)
    if kind == "object":
        return all(_admits(node.properties[name]) for name in node.fixed)
    if kind == "empty-array":
        return bool(node.low == 0)
    if kind == "array":
        assert node.items is not None
        return bool(node.low == 0) or _admits(node.items)
    return True


def _none(r: Draws) -> Any:
    return None


def _nothing(node: Node) -> Drawer:
    def fail(r: Draws) -> Any:
        raise GenerationError(f"no value fits the schema {json.dumps(node.schema)[:200]}")

    return fail


def _valid(node: Node) -> Drawer:
    kind = node.kind
    if kind == "any":
        return _json
    if kind == "null":
        return _none
    if kind == "union":
        return _one_of(node)
    if kind == "fallback":
        return lambda r: _from_pool(r, node)
    if node.nullable:
        if not exists(node):
            return _none
        value = present(node)
        return lambda r: None if r.random() < 0.5 else value(r)
    return present(node)


def _present(node: Node) -> Drawer:
    kind = node.kind
    if kind in ("any", "union", "fallback"):
        return _not_null(valid(node))
    if not exists(node):
        return _nothing(node)
    if kind == "types":
        return _one_of(node)
    if kind == "enum":
        values = node.values
        return lambda r: values[below(r, len(values))]
    if kind == "object":
        return _object(node)
    if kind == "map":
        return _map(node.low, node.high)
    if kind == "empty-array":
        return (lambda r: []) if node.low == 0 else _nothing(node)
    if kind == "array":
        return _array(node)
    if kind == "string":
        if node.fmt is not None:
            return FORMAT_DRAWERS[node.fmt]
        return _text(node.low, min(node.high, node.low + TEXT_LENGTH))
    if kind in ("integer", "number"):
        return _number(node)
    if kind == "boolean":
        return lambda r: r.random() < 0.5
    raise AssertionError(f"unknown node kind {kind}")  # pragma: no cover


def _one_of(node: Node) -> Drawer:
    options = [valid(option) for option in node.options if _admits(option)]
    if not options:
        return _nothing(node)
    return lambda r: options[below(r, len(options))](r)


def _not_null(draw: Drawer) -> Drawer:
    def value(r: Draws) -> Any:
        for _ in range(ATTEMPTS):
            found = draw(r)
            if found is not None:
                return found
        raise GenerationError("no value that is not null found")

    return value


def _number(node: Node) -> Drawer:
    low, high, small_low, small_high = node.low, node.high, node.small_low, node.small_high
    small_span = small_high - small_low + 1
    integer = node.kind == "integer"

    def value(r: Draws) -> Any:
        if small_span > 0 and r.random() < 0.5:
            return small_low + int(r.random() * small_span)
        if integer:
            return r.randint(low, high)
        for _ in range(ATTEMPTS):
            found = r.uniform(low, high)
            if (node.exclude_low and found <= low) or (node.exclude_high and found >= high):
                continue
            if low <= found <= high:
                return found
        return (low + high) / 2

    return value


def _object(node: Node) -> Drawer:
    fixed = [(name, valid(node.properties[name])) for name in node.fixed]
    unnamed = node.unnamed
    optional = [
        (name, valid(node.properties[name]))
        for name in node.optional
        if _admits(node.properties[name])
    ]
    low, high = node.low, node.high

    def draw(r: Draws) -> Any:
        out = {name: value(r) for name, value in fixed}
        for name in unnamed:
            out[name] = _json(r)
        if optional and r.budget > 0:
            r.budget -= len(optional)
            if r.random() < 0.5:  # every optional property
                for name, value in optional:
                    out[name] = value(r)
            else:  # some of them
                for name, value in optional:
                    if r.random() < OPTIONAL_ODDS:
                        out[name] = value(r)
        return out

    if not low and high is None:
        return draw

    def bounded(r: Draws) -> Any:
        for _ in range(ATTEMPTS):
            out = draw(r)
            if low <= len(out) and (high is None or len(out) <= high):
                return out
        raise GenerationError(f"no object of {low} to {high} properties found")

    return bounded


def _map(low: int, high: int) -> Drawer:
    key = texts(_ID_ALPHABET, 1, 12)

    def draw(r: Draws) -> Any:
        size = low + below(r, high - low + 1)
        out: dict[str, Any] = {}
        for _ in range(size * 4 + ATTEMPTS):
            if len(out) >= size:
                break
            out[key(r)] = _scalar(r)
        return out

    return draw


def _array(node: Node) -> Drawer:
    assert node.items is not None
    item = valid(node.items)
    low: int = node.low
    short: int = node.short
    high: int = node.high
    if not _admits(node.items):  # only the empty array (exists() says low is 0)
        return lambda r: []

    def size(r: Draws) -> int:
        if r.budget <= 0:
            return low
        if r.random() < SHORT_ARRAY_ODDS:
            found = low + below(r, short - low + 1)
        else:
            found = low + below(r, high - low + 1)
        r.budget -= found
        return found

    if not node.unique:
        return lambda r: [item(r) for _ in range(size(r))]

    def unique(r: Draws) -> Any:
        wanted = size(r)
        seen: dict[str, Any] = {}
        for _ in range(wanted * 4 + ATTEMPTS):
            if len(seen) >= wanted:
                break
            value = item(r)
            seen.setdefault(json.dumps(value, sort_keys=True), value)
        if len(seen) < low:
            raise GenerationError(f"no {low} distinct items found")
        return list(seen.values())

    return unique


def _text(low: int, high: int) -> Drawer:
    ascii_text = texts(_ASCII, low, high)

    def text(r: Draws) -> str:
        found = ascii_text(r)
        if found and r.random() < _UNICODE_ODDS:
            at = below(r, len(found))
            found = found[:at] + _UNICODE[below(r, len(_UNICODE))] + found[at + 1 :]
        return found

    return text


_short_text = _text(0, 12)
_key_text = _text(0, 8)


def _scalar(r: Draws) -> Any:
    pick = below(r, 4)
    if pick == 0:
        return None
    if pick == 1:
        return r.random() < 0.5
    if pick == 2:
        return below(r, 2001) - 1000
    return _short_text(r)


def _json(r: Draws, depth: int = 0) -> Any:
    """Any small JSON value: scalars, and lists and objects of up to three, two deep."""
    pick = r.random()
    if depth < 2 and pick < 0.2:
        return [_json(r, depth + 1) for _ in range(below(r, 4))]
    if depth < 2 and pick < 0.4:
        return {_key_text(r): _json(r, depth + 1) for _ in range(below(r, 4))}
    return _scalar(r)


def _from_pool(r: Draws, node: Node) -> Any:
    pool = r.pools.get(node)
    if pool is None:
        pool = r.pools[node] = _pool(node, r.getrandbits(32))
    return pool[below(r, len(pool))]


def _pool(node: Node, seed: int) -> list[Any]:
    """Examples of a node only hypothesis-jsonschema can draw, made without touching the disk."""
    from hypothesis import configuration

    from ..generation import examples
    from ._hypothesis import valid as strategy

    # Hypothesis caches its Unicode tables under .hypothesis/ in the working
    # directory; ``generate`` writes nothing there, so they go to the user's cache.
    before = getattr(configuration, "__hypothesis_home_directory", None)
    configuration.set_hypothesis_home_dir(_cache_directory())
    try:
        found = list(examples(strategy(node), count=POOL_SIZE, seed=seed))
    finally:
        configuration.set_hypothesis_home_dir(before)
    if not found:
        raise GenerationError(f"no value fits the schema {json.dumps(node.schema)[:200]}")
    return found


def _reachable(root: Node, target: Target) -> bool:
    """Whether every value on the way to ``target`` (and, to drop a name, its own) can exist."""
    node, way = root, [root] if target.path or target.kind == "required" else []
    for segment in target.path:
        child = node.items if segment is None else node.properties.get(segment)
        if child is None:
            return False
        node = child
        way.append(node)
    if target.kind != "required" and target.path:
        way.pop()
    return all(exists(step) for step in way)


def _cache_directory() -> Path:
    """Where Hypothesis may keep its caches for us: the user's cache, else a temporary folder."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "klaviyo-contract" / "hypothesis"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return Path(tempfile.gettempdir()) / "klaviyo-contract-hypothesis"
    return folder


def payloads(root: Node, seed: int) -> Iterator[Any]:
    """Valid payloads of ``root``, without end; the same seed gives the same ones."""
    draw = valid(root)
    r = Draws(seed)
    while True:
        r.budget = BUDGET
        yield draw(r)


def invalid_payloads(root: Node, found: Sequence[Target], seed: int) -> Iterator[InvalidPayload]:
    """Payloads of ``root`` that each break one of ``found``, labelled, without end.

    Targets that only a value that cannot exist would lead to are left out (Hypothesis
    leaves them out by rejecting the draws that try).
    """
    found = [target for target in found if _reachable(root, target)]
    if not found:
        raise GenerationError("no constraint to break is reachable")
    r = Draws(seed)
    while True:
        r.budget = BUDGET
        yield break_one(r, root, found)
