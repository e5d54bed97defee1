"""The ``klaviyo-contract`` command: parse options, call the core, map to exit status.

Each subcommand parses into a frozen options value and calls the same facade as
the Python API. ``run(argv, stdout, stderr)`` takes its streams, so tests need no
subprocess. Exit status: 0 all conform, 1 a violation, 2 a usage error, an
unreadable input or a broken schema set.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from . import engines, progress
from .contract import Contract
from .errors import ContractError
from .model import Summary
from .parallel import available_cpus

OK, VIOLATION, PROBLEM = 0, 1, 2
#: Seconds to wait for a Dask scheduler to answer.
SCHEDULER_TIMEOUT = 20


class UsageError(Exception):
    """A mistake on the command line, reported as one line with status 2."""


@dataclass(frozen=True)
class ContractOptions:
    schemas: str | None = None
    openapi: str | None = None
    engine: str = "auto"


@dataclass(frozen=True)
class ValidateOptions:
    paths: tuple[str, ...]
    contract: ContractOptions
    schema: str | None = None
    format: str = "text"
    output: str | None = None
    strict: bool = False
    jobs: int = 1
    scheduler: str | None = None


def _report_formats() -> tuple[str, ...]:
    from .reports import WRITERS

    return tuple(WRITERS)


def load_contract(options: ContractOptions) -> Contract:
    """The contract the options name: a folder, an OpenAPI document, or the bundled one."""
    if options.openapi is not None:
        return Contract.from_openapi(options.openapi, engine=options.engine)
    if options.schemas is not None:
        return Contract.from_directory(options.schemas, engine=options.engine)
    return Contract.default(engine=options.engine)


def write_atomically(path: str, render: Callable[[TextIO], None]) -> None:
    """Write a report to ``path`` through a temporary file: readers never see half of it.

    A target that exists and is not a regular file (``/dev/null``, ``/dev/stdout``, a
    FIFO) is written directly: replacing it would put a plain file in its place.
    """
    import stat
    import tempfile

    target = Path(path)
    try:
        special = not stat.S_ISREG(target.stat().st_mode)
    except OSError:
        special = False
    if special:
        with open(target, "w", encoding="utf-8", newline="") as stream:
            render(stream)
        return
    handle, temporary = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            render(stream)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def wants_color(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def validate(options: ValidateOptions, stdout: TextIO, stderr: TextIO) -> int:
    from .parallel import check_paths
    from .reports import ReportOptions, write

    contract = load_contract(options.contract)
    if options.schema is not None:
        contract.schema(options.schema)  # an unknown name is a usage error, up front
    if options.scheduler is not None:
        summary = _on_dask(contract, options)
    else:
        live = progress.Progress(stderr)
        summary = check_paths(
            contract,
            options.paths,
            schema=options.schema,
            strict=options.strict,
            jobs=options.jobs,
            done=lambda part: live.add(sum(part.counts.values())),
        )
        live.close()
    report_options = ReportOptions(
        color=options.output is None and wants_color(stdout),
        tool_version=_version(),
    )
    if options.output is None:
        write(summary, options.format, stdout, report_options)
    else:
        write_atomically(
            options.output, lambda out: write(summary, options.format, out, report_options)
        )
        counts = summary.counts
        stderr.write(
            f"{counts['checked']} checked, {counts['violate']} violate, "
            f"{counts['unreadable']} unreadable: report written to {options.output}\n"
        )
    return summary.exit_status


@dataclass(frozen=True)
class GenerateOptions:
    name: str
    contract: ContractOptions
    count: int = 10
    invalid: bool = False
    seed: int | None = None


def generate(options: GenerateOptions, stdout: TextIO, stderr: TextIO) -> int:
    """NDJSON of generated payloads, each written as it is made; the same seed, the same lines.

    Draws from a seeded ``random.Random`` (no Hypothesis test engine, nothing written
    to the working directory); without ``--seed`` the stream is that of seed 0. A
    consumer that closes the pipe early (``| head``) ends it quietly, status 0.
    """
    import itertools

    import orjson

    from .strategies import invalid_payload_stream, payload_stream

    contract = load_contract(options.contract)
    contract.schema(options.name)
    seed = 0 if options.seed is None else options.seed
    try:
        if options.invalid:
            stream: Iterator[Any] = (
                {
                    "payload": example.payload,
                    "breaks": {
                        "keyword": example.keyword,
                        "instance_path": example.instance_path,
                        "kind": example.kind,
                        "description": example.description,
                    },
                }
                for example in invalid_payload_stream(contract, options.name, seed=seed)
            )
        else:
            stream = payload_stream(contract, options.name, seed=seed)
    except ValueError as error:  # no constraint to break
        raise UsageError(str(error)) from None
    binary = getattr(stdout, "buffer", None)

    def line(value: Any) -> bytes:
        try:
            return orjson.dumps(value) + b"\n"
        except (TypeError, ValueError):  # a lone surrogate, an integer past 64 bits
            return (json.dumps(value, separators=(",", ":")) + "\n").encode()

    try:
        for value in itertools.islice(stream, options.count):
            if binary is not None:
                binary.write(line(value))
                binary.flush()
            else:
                stdout.write(line(value).decode())
                stdout.flush()
    except BrokenPipeError:
        _quiet_closed_pipe(stdout)
    except ImportError as error:
        raise UsageError(
            f"schema {options.name} has parts only hypothesis-jsonschema can generate "
            f"({error.name}): pip install 'klaviyo-contract[generate]'"
        ) from None
    except ValueError as error:
        raise UsageError(f"cannot generate {options.name}: {error}") from None
    return OK


def _quiet_closed_pipe(stdout: TextIO) -> None:
    """The reader left: point stdout at devnull, so exiting does not flush into the pipe."""
    with contextlib.suppress(AttributeError, OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stdout.fileno())


def _on_dask(contract: Contract, options: ValidateOptions) -> Summary:
    try:
        from distributed import Client
    except ImportError:
        raise UsageError("--scheduler needs Dask: pip install 'klaviyo-contract[dask]'") from None
    from .distributed import check_bag

    try:
        client = Client(options.scheduler, timeout=SCHEDULER_TIMEOUT)
    except (OSError, TimeoutError) as error:
        raise UsageError(
            f"cannot reach the Dask scheduler at {options.scheduler}: {error}"
        ) from None
    with client:
        return check_bag(
            contract, options.paths, schema=options.schema, strict=options.strict, scheduler=client
        )


def conformance(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Run the conformance corpus, write ``reports/``; 0 when every case passes and
    every constraint of the contract is exercised."""
    from . import conformance as corpus

    cases_dir = args.cases or corpus.default_cases_dir()
    if cases_dir is None:
        raise UsageError("no conformance corpus here: name one with --cases DIR")
    report_dir = args.report_dir or (
        Path(cases_dir).parent / "reports" if args.cases is None else Path("reports")
    )
    contract = load_contract(_contract_options(args))
    report = corpus.run(contract, corpus.load_cases(cases_dir))
    written = corpus.write_reports(report, report_dir)
    for outcome in report.failed:
        stdout.write(f"FAILED {outcome.case.id}: {outcome.case.description}\n")
    for constraint in report.uncovered:
        stdout.write(f"not exercised: {constraint.id}\n")
    passed = len(report.outcomes) - len(report.failed)
    stdout.write(
        f"{passed}/{len(report.outcomes)} cases pass; {report.coverage_line}; "
        f"reports: {', '.join(str(path) for path in written)}\n"
    )
    return OK if report.ok else VIOLATION


