"""Coverage report writers: one per format, each over the model of
:meth:`klaviyo_contract.coverage.Coverage.to_dict`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from .. import LazyWriters

if TYPE_CHECKING:
    from typing import TextIO

__all__ = ["COVERAGE_WRITERS", "CoverageWriter", "write"]

#: The rows a text or Markdown table shows before "... and N more".
ROWS = 25


class CoverageWriter(Protocol):
    """Writes a coverage model to a text stream in one format."""

    def __call__(self, model: Mapping[str, Any], out: TextIO) -> None: ...


#: Format name -> writer; the CLI's ``coverage --format`` choices come from this table.
COVERAGE_WRITERS: LazyWriters[CoverageWriter] = LazyWriters(
    __name__,
    {"text": "text", "json": "json_", "markdown": "markdown", "html": "html"},
    kind="coverage",
)


#: A report file's suffix -> its format (``validate --coverage FILE``); else text.
SUFFIXES = {".json": "json", ".html": "html", ".htm": "html", ".md": "markdown"}


def format_for(path: str) -> str:
    """The format a coverage report file is written in, by its suffix."""
    return SUFFIXES.get(os.path.splitext(path)[1].lower(), "text")


def write(model: Mapping[str, Any], fmt: str, out: TextIO) -> None:
    """Write a coverage model to ``out`` in format ``fmt``.

    Raises:
        UsageError: ``fmt`` names no format.
    """
    COVERAGE_WRITERS.pick(fmt)(model, out)


def render(model: Mapping[str, Any], fmt: str) -> str:
    """A coverage model as the text of a report in format ``fmt`` (for a file)."""
    import io

    buffer = io.StringIO()
    write(model, fmt, buffer)
    return buffer.getvalue()


def worst_first(rows: list[Mapping[str, Any]], *keys: str) -> list[Mapping[str, Any]]:
    """Rows by coverage, lowest first; ties by ``keys`` (stable and readable)."""
    return sorted(rows, key=lambda row: (row["percent"], *(str(row[key]) for key in keys)))


def route_name(route: Mapping[str, Any]) -> str:
    return f"{route['method']} {route['path']}"


def drift_rows(model: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """Every drift entry as (what, entry), in the model's order."""
    rows = []
    for section, label in (
        ("unnamed_properties", "unnamed property"),
        ("outside_enum", "value outside the enum"),
        ("null_not_nullable", "null where not nullable"),
    ):
        rows += [(label, entry) for entry in model["drift"][section]]
    return rows


def drift_detail(label: str, entry: Mapping[str, Any]) -> str:
    """``unnamed property "links"``, ``value outside the enum "done"``, or the label."""
    if "others" in entry:
        return f"{label}: {entry['others']} more"
    if "property" in entry:
        return f"{label} {entry['property']!r}"
    if "value" in entry:
        return f"{label} {entry['value']}"
    return label


def where(example: Mapping[str, Any]) -> str:
    """``file:line entry /instance/path`` of a drift example."""
    text = example["file"] or "<payload>"
    if example["line"] is not None:
        text += f":{example['line']}"
    if example["entry"]:
        text += f" {example['entry']}"
    return f"{text} {example['instance_path'] or '/'}"
