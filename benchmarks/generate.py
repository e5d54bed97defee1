"""How fast ``contract.payloads`` and ``contract.invalid_payloads`` generate, against the ceiling.

Run it from anywhere, with the dev environment's Python::

    python benchmarks/generate.py                       # 1,000 examples a measurement
    python benchmarks/generate.py --examples 200        # a quick smoke run
    python benchmarks/generate.py --only ours,hand      # skip hypothesis-jsonschema and build
    python benchmarks/generate.py --only bulk,ours,hand # bulk generate beside @given
    python benchmarks/generate.py --profile             # and cProfile ours beside hand-written

For each seed schema it runs, under Hypothesis' real engine (``@given`` with
``@settings(max_examples=N, phases=[Phase.generate], database=None, deadline=None,
suppress_health_check=list(HealthCheck))`` and a test body that only counts):

- ``ours``: ``contract.payloads(name)`` (valid) and ``contract.invalid_payloads(name)``;
- ``hand``: a ``st.fixed_dictionaries`` strategy written below for the schema, with the
  same distributions as ours (array sizes, nullable ``one_of``, optional keys, format
  strategies): the ceiling of Hypothesis itself; valid only;
- ``hjs``: hypothesis-jsonschema's ``from_schema`` on the same self-contained schema
  (``bundle.inline``); valid only (it has no invalid mode), and capped at
  ``--hjs-examples`` (default 100) examples because it is slow;
- ``bulk``: the whole ``klaviyo-contract generate NAME --count N --seed S`` process
  (``--bulk-count``, default 100,000; valid, then ``--invalid``), output to /dev/null:
  payloads a second of the whole process (start-up included), its peak RSS (from
  ``common.measure``), and the rate against the Hypothesis-driven and hand-written rows above;
- ``build``: in a fresh process each time (imports, ``Contract.default()`` and one
  trivial ``@given`` run done first, untimed), the time to build the strategy and
  draw its first example under ``@given``.

Each measurement is repeated (three times by default) in interleaved rounds, so a noisy
neighbour hits every strategy alike, and the median is reported. Round r seeds every
strategy with the same seed, which makes each run replayable: after the timed rounds,
each is run again untimed to measure the JSON size of the very payloads it timed and to
check them against the contract. Payload size swings a lot (arrays run to 250 items), so
the table also gives kilobytes a second, the rate with size taken out. ``--profile``
adds cProfile listings of ours beside hand-written, and the functions where ours spends
more time per kilobyte. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from common import cli_executable, measure, versions
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.errors import HypothesisWarning

from klaviyo_contract import Contract, bundle
from klaviyo_contract.strategies._formats import FORMAT_STRATEGIES

SCHEMAS = ("CouponCodeCreateJobResponseObjectResource", "PostCatalogItemCreateJobResponse")
MEASUREMENTS = ("ours", "hand", "hjs", "bulk", "build")
REPEATS = 3
#: Untimed examples per strategy that warm it up (Hypothesis validates lazily).
WARM_EXAMPLES = 20
WARM_EXAMPLES_HJS = 3
#: Round r runs every variant with seed SEED + r: paired rounds, and replayable ones.
SEED = 20241028
WARM_SEED = 1
TARGET_VS_HAND = 0.8
TARGET_VS_HJS = 50.0
TARGET_BUILD_SECONDS = 0.5
#: Issue 14: bulk generate, whole process, at least this many payloads a second,
#: under this peak RSS.
TARGET_BULK_VALID = 5_000
TARGET_BULK_INVALID = 2_000
TARGET_BULK_RSS_MB = 100
BULK_COUNT = 100_000
PROFILE_EXAMPLES = 300
PROFILE_TOP = 18

# -- the hand-written ceiling -------------------------------------------------------------
#
# Written as someone would by hand for these two schemas, with the distributions of
# klaviyo_contract/strategies/_build.py: a nullable value is one_of(none, value); an
# object with optional properties is one_of(some of them, all of them); an array is
# 0..3 items seven times in ten, else 0..250; an integer is one_of(0..10,000, any safe
# integer); a string without a format is text up to 40 characters; formats come from
# klaviyo_contract.strategies._formats.

_SAFE = 2**53 - 1
date_time = FORMAT_STRATEGIES["date-time"]
uri = FORMAT_STRATEGIES["uri"]
text = st.text(max_size=40)
integer = st.one_of(st.integers(0, 10_000), st.integers(-_SAFE, _SAFE))


def nullable(value: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), value)


def record(
    required: dict[str, st.SearchStrategy[Any]],
    optional: dict[str, st.SearchStrategy[Any]] | None = None,
) -> st.SearchStrategy[dict[str, Any]]:
    if not optional:
        return st.fixed_dictionaries(required)
    return st.one_of(
        st.fixed_dictionaries(required, optional=optional),
        st.fixed_dictionaries({**required, **optional}),
    )


_SIZES = st.tuples(st.integers(0, 9), st.integers(0, 3), st.integers(0, 250)).map(
    lambda pick: pick[1] if pick[0] < 9 else pick[2]
)


def array(items: st.SearchStrategy[Any]) -> st.SearchStrategy[list[Any]]:
    return _SIZES.flatmap(lambda size: st.lists(items, min_size=size, max_size=size))


def job_resource(job_type: str, related: str, relation: str) -> st.SearchStrategy[dict[str, Any]]:
    """A ``*-bulk-create-job`` resource object: both seed schemas share its shape."""
    error = record(
        {
            "id": text,
            "code": text,
            "title": text,
            "detail": text,
            "source": record({}, {"pointer": nullable(text)}),
        }
    )
    attributes = record(
        {
            "status": st.sampled_from(["cancelled", "complete", "processing", "queued"]),
            "created_at": date_time,
            "total_count": integer,
        },
        {
            "completed_count": nullable(integer),
            "failed_count": nullable(integer),
            "completed_at": nullable(date_time),
            "errors": nullable(array(error)),
            "expires_at": nullable(date_time),
        },
    )
    relationship = record(
        {},
        {
            "data": array(record({"type": st.just(related), "id": text})),
            "links": record({"self": uri, "related": uri}),
        },
    )
    return record(
        {
            "type": st.just(job_type),
            "id": text,
            "attributes": attributes,
            "links": record({"self": uri}),
        },
        {"relationships": record({}, {relation: relationship})},
    )


def hand_coupon_code_job() -> st.SearchStrategy[Any]:
    return job_resource("coupon-code-bulk-create-job", "coupon-code", "coupon-codes")


def hand_catalog_item_job_response() -> st.SearchStrategy[Any]:
    data = job_resource("catalog-item-bulk-create-job", "catalog-item", "items")
    return record({"data": data}, {"links": record({"self": uri})})


HAND: dict[str, Callable[[], st.SearchStrategy[Any]]] = {
    "CouponCodeCreateJobResponseObjectResource": hand_coupon_code_job,
    "PostCatalogItemCreateJobResponse": hand_catalog_item_job_response,
}

# -- the strategies ----------------------------------------------------------------------


def from_schema(schema: Any) -> st.SearchStrategy[Any]:
    from hypothesis_jsonschema import from_schema as hjs

    return hjs(schema)


@dataclass(frozen=True)
class Variant:
    """One strategy of one schema to measure."""

    schema: str
    strategy: str  # ours | hand | hjs
    kind: str  # valid | invalid

    @property
    def label(self) -> str:
        return {"ours": "ours", "hand": "hand-written", "hjs": "hypothesis-jsonschema"}[
            self.strategy
        ]

    def build(self, contract: Contract) -> st.SearchStrategy[Any]:
        if self.strategy == "ours":
            if self.kind == "invalid":
                return contract.invalid_payloads(self.schema)
            return contract.payloads(self.schema)
        if self.strategy == "hand":
            return HAND[self.schema]()
        return from_schema(bundle.inline(contract.schema_set, self.schema))


def variants(schemas: Iterable[str], only: set[str]) -> list[Variant]:
    found = []
    for schema in schemas:
        if "ours" in only:
            found += [Variant(schema, "ours", "valid"), Variant(schema, "ours", "invalid")]
        if "hand" in only:
            found.append(Variant(schema, "hand", "valid"))
        if "hjs" in only:
            found.append(Variant(schema, "hjs", "valid"))
    return found


# -- running under @given -----------------------------------------------------------------


@dataclass
class Run:
    """One ``@given`` run; ``size`` and ``conforming`` come from its untimed replay."""

    calls: int
    seconds: float
    cpu: float
    size: int | None = None
    conforming: int | None = None


def run_given(
    strategy: st.SearchStrategy[Any],
    examples: int,
    seed: int,
    seen: Callable[[Any], None] | None = None,
) -> Run:
    """Run a seeded ``@given`` test of ``examples`` examples: its calls and seconds."""
    calls = 0

    @settings(
        max_examples=examples,
        phases=[Phase.generate],
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def body(payload: Any) -> None:
        nonlocal calls
        calls += 1
        if seen is not None:
            seen(payload)

    test = hypothesis_seed(seed)(body)
    wall, cpu = time.perf_counter(), time.process_time()
    test()
    return Run(calls, time.perf_counter() - wall, time.process_time() - cpu)


def median(values: Iterable[float]) -> float | None:
    found = list(values)
    return statistics.median(found) if found else None


@dataclass
class Row:
    variant: Variant
    examples: int
    runs: list[Run] = field(default_factory=list)
    replay_mismatches: int = 0

    @property
    def rates(self) -> list[float]:
        return [run.calls / run.seconds for run in self.runs if run.seconds > 0]

    @property
    def rate(self) -> float | None:
        return median(self.rates)

    @property
    def calls(self) -> float | None:
        return median(run.calls for run in self.runs)

    @property
    def seconds(self) -> float | None:
        return median(run.seconds for run in self.runs)

    @property
    def cpu(self) -> float | None:
        return median(run.cpu for run in self.runs)

    @property
    def kb_rate(self) -> float | None:
        """Payload JSON kilobytes generated a second: the rate with payload size taken out."""
        return median(
            run.size / 1000 / run.seconds for run in self.runs if run.size and run.seconds > 0
        )

    @property
    def mean_bytes(self) -> float | None:
        sized = [run for run in self.runs if run.size is not None]
        calls = sum(run.calls for run in sized)
        return sum(run.size or 0 for run in sized) / calls if calls else None

    @property
    def conform(self) -> str:
        checked = [run for run in self.runs if run.conforming is not None]
        if not checked:
            return "-"
        return f"{sum(run.conforming or 0 for run in checked):,}/{sum(r.calls for r in checked):,}"


def replay(
    contract: Contract, row: Row, strategy: st.SearchStrategy[Any], seed: int, run: Run
) -> None:
    """Run the same seed again, untimed: the payloads' JSON size, and how many conform."""
    size = conforming = 0

    def seen(value: Any) -> None:
        nonlocal size, conforming
        payload = value.payload if row.variant.kind == "invalid" else value
        size += len(json.dumps(payload))
        conforming += contract.validate(payload, row.variant.schema).valid

    again = run_given(strategy, row.examples, seed, seen)
    if again.calls != run.calls:
        row.replay_mismatches += 1
    run.size, run.conforming = size, conforming


