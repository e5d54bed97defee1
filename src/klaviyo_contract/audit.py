"""Checks of a schema set itself: every file valid 2020-12 in the dialect's form, lock honoured."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .registry import LOCK_NAME, SchemaSet


def dialect_form(schema: Any) -> Any:
    """A schema as the 2020-12 metaschema should see it.

    Klaviyo's ``$id`` (``#/components/schemas/NAME``) is a JSON Pointer fragment of
    the OpenAPI document the files came from; 2020-12 forbids fragments in ``$id``
    and the dialect resolves names through the registry instead, so it is left out.
    """
    if isinstance(schema, dict) and "$id" in schema:
        return {key: value for key, value in schema.items() if key != "$id"}
    return schema


def metaschema_problems(schema: Any) -> list[str]:
    """Why ``schema`` is not a valid 2020-12 schema (empty when it is)."""
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - jsonschema-rs is a default dependency
        from jsonschema import Draft202012Validator

        validator = Draft202012Validator(Draft202012Validator.META_SCHEMA)
        return [error.message for error in validator.iter_errors(dialect_form(schema))]
    try:
        jsonschema_rs.meta.validate(dialect_form(schema))
    except jsonschema_rs.ValidationError as error:
        return [str(error.message)]
    return []


def check_schema_set(schema_set: SchemaSet) -> list[str]:
    """Every problem of a loaded set: metaschema failures and lock mismatches.

    Refs are already known to resolve: :class:`SchemaSet` refuses to load otherwise.
    """
    problems = [
        f"{schema_set.files.get(name, name)}: {message}"
        for name in schema_set.names()
        for message in metaschema_problems(schema_set.schemas[name])
    ]
    folder = Path(schema_set.origin)
    if (folder / LOCK_NAME).is_file():
        from .vendor import verify_lock

        problems.extend(verify_lock(folder))
    return problems
