"""The human report: each failing payload with its violations, then a one-line summary."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..model import Result
from .failure import describe

if TYPE_CHECKING:
    from typing import TextIO

    from ..model import Problem, Summary
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


#: Skipped inputs named per reason; past it, "and N more".
SKIPPED_SHOWN = 3
#: Reasons for skipping listed; past it, one line counts the rest.
SKIP_REASONS_SHOWN = 10


def write(summary: Summary, out: TextIO, options: ReportOptions) -> None:
    """Write the failing payloads, the inputs that could not be checked, the skipped
    inputs with their reasons, the summary.

    Payloads that conform are not listed. Skipped inputs (no contract, not a Klaviyo
    payload) come after the failures, one line per reason naming the first few
    inputs; the json format lists each.
    """
    paint = _Paint(options.color)
    skipped: dict[str, list[Problem]] = {}
    for outcome in summary.outcomes:
        if isinstance(outcome, Result):
            if not outcome.valid:
                _write_result(outcome, out, paint)
        elif outcome.kind != "skipped":
            _write_problem(outcome, out, paint)
        else:
            reason = outcome.reason.removeprefix("skipped: ")
            skipped.setdefault(reason, []).append(outcome)
    _write_skipped(skipped, out, paint)
    out.write(paint(summary_line(summary), _summary_style(summary)) + "\n")


def _write_skipped(by_reason: dict[str, list[Problem]], out: TextIO, paint: _Paint) -> None:
    """``2 skipped, not a Klaviyo payload: ...: package.json, tsconfig.json``."""
    for reason, problems in list(by_reason.items())[:SKIP_REASONS_SHOWN]:
        shown = ", ".join(printable(str(p.source)) for p in problems[:SKIPPED_SHOWN])
        if len(problems) > SKIPPED_SHOWN:
            shown += f" and {len(problems) - SKIPPED_SHOWN} more"
        text = printable(" ".join(reason.split()))
        line = (
            f"{shown}: skipped, {text}"
            if len(problems) == 1
            else (f"{len(problems)} skipped, {text}: {shown}")
        )
        out.write(paint(line, DIM) + "\n")
    rest = list(by_reason.values())[SKIP_REASONS_SHOWN:]
    if rest:
        count = sum(len(problems) for problems in rest)
        out.write(
            paint(
                f"{count} more skipped for {len(rest)} other reasons (--format json lists them)",
                DIM,
            )
            + "\n"
        )


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
    styles = {"where": BOLD, "schema": BOLD, "exchange": DIM, "pointer": RED, "rule": DIM}
    lines = describe(
        result, rules="inline", style=lambda text, role: paint(text, styles[role]), clean=printable
    )
    out.write("\n".join(lines) + "\n")


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
