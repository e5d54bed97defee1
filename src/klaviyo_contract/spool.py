"""Outcomes kept for a report, spilled to a temporary file past a bound: memory stays flat.

A run over a day of captures may find hundreds of thousands of violating payloads;
the report lists them all, but holding them costs about 1.7 KB each. Past
:data:`LIMIT` they are pickled to an anonymous temporary file and read back, in
order, when the report is written.
"""

from __future__ import annotations

import pickle
import tempfile
import weakref
from array import array
from collections.abc import Iterator, Sequence
from typing import IO, Generic, TypeVar, overload

T = TypeVar("T")

#: Outcomes held in memory before the rest go to disk.
LIMIT = 2_000


class Spool(Generic[T]):
    """Collects items in order; :meth:`items` gives them back as a sequence."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = LIMIT if limit is None else limit
        self._held: list[T] = []
        self._file: IO[bytes] | None = None
        self._offsets = array("q")

    def append(self, item: T) -> None:
        if self._file is None and len(self._held) < self.limit:
            self._held.append(item)
            return
        if self._file is None:
            self._file = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the spool
            for held in self._held:
                self._write(held)
            self._held = []
        self._write(item)

    def extend(self, items: Iterator[T] | Sequence[T]) -> None:
        for item in items:
            self.append(item)

    def _write(self, item: T) -> None:
        assert self._file is not None
        self._offsets.append(self._file.tell())
        pickle.dump(item, self._file, protocol=pickle.HIGHEST_PROTOCOL)

    def items(self) -> Sequence[T]:
        """A tuple while everything fits in memory, else a sequence read from disk."""
        if self._file is None:
            return tuple(self._held)
        self._file.flush()
        return Spilled(self._file, self._offsets)


class Spilled(Sequence[T]):
    """Items pickled to a file, read back one at a time."""

    def __init__(self, file: IO[bytes], offsets: array[int]) -> None:
        self._file = file
        self._offsets = offsets
        weakref.finalize(self, file.close)  # the file goes with the last reference

    def __len__(self) -> int:
        return len(self._offsets)

    def __iter__(self) -> Iterator[T]:
        for offset in self._offsets:
            self._file.seek(offset)
            yield pickle.load(self._file)  # our own file, written above

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...
    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        if isinstance(index, slice):
            return tuple(self)[index]
        self._file.seek(self._offsets[index])
        item: T = pickle.load(self._file)  # our own file
        return item

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Sequence)
            and len(self) == len(other)
            and all(mine == theirs for mine, theirs in zip(self, other, strict=True))
        )

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[type, tuple[tuple[T, ...]]]:
        return (tuple, (tuple(self),))  # to another process as plain data
