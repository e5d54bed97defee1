"""How fast ``contract.payloads`` and ``contract.invalid_payloads`` generate, against the ceiling.

Run it from anywhere, with the dev environment's Python::

    python benchmarks/generate.py                       # 1,000 examples a measurement
    python benchmarks/generate.py --examples 200        # a quick smoke run
    python benchmarks/generate.py --only ours,hand      # skip hypothesis-jsonschema and build
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
- ``build``: in a fresh process each time (imports, ``Contract.default()`` and one
  trivial ``@given`` run done first, untimed), the time to build the strategy and
  draw its first example under ``@given``.

Each measurement is repeated (three times by default, the rounds interleaved so a noisy
neighbour hits every variant alike) and the median is reported. An untimed warm-up run
per strategy also checks its payloads against the contract and measures their size, so
the rates compare like with like. Timings are printed, never asserted.
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
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import HypothesisWarning

from klaviyo_contract import Contract, bundle
from klaviyo_contract.strategies._formats import FORMAT_STRATEGIES

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ("CouponCodeCreateJobResponseObjectResource", "PostCatalogItemCreateJobResponse")
MEASUREMENTS = ("ours", "hand", "hjs", "build")
REPEATS = 3
#: Untimed examples per strategy that warm it up and are checked and measured.
WARM_EXAMPLES = 100
WARM_EXAMPLES_HJS = 20
TARGET_VS_HAND = 0.8
TARGET_VS_HJS = 50.0
TARGET_BUILD_SECONDS = 0.5
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
    lambda pick: pick[1] if pick[0] < 7 else pick[2]
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


def run_given(
    strategy: st.SearchStrategy[Any],
    examples: int,
    seen: Callable[[Any], None] | None = None,
) -> tuple[int, float]:
    """Run a ``@given`` test of ``examples`` examples; its calls and wall seconds."""
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

    start = time.perf_counter()
    body()
    return calls, time.perf_counter() - start


@dataclass
class Row:
    variant: Variant
    examples: int
    runs: list[tuple[int, float]] = field(default_factory=list)
    conforming: int = 0
    checked: int = 0
    mean_bytes: float | None = None

    @property
    def rates(self) -> list[float]:
        return [calls / seconds for calls, seconds in self.runs if seconds > 0]

    @property
    def rate(self) -> float | None:
        return statistics.median(self.rates) if self.rates else None

    @property
    def calls(self) -> int | None:
        return int(statistics.median(calls for calls, _ in self.runs)) if self.runs else None

    @property
    def seconds(self) -> float | None:
        return statistics.median(seconds for _, seconds in self.runs) if self.runs else None


def warm_up(contract: Contract, row: Row, strategy: st.SearchStrategy[Any], examples: int) -> None:
    """An untimed run: checks each payload against the contract, and measures its size."""
    sizes: list[int] = []

    def seen(value: Any) -> None:
        payload = value.payload if row.variant.kind == "invalid" else value
        sizes.append(len(json.dumps(payload)))
        row.checked += 1
        row.conforming += contract.validate(payload, row.variant.schema).valid

    run_given(strategy, examples, seen)
    row.mean_bytes = statistics.fmean(sizes) if sizes else None


def measure_rates(
    contract: Contract, chosen: list[Variant], examples: int, hjs_examples: int, repeats: int
) -> list[Row]:
    strategies = {variant: variant.build(contract) for variant in chosen}
    rows = [Row(v, hjs_examples if v.strategy == "hjs" else examples) for v in chosen]
    for row in rows:
        warm = WARM_EXAMPLES_HJS if row.variant.strategy == "hjs" else WARM_EXAMPLES
        progress(f"warm-up and check: {row.variant.schema} {row.variant.label} {row.variant.kind}")
        warm_up(contract, row, strategies[row.variant], min(warm, row.examples))
    for repeat in range(1, repeats + 1):
        for row in rows:
            v = row.variant
            progress(f"round {repeat}/{repeats}: {v.schema} {v.label} {v.kind}, {row.examples:,}")
            row.runs.append(run_given(strategies[v], row.examples))
    return rows


# -- build time, each in a fresh process --------------------------------------------------

BUILDS = ("ours-valid", "ours-invalid", "hjs", "hand")


def build_worker(what: str, name: str) -> None:
    """Print (as JSON) the seconds to build ``what`` for ``name`` and draw one example."""
    import hypothesis_jsonschema  # noqa: F401 - imported before timing, as a test run would
    import jsonschema_rs  # noqa: F401

    import klaviyo_contract.strategies  # noqa: F401

    contract = Contract.default()
    run_given(st.none(), 1)  # the engine's own first-run costs are not the strategy's
    start = time.perf_counter()
    if what == "hand":
        strategy = HAND[name]()
    elif what == "hjs":
        strategy = from_schema(bundle.inline(contract.schema_set, name))
    else:
        strategy = Variant(name, "ours", what.removeprefix("ours-")).build(contract)
    built = time.perf_counter()
    calls, _ = run_given(strategy, 1)
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


def profile(contract: Contract, schemas: Iterable[str], examples: int) -> list[str]:
    lines = [f"cProfile, {examples:,} examples each (profiling inflates every figure):"]
    for schema in schemas:
        for variant in (Variant(schema, "ours", "valid"), Variant(schema, "hand", "valid")):
            strategy = variant.build(contract)
            run_given(strategy, 10)
            profiler = cProfile.Profile()
            profiler.runcall(run_given, strategy, examples)
            for order in ("tottime", "cumulative"):
                out = io.StringIO()
                stats = pstats.Stats(profiler, stream=out)
                stats.strip_dirs().sort_stats(order).print_stats(PROFILE_TOP)
                lines += ["", f"== {schema} {variant.label} {variant.kind}, by {order}"]
                lines += [line for line in out.getvalue().splitlines() if line.strip()]
    return lines


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


def baseline(rows: list[Row], schema: str, strategy: str) -> float | None:
    for row in rows:
        if row.variant.schema == schema and row.variant.strategy == strategy:
            return row.rate
    return None


def rate_table(rows: list[Row]) -> str:
    lines: list[tuple[str, ...]] = [
        (
            "schema",
            "strategy",
            "kind",
            "examples",
            "seconds",
            "examples/s",
            "vs hand-written",
            "vs hyp-jsonschema",
            "rate min..max",
            "mean JSON B",
            "conform",
            "note",
        )
    ]
    for row in rows:
        v = row.variant
        spread = f"{min(row.rates):,.1f}..{max(row.rates):,.1f}" if row.rates else "-"
        note = ""
        if v.strategy == "hjs":
            note = f"capped at --hjs-examples {row.examples:,} (slow)"
        elif v.kind == "invalid":
            note = "each breaks one constraint; ratios vs valid baselines"
        lines.append(
            (
                v.schema,
                v.label,
                v.kind,
                figure(row.calls, ","),
                figure(row.seconds, ".2f"),
                figure(row.rate, ",.1f"),
                ratio(row.rate, baseline(rows, v.schema, "hand")),
                ratio(row.rate, baseline(rows, v.schema, "hjs")),
                spread,
                figure(row.mean_bytes, ",.0f"),
                f"{row.conforming}/{row.checked}",
                note,
            )
        )
    return aligned(lines, {0, 1, 2, 11})


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


def targets(rows: list[Row], builds: list[Build], schemas: Iterable[str]) -> list[str]:
    lines = ["targets (printed, never asserted):"]
    for schema in schemas:
        hand, hjs = baseline(rows, schema, "hand"), baseline(rows, schema, "hjs")
        for row in rows:
            if row.variant.schema != schema or row.variant.strategy != "ours" or not row.rate:
                continue
            what = f"  {schema} ours {row.variant.kind}"
            if hand:
                times = row.rate / hand
                met = verdict(times >= TARGET_VS_HAND)
                lines.append(f"{what} >= {TARGET_VS_HAND:g}x hand-written: {times:.2f}x  {met}")
            if hjs:
                times = row.rate / hjs
                met = verdict(times >= TARGET_VS_HJS)
                lines.append(
                    f"{what} >= {TARGET_VS_HJS:g}x hypothesis-jsonschema: {times:.1f}x  {met}"
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


def versions() -> str:
    found = []
    for package in ("klaviyo-contract", "hypothesis", "hypothesis-jsonschema", "jsonschema-rs"):
        try:
            found.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            found.append(f"{package} (not installed)")
    return ", ".join(found)


def header(args: argparse.Namespace) -> list[str]:
    load = ", ".join(f"{figure:.2f}" for figure in os.getloadavg())
    return [
        f"klaviyo-contract generate benchmark: {', '.join(args.schemas)}",
        f"Python {platform.python_version()} ({platform.python_implementation()}) "
        f"on {platform.platform()}, {os.cpu_count()} CPUs, load average at start {load}",
        versions(),
        f"@given(max_examples=N, phases=[Phase.generate], database=None, deadline=None, "
        f"all health checks suppressed), body only counts; N={args.examples:,} "
        f"(hypothesis-jsonschema: {args.hjs_examples:,}); median of {args.repeats} "
        f"interleaved rounds",
        "hypothesis-jsonschema: from_schema(bundle.inline(schema_set, name)), default formats",
        "conform: warm-up payloads the contract accepts (valid rows: all; invalid rows: none)",
    ]


def build_notes() -> list[str]:
    return [
        "build: fresh process each time; imports, Contract.default() and one trivial @given "
        "run untimed;",
        "  construct = contract.payloads/invalid_payloads(name) (bundle.inline included), "
        "or from_schema(bundle.inline(...)), or the hand-written function;",
        "  first example = a @given run of max_examples=1 on it (Hypothesis draws its "
        "simplest example first)",
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
    hand_less = [name for name in args.schemas if name not in HAND and "hand" in args.only]
    if hand_less:
        parser.error(f"--schemas: no hand-written strategy for {', '.join(hand_less)}")
    if min(args.examples, args.hjs_examples, args.repeats) < 1:
        parser.error("--examples, --hjs-examples and --repeats must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Our format strategies beside hypothesis-jsonschema's own would warn; nothing else does.
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
    builds = measure_builds(args.schemas, args.repeats) if "build" in only else []
    if rows:
        report += ["", rate_table(rows)]
    if builds:
        report += ["", *build_notes(), "", build_table(builds)]
    report += ["", *targets(rows, builds, args.schemas)]
    if args.profile:
        report += ["", *profile(contract, args.schemas, min(args.examples, PROFILE_EXAMPLES))]
    print("\n".join(report))
    return 1 if any(build.error for build in builds) else 0


if __name__ == "__main__":
    sys.exit(main())
