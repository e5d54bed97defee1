"""The ``.ndjson`` / ``.jsonl`` reader: one payload per line, streamed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson

from ..errors import InputError
from ..model import Problem, Record, Source
from ._json import os_reason, parse, problem

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from typing import BinaryIO

__all__ = ["as_records", "numbered_payloads", "read_lines", "read_ndjson"]

_WHITESPACE = b" \t\r\n"


def read_ndjson(stream: BinaryIO, path: str) -> Iterator[Record | Problem]:
    """Read newline-delimited JSON, one line at a time (memory stays flat).

    Each non-blank line is one payload, ``Source.line`` its 1-based line number. A bad
    line is a Problem and reading goes on with the next. A file with no payload lines
    yields nothing (a valid, empty stream). A UTF-8 byte order mark is refused like
    any other fault of its line (RFC 8259 8.1); at the start of the file that is line 1.

    Args:
        stream: the open file, binary; it is iterated, never read whole.
        path: the name to put in each Source.

    Returns:
        An iterator of Records and Problems, in line order.
    """
    yield from read_lines(enumerate(stream, 1), path)


def read_lines(lines: Iterable[tuple[int, bytes]], path: str) -> Iterator[Record | Problem]:
    """Parse numbered lines as NDJSON (the part shared with standard input sniffing)."""
    return as_records(numbered_payloads(lines, path), path)


def as_records(items: Iterable[tuple[int, Any] | Problem], path: str) -> Iterator[Record | Problem]:
    """Numbered payloads of ``path`` as Records located by line; problems pass through."""
    for item in items:
        yield item if isinstance(item, Problem) else Record(Source(path, item[0]), item[1])


def numbered_payloads(
    lines: Iterable[tuple[int, bytes]], path: str
) -> Iterator[tuple[int, Any] | Problem]:
    """Each payload line's number and value, or its Problem: what :func:`read_lines`
    makes Records of, for callers that build a Source only when they need one.

    A read error of the stream ends it with a Problem at the line it could not read.
    """
    # The common line (compact JSON as a serializer writes it, as Klaviyo sends it) is
    # read here with one orjson.loads and one orjson.dumps: when the value written back
    # is the line up to its trailing whitespace, nothing was lost in reading it, and
    # that is what :func:`parse` would return (its own first test). Any other line goes
    # through :func:`parse` whole. No call, slice or strip per line otherwise.
    loads, dumps = orjson.loads, orjson.dumps
    number = 0
    try:
        for number, line in lines:
            try:
                value = loads(line)
                written = dumps(value)
            except (orjson.JSONDecodeError, orjson.JSONEncodeError):
                pass
            else:
                if line.startswith(written) and not line[len(written) :].strip(_WHITESPACE):
                    yield number, value
                    continue
            # Trailing whitespace is cut (columns stay right); a blank line is empty.
            text = line.rstrip(_WHITESPACE)
            if not text:
                continue
            try:
                yield number, parse(text)
            except InputError as err:
                yield problem(path, err, line=number)
    except OSError as err:
        yield Problem(Source(path, number + 1), os_reason(err))
