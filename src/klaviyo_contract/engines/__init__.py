"""Validation engines behind one seam: compile a schema once, then check payloads.

Each engine takes a :class:`~klaviyo_contract.registry.SchemaSet` and turns a schema
name into a :data:`Check`: a function from a payload to the violations it has, in
the dialect's semantics (nullable, asserted formats, strict mode). Engines agree on
verdicts and on each violation's (instance path, keyword); they word messages alike
through :func:`describe`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

import orjson

from .. import pointers

if TYPE_CHECKING:
    from ..model import JSON, Violation
    from ..registry import SchemaSet

#: A compiled schema: payload -> its violations (empty when it conforms).
Check = Callable[[Any], tuple["Violation", ...]]


class Engine(Protocol):
    """What every engine provides."""

    name: str

    def compile(self, name: str, *, strict: bool = False) -> Check:
        """The check for schema ``name``; compiled once, then cached."""
        ...


def _reference(schema_set: SchemaSet) -> Engine:
    from .reference import ReferenceEngine

    return ReferenceEngine(schema_set)


def _compiled(schema_set: SchemaSet) -> Engine:
    from .compiled import CompiledEngine

    return CompiledEngine(schema_set)


#: Engine name -> factory. `auto` is resolved by :func:`create`.
ENGINES: dict[str, Callable[[SchemaSet], Engine]] = {
    "reference": _reference,
    "compiled": _compiled,
}
ENGINE_CHOICES = ("auto", *ENGINES)


def compiled_available() -> bool:
    """Whether jsonschema-rs imports here (it is a default dependency)."""
    try:
        import jsonschema_rs  # noqa: F401
    except ImportError:  # pragma: no cover - a platform without its wheels
        return False
    return True


def create(name: str, schema_set: SchemaSet) -> Engine:
    """The engine called ``name`` over a set; ``auto``: compiled where installed.

    Raises:
        UsageError: no engine has that name.
    """
    if name == "auto":
        name = "compiled" if compiled_available() else "reference"
    try:
        factory = ENGINES[name]
    except KeyError:
        choices = ", ".join(ENGINE_CHOICES)
        from ..errors import UsageError

        raise UsageError(f"unknown engine {name!r}; choose from {choices}") from None
    return factory(schema_set)


def show(value: JSON, limit: int = 60) -> str:
    """A value as compact JSON, cut to ``limit`` characters."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else "Infinity" if value > 0 else "-Infinity"
    try:
        text = orjson.dumps(value).decode()
    except orjson.JSONEncodeError:  # beyond 64 bits or 255 levels, a surrogate, non-JSON
        try:
            text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        except (TypeError, ValueError):
            text = repr(value)
        except RecursionError:  # nested past what json (and repr) can walk
            text = "[…]" if isinstance(value, list) else "{…}" if isinstance(value, dict) else "…"
    return text if len(text) <= limit else text[: limit - 1] + "…"


# In a string's JSON text: an escape (a newline is \n), whitespace, a character no
# URI, date or UUID holds, or one beyond ASCII: where a format's fault usually is.
_SUSPECT = re.compile(r"\\|\s|[<>{}|^`]|[^\x00-\x7f]")


def show_fault(value: JSON, limit: int = 60) -> str:
    """A value as compact JSON; a long string keeps the part that shows its fault.

    Cut around its first suspect character (an escape such as a trailing ``\\n``,
    whitespace, a character no URI holds, non-ASCII), else around the middle,
    keeping the head and the tail: ``"https://a.klaviyo.com/api/…/01JB7Q\\n"``.
    """
    text = show(value, limit=len(str(value)) * 6 + 64)
    if not isinstance(value, str) or len(text) <= limit:
        return show(value, limit)
    inner = text[1:-1]
    found = _SUSPECT.search(inner)
    keep = limit - 4  # the quotes and up to two ellipses
    if found is None:
        head = keep // 2
        return f'"{inner[:head]}…{inner[len(inner) - (keep - head) :]}"'
    start = max(0, min(found.start() - keep // 2, len(inner) - keep))
    if start == 0:
        return f'"{inner[:keep]}…"'
    head = keep // 4  # the scheme or the start of the value, then the fault's surroundings
    start = max(head, min(found.start() - (keep - head) // 2, len(inner) - (keep - head)))
    end = start + keep - head
    return f'"{inner[:head]}…{inner[start:end]}{"…" * (end < len(inner))}"'


#: At most this many tokens of a deep value's pointer are shown.
_POINTER_TOKENS = 8


def nesting(payload: Any) -> tuple[int, str]:
    """How many levels of arrays and objects ``payload`` nests, and where.

    Walks without recursion, so it answers for any depth. The place is the JSON
    Pointer of the deepest value, without the run of array positions it ends in
    (``/attributes/total_count`` for an array nested there), cut to a few tokens.
    """
    # Each container met: (its parent's index, its key or position); the deepest so far.
    nodes: list[tuple[int, str | int]] = [(-1, "")]
    stack: list[tuple[Any, int, int]] = [(payload, 0, 0)]
    best_depth, best_node = 0, 0
    while stack:
        value, depth, node = stack.pop()
        if isinstance(value, dict):
            items: Any = value.items()
        elif isinstance(value, list):
            items = enumerate(value)
        else:
            continue
        depth += 1
        if depth > best_depth:
            best_depth, best_node = depth, node
        children = [(key, child) for key, child in items if isinstance(child, (dict, list))]
        for key, child in reversed(children):  # popped in document order: ties go first
            nodes.append((node, key))
            stack.append((child, depth, len(nodes) - 1))
    tokens: list[str | int] = []
    while best_node > 0:
        best_node, token = nodes[best_node]
        tokens.append(token)
    tokens.reverse()
    while tokens and isinstance(tokens[-1], int):
        tokens.pop()
    more = "/…" if len(tokens) > _POINTER_TOKENS else ""
    return best_depth, pointers.pointer(tokens[:_POINTER_TOKENS]) + more


_FORMAT_RULES = {
    "date-time": "an RFC 3339 date-time",
    "date": "an RFC 3339 full-date",
    "time": "an RFC 3339 full-time",
    "uri": "an absolute RFC 3986 URI",
    "email": "an RFC 5321 mailbox",
    "uuid": "a UUID",
}


def describe(keyword: str, expected: Any, instance: JSON, prop: str | None = None) -> str | None:
    """The message for a failed keyword, worded the same whichever engine found it.

    Returns None for keywords without a dialect wording (the engine's own is used).
    """
    if keyword == "type":
        kinds = expected if isinstance(expected, list) else [expected]
        wanted = " or ".join(f'"{kind}"' for kind in kinds)
        return f"{show(instance)} is not of type {wanted}"
    if keyword == "enum":
        return f"{show(instance)} is not one of {show(expected, 200)}"
    if keyword == "const":
        return f"{show(instance)} is not {show(expected)}"
    if keyword == "required":
        return f'"{prop}" is a required property'
    if keyword == "format":
        rule = _FORMAT_RULES.get(expected, f'a "{expected}"')
        return f"{show_fault(instance)} is not {rule}"
    if keyword == "additionalProperties":
        return f'"{prop}" is not a property the schema names (strict mode)'
    if keyword in ("oneOf", "anyOf"):
        return f"{show(instance)} matches none of {len(expected)} alternatives"
    if keyword == "maxProperties":
        return f"has more than {expected} properties"
    return None
