"""Draw examples from a strategy outside a test, reproducible by seed.

Bulk ``generate`` no longer runs Hypothesis' engine per payload (see
``strategies._draw``); it uses this only for a pool of examples of the schema parts
only hypothesis-jsonschema can draw (``pattern``, ``not``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy


def examples(
    strategy: SearchStrategy[Any], *, count: int, seed: int | None = None
) -> Iterator[Any]:
    """``count`` examples of ``strategy``; the same ``seed`` gives the same ones.

    Runs Hypothesis' engine in its generate phase only, with no example database,
    so nothing is read or written on disk and the output depends on the seed alone.
    """
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as fix_seed

    drawn: list[Any] = []

    @settings(
        max_examples=count,
        phases=[Phase.generate],
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=seed is None,
    )
    @given(strategy)
    def collect(value: Any) -> None:
        if len(drawn) < count:
            drawn.append(value)

    if seed is not None:
        collect = fix_seed(seed)(collect)
    collect()
    yield from drawn
