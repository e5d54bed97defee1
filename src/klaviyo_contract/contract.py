"""The facade: load a contract, validate payloads, raise on violations, generate."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import engines
from .errors import ContractViolation
from .model import Exchange, Result, Source, Violation
from .registry import SchemaSet, bundled_directory, load_directory
from .routing import Router
from .validation import locate, sparse

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

    from .dialect import Schema


def _order(violation: Violation) -> tuple[str, str, str]:
    """Violations in payload order, whichever engine found them."""
    return (violation.instance_path, violation.keyword, violation.property or "")


class Contract:
    """A closed set of Klaviyo schemas and the means to check payloads against it.

    Build one with :meth:`default`, :meth:`from_directory` or :meth:`from_openapi`.
    Each schema's validator is compiled on first use and kept.
    """

    def __init__(self, schema_set: SchemaSet, *, engine: str = "auto") -> None:
        self.schema_set = schema_set
        self.engine = engines.create(engine, schema_set)
        self.router = Router(schema_set)

    @classmethod
    def default(cls, *, engine: str = "auto") -> Contract:
        """The contract shipped with the package (``schemas/``)."""
        return cls.from_directory(bundled_directory(), engine=engine)

    @classmethod
    def from_directory(cls, path: str | Path, *, engine: str = "auto") -> Contract:
        """Every ``*.json`` schema file of a folder, as Klaviyo publishes them.

        Raises:
            SchemaSetError: a file is unreadable or a ref names a schema not loaded.
        """
        return cls(load_directory(path), engine=engine)

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

        Raises:
            NoSchemaFor: nothing picks one schema; the error lists the candidates.
        """
        return self.router.for_payload(payload)

    def validate(
        self,
        payload: Any,
        name: str | None = None,
        *,
        strict: bool = False,
        fields: Mapping[str, frozenset[str]] | None = None,
        source: Source | None = None,
        exchange: Exchange | None = None,
    ) -> Result:
        """Every violation of ``payload`` against schema ``name``.

        Args:
            payload: a parsed JSON value.
            name: the schema; routed by exchange or JSON:API ``type`` when omitted.
            strict: also report properties the schema does not name.
            fields: JSON:API sparse fieldsets of the request ({TYPE: {attribute, ...}});
                taken from ``exchange`` when omitted.
            source: where the payload came from, carried into each violation.
            exchange: the request it answered, when recorded.

        Raises:
            UnknownSchema: ``name`` is not in the contract.
            NoSchemaFor: ``name`` is omitted and nothing picks one.
        """
        if name is None:
            name = self.route(payload, exchange)
        violations = self.engine.compile(name, strict=strict)(payload)
        if violations:
            violations = tuple(sorted(violations, key=_order))
            if fields is None and exchange is not None:
                fields = exchange.fields
            violations = locate(sparse(violations, payload, fields or {}), source)
        return Result(name, violations, source, exchange)

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
