"""Report writers: one per output format, each over the same Summary."""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TypeVar

from ..errors import UsageError

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


_W = TypeVar("_W")


class LazyWriters(Mapping[str, _W]):
    """Format name -> the ``write`` of its module in ``package``, imported when first
    looked up: a run imports the one writer it uses (XML and SARIF cost startup
    otherwise), while the names are there for the CLI's ``--format`` choices."""

    def __init__(self, package: str, modules: dict[str, str], *, kind: str = "report") -> None:
        self._package = package
        self._modules = modules
        self._kind = kind

    def pick(self, fmt: str) -> _W:
        """The writer of ``fmt``.

        Raises:
            UsageError: ``fmt`` names no format; the message lists the formats.
        """
        try:
            return self[fmt]
        except KeyError:
            choices = ", ".join(self)
            raise UsageError(
                f"unknown {self._kind} format {fmt!r}; choose from {choices}"
            ) from None

    def __getitem__(self, fmt: str) -> _W:
        module = importlib.import_module(f"{self._package}.{self._modules[fmt]}")
        writer: _W = module.write
        return writer

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)


#: Format name -> writer; the CLI's ``--format`` choices come from this table.
WRITERS: LazyWriters[Writer] = LazyWriters(
    __name__,
    {"text": "text", "json": "json_", "junit": "junit", "github": "github", "sarif": "sarif"},
)


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
        UsageError: ``fmt`` names no format.
    """
    WRITERS.pick(fmt)(summary, out, options)
