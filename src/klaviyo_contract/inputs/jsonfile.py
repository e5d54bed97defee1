"""The ``.json`` reader: one payload per file, or one per item of a top-level array.

A file larger than :data:`STREAM_THRESHOLD` whose top-level value is an array is read
item by item with ijson (its yajl2 C backend), so memory stays flat however many items
it holds; any other file is read whole and parsed by :func:`._json.parse`.
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import json
import os
import re
import stat
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..model import Problem, Record, Source
from ..pointers import escape
from ._json import MAX_DEPTH, os_reason, parse, problem

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from typing import BinaryIO

__all__ = ["CHUNK_SIZE", "STREAM_THRESHOLD", "payloads", "read_document", "read_json"]

#: A ``.json`` file larger than this (in bytes) holding an array is streamed.
STREAM_THRESHOLD = 8 * 1024 * 1024
#: How many bytes a streamed file is read (and handed to the parser) at a time.
CHUNK_SIZE = 64 * 1024

_WHITESPACE = b" \t\r\n"
_UNICODE_MARKS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_CONTINUATION = bytes(range(0x80, 0xC0))  # UTF-8 bytes that start no character
# A surrogate \u escape: yajl turns a lone one into "?" without a word.
_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_LOW_SURROGATE = re.compile(rb"\\u[dD][c-fC-F][0-9a-fA-F]{2}")
_NUMBER = re.compile(rb"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_CONSTANT = re.compile(rb"-?(?:NaN|Infinity)")
_LITERAL = re.compile(rb"[a-z]+")
_SCALARS = frozenset({"string", "number", "boolean", "null"})
_OPENING = frozenset({"start_map", "start_array"})
_TOO_DEEP = b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1)
# yajl's verbose message: a context line whose column 40 is the error's offset.
_CARET = 40
_CONTEXT = 30
# How much of the text before a chunk is kept, to find a token a fault began in.
_TAIL = 256


def read_json(stream: BinaryIO, path: str) -> Iterator[Record | Problem]:
    """Read a JSON file: whole (see :func:`read_document`), or streamed when it is large.

    A regular file larger than :data:`STREAM_THRESHOLD` whose first value is an array
    is read :data:`CHUNK_SIZE` bytes at a time, each item yielded once parsed: the
    same Records as the whole file gives (``entry="[i]"``; integers beyond 64 bits,
    which yajl cannot read, make it read the file again with ijson's exact but slow
    Python backend), and the same refusals (NaN, bad UTF-8, a lone surrogate,
    duplicate keys, absurd nesting, too large a number) with the same reasons (a few
    syntax faults are worded after what the streaming parser saw). The Problem then
    comes where the file goes wrong, after every item before it:

    - a fault in the text (bad JSON, a truncated file) ends the file, located by line
      and column as far as the parser tells, and by the ``entry`` it stops in;
    - an item with a duplicate key is a Problem at its ``entry``, naming the object,
      and the items after it are read.

    Args:
        stream: the open file, binary.
        path: the name to put in each Source.

    Returns:
        An iterator of Records, and of ``unreadable`` Problems saying why not.
    """
    try:
        if _size(stream) <= STREAM_THRESHOLD:
            data = stream.read()
        else:
            origin = stream.tell() if stream.seekable() else None
            head = stream.read(CHUNK_SIZE)
            if head.lstrip(_WHITESPACE)[:1] == b"[" and not head.startswith(_UNICODE_MARKS):
                yield from _stream(stream, origin, head, path)
                return
            data = head + stream.read()
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
    none. Any other value is one payload. (:func:`read_json` streams a large file's
    array into the same Records.)
    """
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield Record(Source(path, entry=f"[{index}]"), item)
    else:
        yield Record(Source(path), value)


def _size(stream: BinaryIO) -> int:
    """The size of a regular file; 0 (read it whole) for a pipe or an in-memory stream."""
    try:
        status = os.fstat(stream.fileno())
    except (OSError, ValueError, AttributeError):  # io.UnsupportedOperation is both
        return 0
    return status.st_size if stat.S_ISREG(status.st_mode) else 0


