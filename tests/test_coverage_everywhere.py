"""Same numbers everywhere: coverage from `coverage`, `validate --coverage`, `--jobs N`,
Dask and the pytest plugin (also under pytest-xdist) is the same JSON."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT
from klaviyo_contract import cli, parallel

pytest_plugins = ["pytester"]


def _captures(folder: Path) -> Path:
    """The examples (JSON, NDJSON, HAR, cassette), a payload with an unnamed property
    and a big NDJSON file for workers to cut into ranges."""
    shutil.copytree(ROOT / "examples", folder)
    queued = json.loads((ROOT / "examples" / "coupon-code-job-queued.json").read_text())
    queued["attributes"]["surprise"] = {"new": True}
    (folder / "drifted.json").write_text(json.dumps(queued))
    lines = (folder / "coupon-code-jobs.ndjson").read_text()
    (folder / "many.ndjson").write_text(lines * 60)
    return folder


def _coverage(argv: list[str]) -> tuple[int, dict[str, Any]]:
    out, err = io.StringIO(), io.StringIO()
    status = cli.run(["coverage", *argv, "--format", "json"], out, err)
    return status, json.loads(out.getvalue())


@pytest.fixture
def captures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(parallel, "CHUNK_BYTES", 4096)  # many ranges, many parts
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)  # workers even for this little
    return _captures(tmp_path / "captures")


def test_jobs_1_and_jobs_2_count_the_same(captures: Path) -> None:
    one = _coverage([str(captures), "--jobs", "1"])
    two = _coverage([str(captures), "--jobs", "2"])
    assert one == two
    status, model = one
    assert status == 1  # the examples hold violating payloads
    assert model["payloads"]["checked"] == 319  # the big file counted once across its ranges
    assert 0 < model["headline"]["exercised"] < model["headline"]["items"]
    drift = model["drift"]["unnamed_properties"]
    assert any(entry.get("property") == "surprise" for entry in drift)


def test_validate_coverage_file_writes_what_coverage_prints(captures: Path, tmp_path) -> None:
    _, model = _coverage([str(captures), "--jobs", "1"])
    target = tmp_path / "out" / "coverage.json"
    out, err = io.StringIO(), io.StringIO()
    status = cli.run(
        ["validate", str(captures), "--jobs", "2", "--coverage", str(target)], out, err
    )
    assert status == 1
    assert json.loads(target.read_text()) == model
    assert "violation" in out.getvalue()  # the gate's own report is still the output


@pytest.mark.parametrize(("suffix", "start"), [(".html", "<!DOCTYPE html>"), (".md", "#")])
def test_the_coverage_file_format_follows_its_suffix(tmp_path, suffix: str, start: str) -> None:
    target = tmp_path / f"coverage{suffix}"
    cli.run(
        ["validate", str(ROOT / "examples"), "--coverage", str(target)],
        io.StringIO(),
        io.StringIO(),
    )
    assert target.read_text(encoding="utf-8").startswith(start)


def test_validate_min_coverage_gates_on_the_coverage_file(tmp_path) -> None:
    err = io.StringIO()
    target = tmp_path / "c.json"
    argv = ["validate", str(ROOT / "examples" / "coupon-code-job-queued.json"), "--coverage"]
    assert cli.run([*argv, str(target), "--min-coverage", "100"], io.StringIO(), err) == 1
    assert "is below --min-coverage 100" in err.getvalue()
    assert cli.run([*argv, str(target), "--min-coverage", "0"], io.StringIO(), io.StringIO()) == 0
    err = io.StringIO()
    assert cli.run([*argv[:2], "--min-coverage", "5"], io.StringIO(), err) == 2
    assert "needs --coverage FILE" in err.getvalue()


def test_dask_counts_what_one_process_counts(captures: Path) -> None:
    distributed = pytest.importorskip("distributed", reason="Dask is not installed ([dask])")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        remote = _coverage([str(captures), "--scheduler", cluster.scheduler_address])
    assert remote == _coverage([str(captures), "--jobs", "1"])


@pytest.mark.parametrize("workers", [None, "2"])
def test_the_plugin_counts_what_the_command_counts(
    pytester: pytest.Pytester, workers: str | None
) -> None:
    """--contract-coverage over the recordings, in one process or merged from -n 2."""
    folder = _captures(pytester.path / "recordings")
    argv = [
        "--contract-recordings",
        "recordings",
        "--contract-coverage",
        "cov.json",
        "-p",
        "no:cacheprovider",
    ]
    if workers:
        argv += ["-n", workers]
    result = pytester.runpytest_subprocess(*argv)
    assert result.ret == pytest.ExitCode.TESTS_FAILED  # the violating examples
    plugin = json.loads((pytester.path / "cov.json").read_text())
    # The command names files as given; run it from the same folder with the same path.
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(pytester.path)
        _, command = _coverage(["recordings", "--jobs", "1"])
    assert folder.is_dir()
    assert plugin == command
