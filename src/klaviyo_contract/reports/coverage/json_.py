"""The coverage model as JSON: stable keys, sorted, one document (docs/coverage.md)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import TextIO


def write(model: Mapping[str, Any], out: TextIO) -> None:
    out.write(json.dumps(model, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
