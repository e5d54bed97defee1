"""The Hypothesis pin: hypothesis-jsonschema 0.23.1 breaks on Hypothesis >= 6.170.10."""

from __future__ import annotations

from hypothesis import given
from hypothesis_jsonschema import from_schema


def test_hypothesis_jsonschema_still_generates_objects_with_this_hypothesis() -> None:
    """Fails with "'many' object has no attribute 'more'" on an incompatible pair.

    If this fails after an upgrade, keep the cap on ``hypothesis`` in pyproject.toml.
    """
    schema = {
        "type": "object",
        "properties": {"id": {"type": "string"}, "count": {"type": "integer"}},
        "required": ["id"],
    }
    seen = []

    @given(from_schema(schema))
    def draws(value: dict[str, object]) -> None:
        assert isinstance(value["id"], str)
        seen.append(value)

    draws()
    assert seen