def measure_rates(
    contract: Contract,
    chosen: list[Variant],
    examples: int,
    hjs_examples: int,
    repeats: int,
) -> list[Row]:
    strategies = {variant: variant.build(contract) for variant in chosen}
    rows = [Row(v, hjs_examples if v.strategy == "hjs" else examples) for v in chosen]
    for row in rows:
        warm = WARM_EXAMPLES_HJS if row.variant.strategy == "hjs" else WARM_EXAMPLES
        progress(f"warm-up: {row.variant.schema} {row.variant.label} {row.variant.kind}")
        run_given(strategies[row.variant], min(warm, row.examples), WARM_SEED)
    for repeat in range(repeats):
        for row in rows:
            v = row.variant
            progress(
                f"round {repeat + 1}/{repeats}: {v.schema} {v.label} {v.kind}, {row.examples:,}"
            )
            row.runs.append(run_given(strategies[v], row.examples, SEED + repeat))
    for row in rows:
        v = row.variant
        progress(f"replay for size and conformance: {v.schema} {v.label} {v.kind}")
        for repeat, run in enumerate(row.runs):
            replay(contract, row, strategies[v], SEED + repeat, run)
    return rows


# -- bulk generate, the whole process ----------------------------------------------------


@dataclass
class Bulk:
    schema: str
    kind: str  # valid | invalid
    count: int
    seconds: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    error: str | None = None

    @property
    def rate(self) -> float | None:
        return median(self.count / s for s in self.seconds if s > 0)


