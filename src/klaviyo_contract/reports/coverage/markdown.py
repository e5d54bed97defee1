"""Coverage as Markdown, for a pull-request comment or a CI job summary."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import ROWS, drift_detail, drift_rows, route_name, where, worst_first

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import TextIO


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def write(model: Mapping[str, Any], out: TextIO) -> None:
    headline = model["headline"]
    out.write(
        f"## Contract coverage: {headline['percent']:.1f}%\n\n"
        f"{headline['exercised']} of {headline['items']} items exercised by "
        f"{model['payloads']['checked']} payloads: routes "
        f"{headline['route_exercised']}/{headline['route_items']}, schemas "
        f"{headline['schema_exercised']}/{headline['schema_items']}.\n"
    )
    routes = worst_first(model["routes"], "path", "method")
    if routes:
        out.write(
            "\n| Route | Coverage | Seen | Unseen | Undocumented |\n"
            "| --- | ---: | --- | --- | --- |\n"
        )
        for route in routes[:ROWS]:
            undocumented = ", ".join(f"`{u['status']}`" for u in route["undocumented"]) or ""
            out.write(
                f"| `{_cell(route_name(route))}` | {route['percent']:.1f}% | "
                f"{', '.join(f'`{s}`' for s in route['seen'])} | "
                f"{', '.join(f'`{s}`' for s in route['unseen'])} | {undocumented} |\n"
            )
        _more(out, len(routes))
    schemas = worst_first(model["schemas"], "name")
    out.write("\n| Schema | Coverage | Items | Payloads |\n| --- | ---: | ---: | ---: |\n")
    for schema in schemas[:ROWS]:
        out.write(
            f"| `{_cell(schema['name'])}` | {schema['percent']:.1f}% | "
            f"{schema['exercised']}/{schema['items']} | {schema['payloads']} |\n"
        )
    _more(out, len(schemas))
    drift = drift_rows(model)
    out.write(f"\n### Drift: {len(drift) or 'none'}\n")
    if drift:
        out.write("\n| What | Where in the schema | Seen | Example |\n| --- | --- | ---: | --- |\n")
        for label, entry in drift[:ROWS]:
            example = where(entry["examples"][0]) if entry["examples"] else ""
            out.write(
                f"| {_cell(drift_detail(label, entry))} | `{_cell(entry['location'])}` | "
                f"{entry['seen']} | {_cell(example)} |\n"
            )
        _more(out, len(drift))


def _more(out: TextIO, count: int) -> None:
    if count > ROWS:
        out.write(f"\n... and {count - ROWS} more (the JSON report lists every one).\n")
