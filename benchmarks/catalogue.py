"""How fast the whole published catalogue loads, compiles and checks, per engine.

Run it with the dev environment's Python::

    python benchmarks/catalogue.py           # ../shared/reference/klaviyo-json-schema
    python benchmarks/catalogue.py --catalogue DIR --runs 5

Each figure is its own fresh process (so peak RSS is that of the step, from
``os.wait4``'s ``ru_maxrss``), best of ``--runs`` for the times:

- ``parse-only``: ``json.loads`` of every file of the folder, nothing else: the
  baseline every figure is divided by (whole process, and in-process loop);
- per engine (reference, compiled): ``Contract.from_directory`` alone (and a check
  that it compiled nothing), then the same followed by ``contract.engine.compile(name)``
  for every name;
- ``klaviyo-contract schemas check --schemas DIR``, whole process; the target is
  under 2 s.

Timings are printed, never asserted: the exit status is 1 only if a measured
command failed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

from common import cli_executable, versions

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT.parent / "shared" / "reference" / "klaviyo-json-schema"
ENGINES = ("reference", "compiled")
TARGET_CHECK_SECONDS = 2.0
MB = 1024 * 1024

#: In-process timings, printed as JSON on the last line of standard output.
PARSE_ONLY = textwrap.dedent(
    """\
    import json, pathlib, sys, time
    start = time.perf_counter()
    paths = sorted(pathlib.Path(sys.argv[1]).glob("*.json"))
    documents = [json.loads(path.read_bytes()) for path in paths]
    print(json.dumps({"seconds": time.perf_counter() - start, "files": len(documents)}))
    """
)
CONTRACT = textwrap.dedent(
    """\
    import json, sys, time
    start = time.perf_counter()
    from klaviyo_contract import Contract
    imported = time.perf_counter()
    contract = Contract.from_directory(sys.argv[1], engine=sys.argv[2])
    loaded = time.perf_counter()
    compiled_at_load = len(vars(contract.engine)["_checks"])
    names = contract.names()
    if sys.argv[3] == "compile":
        for name in names:
            contract.engine.compile(name)
    done = time.perf_counter()
    print(json.dumps({
        "import": imported - start, "load": loaded - imported, "compile": done - loaded,
        "seconds": done - imported, "names": len(names), "compiled_at_load": compiled_at_load,
    }))
    """
)


@dataclass(frozen=True)
class Run:
    command: list[str]
    status: int
    wall: float
    rss_mb: float
    stdout: str
    stderr: str

    @property
    def inner(self) -> dict[str, float]:
        lines = self.stdout.strip().splitlines()
        try:
            value = json.loads(lines[-1]) if lines else {}
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}


def measure(command: list[str]) -> Run:
    """Run ``command`` as a fresh process: wall time and peak RSS (``wait4``)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=out, stderr=err
        )
        _, wait_status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(wait_status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    # ru_maxrss is in kilobytes on Linux, bytes on macOS.
    rss = usage.ru_maxrss / (MB if sys.platform == "darwin" else 1024)
    return Run(command, process.returncode, wall, rss, stdout, stderr)


def best(command: list[str], runs: int) -> Run:
    """The fastest of ``runs`` runs (after one untimed warm-up for file caches)."""
    measure(command)
    return min((measure(command) for _ in range(runs)), key=lambda run: run.wall)


@dataclass(frozen=True)
class Row:
    name: str
    run: Run
    in_process: float | None


def table(rows: list[Row], baseline: Row) -> list[str]:
    lines = [
        f"{'measurement':<48} {'wall s':>8} {'x base':>7} {'in-proc s':>10} {'x base':>7} "
        f"{'peak RSS MB':>12}"
    ]
    for row in rows:
        inner = "-" if row.in_process is None else f"{row.in_process:.3f}"
        inner_ratio = (
            "-"
            if row.in_process is None or not baseline.in_process
            else f"{row.in_process / baseline.in_process:.1f}"
        )
        lines.append(
            f"{row.name:<48} {row.run.wall:>8.3f} {row.run.wall / baseline.run.wall:>7.1f} "
            f"{inner:>10} {inner_ratio:>7} {row.run.rss_mb:>12.1f}"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--catalogue", type=Path, default=CATALOGUE, help="the schema folder")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure; the best is kept")
    args = parser.parse_args(argv)
    folder: Path = args.catalogue
    if not folder.is_dir():
        print(f"no catalogue at {folder}; pass --catalogue DIR", file=sys.stderr)
        return 2
    python, cli = sys.executable, cli_executable()
    files = len(list(folder.glob("*.json")))
    print(f"catalogue: {folder} ({files} files)")
    print(f"python {platform.python_version()} on {platform.platform()}, {os.cpu_count()} CPUs")
    print(versions(("klaviyo-contract", "jsonschema", "jsonschema-rs", "referencing")))
    print(f"best of {args.runs} runs each, after one warm-up; peak RSS from wait4 ru_maxrss")
    print()

    failures: list[Run] = []
    rows: list[Row] = []

    def add(name: str, command: list[str], key: str | None = "seconds") -> Run:
        print(
            f"running: {shlex.join(command) if len(shlex.join(command)) < 120 else name}",
            file=sys.stderr,
        )
        run = best(command, args.runs)
        if run.status != 0:
            failures.append(run)
        inner = run.inner.get(key) if key else None
        rows.append(Row(name, run, float(inner) if inner is not None else None))
        return run

    add("python -c pass (interpreter floor)", [python, "-c", "pass"], None)
    add("parse-only: json.loads every file [baseline]", [python, "-c", PARSE_ONLY, str(folder)])
    baseline = rows[-1]
    detail: dict[str, dict[str, float]] = {}
    for engine in ENGINES:
        loaded = add(
            f"{engine}: Contract.from_directory",
            [python, "-c", CONTRACT, str(folder), engine, "load"],
        )
        everything = add(
            f"{engine}: from_directory + compile every name",
            [python, "-c", CONTRACT, str(folder), engine, "compile"],
        )
        detail[engine] = {
            **everything.inner,
            "compiled_at_load": loaded.inner.get("compiled_at_load", -1),
        }
    check = add(
        "klaviyo-contract schemas check --schemas DIR",
        [cli, "schemas", "check", "--schemas", str(folder)],
        None,
    )

    print("\n".join(table(rows, baseline)))
    print()
    for engine, figures in detail.items():
        if not figures.get("names"):
            continue
        print(
            f"{engine}: import {figures['import']:.3f} s, load {figures['load']:.3f} s, "
            f"compile {int(figures['names'])} validators {figures['compile']:.3f} s "
            f"({figures['compile'] / figures['names'] * 1000:.2f} ms each); "
            f"validators compiled by loading: {int(figures['compiled_at_load'])}"
        )
    verdict = "met" if check.status == 0 and check.wall < TARGET_CHECK_SECONDS else "NOT met"
    print(
        f"target: schemas check of the whole catalogue under {TARGET_CHECK_SECONDS:.0f} s "
        f"whole process: {check.wall:.3f} s, {verdict}"
    )
    for run in failures:
        print(f"FAILED ({run.status}): {shlex.join(run.command)[:200]}\n{run.stderr[-2000:]}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