def _stream(
    stream: BinaryIO, origin: int | None, head: bytes, path: str
) -> Iterator[Record | Problem]:
    """The items of the array that ``head`` starts; past an integer beyond 64 bits,
    from the start again with the exact backend (``origin``: where the file starts)."""
    fast_backend, exact_backend, _ = _backends()
    fast = _ArrayReader(path, fast_backend, skip=0)
    yield from fast.read(_chunks(stream, head))
    if fast.overflow is None:
        return
    if origin is None:
        reason = "an integer beyond 64 bits, which only a file that can be read twice allows"
        yield Problem(Source(path, entry=f"[{fast.overflow}]"), f"cannot stream: {reason}")
        return
    stream.seek(origin)
    exact = _ArrayReader(path, exact_backend, skip=fast.overflow)
    yield from exact.read(_chunks(stream, b""))


@functools.cache
def _backends() -> tuple[Any, Any, type[Exception]]:
    """ijson's yajl2 C backend (or the best it has), its exact Python one, and its
    error class; imported only when a file is streamed (it costs ~20 ms of startup)."""
    import ijson

    try:
        fast = ijson.get_backend("yajl2_c")
    except ImportError:  # pragma: no cover - a platform without ijson's C extension
        fast = ijson  # the best backend ijson found
    # yajl reads integers as 64-bit; past that it stops ("integer overflow"), and only
    # the pure Python backend reads them exactly (as _json.parse does).
    return fast, ijson.get_backend("python"), ijson.JSONError


def _chunks(stream: BinaryIO, head: bytes) -> Iterator[bytes]:
    if head:
        yield head
    while chunk := stream.read(CHUNK_SIZE):
        yield chunk


class _Events(list[tuple[str, Any]]):
    """Where ijson's push parser puts the events of each chunk it is sent."""

    send = list.append


class _ArrayReader:
    """One pass of an ijson backend over the chunks of a top-level array.

    Attributes:
        overflow: when yajl met an integer beyond 64 bits (which only the exact
            backend reads), how many items had been read before it; else None.
    """

    def __init__(self, path: str, backend: Any, *, skip: int) -> None:
        self.path = path
        self.backend = backend
        self.skip = skip  # items already yielded by an earlier pass
        self.events = _Events()
        self.builder = _Builder()
        self.text = _Text()
        self.index = 0
        self.overflow: int | None = None

    def read(self, chunks: Iterable[bytes]) -> Iterator[Record | Problem]:
        """Records for the items, then the Problem that ends the array early, if any."""
        parser = self.backend.basic_parse_coro(self.events, use_float=True)
        try:
            yield from self._parse(parser, iter(chunks))
        except InputError as err:  # nested too deep
            yield self.problem(err.reason)
        except OSError as err:
            yield Problem(Source(self.path, *self.text.at(b"", 0)), os_reason(err))
        finally:
            with contextlib.suppress(_backends()[2], ValueError):  # already reported
                parser.close()

    def _parse(self, parser: Any, source: Iterator[bytes]) -> Iterator[Record | Problem]:
        held = b""  # the start of a surrogate pair whose second half is still unread
        text = self.text
        while True:
            read = next(source, None)
            chunk = held + (read or b"")
            data = text.tail + chunk
            stop, reason = _surrogates(data, len(text.tail), final=read is None)
            cut = max(stop - len(text.tail), 0)
            sent, held = chunk[:cut], chunk[cut:]
            error = _send(parser, sent)
            yield from self.items()
            if error is not None:
                if self.backend is not _backends()[1] and "integer overflow" in str(error):
                    self.overflow = self.index
                    return
                after = _ahead(held, source)
                yield self.problem(*_fault(error, sent, after, text))
                return
            if reason is not None:
                yield self.problem(reason, _position(text.tail_at, data, stop))
                return
            text.advance(sent)
            if read is None:
                break
        error = _send(parser, None)
        yield from self.items()
        if error is not None:
            yield self.problem(*_fault(error, b"", b"", text))

    def items(self) -> Iterator[Record | Problem]:
        """The items the last events completed, past those to skip."""
        for item, duplicate in self.builder.feed(self.events):
            if self.index >= self.skip:
                yield _record(self.path, self.index, item, duplicate)
            self.index += 1
        del self.events[:]

    def problem(self, reason: str, where: tuple[int, int] | None = None) -> Problem:
        """A fault in the item being read; after the array's end, in no item."""
        entry = None if self.builder.closed else f"[{self.index}]"
        line, column = where or (None, None)
        return Problem(Source(self.path, line, column, entry), reason)


