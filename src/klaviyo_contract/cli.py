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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, TextIO

from . import engines, progress
from .contract import Contract
from .errors import ContractError, GenerationError, UsageError
from .model import Summary
from .parallel import available_cpus

OK, VIOLATION, PROBLEM = 0, 1, 2
#: Seconds to wait for a Dask scheduler to answer.
SCHEDULER_TIMEOUT = 20


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
    allow_empty: bool = False
    #: ``validate --coverage FILE``: also write the coverage report there.
    coverage: str | None = None
    min_coverage: float | None = None


def load_contract(options: ContractOptions) -> Contract:
    """The contract the options name: a folder, an OpenAPI document, or the bundled one."""
    if options.openapi is not None:
        return Contract.from_openapi(options.openapi, engine=options.engine)
    if options.schemas is not None:
        return Contract.from_directory(options.schemas, engine=options.engine)
    return Contract.default(engine=options.engine)


def wants_color(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _check(options: ValidateOptions, stderr: TextIO, *, coverage: bool) -> tuple[Contract, Summary]:
    """Load the contract and check every payload: here (``--jobs``) or on Dask."""
    from .parallel import check_paths

    contract = load_contract(options.contract)
    if options.schema is not None:
        contract.schema(options.schema)  # an unknown name is a usage error, up front
    if options.scheduler is not None:
        return contract, _on_dask(contract, options, coverage=coverage)
    live = progress.Progress(stderr)
    summary = check_paths(
        contract,
        options.paths,
        schema=options.schema,
        strict=options.strict,
        jobs=options.jobs,
        coverage=coverage,
        done=lambda part: live.add(_inputs(part)),
    )
    live.close()
    return contract, summary


def validate(options: ValidateOptions, stdout: TextIO, stderr: TextIO) -> int:
    from .reports import ReportOptions, write
    from .reports.coverage import format_for
    from .reports.files import write_atomically

    contract, summary = _check(options, stderr, coverage=options.coverage is not None)
    coverage_status = OK
    if options.coverage is not None:
        coverage_status = _write_coverage(
            contract,
            summary,
            options.coverage,
            stderr,
            fmt=format_for(options.coverage),
            minimum=options.min_coverage,
        )
    report_options = ReportOptions(
        color=options.output is None and wants_color(stdout),
        tool_version=_version(),
    )
    # A run that checked nothing fails with one line (a report of zeros would read as
    # a pass); a report file asked for is still written, for the CI that reads it.
    empty = summary.empty and not options.allow_empty
    if options.output is not None:
        write_atomically(
            options.output, lambda out: write(summary, options.format, out, report_options)
        )
    if empty:
        stderr.write(f"klaviyo-contract: error: {_nothing_checked(summary, options.paths)}\n")
        return PROBLEM
    if options.output is None:
        write(summary, options.format, stdout, report_options)
    else:
        counts = summary.counts
        stderr.write(
            f"{counts['checked']} checked, {counts['violate']} violate, "
            f"{counts['unreadable']} unreadable: report written to {options.output}\n"
        )
    return max(summary.exit_status, coverage_status)


def coverage(options: ValidateOptions, stdout: TextIO, stderr: TextIO) -> int:
    """What of the contract the payloads exercised, and their drift: the coverage
    report on stdout (or ``-o``), ``validate``'s exit status over the same payloads,
    or 1 below ``--min-coverage``."""
    contract, summary = _check(options, stderr, coverage=True)
    for problem in summary.problems:
        if problem.kind != "skipped":
            stderr.write(f"{problem.source}: {problem.reason}\n")
    if summary.empty and not options.allow_empty:
        stderr.write(f"klaviyo-contract: error: {_nothing_checked(summary, options.paths)}\n")
        return PROBLEM
    target = options.output or stdout
    status = _write_coverage(
        contract, summary, target, stderr, fmt=options.format, minimum=options.min_coverage
    )
    return max(summary.exit_status, status)


def _write_coverage(
    contract: Contract,
    summary: Summary,
    target: str | TextIO,
    stderr: TextIO,
    *,
    fmt: str,
    minimum: float | None,
) -> int:
    """Write the coverage report of ``summary`` in format ``fmt`` to a file or a
    stream, and its line on stderr; 1 below ``--min-coverage``, else 0."""
    from .coverage import Coverage
    from .reports.coverage import render
    from .reports.files import write_atomically

    model = (summary.coverage or Coverage.of(contract)).to_dict()
    headline, counts = model["headline"], summary.counts
    written = ""
    if isinstance(target, str):
        write_atomically(target, render(model, fmt))
        written = f": coverage report written to {target}"
    else:
        target.write(render(model, fmt))
    stderr.write(
        f"coverage {headline['percent']:.1f}% ({headline['exercised']}/{headline['items']} "
        f"items); {counts['checked']} checked, {counts['violate']} violate, "
        f"{counts['unreadable']} unreadable{written}\n"
    )
    if minimum is not None and headline["exercised"] * 100 < minimum * headline["items"]:
        stderr.write(
            f"klaviyo-contract: coverage {headline['percent']:.1f}% is below "
            f"--min-coverage {minimum:g}\n"
        )
        return VIOLATION
    return OK


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
    except GenerationError as error:  # no constraint to break
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
    except GenerationError as error:
        raise UsageError(f"cannot generate {options.name}: {error}") from None
    return OK


def _inputs(part: Summary) -> int:
    """The payloads and inputs a part of the run went through, each once."""
    counts = part.counts
    return counts["checked"] + counts["unreadable"] + counts["skipped"]


def _nothing_checked(summary: Summary, paths: Sequence[str]) -> str:
    """Why an empty run fails, and how to accept one."""
    shown = ", ".join("<stdin>" if path == "-" else path for path in paths[:3])
    shown += f" and {len(paths) - 3} more" if len(paths) > 3 else ""
    skipped = summary.counts["skipped"]
    why = ""
    if skipped:
        first = next(iter(summary.problems))
        more = f"; {skipped - 1} more, --allow-empty lists them" if skipped > 1 else ""
        why = f" (skipped {first.source}: {first.reason}{more})"
    return f"no payloads found in {shown}: nothing was checked{why}; --allow-empty accepts that"


def _quiet_closed_pipe(stdout: TextIO) -> None:
    """The reader left: point stdout at devnull, so exiting does not flush into the pipe."""
    with contextlib.suppress(AttributeError, OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stdout.fileno())


def _on_dask(contract: Contract, options: ValidateOptions, *, coverage: bool) -> Summary:
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
            contract,
            options.paths,
            schema=options.schema,
            strict=options.strict,
            coverage=coverage,
            scheduler=client,
        )