def run_bulk(bulk: Bulk, seed: int) -> None:
    """One ``generate`` process, output to /dev/null: its wall seconds and peak RSS
    (:func:`common.measure`)."""
    command = [cli_executable(), "generate", bulk.schema, "--count", str(bulk.count)]
    command += ["--seed", str(seed)] + (["--invalid"] if bulk.kind == "invalid" else [])
    done = measure(command, keep_stdout=False)
    if done.status != 0:
        bulk.error = done.stderr.strip()[-200:] or "failed"
        return
    bulk.seconds.append(done.seconds)
    bulk.rss_mb.append(done.rss_mb)


def measure_bulk(schemas: Iterable[str], count: int, repeats: int) -> list[Bulk]:
    bulks = [Bulk(schema, kind, count) for schema in schemas for kind in ("valid", "invalid")]
    for repeat in range(repeats):
        for bulk in bulks:
            if bulk.error:
                continue
            progress(f"bulk round {repeat + 1}/{repeats}: {bulk.schema} {bulk.kind}, {count:,}")
            run_bulk(bulk, SEED + repeat)
    return bulks


def bulk_table(bulks: list[Bulk], rows: list[Row]) -> str:
    lines: list[tuple[str, ...]] = [
        (
            "schema",
            "kind",
            "payloads",
            "seconds",
            "payloads/s",
            "peak RSS MB",
            "vs ours (Hypothesis)",
            "vs hand-written",
            "note",
        )
    ]
    for bulk in bulks:
        ours = next(
            (
                r
                for r in rows
                if r.variant.schema == bulk.schema
                and r.variant.strategy == "ours"
                and r.variant.kind == bulk.kind
            ),
            None,
        )
        hand = baseline(rows, bulk.schema, "hand")
        lines.append(
            (
                bulk.schema,
                bulk.kind,
                f"{bulk.count:,}",
                figure(median(bulk.seconds), ".2f"),
                figure(bulk.rate, ",.0f"),
                figure(max(bulk.rss_mb) if bulk.rss_mb else None, ".1f"),
                ratio(bulk.rate, ours.rate if ours else None),
                ratio(bulk.rate, hand.rate if hand else None),
                f"FAILED: {bulk.error}" if bulk.error else "",
            )
        )
    return aligned(lines, {0, 1, 8})


