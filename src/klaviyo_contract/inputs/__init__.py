"""Readers of payload files: the READERS table and ``read`` for a file, a directory or ``-``.

Every reader yields :class:`~klaviyo_contract.model.Record` values, and the failures it
meets as ``unreadable`` :class:`~klaviyo_contract.model.Problem` values: nothing read
here raises, and one bad file or line never hides the others.
"""

from __future__ import annotations

import os
import stat
import sys
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol, TypeVar

from ..errors import InputError
from ..model import Problem, Record, Source
from ._json import os_reason, parse
from .cassette import read_cassette
from .har import read_har
from .jsonfile import payloads, read_document, read_json
from .ndjson import as_records, numbered_payloads, read_lines, read_ndjson

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

T = TypeVar("T")

__all__ = [
    "READERS",
    "Reader",
    "Unit",
    "read",
    "read_all",
    "read_ndjson_unit",
    "read_unit",
    "split",
    "units",
]


class Reader(Protocol):
    """Reads one open binary stream; ``path`` is the name to put in each Source."""

    def __call__(self, stream: BinaryIO, path: str) -> Iterator[Record | Problem]: ...


#: Suffix (lower case, with its dot) -> the reader of files that end with it. A
#: directory walk reads only these suffixes; add a format by adding its entry.
READERS: dict[str, Reader] = {
    ".json": read_json,
    ".ndjson": read_ndjson,
    ".jsonl": read_ndjson,
    ".har": read_har,
    ".yaml": read_cassette,
    ".yml": read_cassette,
}

_WHITESPACE = b" \t\r\n"


@dataclass(frozen=True)
class Unit:
    """One file to read (or, for NDJSON, a range of its lines): a unit of parallel work.

    ``start``/``end`` are byte offsets of whole lines and ``line`` the number of the
    first; ``end`` None means to the end of the file.
    """

    path: str
    suffix: str
    start: int = 0
    end: int | None = None
    line: int = 1


def units(paths: Iterable[str]) -> Iterator[Unit | Problem]:
    """The files that ``paths`` name, in reading order, and the problems met finding them.

    Directories are walked as :func:`read` describes; ``-`` is a unit of its own.
    """
    for path in paths:
        if path == "-":
            yield Unit("-", "-")
            continue
        try:
            status = os.stat(path)
        except OSError as err:
            yield Problem(Source(path), _entry_reason(path, err))
            continue
        if stat.S_ISDIR(status.st_mode):
            yield from _walk(path, status)
        else:
            yield Unit(path, os.path.splitext(path)[1].lower())


def read_unit(unit: Unit) -> Iterator[Record | Problem]:
    """Every payload of one unit (see :func:`units` and :func:`split`)."""
    if unit.path == "-":
        yield from _read_stdin()
        return
    numbered = read_ndjson_unit(unit)
    if numbered is not None:
        yield from as_records(numbered, unit.path)
        return
    reader = READERS.get(unit.suffix) or _unknown_suffix_reader(unit.suffix)
    yield from _read_file(unit.path, reader)


def read_ndjson_unit(unit: Unit) -> Iterator[tuple[int, Any] | Problem] | None:
    """An NDJSON file or range as numbered payloads (see :func:`numbered_payloads`);
    None for any other unit. The same lines and problems :func:`read_unit` yields."""
    if unit.path == "-":
        return None
    if unit.end is not None or unit.start:
        return _read_range(unit)
    if READERS.get(unit.suffix) is not read_ndjson:
        return None
    return _numbered_file(unit.path)


def _numbered_file(path: str) -> Iterator[tuple[int, Any] | Problem]:
    return _read_file(path, lambda stream, name: numbered_payloads(enumerate(stream, 1), name))


def split(unit: Unit, size: int) -> Iterator[Unit]:
    """An NDJSON unit cut into ranges of about ``size`` bytes, at line ends.

    Other units, and files smaller than ``size``, come back whole. Line numbers are
    counted on the way, so every range knows the number of its first line.
    """
    if READERS.get(unit.suffix) is not read_ndjson or unit.path == "-":
        yield unit
        return
    try:
        total = os.path.getsize(unit.path)
        stream = open(unit.path, "rb")  # noqa: SIM115 - closed below
    except OSError:
        yield unit  # reading it will report why
        return
    if total <= size:
        stream.close()
        yield unit
        return
    with stream:
        start, line = 0, 1
        while start < total:
            if total - start <= size:
                yield Unit(unit.path, unit.suffix, start, total, line)
                return
            stream.seek(start)
            newlines = taken = 0
            for block in _blocks(stream, size):
                newlines += block.count(b"\n")
                taken += len(block)
            tail = stream.readline()  # the range ends where its last line does
            end = start + taken + len(tail)
            yield Unit(unit.path, unit.suffix, start, end, line)
            line += newlines + tail.count(b"\n")
            start = end


