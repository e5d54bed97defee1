"""The compiled engine: jsonschema-rs over the rewritten schema set in its own registry.

The whole set is registered once as one document (:func:`bundle.document`); each
schema's validator is compiled on first use. Payloads that conform cost one
``is_valid`` call; failing ones are explained by the same engine (``iter_errors``),
their keyword locations mapped back to the published files.

jsonschema-rs cannot read every payload Python can hold: it raises ValueError on an
instance nested 256 levels or more at a failing spot ("Recursion limit reached"), on
a string with a lone surrogate (UnicodeEncodeError) and on non-JSON values. Such a
payload is checked by the reference engine instead, created on first need, so the
answer is the same and the fast path stays in Rust.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import jsonschema_rs

from .. import bundle, pointers
from ..model import Violation
from ..registry import BASE_URI, uri
from . import Check, Engine, describe

if TYPE_CHECKING:
    from ..registry import SchemaSet


#: Formats whose jsonschema-rs built-in check departs from the dialect's RFC rule, with
#: the rule to use instead. None today: the built-ins agree with
#: :data:`~klaviyo_contract.formats.FORMATS` on the official JSON-Schema-Test-Suite's
#: format cases, our RFC edge cases and fuzzed strings (tests/engines/test_agreement.py),
#: and run in Rust, not through a Python call per string (a Python ``uri`` check here
#: would cost every payload of the bundled contract).
COMPILED_FORMATS: dict[str, Callable[[str], bool]] = {}


class CompiledEngine:
    """jsonschema-rs with the dialect's rewrite and the same format rules."""

    name = "compiled"

    def __init__(self, schema_set: SchemaSet) -> None:
        self.schema_set = schema_set
        self._registries: dict[bool, jsonschema_rs.Registry] = {}
        self._checks: dict[tuple[str, bool], Check] = {}
        #: Keyword location in the rewritten set -> (published location, keyword value).
        self._rules: dict[str, tuple[str, Any]] = {}
        self._fallback: Engine | None = None

    def _reference(self, name: str, strict: bool) -> Check:
        """The reference engine's check, for payloads jsonschema-rs cannot read."""
        if self._fallback is None:
            from .reference import ReferenceEngine

            self._fallback = ReferenceEngine(self.schema_set)
        return self._fallback.compile(name, strict=strict)

    def _registry(self, strict: bool) -> jsonschema_rs.Registry:
        registry = self._registries.get(strict)
        if registry is None:
            document = bundle.document(self.schema_set, strict=strict)
            registry = self._registries[strict] = jsonschema_rs.Registry(
                [(BASE_URI, document)], draft=jsonschema_rs.Draft202012
            )
        return registry

    def compile(self, name: str, *, strict: bool = False) -> Check:
        key = (name, strict)
        check = self._checks.get(key)
        if check is None:
            self.schema_set.schema(name)  # raises UnknownSchema
            validator = jsonschema_rs.Draft202012Validator(
                {"$ref": uri(name)},
                registry=self._registry(strict),
                formats=COMPILED_FORMATS,
                validate_formats=True,
                ignore_unknown_formats=True,
            )
            check = self._checks[key] = self._make_check(name, validator, strict)
        return check

    def _make_check(self, name: str, validator: Any, strict: bool) -> Check:
        is_valid = validator.is_valid
        iter_errors = validator.iter_errors
        explain = self._violations
        reference = self._reference

        def check(payload: Any) -> tuple[Violation, ...]:
            try:
                if is_valid(payload):
                    return ()
                errors = list(iter_errors(payload))
            except ValueError:  # too deep, a lone surrogate, a non-JSON value
                return reference(name, strict)(payload)
            return tuple(v for error in errors for v in explain(name, error))

        return check

    def _violations(self, name: str, error: Any) -> list[Violation]:
        kind = error.kind
        keyword = kind.name
        path = list(error.instance_path)
        location = error.absolute_keyword_location or ""
        rule = self._rules.get(location)
        if rule is None:
            published = bundle.published_location(location.partition("#")[2])
            rule = self._rules[location] = (published, self.schema_set.at(published))
        schema_path, expected = rule
        if keyword == "additionalProperties":
            return [
                Violation(
                    schema=name,
                    instance_path=pointers.pointer([*path, extra]),
                    keyword=keyword,
                    message=describe(keyword, None, None, extra) or error.message,
                    schema_path=schema_path.rsplit("/", 1)[0] + "/properties",
                    property=extra,
                )
                for extra in kind.unexpected
            ]
        prop = kind.property if keyword == "required" else None
        return [
            Violation(
                schema=name,
                instance_path=pointers.pointer(path),
                keyword=keyword,
                message=describe(keyword, expected, error.instance, prop) or error.message,
                schema_path=schema_path,
                property=prop,
            )
        ]