def diff(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """What changed between two contracts, for a consumer of the responses; 1 if it breaks."""
    from . import diff as drift_module

    drift = drift_module.compare(drift_module.load_side(args.old), drift_module.load_side(args.new))
    writers = {
        "text": drift_module.write_text,
        "json": drift_module.write_json,
        "junit": drift_module.write_junit,
    }
    render = writers[args.format]
    if args.output is None:
        render(drift, stdout)
    else:
        write_atomically(args.output, lambda out: render(drift, out))
        stderr.write(f"report written to {args.output}\n")
    return drift_module.exit_status(drift)


def schemas(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    action = args.action
    if action == "vendor":
        from .registry import bundled_directory
        from .vendor import vendor

        if args.source is None or (not args.names and not Path(args.source).is_file()):
            raise UsageError(
                "schemas vendor NAME... --from DIR [--to DIR], "
                "or schemas vendor --from OPENAPI-FILE [--to DIR]"
            )
        dest = args.to or str(bundled_directory())
        if Path(args.source).is_file():
            from .vendor import vendor_document

            stdout.write(f"vendored {vendor_document(args.source, dest)} into {dest}\n")
            return OK
        copied = vendor(args.names, args.source, dest)
        stdout.write(f"vendored {len(copied)} schemas into {dest}: {', '.join(copied)}\n")
        return OK
    contract = load_contract(_contract_options(args))
    if action == "list":
        referenced = contract.schema_set.referenced
        for name in contract.names():
            marker = " " if name in referenced else "*"
            stdout.write(f"{marker} {name}\n")
        stdout.write(f"{len(contract.names())} schemas; * marks those no other schema refers to\n")
        return OK
    if action == "show":
        if not args.names:
            raise UsageError("schemas show NAME")
        for name in args.names:
            stdout.write(json.dumps(contract.schema(name), indent=2, ensure_ascii=False) + "\n")
        return OK
    from .audit import check_schema_set

    problems = check_schema_set(contract.schema_set)
    for problem in problems:
        stdout.write(f"{problem}\n")
    count = len(contract.names())
    if problems:
        stdout.write(f"{count} schemas, {len(problems)} problems\n")
        return PROBLEM
    stdout.write(f"{count} schemas OK: every ref resolves, every schema is valid 2020-12\n")
    return OK


def _version() -> str:
    from . import __version__

    return __version__


class _VersionAction(argparse.Action):
    """``--version``: the package's version."""

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        sys.stdout.write(f"{parser.prog} {_version()}\n")  # on stdout, as argparse's own
        parser.exit()


def _contract_options(args: argparse.Namespace) -> ContractOptions:
    return ContractOptions(schemas=args.schemas, openapi=args.openapi, engine=args.engine)


def _add_contract_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--schemas", metavar="DIR", help="a folder of Klaviyo schema files")
    group.add_argument("--openapi", metavar="FILE", help="an OpenAPI 3.0 document (JSON/YAML)")
    parser.add_argument(
        "--engine",
        choices=engines.ENGINE_CHOICES,
        default="auto",
        help="validation engine (default: auto, the fastest installed)",
    )


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="klaviyo-contract",
        description="Check Klaviyo API responses against Klaviyo's published JSON Schemas.",
        epilog="Exit status: 0 all conform, 1 a violation, 2 a usage error, "
        "an unreadable input or a broken schema set. NO_COLOR disables colour.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    parser.add_argument("--version", action=_VersionAction, nargs=0, help="show the version")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser(
        "validate",
        help="check captured payloads",
        description="Check payloads: .json (one payload, or an array of them), "
        ".ndjson/.jsonl (one per line), folders (walked) or - (standard input).",
    )
    check.add_argument("paths", nargs="+", metavar="PATH")
    check.add_argument(
        "--schema",
        metavar="NAME",
        help="check every payload against NAME (default: picked by route or JSON:API type)",
    )
    _add_contract_options(check)
    check.add_argument("--format", choices=_report_formats(), default="text")
    check.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE")
    check.add_argument(
        "--strict", action="store_true", help="also report properties the schema does not name"
    )
    check.add_argument(
        "--jobs",
        type=_positive,
        default=None,
        metavar="N",
        help="worker processes (default: the CPUs available)",
    )
    check.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on the Dask cluster at ADDRESS (tcp://host:8786; needs [dask])",
    )

    make = commands.add_parser(
        "generate",
        help="generate payloads as NDJSON",
        description="Generate valid (or, with --invalid, labelled invalid) payloads "
        "for schema NAME, one JSON document a line.",
    )
    make.add_argument("name", metavar="NAME")
    make.add_argument("--count", type=_positive, default=10, help="how many (default 10)")
    make.add_argument(
        "--invalid",
        action="store_true",
        help="payloads that each break one constraint, with its label",
    )
    make.add_argument("--seed", type=int, help="the same seed gives the same output")
    _add_contract_options(make)

    corpus = commands.add_parser(
        "conformance",
        help="run the conformance corpus and write its reports",
        description="Check every case of the corpus (JSON-Schema-Test-Suite format) and "
        "write conformance.json, conformance.md and junit.xml.",
    )
    corpus.add_argument("--cases", metavar="DIR", help="the corpus (default: conformance/)")
    corpus.add_argument(
        "--report-dir", metavar="DIR", help="where to write the reports (default: reports/)"
    )
    _add_contract_options(corpus)

    changes = commands.add_parser(
        "diff",
        help="what changed between two schema folders or OpenAPI documents",
        description="Compare OLD and NEW (each a folder of schema files or an OpenAPI "
        "document) for a consumer of the responses; exit 1 when a change breaks one.",
    )
    changes.add_argument("old", metavar="OLD")
    changes.add_argument("new", metavar="NEW")
    changes.add_argument("--format", choices=("text", "json", "junit"), default="text")
    changes.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE")

    schema_command = commands.add_parser("schemas", help="list, show, check or vendor schemas")
    schema_command.add_argument("action", choices=("list", "show", "check", "vendor"))
    schema_command.add_argument("names", nargs="*", metavar="NAME")
    schema_command.add_argument(
        "--from", dest="source", metavar="DIR", help="vendor: the upstream folder of schema files"
    )
    schema_command.add_argument(
        "--to", metavar="DIR", help="vendor: the destination (default: the bundled schemas/)"
    )
    _add_contract_options(schema_command)
    return parser


def run(argv: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    """Run the command line ``argv``; return the exit status."""
    parser = build_parser()
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse has printed its message
        return OK if exit_.code == 0 else PROBLEM
    try:
        if args.command == "validate":
            options = ValidateOptions(
                paths=tuple(args.paths),
                contract=_contract_options(args),
                schema=args.schema,
                format=args.format,
                output=args.output,
                strict=args.strict,
                jobs=args.jobs or available_cpus(),
                scheduler=args.scheduler,
            )
            return validate(options, stdout, stderr)
        if args.command == "generate":
            return generate(
                GenerateOptions(
                    name=args.name,
                    contract=_contract_options(args),
                    count=args.count,
                    invalid=args.invalid,
                    seed=args.seed,
                ),
                stdout,
                stderr,
            )
        if args.command == "conformance":
            return conformance(args, stdout, stderr)
        if args.command == "diff":
            return diff(args, stdout, stderr)
        return schemas(args, stdout, stderr)
    except (ContractError, UsageError, OSError) as error:
        if args.debug:
            import traceback

            traceback.print_exc(file=stderr)
        stderr.write(f"klaviyo-contract: error: {error}\n")
        return PROBLEM
    except KeyboardInterrupt:
        stderr.write("klaviyo-contract: interrupted\n")
        return 130


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``klaviyo-contract`` console script."""
    return run(sys.argv[1:] if argv is None else argv, sys.stdout, sys.stderr)
