"""Options, ini twins, usage errors, the report header and the marker."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from plugin_recordings import create_and_poll_har, job_document

from klaviyo_contract import live, pytest_plugin
from klaviyo_contract.registry import bundled_directory

pytest_plugins = ["pytester"]

OPTIONS = (
    "schemas",
    "openapi",
    "strict",
    "recordings",
    "report",
    "live",
    "base-url",
    "timeout",
    "revision",
    "engine",
)


def test_help_shows_one_group_of_contract_options_each_with_an_ini_twin(
    pytester: pytest.Pytester,
) -> None:
    result = pytester.runpytest("--help")

    text = result.stdout.str()
    assert "Klaviyo API response contract:" in text
    for name in OPTIONS:
        assert f"--contract-{name}" in text
        assert f"contract_{name.replace('-', '_')} " in text
    assert "auto, reference, compiled" in text


def test_the_header_shows_the_contract_mode_and_paths(pytester: pytest.Pytester) -> None:
    pytester.makefile(".har", jobs=create_and_poll_har())

    result = pytester.runpytest(
        "--contract-recordings",
        "jobs.har",
        "--contract-report",
        "out/report.json",
        "--contract-strict",
        "--co",
    )

    result.stdout.fnmatch_lines(
        [
            f"klaviyo-contract: contract bundled ({bundled_directory()}), engine auto, strict on",
            "klaviyo-contract recordings: jobs.har",
            "klaviyo-contract report: *out/report.json",
            "klaviyo-contract live: off",
        ]
    )


def test_the_header_shows_live_mode_without_the_key(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KLAVIYO_API_KEY", "secret-key-123")

    result = pytester.runpytest(
        "--contract-live", "--contract-base-url", "http://127.0.0.1:9/", "--co"
    )

    result.stdout.fnmatch_lines(
        [
            "klaviyo-contract live: on, http://127.0.0.1:9, revision 2026-04-15, timeout 30s, "
            "KLAVIYO_API_KEY set"
        ]
    )
    assert "secret-key-123" not in result.stdout.str()


def test_ini_options_configure_the_run(pytester: pytest.Pytester) -> None:
    """Relative ini paths start from the ini file's folder, not the working directory."""
    pytester.makefile(".har", **{"recordings/jobs": create_and_poll_har()})
    pytester.makeini(
        """
        [pytest]
        contract_recordings = recordings
        contract_strict = true
        contract_engine = reference
        contract_timeout = 2.5
        contract_revision = 2025-01-15
        contract_report = reports/contract.json
        """
    )
    sub = pytester.mkdir("sub")

    result = pytester.runpytest("--co")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(sub)
        elsewhere = pytester.runpytest("--co", "-q")

    result.stdout.fnmatch_lines(
        [
            "klaviyo-contract: contract bundled (*), engine reference, strict on",
            "klaviyo-contract recordings: recordings",
            f"klaviyo-contract report: {pytester.path / 'reports' / 'contract.json'}",
        ]
    )
    assert "recordings/jobs.har::POST /api/coupon-code-bulk-create-jobs" in elsewhere.stdout.lines


def test_the_command_line_wins_over_the_ini_file(pytester: pytest.Pytester) -> None:
    pytester.makefile(".har", a=create_and_poll_har(), b=create_and_poll_har())
    pytester.makeini("[pytest]\ncontract_recordings = a.har\ncontract_engine = fast\n")

    result = pytester.runpytest(
        "--contract-recordings", "b.har", "--contract-engine", "compiled", "--co", "-q"
    )

    assert result.ret == 0
    assert all(line.startswith("b.har::") for line in result.stdout.lines[:3])


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["--contract-timeout", "soon"],
            "--contract-timeout expects a positive number of seconds such as 30 or 2.5 "
            "(--contract-timeout SECONDS); got 'soon'",
        ),
        (["--contract-timeout", "0"], "--contract-timeout expects a positive number*got '0'"),
        (["--contract-timeout", "nan"], "--contract-timeout expects a positive number*"),
        (
            ["--contract-base-url", "ftp://a.klaviyo.com"],
            "--contract-base-url expects an http(s) URL such as https://a.klaviyo.com "
            "(--contract-base-url URL); got 'ftp://a.klaviyo.com'",
        ),
        (["--contract-base-url", "a.klaviyo.com"], "--contract-base-url expects an http(s) URL*"),
        (
            ["--contract-engine", "fast"],
            "--contract-engine expects one of auto, reference, compiled "
            "(--contract-engine NAME); got 'fast'",
        ),
        (
            ["--contract-revision", "latest"],
            "--contract-revision expects a Klaviyo API revision YYYY-MM-DD*got 'latest'",
        ),
        (
            ["--contract-schemas", "nowhere"],
            "--contract-schemas expects a folder of schema files (--contract-schemas DIR);"
            " */nowhere is not a directory",
        ),
        (
            ["--contract-openapi", "nowhere.yml"],
            "--contract-openapi expects an OpenAPI document (--contract-openapi FILE);"
            " */nowhere.yml is not a file",
        ),
        (
            ["--contract-schemas", ".", "--contract-openapi", "."],
            "--contract-schemas and --contract-openapi both name a contract; give one:*",
        ),
        (
            ["--contract-recordings", "-"],
            "--contract-recordings expects a file or folder of recordings*standard input*",
        ),
    ],
)
def test_a_bad_value_is_a_usage_error_naming_the_option_and_its_syntax(
    pytester: pytest.Pytester, arguments: list[str], message: str
) -> None:
    result = pytester.runpytest(*arguments)

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: {message}"])


