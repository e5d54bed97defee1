"""Every exception the package raises, in one place.

A *violation* is data (:class:`~klaviyo_contract.model.Violation`); only
:meth:`Contract.check` turns violations into an exception. The classes here are for
*problems*: a broken schema set, an unknown name, a payload no schema fits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Result


class ContractError(Exception):
    """Base class of every problem klaviyo-contract reports."""


class SchemaSetError(ContractError, ValueError):
    """A schema file (or OpenAPI document) cannot be loaded as part of a contract."""

    def __init__(self, file: str, reason: str) -> None:
        super().__init__(file, reason)
        self.file = file
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.file}: {self.reason}"


class UnresolvableRef(SchemaSetError):
    """A ``$ref`` names a schema that is not part of the loaded set."""

    def __init__(self, file: str, ref: str, pointer: str) -> None:
        self.ref = ref
        self.pointer = pointer
        super().__init__(
            file,
            f"$ref {ref!r} at {pointer or '/'} names no loaded schema; "
            "vendor it too (klaviyo-contract schemas vendor NAME --from DIR) "
            "or load the folder that has it",
        )


class UnknownSchema(ContractError, LookupError):
    """A schema name that the contract does not have."""

    def __init__(self, name: str, known: Iterable[str]) -> None:
        super().__init__(name)
        self.name = name
        self.known = tuple(sorted(known))

    def __str__(self) -> str:
        import difflib  # only when a name is unknown

        close = difflib.get_close_matches(self.name, self.known, n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        return f"no schema named {self.name!r} in this contract{hint}"


class NoSchemaFor(ContractError, LookupError):
    """Nothing (or more than one thing) picks the schema for a payload."""

    def __init__(self, reason: str, candidates: Sequence[str] = ()) -> None:
        super().__init__(reason)
        self.reason = reason
        self.candidates = tuple(candidates)

    def __str__(self) -> str:
        return self.explain()

    def explain(self, *, hint: bool = True) -> str:
        """The reason and the candidates; with ``hint``, how to name the schema on the
        command line (a pytest run has no ``--schema``)."""
        text = self.reason
        if self.candidates:
            shown = ", ".join(self.candidates[:8])
            more = f" and {len(self.candidates) - 8} more" if len(self.candidates) > 8 else ""
            text += f"; candidates: {shown}{more}"
        if not hint:
            return text
        if self.candidates:
            return f"{text}; pick one with --schema NAME"
        return f"{text}; name the schema with --schema NAME"


class InputError(ContractError, ValueError):
    """An input that cannot be read as a payload (reported as a value, not raised far)."""

    def __init__(self, reason: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.column = column

    def __str__(self) -> str:
        return self.reason


class CaseFileError(ContractError, ValueError):
    """A conformance case file that cannot be read as cases, and where it goes wrong.

    Attributes:
        file: the case file (or folder).
        position: ``line L column C`` for a JSON syntax error, else the JSON Pointer
            of the offending value inside the file (``/2/tests/5/valid``); may be empty.
        reason: what is wrong, and what was expected instead.
    """

    def __init__(self, file: str, position: str, reason: str) -> None:
        super().__init__(file, position, reason)
        self.file = file
        self.position = position
        self.reason = reason

    def __str__(self) -> str:
        where = f"{self.file}: {self.position}" if self.position else self.file
        return f"{where}: {self.reason}"


class ContractViolation(ContractError, AssertionError):
    """A payload broke its contract; raised by :meth:`Contract.check` only."""

    def __init__(self, result: Result) -> None:
        super().__init__(result)
        self.result = result

    @property
    def violations(self) -> tuple[object, ...]:
        return self.result.violations

    def __str__(self) -> str:
        from .reports.failure import describe  # only when shown

        return "\n".join(describe(self.result, rules="none"))


class UsageError(ContractError, ValueError):
    """A mistake in how the tool was asked to run: an unknown engine or report format,
    options that do not go together, a missing extra. The command line shows it as
    one line with status 2."""


class OutputError(ContractError):
    """A report (or other file of ours) that cannot be written where the user asked."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path, reason)
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return f"cannot write {self.path}: {self.reason}"


class PayloadTooDeep(ContractError, ValueError):
    """A payload nested deeper than any engine can follow (Python's recursion limit).

    The driver reports it as an unreadable input, with its source, and goes on.

    Attributes:
        depth: how many levels of arrays and objects the payload nests.
        pointer: the JSON Pointer of where its deepest nesting is (``/attributes/total_count``).
    """

    def __init__(self, depth: int, pointer: str) -> None:
        super().__init__(depth, pointer)
        self.depth = depth
        self.pointer = pointer

    def __str__(self) -> str:
        return (
            f"nested too deep to check ({self.depth} levels at {self.pointer or '/'}): "
            "past Python's recursion limit no engine can follow it; "
            "flatten that value or check it apart"
        )


class GenerationError(ContractError, ValueError):
    """No payload (or no invalid payload) of a schema can be drawn: its constraints
    contradict each other, or it has no constraint to break."""