def _send(parser: Any, chunk: bytes | None) -> Exception | None:
    """Send ``chunk`` to ``parser`` (None: the input ended); the error it raised."""
    try:
        if chunk is None:
            parser.close()
        elif chunk:  # ijson takes an empty chunk for the end of the input
            parser.send(chunk)
    except (_backends()[2], ValueError) as err:  # UnicodeDecodeError too
        return err
    return None


def _ahead(held: bytes, source: Iterator[bytes]) -> bytes:
    """The next few bytes: the token a fault is in may go on past its chunk."""
    after = held
    while len(after) < _CONTEXT and (more := next(source, b"")):
        after += more
    return after[:_TAIL]


def _record(
    path: str, index: int, item: Any, duplicate: tuple[str, str] | None
) -> Record | Problem:
    source = Source(path, entry=f"[{index}]")
    if duplicate is None:
        return Record(source, item)
    key, pointer = duplicate
    name = json.dumps(key, ensure_ascii=False)
    return Problem(source, f"duplicate key {name} in the object at /{index}{pointer}")


class _Builder:
    """Builds each item of the top-level array from ijson's basic_parse events.

    ijson's own builders keep the last of two equal keys without a word; this one
    notes the first duplicate of each item (and where), as :func:`._json.parse`
    refuses them, and refuses nesting deeper than :data:`._json.MAX_DEPTH`.
    """

    def __init__(self) -> None:
        self.stack: list[Any] = []  # the open containers of the item being built
        self.key: str = ""
        self.duplicate: tuple[str, str] | None = None
        self.opened = False  # the top-level array's start
        self.closed = False  # and its end

    def feed(
        self, events: Iterable[tuple[str, Any]]
    ) -> Iterator[tuple[Any, tuple[str, str] | None]]:
        """The items completed by ``events``, each with its first duplicate key, if any."""
        stack, key = self.stack, self.key
        top: Any = stack[-1] if stack else None  # the innermost open container
        in_list = type(top) is list
        for event, value in events:
            if event == "map_key":
                if value in top and self.duplicate is None:
                    self.duplicate = (value, _pointer(stack))
                key = value
            elif event in _SCALARS:
                if in_list:
                    top.append(value)
                elif top is not None:
                    top[key] = value
                else:
                    yield value, None
            elif event in _OPENING:
                if not self.opened:
                    self.opened = True
                    continue
                container: Any = {} if event == "start_map" else []
                if in_list:
                    top.append(container)
                elif top is not None:
                    top[key] = container
                stack.append(container)
                if len(stack) >= MAX_DEPTH:  # the top-level array is one level more
                    raise InputError(_parse_reason(_TOO_DEEP))
                top, in_list = container, event == "start_array"
            elif stack:
                item = stack.pop()
                if stack:
                    top = stack[-1]
                    in_list = type(top) is list
                else:
                    top, in_list = None, False
                    self.key = key
                    yield item, self.duplicate
                    self.duplicate = None
            else:
                self.closed = True
        self.key = key


def _pointer(stack: list[Any]) -> str:
    """JSON Pointer, from the item, of the innermost open object: each open container
    is the last one added to its parent (the first duplicate is noted before any
    other could reorder a parent)."""
    steps = []
    for parent in stack[:-1]:
        step = str(len(parent) - 1) if type(parent) is list else next(reversed(parent))
        steps.append("/" + escape(step))
    return "".join(steps)