def test_a_bad_ini_value_is_a_usage_error_naming_the_ini_option(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini("[pytest]\ncontract_timeout = a while\n")

    result = pytester.runpytest()

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["ERROR: contract_timeout (ini) expects a positive number of seconds*got 'a while'"]
    )


def test_a_schemas_folder_and_an_openapi_document_are_contracts_too(
    pytester: pytest.Pytester,
) -> None:
    shutil.copytree(bundled_directory(), pytester.path / "schemas")
    openapi = bundled_directory() / "openapi" / "klaviyo-coupons-api-openapi.yml"
    pytester.makefile(".har", jobs=create_and_poll_har())

    folder = pytester.runpytest(
        "--contract-schemas", "schemas", "--contract-recordings", "jobs.har"
    )
    document = pytester.runpytest(
        "--contract-openapi", str(openapi), "--contract-recordings", "jobs.har"
    )

    folder.assert_outcomes(passed=2, failed=1)
    folder.stdout.fnmatch_lines(["klaviyo-contract: contract schemas in */schemas, *"])
    document.assert_outcomes(passed=2, failed=1)
    document.stdout.fnmatch_lines(["klaviyo-contract: contract OpenAPI document */klaviyo-*"])


@pytest.mark.parametrize("recordings", [False, True])
def test_a_broken_contract_is_one_usage_error_at_the_start(
    pytester: pytest.Pytester, recordings: bool
) -> None:
    """Not a chained traceback in every recorded item, and not a pass without them."""
    schemas = pytester.mkdir("schemas")
    (schemas / "thing.json").write_text(
        '{"$id": "#/components/schemas/Thing", "$ref": "#/components/schemas/Missing"}'
    )
    pytester.makepyfile("def test_uses_it(contract):\n    pass\n")
    extra = []
    if recordings:
        pytester.makefile(".ndjson", **{"captures/jobs": '{"data": {"type": "x"}}\n' * 3})
        extra = ["--contract-recordings", "captures"]

    result = pytester.runpytest("--contract-schemas", "schemas", *extra)

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = [line for line in result.stderr.lines if line.startswith("ERROR")]
    assert len(errors) == 1
    assert "cannot load the contract" in errors[0]
    assert "thing.json: $ref '#/components/schemas/Missing'" in errors[0]
    assert "Traceback" not in result.stdout.str() + result.stderr.str()


def test_the_marker_is_registered(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.contract
        def test_marked():
            pass
        """
    )

    result = pytester.runpytest("--strict-markers", "--markers")

    result.stdout.fnmatch_lines(["@pytest.mark.contract: checks Klaviyo API responses*"])


def test_tests_that_use_the_contract_fixtures_carry_the_marker(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        def test_checks(contract):
            pass

        def test_other():
            pass
        """
    )

    result = pytester.runpytest("-m", "contract")

    result.assert_outcomes(passed=1, deselected=1)


def test_defaults_agree_with_the_live_client() -> None:
    """The plugin repeats live.py's defaults so that importing it does not import httpx."""
    assert pytest_plugin.DEFAULT_BASE_URL == live.DEFAULT_BASE_URL
    assert pytest_plugin.API_KEY_ENV == live.API_KEY_ENV
    assert pytest_plugin.DEFAULT_TIMEOUT == live.DEFAULT_TIMEOUT


def test_importing_the_plugin_loads_nothing_heavy() -> None:
    """pytest imports the plugin in every run of every project where it is installed."""
    code = (
        "import sys, klaviyo_contract.pytest_plugin\n"
        "heavy = ['hypothesis', 'httpx', 'jsonschema', 'jsonschema_rs', 'yaml']\n"
        "print(' '.join(name for name in heavy if name in sys.modules))\n"
    )

    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()

    assert loaded == []


def test_strict_is_the_default_of_the_contract_fixture_under_contract_strict(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        f"""
        DRIFTED = {job_document(surprise=1)!r}

        def test_check(contract):
            contract.check(DRIFTED, "GetCouponCodeCreateJobResponseCompoundDocument")

        def test_lenient_on_request(contract):
            contract.check(
                DRIFTED, "GetCouponCodeCreateJobResponseCompoundDocument", strict=False
            )
        """
    )

    lenient = pytester.runpytest()
    strict = pytester.runpytest("--contract-strict")

    lenient.assert_outcomes(passed=2)
    strict.assert_outcomes(passed=1, failed=1)


def test_paths_in_the_header_are_shown_from_the_rootdir(pytester: pytest.Pytester) -> None:
    recordings = pytester.mkdir("deep")
    (recordings / "jobs.har").write_text(create_and_poll_har())

    result = pytester.runpytest("--contract-recordings", str(Path("deep") / "jobs.har"), "--co")

    result.stdout.fnmatch_lines(["klaviyo-contract recordings: deep/jobs.har"])


@pytest.mark.parametrize("content", ["empty folder", "no recordings"])
def test_recordings_that_yield_nothing_are_a_usage_error(
    pytester: pytest.Pytester, content: str
) -> None:
    """A gate pointed at the wrong folder fails instead of passing on nothing."""
    folder = pytester.mkdir("cassettes")
    if content == "no recordings":
        (folder / "notes.txt").write_text("no recording here")
    pytester.makepyfile("def test_other():\n    pass\n")

    result = pytester.runpytest("--contract-recordings", "cassettes")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["ERROR: --contract-recordings cassettes: no recorded responses found *"]
    )
