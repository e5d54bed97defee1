"""A one-line progress counter on a terminal; nothing at all when output is piped."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

T = TypeVar("T")

#: Seconds before the counter first shows: short runs stay quiet.
DELAY = 1.0
INTERVAL = 0.2


def counted(items: Iterable[T], stream: TextIO, *, label: str = "checked") -> Iterator[T]:
    """Yield ``items`` unchanged, drawing a live count on ``stream`` if it is a terminal."""
    if not _is_terminal(stream):
        yield from items
        return
    start = last = time.monotonic()
    shown = False
    for count, item in enumerate(items, 1):
        yield item
        now = time.monotonic()
        if now - start >= DELAY and now - last >= INTERVAL:
            rate = count / (now - start)
            stream.write(f"\r{label} {count:,} payloads ({rate:,.0f}/s)")
            stream.flush()
            shown, last = True, now
    if shown:
        stream.write("\r" + " " * 60 + "\r")
        stream.flush()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