def _surrogates(data: bytes, base: int, *, final: bool) -> tuple[int, str | None]:
    """Where to stop sending ``data`` (its new part starts at ``base``) to the parser,
    and why: yajl turns a lone surrogate escape into "?" without a word.

    Returns ``(len(data), None)`` when all is well; ``(offset, reason)`` at a lone
    surrogate; ``(offset, None)`` at a first half whose second may start the next
    chunk (unless ``final``): the parser gets it with that chunk.
    """
    if b"\\u" not in data:
        return len(data), None
    for match in _SURROGATE.finditer(data, max(base - 11, 0)):
        start = match.start()
        run = start
        while run > 0 and data[run - 1] == 0x5C:
            run -= 1
        if (start - run) % 2:  # an escaped backslash, then "u"
            continue
        if data[start + 3] in b"89abAB":  # a high half: a low one must follow
            if _LOW_SURROGATE.match(data, start + 6):
                continue
            if len(data) < start + 12 and not final:
                return max(start, base), None
        elif start >= 6 and _SURROGATE.match(data, start - 6) and data[start - 3] in b"89abAB":
            continue  # the low half of a pair
        return start, _parse_reason(b'"' + match.group() + b'"')
    return len(data), None


def _parse_reason(data: bytes) -> str:
    """The reason :func:`._json.parse` gives for ``data``: one wording for both paths."""
    try:
        parse(data)
    except InputError as err:
        return err.reason
    raise AssertionError(f"{data!r} parses")  # pragma: no cover - callers pass bad JSON


class _Text:
    """Where the text parsed so far ends, and its last bytes: a fault the parser
    reports in a chunk may have begun in the one before."""

    def __init__(self) -> None:
        self.tail = b""
        self.tail_at = (1, 1)  # line and column (in characters) of the tail's start

    def advance(self, chunk: bytes) -> None:
        """Take ``chunk`` as parsed."""
        joined = self.tail + chunk
        keep = max(len(joined) - _TAIL, 0)
        self.tail_at = _position(self.tail_at, joined, keep)
        self.tail = joined[keep:]

    def at(self, chunk: bytes, offset: int) -> tuple[int, int]:
        """Line and column of ``chunk[offset]``, ``chunk`` following the text so far."""
        return _position(self.tail_at, self.tail + chunk, len(self.tail) + offset)


def _position(start: tuple[int, int], data: bytes, offset: int) -> tuple[int, int]:
    """Line and column of ``data[offset]``, ``data`` starting at ``start``."""
    newlines = data.count(b"\n", 0, offset)
    if not newlines:
        return start[0], start[1] + _characters(data[:offset])
    begin = data.rfind(b"\n", 0, offset) + 1
    return start[0] + newlines, 1 + _characters(data[begin:offset])


def _characters(data: bytes) -> int:
    return len(data.translate(None, _CONTINUATION))


def _fault(
    error: Exception, chunk: bytes, after: bytes, text: _Text
) -> tuple[str, tuple[int, int] | None]:
    """The reason for a parse error in ``chunk`` (empty: at the end of the input), and
    where it is, ``after`` being the bytes that follow the chunk."""
    first, context = _message(error)
    if not chunk:  # the parser found the input ended too soon
        return _parse_reason(b"["), text.at(chunk, 0)
    offset = _offset(context, chunk)
    if offset is None:  # a position the parser did not give
        return _plain(first), None
    data = text.tail + chunk + after
    reason, fault = _explain(first, data, len(text.tail) + offset)
    return reason, _position(text.tail_at, data, fault)


def _message(error: Exception) -> tuple[str, bytes]:
    """The first line of a parser's message, and yajl's context line (raw bytes)."""
    message = str(error)
    if message.startswith(("b'", 'b"')):  # ijson could not decode yajl's context line
        import ast

        raw = ast.literal_eval(message)
        if isinstance(raw, bytes):
            lines = raw.split(b"\n")
            context = lines[1] if len(lines) > 2 else b""
            return lines[0].decode("utf-8", "replace"), context
    lines_ = message.split("\n")
    context = lines_[1].encode("utf-8", "surrogateescape") if len(lines_) > 2 else b""
    return lines_[0], context


