"""Harvest shrunk Hypothesis examples into ``conformance/generated.json``.

Run by hand (``python tools/harvest_examples.py``), never by the tests: the file is
committed data, and a new Hypothesis release may shrink to other examples. For each
root schema of the bundled contract it asks Hypothesis (derandomized, no database)
for the minimal valid payloads of a few shapes and the minimal invalid payload of
each kind of break the strategies make (``required``, ``type``, ``null``, ``enum``,
``discriminator``, ``format``, ``item-type``).

An invalid example's ``expected`` set is what the reference engine reports, taken
only when it agrees with the strategy's label (the labelled keyword is reported, and
nothing at any other place) and with the compiled engine; otherwise the tool stops
and says why.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, find, settings
from hypothesis.errors import NoSuchExample

from klaviyo_contract import Contract
from klaviyo_contract.dialect import ref_to
from klaviyo_contract.model import InvalidPayload
from klaviyo_contract.strategies import _root  # the tool reads the strategies' own targets
from klaviyo_contract.strategies._breakers import targets

KINDS = ("required", "type", "null", "enum", "discriminator", "format", "item-type")
SETTINGS = settings(
    database=None,
    derandomize=True,
    max_examples=2000,
    suppress_health_check=list(HealthCheck),
)


# The corpus layout ---------------------------------------------------------------

_WIDTH = 100


def dump_cases(groups: list[dict[str, Any]]) -> str:
    """A case file's text in the corpus layout: indent 2, short containers on one line.

    The loader reads any JSON; this layout keeps the committed files readable.
    """

    def render(value: Any, indent: int, used: int) -> str:
        flat = json.dumps(value, ensure_ascii=False)
        if not isinstance(value, (dict, list)) or not value or used + len(flat) <= _WIDTH:
            return flat
        inner = " " * (indent + 2)
        if isinstance(value, list):
            items = [inner + render(item, indent + 2, indent + 2) for item in value]
            return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"
        members = []
        for key, item in value.items():
            head = f"{inner}{json.dumps(key, ensure_ascii=False)}: "
            members.append(head + render(item, indent + 2, len(head)))
        return "{\n" + ",\n".join(members) + "\n" + " " * indent + "}"

    return render(groups, 0, 0) + "\n"


def _slug(name: str) -> str:
    """``GetCouponCodeCreateJobResponseCompoundDocument`` -> ``get-coupon-code-...-document``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def _values(payload: Any) -> list[Any]:
    found = [payload]
    if isinstance(payload, dict):
        for value in payload.values():
            found.extend(_values(value))
    elif isinstance(payload, list):
        for value in payload:
            found.extend(_values(value))
    return found


#: Shapes of valid payloads worth keeping: (id suffix, description, condition).
VALID_SHAPES: tuple[tuple[str, str, Callable[[Any], bool]], ...] = (
    ("minimal", "the minimal valid payload", lambda payload: True),
    (
        "non-empty-array",
        "the minimal valid payload with an array that has an item",
        lambda payload: any(isinstance(v, list) and v for v in _values(payload)),
    ),
    (
        "null",
        "the minimal valid payload with a null",
        lambda payload: any(v is None for v in _values(payload)),
    ),
)


def _pairs(contract: Contract, payload: Any, name: str) -> list[tuple[str, str]]:
    return sorted(
        {(v.instance_path, v.keyword) for v in contract.validate(payload, name).violations}
    )


def harvest(name: str, reference: Contract, compiled: Contract) -> dict[str, Any]:
    """The group of shrunk examples for schema ``name``."""
    slug = _slug(name)
    tests: list[dict[str, Any]] = []
    for suffix, description, condition in VALID_SHAPES:
        try:
            payload = find(reference.payloads(name), condition, settings=SETTINGS)
        except NoSuchExample:
            continue
        for contract in (reference, compiled):
            if _pairs(contract, payload, name):
                sys.exit(f"{name} {suffix}: a generated valid payload does not conform")
        tests.append(
            {
                "id": f"generated-{slug}-valid-{suffix}",
                "description": f"{description} (shrunk by Hypothesis)",
                "data": payload,
                "valid": True,
            }
        )
    # Ask only for the kinds of break the schema has: a search for an absent kind
    # would draw every one of its examples (large documents) before giving up.
    present = {target.kind for target in targets(_root(reference, name, 2))}
    for kind in (kind for kind in KINDS if kind in present):
        try:
            example: InvalidPayload = find(
                reference.invalid_payloads(name),
                lambda ex, kind=kind: ex.kind == kind,
                settings=SETTINGS,
            )
        except NoSuchExample:
            continue
        pairs = _pairs(reference, example.payload, name)
        label = (example.instance_path, example.keyword)
        if label not in pairs or {path for path, _ in pairs} != {example.instance_path}:
            sys.exit(f"{name} {kind}: {example.description}: reported {pairs}, labelled {label}")
        if _pairs(compiled, example.payload, name) != pairs:
            sys.exit(f"{name} {kind}: the engines disagree on {example.payload!r}")
        tests.append(
            {
                "id": f"generated-{slug}-{kind}",
                "description": f"{example.description} (shrunk by Hypothesis)",
                "data": example.payload,
                "valid": False,
                "expected": [{"instance_path": p, "keyword": k} for p, k in pairs],
            }
        )
    print(f"{name}: {len(tests)} examples", file=sys.stderr)
    return {
        "id": f"generated-{slug}",
        "description": f"minimal examples Hypothesis found for {name}",
        "schema": {"$ref": ref_to(name)},
        "tests": tests,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path(__file__).resolve().parents[1] / "conformance" / "generated.json",
    )
    parser.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help="schemas to harvest (default: every schema no other schema refers to)",
    )
    args = parser.parse_args()
    reference = Contract.default(engine="reference")
    compiled = Contract.default(engine="compiled")
    roots = args.names or sorted(set(reference.names()) - reference.schema_set.referenced())
    groups = [harvest(name, reference, compiled) for name in roots]
    args.output.write_text(dump_cases(groups), encoding="utf-8")
    count = sum(len(group["tests"]) for group in groups)
    print(f"{count} examples from {len(groups)} schemas written to {args.output}")


if __name__ == "__main__":
    main()
