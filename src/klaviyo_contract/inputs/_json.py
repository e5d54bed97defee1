"""JSON text to Python values for every reader: strict, fast, one-line reasons on failure."""

from __future__ import annotations

import codecs
import json
import math
import re
import sys
from typing import TYPE_CHECKING, Any

import orjson

from .. import pointers
from ..errors import InputError
from ..model import Problem, Source

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["MAX_DEPTH", "os_reason", "parse", "problem"]

#: Arrays and objects nested deeper than this are refused (orjson's own limit).
MAX_DEPTH = 1024

_WHITESPACE = b" \t\r\n"  # RFC 8259 section 2: the only insignificant whitespace

# Integers outside [-2**63, 2**64) are what orjson turns into floats without a word; the
# shortest of them (-9223372036854775809) has 19 digits. A document with no run of 19
# digits anywhere (strings included: the test only has to be sound, not exact) has none.
_LONG_RUN = b"9" * 19
_DIGITS_AS_NINES = bytes(0x39 if 0x30 <= byte <= 0x39 else 0x20 for byte in range(256))

_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_CONSTANT = re.compile(r"-?(?:NaN|Infinity)")
# A string token (the unrolled form: no per-character alternation) or a structural one.
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\],:]')


def parse(data: bytes) -> Any:
    """Parse one JSON text (RFC 8259), strictly.

    Beyond the grammar, these are refused with a reason: a UTF-8 byte order mark
    (RFC 8259 section 8.1: senders MUST NOT add one), text that is not UTF-8, ``NaN``
    and ``Infinity``, duplicate keys (section 4 leaves their meaning to each reader,
    so two tools may see two different payloads), nesting deeper than
    :data:`MAX_DEPTH`, and numbers that do not fit a 64-bit float.

    Integers are kept exact at any size: orjson reads integers outside
    ``[-2**63, 2**64)`` as floats, rounded, so a document that may hold one is read
    again with :func:`json.loads`, which makes Python ints. A JSON Schema
    ``integer``, ``enum``, ``const`` or ``maximum`` check thus sees the integer that
    was written (only integers longer than Python's ``int`` digit limit, 4300 by
    default, are refused).

    Both checks cost one ``orjson.dumps`` and a comparison for text that orjson
    writes back byte for byte (compact JSON, as Klaviyo sends it): nothing was lost
    in reading it. Other text is scanned (``python benchmarks/parse.py``).

    Args:
        data: the raw bytes of one JSON text (a file, or one line of NDJSON).

    Returns:
        The parsed value: dicts, lists, str, int, float, bool and None.

    Raises:
        InputError: with a one-line ``reason`` (no location in it) and the 1-based
            ``line`` and ``column`` of the fault where known.
    """
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as err:
        return _diagnose(data, err)
    try:
        dumped: bytes | None = orjson.dumps(value)
    except orjson.JSONEncodeError:  # nested deeper than orjson writes (255)
        dumped = None
    if dumped is not None and (dumped == data or _written_back(data, dumped)):
        return value
    if dumped is None or not _keys_all_kept(data, dumped):
        _check_duplicates(data.decode("utf-8"))
    if _LONG_RUN in data.translate(_DIGITS_AS_NINES):
        return _parse_exact(data.decode("utf-8"), check_duplicates=False)
    return value


def problem(path: str, error: InputError, *, line: int | None = None, hint: str = "") -> Problem:
    """Turn a parse failure into an ``unreadable`` Problem located in its file.

    ``line`` is the file line the parsed text starts on (NDJSON); the error's own line
    counts from there. The location goes in the Source, which every report prints
    before the reason; ``hint`` is appended to the reason.
    """
    where_line = error.line
    if line is not None:
        where_line = line if error.line is None else line + error.line - 1
    return Problem(Source(path, where_line, error.column), error.reason + hint, "unreadable")


def os_reason(error: OSError, action: str = "cannot read") -> str:
    """A one-line reason for a failed open, read or listing (no Python repr)."""
    if isinstance(error, FileNotFoundError):
        return "no such file or directory"
    text = error.strerror or str(error) or type(error).__name__
    return f"{action}: {text[:1].lower()}{text[1:]}"


