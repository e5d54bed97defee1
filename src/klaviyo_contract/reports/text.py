"""The human report: each failing payload with its violations, then a one-line summary."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..model import Result

if TYPE_CHECKING:
    from typing import TextIO

    from ..model import Problem, Summary, Violation
    from . import ReportOptions

# SGR sequences (ECMA-48); written only when the caller asks for colour.
RED = "\x1b[31m"
GREEN = "\x1b[32m"
YELLOW = "\x1b[33m"
BOLD = "\x1b[1m"
DIM = "\x1b[2m"
RESET = "\x1b[0m"

# Control characters other than newline and tab, which a payload or a file name may
# carry: written raw, an ESC in a payload value could restyle or rewrite the terminal.
# Lone surrogates (json.loads makes them from "\ud800") cannot be encoded at all.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def write(summary: Summary, out: TextIO, options: ReportOptions) -> None:
    """Write the failing payloads, the inputs that could not be checked, the summary.

    Payloads that conform are not listed, nor are skipped inputs: they have no
    contract, the summary counts them and the json format gives their reasons.
    """
    paint = _Paint(options.color)
    for outcome in summary.outcomes:
        if isinstance(outcome, Result):
            if not outcome.valid:
                _write_result(outcome, out, paint)
        elif outcome.kind != "skipped":
            _write_problem(outcome, out, paint)
    out.write(paint(summary_line(summary), _summary_style(summary)) + "\n")


def summary_line(summary: Summary) -> str:
    """``12 checked (10 conform, 2 violate), 1 unreadable, 0 skipped in 0.31 s``.

    ``unreadable`` counts every input that could not be checked through a fault of
    its own (unreadable or unrouted); ``skipped`` those that have no contract.
    """
    counts = summary.counts
    return (
        f"{counts['checked']} checked ({counts['conform']} conform, {counts['violate']} violate), "
        f"{counts['unreadable']} unreadable, {counts['skipped']} skipped "
        f"in {summary.seconds:.2f} s"
    )


def _write_result(result: Result, out: TextIO, paint: _Paint) -> None:
    count = len(result.violations)
    where = str(result.source) if result.source is not None else "<payload>"
    header = (
        f"{paint(printable(where), BOLD)}: {count} violation{'s' * (count != 1)} of "
        f"{paint(result.schema, BOLD)}"
    )
    if result.exchange is not None:
        header += " " + paint(f"({printable(str(result.exchange))})", DIM)
    out.write(header + "\n")
    for violation in result.violations:
        _write_violation(violation, out, paint)


def _write_violation(violation: Violation, out: TextIO, paint: _Paint) -> None:
    # One line per violation: pointer, message, keyword, and where the rule is stated.
    # A message that spans lines keeps its further lines under the first, so one
    # violation never reads as two; the keyword and schema path close the last line.
    *lines, last = printable(violation.message).splitlines() or [""]
    last += f" [{violation.keyword}]"
    if violation.schema_path:
        last += " " + paint(printable(violation.schema_path), DIM)
    pointer = paint(printable(violation.instance_path or "/"), RED)
    first, *more = [*lines, last]
    out.write(f"  {pointer}: {first}\n")
    for text in more:
        out.write(f"    {text}\n")


def _write_problem(problem: Problem, out: TextIO, paint: _Paint) -> None:
    first, *more = printable(problem.reason).splitlines() or [""]
    out.write(f"{paint(printable(str(problem.source)), BOLD)}: {paint(first, YELLOW)}\n")
    for text in more:
        out.write(f"  {paint(text, YELLOW)}\n")


def printable(text: str) -> str:
    r"""``text`` with control characters (but newline and tab) and lone surrogates
    shown as Python escapes (``\x1b``, ``\ud800``)."""
    if text.isascii() and text.isprintable():  # no control character: two C scans
        return text
    return _UNPRINTABLE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _summary_style(summary: Summary) -> str:
    if summary.counts["violate"]:
        return RED + BOLD
    if summary.counts["unreadable"]:
        return YELLOW + BOLD
    return GREEN + BOLD


class _Paint:
    """Wraps text in an SGR style, or leaves it alone when colour is off."""

    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, style: str) -> str:
        return f"{style}{text}{RESET}" if self.color and text else text