def bulk_targets(bulks: list[Bulk]) -> list[str]:
    lines = []
    for bulk in bulks:
        goal = TARGET_BULK_VALID if bulk.kind == "valid" else TARGET_BULK_INVALID
        if bulk.rate is not None:
            lines.append(
                f"  {bulk.schema} bulk {bulk.kind} >= {goal:,}/s: {bulk.rate:,.0f}/s  "
                f"{verdict(bulk.rate >= goal)}"
            )
        if bulk.rss_mb:
            peak = max(bulk.rss_mb)
            lines.append(
                f"  {bulk.schema} bulk {bulk.kind} peak RSS < {TARGET_BULK_RSS_MB} MB: "
                f"{peak:.1f} MB  {verdict(peak < TARGET_BULK_RSS_MB)}"
            )
    return lines


# -- build time, each in a fresh process --------------------------------------------------

BUILDS = ("ours-valid", "ours-invalid", "hjs", "hand")


def build_worker(what: str, name: str) -> None:
    """Print (as JSON) the seconds to build ``what`` for ``name`` and draw one example."""
    import hypothesis_jsonschema  # noqa: F401 - imported before timing, as a test run would
    import jsonschema_rs  # noqa: F401

    import klaviyo_contract.strategies  # noqa: F401

    contract = Contract.default()
    run_given(st.none(), 1, WARM_SEED)  # the engine's own first-run costs are not the strategy's
    start = time.perf_counter()
    if what == "hand":
        strategy = HAND[name]()
    elif what == "hjs":
        strategy = from_schema(bundle.inline(contract.schema_set, name))
    else:
        strategy = Variant(name, "ours", what.removeprefix("ours-")).build(contract)
    built = time.perf_counter()
    calls = run_given(strategy, 1, SEED).calls
    done = time.perf_counter()
    print(json.dumps({"construct": built - start, "first": done - built, "calls": calls}))


