"""The coverage writers, and the HTML report in a real headless browser."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import ROOT
from klaviyo_contract import Contract, cli, inputs
from klaviyo_contract.coverage import Coverage
from klaviyo_contract.model import Record
from klaviyo_contract.reports.coverage import COVERAGE_WRITERS, write

CHROMIUM = next(filter(None, map(shutil.which, ("chromium", "chromium-browser"))), None)


@pytest.fixture(scope="module")
def model() -> dict:
    contract = Contract.default()
    coverage = Coverage.of(contract)
    for record in inputs.read(str(ROOT / "examples")):
        if isinstance(record, Record):
            name = contract.route(record.payload, record.exchange)
            coverage.add(record.payload, name, source=record.source, exchange=record.exchange)
    return coverage.to_dict()


def _written(model: dict, fmt: str) -> str:
    out = io.StringIO()
    write(model, fmt, out)
    return out.getvalue()


def test_the_writers_table_names_every_format() -> None:
    assert tuple(COVERAGE_WRITERS) == ("text", "json", "markdown", "html")
    with pytest.raises(ValueError, match="choose from text, json, markdown, html"):
        write({}, "pdf", io.StringIO())


def test_markdown_has_the_headline_the_tables_and_the_drift(model) -> None:
    text = _written(model, "markdown")
    assert text.startswith(f"## Contract coverage: {model['headline']['percent']:.1f}%")
    assert (
        "| `GET /api/coupon-code-bulk-create-jobs/{job_id}` | 33.3% | `200` | `4XX`, `5XX` |"
        in text
    )
    assert "| unnamed property 'links' |" in text


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_the_html_report_is_one_self_contained_file(model) -> None:
    html = _written(model, "html")
    parser = _Tags()
    parser.feed(html)
    tags = parser.tags
    assert not [t for t, a in tags if t in {"link", "img", "iframe", "object", "embed"}]
    assert not [a for t, a in tags if t == "script" and "src" in a]
    assert not re.search(r"url\(|@import", html), "no stylesheet fetches anything"
    assert [t for t, _ in tags].count("details") == len(model["schemas"])
    assert {a.get("id") for _, a in tags} >= {"headline", "routes-table", "schemas-table"}
    assert '<meta name="viewport"' in html


def _chromium(*options: str, page: Path, profile: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--proxy-server=127.0.0.1:9",  # the network is off: nothing may load from it
        "--enable-logging=stderr",
        "--v=0",
        f"--user-data-dir={profile}",
        *options,
        page.as_uri(),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium on PATH (Debian: apt-get install chromium)"
)
def test_the_html_report_renders_in_headless_chromium_without_network_or_errors(
    model, tmp_path: Path
) -> None:
    """``coverage examples/ --format html -o cov.html``: the rendered DOM holds the
    headline and both tables, the sorting script ran (it makes each header
    focusable), and the console stayed silent."""
    page = tmp_path / "cov.html"
    argv = ["coverage", str(ROOT / "examples"), "--format", "html", "-o", str(page)]
    assert cli.run(argv, io.StringIO(), io.StringIO()) == 1  # one example violates
    run = _chromium("--dump-dom", page=page, profile=tmp_path / "profile")
    assert run.returncode == 0, run.stderr[-2000:]
    dom = run.stdout
    headline = f"<strong>{model['headline']['percent']:.1f}%</strong>"
    assert re.search(r'id="headline"[^>]*>' + re.escape(headline), dom)
    routes = dom[
        dom.index('id="routes-table"') : dom.index("</table>", dom.index('id="routes-table"'))
    ]
    assert "GET /api/coupon-code-bulk-create-jobs/{job_id}" in routes
    assert routes.count("<tr>") == len(model["routes"]) + 1
    assert 'id="schemas-table"' in dom
    assert re.search(r'<th[^>]*tabindex="0"', dom), "the sorting script did not run"
    console = [line for line in run.stderr.splitlines() if ":CONSOLE" in line]
    assert console == []
