"""Bulk payloads (``payload_stream``, ``generate``): the second interpreter keeps every promise.

The streams draw from a seeded ``random.Random`` rather than Hypothesis' engine:
valid payloads conform, invalid ones break exactly their labelled rule (under both
engines), the distributions match the strategies', and the same seed gives the
same stream.
"""

from __future__ import annotations

import gc
import itertools
import json
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from coupon_jobs import assert_look_like_klaviyo_s

from conftest import ENGINES, needs_catalogue
from klaviyo_contract import Contract
from klaviyo_contract.formats import FORMATS
from klaviyo_contract.registry import SchemaSet
from klaviyo_contract.strategies import invalid_payload_stream, payload_stream
from klaviyo_contract.strategies._values import FORMAT_DRAWERS

SEEDS = ("CouponCodeCreateJobResponseObjectResource", "PostCatalogItemCreateJobResponse")
COUPON = SEEDS[0]
CONTRACTS = {engine: Contract.default(engine=engine) for engine in ENGINES}
DEFAULT = CONTRACTS["compiled"]
SAMPLE = 300


def contract_of(schemas: dict[str, Any]) -> Contract:
    documents = {
        name: {"$id": f"#/components/schemas/{name}", **schema} for name, schema in schemas.items()
    }
    return Contract(SchemaSet(documents, {n: f"{n}.json" for n in documents}), engine="compiled")