@dataclass
class Build:
    schema: str
    what: str
    construct: list[float] = field(default_factory=list)
    first: list[float] = field(default_factory=list)
    error: str | None = None

    @property
    def total(self) -> float | None:
        if not self.construct:
            return None
        return statistics.median(c + f for c, f in zip(self.construct, self.first, strict=True))


def measure_builds(schemas: Iterable[str], repeats: int) -> list[Build]:
    builds = [Build(schema, what) for schema in schemas for what in BUILDS]
    for repeat in range(1, repeats + 1):
        for build in builds:
            if build.error:
                continue
            progress(f"build round {repeat}/{repeats}: {build.schema} {build.what}")
            command = [sys.executable, __file__, "--build-worker", build.what, build.schema]
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                build.error = (done.stderr.strip().splitlines() or ["no stderr"])[-1]
                continue
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            build.construct.append(figures["construct"])
            build.first.append(figures["first"])
    return builds


# -- profile ------------------------------------------------------------------------------


def profiled(
    contract: Contract, variant: Variant, examples: int
) -> tuple[pstats.Stats, float, float]:
    """Profile one seeded run of ``variant``: its stats, payload kilobytes and seconds."""
    strategy = variant.build(contract)
    run_given(strategy, WARM_EXAMPLES, WARM_SEED)
    size = 0

    def seen(payload: Any) -> None:
        nonlocal size
        size += len(json.dumps(payload))

    run_given(strategy, examples, SEED, seen)
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.runcall(run_given, strategy, examples, SEED)
    seconds = time.perf_counter() - start
    return pstats.Stats(profiler, stream=io.StringIO()).strip_dirs(), size / 1000, seconds


def where(key: tuple[str, int, str]) -> str:
    filename, line, name = key
    return f"{filename}:{line}({name})"


def profile(contract: Contract, schemas: Iterable[str], examples: int) -> list[str]:
    lines = [
        f"cProfile: ours and hand-written valid, {examples:,} examples each, same seed "
        "(profiling inflates every figure; per-KB figures take payload size out)"
    ]
    for schema in schemas:
        found = {}
        for variant in (Variant(schema, "ours", "valid"), Variant(schema, "hand", "valid")):
            progress(f"profile: {schema} {variant.label}")
            stats, kb, seconds = profiled(contract, variant, examples)
            found[variant.strategy] = stats, kb
            calls = stats.total_calls  # type: ignore[attr-defined]
            lines += [
                "",
                f"== {schema} {variant.label}: {kb:,.0f} KB of payloads, {seconds:.2f} s "
                f"profiled, {seconds / kb * 1000:.2f} ms/KB, {calls / kb:,.0f} calls/KB",
            ]
            for order in ("tottime", "cumulative"):
                out = io.StringIO()
                stats.stream = out  # type: ignore[attr-defined]
                stats.sort_stats(order).print_stats(PROFILE_TOP)
                lines += [f"-- by {order}"]
                lines += [
                    line
                    for line in out.getvalue().splitlines()
                    if line.strip() and not line.lstrip().startswith(("Ordered by", "List reduced"))
                ]
        lines += ["", *difference(schema, found["ours"], found["hand"])]
    return lines


