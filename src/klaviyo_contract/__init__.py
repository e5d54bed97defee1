"""Contract tests for Klaviyo API responses against Klaviyo's published JSON Schemas."""

from __future__ import annotations

__version__ = "0.1.0"

from .contract import Contract
from .errors import (
    CaseFileError,
    ContractError,
    ContractViolation,
    InputError,
    NoSchemaFor,
    PayloadTooDeep,
    SchemaSetError,
    UnknownSchema,
    UnresolvableRef,
)
from .model import Exchange, Problem, Record, Result, Source, Summary, Violation

__all__ = [
    "CaseFileError",
    "Contract",
    "ContractError",
    "ContractViolation",
    "Exchange",
    "InputError",
    "NoSchemaFor",
    "PayloadTooDeep",
    "Problem",
    "Record",
    "Result",
    "SchemaSetError",
    "Source",
    "Summary",
    "UnknownSchema",
    "UnresolvableRef",
    "Violation",
    "__version__",
]
