"""``--jobs``: the same validation over files and NDJSON ranges in worker processes.

The inputs are cut into units (files; large NDJSON files into ranges of whole
lines), each checked in a worker into a partial :class:`Summary`, and the parts are
merged in input order: the report is the one ``--jobs 1`` writes.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from .inputs import Unit, split, units
from .model import Problem, Summary
from .validation import check_unit

if TYPE_CHECKING:
    from concurrent.futures import Future

    from .contract import Contract

#: NDJSON files larger than this are cut into ranges of about this size.
CHUNK_BYTES = 8 * 2**20
#: Less input than this is checked in this process: starting workers costs more.
PARALLEL_MIN_BYTES = 4 * 2**20

#: In a worker process: the contract and (schema, strict, coverage) of the run.
_worker: tuple[Contract, str | None, bool, bool] | None = None


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


def _start_worker(contract: Contract, schema: str | None, strict: bool, coverage: bool) -> None:
    global _worker  # noqa: PLW0603 - one contract per worker process, built once
    _worker = (contract, schema, strict, coverage)


def _check_in_worker(unit: Unit) -> Summary:
    assert _worker is not None, "worker not started"
    contract, schema, strict, coverage = _worker
    return check_unit(contract, unit, schema, strict, coverage=coverage)


def check_paths(
    contract: Contract,
    paths: Iterable[str],
    *,
    schema: str | None = None,
    strict: bool = False,
    jobs: int = 1,
    coverage: bool = False,
    done: Callable[[Summary], None] | None = None,
) -> Summary:
    """Check every payload under ``paths`` with ``jobs`` processes; one merged summary.

    Args:
        coverage: also count what the payloads exercised (``Summary.coverage``); the
            parts merge to the counts one process gives.
        done: called with each unit's part as it is merged (for progress).
    """
    start = time.perf_counter()
    found: list[Unit | Problem] = []
    for item in units(paths):
        if isinstance(item, Unit) and jobs > 1:  # one process reads each file through
            found.extend(split(item, CHUNK_BYTES))
        else:
            found.append(item)
    summary = Summary.merge(
        _parts(contract, found, (schema, strict, coverage), jobs=jobs, done=done),
        seconds=0.0,
        engine=contract.engine.name,
    )
    return dataclasses.replace(summary, seconds=time.perf_counter() - start)


#: How each unit is checked: (schema, strict, coverage), as :func:`check_unit` takes them.
Settings = tuple[str | None, bool, bool]


def _parts(
    contract: Contract,
    found: list[Unit | Problem],
    settings: Settings,
    *,
    jobs: int,
    done: Callable[[Summary], None] | None,
) -> Iterator[Summary]:
    """Each unit's summary in input order, each dropped once the caller merged it."""
    remote = [item for item in found if isinstance(item, Unit) and item.path != "-"]
    if jobs <= 1 or len(remote) <= 1 or _size(remote) < PARALLEL_MIN_BYTES:
        for item in found:
            yield _reported(_local(contract, item, settings), done)
        return
    from concurrent.futures import ProcessPoolExecutor  # only when workers are worth it

    with ProcessPoolExecutor(
        max_workers=min(jobs, len(remote)),
        initializer=_start_worker,
        initargs=(contract, *settings),
    ) as pool:
        # A window of units in flight, merged in input order as they complete.
        window: deque[tuple[Unit | Problem, Future[Summary] | None]] = deque()
        for item in found:
            future = None
            if isinstance(item, Unit) and item.path != "-":
                future = pool.submit(_check_in_worker, item)
            window.append((item, future))
            if len(window) >= 4 * jobs:
                yield _reported(_settle(contract, *window.popleft(), settings), done)
        while window:
            yield _reported(_settle(contract, *window.popleft(), settings), done)


def _reported(part: Summary, done: Callable[[Summary], None] | None) -> Summary:
    if done is not None:
        done(part)
    return part


def _settle(
    contract: Contract, item: Unit | Problem, future: Future[Summary] | None, settings: Settings
) -> Summary:
    return future.result() if future is not None else _local(contract, item, settings)


def _size(found: list[Unit]) -> int:
    total = 0
    for unit in found:
        if unit.end is not None:
            total += unit.end - unit.start
        elif os.path.isfile(unit.path):
            total += os.path.getsize(unit.path)
    return total


def _local(contract: Contract, item: Unit | Problem, settings: Settings) -> Summary:
    if isinstance(item, Problem):
        return Summary.collect([item])
    schema, strict, coverage = settings
    return check_unit(contract, item, schema, strict, coverage=coverage)
