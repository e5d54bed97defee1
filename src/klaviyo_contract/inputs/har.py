"""The ``.har`` reader: one payload per recorded response with a JSON body (HAR 1.2).

Also the part every recording format shares: :func:`response_record` turns one
recorded response (its body bytes and media type) into a Record, or into the
Problem that says why it holds no payload to check.
"""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..model import Exchange, Problem, Record, Source
from ._json import os_reason, parse, problem

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from typing import BinaryIO

__all__ = ["MAX_BODY", "is_json_type", "read_har", "response_record"]

#: A compressed body is refused when it inflates past this many bytes (a gzip bomb
#: would otherwise take all memory); far beyond any real Klaviyo response.
MAX_BODY = 256 * 1024 * 1024

_GZIP_MAGIC = b"\x1f\x8b"
_WHITESPACE = b" \t\r\n"
# Chrome writes this mimeType when the response named no Content-Type.
_UNKNOWN_TYPES = frozenset({"", "x-unknown"})


def read_har(stream: BinaryIO, path: str) -> Iterator[Record | Problem]:
    """Read a HAR file: one Record per entry whose response body is JSON.

    The file is one JSON document, read whole and parsed as strictly as a ``.json``
    payload (the same reasons for bad JSON). Each entry of ``log.entries`` becomes,
    with ``Source(path, entry="entries[i]")`` and the entry's request as its
    :class:`~klaviyo_contract.model.Exchange`:

    - a Record, when the response body is JSON (see :func:`response_record`);
    - a ``skipped`` Problem ``no JSON body (...)`` when the response has none: no
      response at all (status 0), an empty body (a 204), or a body of another media
      type (``text/html``). Such entries have no contract, but are counted;
    - an ``unreadable`` Problem when a JSON body cannot be read (bad JSON, bad
      base64), when a JSON response's body was left out of the HAR (exported
      without content), or when the entry lacks ``request.method``, ``request.url``
      or ``response.status``.

    One bad entry never hides the others.

    Args:
        stream: the open file, binary.
        path: the name to put in each Source.

    Returns:
        An iterator of Records and Problems in entry order; a file that is not JSON,
        or JSON without a ``log.entries`` list, is one ``unreadable`` Problem.
    """
    try:
        data = stream.read()
    except OSError as err:
        yield Problem(Source(path), os_reason(err))
        return
    try:
        document = parse(data)
    except InputError as err:
        yield problem(path, err)
        return
    log = document.get("log") if isinstance(document, dict) else None
    entries = log.get("entries") if isinstance(log, dict) else None
    if not isinstance(entries, list):
        yield Problem(Source(path), "not a HAR file: no log.entries list")
        return
    for index, entry in enumerate(entries):
        yield _entry(Source(path, entry=f"entries[{index}]"), entry)


def response_record(
    source: Source,
    exchange: Exchange,
    body: bytes | None,
    media_type: str | None,
    encodings: Iterable[str] = (),
) -> Record | Problem:
    """The Record of one recorded response, or the Problem that says why there is none.

    The body is JSON when ``media_type`` is JSON (:func:`is_json_type`); when no
    media type was recorded, when it starts like a JSON object or array. It is
    decoded as the response's ``Content-Encoding`` says (``gzip``, ``deflate``),
    and gzip is also recognised by its magic bytes, which no JSON text starts with.

    Args:
        source: where the response is in its file.
        exchange: the request it answered and its status.
        body: the body bytes as recorded (``None`` when the recording has none).
        media_type: the recorded Content-Type (or HAR ``mimeType``), if any.
        encodings: the response's Content-Encoding values, in the order applied.

    Returns:
        A Record with the parsed body; a ``skipped`` Problem ``no JSON body (...)``
        for a response without one (status 0, empty body, another media type); an
        ``unreadable`` Problem when the body cannot be decoded or parsed.
    """
    declared = (media_type or "").strip()
    known = declared.lower() not in _UNKNOWN_TYPES
    if exchange.status == 0:
        return Problem(source, "no JSON body (no response: the request failed)", "skipped")
    if known and not is_json_type(declared):
        return Problem(source, f"no JSON body ({declared})", "skipped")
    if body is not None:
        try:
            body = _decode(body, encodings)
        except InputError as err:
            return Problem(source, err.reason)
    if body is None or not body.strip(_WHITESPACE):
        return Problem(source, f"no JSON body (empty, status {exchange.status})", "skipped")
    if not known and not body.lstrip(_WHITESPACE).startswith((b"{", b"[")):
        why = "no media type, and the body does not start with { or ["
        return Problem(source, f"no JSON body ({why})", "skipped")
    try:
        payload = parse(body)
    except InputError as err:
        where = "response body"
        if err.line is not None:
            where += f" line {err.line}" + ("" if err.column is None else f", column {err.column}")
        return Problem(source, f"{where}: {err.reason}")
    return Record(source, payload, exchange)


def is_json_type(media_type: str) -> bool:
    """True for a JSON media type: ``*/json``, ``*/x-json`` or a ``+json`` suffix.

    ``application/vnd.api+json`` (JSON:API, what Klaviyo sends) and
    ``application/json; charset=utf-8`` are JSON; ``application/x-ndjson`` and
    ``application/json-seq`` are streams of several values, not one document.
    """
    essence = media_type.split(";", 1)[0].strip().lower()
    subtype = essence.rpartition("/")[2]
    return subtype in {"json", "x-json"} or subtype.endswith("+json")


