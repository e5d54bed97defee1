"""--jobs: workers check files and NDJSON ranges; the report is the one --jobs 1 writes."""

from __future__ import annotations

import io
import json
import pickle
import random
from pathlib import Path

import pytest

from conftest import QUEUED_COUPON_JOB
from klaviyo_contract import Contract, cli, parallel
from klaviyo_contract.inputs import Unit, read_unit, split


def _captures(folder: Path) -> Path:
    """Two NDJSON files (one large, with bad lines), a JSON file and an unreadable one."""
    rng = random.Random(7)
    lines = []
    for number in range(3000):
        job = json.loads(json.dumps(QUEUED_COUPON_JOB))
        job["id"] = f"job-{number}"
        roll = rng.random()
        if roll < 0.05:
            job["attributes"]["created_at"] = "2024-10-28 14:05:02"
        elif roll < 0.07:
            lines.append("{not json")
            continue
        lines.append(json.dumps(job))
    folder.mkdir()
    (folder / "a-big.ndjson").write_text("\n".join(lines) + "\n")
    (folder / "b-small.ndjson").write_text("\n".join(lines[:50]) + "\n")
    (folder / "c.json").write_text(json.dumps(QUEUED_COUPON_JOB))
    (folder / "d-bad.json").write_text("{")
    return folder


def _report(args: list[str]) -> dict[str, object]:
    out, err = io.StringIO(), io.StringIO()
    status = cli.run(["validate", *args, "--format", "json"], out, err)
    assert status == 2, err.getvalue()
    report = json.loads(out.getvalue())
    del report["summary"]["seconds"]
    return report


def test_jobs_2_writes_the_report_jobs_1_writes(tmp_path, monkeypatch) -> None:
    folder = _captures(tmp_path / "captures")
    monkeypatch.setattr(parallel, "CHUNK_BYTES", 64 * 1024)  # the big file in many ranges
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)  # workers even for this little
    one = _report([str(folder), "--jobs", "1"])
    two = _report([str(folder), "--jobs", "2"])
    assert one == two
    assert one["summary"]["checked"] > 2900
    assert one["summary"]["violate"] > 50
    assert one["summary"]["unreadable"] > 20


def test_ranges_cover_every_line_once_with_its_number(tmp_path) -> None:
    path = tmp_path / "jobs.ndjson"
    path.write_text("".join(f'{{"n": {n}}}\n' for n in range(1, 2001)))
    whole = list(read_unit(Unit(str(path), ".ndjson")))
    ranges = list(split(Unit(str(path), ".ndjson"), 1000))
    assert len(ranges) > 10
    pieces = [record for unit in ranges for record in read_unit(unit)]
    assert pieces == whole
    assert [record.source.line for record in pieces] == list(range(1, 2001))


def test_a_contract_travels_to_workers_as_its_data() -> None:
    contract = Contract.default(engine="reference")
    copy = pickle.loads(pickle.dumps(contract))
    assert copy.names() == contract.names()
    assert copy.routes == contract.routes
    assert copy.engine.name == "reference"
    assert copy.validate(QUEUED_COUPON_JOB) == contract.validate(QUEUED_COUPON_JOB)


@pytest.mark.parametrize("jobs", ["0", "-1", "two"])
def test_jobs_must_be_a_positive_number(jobs) -> None:
    err = io.StringIO()
    assert cli.run(["validate", ".", "--jobs", jobs], io.StringIO(), err) == 2
    assert "--jobs" in err.getvalue()
