"""Contract tests for Klaviyo API responses against Klaviyo's published JSON Schemas."""

from __future__ import annotations

__version__ = "0.1.0"

from .contract import Contract
from .errors import (
    CaseFileError,
    ContractError,
    ContractViolation,
    GenerationError,
    InputError,
    NoSchemaFor,
    OutputError,
    PayloadTooDeep,
    SchemaSetError,
    UnknownSchema,
    UnresolvableRef,
    UsageError,
)
from .model import Exchange, Problem, Record, Result, Source, Summary, Violation

__all__ = [
    "CaseFileError",
    "Contract",
    "ContractError",
    "ContractViolation",
    "Exchange",
    "GenerationError",
    "InputError",
    "NoSchemaFor",
    "OutputError",
    "PayloadTooDeep",
    "Problem",
    "Record",
    "Result",
    "SchemaSetError",
    "Source",
    "Summary",
    "UnknownSchema",
    "UnresolvableRef",
    "UsageError",
    "Violation",
    "__version__",
]
