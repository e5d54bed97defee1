"""Schema files -> one ``referencing.Registry``: names, URIs, refs checked at load.

Every file's ``$id`` is ``#/components/schemas/NAME``: a fragment of the OpenAPI
document the files were cut from. The registry therefore holds that document,
reassembled as ``{"components": {"schemas": {NAME: file, ...}}}``, under one base URI
in the reserved ``.invalid`` domain (RFC 2606), so every ref resolves by JSON Pointer
inside it and nothing is ever fetched: the registry has no retriever.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import dialect
from .errors import SchemaSetError, UnknownSchema, UnresolvableRef
from .pointers import tokens

if TYPE_CHECKING:
    from referencing import Registry

#: Where the reassembled document lives; ``.invalid`` never resolves.
BASE_URI = "https://klaviyo-contract.invalid/openapi.json"

#: The lock file `klaviyo-contract schemas vendor` writes beside the schema files.
LOCK_NAME = "schemas.lock"


def uri(name: str) -> str:
    """The absolute URI of schema ``name`` in the registry."""
    return BASE_URI + dialect.ref_to(name)


@dataclass(frozen=True)
class SchemaSet:
    """A loaded, closed set of schemas: every ref resolves inside it.

    Attributes:
        schemas: name -> schema, exactly as published.
        files: name -> the file (or document and pointer) it came from.
        origin: the folder or document the set was loaded from.
    """

    schemas: Mapping[str, dialect.Schema]
    files: Mapping[str, str]
    origin: str = ""
    _locations: dict[int, tuple[str, str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        for name, schema in self.schemas.items():
            for ref, where in dialect.refs(schema):
                target = dialect.ref_name(ref)
                if target is None or target not in self.schemas:
                    raise UnresolvableRef(self.files.get(name, name), ref, where)

    def __reduce__(self) -> tuple[Any, ...]:
        # The data only: caches and the registry are rebuilt where it is unpickled
        # (a worker process, a Dask worker without the schema files).
        return (SchemaSet, (dict(self.schemas), dict(self.files), self.origin))

    def names(self) -> tuple[str, ...]:
        return tuple(sorted(self.schemas))

    def schema(self, name: str) -> dialect.Schema:
        try:
            return self.schemas[name]
        except KeyError:
            raise UnknownSchema(name, self.schemas) from None

    @cached_property
    def registry(self) -> Registry[Any]:
        """The ``referencing`` registry of the set (imported here: the compiled engine
        never needs it, and it costs startup)."""
        from referencing import Registry
        from referencing.jsonschema import DRAFT202012

        document = {"components": {"schemas": dict(self.schemas)}}
        resource = DRAFT202012.create_resource(document)
        registry: Registry[Any] = Registry().with_resource(BASE_URI, resource)
        return registry

    def at(self, pointer: str) -> Any:
        """The value at ``#/components/schemas/...`` in the set (None if nowhere)."""
        node: Any = {"components": {"schemas": self.schemas}}
        for token in tokens(pointer):
            if isinstance(node, Mapping) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                return None
        return node

    def location(self, subschema: object) -> tuple[str, str] | None:
        """(schema name, JSON Pointer) of a subschema object of this set, by identity.

        Validators hand back the very dict a keyword failed in; this maps it to the
        published file that states the rule.
        """
        if not self._locations:
            for name, schema in self.schemas.items():
                for where, node in dialect.subschemas(schema):
                    self._locations.setdefault(id(node), (name, where))
        return self._locations.get(id(subschema))

    def closure(self, names: Iterable[str]) -> tuple[str, ...]:
        """``names`` and every schema they reference, transitively, sorted."""
        todo = list(names)
        for name in todo:
            self.schema(name)  # raises UnknownSchema
        seen: set[str] = set()
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            for ref, _ in dialect.refs(self.schemas[name]):
                target = dialect.ref_name(ref)
                if target is not None:
                    todo.append(target)
        return tuple(sorted(seen))

    @cached_property
    def referenced(self) -> frozenset[str]:
        """Names some other schema of the set refers to (computed once)."""
        return frozenset(
            target
            for name, schema in self.schemas.items()
            for ref, _ in dialect.refs(schema)
            if (target := dialect.ref_name(ref)) is not None and target != name
        )


def read_schema_file(path: Path) -> tuple[str, dict[str, Any]]:
    """Parse one schema file and the name it declares.

    Raises:
        SchemaSetError: the file is not JSON, not an object, or declares no name.
    """
    try:
        document = json.loads(path.read_bytes())
    except (OSError, ValueError) as error:
        raise SchemaSetError(str(path), f"cannot read schema: {error}") from None
    if not isinstance(document, dict):
        raise SchemaSetError(str(path), "a schema file must hold a JSON object")
    name = dialect.document_name(document)
    if name is None:
        raise SchemaSetError(
            str(path), f'no schema name: "$id" should be "{dialect.REF_PREFIX}NAME"'
        )
    return name, document


def load_directory(directory: str | Path) -> SchemaSet:
    """Load every ``*.json`` schema file of a folder as one closed set.

    Raises:
        SchemaSetError: a file cannot be read, two files declare one name, the folder
            has no schema, or a ref names a schema that is not in the folder.
    """
    folder = Path(directory)
    if not folder.is_dir():
        raise SchemaSetError(str(folder), "not a folder of schema files")
    schemas: dict[str, dict[str, Any]] = {}
    files: dict[str, str] = {}
    for path in sorted(folder.glob("*.json")):
        name, document = read_schema_file(path)
        if name in schemas:
            raise SchemaSetError(str(path), f"declares {name!r}, as {files[name]} does")
        schemas[name] = document
        files[name] = str(path)
    if not schemas:
        raise SchemaSetError(str(folder), "holds no schema file (*.json)")
    return SchemaSet(schemas, files, origin=str(folder))


def bundled_directory() -> Path:
    """The folder of the schemas shipped with the package."""
    here = Path(__file__).resolve().parent
    installed = here / "schemas"
    if installed.is_dir():
        return installed
    return here.parent.parent / "schemas"  # a source checkout (editable install)