def conformance(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Run the conformance corpus, write ``reports/``; 0 when every case passes and
    every constraint of the contract is exercised."""
    from . import conformance as corpus

    cases_dir = args.cases or corpus.default_cases_dir()
    if cases_dir is None:
        raise UsageError("no conformance corpus here: name one with --cases DIR")
    report_dir = args.report_dir or (
        corpus.default_report_dir(Path(cases_dir)) if args.cases is None else Path("reports")
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
    from .reports.diff import WRITERS
    from .reports.files import write_atomically

    drift = drift_module.compare(drift_module.load_side(args.old), drift_module.load_side(args.new))
    render = WRITERS[args.format]
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


def _percentage(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 100:  # also refuses nan
        raise argparse.ArgumentTypeError(f"expected a percentage from 0 to 100, got {text!r}")
    return value


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


# --------------------------------------------------------------------------- help and errors

#: Every kind of input ``validate`` reads, for its help.
INPUT_KINDS = """\
inputs (PATH):
  FILE.json            one payload, or a JSON array of payloads
  FILE.ndjson, .jsonl  one payload a line (streamed)
  FILE.har             a HAR 1.2 recording: each entry's response, routed by its request
  FILE.yaml, .yml      a VCR.py cassette: each interaction's response
  DIR                  a folder, walked (hidden files and folders are passed over)
  -                    standard input (JSON, an array or NDJSON)
JSON with no JSON:API type (package.json) is skipped as not a Klaviyo payload."""

EXAMPLES = {
    "validate": """\
examples:
  klaviyo-contract validate examples/
  klaviyo-contract validate captures/ recordings/session.har --format junit -o contract.xml
  klaviyo-contract validate jobs.ndjson --schema CouponCodeCreateJobResponseObjectResource
  curl -s ... | klaviyo-contract validate -""",
    "coverage": """\
examples:
  klaviyo-contract coverage examples/
  klaviyo-contract coverage captures/ recordings/ --format html -o coverage.html
  klaviyo-contract coverage captures/ --format markdown --min-coverage 60 >> "$GITHUB_STEP_SUMMARY"
  klaviyo-contract validate captures/ --coverage coverage.json   # the gate, coverage beside""",
    "generate": """\
examples:
  klaviyo-contract generate PostCatalogItemCreateJobResponse --count 100 --seed 1 > samples.ndjson
  klaviyo-contract generate CouponCodeCreateJobResponseObjectResource --invalid --count 5""",
    "conformance": """\
examples:
  klaviyo-contract conformance           # the checkout's corpus, else the bundled one
  klaviyo-contract conformance --cases conformance/ --report-dir reports/""",
    "diff": """\
examples:
  klaviyo-contract diff old-schemas/ schemas/
  klaviyo-contract diff old-openapi.yml new-openapi.yml --format json -o drift.json""",
    "schemas": """\
examples:
  klaviyo-contract schemas list
  klaviyo-contract schemas show CouponCodeCreateJobResponseObjectResource
  klaviyo-contract schemas check --schemas ../klaviyo-json-schema
  klaviyo-contract schemas vendor NAME... --from ../klaviyo-json-schema""",
}