def write_schemas(folder: Path, schemas: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, schema in schemas.items():
        document = {"$id": f"#/components/schemas/{name}", **schema}
        (folder / f"{name.lower()}.json").write_text(json.dumps(document))
    return folder


@pytest.mark.parametrize("name", SEEDS)
def test_every_bulk_payload_conforms_under_both_engines(name: str) -> None:
    for payload in itertools.islice(payload_stream(DEFAULT, name, seed=7), SAMPLE):
        for engine, contract in CONTRACTS.items():
            result = contract.validate(payload, name)
            assert result.valid, (engine, result.violations)


@pytest.mark.parametrize("name", SEEDS)
def test_every_bulk_invalid_payload_breaks_exactly_its_label_under_both_engines(name: str) -> None:
    for example in itertools.islice(invalid_payload_stream(DEFAULT, name, seed=7), SAMPLE):
        for engine, contract in CONTRACTS.items():
            found = {
                (v.instance_path, v.keyword)
                for v in contract.validate(example.payload, name).violations
            }
            label = (example.instance_path, example.keyword)
            assert label in found, (engine, example.description, found)
            assert {path for path, _ in found} == {example.instance_path}, (engine, example)


def test_the_same_seed_gives_the_same_stream_and_another_seed_another() -> None:
    def first(seed: int) -> list[Any]:
        return list(itertools.islice(payload_stream(DEFAULT, COUPON, seed=seed), 50))

    assert first(1) == first(1)
    assert first(1) != first(2)
    again = list(itertools.islice(invalid_payload_stream(DEFAULT, COUPON, seed=3), 50))
    assert again == list(itertools.islice(invalid_payload_stream(DEFAULT, COUPON, seed=3), 50))


def test_a_thousand_bulk_coupon_jobs_look_like_klaviyo_s() -> None:
    """The strategies' distributions: nulls, every status, arrays short and long."""
    jobs = list(itertools.islice(payload_stream(DEFAULT, COUPON, seed=11), 1000))
    assert_look_like_klaviyo_s(jobs, nulls_at_least=200)
    kinds = Counter(
        example.kind
        for example in itertools.islice(invalid_payload_stream(DEFAULT, COUPON, seed=11), 1000)
    )
    assert set(kinds) == {
        "required",
        "type",
        "null",
        "enum",
        "discriminator",
        "format",
        "item-type",
    }


@pytest.mark.parametrize("name", sorted(FORMAT_DRAWERS))
def test_bulk_format_values_are_what_the_checkers_accept(name: str) -> None:
    draws = random.Random(name)
    values = [FORMAT_DRAWERS[name](draws) for _ in range(2000)]
    assert all(FORMATS[name](value) for value in values), [
        v for v in values if not FORMATS[name](v)
    ]
    assert len(set(values)) > 100


def test_a_new_contract_never_gets_an_old_contract_s_trees_when_an_id_is_reused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """issue 11: the trees were cached by ``id(schema_set)``; a reused id drew ``{"v": ""}``.

    Every set gets the same id here, as a set made after another was collected may.
    """
    from klaviyo_contract import strategies

    monkeypatch.setattr(strategies, "id", lambda _: 42, raising=False)
    old = contract_of({"X": {"type": "object", "properties": {"v": {"type": "string"}}}})
    assert isinstance(next(payload_stream(old, "X", seed=1))["v"], str)
    del old
    gc.collect()
    new = contract_of(
        {"X": {"type": "object", "properties": {"v": {"type": "integer"}}, "required": ["v"]}}
    )
    for payload in itertools.islice(payload_stream(new, "X", seed=1), 20):
        assert isinstance(payload["v"], int), payload
    example = new.payloads("X")
    assert example is strategies.payloads(new, "X")


def test_the_trees_of_a_contract_go_with_it() -> None:
    from klaviyo_contract.strategies import _TREES

    before = len(_TREES)
    contract = contract_of({"X": {"type": "object", "properties": {"v": {"type": "string"}}}})
    next(payload_stream(contract, "X"))
    assert len(_TREES) == before + 1
    del contract
    gc.collect()
    assert len(_TREES) == before


def test_generate_writes_nothing_to_the_working_directory(tmp_path: Path) -> None:
    """issue 13: no .hypothesis/ folder, also for a schema only hypothesis-jsonschema draws."""
    schemas = write_schemas(
        tmp_path / "schemas",
        {
            "Code": {
                "type": "object",
                "properties": {"code": {"type": "string", "pattern": "^C[0-9]{3}$"}},
                "required": ["code"],
            }
        },
    )
    work = tmp_path / "work"
    work.mkdir()
    code = Contract.from_directory(schemas)
    for argv in (
        [COUPON, "--count", "3"],
        ["Code", "--count", "3", "--invalid", "--schemas", str(schemas)],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "klaviyo_contract", "generate", *argv],
            cwd=work,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert len(done.stdout.split("\n")[:-1]) == 3
        assert list(work.iterdir()) == []
        if argv[0] == "Code" and "--invalid" not in argv:
            assert all(
                code.validate(json.loads(line), "Code").valid
                for line in done.stdout.split("\n")[:-1]
            )


def test_generate_ends_quietly_when_the_reader_closes_the_pipe() -> None:
    """``generate ... | head -1``: the first line at once, then status 0 and no traceback."""
    process = subprocess.Popen(
        [sys.executable, "-m", "klaviyo_contract", "generate", COUPON, "--count", "1000000"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    assert process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()
    status = process.wait(timeout=60)
    err = process.stderr.read()
    process.stderr.close()
    assert json.loads(first)["type"] == "coupon-code-bulk-create-job"
    assert status == 0
    assert err == b""


def test_generate_writes_non_ascii_as_utf8_and_survives_lone_surrogates(tmp_path: Path) -> None:
    from klaviyo_contract import cli

    schemas = write_schemas(tmp_path, {"Odd": {"type": "string", "enum": ["caf\u00e9", "\ud800"]}})
    out, err = _Text(), _Text()
    status = cli.run(["generate", "Odd", "--count", "40", "--schemas", str(schemas)], out, err)
    assert status == 0, err.getvalue()
    lines = out.getvalue().splitlines()
    assert '"café"' in lines
    assert '"\\ud800"' in lines
    assert {json.loads(line) for line in lines} == {"caf\u00e9", "\ud800"}


class _Text:
    """A text stream without a binary buffer (as the CLI's tests pass)."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def flush(self) -> None:
        pass

    def getvalue(self) -> str:
        return "".join(self.parts)


def test_the_bulk_stream_imports_no_hypothesis() -> None:
    code = (
        "import itertools, sys\n"
        "from klaviyo_contract import Contract\n"
        "from klaviyo_contract.strategies import payload_stream, invalid_payload_stream\n"
        f"c = Contract.default()\n"
        f"list(itertools.islice(payload_stream(c, {COUPON!r}), 50))\n"
        f"list(itertools.islice(invalid_payload_stream(c, {COUPON!r}), 50))\n"
        "print('hypothesis' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


CATALOGUE_SAMPLE = 30


def test_bulk_payloads_of_the_catalogue_keep_their_promises() -> None:
    """A fixed sample of the catalogue's schemas, valid and invalid, under both engines."""
    folder = needs_catalogue()
    contracts = {engine: Contract.from_directory(folder, engine=engine) for engine in ENGINES}
    names = sorted(contracts["compiled"].names())
    for name in sorted(random.Random(20241028).sample(names, CATALOGUE_SAMPLE)):
        for payload in itertools.islice(payload_stream(contracts["compiled"], name, seed=5), 5):
            for engine, contract in contracts.items():
                assert contract.validate(payload, name).valid, (name, engine)
        try:
            stream = invalid_payload_stream(contracts["compiled"], name, seed=5)
        except ValueError:
            continue  # nothing to break
        for example in itertools.islice(stream, 5):
            for engine, contract in contracts.items():
                found = {
                    (v.instance_path, v.keyword)
                    for v in contract.validate(example.payload, name).violations
                }
                assert (example.instance_path, example.keyword) in found, (name, engine, example)
                assert {p for p, _ in found} == {example.instance_path}, (name, engine, example)


STEP = {
    "Step": {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "steps": {"type": "array", "items": {"$ref": "#/components/schemas/Step"}},
            "next": {"nullable": True, "oneOf": [{"$ref": "#/components/schemas/Step"}]},
            "settings": {
                "type": "object",
                "nullable": True,
                "properties": {"mode": {"type": "string", "enum": ["a", "b"]}},
                "required": ["mode"],
            },
        },
        "required": ["name"],
    }
}


@pytest.mark.parametrize("depth", [1, 2])
def test_bulk_payloads_leave_out_what_recursion_cut_off(depth: int) -> None:
    """Past ``depth``, a recursive array stays empty and a recursive union null, as in the
    strategies; invalid payloads still break only their label."""
    contract = contract_of(STEP)
    for payload in itertools.islice(payload_stream(contract, "Step", seed=2, depth=depth), 200):
        assert contract.validate(payload, "Step").valid
        if depth == 1:
            assert payload.get("steps") in (None, [])
            assert payload.get("next") is None
    stream = invalid_payload_stream(contract, "Step", seed=2, depth=depth)
    for example in itertools.islice(stream, 200):
        found = {
            (v.instance_path, v.keyword)
            for v in contract.validate(example.payload, "Step").violations
        }
        assert (example.instance_path, example.keyword) in found, example
        assert {path for path, _ in found} == {example.instance_path}, example
