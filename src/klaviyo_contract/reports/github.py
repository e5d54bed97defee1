"""GitHub Actions workflow commands: an error annotation per violation and problem."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Result
from .text import printable, summary_line

if TYPE_CHECKING:
    from typing import TextIO

    from ..model import Source, Summary
    from . import ReportOptions

TITLE = "klaviyo-contract"


def write(summary: Summary, out: TextIO, options: ReportOptions) -> None:
    """Write one ``::error`` per violation and per unreadable or unrouted input, then
    the summary line as plain text.

    Conforming payloads and skipped inputs get no annotation. An input read from
    standard input names no file, so its annotations attach to the run itself.
    """
    for outcome in summary.outcomes:
        if isinstance(outcome, Result):
            for violation in outcome.violations:
                source = outcome.source or violation.source
                message = f"{violation.instance_path or '/'}: {violation.message}"
                if source is not None and (source.path == "-" or source.entry is not None):
                    # The file and line properties cannot say this much.
                    message += f" ({source})"
                out.write(command(source, f"{TITLE} {violation.keyword}", message) + "\n")
        elif outcome.kind != "skipped":
            message = f"{outcome.source}: {outcome.reason}"
            out.write(command(outcome.source, f"{TITLE} {outcome.kind}", message) + "\n")
    out.write(summary_line(summary) + "\n")


def command(source: Source | None, title: str, message: str) -> str:
    """An ``::error`` workflow command, escaped as the runner unescapes it."""
    properties: list[tuple[str, str]] = []
    if source is not None and source.path != "-":
        properties.append(("file", source.path))
        if source.line is not None:
            properties.append(("line", str(source.line)))
            if source.column is not None:
                properties.append(("col", str(source.column)))
    properties.append(("title", title))
    # Other control characters and lone surrogates become visible escapes: the log
    # viewer would act on an ESC, and the runner reads UTF-8 lines.
    rendered = ",".join(f"{name}={printable(escape_property(value))}" for name, value in properties)
    return f"::error {rendered}::{printable(escape_data(message))}"


def escape_data(text: str) -> str:
    """Escape a command's message (the runner's ``escapeData``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a command property's value (the runner's ``escapeProperty``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
