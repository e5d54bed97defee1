"""Which schema a payload is checked against: by route, or by JSON:API ``type``.

A recorded exchange is routed by its method, path and status through the route
table (from an OpenAPI document's ``paths``): an exact status beats a ``4XX`` range,
which beats ``default``; a literal path segment beats a ``{parameter}``.

A bare payload names its resource type at the top (a resource object) or under
``data`` (a document, one resource or a list). The candidates are the schemas whose
``type`` enum holds that value at the same place; where several fit, those no other
schema refers to (response documents rather than their parts) are preferred.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

from . import dialect
from .errors import NoSchemaFor

if TYPE_CHECKING:
    from .model import Exchange
    from .registry import SchemaSet

Place = Literal["top", "data", "data[]"]


@dataclass(frozen=True)
class Route:
    """One response of one operation: ``GET /api/x/{id}`` answering ``200`` -> schema."""

    method: str
    template: str
    status: str
    schema: str

    def matches_path(self, path: str) -> bool:
        return _pattern(self.template).fullmatch(path) is not None

    def status_rank(self, status: int) -> int | None:
        """0 for the exact code, 1 for its range (``4XX``), 2 for ``default``, else None."""
        if self.status == str(status):
            return 0
        if (
            len(self.status) == 3
            and self.status.endswith("XX")
            and self.status[0] == str(status)[0]
        ):
            return 1
        return 2 if self.status == "DEFAULT" else None

    @property
    def parameters(self) -> int:
        return self.template.count("{")

    def __str__(self) -> str:
        return f"{self.method} {self.template} {self.status} -> {self.schema}"


@functools.cache
def _pattern(template: str) -> re.Pattern[str]:
    """The path regex of a template, compiled on first use (most runs route nothing)."""
    parts = re.split(r"(\{[^/{}]+\})", template.rstrip("/"))
    regex = "".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts)
    return re.compile(regex + "/?")


class Router:
    """Picks schema names for payloads of one schema set and its route table."""

    def __init__(self, schema_set: SchemaSet, routes: Iterable[Route] = ()) -> None:
        self.schema_set = schema_set
        self.routes = tuple(routes)

    def for_exchange(self, exchange: Exchange) -> str:
        """The schema of the response an exchange recorded.

        Raises:
            NoSchemaFor: no route covers the method, path and status (no contract).
        """
        path = exchange.path
        best: tuple[int, int, str] | None = None
        for route in self.routes:
            if route.method != exchange.method.upper() or not route.matches_path(path):
                continue
            rank = route.status_rank(exchange.status)
            if rank is not None and (best is None or (rank, route.parameters) < best[:2]):
                best = (rank, route.parameters, route.schema)
        if best is None:
            raise NoSchemaFor(f"no contract for {exchange}")
        return best[2]

    def _resolve(self, schema: Any) -> Any:
        seen = set()
        while isinstance(schema, Mapping) and "$ref" in schema:
            name = dialect.ref_name(schema["$ref"])
            if name is None or name in seen:
                return None
            seen.add(name)
            schema = self.schema_set.schemas[name]
        return schema

    def _types(self, schema: Any) -> list[str]:
        schema = self._resolve(schema)
        if not isinstance(schema, Mapping):
            return []
        kind = self._resolve(schema.get("properties", {}).get("type"))
        if not isinstance(kind, Mapping):
            return []
        values = kind.get("enum", [kind["const"]] if "const" in kind else [])
        return [value for value in values if isinstance(value, str)]

    @cached_property
    def _by_type(self) -> dict[tuple[Place, str], list[str]]:
        index: dict[tuple[Place, str], list[str]] = {}
        for name in self.schema_set.names():
            schema = self.schema_set.schemas[name]
            found: list[tuple[Place, str]] = [("top", value) for value in self._types(schema)]
            data = self._resolve(schema.get("properties", {}).get("data"))
            if isinstance(data, Mapping):
                if data.get("type") == "array":
                    found += [("data[]", value) for value in self._types(data.get("items"))]
                else:
                    found += [("data", value) for value in self._types(data)]
            for key in found:
                index.setdefault(key, []).append(name)
        return index

    def for_payload(self, payload: Any) -> list[str]:
        """The schemas a bare payload's JSON:API ``type`` points at, best first.

        Raises:
            NoSchemaFor: no type, or no schema has it.
        """
        key = _type_of(payload)
        if key is None:
            raise NoSchemaFor("the payload has no JSON:API type (at the top or under data)")
        candidates = self._by_type.get(key, [])
        if len(candidates) > 1:
            referenced = self.schema_set.referenced
            roots = [name for name in candidates if name not in referenced]
            candidates = roots or candidates
        if not candidates:
            place = {"top": "", "data": " under data", "data[]": " in the data list"}[key[0]]
            raise NoSchemaFor(f"no loaded schema has type {key[1]!r}{place}")
        return candidates


def is_jsonapi(payload: Any) -> bool:
    """Whether a payload names a JSON:API ``type`` (at the top or under ``data``).

    JSON that does not (``package.json``, ``tsconfig.json``) is not a Klaviyo payload
    at all, rather than one nothing routes.
    """
    return _type_of(payload) is not None


def _type_of(payload: Any) -> tuple[Place, str] | None:
    if not isinstance(payload, Mapping):
        return None
    if isinstance(payload.get("type"), str):
        return ("top", payload["type"])
    data = payload.get("data")
    if isinstance(data, Mapping) and isinstance(data.get("type"), str):
        return ("data", data["type"])
    if isinstance(data, list) and data and isinstance(data[0], Mapping):
        kind = data[0].get("type")
        if isinstance(kind, str):
            return ("data[]", kind)
    return None
