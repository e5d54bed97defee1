"""What a new user meets first: non-Klaviyo JSON, skipped inputs, options and help.

Issue 13: valid JSON that is no Klaviyo payload is skipped with its reason; the text
report lists skipped inputs with their reasons; global options work after the
subcommand; a misspelled option or command gets a suggestion; each command's help
lists every input kind and shows an example.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from conftest import QUEUED_COUPON_JOB
from klaviyo_contract import cli

COUPON = "CouponCodeCreateJobResponseObjectResource"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = cli.run(list(argv), out, err)
    print(f"$ klaviyo-contract {' '.join(argv)}\n{out.getvalue()}{err.getvalue()}-> {status}")
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def web_project(tmp_path: Path) -> Path:
    """package.json, tsconfig.json and one conforming capture."""
    (tmp_path / "package.json").write_text('{"name": "shop", "version": "1.0.0"}')
    (tmp_path / "tsconfig.json").write_text('{"compilerOptions": {"strict": true}}')
    (tmp_path / "captures").mkdir()
    (tmp_path / "captures" / "job.json").write_text(json.dumps({"data": QUEUED_COUPON_JOB}))
    return tmp_path


def test_json_that_is_no_klaviyo_payload_is_skipped_with_its_reason(web_project) -> None:
    status, out, _ = run("validate", str(web_project), "--format", "json")
    assert status == 0
    report = json.loads(out)
    assert report["summary"]["skipped"] == 2
    assert report["summary"]["unreadable"] == 0
    reasons = {
        Path(o["source"]["path"]).name: o["reason"]
        for o in report["outcomes"]
        if o["kind"] == "skipped"
    }
    assert set(reasons) == {"package.json", "tsconfig.json"}
    assert all(reason.startswith("not a Klaviyo payload: ") for reason in reasons.values())


def test_with_schema_json_that_is_no_klaviyo_payload_is_checked(web_project) -> None:
    status, out, _ = run("validate", str(web_project / "package.json"), "--schema", COUPON)
    assert status == 1
    assert "package.json: " in out
    assert "0 skipped" in out


def test_a_type_that_names_no_schema_is_still_unrouted(tmp_path) -> None:
    (tmp_path / "profile.json").write_text('{"data": {"type": "profile", "id": "01"}}')
    status, out, _ = run("validate", str(tmp_path / "profile.json"))
    assert status == 2
    assert "1 unreadable" in out


@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_works_before_or_after_the_subcommand(where) -> None:
    rest = ["validate", "--schemas", "/nonexistent", "x.json"]
    argv = ["--debug", *rest] if where == "before" else [*rest, "--debug"]
    status, _, err = run(*argv)
    assert status == 2
    assert "Traceback" in err


@pytest.mark.parametrize(
    ("argv", "suggestion"),
    [
        (["validate", "x.json", "--strcit"], "--strict"),
        (["validate", "x.json", "--debgu"], "--debug"),
        (["validate", "x.json", "--shema", COUPON], "--schema"),
        (["--strcit", "validate", "x.json"], "--strict"),
        (["valdate", "x.json"], "validate"),
        (["validate", "x.json", "--format", "jsno"], "json"),
        (["conformance", "--cazes", "c/"], "--cases"),
    ],
)
def test_a_misspelling_gets_did_you_mean(argv, suggestion) -> None:
    status, _, err = run(*argv)
    assert status == 2
    assert f"(did you mean {suggestion}?)" in err.splitlines()[-1]


def test_an_unknown_option_with_nothing_close_gets_no_suggestion() -> None:
    status, _, err = run("validate", "x.json", "--zzzzzz")
    assert status == 2
    assert err.splitlines()[-1].endswith("unrecognized arguments: --zzzzzz")
    assert err.startswith("usage: klaviyo-contract validate")


@pytest.mark.parametrize("command", ["validate", "generate", "conformance", "diff", "schemas"])
def test_each_commands_help_has_an_example(command) -> None:
    status, out, _ = run(command, "--help")
    assert status == 0
    assert "examples:" in out
    assert f"  klaviyo-contract {command} " in out
    assert "--debug" in out


def test_validates_help_lists_every_input_kind() -> None:
    _, out, _ = run("validate", "--help")
    for kind in (".json", ".ndjson", ".jsonl", ".har", ".yaml", ".yml", "DIR", "  -  "):
        assert kind in out


URI = "https://a.klaviyo.com/api/coupon-code-bulk-create-jobs/01JB7Q3K9ZP6T2X8N4M5R0C1VD/"


@pytest.mark.parametrize(
    ("value", "seen"),
    [
        (URI + "\n", '01JB7Q3K9ZP6T2X8N4M5R0C1VD/\\n"'),  # the trailing newline
        (URI.replace("create-jobs", "create jobs"), "bulk-create jobs/"),  # a space inside
        ("/api/coupon-code-bulk-create-jobs/01JB9BADBADBADBADBADBADBAD/", '"/api/'),  # relative
        (URI + "ü", 'VD/ü"'),
    ],
)
def test_a_long_bad_format_value_shows_the_part_around_its_fault(value, seen) -> None:
    from klaviyo_contract.engines import show_fault

    shown = show_fault(value)
    assert len(shown) <= 60
    assert seen in shown
    assert shown.startswith(('"https://a.klav', '"/api/'))


def test_the_report_of_a_uri_with_a_trailing_newline_shows_the_newline(tmp_path) -> None:
    job = json.loads(json.dumps({"data": QUEUED_COUPON_JOB}))
    job["data"]["links"] = {"self": URI + "\n"}
    (tmp_path / "job.json").write_text(json.dumps(job))
    status, out, _ = run("validate", str(tmp_path / "job.json"))
    assert status == 1
    assert 'R0C1VD/\\n" is not an absolute RFC 3986 URI [format]' in out


def _installed_layout(tmp_path: Path, monkeypatch) -> Path:
    """A site-packages/klaviyo_contract/ holding the corpus as the wheel ships it."""
    import shutil

    import klaviyo_contract
    from conftest import ROOT

    package = tmp_path / "site-packages" / "klaviyo_contract"
    shutil.copytree(ROOT / "conformance", package / "corpus")
    (package / "__init__.py").write_text("")
    monkeypatch.setattr(klaviyo_contract, "__file__", str(package / "__init__.py"))
    elsewhere = tmp_path / "empty"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    return package


def test_outside_a_checkout_the_installed_corpus_is_the_default(tmp_path, monkeypatch) -> None:
    from klaviyo_contract.conformance import default_cases_dir, default_report_dir

    package = _installed_layout(tmp_path, monkeypatch)
    found = default_cases_dir()
    assert found == package / "corpus"
    assert default_report_dir(found) == Path("reports")


def test_conformance_from_an_empty_folder_runs_the_installed_corpus(tmp_path, monkeypatch) -> None:
    package = _installed_layout(tmp_path, monkeypatch)
    status, out, _ = run("conformance")
    assert status == 0
    assert "(100%)" in out
    assert sorted(p.name for p in Path("reports").iterdir()) == [
        "conformance.json",
        "conformance.md",
        "junit.xml",
    ]
    assert not (package / "reports").exists()


def test_in_a_checkout_the_checkouts_corpus_and_reports_are_the_default(monkeypatch) -> None:
    from conftest import ROOT
    from klaviyo_contract.conformance import default_cases_dir, default_report_dir

    monkeypatch.chdir(ROOT)
    found = default_cases_dir()
    assert found == ROOT / "conformance"
    assert default_report_dir(found) == ROOT / "reports"


def test_the_readmes_first_run_is_what_the_first_run_shows(monkeypatch) -> None:
    """The output quoted under "Set up" is the real output of its command."""
    import re

    from conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = "klaviyo-contract validate examples/\n```\n\n```\n"
    quoted = readme[readme.index(command) + len(command) :].split("```", 1)[0]
    monkeypatch.chdir(ROOT)
    status, out, _ = run("validate", "examples/")
    assert status == 1
    seconds = re.compile(r"in \d+\.\d\d s$", re.MULTILINE)
    assert seconds.sub("in S s", out) == seconds.sub("in S s", quoted)
