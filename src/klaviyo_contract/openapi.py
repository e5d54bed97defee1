"""OpenAPI 3.0 document -> schemas and a route table (method, path, status -> schema).

Schemas come from ``components.schemas`` (the same dialect as the published files),
plus ``components.responses`` whose body schema is written inline (Klaviyo's
``ClientError`` / ``ServerError``: the JSON:API error document), named after the
response. Routes come from ``paths``: each operation's response codes, ``4XX``-style
ranges and ``default``, through ``$ref``s to ``components.responses``.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import dialect
from .errors import SchemaSetError
from .routing import Route

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_RESPONSE_PREFIX = "#/components/responses/"


@dataclass(frozen=True)
class Document:
    """What an OpenAPI document contributes to a contract."""

    file: str
    #: Every schema: ``components.schemas`` and inline response bodies.
    schemas: dict[str, dict[str, Any]]
    routes: tuple[Route, ...]
    #: The names that come from ``components.schemas``.
    schemas_from_components: frozenset[str] = frozenset()


def read_document(path: str | Path) -> dict[str, Any]:
    """Parse an OpenAPI document (JSON or YAML).

    Raises:
        SchemaSetError: unreadable, not YAML/JSON, or not an OpenAPI 3 document.
    """
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as error:
        raise SchemaSetError(str(file), f"cannot read: {error.strerror or error}") from None
    try:
        if file.suffix == ".json":
            document = json.loads(data)
        else:
            import yaml

            loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
            document = yaml.load(data, Loader=loader)  # a safe loader: CSafeLoader or SafeLoader
    except (ValueError, ImportError) as error:
        raise SchemaSetError(str(file), f"not a JSON or YAML document: {error}") from None
    except Exception as error:  # yaml.YAMLError has no common base we import eagerly
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        problem = getattr(error, "problem", None) or error
        raise SchemaSetError(str(file), f"not valid YAML{where}: {problem}") from None
    if not isinstance(document, Mapping) or not str(document.get("openapi", "")).startswith("3"):
        raise SchemaSetError(str(file), 'not an OpenAPI 3 document (no "openapi: 3.x" field)')
    return dict(document)


def _body_schema(response: Any) -> Any:
    content = response.get("content") if isinstance(response, Mapping) else None
    if not isinstance(content, Mapping):
        return None
    for media, entry in content.items():
        if "json" in media and isinstance(entry, Mapping) and "schema" in entry:
            return entry["schema"]
    return None


def load(path: str | Path) -> Document:
    """The schemas and routes of one OpenAPI document.

    Raises:
        SchemaSetError: the document cannot be read, or a response names a schema
            or response component it does not define.
    """
    document = read_document(path)
    file = str(path)
    components = document.get("components") or {}
    schemas: dict[str, dict[str, Any]] = {
        name: schema
        for name, schema in (components.get("schemas") or {}).items()
        if isinstance(schema, dict)
    }
    from_components = frozenset(schemas)
    responses: dict[str, str | None] = {}
    for name, response in (components.get("responses") or {}).items():
        responses[name] = _schema_name(_body_schema(response), name, schemas, file)

    routes: list[Route] = []
    for template, operations in (document.get("paths") or {}).items():
        if not isinstance(operations, Mapping):
            continue
        for method, operation in operations.items():
            if method not in _METHODS or not isinstance(operation, Mapping):
                continue
            for status, response in (operation.get("responses") or {}).items():
                ref = response.get("$ref") if isinstance(response, Mapping) else None
                if isinstance(ref, str):
                    if (
                        not ref.startswith(_RESPONSE_PREFIX)
                        or ref[len(_RESPONSE_PREFIX) :] not in responses
                    ):
                        raise SchemaSetError(
                            file,
                            f"{method.upper()} {template} {status}: "
                            f"$ref {ref!r} names no response component",
                        )
                    name = responses[ref[len(_RESPONSE_PREFIX) :]]
                else:
                    synthetic = f"{operation.get('operationId', method + template)}.{status}"
                    name = _schema_name(_body_schema(response), synthetic, schemas, file)
                if name is not None:
                    routes.append(Route(method.upper(), template, str(status).upper(), name))
    return Document(file, schemas, tuple(routes), from_components)


def _schema_name(
    schema: Any, name: str, schemas: dict[str, dict[str, Any]], file: str
) -> str | None:
    """The schema a response body refers to; an inline one is added under ``name``."""
    if not isinstance(schema, dict):
        return None
    ref = schema.get("$ref")
    if isinstance(ref, str) and len(schema) == 1:
        target = dialect.ref_name(ref)
        if target is None or target not in schemas:
            raise SchemaSetError(file, f"response {name!r}: $ref {ref!r} names no schema")
        return target
    if name in schemas and schemas[name] != schema:
        raise SchemaSetError(file, f"response {name!r} and a schema share that name")
    schemas[name] = schema
    return name


#: Beside vendored documents: their routes and inline response schemas, keyed by file
#: name, so loading a contract does not parse hundreds of KB of YAML (~0.2 s). Each
#: entry holds its document's CRC-32: a document changed since is read itself. (A
#: cache check, not an integrity one: schemas.lock holds every file's sha256.)
INDEX_NAME = "routes.json"


def _responses_only(document: Document) -> Document:
    inline = {
        name: schema
        for name, schema in document.schemas.items()
        if name not in document.schemas_from_components
    }
    return Document(document.file, inline, document.routes)


def load_routes(path: str | Path) -> Document:
    """The routes and inline response schemas of a vendored document (not its
    ``components.schemas``), from the folder's index when it matches the file."""
    file = Path(path)
    digest = _checksum(file)
    try:
        entry = json.loads((file.parent / INDEX_NAME).read_bytes())[file.name]
    except (OSError, ValueError, KeyError, TypeError):
        entry = None
    if isinstance(entry, dict) and entry.get("crc32") == digest:
        routes = tuple(Route(*route) for route in entry["routes"])
        return Document(str(file), dict(entry["schemas"]), routes)
    return _responses_only(load(file))


def _checksum(file: Path) -> str:
    """A document's CRC-32: zlib is loaded already, hashlib's OpenSSL would cost startup."""
    return f"{zlib.crc32(file.read_bytes()):08x}"


def write_index(folder: str | Path) -> Path:
    """(Re)write the index of the documents in ``folder`` (the vendor command does)."""
    folder = Path(folder)
    index: dict[str, object] = {}
    for file in sorted(folder.iterdir()):
        if file.suffix not in (".json", ".yaml", ".yml") or file.name == INDEX_NAME:
            continue
        document = _responses_only(load(file))
        index[file.name] = {
            "crc32": _checksum(file),
            "schemas": document.schemas,
            "routes": [[r.method, r.template, r.status, r.schema] for r in document.routes],
        }
    from .reports.files import write_atomically

    return write_atomically(folder / INDEX_NAME, json.dumps(index, indent=1, sort_keys=True) + "\n")
