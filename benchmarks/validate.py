"""How fast ``klaviyo-contract validate`` is, against the floor and the alternatives.

Run it from anywhere, with the dev environment's Python::

    python benchmarks/validate.py                      # 100,000 payloads, seed 20241028
    python benchmarks/validate.py --count 2000         # a quick smoke run
    python benchmarks/validate.py --only compiled,startup
    python benchmarks/validate.py --setup-check-jsonschema   # once, to compare with it

It writes a deterministic NDJSON of realistic coupon-code bulk-create job resources
(``CouponCodeCreateJobResponseObjectResource``; about 10% invalid, mostly a date-time
without an offset) to ``benchmarks/out/`` (reused while count and seed stay the same),
plus the first 1,000 payloads as separate ``.json`` files. Then, in one run, it times
each of these as its own process over the same data:

- ``orjson parse-only``: read the NDJSON and parse each line; the baseline every other
  figure is divided by;
- the bare engines: a python-jsonschema ``Draft202012Validator`` and a jsonschema-rs
  validator, each built once over the rewritten schema set, looping over the lines;
- ``klaviyo-contract validate`` with each engine (and ``--jobs`` if it exists), writing
  a JSON report to a file;
- startup: the command on one small file, best of 5, beside ``python -c pass``;
- check-jsonschema on the 1,000 files, if its private venv exists, beside
  ``klaviyo-contract validate`` on the same folder;
- memory: peak RSS of the compiled engine over the whole file and over its first tenth.

Each command is timed ``--repeats`` times (default 3) and the fastest run is shown:
on a shared machine the slower runs measure the neighbours. It prints a header
(versions, CPUs, the exact commands), the table, the violating
counts each variant reported, and the ratios the project targets. Timings are printed,
never asserted: the exit status is 1 only if a measured command itself failed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from common import cli_executable, measure, versions

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = "CouponCodeCreateJobResponseObjectResource"
EXAMPLE = ROOT / "examples" / "coupon-code-job-queued.json"
#: Bump when the generator changes, so cached data sets are rebuilt.
GENERATOR_VERSION = 1
#: python-jsonschema costs ~1.4 ms a payload: slow paths run on this many and are scaled.
SAMPLE = 10_000
FILES = 1_000
STARTUP_RUNS = 5
#: Exit statuses of a command that ran to the end: 0 all conform, 1 some violate.
COMPLETED = (0, 1)
TARGET_AUTO_VS_ORJSON = 3.0
#: Issue 14, part 3: the --jobs 1 lane, whole process, against orjson parse-only.
TARGET_JOBS1_VS_ORJSON = 1.5
TARGET_STARTUP_SECONDS = 0.15
TARGET_VS_CHECK_JSONSCHEMA = 4.0
MEASUREMENTS = (
    "orjson",
    "jsonschema",
    "jsonschema-rs",
    "reference",
    "compiled",
    "auto",
    "jobs",
    "startup",
    "check-jsonschema",
    "memory",
)

# -- the data set ---------------------------------------------------------------------

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
API = "https://a.klaviyo.com/api/coupon-code-bulk-create-jobs/"
COUPONS = ("WELCOME10", "SPRING25", "VIP-GOLD", "FREESHIP", "BF2024", "LOYALTY-5")
OFFSETS = {"+00:00": 70, "Z": 10, "-05:00": 8, "+01:00": 6, "+05:30": 6}
STATUSES = {"complete": 50, "processing": 25, "queued": 20, "cancelled": 5}
EPOCH = datetime(2024, 1, 1, tzinfo=timezone.utc)


def pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(tuple(weights), tuple(weights.values()))[0]


def rfc3339(rng: random.Random, moment: datetime) -> str:
    """An RFC 3339 date-time as Klaviyo writes them: mostly microseconds and +00:00."""
    offset = pick(rng, OFFSETS)
    if offset == "Z":
        local = moment
    else:
        sign = 1 if offset[0] == "+" else -1
        hours, minutes = int(offset[1:3]), int(offset[4:6])
        local = moment.astimezone(timezone(sign * timedelta(hours=hours, minutes=minutes)))
    digits = rng.choices((6, 3, 0), (70, 20, 10))[0]
    fraction = f".{local.microsecond:06d}"[: digits + 1] if digits else ""
    return local.strftime("%Y-%m-%dT%H:%M:%S") + fraction + offset


def codes_shown(rng: random.Random) -> int:
    """How many coupon-code ids a job lists: most a handful, some up to 250."""
    roll = rng.random()
    if roll < 0.6:
        return rng.randint(0, 5)
    if roll < 0.9:
        return rng.randint(6, 40)
    return rng.randint(41, 250)


def job_error(rng: random.Random, coupon: str, index: int) -> dict[str, Any]:
    code = rng.choice(("duplicate", "invalid"))
    pointer = f"/data/attributes/coupon-codes/data/{index}/attributes/unique_code"
    return {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "code": code,
        "title": "Duplicate coupon code." if code == "duplicate" else "Invalid input.",
        "detail": f"A coupon code for coupon '{coupon}' could not be created ({code}).",
        "source": {"pointer": pointer if rng.random() < 0.9 else None},
    }


def coupon_job(rng: random.Random) -> dict[str, Any]:
    """One valid coupon-code bulk-create job resource, consistent with its status."""
    job_id = "".join(rng.choices(CROCKFORD, k=26))
    coupon = rng.choice(COUPONS)
    status = pick(rng, STATUSES)
    created = EPOCH + timedelta(seconds=rng.uniform(0, 365 * 86400))
    finished = created + timedelta(seconds=rng.uniform(1, 900))
    shown = 0 if status == "queued" else codes_shown(rng)
    completed: int | None = None
    failed: int | None = None
    completed_at: str | None = None
    expires_at: str | None = None
    errors: list[dict[str, Any]] | None = None
    if status == "queued":
        total = rng.randint(1, 1000)
    elif status == "processing":
        completed, failed = shown, rng.choice((0, 0, 0, 1))
        total = completed + failed + rng.randint(1, 500)
        errors = [] if rng.random() < 0.5 else None
    else:
        completed = shown
        failed = 0 if rng.random() < 0.8 else rng.randint(1, 10)
        total = completed + failed + (0 if status == "complete" else rng.randint(0, 100))
        if status == "complete" or rng.random() < 0.5:
            completed_at = rfc3339(rng, finished)
            expires_at = rfc3339(rng, finished + timedelta(days=7))
        errors = [job_error(rng, coupon, i) for i in range(min(failed, 5))] or rng.choice(
            ([], None)
        )
    ids = [
        {"type": "coupon-code", "id": f"{coupon}-{''.join(rng.choices(CROCKFORD, k=8))}"}
        for _ in range(shown)
    ]
    return {
        "type": "coupon-code-bulk-create-job",
        "id": job_id,
        "attributes": {
            "status": status,
            "created_at": rfc3339(rng, created),
            "total_count": total,
            "completed_count": completed,
            "failed_count": failed,
            "completed_at": completed_at,
            "errors": errors,
            "expires_at": expires_at,
        },
        "relationships": {
            "coupon-codes": {
                "data": ids,
                "links": {
                    "self": f"{API}{job_id}/relationships/coupon-codes/",
                    "related": f"{API}{job_id}/coupon-codes/",
                },
            }
        },
        "links": {"self": f"{API}{job_id}/"},
    }


def break_job(rng: random.Random, job: dict[str, Any]) -> None:
    """Make one realistic mistake: a date-time without offset, a bad enum, a null count."""
    attributes = job["attributes"]
    roll = rng.random()
    if roll < 0.7:
        where = rng.choice([k for k in ("created_at", "completed_at") if attributes[k]])
        moment = EPOCH + timedelta(seconds=rng.uniform(0, 365 * 86400))
        layout = rng.choice(("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f"))
        attributes[where] = moment.strftime(layout)
    elif roll < 0.85:
        if rng.random() < 0.7:
            attributes["status"] = rng.choice(("completed", "failed", "done"))
        else:
            job["type"] = "coupon-code-job"
    else:
        attributes["total_count"] = None


def generate(path: Path, count: int, seed: int) -> list[int]:
    """Write ``count`` payloads as NDJSON; return the (0-based) lines made invalid.

    Each payload draws from one seeded stream in order, so the first n lines are the
    same whatever the count.
    """
    import orjson

    rng = random.Random(seed)
    invalid = []
    with path.open("wb") as out:
        for line in range(count):
            job = coupon_job(rng)
            if rng.random() < 0.1:
                break_job(rng, job)
                invalid.append(line)
            out.write(orjson.dumps(job) + b"\n")
    return invalid


@dataclass(frozen=True)
class DataSet:
    path: Path
    count: int
    invalid: int


def ndjson(out: Path, count: int, seed: int) -> DataSet:
    """The NDJSON of ``count`` payloads for ``seed``: reused if already written."""
    path = out / f"coupon-jobs-n{count}-seed{seed}.ndjson"
    meta_path = path.with_suffix(".meta.json")
    wanted = {"count": count, "seed": seed, "generator": GENERATOR_VERSION}
    if path.is_file() and meta_path.is_file():
        meta = json.loads(meta_path.read_text())
        if {key: meta.get(key) for key in wanted} == wanted:
            return DataSet(path, count, len(meta["invalid_lines"]))
    progress(f"writing {shown(path)}")
    invalid = generate(path, count, seed)
    meta_path.write_text(json.dumps({**wanted, "invalid_lines": invalid}))
    return DataSet(path, count, len(invalid))


def json_files(data: DataSet, out: Path, seed: int) -> DataSet:
    """The first (up to) 1,000 payloads of ``data``, one ``.json`` file each."""
    count = min(FILES, data.count)
    folder = out / f"coupon-jobs-seed{seed}-files{count}"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    meta = json.loads(data.path.with_suffix(".meta.json").read_text())
    with data.path.open("rb") as lines:
        for index, line in zip(range(count), lines, strict=False):
            (folder / f"job-{index:05d}.json").write_bytes(line)
    invalid = sum(1 for line in meta["invalid_lines"] if line < count)
    return DataSet(folder, count, invalid)


# -- running and measuring a process ----------------------------------------------------

RSS_METHOD = (
    "peak RSS: getrusage(RUSAGE_CHILDREN).ru_maxrss in a fresh wrapper process per "
    "command (the largest single process of the command's tree; for --jobs, workers "
    "are not summed); wall: perf_counter around spawn..wait, startup included"
)


@dataclass(frozen=True)
class Run:
    command: list[str]
    status: int
    seconds: float
    rss_mb: float
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.status in COMPLETED


@dataclass
class Bench:
    """What every measurement needs: where things are, and what has been run."""

    out: Path
    python: str
    cli: str
    env: dict[str, str]
    #: Timed runs of each command; the fastest is reported (others only add noise).
    repeats: int = 1
    commands: list[str] = field(default_factory=list)
    failures: list[Run] = field(default_factory=list)

    def warm(self, command: list[str]) -> None:
        """Run ``command`` once, untimed: bytecode and file caches are then warm."""
        subprocess.run(command, cwd=ROOT, env=self.env, capture_output=True, check=False)

    def run(
        self, command: list[str], *, display: str | None = None, repeats: int | None = None
    ) -> Run:
        """Run ``command`` from the repository root ``repeats`` times (default: the
        bench's); the fastest run's time, the largest peak RSS of them all.

        ``display`` is how to show it (a shell glob for a long list of paths).
        """
        display = display or shlex.join(command)
        self.commands.append(display)
        runs = [self._run_once(command, display) for _ in range(repeats or self.repeats)]
        failed = [run for run in runs if not run.ok]
        if failed:
            return failed[0]
        best = min(runs, key=lambda run: run.seconds)
        return replace(best, rss_mb=max(run.rss_mb for run in runs))

    def _run_once(self, command: list[str], display: str) -> Run:
        progress(f"running: {display}")
        done = measure(command, cwd=ROOT, env=self.env)
        run = Run(command, done.status, done.seconds, done.rss_mb, done.stdout, done.stderr)
        if not run.ok:
            self.failures.append(run)
        return run


@dataclass
class Row:
    """One line of the table: a measurement, over ``payloads`` payloads."""

    name: str
    payloads: int
    seconds: float | None
    rss_mb: float | None
    note: str = ""
    violating: int | None = None
    expected: int | None = None
    over: int | None = None
    per_payload: bool = True
    #: Whether it ran over the baseline's input (the NDJSON file), so times compare.
    same_input: bool = True

    @property
    def rate(self) -> float | None:
        if not self.per_payload or not self.seconds:
            return None
        return self.payloads / self.seconds


def failed_row(name: str, run: Run) -> Row:
    return Row(name, 0, None, None, f"FAILED (exit status {run.status})", per_payload=False)


# -- worker programs, written to out/workers/ so every command can be rerun as shown ----

WORKERS = {
    "orjson_parse.py": '''\
        """Parse every line of an NDJSON file with orjson: the floor of any validator."""
        import sys

        import orjson

        loads = orjson.loads
        with open(sys.argv[1], "rb") as lines:
            for line in lines:
                loads(line)
        ''',
    "jsonschema_loop.py": '''\
        """python-jsonschema over the rewritten schema set, built once, iter_errors per line."""
        import json
        import sys
        import time

        import orjson
        from jsonschema import Draft202012Validator, FormatChecker
        from referencing import Registry
        from referencing.jsonschema import DRAFT202012

        from klaviyo_contract import bundle
        from klaviyo_contract.formats import FORMATS
        from klaviyo_contract.registry import BASE_URI, bundled_directory, load_directory, uri

        document = bundle.document(load_directory(bundled_directory()))
        registry = Registry().with_resource(BASE_URI, DRAFT202012.create_resource(document))
        checker = FormatChecker(formats=())
        for name, rule in FORMATS.items():
            checker.checks(name)(lambda value, rule=rule: not isinstance(value, str) or rule(value))
        validator = Draft202012Validator(
            {"$ref": uri(sys.argv[2])}, registry=registry, format_checker=checker
        )
        iter_errors, loads = validator.iter_errors, orjson.loads
        checked = invalid = 0
        start = time.perf_counter()
        with open(sys.argv[1], "rb") as lines:
            for line in lines:
                checked += 1
                invalid += any(True for _ in iter_errors(loads(line)))
        loop = time.perf_counter() - start
        print(json.dumps({"checked": checked, "invalid": invalid, "loop_seconds": loop}))
        ''',
    "jsonschema_rs_loop.py": '''\
        """jsonschema-rs over the rewritten set, built as the engine does; is_valid per line."""
        import json
        import sys
        import time

        import jsonschema_rs
        import orjson

        from klaviyo_contract import bundle
        from klaviyo_contract.engines.compiled import COMPILED_FORMATS
        from klaviyo_contract.registry import BASE_URI, bundled_directory, load_directory, uri

        document = bundle.document(load_directory(bundled_directory()))
        registry = jsonschema_rs.Registry([(BASE_URI, document)], draft=jsonschema_rs.Draft202012)
        validator = jsonschema_rs.Draft202012Validator(
            {"$ref": uri(sys.argv[2])},
            registry=registry,
            formats=COMPILED_FORMATS,  # as the compiled engine: jsonschema-rs' own formats
            validate_formats=True,
            ignore_unknown_formats=True,
        )
        is_valid, loads = validator.is_valid, orjson.loads
        checked = invalid = 0
        start = time.perf_counter()
        with open(sys.argv[1], "rb") as lines:
            for line in lines:
                checked += 1
                invalid += not is_valid(loads(line))
        loop = time.perf_counter() - start
        print(json.dumps({"checked": checked, "invalid": invalid, "loop_seconds": loop}))
        ''',
}


def write_workers(out: Path) -> Path:
    folder = out / "workers"
    folder.mkdir(parents=True, exist_ok=True)
    for name, source in WORKERS.items():
        (folder / name).write_text(textwrap.dedent(source))
    return folder


# -- the measurements -------------------------------------------------------------------


def scaled(fixed: float, seconds: float, measured: int, wanted: int) -> float:
    """Wall time for ``wanted`` payloads from a run over ``measured``: fixed + per-payload."""
    fixed = min(fixed, seconds)
    return fixed + (seconds - fixed) * wanted / measured


def measured_environment(out: Path) -> tuple[dict[str, str], str]:
    """The environment of measured commands, and a line saying how it differs from ours.

    With PYTHONDONTWRITEBYTECODE set, every run would compile the package from source
    (~40 ms of startup an installed package never pays): measured commands run
    without it, caching bytecode under ``out/pycache`` instead of beside the sources.
    """
    env = dict(os.environ)
    if env.pop("PYTHONDONTWRITEBYTECODE", None) is None:
        return env, "environment: as inherited; each program ran once untimed first"
    env["PYTHONPYCACHEPREFIX"] = str(out / "pycache")
    return env, (
        "environment: PYTHONDONTWRITEBYTECODE unset and PYTHONPYCACHEPREFIX="
        f"{shown(out / 'pycache')} (bytecode cached, as installed); each program ran once "
        "untimed first"
    )


def warm_up(bench: Bench, inputs: Inputs) -> None:
    """Run each measured program once on one payload, so no figure pays a cold cache."""
    progress("warming up (untimed)")
    one = shown(next(iter(sorted(inputs.files.path.glob("*.json")))))
    for worker in WORKERS:
        bench.warm([bench.python, shown(bench.out / "workers" / worker), one, SCHEMA])
    report = shown(bench.out / "warm-up.json")
    for engine in ("reference", "compiled"):
        options = ["--engine", engine, "--format", "json", "-o", report]
        bench.warm([bench.cli, "validate", one, "--schema", SCHEMA, *options])
    bench.warm([bench.cli, "validate", shown(EXAMPLE), "--schema", SCHEMA])
    bench.warm([bench.python, "-c", "pass"])
    (bench.out / "warm-up.json").unlink(missing_ok=True)


def measure_orjson(bench: Bench, data: DataSet) -> Row:
    worker = bench.out / "workers" / "orjson_parse.py"
    run = bench.run([bench.python, shown(worker), shown(data.path)])
    if not run.ok:
        return failed_row("orjson parse-only", run)
    return Row("orjson parse-only", data.count, run.seconds, run.rss_mb, "baseline")


def measure_bare_loop(bench: Bench, name: str, worker: str, data: DataSet, sample: DataSet) -> Row:
    script = bench.out / "workers" / worker
    run = bench.run([bench.python, shown(script), shown(sample.path), SCHEMA])
    if not run.ok:
        return failed_row(name, run)
    report = json.loads(run.stdout)
    row = Row(name, data.count, run.seconds, run.rss_mb, violating=report["invalid"])
    row.expected, row.over = sample.invalid, sample.count
    if sample.count < data.count:
        fixed = run.seconds - report["loop_seconds"]
        row.seconds = scaled(fixed, run.seconds, sample.count, data.count)
        row.note = f"sampled: ran {sample.count:,}, scaled to {data.count:,}"
    return row


def run_cli(
    bench: Bench, paths: list[str], options: list[str], *, text: bool = False
) -> tuple[Run, dict[str, Any]]:
    """``klaviyo-contract validate`` writing a report (JSON unless ``text``) to a file;
    the run and its summary counts."""
    report = bench.out / ("report.txt" if text else "report.json")
    report.unlink(missing_ok=True)
    command = [bench.cli, "validate", *paths, "--schema", SCHEMA, *options]
    run = bench.run([*command, *([] if text else ["--format", "json"]), "-o", shown(report)])
    summary: dict[str, Any] = {}
    if run.ok:
        try:
            summary = _text_summary(report) if text else json.loads(report.read_text())["summary"]
        except (OSError, ValueError, KeyError) as error:
            run = replace(run, status=-1, stderr=f"{run.stderr}\nno report: {error}")
            bench.failures.append(run)
        finally:
            report.unlink(missing_ok=True)
    return run, summary


def _text_summary(report: Path) -> dict[str, Any]:
    """The counts of a text report's last line: ``N checked (C conform, V violate), ...``."""
    last = report.read_text().splitlines()[-1]
    found = re.match(r"(\d+) checked \((\d+) conform, (\d+) violate\)", last)
    if not found:
        raise ValueError(f"no summary line in {shown(report)}: {last!r}")
    checked, conform, violate = map(int, found.groups())
    return {"checked": checked, "conform": conform, "violate": violate}


def measure_cli(
    bench: Bench,
    name: str,
    data: DataSet,
    options: list[str],
    *,
    sample: DataSet | None = None,
    text: bool = False,
) -> Row:
    measured = sample or data
    run, summary = run_cli(bench, [shown(measured.path)], options, text=text)
    if not run.ok or not summary:
        return failed_row(name, run)
    row = Row(name, data.count, run.seconds, run.rss_mb, violating=summary.get("violate"))
    row.expected, row.over = measured.invalid, measured.count
    if measured.count < data.count:
        # The fixed cost (startup, compile) is that of the same command on one payload.
        one, _ = run_cli(bench, [shown(EXAMPLE)], options, text=text)
        row.seconds = scaled(one.seconds, run.seconds, measured.count, data.count)
        row.note = f"sampled: ran {measured.count:,}, scaled to {data.count:,}"
    if summary.get("checked") != measured.count:
        row.note = f"{row.note}; checked {summary.get('checked')} of {measured.count}".lstrip("; ")
    return row


def jobs_available(bench: Bench) -> bool:
    done = subprocess.run(
        [bench.cli, "validate", "--help"], capture_output=True, text=True, check=False
    )
    return "--jobs" in done.stdout


def measure_startup(bench: Bench) -> list[Row]:
    rows = []
    commands = {
        "startup: validate one file": [bench.cli, "validate", shown(EXAMPLE), "--schema", SCHEMA],
        "startup: python -c pass": [bench.python, "-c", "pass"],
    }
    for name, command in commands.items():
        runs = [bench.run(command, repeats=1) for _ in range(STARTUP_RUNS)]
        if not all(run.ok for run in runs):
            rows.append(failed_row(name, next(run for run in runs if not run.ok)))
            continue
        best = min(runs, key=lambda run: run.seconds)
        note = f"best of {STARTUP_RUNS}"
        rows.append(Row(name, 1, best.seconds, best.rss_mb, note, per_payload=False))
    return rows


def check_jsonschema_executable(out: Path) -> Path:
    return out / "venv-check-jsonschema" / "bin" / "check-jsonschema"


def setup_check_jsonschema(out: Path) -> None:
    """A private venv with check-jsonschema: a point of comparison, not a dependency."""
    venv = out / "venv-check-jsonschema"
    progress(f"creating {shown(venv)} and installing check-jsonschema")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "check-jsonschema"], check=True)