def difference(
    schema: str, ours: tuple[pstats.Stats, float], hand: tuple[pstats.Stats, float]
) -> list[str]:
    """Functions whose own time per payload KB grew most from hand-written to ours."""
    (ours_stats, ours_kb), (hand_stats, hand_kb) = ours, hand
    mine: dict[Any, Any] = ours_stats.stats  # type: ignore[attr-defined]
    theirs: dict[Any, Any] = hand_stats.stats  # type: ignore[attr-defined]
    rows = []
    for key in set(mine) | set(theirs):
        _, ours_calls, ours_own, ours_cum, _ = mine.get(key, (0, 0, 0.0, 0.0, {}))
        _, hand_calls, hand_own, hand_cum, _ = theirs.get(key, (0, 0, 0.0, 0.0, {}))
        rows.append(
            (
                ours_own / ours_kb - hand_own / hand_kb,
                key,
                ours_calls / ours_kb,
                hand_calls / hand_kb,
                ours_cum / ours_kb,
                hand_cum / hand_kb,
            )
        )
    rows.sort(key=lambda row: row[0], reverse=True)
    table: list[tuple[str, ...]] = [
        (
            "own ms/KB ours-hand",
            "calls/KB ours",
            "calls/KB hand",
            "cum ms/KB ours",
            "cum ms/KB hand",
            "function",
        )
    ]
    for extra, key, ours_calls, hand_calls, ours_cum, hand_cum in rows[:PROFILE_TOP]:
        table.append(
            (
                f"{extra * 1000:+.3f}",
                f"{ours_calls:,.1f}",
                f"{hand_calls:,.1f}",
                f"{ours_cum * 1000:.3f}",
                f"{hand_cum * 1000:.3f}",
                where(key),
            )
        )
    return [
        f"== {schema}: where ours spends more own time per KB than hand-written",
        aligned(table, {5}),
    ]


# -- the report ---------------------------------------------------------------------------


def figure(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def ratio(value: float | None, base: float | None) -> str:
    if value is None or not base:
        return "-"
    return f"{value / base:.2f}x"


def aligned(lines: list[tuple[str, ...]], left: set[int]) -> str:
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    out = []
    for line in lines:
        cells = [
            cell.ljust(width) if i in left else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(line, widths, strict=True))
        ]
        out.append("  ".join(cells).rstrip())
    out.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(out)


def baseline(rows: list[Row], schema: str, strategy: str) -> Row | None:
    for row in rows:
        if row.variant.schema == schema and row.variant.strategy == strategy:
            return row
    return None


def rate_table(rows: list[Row]) -> str:
    lines: list[tuple[str, ...]] = [
        (
            "schema",
            "strategy",
            "kind",
            "examples",
            "seconds",
            "CPU s",
            "examples/s",
            "vs hand-written",
            "vs hyp-jsonschema",
            "examples/s min..max",
            "mean JSON B",
            "KB/s",
            "KB/s vs hand",
            "KB/s vs hjs",
            "conform",
            "note",
        )
    ]
    for row in rows:
        v = row.variant
        hand, hjs = baseline(rows, v.schema, "hand"), baseline(rows, v.schema, "hjs")
        spread = f"{min(row.rates):,.1f}..{max(row.rates):,.1f}" if row.rates else "-"
        notes = []
        if v.strategy == "hjs":
            notes.append(f"capped at --hjs-examples {row.examples:,} (slow)")
        elif v.kind == "invalid":
            notes.append("each breaks one constraint; ratios vs the valid rows")
        if row.replay_mismatches:
            notes.append(f"{row.replay_mismatches} replay(s) drew a different count")
        lines.append(
            (
                v.schema,
                v.label,
                v.kind,
                figure(row.calls, ",.0f"),
                figure(row.seconds, ".2f"),
                figure(row.cpu, ".2f"),
                figure(row.rate, ",.1f"),
                ratio(row.rate, hand.rate if hand else None),
                ratio(row.rate, hjs.rate if hjs else None),
                spread,
                figure(row.mean_bytes, ",.0f"),
                figure(row.kb_rate, ",.1f"),
                ratio(row.kb_rate, hand.kb_rate if hand else None),
                ratio(row.kb_rate, hjs.kb_rate if hjs else None),
                row.conform,
                "; ".join(notes),
            )
        )
    return aligned(lines, {0, 1, 2, 15})


