"""The pytest plugin: options, the ``contract`` fixtures, one test item per recorded response.

Registered through the ``pytest11`` entry point, so it is loaded by every pytest run
wherever the package is installed: importing it costs nothing beyond the package
itself. The contract is loaded on first use (a fixture, or collecting recordings),
httpx only by ``contract_client``, and Hypothesis never.

- Options: one group, every flag ``--contract-*`` with an ini twin ``contract_*``; the
  flag wins. Bad values are a usage error naming the option and the accepted syntax.
- ``contract`` (session fixture): the configured :class:`~klaviyo_contract.Contract`.
  ``contract.check(...)`` fails a test with ``ContractViolation`` listing every
  violation; with ``--contract-strict`` its checks are strict unless told otherwise.
- ``--contract-recordings PATH``: one item per recorded response, with the id
  ``FILE::METHOD /route/{template}``, ``FILE::line N`` / ``FILE::[i]`` /
  ``FILE::FILE-NAME`` for bare payloads, and ``FILE::entries[i]`` for an entry that
  cannot be read. A name repeated within a file ends with the entry's position, as
  its location shows it: ``entries[i]`` (HAR), ``interactions[i]`` (cassette) and
  ``[i]`` (JSON array) count from 0 like JSON indexes, ``line N`` from 1 like editors.
  Ids can be fed back: recording files are collected through ``pytest_collect_file``
  when pytest meets them (named in an argument, or in a folder it walks), so
  ``pytest "cassettes/jobs.yaml::GET /api/x/{id} interactions[3]"`` runs that item
  alone; the others are added after collection. A response the contract does not
  cover is skipped with the reason; an unreadable one fails with it.
- ``contract_client`` (function fixture): an httpx client against
  ``--contract-base-url`` whose every JSON response is checked (see
  :mod:`klaviyo_contract.live`); the call that receives a violating response raises
  ``ContractViolation``. Skipped, saying so, without ``--contract-live``;
  ``--contract-live`` without ``KLAVIYO_API_KEY`` is a usage error. The key is
  redacted from every message and the report.
- ``--contract-report FILE``: every check of the session as JSON, one record per
  check, sorted by node id; under pytest-xdist the workers' records are merged by
  the controller, which writes the file once.
- ``--contract-coverage FILE``: what of the contract every check of the session (the
  recording items, ``contract.check``, ``contract_client``) exercised, and its drift;
  the format by the file's suffix. Workers' counts are merged by the controller: the
  same numbers as ``klaviyo-contract coverage`` over the same recordings.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.util
import math
import os
import re
import sys
from collections import Counter
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

import pytest

from .contract import Contract
from .engines import ENGINE_CHOICES
from .errors import ContractError, ContractViolation
from .model import Problem, Record, Result
from .registry import bundled_directory
from .reports.checklog import CheckLog
from .reports.failure import describe

if TYPE_CHECKING:
    from collections.abc import Generator, Iterable, Iterator, Mapping

    import httpx
    from _pytest._code.code import TerminalRepr, TracebackStyle

    from .coverage import Coverage
    from .model import Exchange
    from .routing import Route

#: The marker of recording items and of tests that use the contract fixtures.
MARKER = "contract"
#: Where workers put their check records for the controller (``config.workeroutput``).
WORKER_OUTPUT_KEY = "klaviyo_contract_checks"
#: Where workers put the state of their coverage counts (JSON-safe, see Coverage.state).
WORKER_COVERAGE_KEY = "klaviyo_contract_coverage"

# The same values as in live.py, repeated so that this module does not import httpx;
# tests/plugin/test_options.py checks that they agree.
DEFAULT_BASE_URL = "https://a.klaviyo.com"
API_KEY_ENV = "KLAVIYO_API_KEY"
DEFAULT_TIMEOUT = 30.0

_LINE_SUFFIXES = (".ndjson", ".jsonl")
_REVISION = re.compile(r"\d{4}-\d{2}-\d{2}(\.[A-Za-z]+)?")
_SESSION = pytest.StashKey["ContractSession"]()


# --------------------------------------------------------------------------- options


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("klaviyo-contract", "Klaviyo API response contract")

    def option(
        name: str, help: str, ini: Literal["string", "bool", "paths"] = "string", **kwargs: Any
    ) -> None:
        group.addoption(f"--contract-{name}", help=help, **kwargs)
        parser.addini(f"contract_{name.replace('-', '_')}", help, type=ini)

    option(
        "schemas",
        "folder of Klaviyo schema files, with their OpenAPI documents in openapi/ "
        "(default: the bundled contract)",
        metavar="DIR",
    )
    option(
        "openapi",
        "OpenAPI 3.0 document (JSON or YAML) whose schemas and paths are the contract",
        metavar="FILE",
    )
    option(
        "strict",
        "also report properties the schemas do not name",
        ini="bool",
        action="store_true",
        default=None,
    )
    option(
        "recordings",
        "check every recorded response in PATH (.har, VCR .yaml/.yml cassette, .json, "
        ".ndjson, or a folder of them) as one test item each; repeatable",
        ini="paths",
        metavar="PATH",
        action="append",
    )
    option("report", "write a JSON summary of every contract check to FILE", metavar="FILE")
    option(
        "coverage",
        "write what of the contract the session's checks exercised, and their drift, to "
        "FILE (.json, .html, .md, else text; docs/coverage.md)",
        metavar="FILE",
    )
    option(
        "live",
        f"run the tests that use contract_client against the API (needs {API_KEY_ENV})",
        ini="bool",
        action="store_true",
        default=None,
    )
    option(
        "base-url",
        f"where contract_client sends requests (default {DEFAULT_BASE_URL})",
        metavar="URL",
    )
    option(
        "timeout",
        f"seconds contract_client waits for the API (default {DEFAULT_TIMEOUT:g})",
        metavar="SECONDS",
    )
    option(
        "revision",
        "the revision header contract_client sends (default: the contract's OpenAPI info.version)",
        metavar="YYYY-MM-DD",
    )
    option(
        "engine",
        f"validation engine: {', '.join(ENGINE_CHOICES)} (default auto)",
        metavar="NAME",
    )


@dataclasses.dataclass(frozen=True)
class Options:
    """The plugin's settings, from the command line or else the ini file."""

    schemas: Path | None = None
    openapi: Path | None = None
    strict: bool = False
    recordings: tuple[Path, ...] = ()
    report: Path | None = None
    coverage: Path | None = None
    live: bool = False
    base_url: str = DEFAULT_BASE_URL
    timeout: float = DEFAULT_TIMEOUT
    revision: str | None = None
    engine: str = "auto"

    @property
    def contract_label(self) -> str:
        if self.openapi is not None:
            return f"OpenAPI document {self.openapi}"
        if self.schemas is not None:
            return f"schemas in {self.schemas}"
        return f"bundled ({bundled_directory()})"