def _offset(context: bytes, chunk: bytes) -> int | None:
    """The offset in ``chunk`` that yajl's context line points at, if it has one.

    yajl prints up to 30 bytes before the offset and 30 after (newlines as spaces),
    padded so that the offset falls on column 40.
    """
    if not context.strip(b" "):
        return None
    flat = chunk.replace(b"\n", b" ").replace(b"\r", b" ")
    for before in range(_CONTEXT):  # near the start of the chunk: padded by 40 - offset
        if context[: _CARET - before].strip(b" ") == b"" and flat.startswith(
            context[_CARET - before :]
        ):
            return before
    found = flat.find(context[_CARET - _CONTEXT :])
    return None if found < 0 else found + _CONTEXT


#: A phrase of a yajl message -> a text :func:`._json.parse` refuses for the same fault.
_PROBES = {
    "after array element": b"[1 1]",
    "inside map": b'{"a":1 1}',
    "separated by a colon": b'{"a" 1}',
    "invalid object key": b"{1:1}",
    "invalid char in json text": b"[x]",
    "unallowed token": b"[,]",
    "after the minus sign": b"[-]",
    "after the decimal point": b"[1.]",
    "after the exponent": b"[1e]",
    "which it may not": b'"\\x"',
    "non-hex": b'"\\x"',
    "trailing garbage": b"[] x",
}


def _explain(first: str, data: bytes, offset: int) -> tuple[str, int]:
    """The reason and the offset of the fault yajl reports at ``offset`` of ``data``.

    yajl's offset is where it stopped reading, past the offending byte for most
    faults. The reason is the one :func:`._json.parse` gives for the same fault.
    """
    lowered = first.lower()
    at = min(max(offset - 1, 0), len(data) - 1)
    constant = _CONSTANT.search(data, max(at - 9, 0), at + 10)
    if constant is not None and constant.start() <= at + 1:
        return _parse_reason(constant.group()), constant.start()
    if "overflow" in lowered:
        for number in _NUMBER.finditer(data, max(offset - _TAIL, 0), offset + _TAIL):
            if number.end() >= offset:
                return _parse_reason(number.group()), number.start()
    if "utf8" in lowered:
        start = max(offset - 8, 0)
        while start and data[start] in _CONTINUATION:
            start -= 1
        try:
            data[start : offset + 4].decode("utf-8")
        except UnicodeDecodeError as bad:
            where = start + bad.start
            return _parse_reason(b'"' + data[where : start + bad.end] + b'"'), where
    if "inside string" in lowered:
        for control in range(max(at - 2, 0), min(at + 3, len(data))):
            if data[control] < 0x20:
                return _parse_reason(b'"' + data[control : control + 1] + b'"'), control
    if "invalid string" in lowered:  # a bad literal: tru, nul, fals
        literal = _LITERAL.search(data, max(at - 5, 0), at + 5)
        if literal is not None:
            return _parse_reason(b"[" + literal.group() + b"]"), literal.start()
    if "malformed number" in lowered:
        at += 1
    if "non-hex" in lowered or "which it may not" in lowered:
        at = max(data.rfind(b"\\", 0, at + 1), 0)
    while at < len(data) - 1 and data[at] in _WHITESPACE:
        at += 1
    before = data[:at].rstrip(_WHITESPACE)
    if "unallowed token" in lowered and data[at : at + 1] in (b"]", b"}") and before[-1:] == b",":
        return _parse_reason(b"[1,]"), len(before) - 1
    for phrase, probe in _PROBES.items():
        if phrase in lowered:
            return _parse_reason(probe), at
    return _plain(first), at


def _plain(first: str) -> str:
    """yajl's (or the Python backend's) first line, in the words of our other reasons."""
    text = first.split(": ", 1)[1] if first.startswith(("parse error", "lexical error")) else first
    text = text.replace("I expect", "expected").rstrip(".")
    return f"not valid JSON: {text[:1].lower()}{text[1:]}"
