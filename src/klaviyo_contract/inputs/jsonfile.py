"""The ``.json`` reader: one payload per file, or one per item of a top-level array."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..model import Problem, Record, Source
from ._json import os_reason, parse, problem

if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import BinaryIO

__all__ = ["payloads", "read_document", "read_json"]


def read_json(stream: BinaryIO, path: str) -> Iterator[Record | Problem]:
    """Read a whole JSON file as one document (see :func:`read_document`).

    Args:
        stream: the open file, binary.
        path: the name to put in each Source.

    Returns:
        An iterator of Records, or of one ``unreadable`` Problem saying why not.
    """
    try:
        data = stream.read()
    except OSError as err:
        yield Problem(Source(path), os_reason(err))
        return
    yield from read_document(data, path)


def read_document(data: bytes, path: str, *, hint: str = "") -> Iterator[Record | Problem]:
    """Parse one JSON document and yield its payloads, or the Problem that stops it.

    ``hint`` is appended to the reason of a failure (the dispatcher says there why it
    read a file of unknown suffix as JSON).
    """
    try:
        value = parse(data)
    except InputError as err:
        yield problem(path, err, hint=hint)
        return
    yield from payloads(value, path)


def payloads(value: Any, path: str) -> Iterator[Record]:
    """The payloads of one parsed document.

    Klaviyo responses are objects, so a top-level array is a list of payloads (the way
    people save a batch): one Record per item, ``entry="[i]"``; an empty array holds
    none. Any other value is one payload. (A streaming reader for huge arrays, with
    ijson, would yield the same Records item by item.)
    """
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield Record(Source(path, entry=f"[{index}]"), item)
    else:
        yield Record(Source(path), value)
