"""What coverage counting costs beside validation, on the 100,000-payload NDJSON.

Run it from anywhere, with the dev environment's Python::

    python benchmarks/coverage.py                  # 100,000 payloads, seed 20241028
    python benchmarks/coverage.py --count 5000     # a quick run

It reuses (or writes) the NDJSON of ``benchmarks/validate.py`` (realistic coupon-code
bulk-create job resources, ~10% invalid) and times, in this process, over the same
lines read once into memory:

- ``validate``: orjson parse of each line + the compiled engine's verdict on it (the
  work of ``klaviyo-contract validate`` per payload, without reading or reporting);
- ``validate + coverage``: the same, plus ``Coverage.add`` of each payload;
- ``coverage alone``: ``Coverage.add`` over the already parsed payloads.

- ``klaviyo-contract validate FILE --schema NAME --jobs 1``: the whole command, as a
  process (reading, routing, summary and report included).

Each runs ``--repeats`` times and the fastest is shown. It prints two ratios: the
in-process one, (parse + verdict + counting) / (parse + verdict), the harshest, since
counting is compared with the floor of validation; and the command's, (validate +
counting) / validate, the one ``validate --coverage`` will show. The target is 2x
at most. Then the growth of the Coverage's pickled size between the first tenth and
the whole file (flat memory: it must not grow with the input). Figures are printed,
never asserted.
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import validate as generator
from common import cli_executable, measure, versions

TARGET = 2.0


def best(loop, repeats: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        loop()
        times.append(time.perf_counter() - start)
    return min(times)


def time_command(path: Path, name: str, repeats: int, *extra: str) -> tuple[float, float]:
    """Seconds of the fastest ``klaviyo-contract validate`` over ``path`` (whole process)
    and its peak RSS in MB.

    (:func:`common.measure`: this benchmark holds every payload parsed, which a forked
    child's own figure would count).
    """
    with tempfile.TemporaryDirectory() as scratch:
        report = str(Path(scratch) / "report.json")
        command = [cli_executable(), "validate", str(path), "--schema", name]
        command += ["--format", "json", "-o", report]
        command += [argument.replace("SCRATCH", scratch) for argument in extra]
        peaks: list[float] = []

        def run() -> None:
            peaks.append(measure(command, keep_stdout=False).rss_mb)

        return best(run, repeats), min(peaks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20241028)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=generator.ROOT / "benchmarks" / "out")
    args = parser.parse_args(argv)

    import orjson

    from klaviyo_contract import Contract
    from klaviyo_contract.coverage import Coverage, Plan

    args.out.mkdir(parents=True, exist_ok=True)
    data = generator.ndjson(args.out, args.count, args.seed)
    lines = data.path.read_bytes().splitlines()
    contract = Contract.default(engine="compiled")
    name = generator.SCHEMA
    check = contract.engine.compile(name)
    plan = Plan.of(contract)
    parsed = [orjson.loads(line) for line in lines]

    def validate_only() -> None:
        for line in lines:
            check(orjson.loads(line))

    def validate_and_count() -> None:
        coverage = Coverage(plan)
        for line in lines:
            payload = orjson.loads(line)
            check(payload)
            coverage.add(payload, name)

    def count_only() -> None:
        coverage = Coverage(plan)
        for payload in parsed:
            coverage.add(payload, name)

    print(f"# {versions(['klaviyo-contract', 'orjson', 'jsonschema-rs'])}")
    print(f"# {data.count} payloads ({data.invalid} invalid) from {data.path.name}")
    plain = best(validate_only, args.repeats)
    both = best(validate_and_count, args.repeats)
    alone = best(count_only, args.repeats)
    rows = [
        ("validate (parse + compiled verdict)", plain),
        ("validate + coverage", both),
        ("coverage alone (parsed payloads)", alone),
    ]
    for label, seconds in rows:
        per = seconds / data.count * 1e6
        print(f"{label:<40} {seconds:8.3f} s  {per:7.2f} us/payload")
    ratio = both / plain
    verdict = "meets" if ratio <= TARGET else "misses"
    print(f"in process, counting beside the verdict: {ratio:.2f}x ({verdict} the 2x target)")

    whole_commands(args, data)
    tenth, whole = Coverage(plan), Coverage(plan)
    for index, payload in enumerate(parsed):
        whole.add(payload, name)
        if index < len(parsed) // 10:
            tenth.add(payload, name)
    small, large = len(pickle.dumps(tenth)), len(pickle.dumps(whole))
    print(
        f"pickled Coverage: {small} bytes after a tenth, {large} after all ({large / small:.2f}x)"
    )
    return 0


def whole_commands(args: argparse.Namespace, data: generator.DataSet) -> None:
    """``validate`` beside ``validate --coverage``, whole processes, both --jobs."""
    name = generator.SCHEMA
    print("\nwhole command, best of the repeats (seconds, peak RSS):")
    small = generator.ndjson(args.out, args.count // 10, args.seed)
    for jobs in ("1", str(os.cpu_count() or 1)):
        plain_run = time_command(data.path, name, args.repeats, "--jobs", jobs)
        counted = time_command(
            data.path, name, args.repeats, "--jobs", jobs, "--coverage", "SCRATCH/c.json"
        )
        tenth = time_command(
            small.path, name, args.repeats, "--jobs", jobs, "--coverage", "SCRATCH/c.json"
        )
        ratio = counted[0] / plain_run[0]
        verdict = "meets" if ratio <= TARGET else "misses"
        print(
            f"  --jobs {jobs}: validate {plain_run[0]:.3f} s {plain_run[1]:.1f} MB; "
            f"validate --coverage {counted[0]:.3f} s {counted[1]:.1f} MB: "
            f"{ratio:.2f}x ({verdict} the {TARGET:.0f}x target); "
            f"on a tenth of the payloads {tenth[1]:.1f} MB "
            f"(memory {counted[1] / tenth[1]:.2f}x for 10x the input)"
        )


if __name__ == "__main__":
    raise SystemExit(main())
