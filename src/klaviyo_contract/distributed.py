"""The same validation on a Dask cluster (``pip install klaviyo-contract[dask]``).

The inputs are cut into the units ``--jobs`` uses (files, NDJSON ranges; fsspec
URLs such as ``s3://bucket/day.ndjson`` are units of their own), put in a
``dask.bag`` with one unit a partition, checked on the cluster's workers, and the
partial summaries merged in input order: the report is the one a local run writes.
Dask does the scheduling; the contract travels to the workers as its data.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .inputs import Unit, split, units
from .model import Problem, Summary
from .parallel import CHUNK_BYTES
from .validation import check_unit

if TYPE_CHECKING:
    from .contract import Contract


def _is_url(path: str) -> bool:
    return "://" in path


def plan(paths: Iterable[str]) -> list[Unit | Problem]:
    """The units of ``paths`` in input order (local folders walked, big NDJSON cut)."""
    found: list[Unit | Problem] = []
    for path in paths:
        if _is_url(path):
            found.append(Unit(path, "." + path.rsplit(".", 1)[-1].lower() if "." in path else ""))
            continue
        for item in units([path]):
            found.extend(split(item, CHUNK_BYTES) if isinstance(item, Unit) else [item])
    return found


def _check(
    unit: Unit, contract: Contract, schema: str | None, strict: bool, coverage: bool
) -> Summary:
    return check_unit(contract, unit, schema, strict, coverage=coverage)


def check_bag(
    contract: Contract,
    paths: Iterable[str],
    *,
    schema: str | None = None,
    strict: bool = False,
    coverage: bool = False,
    scheduler: Any = None,
) -> Summary:
    """Check every payload under ``paths`` on Dask; the summary a local run gives.

    Args:
        contract: the contract (sent to the workers as its schemas and routes).
        paths: local files and folders, and fsspec URLs the workers can open.
        schema: check every payload against this schema instead of routing.
        strict: report properties the schemas do not name.
        coverage: also count what the payloads exercised (``Summary.coverage``).
        scheduler: what ``dask.compute`` takes as ``scheduler``: a
            ``distributed.Client``, or None for the current default.
    """
    import dask
    import dask.bag

    start = time.perf_counter()
    found = plan(paths)
    work = [item for item in found if isinstance(item, Unit)]
    parts: list[Summary] = []
    if work:
        shared = dask.delayed(contract, pure=True)
        bag = dask.bag.from_sequence(work, npartitions=len(work))
        checked = bag.map(_check, shared, schema, strict, coverage)
        (results,) = dask.compute(checked, scheduler=scheduler)
        parts_by_unit = iter(results)
    for item in found:
        parts.append(Summary.collect([item]) if isinstance(item, Problem) else next(parts_by_unit))
    return Summary.merge(parts, seconds=time.perf_counter() - start, engine=contract.engine.name)