class _Parser(argparse.ArgumentParser):
    """argparse with "did you mean" for misspelled options, commands and choices."""

    def error(self, message: str) -> NoReturn:
        super().error(message + _suggestion(self, message))


def _suggestion(parser: argparse.ArgumentParser, message: str) -> str:
    """`` (did you mean --strict?)`` for the nearest known spelling, else nothing."""
    import difflib
    import re

    unknown = re.match(r"unrecognized arguments: (.*)", message)
    if unknown:
        known = list(parser._option_string_actions)
        for token in unknown.group(1).split():
            if token.startswith("-"):
                close = difflib.get_close_matches(token.split("=")[0], known, n=1, cutoff=0.6)
                if close:
                    return f" (did you mean {close[0]}?)"
        return ""
    invalid = re.search(r"invalid choice: '?([^'\s]*)'? \(choose from (.*)\)", message)
    if invalid:
        choices = [choice.strip("'\" ") for choice in invalid.group(2).split(",")]
        close = difflib.get_close_matches(invalid.group(1), choices, n=1, cutoff=0.5)
        if close:
            return f" (did you mean {close[0]}?)"
    return ""


def _global_options() -> argparse.ArgumentParser:
    """Options every subcommand accepts too: ``--debug`` before or after the command.

    Their default is SUPPRESS, so a subcommand that is not given one leaves the
    top-level value alone.
    """
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks of errors"
    )
    return parent


def _command(commands: Any, name: str, **kwargs: Any) -> argparse.ArgumentParser:
    """A subcommand's parser: the global options, and its examples under its help."""
    epilog = EXAMPLES.get(name)
    if name in ("validate", "coverage"):
        epilog = f"{INPUT_KINDS}\n\n{epilog}"
    parser: argparse.ArgumentParser = commands.add_parser(
        name,
        parents=[_global_options()],
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        **kwargs,
    )
    return parser


