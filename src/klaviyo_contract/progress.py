"""A one-line live payload count on a terminal; nothing at all when output is piped."""

from __future__ import annotations

import time
from typing import TextIO

#: Seconds before the counter first shows: short runs stay quiet.
DELAY = 1.0
INTERVAL = 0.2


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Progress:
    """A live payload count for work that finishes in parts (``--jobs``)."""

    def __init__(self, stream: TextIO, *, label: str = "checked") -> None:
        self.stream, self.label = stream, label
        self.enabled = _is_terminal(stream)
        self.count = 0
        self.start = self.last = time.monotonic()
        self.shown = False

    def add(self, count: int) -> None:
        self.count += count
        now = time.monotonic()
        if self.enabled and now - self.start >= DELAY and now - self.last >= INTERVAL:
            rate = self.count / (now - self.start)
            self.stream.write(f"\r{self.label} {self.count:,} payloads ({rate:,.0f}/s)")
            self.stream.flush()
            self.shown, self.last = True, now

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * 60 + "\r")
            self.stream.flush()
