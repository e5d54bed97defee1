"""Scale-out: the same validation on a Dask LocalCluster gives the local report."""

from __future__ import annotations

import io
import json
import shutil

import pytest

from conftest import ROOT

distributed = pytest.importorskip(
    "distributed", reason="Dask is not installed (the [dask] extra; the test extra has it)"
)

from klaviyo_contract import Contract, cli, parallel  # noqa: E402
from klaviyo_contract.distributed import check_bag  # noqa: E402


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as local:
        yield local


def _captures(tmp_path):
    folder = shutil.copytree(ROOT / "examples", tmp_path / "captures")
    (folder / "broken.json").write_text('{"data": ')
    big = (folder / "coupon-code-jobs.ndjson").read_text() * 40
    (folder / "many.ndjson").write_text(big)
    return folder


def _report(argv):
    out, err = io.StringIO(), io.StringIO()
    status = cli.run(["validate", *argv, "--format", "json"], out, err)
    report = json.loads(out.getvalue())
    del report["summary"]["seconds"]
    report.pop("engine")
    return status, report


def test_the_cluster_gives_the_report_of_a_local_run(cluster, tmp_path, monkeypatch) -> None:
    folder = _captures(tmp_path)
    monkeypatch.setattr(parallel, "CHUNK_BYTES", 4096)  # many ranges, many tasks
    local = _report([str(folder), "--jobs", "1"])
    remote = _report([str(folder), "--scheduler", cluster.scheduler_address])
    assert remote == local
    assert local[0] == 2
    assert local[1]["summary"]["checked"] > 200


def test_check_bag_takes_a_client_and_merges_in_order(cluster, tmp_path) -> None:
    folder = _captures(tmp_path)
    contract = Contract.default()
    with distributed.Client(cluster) as client:
        summary = check_bag(contract, [str(folder)], scheduler=client)
    local = parallel.check_paths(contract, [str(folder)], jobs=1)
    assert summary.outcomes == local.outcomes
    assert summary.counts == local.counts


def test_an_unreachable_scheduler_is_a_clear_usage_error(monkeypatch) -> None:
    monkeypatch.setattr(cli, "SCHEDULER_TIMEOUT", 1)
    err = io.StringIO()
    status = cli.run(
        ["validate", str(ROOT / "examples"), "--scheduler", "tcp://127.0.0.1:9"], io.StringIO(), err
    )
    assert status == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in err.getvalue()
