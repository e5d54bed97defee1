"""Which schema a payload is checked against: by JSON:API ``type``, or by route.

A bare payload names its resource type at the top (a resource object) or under
``data`` (a document, one resource or a list). The schema is the one whose
``type`` enum holds that value at the same place; where several fit, the schemas no
other schema refers to (response documents rather than their parts) are preferred,
and a remaining tie is an error that lists the candidates.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Any, Literal

from . import dialect
from .errors import NoSchemaFor
from .registry import SchemaSet

Place = Literal["top", "data", "data[]"]


class Router:
    """Picks schema names for payloads of one schema set."""

    def __init__(self, schema_set: SchemaSet) -> None:
        self.schema_set = schema_set

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

    def for_payload(self, payload: Any) -> str:
        """The schema for a bare payload, picked by its JSON:API ``type``.

        Raises:
            NoSchemaFor: no type, no schema for it, or more than one candidate.
        """
        key = _type_of(payload)
        if key is None:
            raise NoSchemaFor("the payload has no JSON:API type (at the top or under data)")
        candidates = self._by_type.get(key, [])
        if len(candidates) > 1:
            referenced = self.schema_set.referenced()
            roots = [name for name in candidates if name not in referenced]
            candidates = roots or candidates
        if len(candidates) == 1:
            return candidates[0]
        place = {"top": "", "data": " under data", "data[]": " in the data list"}[key[0]]
        if not candidates:
            raise NoSchemaFor(f"no loaded schema has type {key[1]!r}{place}")
        raise NoSchemaFor(f"several schemas have type {key[1]!r}{place}", candidates)


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
