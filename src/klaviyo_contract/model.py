"""Frozen values shared by every layer: where a payload came from, what was found."""

from __future__ import annotations

import dataclasses
import itertools
import operator
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeVar

if TYPE_CHECKING:
    from .coverage import Coverage

#: A parsed JSON value (what ``json.loads`` returns).
JSON = Any
_T = TypeVar("_T")


def _pickled_by_fields(cls: type[_T]) -> type[_T]:
    """Pickle a slotted value class as its fields, rebuilt by calling the class: several
    times faster both ways than the dataclass' own slot state, which matters where
    outcomes spill to disk or travel between processes."""
    fields = operator.attrgetter(*cls.__slots__)  # type: ignore[attr-defined]

    def __reduce__(self: _T) -> tuple[type[_T], tuple[Any, ...]]:
        return (cls, fields(self))

    setattr(cls, "__reduce__", __reduce__)  # noqa: B010 - mypy will not let a method be assigned
    return cls


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Source:
    """Where a payload came from.

    ``path`` is the file as the user named it (``"-"`` for standard input), ``line``
    and ``column`` are 1-based where known, and ``entry`` names the element of a
    container format (``"entries[3]"`` in a HAR, ``"interactions[0]"`` in a cassette,
    ``"[7]"`` in a JSON array).
    """

    path: str
    line: int | None = None
    column: int | None = None
    entry: str | None = None

    def __str__(self) -> str:
        text = "<stdin>" if self.path == "-" else self.path
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        if self.entry is not None:
            text += f" {self.entry}"
        return text


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Exchange:
    """The recorded (or live) HTTP request a response payload answered."""

    method: str
    url: str
    status: int

    @property
    def path(self) -> str:
        from urllib.parse import urlsplit

        return urlsplit(self.url).path or "/"

    @property
    def fields(self) -> dict[str, frozenset[str]]:
        """JSON:API sparse fieldsets requested: ``fields[TYPE]=a,b`` -> {TYPE: {a, b}}."""
        from urllib.parse import parse_qsl, urlsplit

        requested: dict[str, frozenset[str]] = {}
        for key, value in parse_qsl(urlsplit(self.url).query, keep_blank_values=True):
            if key.startswith("fields[") and key.endswith("]"):
                kind = key[len("fields[") : -1]
                names = frozenset(name.strip() for name in value.split(",") if name.strip())
                requested[kind] = requested.get(kind, frozenset()) | names
        return requested

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status}"


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Record:
    """One payload to check, with its origin and (for recordings) its exchange."""

    source: Source
    payload: JSON
    exchange: Exchange | None = None


ProblemKind = Literal["unreadable", "unrouted", "skipped"]


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Problem:
    """An input that could not be checked: unreadable, not routable, or skipped.

    ``skipped`` is for inputs that legitimately have no contract (an endpoint the
    contract does not cover); the others make the run fail with status 2.
    """

    source: Source
    reason: str
    kind: ProblemKind = "unreadable"


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Violation:
    """One way a payload breaks its schema.

    Attributes:
        schema: the schema the payload was checked against.
        instance_path: JSON Pointer to the offending value in the payload.
        keyword: the JSON Schema keyword that failed (``type``, ``format``, ...).
        message: a human sentence about the failure.
        schema_path: JSON Pointer of the failing keyword in the published schema set,
            ``#/components/schemas/NAME/...``: the file and place that states the rule.
        property: for ``required`` and strict ``additionalProperties``, the property named.
        source: where the payload came from, when known.
    """

    schema: str
    instance_path: str
    keyword: str
    message: str
    schema_path: str
    property: str | None = None
    source: Source | None = None

    def at(self, source: Source) -> Violation:
        """The same violation, found in ``source`` (``dataclasses.replace``, quicker)."""
        return Violation(
            self.schema,
            self.instance_path,
            self.keyword,
            self.message,
            self.schema_path,
            self.property,
            source,
        )

    def __str__(self) -> str:
        where = self.instance_path or "/"
        return f"{where}: {self.message} [{self.keyword}]"


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Result:
    """The outcome of checking one payload against one schema."""

    schema: str
    violations: tuple[Violation, ...] = ()
    source: Source | None = None
    exchange: Exchange | None = None

    @property
    def valid(self) -> bool:
        return not self.violations


Outcome = Result | Problem


COUNTS = ("checked", "conform", "violate", "unreadable", "skipped")


