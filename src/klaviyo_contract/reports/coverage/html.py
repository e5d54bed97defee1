"""Coverage as one self-contained HTML file: inline CSS, a small inline script to sort
the tables, ``<details>`` for each schema's fields; no network, readable on a phone."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from . import drift_detail, drift_rows, route_name, where, worst_first

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import TextIO

_STYLE = """
:root{--seen:#1a7f37;--seen-bg:#dafbe1;--unseen:#6e7781;--unseen-bg:#f1f3f5;
--drift:#9a6700;--drift-bg:#fff1c7;--line:#d0d7de;--text:#1f2328;--head:#f6f8fa}
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--text);
margin:0 auto;padding:1rem;max-width:72rem}
h1{font-size:1.4rem;margin:.2rem 0}h2{font-size:1.15rem;margin:1.6rem 0 .5rem}
.headline{font-size:1.05rem;margin:.3rem 0}.headline strong{font-size:2rem;margin-right:.4rem}
.bar{height:.6rem;background:var(--unseen-bg);border-radius:.3rem;overflow:hidden;max-width:30rem}
.bar span{display:block;height:100%;background:var(--seen)}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{border-bottom:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:var(--head);white-space:nowrap}
table.sortable th{cursor:pointer;user-select:none}
table.sortable th[aria-sort=ascending]::after{content:" \\25B2"}
table.sortable th[aria-sort=descending]::after{content:" \\25BC"}
td.num,th.num{text-align:right;white-space:nowrap}
code{font:.85em ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;word-break:break-all}
.chip{display:inline-block;border-radius:.7rem;padding:0 .5rem;margin:.1rem .15rem;
font-size:.82rem;white-space:nowrap}
.seen{background:var(--seen-bg);color:var(--seen)}
.unseen{background:var(--unseen-bg);color:var(--unseen);text-decoration:line-through}
.drift{background:var(--drift-bg);color:var(--drift)}
details summary{cursor:pointer}details table{margin:.4rem 0 .6rem}
.legend{font-size:.85rem;color:var(--unseen)}
@media (max-width:40rem){body{padding:.5rem;font-size:14px}th,td{padding:.3rem}
.hide-narrow{display:none}}
"""

_SCRIPT = """
document.querySelectorAll("table.sortable").forEach(function(table){
  var heads=table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads,function(th,column){
    var sort=function(){
      var ascending=th.getAttribute("aria-sort")!=="ascending";
      Array.prototype.forEach.call(heads,function(h){h.removeAttribute("aria-sort");});
      th.setAttribute("aria-sort",ascending?"ascending":"descending");
      var body=table.tBodies[0],rows=Array.prototype.slice.call(body.rows);
      var key=function(row){var cell=row.cells[column];
        return cell.hasAttribute("data-value")?parseFloat(cell.getAttribute("data-value"))
          :(cell.getAttribute("data-key")||cell.textContent).trim().toLowerCase();};
      rows.sort(function(a,b){var x=key(a),y=key(b),r=x<y?-1:x>y?1:0;
        return ascending?r:-r;});
      rows.forEach(function(row){body.appendChild(row);});
    };
    th.tabIndex=0;
    th.title="Sort by this column";
    th.addEventListener("click",sort);
    th.addEventListener("keydown",function(e){if(e.key==="Enter"||e.key===" "){
      e.preventDefault();sort();}});
  });
});
"""


def _chip(label: str, count: int, *, kind: str | None = None) -> str:
    kind = kind or ("seen" if count else "unseen")
    shown = f"{escape(label)} &times;{count}" if count else escape(label)
    return f'<span class="chip {kind}">{shown}</span>'


def _percent_cell(percent: float) -> str:
    return f'<td class="num" data-value="{percent:.1f}">{percent:.1f}%</td>'


def _routes(model: Mapping[str, Any]) -> list[str]:
    routes = worst_first(model["routes"], "path", "method")
    if not routes:
        return ['<p class="legend">The contract has no routes (no OpenAPI paths).</p>']
    lines = [
        '<div class="scroll"><table class="sortable" id="routes-table">',
        '<thead><tr><th>Route</th><th class="num">Coverage</th><th>Statuses</th></tr></thead>',
        "<tbody>",
    ]
    for route in routes:
        chips = [_chip(s["status"], s["seen"]) for s in route["statuses"]]
        chips += [
            _chip(f"{u['status']} undocumented", u["seen"], kind="drift")
            for u in route["undocumented"]
        ]
        lines.append(
            f"<tr><td><code>{escape(route_name(route))}</code></td>"
            f"{_percent_cell(route['percent'])}<td>{''.join(chips)}</td></tr>"
        )
    lines.append("</tbody></table></div>")
    return lines


def _location_chips(location: Mapping[str, Any]) -> str:
    chips = []
    prop = location.get("property")
    if prop is not None:
        chips.append(_chip("present", prop["present"]))
        if not prop["required"]:
            chips.append(_chip("absent", prop["absent"]))
    if "null" in location:
        chips.append(_chip("null", location["null"]))
    for value in location.get("enum", {}).get("values", []):
        chips.append(_chip(f"= {value['value']!r}", value["seen"]))
    for keyword, counts in location.get("branches", {}).items():
        chips += [_chip(f"{keyword}[{i}]", n) for i, n in enumerate(counts)]
    for label, count in location.get("array", {}).items():
        chips.append(_chip(f"{label} array", count))
    if "format" in location:
        chips.append(f'<span class="chip">format {escape(location["format"])}</span>')
    return "".join(chips)


def _schemas(model: Mapping[str, Any]) -> list[str]:
    lines = [
        '<div class="scroll"><table class="sortable" id="schemas-table">',
        '<thead><tr><th>Schema</th><th class="num">Coverage</th><th class="num">Items</th>'
        '<th class="num hide-narrow">Payloads</th></tr></thead>',
        "<tbody>",
    ]
    for schema in worst_first(model["schemas"], "name"):
        prefix = f"#/components/schemas/{schema['name']}"
        rows = [
            f"<tr><td><code>{escape(location['pointer'][len(prefix) :] or '/')}</code></td>"
            f"<td>{_location_chips(location)}</td></tr>"
            for location in schema["locations"]
            if location["items"] or "format" in location
        ]
        detail = (
            '<div class="scroll"><table class="fields"><thead><tr><th>Location</th>'
            f"<th>Items</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
            if rows
            else ""
        )
        lines.append(
            f'<tr><td data-key="{escape(schema["name"])}"><details><summary><code>'
            f"{escape(schema['name'])}</code></summary>{detail}</details></td>"
            f"{_percent_cell(schema['percent'])}"
            f'<td class="num" data-value="{schema["exercised"]}">'
            f"{schema['exercised']}/{schema['items']}</td>"
            f'<td class="num hide-narrow" data-value="{schema["payloads"]}">'
            f"{schema['payloads']}</td></tr>"
        )
    lines.append("</tbody></table></div>")
    return lines


def _drift(model: Mapping[str, Any]) -> list[str]:
    drift = drift_rows(model)
    if not drift:
        return ["<p>None: every payload kept to what the contract names.</p>"]
    lines = [
        '<div class="scroll"><table class="sortable" id="drift-table">',
        '<thead><tr><th>What</th><th>Where in the schema</th><th class="num">Seen</th>'
        "<th>Seen at</th></tr></thead><tbody>",
    ]
    for label, entry in drift:
        examples = "<br>".join(f"<code>{escape(where(e))}</code>" for e in entry["examples"])
        lines.append(
            f'<tr><td><span class="chip drift">{escape(drift_detail(label, entry))}</span></td>'
            f"<td><code>{escape(entry['location'])}</code></td>"
            f'<td class="num" data-value="{entry["seen"]}">{entry["seen"]}</td>'
            f"<td>{examples}</td></tr>"
        )
    lines.append("</tbody></table></div>")
    return lines


def write(model: Mapping[str, Any], out: TextIO) -> None:
    headline = model["headline"]
    percent = headline["percent"]
    origin = model["contract"]["origin"]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Contract coverage {percent:.1f}%</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<header><h1>Contract coverage</h1>",
        f'<p class="headline" id="headline"><strong>{percent:.1f}%</strong>'
        f"{headline['exercised']} of {headline['items']} items exercised by "
        f"{model['payloads']['checked']} payloads (routes {headline['route_exercised']}/"
        f"{headline['route_items']}, schemas {headline['schema_exercised']}/"
        f"{headline['schema_items']})</p>",
        f'<div class="bar"><span style="width:{percent:.1f}%"></span></div>',
        f'<p class="legend">Contract: <code>{escape(origin)}</code>. '
        '<span class="chip seen">seen &times;n</span><span class="chip unseen">never seen</span>'
        '<span class="chip drift">drift</span> Click a column to sort; open a schema for '
        "its fields.</p></header>",
        '<section id="routes"><h2>Routes</h2>',
        *_routes(model),
        '</section><section id="schemas"><h2>Schemas</h2>',
        *_schemas(model),
        '</section><section id="drift"><h2>Drift</h2>',
        *_drift(model),
        f"</section><script>{_SCRIPT}</script></body></html>",
    ]
    out.write("\n".join(parts) + "\n")