def _entry(source: Source, entry: Any) -> Record | Problem:
    request = entry.get("request") if isinstance(entry, dict) else None
    response = entry.get("response") if isinstance(entry, dict) else None
    if not isinstance(request, dict) or not isinstance(response, dict):
        return Problem(source, "not a HAR entry: it needs a request and a response object")
    method, url, status = request.get("method"), request.get("url"), response.get("status")
    if not isinstance(method, str) or not isinstance(url, str):
        return Problem(source, "not a HAR entry: request.method and request.url must be strings")
    if not isinstance(status, int) or isinstance(status, bool):
        return Problem(source, "not a HAR entry: response.status must be an integer")
    exchange = Exchange(method.upper(), url, status)
    content = response.get("content")
    if not isinstance(content, dict):
        content = {}
    media_type = content.get("mimeType")
    if not isinstance(media_type, str) or media_type.strip().lower() in _UNKNOWN_TYPES:
        media_type = _header(response.get("headers"), "content-type")
    text = content.get("text")
    if text is None:
        size = content.get("size")
        if is_json_type(media_type or "") and isinstance(size, int) and size > 0:
            # HAR 1.2 lets an exporter leave the text out; the body existed but is lost.
            return Problem(
                source,
                f"the {size}-byte JSON response body is not in the HAR "
                "(content.text missing); export the HAR with content",
            )
        return response_record(source, exchange, None, media_type)
    if not isinstance(text, str):
        return Problem(source, "not a HAR entry: response.content.text must be a string")
    encoding = content.get("encoding")
    if encoding is None or encoding == "":
        # Lone surrogates (never in text that parse() accepted) become bad UTF-8 for it.
        body = text.encode("utf-8", "surrogatepass")
    elif isinstance(encoding, str) and encoding.lower() == "base64":
        import base64
        import binascii

        try:
            # Strict, but some tools wrap base64 at 76 columns.
            body = base64.b64decode("".join(text.split()), validate=True)
        except (binascii.Error, ValueError) as err:
            return Problem(source, f"the base64 response body cannot be decoded: {err}")
    else:
        return Problem(source, f"unknown response.content.encoding {encoding!r} (HAR knows base64)")
    return response_record(source, exchange, body, media_type)


def _header(headers: Any, name: str) -> str | None:
    """The first value of a header in a HAR ``[{name, value}]`` list, by any case."""
    if isinstance(headers, list):
        for header in headers:
            if isinstance(header, dict) and str(header.get("name", "")).lower() == name:
                value = header.get("value")
                return value if isinstance(value, str) else None
    return None


def _decode(body: bytes, encodings: Iterable[str]) -> bytes:
    """Undo the content codings of a recorded body, the last applied first.

    A body that no longer carries its coding is taken as decoded already: some
    recorders store the decompressed text beside the original header. A gzip body
    is also recognised by its magic bytes when no header says so.

    Raises:
        InputError: a coding this reader cannot undo, or a body that does not inflate.
    """
    for coding in reversed([c.strip().lower() for c in encodings if c.strip()]):
        if coding in {"gzip", "x-gzip"}:
            if body.startswith(_GZIP_MAGIC):
                body = _inflate(body, "gzip", zlib.MAX_WBITS | 16)
        elif coding == "deflate":
            # RFC 9110 (8.4.1.2) means zlib-wrapped; some servers send raw deflate.
            if _zlib_wrapped(body):
                body = _inflate(body, "deflate", zlib.MAX_WBITS)
            elif not body.lstrip(_WHITESPACE).startswith((b"{", b"[")):
                body = _inflate(body, "deflate", -zlib.MAX_WBITS)
        elif coding != "identity":
            raise InputError(
                f"the response body is {coding}-compressed, which cannot be decoded here; "
                "record it decompressed (vcrpy: decode_compressed_response=True)"
            )
    if body.startswith(_GZIP_MAGIC):
        body = _inflate(body, "gzip", zlib.MAX_WBITS | 16)
    return body


def _zlib_wrapped(data: bytes) -> bool:
    """RFC 1950 header: method 8 (deflate), and the two bytes a multiple of 31."""
    return len(data) >= 2 and data[0] & 0x0F == 8 and int.from_bytes(data[:2], "big") % 31 == 0


def _inflate(data: bytes, coding: str, wbits: int) -> bytes:
    """Decompress one or more concatenated members, refusing more than MAX_BODY."""
    parts: list[bytes] = []
    size = 0
    while data:
        inflater = zlib.decompressobj(wbits)
        try:
            part = inflater.decompress(data, MAX_BODY + 1 - size)
        except zlib.error as err:
            raise InputError(f"the {coding} response body cannot be decompressed: {err}") from None
        size += len(part)
        if size > MAX_BODY or inflater.unconsumed_tail:
            raise InputError(
                f"the {coding} response body inflates past {MAX_BODY // 2**20} MiB; refusing it"
            )
        if not inflater.eof:
            raise InputError(f"the {coding} response body is truncated")
        parts.append(part)
        data = inflater.unused_data
    return b"".join(parts)
