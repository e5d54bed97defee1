"""The command line, through ``cli.run`` with captured streams (no subprocess)."""

from __future__ import annotations

import io
import json
import os
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import QUEUED_COUPON_JOB, ROOT
from klaviyo_contract import cli

EXAMPLES = ROOT / "examples"
COUPON = "CouponCodeCreateJobResponseObjectResource"


@dataclass
class Run:
    status: int
    out: str
    err: str


class TTY(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def run_line(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Run a command line; its output is printed, so a failing test shows it."""

    def run(*argv: str, stdout: io.StringIO | None = None) -> Run:
        out, err = stdout or io.StringIO(), io.StringIO()
        status = cli.run(list(argv), out, err)
        print(f"$ klaviyo-contract {' '.join(argv)}\n{out.getvalue()}{err.getvalue()}-> {status}")
        return Run(status, out.getvalue(), err.getvalue())

    return run


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_the_examples_show_one_violating_payload(run_line) -> None:
    result = run_line("validate", str(EXAMPLES))
    assert result.status == 1
    assert "coupon-code-job-violating.json: 3 violations" in result.out
    assert "/attributes/created_at" in result.out
    assert "violating.har entries[0]: 1 violation" in result.out
    assert result.out.splitlines()[-1].startswith(
        "18 checked (16 conform, 2 violate), 0 unreadable"
    )


def test_conforming_input_exits_0(run_line) -> None:
    result = run_line("validate", str(EXAMPLES / "coupon-code-job-queued.json"))
    assert result.status == 0
    assert result.out.startswith("1 checked (1 conform, 0 violate)")


def test_every_bad_input_is_one_line_with_its_place_and_the_rest_is_checked(run_line, tmp_path):
    good = json.dumps(QUEUED_COUPON_JOB)
    write(tmp_path / "a-malformed.json", '{"type": "coupon-code-bulk-create-job",\n  "id": }')
    write(tmp_path / "b-truncated.json", good[:40])
    write(tmp_path / "c-latin1.json", '{"id": "caf\xe9"}'.encode("latin-1"))
    write(tmp_path / "d-bom.json", b"\xef\xbb\xbf" + good.encode())
    write(tmp_path / "e-empty.json", "")
    write(tmp_path / "f-nan.json", '{"total_count": NaN}')
    write(tmp_path / "g-duplicate.json", '{"id": "1", "id": "2"}')
    write(tmp_path / "h-deep.json", "[" * 5000 + "]" * 5000)
    write(tmp_path / "i-huge.json", '{"total_count": 1e999}')
    write(tmp_path / "j-lines.ndjson", f"{good}\n{{broken\n{good}\n")
    write(tmp_path / "k-good.json", good)
    (tmp_path / "loop").mkdir()
    os.symlink(tmp_path, tmp_path / "loop" / "back")
    result = run_line("validate", str(tmp_path), "--schema", COUPON)
    assert result.status == 2
    assert "Traceback" not in result.out + result.err
    problems = [line for line in result.out.splitlines()[:-1] if not line.startswith(" ")]
    expected = {
        "a-malformed.json:2:9": "not valid JSON",
        "b-truncated.json:1": "truncated",
        "c-latin1.json:1": "not UTF-8",
        "d-bom.json:1:1": "byte order mark",
        "e-empty.json": "empty",
        "f-nan.json:1": "NaN",
        "g-duplicate.json:1": 'duplicate key "id"',
        "h-deep.json:1": "nested more than",
        "i-huge.json:1": "too large",
        "j-lines.ndjson:2": "not valid JSON",
        "loop": "directory loop",
    }
    for where, words in expected.items():
        assert any(where in line and words in line for line in problems), (where, problems)
    assert result.out.splitlines()[-1].startswith("3 checked (3 conform, 0 violate), 11 unreadable")


def test_a_missing_path_is_reported_and_others_still_checked(run_line, tmp_path) -> None:
    result = run_line(
        "validate", str(tmp_path / "nope.json"), str(EXAMPLES / "coupon-code-job-queued.json")
    )
    assert result.status == 2
    assert "nope.json: no such file or directory" in result.out
    assert "1 checked (1 conform" in result.out


def test_ndjson_violations_name_their_line(run_line, tmp_path) -> None:
    bad = dict(QUEUED_COUPON_JOB, type="coupon-code")
    write(
        tmp_path / "jobs.ndjson", "\n".join(json.dumps(p) for p in [QUEUED_COUPON_JOB, bad]) + "\n"
    )
    result = run_line("validate", str(tmp_path / "jobs.ndjson"), "--schema", COUPON)
    assert result.status == 1
    assert "jobs.ndjson:2: 1 violation of " + COUPON in result.out
    assert '/type: "coupon-code" is not one of' in result.out


def test_standard_input_is_read_with_a_dash(run_line, monkeypatch) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(json.dumps(QUEUED_COUPON_JOB).encode()))
    monkeypatch.setattr("sys.stdin", stdin)
    assert run_line("validate", "-").status == 0


def test_a_payload_no_schema_fits_lists_the_candidates(run_line, tmp_path) -> None:
    write(tmp_path / "profile.json", '{"data": {"type": "profile", "id": "01"}}')
    result = run_line("validate", str(tmp_path / "profile.json"))
    assert result.status == 2
    assert "no loaded schema has type 'profile' under data" in result.out


def test_strict_reports_properties_the_schema_does_not_name(run_line, tmp_path) -> None:
    payload = dict(QUEUED_COUPON_JOB, meta={"request_id": "r1"})
    write(tmp_path / "job.json", json.dumps(payload))
    assert run_line("validate", str(tmp_path / "job.json")).status == 0
    result = run_line("validate", "--strict", str(tmp_path / "job.json"))
    assert result.status == 1
    assert "/meta" in result.out
    assert "[additionalProperties]" in result.out


def test_an_unknown_schema_is_a_usage_error_with_a_suggestion(run_line) -> None:
    result = run_line("validate", "--schema", "CouponCodeCreateJobResponse", str(EXAMPLES))
    assert result.status == 2
    assert result.err.startswith("klaviyo-contract: error: no schema named")
    assert "did you mean" in result.err
    assert "Traceback" not in result.err


def test_a_bad_option_is_a_usage_error(run_line) -> None:
    result = run_line("validate", "--format", "yaml", str(EXAMPLES))
    assert result.status == 2
    assert "invalid choice: 'yaml'" in result.err


@pytest.mark.parametrize("fmt", ["json", "junit", "github", "sarif"])
def test_reports_are_written_atomically_to_the_output_file(run_line, tmp_path, fmt) -> None:
    target = tmp_path / f"report.{fmt}"
    result = run_line("validate", str(EXAMPLES), "--format", fmt, "-o", str(target))
    assert result.status == 1
    assert result.out == ""
    assert f"report written to {target}" in result.err
    text = target.read_text(encoding="utf-8")
    if fmt in ("json", "sarif"):
        json.loads(text)
    elif fmt == "junit":
        assert ET.fromstring(text).tag == "testsuites"
    else:
        assert "::error file=" in text
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_an_output_into_missing_folders_makes_them(run_line, tmp_path) -> None:
    target = tmp_path / "new" / "dir" / "report.xml"
    result = run_line("validate", str(EXAMPLES), "-o", str(target), "--format", "junit")
    assert result.status == 1  # the examples hold two violating payloads
    assert target.read_text(encoding="utf-8").startswith("<?xml")
    assert [p.name for p in target.parent.iterdir()] == ["report.xml"]


def test_an_unwritable_output_is_one_clear_line_naming_it(run_line, tmp_path) -> None:
    (tmp_path / "taken").write_text("a file where the folder should be")
    target = tmp_path / "taken" / "r.json"
    result = run_line("validate", str(EXAMPLES), "-o", str(target))
    assert result.status == 2
    assert result.err.splitlines() == [
        f"klaviyo-contract: error: cannot write {target}: {target.parent} is a file, not a folder"
    ]


def test_colour_only_on_a_terminal_and_never_with_no_color(run_line, monkeypatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    assert "\x1b[" in run_line("validate", str(EXAMPLES), stdout=TTY()).out
    assert "\x1b[" not in run_line("validate", str(EXAMPLES)).out
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in run_line("validate", str(EXAMPLES), stdout=TTY()).out


def test_no_progress_bar_when_piped(run_line) -> None:
    result = run_line("validate", str(EXAMPLES))
    assert "\r" not in result.err


def test_debug_shows_the_traceback_of_an_error(run_line) -> None:
    result = run_line("--debug", "validate", "--schemas", "/nonexistent", str(EXAMPLES))
    assert result.status == 2
    assert "Traceback" in result.err


def test_schemas_list_show_and_check(run_line) -> None:
    listed = run_line("schemas", "list")
    assert listed.status == 0
    assert "* PostCouponCodeCreateJobResponse" in listed.out
    assert f"  {COUPON}" in listed.out
    assert "  ObjectLinks" in listed.out
    shown = run_line("schemas", "show", "ObjectLinks")
    assert json.loads(shown.out)["$id"] == "#/components/schemas/ObjectLinks"
    checked = run_line("schemas", "check")
    assert checked.status == 0
    assert "24 schemas OK" in checked.out


def test_schemas_check_reports_a_hand_edited_file(run_line, tmp_path) -> None:
    folder = shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    edited = folder / "klaviyo-objectlinks-schema.json"
    edited.write_text(edited.read_text().replace('"uri"', '"url"'))
    result = run_line("schemas", "check", "--schemas", str(folder))
    assert result.status == 2
    assert "sha256 differs" in result.out


def test_schemas_vendor_copies_a_closure(run_line, tmp_path) -> None:
    from conftest import needs_catalogue

    catalogue = needs_catalogue()
    result = run_line(
        "schemas", "vendor", "ObjectLinks", "--from", str(catalogue), "--to", str(tmp_path)
    )
    assert result.status == 0
    assert (tmp_path / "klaviyo-objectlinks-schema.json").is_file()
    assert (tmp_path / "schemas.lock").is_file()


def test_generate_is_reproducible_by_seed(run_line) -> None:
    first = run_line("generate", COUPON, "--seed", "1", "--count", "50")
    second = run_line("generate", COUPON, "--seed", "1", "--count", "50")
    assert first.status == 0
    assert first.out == second.out
    # NDJSON ends records at "\n" only: U+2028 inside a JSON string is not a line break.
    assert len(first.out.split("\n")) == 51
    other = run_line("generate", COUPON, "--seed", "2", "--count", "50")
    assert other.out != first.out


def test_generate_invalid_labels_each_payload(run_line, tmp_path) -> None:
    result = run_line("generate", COUPON, "--invalid", "--seed", "3", "--count", "20")
    lines = [json.loads(line) for line in result.out.split("\n")[:-1]]
    assert len(lines) == 20
    assert all({"keyword", "instance_path", "kind"} <= line["breaks"].keys() for line in lines)


def test_generate_rejects_a_count_that_is_not_positive(run_line) -> None:
    result = run_line("generate", COUPON, "--count", "0")
    assert result.status == 2
    assert "--count" in result.err


def test_a_progress_count_is_drawn_on_a_terminal_for_long_runs(monkeypatch) -> None:
    from klaviyo_contract import progress

    monkeypatch.setattr(progress, "DELAY", 0.0)
    monkeypatch.setattr(progress, "INTERVAL", 0.0)
    err = TTY()
    assert cli.run(["validate", str(EXAMPLES)], io.StringIO(), err) == 1
    assert "\rchecked " in err.getvalue()
    assert err.getvalue().endswith("\r")  # the line is wiped before the report


def test_a_report_to_a_device_is_written_to_it_not_over_it(run_line) -> None:
    """`-o /dev/null` must not replace the device with a plain file (we may run as root)."""
    import stat

    result = run_line("validate", str(EXAMPLES), "--format", "json", "-o", os.devnull)
    assert result.status == 1
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_conformance_writes_the_reports_and_exits_0(run_line, tmp_path) -> None:
    result = run_line(
        "conformance", "--cases", str(ROOT / "conformance"), "--report-dir", str(tmp_path)
    )
    assert result.status == 0
    assert "Constraint coverage: " in result.out
    assert "(100%)" in result.out
    assert {p.name for p in tmp_path.iterdir()} == {
        "conformance.json",
        "conformance.md",
        "junit.xml",
    }


def test_diff_flags_a_breaking_change_with_exit_1(run_line, tmp_path) -> None:
    old = shutil.copytree(ROOT / "schemas", tmp_path / "old")
    new = shutil.copytree(ROOT / "schemas", tmp_path / "new")
    enum = new / "klaviyo-couponcodeenum-schema.json"
    enum.write_text(enum.read_text().replace('"coupon-code"', '"coupon-code", "coupon-code-v2"'))
    assert run_line("diff", str(old), str(old)).status == 0
    result = run_line("diff", str(old), str(new), "--format", "json")
    assert result.status == 1
    assert "coupon-code-v2" in result.out


def test_version_is_the_installed_distributions_and_reports_carry_it() -> None:
    """__version__ is the one source (hatch reads it); reports name it without
    scanning the installed metadata at startup."""
    from importlib.metadata import version

    import klaviyo_contract

    assert klaviyo_contract.__version__ == version("klaviyo-contract")
    out = io.StringIO()
    assert cli.run(["--version"], out, io.StringIO()) == 0
    assert out.getvalue() == f"klaviyo-contract {klaviyo_contract.__version__}\n"
    out = io.StringIO()
    cli.run(
        ["validate", str(ROOT / "examples" / "coupon-code-job-queued.json"), "--format", "json"],
        out,
        io.StringIO(),
    )
    assert json.loads(out.getvalue())["tool"]["version"] == klaviyo_contract.__version__


# -- a gate never goes green on nothing -------------------------------------------------


@pytest.mark.parametrize("kind", ["empty folder", "no payload files", "only skipped"])
def test_a_run_that_checks_nothing_exits_2_with_one_line(run_line, tmp_path, kind) -> None:
    """A CI job pointed at the wrong captures path must fail, not print 0 checked."""
    folder = tmp_path / "captures"
    folder.mkdir()
    if kind == "no payload files":
        write(folder / "notes.txt", "not a capture")
        write(folder / "docker-compose.toml", "[x]\n")
    elif kind == "only skipped":  # a HAR whose one response has no contract
        har = {
            "log": {
                "version": "1.2",
                "entries": [
                    {
                        "request": {"method": "GET", "url": "https://a.klaviyo.com/api/lists/"},
                        "response": {
                            "status": 200,
                            "content": {"mimeType": "application/json", "text": "{}"},
                        },
                    }
                ],
            }
        }
        write(folder / "lists.har", json.dumps(har))
    result = run_line("validate", str(folder))
    assert result.status == 2
    assert result.out == ""
    assert len(result.err.splitlines()) == 1
    assert result.err.startswith(
        f"klaviyo-contract: error: no payloads found in {folder}: nothing was checked"
    )

    accepted = run_line("validate", str(folder), "--allow-empty")
    assert accepted.status == 0
    assert "0 checked" in accepted.out


def test_an_empty_run_still_writes_the_report_it_was_asked_for(run_line, tmp_path) -> None:
    target = tmp_path / "out" / "contract.xml"
    result = run_line("validate", str(tmp_path), "--format", "junit", "-o", str(target))
    assert result.status == 2
    assert ET.fromstring(target.read_text(encoding="utf-8")).get("tests") == "0"
    assert result.err.count("\n") == 1


def test_one_payload_is_enough_for_a_run_to_count(run_line, tmp_path) -> None:
    write(tmp_path / "job.json", json.dumps(QUEUED_COUPON_JOB))
    assert run_line("validate", str(tmp_path)).status == 0


def _drain(master: int) -> str:
    """Everything written to a pseudo-terminal so far: the kernel hands a write to the
    master side a moment later, so read until it has been quiet for a while."""
    import select

    chunks = []
    while select.select([master], [], [], 1.0)[0]:
        chunks.append(os.read(master, 1 << 16))
    return b"".join(chunks).decode()


def test_the_progress_line_counts_each_payload_once(tmp_path, monkeypatch) -> None:
    """Under a pseudo-terminal, the live count ends at the number of payloads read."""
    import pty
    import re

    from klaviyo_contract import progress

    monkeypatch.setattr(progress, "DELAY", 0.0)
    monkeypatch.setattr(progress, "INTERVAL", 0.0)
    lines = [json.dumps(QUEUED_COUPON_JOB)] * 150 + ["{broken"] * 5
    write(tmp_path / "a.ndjson", "\n".join(lines) + "\n")
    write(tmp_path / "b.ndjson", "\n".join(lines[:50]) + "\n")
    master, slave = pty.openpty()
    try:
        with open(slave, "w", encoding="utf-8", closefd=False) as terminal:
            status = cli.run(["validate", str(tmp_path), "--jobs", "1"], io.StringIO(), terminal)
        shown = _drain(master)
    finally:
        os.close(master)
        os.close(slave)
    assert status == 2  # the broken lines
    counts = [int(n.replace(",", "")) for n in re.findall(r"checked ([\d,]+) payloads", shown)]
    assert counts, shown
    assert max(counts) == 155 + 50
