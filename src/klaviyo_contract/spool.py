"""Outcomes kept for a report, spilled to a temporary file past a bound: memory stays flat.

A run over a day of captures may find hundreds of thousands of violating payloads;
the report lists them all, but holding them costs about 1.7 KB each. Past
:data:`LIMIT` they are pickled to an anonymous temporary file, :data:`CHUNK` to a
pickle (one call per chunk, and strings shared within it: a violating result costs
about 60 bytes on disk and a few microseconds), and read back, in order, a chunk at a
time, when the report is written.
"""

from __future__ import annotations

import weakref
from array import array
from collections.abc import Iterator, Sequence
from typing import IO, Generic, TypeVar, overload

# pickle and tempfile are imported when the first outcome spills: most runs never do,
# and together they cost a small run a tenth of its startup.

T = TypeVar("T")

#: Outcomes held in memory before the rest go to disk.
LIMIT = 2_000
#: Outcomes per pickle on disk: the unit of writing and of reading back.
CHUNK = 256


class Spool(Generic[T]):
    """Collects items in order; :meth:`items` gives them back as a sequence."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = LIMIT if limit is None else limit
        self._held: list[T] = []
        self._file: IO[bytes] | None = None
        self._offsets = array("q")
        self._count = 0
        self._spilled: Spilled[T] | None = None

    def append(self, item: T) -> None:
        self._held.append(item)
        if self._file is not None:
            if len(self._held) == CHUNK:
                self._write_held()
        elif len(self._held) > self.limit:
            import tempfile

            self._file = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the spool
            self._write_held()

    def extend(self, items: Iterator[T] | Sequence[T]) -> None:
        for item in items:
            self.append(item)

    def _write_held(self, *, last: bool = False) -> None:
        """Write what is held in whole chunks; the rest stays held unless ``last``.

        Every chunk but the last on disk is whole, so item ``i`` is in chunk
        ``i // CHUNK``.
        """
        import pickle

        assert self._file is not None
        held = self._held
        end = len(held) if last else len(held) - len(held) % CHUNK
        for start in range(0, end, CHUNK):
            self._offsets.append(self._file.tell())
            chunk = held[start : min(start + CHUNK, end)]
            pickle.dump(chunk, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._count += end
        self._held = held[end:]

    def items(self) -> Sequence[T]:
        """A tuple while everything fits in memory, else a sequence read from disk.

        Appending ends here: later calls give the same items.
        """
        if self._file is None:
            return tuple(self._held)
        if self._spilled is None:
            self._write_held(last=True)
            self._file.flush()
            self._spilled = Spilled(self._file, self._offsets, self._count)
        return self._spilled


class Spilled(Sequence[T]):
    """Items pickled to a file in chunks of :data:`CHUNK`, read back a chunk at a time."""

    def __init__(self, file: IO[bytes], offsets: array[int], count: int) -> None:
        self._file = file
        self._offsets = offsets
        self._count = count
        weakref.finalize(self, file.close)  # the file goes with the last reference

    def __len__(self) -> int:
        return self._count

    def _chunk(self, number: int) -> list[T]:
        import pickle

        self._file.seek(self._offsets[number])
        chunk: list[T] = pickle.load(self._file)  # our own file, written above
        return chunk

    def __iter__(self) -> Iterator[T]:
        for number in range(len(self._offsets)):
            yield from self._chunk(number)

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...
    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        if isinstance(index, slice):
            return tuple(self)[index]
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError("spilled index out of range")
        return self._chunk(index // CHUNK)[index % CHUNK]

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Sequence)
            and len(self) == len(other)
            and all(mine == theirs for mine, theirs in zip(self, other, strict=True))
        )

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[type, tuple[tuple[T, ...]]]:
        return (tuple, (tuple(self),))  # to another process as plain data
