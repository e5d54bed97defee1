"""A failing result in words: the one rendering every report, exception and test uses.

``where: N violations of SCHEMA (METHOD /path -> STATUS)``, then a line per violation,
``  /json/pointer: message [keyword]``, with the rule that states it either at the end
of that line (the terminal report) or on a line of its own below it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from ..model import Result

#: A part of the text: the payload's place, the failing value's pointer, the rule.
Role = Literal["where", "schema", "exchange", "pointer", "rule"]
#: Dresses one part (colour on a terminal); the identity by default.
Style = Callable[[str, Role], str]
#: Where each violation's rule goes: after the keyword, on its own line, or nowhere.
Rules = Literal["inline", "below", "none"]


def _plain(text: str, role: Role) -> str:
    return text


def _same(text: str) -> str:
    return text


def header(result: Result, *, style: Style = _plain, clean: Callable[[str], str] = _same) -> str:
    """``where: N violations of SCHEMA (request)``."""
    count = len(result.violations)
    where = str(result.source) if result.source is not None else "payload"
    text = (
        f"{style(clean(where), 'where')}: {count} violation{'s' * (count != 1)} of "
        f"{style(result.schema, 'schema')}"
    )
    exchange = result.exchange
    # A live check's source is the request itself: it is not named twice.
    if exchange is not None and not where.startswith(f"{exchange.method} "):
        text += " " + style(f"({clean(str(exchange))})", "exchange")
    return text


def describe(
    result: Result,
    *,
    rules: Rules = "below",
    style: Style = _plain,
    clean: Callable[[str], str] = _same,
) -> list[str]:
    """The lines that show a failing ``result``: its header, then each violation.

    A message that spans lines keeps its further lines under the first, so one
    violation never reads as two; the keyword closes its last line.

    Args:
        result: a result with violations.
        rules: where each violation's schema path goes.
        style: dresses the parts (colour).
        clean: makes text safe for the medium (control characters, XML).
    """
    lines = [header(result, style=style, clean=clean)]
    for violation in result.violations:
        *first, last = clean(violation.message).splitlines() or [""]
        last += f" [{violation.keyword}]"
        rule = clean(violation.schema_path)
        if rule and rules == "inline":
            last += " " + style(rule, "rule")
        pointer = style(clean(violation.instance_path or "/"), "pointer")
        head, *more = [*first, last]
        lines.append(f"  {pointer}: {head}")
        lines.extend(f"    {text}" for text in more)
        if rule and rules == "below":
            lines.append(f"      rule: {rule}")
    return lines