def rate_notes() -> list[str]:
    return [
        "examples, seconds, CPU s, examples/s, KB/s: median of the rounds; ratios: of the medians",
        "mean JSON B, KB/s, conform: from replaying each timed run's seed untimed (same "
        "payloads): their",
        "  json.dumps size, and how many the contract accepts (valid rows: all; invalid: none);",
        "  KB/s = payload kilobytes a second: the rate with payload size taken out (arrays of up",
        "  to 250 items make the size of 1,000 examples vary by 2x from seed to seed)",
    ]


def build_table(builds: list[Build]) -> str:
    lines: list[tuple[str, ...]] = [
        ("schema", "strategy", "construct s", "first example s", "total s", "total min..max")
    ]
    for build in builds:
        totals = [c + f for c, f in zip(build.construct, build.first, strict=True)]
        lines.append(
            (
                build.schema,
                build.what if not build.error else f"{build.what} FAILED: {build.error}",
                figure(statistics.median(build.construct) if build.construct else None, ".3f"),
                figure(statistics.median(build.first) if build.first else None, ".3f"),
                figure(build.total, ".3f"),
                f"{min(totals):.3f}..{max(totals):.3f}" if totals else "-",
            )
        )
    return aligned(lines, {0, 1})


def verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def target(what: str, times: float | None, goal: float, digits: int) -> list[str]:
    if times is None:
        return []
    return [f"{what} >= {goal:g}x: {times:.{digits}f}x  {verdict(times >= goal)}"]


def times_of(value: float | None, base: float | None) -> float | None:
    return value / base if value and base else None


def targets(rows: list[Row], builds: list[Build], schemas: Iterable[str]) -> list[str]:
    lines = ["targets (printed, never asserted):"]
    for schema in schemas:
        hand, hjs = baseline(rows, schema, "hand"), baseline(rows, schema, "hjs")
        for row in rows:
            if row.variant.schema != schema or row.variant.strategy != "ours":
                continue
            what = f"  {schema} ours {row.variant.kind}"
            for base, name, goal, digits in (
                (hand, "hand-written", TARGET_VS_HAND, 2),
                (hjs, "hypothesis-jsonschema", TARGET_VS_HJS, 1),
            ):
                if base is None:
                    continue
                lines += target(
                    f"{what} vs {name}, examples/s", times_of(row.rate, base.rate), goal, digits
                )
                lines += target(
                    f"{what} vs {name}, KB/s", times_of(row.kb_rate, base.kb_rate), goal, digits
                )
        for build in builds:
            if build.schema == schema and build.what.startswith("ours") and build.total:
                met = verdict(build.total < TARGET_BUILD_SECONDS)
                lines.append(
                    f"  {schema} {build.what} build + first example < {TARGET_BUILD_SECONDS} s: "
                    f"{build.total:.3f} s  {met}"
                )
    if len(lines) == 1:
        lines.append("  nothing measured to compare")
    return lines


def header(args: argparse.Namespace) -> list[str]:
    load = ", ".join(f"{figure:.2f}" for figure in os.getloadavg())
    return [
        f"klaviyo-contract generate benchmark: {', '.join(args.schemas)}",
        f"Python {platform.python_version()} ({platform.python_implementation()}) "
        f"on {platform.platform()}, {os.cpu_count()} CPUs, load average at start {load}",
        versions(("klaviyo-contract", "hypothesis", "hypothesis-jsonschema", "jsonschema-rs")),
        f"@given(max_examples=N, phases=[Phase.generate], database=None, deadline=None, "
        f"all health checks suppressed), body only counts; N={args.examples:,} "
        f"(hypothesis-jsonschema: {args.hjs_examples:,}); {args.repeats} interleaved rounds, "
        f"round r seeded {SEED} + r for every strategy",
        "hypothesis-jsonschema: from_schema(bundle.inline(schema_set, name)), default formats",
    ]


