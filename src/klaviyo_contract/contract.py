"""The facade: load a contract, validate payloads, raise on violations, generate."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import engines, results
from .errors import ContractViolation, NoSchemaFor
from .model import Exchange, Result, Source
from .registry import SchemaSet, bundled_directory, load_directory
from .routing import Route, Router

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

    from .dialect import Schema
    from .engines import Check

#: Called with every payload :meth:`Contract.validate` checks and the Result it made
#: (the pytest plugin keeps its log of checks and its coverage this way).
Observer = Callable[[Any, Result], None]


class Contract:
    """A closed set of Klaviyo schemas and the means to check payloads against it.

    Build one with :meth:`default`, :meth:`from_directory` or :meth:`from_openapi`;
    :meth:`configured` gives the same schemas with other settings. Each schema's
    validator is compiled on first use and kept.

    Args:
        schema_set: the schemas.
        engine: ``auto``, ``compiled`` or ``reference``.
        routes: (method, path template, status) -> schema, for recorded exchanges.
        strict: the default of :meth:`validate`'s ``strict``.
        observer: called with every payload :meth:`validate` checks, and its Result.
    """

    def __init__(
        self,
        schema_set: SchemaSet,
        *,
        engine: str = "auto",
        routes: Iterable[Route] = (),
        strict: bool = False,
        observer: Observer | None = None,
    ) -> None:
        self.schema_set = schema_set
        self.engine = engines.create(engine, schema_set)
        self.routes = tuple(routes)
        self.router = Router(schema_set, self.routes)
        self.strict = strict
        self.observer = observer

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its schemas, routes, engine name and strictness: a worker process
        (or a Dask worker) rebuilds it and compiles its own validators, no files needed.
        An observer stays behind: it belongs to the process that set it."""
        return (_rebuild, (self.schema_set, self.engine.name, self.routes, self.strict))

    def configured(
        self,
        *,
        engine: str | None = None,
        strict: bool | None = None,
        observer: Observer | None = None,
    ) -> Contract:
        """The same schemas and routes with other settings (unnamed ones kept, but the
        observer); nothing is loaded again."""
        return Contract(
            self.schema_set,
            engine=self.engine.name if engine is None else engine,
            routes=self.routes,
            strict=self.strict if strict is None else strict,
            observer=observer,
        )

    @classmethod
    def default(cls, *, engine: str = "auto") -> Contract:
        """The contract shipped with the package (``schemas/``)."""
        return cls.from_directory(bundled_directory(), engine=engine)

    @classmethod
    def from_directory(cls, path: str | Path, *, engine: str = "auto") -> Contract:
        """Every ``*.json`` schema file of a folder, as Klaviyo publishes them.

        OpenAPI documents in its ``openapi/`` subfolder add the routes of the
        operations whose success response is one of the folder's schemas, with their
        inline error schemas (the JSON:API error document), so recorded exchanges
        are routed by method, path and status.

        Raises:
            SchemaSetError: a file is unreadable or a ref names a schema not loaded.
        """
        schema_set = load_directory(path)
        folder = Path(path) / "openapi"
        documents = sorted(
            file
            for file in folder.glob("*")
            if file.suffix in (".json", ".yaml", ".yml") and file.name != "routes.json"
        )
        if not documents:
            return cls(schema_set, engine=engine)
        from . import openapi

        schemas, files = dict(schema_set.schemas), dict(schema_set.files)
        routes: list[Route] = []
        for document in map(openapi.load_routes, documents):
            for name, schema in document.schemas.items():
                if name not in schemas and name not in document.schemas_from_components:
                    schemas[name] = schema
                    files[name] = f"{document.file}#/components/responses/{name}"
            routes.extend(document.routes)
        covered = {(r.method, r.template) for r in routes if r.schema in schema_set.schemas}
        covered -= {(r.method, r.template) for r in routes if r.schema not in schemas}
        routes = [r for r in routes if (r.method, r.template) in covered]
        used = {r.schema for r in routes}
        for name in list(schemas):
            if name not in schema_set.schemas and name not in used:
                del schemas[name], files[name]
        return cls(SchemaSet(schemas, files, origin=str(path)), engine=engine, routes=routes)

    @classmethod
    def from_openapi(cls, path: str | Path, *, engine: str = "auto") -> Contract:
        """The ``components.schemas`` and ``paths`` of an OpenAPI 3.0 document.

        Raises:
            SchemaSetError: the document cannot be read or a ref names nothing.
        """
        from . import openapi

        document = openapi.load(path)
        files = {
            name: f"{document.file}#/components/"
            f"{'schemas' if name in document.schemas_from_components else 'responses'}/{name}"
            for name in document.schemas
        }
        schema_set = SchemaSet(document.schemas, files, origin=document.file)
        return cls(schema_set, engine=engine, routes=document.routes)

    def names(self) -> tuple[str, ...]:
        """Every schema name, sorted."""
        return self.schema_set.names()

    def schema(self, name: str) -> Schema:
        """The schema ``name`` exactly as published.

        Raises:
            UnknownSchema: no schema has that name.
        """
        return self.schema_set.schema(name)

    def route(self, payload: Any, exchange: Exchange | None = None) -> str:
        """The schema name a payload is checked against when none is given.

        A recorded exchange is routed by its method, path and status where the
        contract has routes; a bare payload by its JSON:API ``type``. Where the type
        fits several response documents, the one the payload conforms to is taken;
        if it conforms to several, or breaks them all alike, the choice changes
        nothing and the first is taken.

        Raises:
            NoSchemaFor: no route or type picks a schema, or the candidates disagree;
                the error lists them.
        """
        if exchange is not None and self.routes:
            return self.router.for_exchange(exchange)
        candidates = self.router.for_payload(payload)
        if len(candidates) == 1:
            return candidates[0]
        verdicts = {name: self._pairs(payload, name) for name in candidates}
        conforming = [name for name, pairs in verdicts.items() if not pairs]
        if conforming:
            return conforming[0]
        if len({frozenset(pairs) for pairs in verdicts.values()}) == 1:
            return candidates[0]
        raise NoSchemaFor(
            "the payload's type fits several schemas and it breaks each differently", candidates
        )

    def _pairs(self, payload: Any, name: str) -> set[tuple[str, str]]:
        return {(v.instance_path, v.keyword) for v in self.checker(name)(payload)}

    def checker(self, name: str, *, strict: bool | None = None) -> Check:
        """The compiled check of schema ``name``: payload -> its violations, in the
        engine's order and without sources (:func:`results.shape` makes the Result).
        Compiled once per name and strictness, then kept.

        Raises:
            UnknownSchema: no schema has that name.
        """
        return self.engine.compile(name, strict=self.strict if strict is None else strict)

    def validate(
        self,
        payload: Any,
        name: str | None = None,
        *,
        strict: bool | None = None,
        fields: Mapping[str, frozenset[str]] | None = None,
        source: Source | None = None,
        exchange: Exchange | None = None,
    ) -> Result:
        """Every violation of ``payload`` against schema ``name``.

        Args:
            payload: a parsed JSON value.
            name: the schema; routed by exchange or JSON:API ``type`` when omitted.
            strict: also report properties the schema does not name (default: the
                contract's ``strict``).
            fields: JSON:API sparse fieldsets of the request ({TYPE: {attribute, ...}});
                taken from ``exchange`` when omitted.
            source: where the payload came from, carried into each violation.
            exchange: the request it answered, when recorded.

        Raises:
            UnknownSchema: ``name`` is not in the contract.
            NoSchemaFor: ``name`` is omitted and nothing picks one.
            PayloadTooDeep: the payload nests deeper than any engine can follow.
        """
        if name is None:
            name = self.route(payload, exchange)
        violations = self.checker(name, strict=strict)(payload)
        result = results.shape(
            payload, name, violations, fields=fields, source=source, exchange=exchange
        )
        if self.observer is not None:
            self.observer(payload, result)
        return result

    def check(self, payload: Any, name: str | None = None, **options: Any) -> Result:
        """Like :meth:`validate`, but raise when the payload breaks the contract.

        Raises:
            ContractViolation: listing every violation.
        """
        result = self.validate(payload, name, **options)
        if not result.valid:
            raise ContractViolation(result)
        return result

    def payloads(self, name: str, **options: Any) -> SearchStrategy[Any]:
        """A Hypothesis strategy of valid payloads for ``name`` (needs ``[generate]``)."""
        from .strategies import payloads

        return payloads(self, name, **options)

    def invalid_payloads(self, name: str, **options: Any) -> SearchStrategy[Any]:
        """A Hypothesis strategy of payloads that each break one labelled constraint."""
        from .strategies import invalid_payloads

        return invalid_payloads(self, name, **options)


def _rebuild(
    schema_set: SchemaSet, engine: str, routes: tuple[Route, ...], strict: bool
) -> Contract:
    return Contract(schema_set, engine=engine, routes=routes, strict=strict)