def build_parser() -> argparse.ArgumentParser:
    # The --format choices come from the tables that write them (their writers load
    # only when used).
    from .reports import WRITERS
    from .reports.coverage import COVERAGE_WRITERS
    from .reports.diff import WRITERS as DIFF_WRITERS

    parser = _Parser(
        prog="klaviyo-contract",
        description="Check Klaviyo API responses against Klaviyo's published JSON Schemas.",
        epilog="Exit status: 0 all conform, 1 a violation, 2 a usage error, "
        "an unreadable input or a broken schema set. NO_COLOR disables colour.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    parser.add_argument("--version", action=_VersionAction, nargs=0, help="show the version")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = _command(
        commands,
        "validate",
        help="check captured payloads",
        description="Check payloads: .json (one payload, or an array of them), "
        ".ndjson/.jsonl (one per line), .har recordings, VCR .yaml/.yml cassettes, "
        "folders (walked) or - (standard input).",
    )
    _add_checking_options(check)
    check.add_argument("--format", choices=tuple(WRITERS), default="text")
    check.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE")
    check.add_argument(
        "--coverage",
        metavar="FILE",
        help="also write the coverage report to FILE (.json, .html, .md, else text)",
    )

    make = _command(
        commands,
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

    corpus = _command(
        commands,
        "conformance",
        help="run the conformance corpus and write its reports",
        description="Check every case of the corpus (JSON-Schema-Test-Suite format) and "
        "write conformance.json, conformance.md and junit.xml.",
    )
    corpus.add_argument(
        "--cases",
        metavar="DIR",
        help="the corpus (default: the checkout's conformance/, else the one installed)",
    )
    corpus.add_argument(
        "--report-dir",
        metavar="DIR",
        help="where to write the reports (default: the checkout's reports/, else ./reports)",
    )
    _add_contract_options(corpus)

    changes = _command(
        commands,
        "diff",
        help="what changed between two schema folders or OpenAPI documents",
        description="Compare OLD and NEW (each a folder of schema files or an OpenAPI "
        "document) for a consumer of the responses; exit 1 when a change breaks one.",
    )
    changes.add_argument("old", metavar="OLD")
    changes.add_argument("new", metavar="NEW")
    changes.add_argument("--format", choices=tuple(DIFF_WRITERS), default="text")
    changes.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE")

    schema_command = _command(commands, "schemas", help="list, show, check or vendor schemas")
    schema_command.add_argument("action", choices=("list", "show", "check", "vendor"))
    schema_command.add_argument("names", nargs="*", metavar="NAME")
    schema_command.add_argument(
        "--from", dest="source", metavar="DIR", help="vendor: the upstream folder of schema files"
    )
    schema_command.add_argument(
        "--to", metavar="DIR", help="vendor: the destination (default: the bundled schemas/)"
    )
    _add_contract_options(schema_command)

    measure = _command(
        commands,
        "coverage",
        help="what of the contract the payloads exercised, and their drift",
        description="Check payloads as validate does, and report per route the documented "
        "statuses seen and unseen, per schema location each property, null, enum value "
        "and branch seen or never seen, and drift: what the payloads hold that the "
        "contract does not name. See docs/coverage.md. Exit status: as validate, or 1 "
        "when coverage is below --min-coverage.",
    )
    _add_checking_options(measure)
    measure.add_argument("--format", choices=tuple(COVERAGE_WRITERS), default="text")
    measure.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE")
    return parser


def _add_checking_options(parser: argparse.ArgumentParser) -> None:
    """What ``validate`` and ``coverage`` share: the inputs, the contract, how to check."""
    parser.add_argument("paths", nargs="+", metavar="PATH")
    parser.add_argument(
        "--schema",
        metavar="NAME",
        help="check every payload against NAME (default: picked by route or JSON:API type)",
    )
    _add_contract_options(parser)
    parser.add_argument(
        "--strict", action="store_true", help="also report properties the schema does not name"
    )
    parser.add_argument(
        "--jobs",
        type=_positive,
        default=None,
        metavar="N",
        help="worker processes (default: the CPUs available)",
    )
    parser.add_argument(
        "--allow-empty",
        action="store_true",
        help="exit 0 when the inputs hold no payload at all (default: status 2, "
        "so a gate pointed at the wrong folder never goes green)",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on the Dask cluster at ADDRESS (tcp://host:8786; needs [dask])",
    )
    parser.add_argument(
        "--min-coverage",
        type=_percentage,
        metavar="PCT",
        help="exit 1 when the share of coverage items exercised is below PCT "
        "(with validate: needs --coverage FILE)",
    )


def run(argv: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    """Run the command line ``argv``; return the exit status."""
    parser = build_parser()
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            args, extra = parser.parse_known_args(argv)
            if extra:  # reported by the subcommand: its usage, its options to suggest
                _subcommand(parser, args.command).error(
                    f"unrecognized arguments: {' '.join(extra)}"
                )
    except SystemExit as exit_:  # argparse has printed its message
        return OK if exit_.code == 0 else PROBLEM
    try:
        if args.command in ("validate", "coverage"):
            options = ValidateOptions(
                paths=tuple(args.paths),
                contract=_contract_options(args),
                schema=args.schema,
                format=args.format,
                output=args.output,
                strict=args.strict,
                jobs=args.jobs or available_cpus(),
                scheduler=args.scheduler,
                allow_empty=args.allow_empty,
                coverage=getattr(args, "coverage", None),
                min_coverage=args.min_coverage,
            )
            if args.command == "coverage":
                return coverage(options, stdout, stderr)
            if options.min_coverage is not None and options.coverage is None:
                raise UsageError("validate --min-coverage PCT needs --coverage FILE")
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
    except (ContractError, OSError) as error:
        if args.debug:
            import traceback

            traceback.print_exc(file=stderr)
        stderr.write(f"klaviyo-contract: error: {error}\n")
        return PROBLEM
    except KeyboardInterrupt:
        stderr.write("klaviyo-contract: interrupted\n")
        return 130


def _subcommand(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    for action in parser._subparsers._group_actions if parser._subparsers else ():
        if isinstance(action, argparse._SubParsersAction) and name in action.choices:
            found: argparse.ArgumentParser = action.choices[name]
            return found
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``klaviyo-contract`` console script."""
    return run(sys.argv[1:] if argv is None else argv, sys.stdout, sys.stderr)