def build_notes() -> list[str]:
    return [
        "build: fresh process each time; imports, Contract.default() and one trivial @given "
        "run untimed;",
        "  construct = contract.payloads/invalid_payloads(name) (bundle.inline included), "
        "or from_schema(bundle.inline(...)), or the hand-written function;",
        "  first example = a @given run of max_examples=1 on it (Hypothesis draws its "
        "simplest example first);",
        "  it includes Hypothesis' one-off validation of the strategy tree, and of st.text's "
        "character set",
        "  (some 40 ms here, paid once a process by whichever strategy first draws text)",
    ]


# -- main ---------------------------------------------------------------------------------


def progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--examples", type=int, default=1_000, help="examples a measurement (default 1,000)"
    )
    parser.add_argument(
        "--bulk-count",
        type=int,
        default=BULK_COUNT,
        help=f"payloads a bulk generate process (default {BULK_COUNT:,})",
    )
    parser.add_argument(
        "--hjs-examples",
        type=int,
        default=100,
        help="examples a hypothesis-jsonschema measurement (default 100: it is slow)",
    )
    parser.add_argument(
        "--repeats", type=int, default=REPEATS, help=f"rounds, median reported ({REPEATS})"
    )
    parser.add_argument(
        "--only",
        type=names,
        default=list(MEASUREMENTS),
        metavar="NAMES",
        help=f"comma-separated subset of: {', '.join(MEASUREMENTS)}",
    )
    parser.add_argument(
        "--schemas",
        type=names,
        default=list(SCHEMAS),
        metavar="NAMES",
        help="comma-separated schema names (default: the two seed schemas)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help=f"also cProfile ours and hand-written valid ({PROFILE_EXAMPLES} examples each)",
    )
    parser.add_argument("--build-worker", nargs=2, metavar=("WHAT", "NAME"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    unknown = set(args.only) - set(MEASUREMENTS)
    if unknown:
        parser.error(f"--only: unknown {', '.join(sorted(unknown))}; choose from {MEASUREMENTS}")
    needs_hand = "hand" in args.only or args.profile
    hand_less = [name for name in args.schemas if name not in HAND and needs_hand]
    if hand_less:
        parser.error(f"--schemas: no hand-written strategy for {', '.join(hand_less)}")
    if min(args.examples, args.hjs_examples, args.repeats) < 1:
        parser.error("--examples, --hjs-examples and --repeats must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Ours hands pattern/allOf nodes to hypothesis-jsonschema with our format strategies,
    # which replace its own on purpose: it warns about that, and nothing else here does.
    warnings.simplefilter("ignore", HypothesisWarning)
    if args.build_worker:
        build_worker(*args.build_worker)
        return 0
    report = header(args)
    contract = Contract.default()
    only = set(args.only)
    rows = measure_rates(
        contract, variants(args.schemas, only), args.examples, args.hjs_examples, args.repeats
    )
    bulks = measure_bulk(args.schemas, args.bulk_count, args.repeats) if "bulk" in only else []
    builds = measure_builds(args.schemas, args.repeats) if "build" in only else []
    if bulks:
        report += [
            "",
            "bulk: whole `klaviyo-contract generate NAME --count N --seed S [--invalid]` "
            "process, stdout to /dev/null;",
            "  seconds and payloads/s: median of the rounds; peak RSS: the largest "
            "(wrapper getrusage); ratios: against the @given rates of this run",
            "",
            bulk_table(bulks, rows),
        ]
    if rows:
        report += ["", *rate_notes(), "", rate_table(rows)]
    if builds:
        report += ["", *build_notes(), "", build_table(builds)]
    report += ["", *targets(rows, builds, args.schemas), *bulk_targets(bulks)]
    if args.profile:
        report += ["", *profile(contract, args.schemas, min(args.examples, PROFILE_EXAMPLES))]
    print("\n".join(report))
    failed = any(build.error for build in builds) or any(bulk.error for bulk in bulks)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
