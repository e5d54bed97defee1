"""Coverage as a short text table, worst-covered first, then the drift."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import ROWS, drift_detail, drift_rows, route_name, where, worst_first

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import TextIO


def write(model: Mapping[str, Any], out: TextIO) -> None:
    headline = model["headline"]
    out.write(
        f"coverage {headline['percent']:.1f}%: {headline['exercised']} of "
        f"{headline['items']} items exercised by {model['payloads']['checked']} payloads "
        f"(routes {headline['route_exercised']}/{headline['route_items']}, "
        f"schemas {headline['schema_exercised']}/{headline['schema_items']})\n"
    )
    routes = worst_first(model["routes"], "path", "method")
    if routes:
        out.write("\nroutes (documented statuses seen)\n")
        for route in routes[:ROWS]:
            unseen = ", ".join(route["unseen"]) or "-"
            extra = "".join(f", undocumented {u['status']}" for u in route["undocumented"])
            out.write(
                f"  {route['percent']:5.1f}%  {route['exercised']:>3}/{route['items']:<3} "
                f"{route_name(route)}  unseen: {unseen}{extra}\n"
            )
        _more(out, len(routes))
    schemas = worst_first(model["schemas"], "name")
    out.write("\nschemas (items exercised)\n")
    for schema in schemas[:ROWS]:
        out.write(
            f"  {schema['percent']:5.1f}%  {schema['exercised']:>3}/{schema['items']:<3} "
            f"{schema['name']}\n"
        )
    _more(out, len(schemas))
    drift = drift_rows(model)
    out.write(f"\ndrift: {len(drift) or 'none'}\n")
    for label, entry in drift[:ROWS]:
        example = f"  e.g. {where(entry['examples'][0])}" if entry["examples"] else ""
        out.write(
            f"  {drift_detail(label, entry)} at {entry['location']} ({entry['seen']}x){example}\n"
        )
    _more(out, len(drift))


def _more(out: TextIO, count: int) -> None:
    if count > ROWS:
        out.write(f"  ... and {count - ROWS} more (--format json lists every one)\n")
