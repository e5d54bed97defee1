"""JSON Pointers (RFC 6901): the one place that escapes and unescapes reference tokens."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def escape(token: str | int) -> str:
    """One reference token as a pointer writes it: ``~`` as ``~0``, ``/`` as ``~1``."""
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    """One reference token as it was before :func:`escape` (``~1`` first, as 6901 says)."""
    return token.replace("~1", "/").replace("~0", "~")


def pointer(tokens: Iterable[str | int]) -> str:
    """A JSON Pointer from its tokens (``""`` for the whole document)."""
    return "".join("/" + escape(token) for token in tokens)


def tokens(text: str) -> list[str]:
    """The unescaped tokens of a pointer; a leading ``#`` (a URI fragment) is dropped."""
    return [unescape(token) for token in text.removeprefix("#").split("/")[1:]]


def resolve(document: Any, text: str) -> Any:
    """The value ``text`` points at in ``document``.

    Raises:
        LookupError: (KeyError or IndexError) nothing is there.
        ValueError: an array step is not a number.
    """
    node = document
    for token in tokens(text):
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node