def _written_back(data: bytes, dumped: bytes) -> bool:
    """Whether ``data`` is, up to trailing whitespace, what orjson writes for its value.

    Compact JSON from a serializer like orjson's (Klaviyo's responses as captured)
    is, and then nothing was lost in reading it: a text with a duplicate key would
    be written back with one member fewer, and an integer that orjson rounded to a
    float would be written back with a ``.`` or an exponent. One memcmp instead of
    the two scans below.
    """
    return data.startswith(dumped) and not data[len(dumped) :].strip(_WHITESPACE)


def _keys_all_kept(data: bytes, dumped: bytes) -> bool:
    """A sound, cheap test that orjson dropped no duplicate key (False: maybe it did).

    Every ``:`` of a JSON text either ends a key or sits inside a string, and
    ``orjson.dumps`` (``dumped``) writes each kept key with one ``:`` and each
    string's colons as they are. The colons of the text (plus every ``\\u003a``
    spelling, counted generously) equal those of the re-serialised value when no key
    was dropped, and are more when one was: a dropped duplicate takes at least its
    own ``:`` with it. ``python benchmarks/parse.py`` measures what this costs.
    """
    colons = data.count(b":")
    if b"\\" in data:  # memchr-fast; only an escape can spell a colon without one
        colons += data.count(b"\\u003a") + data.count(b"\\u003A")
    return colons == dumped.count(b":")


def _diagnose(data: bytes, error: orjson.JSONDecodeError) -> Any:
    """Raise the InputError that says what is wrong with ``data``.

    Returns a value instead in one case: an integer too big for orjson, which
    :func:`json.loads` reads exactly.
    """
    if not data.strip(_WHITESPACE):
        raise InputError("empty input") from None
    if data.startswith(codecs.BOM_UTF8):
        raise InputError(
            "starts with a UTF-8 byte order mark, which RFC 8259 (8.1) forbids; "
            "remove the byte order mark",
            1,
            1,
        ) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data[:2]:
        raise InputError("not UTF-8: looks like UTF-16 or UTF-32; save it as UTF-8", 1, 1) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as bad:
        line, column = _byte_position(data, bad.start)
        raise InputError(
            f"not UTF-8: {bad.reason} 0x{data[bad.start]:02x}; save it as UTF-8", line, column
        ) from None

    message, pos = error.msg, error.pos
    lowered = message.lower()
    if "depth" in lowered or "recursion" in lowered:
        raise InputError(_too_deep(), error.lineno, error.colno) from None
    start = pos - 1 if 0 < pos <= len(text) and text[pos - 1] == "-" else pos
    constant = _CONSTANT.match(text, start)
    if constant:
        raise InputError(_not_a_number(constant.group()), *_position(text, start)) from None
    if "infinity" in lowered:
        number = _NUMBER.match(text, pos)
        if number and number.group(1) is None and number.group(2) is None:
            # orjson stopped here, so json.loads judges the rest alone; it is as strict
            # (with the hooks below) except that it lets an escaped lone surrogate pass.
            return _parse_exact(text, check_duplicates=True)
        token = number.group() if number else "a number"
        raise InputError(_too_large(token), error.lineno, error.colno) from None
    raise InputError(f"not valid JSON: {_explain(message)}", error.lineno, error.colno) from None


class _BadToken(Exception):
    """Raised from inside json.loads' hooks: the token and what is wrong with it."""

    def __init__(self, token: str, reason: str) -> None:
        super().__init__(token, reason)
        self.token = token
        self.reason = reason


def _parse_exact(text: str, *, check_duplicates: bool) -> Any:
    """The slow, exact reading: Python ints of any size, same refusals as orjson's."""
    try:
        value = json.loads(
            text, parse_int=_exact_int, parse_float=_finite_float, parse_constant=_no_constant
        )
    except _BadToken as bad:
        raise InputError(bad.reason, *_find_token(text, bad.token)) from None
    except json.JSONDecodeError as err:
        raise InputError(f"not valid JSON: {_explain(err.msg)}", err.lineno, err.colno) from None
    except RecursionError:
        raise InputError(_too_deep()) from None
    if check_duplicates:
        _check_duplicates(text)
    return value