def _blocks(stream: BinaryIO, size: int) -> Iterator[bytes]:
    """The next ``size`` bytes of ``stream`` (fewer at its end), :data:`_BLOCK` at a time."""
    while size > 0:
        block = stream.read(min(_BLOCK, size))
        if not block:
            return
        size -= len(block)
        yield block


def _open(path: str) -> BinaryIO:
    """A local file, or (with fsspec installed) any fsspec URL: ``s3://...``."""
    if "://" in path:
        try:
            import fsspec
        except ImportError:
            scheme = path.split("://", maxsplit=1)[0]
            raise OSError(f"reading {scheme}:// URLs needs fsspec") from None
        return fsspec.open(path, "rb").open()  # type: ignore[no-any-return]
    return open(path, "rb")


def _read_range(unit: Unit) -> Iterator[tuple[int, Any] | Problem]:
    try:
        stream = _open(unit.path)
    except OSError as err:
        yield Problem(Source(unit.path), os_reason(err))
        return
    with stream:
        try:
            stream.seek(unit.start)
            end = unit.end if unit.end is not None else os.path.getsize(unit.path)
        except OSError as err:
            yield Problem(Source(unit.path, unit.line), os_reason(err))
            return
        lines = _lines_of(stream, end - unit.start)
        yield from numbered_payloads(enumerate(lines, unit.line), unit.path)


#: Bytes read at a time from a range: memory per worker stays at about this.
_BLOCK = 2**20


def _lines_of(stream: BinaryIO, size: int) -> Iterator[bytes]:
    """The lines of the next ``size`` bytes of ``stream`` (without their ``\\n``), read
    a block at a time: cut in C, not a ``readline`` call each."""
    pending: list[bytes] = []  # a line begun in earlier blocks
    for block in _blocks(stream, size):
        lines = block.split(b"\n")
        if len(lines) == 1:
            pending.append(block)
            continue
        if pending:
            lines[0] = b"".join([*pending, lines[0]])
        pending = [lines.pop()]
        yield from lines
    rest = b"".join(pending)
    if rest:
        yield rest


def read(path: str) -> Iterator[Record | Problem]:
    """Read every payload at ``path``.

    - ``-``: standard input (binary), sniffed as for an unknown suffix, below.
    - A directory: walked depth first, each directory's entries in sorted name order.
      Only files whose suffix is in :data:`READERS` are read; other files and hidden
      entries (``.git``, ``._x.json``) are passed over silently. A symlink leading back
      to a directory being walked is reported (``directory loop``) and not followed; a
      directory reached twice through links is read once (a ``skipped`` Problem says
      so). A broken link, a listing or file that cannot be read, and a FIFO, socket or
      device with a known suffix are reported, and the walk goes on.
    - A file: read by the reader of its suffix (case-insensitive). A file named
      explicitly with another suffix or none (``response.txt``, a ``/dev/fd/63`` from
      ``<(curl ...)``) is read as JSON rather than refused: when its first non-blank
      line is a JSON value and another non-blank line follows, it is NDJSON; otherwise
      it is one JSON document (``.json`` semantics). A failure then says it was read
      as JSON because of the suffix.

    Args:
        path: a file, a directory, or ``-``, as the user wrote it; every Source's
            ``path`` starts with it.

    Returns:
        An iterator of Records and Problems in reading order. It never raises for a
        bad input: a missing path is a Problem ``no such file or directory``.
    """
    for unit in units([path]):
        if isinstance(unit, Problem):
            yield unit
        else:
            yield from read_unit(unit)


def read_all(paths: Iterable[str]) -> Iterator[Record | Problem]:
    """Read every path in order (see :func:`read`)."""
    for path in paths:
        yield from read(path)