def measure_check_jsonschema(bench: Bench, files: DataSet) -> list[Row]:
    """check-jsonschema over the files in one invocation, beside klaviyo-contract."""
    executable = check_jsonschema_executable(bench.out)
    if not executable.is_file():
        return []
    from klaviyo_contract import Contract, bundle

    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **bundle.inline(Contract.default().schema_set, SCHEMA),
    }
    schema_file = bench.out / f"{SCHEMA}.inline.json"
    schema_file.write_text(json.dumps(schema, indent=2))
    paths = sorted(shown(path) for path in files.path.glob("*.json"))
    command = [shown(executable), "--schemafile", shown(schema_file), "-o", "json"]
    bench.warm([*command, paths[0]])
    glob = shlex.join(command) + f" {shlex.quote(shown(files.path))}/*.json"
    run = bench.run([*command, *paths], display=glob)
    name = f"check-jsonschema, {files.count:,} files"
    if not run.ok:
        row = failed_row(name, run)
    else:
        try:
            failing = {error["filename"] for error in json.loads(run.stdout)["errors"]}
        except (ValueError, KeyError):
            failing = set()
        row = Row(name, files.count, run.seconds, run.rss_mb, "one invocation, paths as args")
        row.violating, row.expected, row.over = len(failing), files.invalid, files.count
    ours = measure_cli(bench, f"validate FOLDER, {files.count:,} files", files, [])
    ours.note = "engine auto, the folder as one argument"
    row.same_input = ours.same_input = False
    return [row, ours]


