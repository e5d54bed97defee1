"""Report writers: one per output format, each over the same Summary."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from . import github, json_, junit, sarif, text

if TYPE_CHECKING:
    from typing import TextIO

    from ..model import Summary

__all__ = ["WRITERS", "ReportOptions", "Writer", "write"]


@dataclass(frozen=True)
class ReportOptions:
    """How to write a report, beyond the Summary itself.

    Attributes:
        color: ANSI colours in the text format (the CLI decides: a terminal and no
            ``NO_COLOR``); every other format ignores it.
        tool_version: the version of klaviyo-contract, for the JSON and SARIF metadata.
    """

    color: bool = False
    tool_version: str = ""


class Writer(Protocol):
    """Writes a Summary to a text stream in one format."""

    def __call__(self, summary: Summary, out: TextIO, options: ReportOptions) -> None: ...


#: Format name -> writer; the CLI's ``--format`` choices come from this table.
WRITERS: dict[str, Writer] = {
    "text": text.write,
    "json": json_.write,
    "junit": junit.write,
    "github": github.write,
    "sarif": sarif.write,
}


def write(
    summary: Summary, fmt: str, out: TextIO, options: ReportOptions = ReportOptions()
) -> None:
    """Write ``summary`` to ``out`` in format ``fmt``.

    Args:
        summary: every outcome of a run.
        fmt: a key of :data:`WRITERS`.
        out: the stream to write to; it is neither flushed nor closed.
        options: colour and metadata.

    Raises:
        ValueError: ``fmt`` names no format.
    """
    try:
        writer = WRITERS[fmt]
    except KeyError:
        raise ValueError(
            f"unknown report format {fmt!r}; choose from {', '.join(WRITERS)}"
        ) from None
    writer(summary, out, options)