@dataclass(frozen=True)
class Summary:
    """What a run found: counts, and every outcome worth reporting, in input order.

    Built with :meth:`collect` from a stream of outcomes, a summary keeps the
    violating results and the problems, and only counts the payloads that conform
    (per file, in ``conforming``): memory stays flat however many payloads pass.
    Built directly, it keeps what it is given and counts it.
    """

    outcomes: Sequence[Outcome] = ()
    seconds: float = 0.0
    engine: str = ""
    counts: Mapping[str, int] = field(default_factory=dict)
    #: Conforming payloads per file that ``outcomes`` does not list.
    conforming: Mapping[str, int] = field(default_factory=dict)
    #: What of the contract the checked payloads exercised, when the run counted it.
    coverage: Coverage | None = None

    def __post_init__(self) -> None:
        if not self.counts:
            counts = dict.fromkeys(COUNTS, 0)
            for outcome in self.outcomes:
                _count(counts, outcome)
            for number in self.conforming.values():
                counts["checked"] += number
                counts["conform"] += number
            object.__setattr__(self, "counts", counts)

    @classmethod
    def collect(
        cls, outcomes: Iterable[Outcome], *, engine: str = "", coverage: Coverage | None = None
    ) -> Summary:
        """Consume ``outcomes``, keeping what reports list and counting the rest
        (``coverage``, when given, is counted as they are made and kept with them)."""
        start = time.perf_counter()
        tally = Tally(coverage)
        for outcome in outcomes:
            tally.add(outcome)
        return tally.summary(seconds=time.perf_counter() - start, engine=engine)

    @classmethod
    def merge(cls, parts: Iterable[Summary], *, seconds: float, engine: str = "") -> Summary:
        """One summary of several, in order: as if their outcomes had been collected
        together (``--jobs`` merges its workers' parts this way), coverage included."""
        parts = iter(parts)
        first, second = next(parts, None), next(parts, None)
        if first is not None and second is None:  # one file: its outcomes stay where they are
            return dataclasses.replace(first, seconds=seconds, engine=engine)
        tally = Tally()
        for part in itertools.chain((first, second), parts):
            if part is not None:
                tally.add_summary(part)
        return tally.summary(seconds=seconds, engine=engine)

    @property
    def results(self) -> tuple[Result, ...]:
        return tuple(o for o in self.outcomes if isinstance(o, Result))

    @property
    def problems(self) -> tuple[Problem, ...]:
        return tuple(o for o in self.outcomes if isinstance(o, Problem))

    @property
    def empty(self) -> bool:
        """Nothing was checked and nothing failed to be read: the inputs held no payload
        (or only ones without a contract). A gate must not go green on that."""
        return not self.counts["checked"] and not self.counts["unreadable"]

    @property
    def exit_status(self) -> int:
        """0 all conform; 1 a violation; 2 an input could not be read or routed."""
        if self.counts["unreadable"]:
            return 2
        if self.counts["violate"]:
            return 1
        return 0


def _count(counts: dict[str, int], outcome: Outcome) -> bool:
    """Count an outcome; whether reports list it (all but a conforming result)."""
    if isinstance(outcome, Result):
        counts["checked"] += 1
        if not outcome.violations:
            counts["conform"] += 1
            return False
        counts["violate"] += 1
    elif outcome.kind == "skipped":
        counts["skipped"] += 1
    else:
        counts["unreadable"] += 1
    return True


class Tally:
    """A :class:`Summary` in the making: outcomes added in order, counted, and kept
    (spilling to disk past a bound) unless they are conforming results."""

    __slots__ = ("conforming", "counts", "coverage", "kept")

    def __init__(self, coverage: Coverage | None = None) -> None:
        from .spool import Spool

        self.kept: Spool[Outcome] = Spool()
        self.counts = dict.fromkeys(COUNTS, 0)
        self.conforming: dict[str, int] = {}
        self.coverage = coverage

    def add(self, outcome: Outcome) -> None:
        if _count(self.counts, outcome):
            self.kept.append(outcome)
        else:
            path = outcome.source.path if outcome.source is not None else ""
            self.conforming[path] = self.conforming.get(path, 0) + 1

    def add_conforming(self, path: str, number: int) -> None:
        """``number`` payloads of ``path`` that conform, counted without a Result each."""
        if not number:
            return
        self.counts["checked"] += number
        self.counts["conform"] += number
        self.conforming[path] = self.conforming.get(path, 0) + number

    def add_summary(self, part: Summary) -> None:
        self.kept.extend(part.outcomes)
        for key in COUNTS:
            self.counts[key] += part.counts[key]
        for path, number in part.conforming.items():
            self.conforming[path] = self.conforming.get(path, 0) + number
        if part.coverage is not None:  # parts are consumed: the first one's is added to
            if self.coverage is None:
                self.coverage = part.coverage
            else:
                self.coverage.merge(part.coverage)

    def summary(self, *, seconds: float, engine: str) -> Summary:
        return Summary(
            self.kept.items(),
            seconds=seconds,
            engine=engine,
            counts=self.counts,
            conforming=self.conforming,
            coverage=self.coverage,
        )


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class InvalidPayload:
    """A generated payload that breaks exactly one constraint, and which.

    A validator must report ``keyword`` at ``instance_path`` (for ``required``, the
    object missing the property), and nothing anywhere else.
    """

    payload: JSON
    keyword: str
    instance_path: str
    kind: str
    description: str
