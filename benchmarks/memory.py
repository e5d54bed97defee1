"""Whether ``klaviyo-contract validate`` keeps memory flat as its input grows.

Run it from anywhere, with the dev environment's Python::

    python benchmarks/memory.py                         # 10 MB and 1 GB (1 GB takes minutes)
    python benchmarks/memory.py --size-mb 2 100         # a quick run
    python benchmarks/memory.py --invalid-rate 0        # every payload conforms
    python benchmarks/memory.py --jobs 1                # in one process
    python benchmarks/memory.py --tracemalloc 20        # what a 20 MB run keeps, by line

It writes (once, then reuses) two deterministic NDJSON files of realistic coupon-code
bulk-create job resources, made by the generator of ``benchmarks/validate.py`` (with
its ~10% of payloads broken in realistic ways unless ``--invalid-rate`` says
otherwise), into ``benchmarks/out/``. Then it runs, as a fresh process each::

    klaviyo-contract validate FILE --schema CouponCodeCreateJobResponseObjectResource
                     --format json -o benchmarks/out/memory-report.json

and prints the peak RSS of that whole process (``wait4``'s ``ru_maxrss``) on each
file, and the ratio large/small: the target is 1.5x at most. The report goes to a
file rather than to ``-o /dev/null``: the report is written through a temporary file
renamed over its target, and renaming over ``/dev/null`` replaces the device. Figures
are printed, never asserted: the exit status is 1 only if a command itself failed.

``--tracemalloc MB`` instead runs the same pipeline in this process on a file of that
size and lists the source lines holding the most memory once the run is over (what
a run keeps while it goes, before the report is written).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import validate as generator  # noqa: E402 - benchmarks/ is not a package

SCHEMA = generator.SCHEMA
#: Bump when the files this script writes change, so cached ones are rebuilt.
FORMAT_VERSION = 1
TARGET_RATIO = 1.5
MB = 1024 * 1024


@dataclass(frozen=True)
class DataSet:
    path: Path
    count: int
    invalid: int

    @property
    def size_mb(self) -> float:
        return self.path.stat().st_size / MB


def build(out: Path, size_mb: float, seed: int, invalid_rate: float) -> DataSet:
    """An NDJSON of at least ``size_mb`` MB of jobs; reused while its recipe is the same.

    Each payload draws from one seeded stream in the order ``benchmarks/validate.py``
    does, so with the same rate the first lines are the same as its files'.
    """
    name = f"memory-coupon-jobs-{size_mb:g}mb-seed{seed}-invalid{invalid_rate:g}.ndjson"
    path = out / name
    meta_path = path.with_suffix(".meta.json")
    recipe = {
        "size_mb": size_mb,
        "seed": seed,
        "invalid_rate": invalid_rate,
        "format": FORMAT_VERSION,
        "generator": generator.GENERATOR_VERSION,
    }
    if path.is_file() and meta_path.is_file():
        meta = json.loads(meta_path.read_text())
        if {key: meta.get(key) for key in recipe} == recipe:
            return DataSet(path, meta["count"], meta["invalid"])
    import orjson

    progress(f"writing {shown(path)} ({size_mb:g} MB)")
    rng = random.Random(seed)
    wanted = int(size_mb * MB)
    written = count = invalid = 0
    partial = path.with_suffix(".partial")
    with partial.open("wb") as lines:
        while written < wanted:
            job = generator.coupon_job(rng)
            if rng.random() < invalid_rate:
                generator.break_job(rng, job)
                invalid += 1
            line = orjson.dumps(job) + b"\n"
            lines.write(line)
            written += len(line)
            count += 1
    partial.replace(path)
    meta_path.write_text(json.dumps({**recipe, "count": count, "invalid": invalid}))
    return DataSet(path, count, invalid)


@dataclass(frozen=True)
class Run:
    command: list[str]
    status: int
    seconds: float
    rss_mb: float
    checked: int | None
    stderr: str

    @property
    def ok(self) -> bool:
        return self.status in (0, 1) and self.checked is not None


def measure(command: list[str], report: Path) -> Run:
    """Run ``command`` as a fresh process; its peak RSS from ``wait4`` (the process and
    any child it waited for), its wall time, and the ``checked`` count of its report."""
    report.unlink(missing_ok=True)
    progress(f"running: {shlex.join(command)}")
    with tempfile.TemporaryFile("w+") as errors:
        start = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors
        )
        _, wait_status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = status = os.waitstatus_to_exitcode(wait_status)
        errors.seek(0)
        stderr = errors.read()
    # ru_maxrss is in kilobytes on Linux, bytes on macOS.
    rss_mb = usage.ru_maxrss / (MB if sys.platform == "darwin" else 1024)
    checked = None
    try:
        checked = json.loads(report.read_text())["summary"]["checked"]
    except (OSError, ValueError, KeyError):
        pass
    finally:
        report.unlink(missing_ok=True)
    return Run(command, status, seconds, rss_mb, checked, stderr)


def validate_command(cli: str, data: DataSet, report: Path, jobs: int | None) -> list[str]:
    options = ["--schema", SCHEMA, "--format", "json", "-o", shown(report)]
    if jobs is not None:
        options += ["--jobs", str(jobs)]
    return [cli, "validate", shown(data.path), *options]


def retained(data: DataSet, top: int) -> list[str]:
    """The lines holding the most memory once the validate pipeline has consumed
    ``data``, as tracemalloc sees them (what the run keeps, not what it passes by)."""
    import tracemalloc

    from klaviyo_contract import inputs
    from klaviyo_contract.cli import ContractOptions, load_contract
    from klaviyo_contract.model import Summary
    from klaviyo_contract.reports import ReportOptions, write
    from klaviyo_contract.validation import check_records

    contract = load_contract(ContractOptions())
    contract.validate({}, SCHEMA)  # compile the validator before the baseline
    tracemalloc.start(10)
    before = tracemalloc.take_snapshot()
    outcomes = check_records(contract, inputs.read_all([str(data.path)]), schema=SCHEMA)
    summary = Summary.collect(outcomes, engine=contract.engine.name)
    after = tracemalloc.take_snapshot()
    kept, peak = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    write(summary, "json", _Sink(), ReportOptions())
    _, writing = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    outcomes_kept = len(summary.outcomes)
    lines = [
        f"tracemalloc over {shown(data.path)} ({data.size_mb:.1f} MB, {data.count:,} payloads, "
        f"{data.invalid:,} broken): counts {dict(summary.counts)}",
        f"reading and checking: traced peak {peak / MB:.1f} MB; held at the end "
        f"{kept / MB:.1f} MB for {outcomes_kept:,} kept outcomes "
        f"({kept / max(outcomes_kept, 1):,.0f} bytes each)",
        f"writing the JSON report (to a sink that keeps nothing): traced peak "
        f"{writing / MB:.1f} MB ({(writing - kept) / max(outcomes_kept, 1):,.0f} bytes more "
        "per kept outcome)",
        f"top {top} allocation sites by memory held at the end (size, count, innermost frame):",
    ]
    for stat in after.compare_to(before, "traceback")[:top]:
        frames = [
            f"{frame.filename.removeprefix(str(ROOT) + '/')}:{frame.lineno}"
            for frame in stat.traceback
        ]
        lines.append(
            f"  {stat.size_diff / MB:8.2f} MB {stat.count_diff:>9,}  {frames[-1]}  "
            f"(via {' < '.join(reversed(frames[:-1][-3:]))})"
        )
    del summary
    return lines


class _Sink:
    """A text stream that keeps nothing it is given."""

    def write(self, text: str) -> int:
        return len(text)


def progress(message: str) -> None:
    print(f"[memory] {message}", file=sys.stderr, flush=True)


shown = generator.shown


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--size-mb",
        nargs=2,
        type=float,
        default=(10.0, 1024.0),
        metavar=("SMALL", "LARGE"),
        help="the two file sizes, in MB (default: 10 1024)",
    )
    parser.add_argument("--seed", type=int, default=20241028, help="generator seed")
    parser.add_argument(
        "--invalid-rate",
        type=float,
        default=0.1,
        help="share of payloads broken (default 0.1, as benchmarks/validate.py)",
    )
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "out", help="data and scratch folder"
    )
    parser.add_argument(
        "--tracemalloc",
        type=float,
        metavar="MB",
        help="instead, list what an in-process run over a file of MB megabytes keeps",
    )
    parser.add_argument(
        "--jobs", type=int, help="passed to validate (default: its own, the CPUs available)"
    )
    parser.add_argument("--top", type=int, default=12, help="lines listed by --tracemalloc")
    args = parser.parse_args(argv)
    small, large = args.size_mb
    if not 0 < small < large:
        parser.error("--size-mb: SMALL must be above 0 and below LARGE")
    if not 0 <= args.invalid_rate <= 1:
        parser.error("--invalid-rate: a share between 0 and 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    if args.tracemalloc is not None:
        data = build(out, args.tracemalloc, args.seed, args.invalid_rate)
        print("\n".join(retained(data, args.top)))
        return 0
    cli = generator.cli_executable()
    report = out / "memory-report.json"
    sets = [build(out, size, args.seed, args.invalid_rate) for size in args.size_mb]
    # One untimed run on the small file first: bytecode and file caches are then warm.
    measure(validate_command(cli, sets[0], report, args.jobs), report)
    runs = [measure(validate_command(cli, data, report, args.jobs), report) for data in sets]
    print(f"python {sys.version.split()[0]} on {sys.platform}, {os.cpu_count()} CPUs")
    print("peak RSS of the whole `klaviyo-contract validate` process (wait4 ru_maxrss):")
    for data, run in zip(sets, runs, strict=True):
        print(f"  $ {shlex.join(run.command)}")
        verdict = (
            f"{run.rss_mb:7.1f} MB peak RSS, {run.seconds:7.1f} s, {run.checked:,} checked"
            if run.ok
            else f"FAILED (exit status {run.status}): {run.stderr.strip() or 'no stderr'}"
        )
        print(
            f"    {data.size_mb:8.1f} MB, {data.count:,} payloads "
            f"({data.invalid:,} broken): {verdict}"
        )
    small, large = runs
    if small.ok and large.ok:
        ratio = large.rss_mb / small.rss_mb
        met = "met" if ratio <= TARGET_RATIO else "NOT met"
        print(f"ratio large/small: {ratio:.2f}x (target <= {TARGET_RATIO}x: {met})")
    return 0 if all(run.ok for run in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