class _Settings:
    """Reads each option from the command line, else from the ini file."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.cwd = config.invocation_params.dir
        self.inidir = config.inipath.parent if config.inipath else config.rootpath

    def get(self, name: str) -> tuple[Any, str, Path]:
        """The raw value, the name to show in an error, the folder relative paths start from."""
        value = self.config.getoption(f"contract_{name.replace('-', '_')}")
        if value is not None:
            return value, f"--contract-{name}", self.cwd
        ini = f"contract_{name.replace('-', '_')}"
        return self.config.getini(ini), f"{ini} (ini)", self.inidir

    def text(self, name: str) -> tuple[str | None, str, Path]:
        value, label, base = self.get(name)
        text = str(value).strip() if value is not None else ""
        return (text or None), label, base

    def path(self, name: str) -> tuple[Path | None, str]:
        text, label, base = self.text(name)
        return (None if text is None else base / text), label


def _read_options(config: pytest.Config) -> Options:
    """Options from flags and ini values.

    Raises:
        pytest.UsageError: a value that does not parse, naming the option and the
            syntax it accepts.
    """
    settings = _Settings(config)
    schemas, schemas_label = settings.path("schemas")
    openapi, openapi_label = settings.path("openapi")
    if schemas is not None and openapi is not None:
        raise pytest.UsageError(
            f"{schemas_label} and {openapi_label} both name a contract; give one: "
            "--contract-schemas DIR or --contract-openapi FILE"
        )
    if schemas is not None and not schemas.is_dir():
        raise pytest.UsageError(
            f"{schemas_label} expects a folder of schema files (--contract-schemas DIR); "
            f"{schemas} is not a directory"
        )
    if openapi is not None and not openapi.is_file():
        raise pytest.UsageError(
            f"{openapi_label} expects an OpenAPI document (--contract-openapi FILE); "
            f"{openapi} is not a file"
        )

    strict = bool(settings.get("strict")[0])
    live = bool(settings.get("live")[0])

    value, label, base = settings.get("recordings")
    recordings: list[Path] = []
    for item in value or ():
        if str(item).strip() == "-":
            raise pytest.UsageError(
                f"{label} expects a file or folder of recordings (--contract-recordings PATH); "
                "standard input (-) cannot be read in a pytest run"
            )
        recordings.append(Path(os.path.abspath(base / item)))

    report, _ = settings.path("report")
    coverage, _ = settings.path("coverage")

    base_url, label, _ = settings.text("base-url")
    if base_url is None:
        base_url = DEFAULT_BASE_URL
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise pytest.UsageError(
            f"{label} expects an http(s) URL such as {DEFAULT_BASE_URL} "
            f"(--contract-base-url URL); got {base_url!r}"
        )

    text, label, _ = settings.text("timeout")
    timeout = DEFAULT_TIMEOUT
    if text is not None:
        try:
            timeout = float(text)
        except ValueError:
            timeout = -1.0
        if not (timeout > 0 and math.isfinite(timeout)):
            raise pytest.UsageError(
                f"{label} expects a positive number of seconds such as 30 or 2.5 "
                f"(--contract-timeout SECONDS); got {text!r}"
            )

    revision, label, _ = settings.text("revision")
    if revision is not None and not _REVISION.fullmatch(revision):
        raise pytest.UsageError(
            f"{label} expects a Klaviyo API revision YYYY-MM-DD, such as 2026-04-15 "
            f"(--contract-revision YYYY-MM-DD); got {revision!r}"
        )

    engine, label, _ = settings.text("engine")
    if engine is None:
        engine = "auto"
    if engine not in ENGINE_CHOICES:
        raise pytest.UsageError(
            f"{label} expects one of {', '.join(ENGINE_CHOICES)} "
            f"(--contract-engine NAME); got {engine!r}"
        )

    if live and not os.environ.get(API_KEY_ENV):
        # A gate that asked for live checks never goes green without them.
        label = settings.get("live")[1]
        raise pytest.UsageError(
            f"{label} asks for live contract checks, but the {API_KEY_ENV} environment "
            f"variable is not set: set it to a Klaviyo private API key, or drop {label}"
        )
    if live and importlib.util.find_spec("httpx") is None:
        raise pytest.UsageError(
            "--contract-live needs httpx, which is not installed: "
            "pip install 'klaviyo-contract[live]'"
        )

    return Options(
        schemas=schemas,
        openapi=openapi,
        strict=strict,
        recordings=tuple(dict.fromkeys(recordings)),
        report=report,
        coverage=coverage,
        live=live,
        base_url=base_url.rstrip("/"),
        timeout=timeout,
        revision=revision,
        engine=engine,
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}: checks Klaviyo API responses against the contract (recording items "
        "and tests that use the contract or contract_client fixture carry it)",
    )
    session = ContractSession(config, _read_options(config))
    config.stash[_SESSION] = session
    config.pluginmanager.register(session, "klaviyo-contract-session")
    # The merge of workers' reports; its hook exists only where pytest-xdist is.
    if config.pluginmanager.hasplugin("xdist") and not hasattr(config, "workerinput"):
        config.pluginmanager.register(_XdistMerge(session), "klaviyo-contract-xdist")


def _session(config: pytest.Config) -> ContractSession:
    return config.stash[_SESSION]


# --------------------------------------------------------------------------- contract

#: Loaded contracts by source, kept for the life of the process: loading parses
#: the OpenAPI documents (most of a second), and in-process pytest runs (pytester)
#: would otherwise pay it every time. Each session builds its own Contract on top.
_LOADED: dict[tuple[str, str], Contract] = {}


def _load(options: Options) -> Contract:
    if options.openapi is not None:
        key = ("openapi", str(options.openapi))
        if key not in _LOADED:
            _LOADED[key] = Contract.from_openapi(options.openapi, engine="reference")
    elif options.schemas is not None:
        key = ("schemas", str(options.schemas))
        if key not in _LOADED:
            _LOADED[key] = Contract.from_directory(options.schemas, engine="reference")
    else:
        key = ("bundled", "")
        if key not in _LOADED:
            _LOADED[key] = Contract.default(engine="reference")
    return _LOADED[key]


# --------------------------------------------------------------------------- session


class ContractSession:
    """The plugin's state for one pytest run: options, the contract, the checks made."""

    def __init__(self, config: pytest.Config, options: Options) -> None:
        self.config = config
        self.options = options
        #: Every check of the session, kept when ``--contract-report`` asks for it.
        self.log = CheckLog(self.redact)
        #: The node id of the test running now; checks are attributed to it.
        self.node = ""
        self._contract: Contract | None = None
        #: What the session's checks exercised (``--contract-coverage``), once one is made.
        self.coverage: Coverage | None = None
        #: Recording files pytest collected itself (named as an argument, or walked).
        self._collected: set[str] = set()

    # -- the contract and the key

    def contract(self) -> Contract:
        """The configured contract, loaded on first use: the session's engine and
        strictness, every result it makes kept for the report.

        Raises:
            ContractError: the schema files or OpenAPI document cannot be loaded.
        """
        if self._contract is None:
            self._contract = _load(self.options).configured(
                engine=self.options.engine, strict=self.options.strict, observer=self.observe
            )
        return self._contract

    def record(self, outcome: Result | Problem) -> None:
        """Keep a check for ``--contract-report`` (nothing is kept without it)."""
        if self.options.report is not None:
            self.log.add(self.node, outcome)

    def observe(self, payload: Any, result: Result) -> None:
        """Every payload the session's contract checks: its record, and its coverage."""
        self.record(result)
        if self.options.coverage is not None:
            if self.coverage is None:
                from .coverage import Coverage

                self.coverage = Coverage.of(self.contract())
            self.coverage.add(
                payload, result.schema, source=result.source, exchange=result.exchange
            )

    @property
    def secrets(self) -> tuple[str, ...]:
        """The values to redact: the API key, when live checking can send it."""
        key = os.environ.get(API_KEY_ENV, "")
        return (key,) if self.options.live and key else ()

    def redact(self, text: str) -> str:
        secrets = self.secrets
        if not secrets:
            return text
        from .live import redact

        return redact(text, secrets)

    @functools.cached_property
    def revision(self) -> str:
        """The ``revision`` header: the option, else the contract's OpenAPI version."""
        if self.options.revision is not None:
            return self.options.revision
        from .live import DEFAULT_REVISION, revision_of

        if self.options.openapi is not None:
            documents = [self.options.openapi]
        else:
            folder = (self.options.schemas or bundled_directory()) / "openapi"
            documents = sorted(folder.glob("*.*")) if folder.is_dir() else []
        return revision_of(documents) or DEFAULT_REVISION

    # -- hooks

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        # A contract named on the command line or in the ini file that cannot be
        # loaded is one usage error now, not a failure in every test that uses it.
        if self.options.schemas is None and self.options.openapi is None:
            return
        try:
            self.contract()
        except ContractError as error:
            raise pytest.UsageError(
                f"klaviyo-contract: cannot load the contract ({self.options.contract_label}): "
                f"{error}"
            ) from None

    def pytest_report_header(self, config: pytest.Config) -> list[str]:
        options = self.options
        lines = [
            f"klaviyo-contract: contract {options.contract_label}, engine {options.engine}, "
            f"strict {'on' if options.strict else 'off'}"
        ]
        if options.recordings:
            shown = ", ".join(_display(path, config.rootpath) for path in options.recordings)
            lines.append(f"klaviyo-contract recordings: {shown}")
        if options.report is not None:
            lines.append(f"klaviyo-contract report: {options.report}")
        if options.coverage is not None:
            lines.append(f"klaviyo-contract coverage: {options.coverage}")
        if options.live:
            key = "set" if os.environ.get(API_KEY_ENV) else "not set: live tests are skipped"
            lines.append(
                f"klaviyo-contract live: on, {options.base_url}, revision {self.revision}, "
                f"timeout {options.timeout:g}s, {API_KEY_ENV} {key}"
            )
        else:
            lines.append("klaviyo-contract live: off")
        return lines

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(
        self, session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        # First, so that -k, -m, --deselect and reordering plugins see the new items.
        for item in items:
            if {"contract", "contract_client"} & set(getattr(item, "fixturenames", ())):
                item.add_marker(MARKER)
        if self._selects_recordings(session):
            return  # `pytest FILE::ID`: only what the arguments name
        for file in self._recording_files(session):
            collected = list(file.collect())
            result: list[pytest.Item | pytest.Collector] = list(collected)
            config.hook.pytest_collectreport(
                report=pytest.CollectReport(file.nodeid, "passed", None, result)
            )
            for item in collected:
                config.hook.pytest_itemcollected(item=item)
            items.extend(collected)

    def _recording_files(self, session: pytest.Session) -> list[RecordingFile]:
        """A node per file read from the recording paths, in reading order.

        A file met twice (a folder and a file in it, both named) is read once; a file
        pytest collected itself (:meth:`pytest_collect_file`) is not read again.
        """

        root = self.config.rootpath
        files: dict[str, list[Record | Problem]] = {}
        for path in self.options.recordings:
            here: set[str] = set()
            for entry in self._read_uncollected(str(path)):
                key = os.path.abspath(entry.source.path)
                if key in files and key not in here:
                    continue
                here.add(key)
                files.setdefault(key, []).append(_shown_at(entry, _display(Path(key), root)))
        if self.options.recordings and not files and not self._collected:
            # A gate pointed at the wrong folder never goes green on nothing.
            shown = ", ".join(_display(path, root) for path in self.options.recordings)
            raise pytest.UsageError(
                f"--contract-recordings {shown}: no recorded responses found "
                "(.har, VCR .yaml/.yml cassettes, .json, .ndjson/.jsonl): nothing would be checked"
            )
        nodes = []
        for key, entries in files.items():
            path = Path(key)
            extra: dict[str, Any] = {}
            if not path.is_relative_to(root):
                # Outside the rootdir pytest would make the id "::NAME"; keep the path.
                extra["nodeid"] = _display(path, root)
            nodes.append(RecordingFile.from_parent(session, path=path, entries=entries, **extra))
        return nodes

    def _read_uncollected(self, path: str) -> Iterator[Record | Problem]:
        """``inputs.read(path)`` without the files pytest has collected already."""
        from . import inputs

        for unit in inputs.units([path]):
            if isinstance(unit, Problem):
                yield unit
            elif os.path.abspath(unit.path) not in self._collected:
                yield from inputs.read_unit(unit)

    def pytest_collect_file(
        self, file_path: Path, parent: pytest.Collector
    ) -> RecordingFile | None:
        """A recording file pytest meets: named in an argument, or in a folder it walks.

        Collected here rather than added afterwards, its items are found by node id:
        ``pytest "cassettes/jobs.yaml::GET /api/x/{id} interactions[3]"`` runs that one.
        """
        from . import inputs

        key = os.path.abspath(file_path)
        if file_path.suffix.lower() not in inputs.READERS or not self._is_recording(key):
            return None
        self._collected.add(key)
        shown = _display(Path(key), self.config.rootpath)
        entries = [_shown_at(entry, shown) for entry in inputs.read(key)]
        return RecordingFile.from_parent(parent, path=file_path, entries=entries)

    def _is_recording(self, key: str) -> bool:
        """Whether a path is a recording path, or a file a walk of one would read."""
        for recording in self.options.recordings:
            if key == str(recording):
                return True
            inside = (
                Path(key).relative_to(recording) if Path(key).is_relative_to(recording) else None
            )
            if inside is not None and not any(part.startswith(".") for part in inside.parts):
                return True
        return False

    def _selects_recordings(self, session: pytest.Session) -> bool:
        """Whether an argument names a recording file or folder (or a node in one)."""
        base = self.config.invocation_params.dir
        for arg in session.config.args:
            path = arg.partition("[")[0].split("::")[0]
            if self._is_recording(os.path.abspath(base / path)):
                return True
        return False

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(
        self, item: pytest.Item, nextitem: pytest.Item | None
    ) -> Generator[None, object, object]:
        self.node = item.nodeid
        try:
            return (yield)
        finally:
            self.node = ""

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        # A violation is the user's finding, not a bug of ours: show the frames up to
        # the user's line that called check() or the client, not httpx's or ours.
        excinfo = call.excinfo
        if (
            excinfo is not None
            and isinstance(excinfo.value, ContractViolation)
            and not self.config.getoption("fulltrace", False)
        ):
            shortened = _without_internal_tail(excinfo.tb)
            if shortened is not None:
                call.excinfo = pytest.ExceptionInfo.from_exc_info(
                    (excinfo.type, excinfo.value, shortened)
                )
        return (yield)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        options = self.options
        workeroutput = getattr(self.config, "workeroutput", None)
        if workeroutput is not None:  # an xdist worker: the controller writes the reports
            workeroutput[WORKER_OUTPUT_KEY] = self.log.checks
            if self.coverage is not None:
                workeroutput[WORKER_COVERAGE_KEY] = self.coverage.state()
            return
        if options.report is not None:
            self.log.write(
                options.report,
                contract=options.contract_label,
                strict=options.strict,
                live=options.live,
            )
        if options.coverage is not None:
            self.write_coverage(options.coverage)

    def merge_coverage(self, state: Mapping[str, Any]) -> None:
        """Add a worker's coverage counts (from :meth:`Coverage.state`)."""
        from .coverage import Coverage, Plan

        part = Coverage.from_state(Plan.of(self.contract()), state)
        self.coverage = part if self.coverage is None else self.coverage.merge(part)

    def write_coverage(self, path: Path) -> None:
        """The coverage report, in the format the file's suffix names; a session that
        checked nothing writes the report of nothing (every item unseen)."""
        from .coverage import Coverage
        from .reports.coverage import format_for, render
        from .reports.files import write_atomically

        counted = self.coverage if self.coverage is not None else Coverage.of(self.contract())
        write_atomically(path, self.redact(render(counted.to_dict(), format_for(str(path)))))


class _XdistMerge:
    """On the xdist controller: gather each worker's checks as it finishes."""

    def __init__(self, session: ContractSession) -> None:
        self.session = session

    def pytest_testnodedown(self, node: Any, error: object) -> None:
        output = getattr(node, "workeroutput", None) or {}
        self.session.log.extend(output.get(WORKER_OUTPUT_KEY, ()))
        state = output.get(WORKER_COVERAGE_KEY)
        if state is not None:
            self.session.merge_coverage(state)


def _without_internal_tail(tb: TracebackType) -> TracebackType | None:
    """A copy of a traceback chain without its last frames in this package or httpx.

    None when there is nothing to drop, or nothing would be left. The exception's
    own ``__traceback__`` is not touched (``--pdb`` still sees every frame).
    """
    internal = [str(Path(__file__).parent)]
    httpx = sys.modules.get("httpx")
    if httpx is not None and httpx.__file__:
        internal.append(str(Path(httpx.__file__).parent))
    chain: list[TracebackType] = []
    link: TracebackType | None = tb
    while link is not None:
        chain.append(link)
        link = link.tb_next
    keep = len(chain)
    while keep and chain[keep - 1].tb_frame.f_code.co_filename.startswith(tuple(internal)):
        keep -= 1
    if keep in (0, len(chain)):
        return None
    head: TracebackType | None = None
    for link in reversed(chain[:keep]):
        head = TracebackType(head, link.tb_frame, link.tb_lasti, link.tb_lineno)
    return head


def _shown_at(entry: Record | Problem, path: str) -> Record | Problem:
    """``entry`` with its source's path as node ids show it (from the rootdir)."""
    return dataclasses.replace(entry, source=dataclasses.replace(entry.source, path=path))


def _display(path: Path, root: Path) -> str:
    """A path as node ids show it: relative to the rootdir where it can be, with /."""
    try:
        return Path(os.path.relpath(path, root)).as_posix()
    except ValueError:  # another drive on Windows
        return path.as_posix()


# --------------------------------------------------------------------------- recordings


class _Unreadable(Exception):
    """A recorded response that cannot be checked (the reader's or router's reason)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.reason)
        self.problem = problem


class RecordingFile(pytest.File):
    """A recording file (or a folder that could not be walked) and its responses."""

    def __init__(self, *, entries: Iterable[Record | Problem], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.entries = tuple(entries)

    def collect(self) -> Iterator[RecordingItem]:
        routes: tuple[Route, ...] = ()
        if any(isinstance(e, Record) and e.exchange is not None for e in self.entries):
            try:
                routes = _session(self.config).contract().routes
            except ContractError as error:
                raise pytest.UsageError(
                    f"klaviyo-contract: cannot load the contract to check {self.nodeid}: {error}"
                ) from None
        names = [_entry_name(entry, routes) for entry in self.entries]
        repeated = {name for name, count in Counter(names).items() if count > 1}
        seen: Counter[str] = Counter()
        for entry, name in zip(self.entries, names, strict=True):
            seen[name] += 1
            label = f"{name} {_position(entry, seen[name])}" if name in repeated else name
            yield RecordingItem.from_parent(self, name=label, entry=entry)


def _position(entry: Record | Problem, repeat: int) -> str:
    """Where a repeated name's entry is, as its location shows it.

    ``entries[3]`` / ``interactions[3]`` / ``[3]`` count from 0 as JSON indexes do;
    ``line 12`` counts from 1 as editors do; ``#n`` (from 1) only where neither is known.
    """
    source = entry.source
    if source.entry is not None:
        return source.entry
    if source.line is not None:
        return f"line {source.line}"
    return f"#{repeat}"


def _entry_name(entry: Record | Problem, routes: tuple[Route, ...]) -> str:
    """``METHOD /route/{template}`` for a response, else where the payload is in its file.

    ``line N`` names a line of a line-based file (NDJSON); a problem with a whole
    file (bad JSON, bad YAML) is named by the file, whatever line it points at.
    """
    source = entry.source
    if isinstance(entry, Record) and entry.exchange is not None:
        return f"{entry.exchange.method} {_template(entry.exchange, routes)}"
    if source.entry is not None:
        return source.entry
    by_line = isinstance(entry, Record) or source.path.lower().endswith(_LINE_SUFFIXES)
    if source.line is not None and by_line:
        return f"line {source.line}"
    return Path(source.path).name


def _template(exchange: Exchange, routes: tuple[Route, ...]) -> str:
    """The route template matching a request's method and path (literal segments win)."""
    path = exchange.path
    matching = [
        (route.parameters, route.template)
        for route in routes
        if route.method == exchange.method and route.matches_path(path)
    ]
    return min(matching)[1] if matching else path


class RecordingItem(pytest.Item):
    """One recorded response, checked against the schema its route (or type) picks."""

    def __init__(self, *, entry: Record | Problem, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.entry = entry
        self.add_marker(MARKER)

    def runtest(self) -> None:
        session = _session(self.config)
        outcome: Result | Problem | Record = self.entry
        if isinstance(outcome, Record):
            from .validation import check_record

            try:
                contract = session.contract()
            except ContractError as error:
                pytest.fail(f"cannot load the contract: {error}", pytrace=False)
            outcome = check_record(contract, outcome, hint=False)
        if isinstance(outcome, Problem):
            session.record(outcome)
            if outcome.kind == "skipped":
                # Reported at this item's file and line (as skip markers are), not ours.
                raise pytest.skip.Exception(outcome.reason, _use_item_location=True)
            raise _Unreadable(outcome)
        if not outcome.valid:
            raise ContractViolation(outcome)

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: TracebackStyle | None = None
    ) -> str | TerminalRepr:
        error = excinfo.value
        session = _session(self.config)
        if isinstance(error, ContractViolation):
            return session.redact("\n".join(describe(error.result)))
        if isinstance(error, _Unreadable):
            return session.redact(f"{error.problem.source}: {error.problem.reason}")
        return super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[Path, int, str]:
        line = self.entry.source.line
        return self.path, (line - 1 if line else 0), str(self.entry.source)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def contract(pytestconfig: pytest.Config) -> Contract:
    """The contract under test: bundled, ``--contract-schemas DIR`` or ``--contract-openapi FILE``.

    ``contract.check(payload, name)`` raises ``ContractViolation`` listing every
    violation; each check is kept for ``--contract-report``.
    """
    try:
        return _session(pytestconfig).contract()
    except ContractError as error:
        pytest.fail(f"cannot load the contract: {error}", pytrace=False)


@pytest.fixture
def contract_client(request: pytest.FixtureRequest) -> Iterator[httpx.Client]:
    """An httpx client for the Klaviyo API whose every JSON response is checked.

    Requests go to ``--contract-base-url`` with the ``KLAVIYO_API_KEY``, the
    ``revision`` header and JSON:API ``Accept``; a call whose response breaks the
    contract raises ``ContractViolation`` there; a 429 is retried after its
    ``Retry-After``. Skipped without ``--contract-live``; ``--contract-live`` without
    the key is a usage error at the start of the session.
    """
    session = _session(request.config)
    options = session.options
    if not options.live:
        missing = (
            "" if os.environ.get(API_KEY_ENV) else f" and the {API_KEY_ENV} environment variable"
        )
        pytest.skip(
            "live contract checks need --contract-live (or contract_live = true in the ini "
            f"file){missing}"
        )
    key = os.environ[API_KEY_ENV]  # --contract-live without it is a usage error
    from . import live

    checked: Contract = request.getfixturevalue("contract")
    with live.client(
        checked,
        key,
        base_url=options.base_url,
        revision=session.revision,
        timeout=options.timeout,
        strict=options.strict,
    ) as client:
        yield client