def measure_memory(bench: Bench, data: DataSet, tenth: DataSet) -> Row:
    """Peak RSS of the compiled engine over the first tenth (the whole is its own row)."""
    name = f"memory: compiled, first {tenth.count:,}"
    row = measure_cli(bench, name, tenth, ["--engine", "compiled"])
    row.note = f"{row.note}; vs validate --engine compiled on {data.count:,}".lstrip("; ")
    return row


# -- the report ---------------------------------------------------------------------------


def figure(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def ratio(value: float | None, base: float | None) -> str:
    if value is None or not base:
        return "-"
    return f"{value / base:.2f}x"


def table(rows: list[Row], baseline: Row) -> str:
    header = (
        "measurement",
        "payloads/s",
        "wall s",
        "time vs orjson",
        "peak RSS MB",
        "RSS vs orjson",
        "note",
    )
    lines = [header]
    for row in rows:
        comparable = row.per_payload and row.same_input and row.payloads == baseline.payloads
        lines.append(
            (
                row.name,
                figure(row.rate, ",.0f"),
                figure(row.seconds, ".3f"),
                ratio(row.seconds, baseline.seconds) if comparable else "-",
                figure(row.rss_mb, ".1f"),
                ratio(row.rss_mb, baseline.rss_mb),
                row.note,
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    aligned = []
    for line in lines:
        cells = [
            cell.ljust(width) if i in (0, len(header) - 1) else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(line, widths, strict=True))
        ]
        aligned.append("  ".join(cells).rstrip())
    aligned.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(aligned)


def violations(rows: list[Row]) -> list[str]:
    lines = ["payloads reported as violating (generator's count of invalid ones in brackets):"]
    for row in rows:
        if row.violating is not None:
            verdict = "ok" if row.violating == row.expected else "MISMATCH"
            lines.append(
                f"  {row.name}: {row.violating:,} of {row.over:,} [{row.expected:,}] {verdict}"
            )
    return lines


def targets(rows: dict[str, Row]) -> list[str]:
    def verdict(met: bool) -> str:
        return "met" if met else "NOT met"

    lines = ["targets (printed, never asserted):"]
    base = rows.get("orjson")
    for key in ("jobs1", "jobs1-text", "jobs2", "auto"):
        row = rows.get(key)
        if row and base and row.seconds and base.seconds:
            times = row.seconds / base.seconds
            target = TARGET_AUTO_VS_ORJSON if key == "auto" else TARGET_JOBS1_VS_ORJSON
            met = verdict(times <= target)
            lines.append(
                f"  {row.name} within {target:g}x of orjson parse-only: {times:.2f}x  {met}"
            )
    one, default = rows.get("jobs1"), rows.get("jobs2")
    if one and default and one.seconds and default.seconds:
        met = verdict(default.seconds < one.seconds)
        seconds = f"{default.seconds:.3f} s vs {one.seconds:.3f} s"
        lines.append(f"  --jobs 2 faster than --jobs 1: {seconds}  {met}")
    startup = rows.get("startup")
    if startup and startup.seconds:
        met = verdict(startup.seconds < TARGET_STARTUP_SECONDS)
        lines.append(f"  startup under {TARGET_STARTUP_SECONDS} s: {startup.seconds:.3f} s  {met}")
    theirs, ours = rows.get("check-jsonschema"), rows.get("folder")
    if theirs and ours and theirs.seconds and ours.seconds:
        times = theirs.seconds / ours.seconds
        met = verdict(times >= TARGET_VS_CHECK_JSONSCHEMA)
        lines.append(
            f"  at least {TARGET_VS_CHECK_JSONSCHEMA:g}x faster than check-jsonschema on "
            f"{theirs.payloads:,} files: {times:.2f}x  {met}"
        )
    else:
        lines.append("  vs check-jsonschema: not measured")
    memory, full = rows.get("memory"), rows.get("compiled")
    if memory and full and memory.rss_mb and full.rss_mb:
        lines.append(
            f"  memory flat as input grows: compiled peak RSS {full.rss_mb:.1f} MB over "
            f"{full.payloads:,} vs {memory.rss_mb:.1f} MB over {memory.payloads:,}: "
            f"{full.rss_mb / memory.rss_mb:.2f}x"
        )
    return lines


def header(bench: Bench, data: DataSet, environment: str) -> list[str]:
    return [
        f"klaviyo-contract validate benchmark: {data.count:,} payloads of {SCHEMA}, "
        f"{data.invalid:,} invalid ({shown(data.path)})",
        f"Python {platform.python_version()} ({platform.python_implementation()}) "
        f"on {platform.platform()}, {os.cpu_count()} CPUs",
        versions(("klaviyo-contract", "jsonschema", "jsonschema-rs", "orjson")),
        RSS_METHOD,
        f"{environment}; each measured {bench.repeats}x, the fastest shown",
        f"commands (run from {ROOT}):",
        *(f"  {command}" for command in dict.fromkeys(bench.commands)),
    ]


# -- main --------------------------------------------------------------------------------


def progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def shown(path: Path) -> str:
    """``path`` relative to the repository root when inside it: the commands stay short."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000, help="payloads (default 100,000)")
    parser.add_argument("--seed", type=int, default=20241028, help="generator seed")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "out", help="data and scratch folder"
    )
    parser.add_argument(
        "--only",
        type=lambda text: [name.strip() for name in text.split(",") if name.strip()],
        default=list(MEASUREMENTS),
        metavar="NAMES",
        help=f"comma-separated subset of: {', '.join(MEASUREMENTS)} (orjson always runs)",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=3,
        help="timed runs of each command, the fastest reported (default 3; startup: 5)",
    )
    parser.add_argument(
        "--setup-check-jsonschema",
        action="store_true",
        help="create OUT/venv-check-jsonschema with check-jsonschema in it, then run",
    )
    args = parser.parse_args(argv)
    unknown = set(args.only) - set(MEASUREMENTS)
    if unknown:
        parser.error(f"--only: unknown {', '.join(sorted(unknown))}; choose from {MEASUREMENTS}")
    if args.count < 10:
        parser.error("--count: at least 10 payloads")
    return args


@dataclass(frozen=True)
class Inputs:
    data: DataSet
    sample: DataSet
    tenth: DataSet
    files: DataSet


def prepare(out: Path, count: int, seed: int) -> Inputs:
    data = ndjson(out, count, seed)
    return Inputs(
        data=data,
        sample=ndjson(out, min(SAMPLE, count), seed),
        tenth=ndjson(out, count // 10, seed),
        files=json_files(data, out, seed),
    )


def measure_all(bench: Bench, only: set[str], inputs: Inputs) -> tuple[dict[str, Row], list[str]]:
    """Every selected measurement, in table order, keyed; and lines about those skipped."""
    data = inputs.data
    rows: dict[str, Row] = {"orjson": measure_orjson(bench, data)}
    skipped: list[str] = []
    if "jsonschema" in only:
        name = "bare python-jsonschema loop"
        rows["jsonschema"] = measure_bare_loop(
            bench, name, "jsonschema_loop.py", data, inputs.sample
        )
    if "jsonschema-rs" in only:
        name = "bare jsonschema-rs loop"
        rows["jsonschema-rs"] = measure_bare_loop(bench, name, "jsonschema_rs_loop.py", data, data)
    for engine in ("reference", "compiled", "auto"):
        if engine in only or (engine == "compiled" and "memory" in only):
            sample = inputs.sample if engine == "reference" else None
            name = f"validate --engine {engine}"
            rows[engine] = measure_cli(bench, name, data, ["--engine", engine], sample=sample)
    if "jobs" in only:
        if jobs_available(bench):
            for jobs in (1, 2):
                name = f"validate --engine auto --jobs {jobs}"
                rows[f"jobs{jobs}"] = measure_cli(bench, name, data, ["--jobs", str(jobs)])
            # The same --jobs 1 lane writing the text report. (Routed by type, without
            # --schema, the payloads whose type is broken are unrouted: exit status 2.)
            name = "validate --jobs 1 --format text"
            rows["jobs1-text"] = measure_cli(bench, name, data, ["--jobs", "1"], text=True)
        else:
            skipped.append("validate --jobs: not available yet (not in `validate --help`)")
    if "startup" in only:
        rows["startup"], rows["python"] = measure_startup(bench)
    if "check-jsonschema" in only:
        compared = measure_check_jsonschema(bench, inputs.files)
        if compared:
            rows["check-jsonschema"], rows["folder"] = compared
        else:
            executable = shown(check_jsonschema_executable(bench.out))
            skipped.append(
                f"check-jsonschema: not measured, {executable} not found "
                "(run once with --setup-check-jsonschema)"
            )
    if "memory" in only:
        rows["memory"] = measure_memory(bench, data, inputs.tenth)
    return rows, skipped


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    if args.setup_check_jsonschema:
        setup_check_jsonschema(out)
    write_workers(out)
    env, environment = measured_environment(out)
    bench = Bench(out, sys.executable, cli_executable(), env, repeats=max(1, args.repeats))
    inputs = prepare(out, args.count, args.seed)
    warm_up(bench, inputs)
    rows, skipped = measure_all(bench, set(args.only), inputs)
    report = [
        *header(bench, inputs.data, environment),
        "",
        table(list(rows.values()), rows["orjson"]),
        "",
        *skipped,
        *violations(list(rows.values())),
        "",
        *targets(rows),
    ]
    print("\n".join(report))
    for run in bench.failures:
        print(f"\nFAILED (exit status {run.status}): {shlex.join(run.command)}")
        print(run.stderr.rstrip() or "(no stderr)")
    return 1 if bench.failures else 0


if __name__ == "__main__":
    sys.exit(main())