def _exact_int(token: str) -> int:
    limit: Callable[[], int] | None = getattr(sys, "get_int_max_str_digits", None)
    digits = len(token) - token.startswith("-")
    most = limit() if limit else 0
    if most and digits > most:
        raise _BadToken(token, f"integer too long: {digits} digits (Python reads at most {most})")
    return int(token)


def _finite_float(token: str) -> float:
    value = float(token)
    if math.isinf(value):
        raise _BadToken(token, _too_large(token))
    return value


def _no_constant(token: str) -> float:
    raise _BadToken(token, _not_a_number(token))


def _check_duplicates(text: str) -> None:
    """Raise InputError at the second occurrence of a key in any object of ``text``.

    ``text`` is known to be valid JSON, so its strings and structural characters
    are all that matter; numbers and literals are skipped by the scan.
    """
    # One frame per open container: an object's keys (with their offsets) and the
    # current key, or an array's current index. Iterative: nesting costs no recursion.
    frames: list[tuple[dict[str, int] | None, list[str | int]]] = []
    string: re.Match[str] | None = None
    for token in _TOKENS.finditer(text):
        head = text[token.start()]
        if head == '"':
            string = token
            continue
        if head == ":" and string is not None:
            keys, step = frames[-1]
            raw = string.group()
            key = json.loads(raw) if "\\" in raw else raw[1:-1]
            if keys is not None:
                if key in keys:
                    _duplicate(text, key, keys[key], string.start(), frames)
                keys[key] = string.start()
            step[0] = key
        elif head == "{":
            frames.append(({}, [""]))
        elif head == "[":
            frames.append((None, [0]))
        elif head in "}]":
            frames.pop()
        elif head == ",":
            keys, step = frames[-1]
            if keys is None:
                step[0] = int(step[0]) + 1
        string = None


def _duplicate(
    text: str,
    key: str,
    first: int,
    second: int,
    frames: list[tuple[dict[str, int] | None, list[str | int]]],
) -> None:
    pointer = pointers.pointer(step[0] for _, step in frames[:-1])
    where = f"the object at {pointer}" if pointer else "the top-level object"
    first_line, first_column = _position(text, first)
    line, column = _position(text, second)
    earlier = f"column {first_column}"
    if first_line != line:
        earlier = f"line {first_line}, {earlier}"
    name = json.dumps(key, ensure_ascii=False)
    raise InputError(f"duplicate key {name} in {where} (first at {earlier})", line, column)


def _position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - text.rfind("\n", 0, offset)


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and (character) column of a byte offset."""
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return line, len(data[start:offset].decode("utf-8", "replace")) + 1


def _find_token(text: str, token: str) -> tuple[int | None, int | None]:
    """Where a number or constant token stands (outside strings, almost always)."""
    pattern = r"(?:^|(?<=[\s:,\[]))" + re.escape(token) + r"(?![\w.+-])"
    found = re.search(pattern, text)
    return _position(text, found.start()) if found else (None, None)


def _explain(message: str) -> str:
    """A parser's message, made short and plain."""
    lowered = message.lower()
    if "end of data" in lowered or "end of input" in lowered:
        return "unexpected end of input (truncated?)"
    if "content after document" in lowered or lowered.startswith("extra data"):
        return "more after the first JSON value (several documents? use .ndjson, one per line)"
    if lowered.startswith("unexpected character, expected"):
        message = message[len("unexpected character, ") :]
    return message[:1].lower() + message[1:]


def _too_deep() -> str:
    return f"nested more than {MAX_DEPTH} arrays and objects deep; refusing absurd nesting"


def _too_large(token: str) -> str:
    shown = token if len(token) <= 24 else f"{token[:12]}...{token[-6:]}"
    return f"number too large: {shown} is beyond the range of a 64-bit float"


def _not_a_number(token: str) -> str:
    return f"not valid JSON: {token} is not a JSON number (JSON has no NaN or Infinity)"