def read_sniffed(stream: BinaryIO, path: str, *, hint: str = "") -> Iterator[Record | Problem]:
    """Read a stream of unknown format as NDJSON or as one JSON document.

    NDJSON when the first non-blank line is a whole JSON value and another non-blank
    line follows; a single JSON document otherwise (a document written over several
    lines does not parse line by line; one that fits on one line yields the same either
    way). Streams: only when the first line is not a value is the rest read whole.
    An input with no content is a Problem ``empty input``.
    """
    lines = enumerate(stream, 1)
    head: list[bytes] = []
    first = _next_content(lines, head)
    if first is None:
        yield Problem(Source(path), "empty input" + hint)
        return
    try:
        value = parse(first[1])
    except InputError:
        yield from read_document(b"".join(head) + stream.read(), path, hint=hint)
        return
    second = _next_content(lines, head)
    if second is None:
        yield from payloads(value, path)
        return
    yield Record(Source(path, first[0]), value)
    yield from read_lines(chain([second], lines), path)


def _next_content(
    lines: Iterator[tuple[int, bytes]], head: list[bytes]
) -> tuple[int, bytes] | None:
    """The next non-blank numbered line; every line taken is kept in ``head``."""
    for number, line in lines:
        head.append(line)
        if line.strip(_WHITESPACE):
            return number, line
    return None


def _unknown_suffix_reader(suffix: str) -> Reader:
    known = ", ".join(READERS)
    why = f"{suffix} is not a known suffix" if suffix else "the name has no suffix"
    hint = f"; read as JSON since {why} ({known})"

    def read_unknown(stream: BinaryIO, path: str) -> Iterator[Record | Problem]:
        return read_sniffed(stream, path, hint=hint)

    return read_unknown


def _read_stdin() -> Iterator[Record | Problem]:
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        yield Problem(Source("-"), "cannot read: standard input is closed or not binary")
        return
    try:
        yield from read_sniffed(stream, "-")
    except OSError as err:
        yield Problem(Source("-"), os_reason(err))


def _read_file(path: str, reader: Callable[[BinaryIO, str], Iterator[T]]) -> Iterator[T | Problem]:
    try:
        stream = _open(path)  # held open across yields, closed below
    except OSError as err:
        yield Problem(Source(path), os_reason(err))
        return
    with stream:
        try:
            yield from reader(stream, path)
        except OSError as err:
            yield Problem(Source(path), os_reason(err))


def _walk(root: str, status: os.stat_result) -> Iterator[Unit | Problem]:
    """Depth first, sorted; directories are known by (device, inode), so a loop made
    of links (or bind mounts) is seen whatever path leads into it."""
    identity = (status.st_dev, status.st_ino)
    visited = {identity: root}
    ancestors = {identity: root}
    listing = _list(root)
    if isinstance(listing, Problem):
        yield listing
        return
    stack = [(identity, iter(listing), root)]
    while stack:
        identity, names, directory = stack[-1]
        name = next(names, None)
        if name is None:
            stack.pop()
            del ancestors[identity]
            continue
        if name.startswith("."):
            continue
        path = os.path.join(directory, name)
        suffix = os.path.splitext(name)[1].lower()
        try:
            status = os.stat(path)
        except OSError as err:
            if suffix in READERS:
                yield Problem(Source(path), _entry_reason(path, err))
            continue
        mode = status.st_mode
        if stat.S_ISDIR(mode):
            identity = (status.st_dev, status.st_ino)
            if identity in ancestors:
                yield Problem(
                    Source(path),
                    f"directory loop: {path} leads back to {ancestors[identity]}, already visited",
                )
            elif identity in visited:
                yield Problem(
                    Source(path),
                    f"skipped: the same directory as {visited[identity]}, already visited",
                    "skipped",
                )
            else:
                visited[identity] = ancestors[identity] = path
                listing = _list(path)
                if isinstance(listing, Problem):
                    del ancestors[identity]
                    yield listing
                else:
                    stack.append((identity, iter(listing), path))
        elif suffix in READERS:
            if stat.S_ISREG(mode):
                yield Unit(path, suffix)
            else:
                # Opening a FIFO found in a walk would wait for a writer forever.
                yield Problem(Source(path), "skipped: not a regular file", "skipped")


def _list(directory: str) -> list[str] | Problem:
    try:
        return sorted(os.listdir(directory))
    except OSError as err:
        return Problem(Source(directory), os_reason(err, "cannot list directory"))


def _entry_reason(path: str, error: OSError) -> str:
    if isinstance(error, FileNotFoundError) and os.path.islink(path):
        return "broken symbolic link: its target does not exist"
    return os_reason(error)
