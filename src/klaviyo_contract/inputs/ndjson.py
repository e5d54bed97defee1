"""The ``.ndjson`` / ``.jsonl`` reader: one payload per line, streamed."""

from __future__ import annotations

from itertools import chain
from typing import TYPE_CHECKING, Any

import orjson

from ..errors import InputError
from ..model import Problem, Record, Source
from ._json import os_reason, parse, problem

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from typing import BinaryIO

__all__ = [
    "BATCH",
    "as_records",
    "numbered_batches",
    "numbered_payloads",
    "read_lines",
    "read_ndjson",
]

_WHITESPACE = b" \t\r\n"
_ORJSON_ERRORS = (orjson.JSONDecodeError, orjson.JSONEncodeError)


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
    Each item comes as soon as its line is read (standard input may be a live stream).
    """
    return chain.from_iterable(numbered_batches(lines, path, 1))


#: Items per list of :func:`numbered_batches`: ~1,000 lines of a day's captures (~2 MB
#: of values held at once) per generator step instead of one each.
BATCH = 1024


def numbered_batches(
    lines: Iterable[tuple[int, bytes]], path: str, size: int = BATCH
) -> Iterator[list[tuple[int, Any] | Problem]]:
    """:func:`numbered_payloads` in lists of up to ``size`` items (none empty): a
    consumer's loop over a list costs less per payload than a generator step each."""
    # The common line (compact JSON as a serializer writes it, as Klaviyo sends it) is
    # read here with one orjson.loads and one orjson.dumps: when the value written back
    # is the line up to its trailing whitespace, nothing was lost in reading it, and
    # that is what :func:`parse` would return (its own first test). Any other line goes
    # through :func:`parse` whole.
    loads, dumps, errors = orjson.loads, orjson.dumps, _ORJSON_ERRORS
    batch: list[tuple[int, Any] | Problem] = []
    append = batch.append
    number = 0
    try:
        for number, line in lines:
            try:
                value = loads(line)
                written = dumps(value)
            except errors:
                written = None
            if written is not None and (
                line.startswith(written) and not line[len(written) :].strip(_WHITESPACE)
            ):
                append((number, value))
            else:
                # Trailing whitespace is cut (columns stay right); a blank line is empty.
                text = line.rstrip(_WHITESPACE)
                if not text:
                    continue
                try:
                    append((number, parse(text)))
                except InputError as err:
                    append(problem(path, err, line=number))
            if len(batch) >= size:
                yield batch
                batch = []
                append = batch.append
    except OSError as err:
        append(Problem(Source(path, number + 1), os_reason(err)))
    if batch:
        yield batch
