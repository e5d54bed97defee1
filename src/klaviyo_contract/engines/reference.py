"""The reference engine: python-jsonschema over the ``referencing`` registry.

The dialect enters as keyword hooks on a 2020-12 validator class: ``nullable: true``
lets ``null`` past every keyword that would otherwise reject it, ``oneOf`` passes a
value that fits at least one branch, formats are asserted
with :data:`~klaviyo_contract.formats.FORMATS`, and strict mode adds unnamed
properties as violations.

It reads any parsed payload (lone surrogates, numbers of any size included) except
one nested past Python's recursion limit (about 1,000 levels at a failing spot):
that raises :class:`~klaviyo_contract.errors.PayloadTooDeep`, never RecursionError.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import attrs
from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators

from .. import dialect, pointers
from ..errors import PayloadTooDeep
from ..formats import FORMATS
from ..model import Violation
from ..registry import uri
from . import Check, describe, nesting

if TYPE_CHECKING:
    from ..registry import SchemaSet

Keyword = Callable[[Any, Any, Any, dict[str, Any]], Iterator[ValidationError] | None]

#: Keywords that can reject a ``null``; where ``nullable: true`` they let it through.
NULL_REJECTING = ("type", "enum", "const", "$ref", "allOf", "anyOf", "oneOf", "not")


def _admitting_null(keyword: Keyword) -> Keyword:
    def check(validator: Any, value: Any, instance: Any, schema: dict[str, Any]) -> Any:
        if instance is None and dialect.admits_null(schema):
            return None
        return keyword(validator, value, instance, schema)

    return check


class _Missing(ValidationError):
    """A ``required`` failure that knows the one property it is about."""

    def __init__(self, prop: str) -> None:
        super().__init__(f"{prop!r} is a required property")
        self.property = prop


def _required(validator: Any, required: Any, instance: Any, schema: dict[str, Any]) -> Any:
    if isinstance(instance, dict):
        for prop in required:
            if prop not in instance:
                yield _Missing(prop)


def _strict_properties(keyword: Keyword) -> Keyword:
    def check(validator: Any, value: Any, instance: Any, schema: dict[str, Any]) -> Any:
        yield from keyword(validator, value, instance, schema) or ()
        if (
            isinstance(instance, dict)
            and "additionalProperties" not in schema
            and "patternProperties" not in schema
        ):
            for extra in instance.keys() - value.keys():
                yield ValidationError(
                    f"{extra!r} is not named by the schema",
                    validator="additionalProperties",
                    validator_value=sorted(value),
                    path=[extra],
                    instance=instance[extra],
                )

    return check


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())
    for name, rule in FORMATS.items():
        checker.checks(name)(lambda value, rule=rule: not isinstance(value, str) or rule(value))
    return checker


def _validator_class(*, strict: bool) -> Any:
    base = Draft202012Validator.VALIDATORS
    hooks: dict[str, Keyword] = {name: _admitting_null(base[name]) for name in NULL_REJECTING}
    hooks["required"] = _required
    # The dialect reads oneOf as "at least one branch" (dialect.py): anyOf's check,
    # still reported as "oneOf", where the published file states it.
    hooks["oneOf"] = _admitting_null(base["anyOf"])
    if strict:
        hooks["properties"] = _strict_properties(base["properties"])
    cls = validators.extend(Draft202012Validator, hooks)  # type: ignore[no-untyped-call]
    # jsonschema's evolve() re-picks the class from each subschema's "$schema", and
    # every Klaviyo file names plain 2020-12: following a $ref would drop the
    # dialect's hooks. Our class keeps itself across refs instead.
    init_fields = [(field.name, field.alias) for field in attrs.fields(cls) if field.init]

    def evolve(self: Any, **changes: Any) -> Any:
        changes.setdefault("schema", self.schema)
        for name, alias in init_fields:
            if alias not in changes:
                changes[alias] = getattr(self, name)
        return cls(**changes)

    cls.evolve = evolve
    return cls


class ReferenceEngine:
    """python-jsonschema with the dialect's hooks; full, ranked-by-position errors."""

    name = "reference"

    def __init__(self, schema_set: SchemaSet) -> None:
        self.schema_set = schema_set
        self._format_checker = _format_checker()
        self._classes = {strict: _validator_class(strict=strict) for strict in (False, True)}
        self._checks: dict[tuple[str, bool], Check] = {}

    def compile(self, name: str, *, strict: bool = False) -> Check:
        key = (name, strict)
        check = self._checks.get(key)
        if check is None:
            self.schema_set.schema(name)  # raises UnknownSchema
            validator = self._classes[strict](
                {"$ref": uri(name)},
                registry=self.schema_set.registry,
                format_checker=self._format_checker,
            )
            check = self._checks[key] = self._make_check(name, validator)
        return check

    def _make_check(self, name: str, validator: Any) -> Check:
        iter_errors = validator.iter_errors
        convert = self._violation

        def check(payload: Any) -> tuple[Violation, ...]:
            try:
                return tuple(convert(name, error) for error in iter_errors(payload))
            except RecursionError:
                # python-jsonschema (and repr) recurse once a level or more: past
                # Python's recursion limit the payload cannot be walked at all.
                raise PayloadTooDeep(*nesting(payload)) from None

        return check

    def _violation(self, name: str, error: ValidationError) -> Violation:
        keyword = str(error.validator)
        prop: str | None = None
        path = list(error.absolute_path)
        if isinstance(error, _Missing):
            prop = error.property
        elif keyword == "additionalProperties" and path:
            prop = str(path[-1])
        location = self.schema_set.location(error.schema)
        keyword_at = "properties" if keyword == "additionalProperties" else keyword
        if location is None:
            schema_path = "#" + pointers.pointer(list(error.schema_path))
        else:
            schema_path = f"{dialect.ref_to(location[0])}{location[1]}/{keyword_at}"
        message = describe(keyword, error.validator_value, error.instance, prop) or error.message
        return Violation(
            schema=name,
            instance_path=pointers.pointer(path),
            keyword=keyword,
            message=message,
            schema_path=schema_path,
            property=prop,
        )
