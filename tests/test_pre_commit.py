"""The shipped pre-commit hook: its manifest, its file selection, and real runs.

The real runs use ``pre-commit try-repo`` on a copy of this working tree (so changes
not yet committed are what is tested), which installs the hook's environment from
PyPI: our package, built from that copy, and its dependencies.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import QUEUED_COUPON_JOB, ROOT

pytest.importorskip(
    "pre_commit", reason="pre-commit is not installed (it is in the test extra: '.[test]')"
)
from pre_commit.clientlib import load_manifest

HOOK_ID = "klaviyo-contract-validate"
MANIFEST = ROOT / ".pre-commit-hooks.yaml"
# A commit must not depend on the user's git configuration (signing, hooks, templates).
GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "klaviyo-contract tests",
    "GIT_AUTHOR_EMAIL": "tests@example.invalid",
    "GIT_COMMITTER_NAME": "klaviyo-contract tests",
    "GIT_COMMITTER_EMAIL": "tests@example.invalid",
}

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git on PATH")


def hook() -> dict:
    [only] = load_manifest(str(MANIFEST))
    return only


def git(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        ["git", *args],
        cwd=cwd,
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def committed(repo: Path) -> Path:
    git("init", "-q", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "test", cwd=repo)
    return repo


def test_the_manifest_is_one_python_hook_running_validate_on_filenames():
    entry = hook()
    assert entry["id"] == HOOK_ID
    assert entry["name"] == "klaviyo-contract"
    assert entry["language"] == "python"
    assert entry["entry"] == "klaviyo-contract validate --allow-empty"
    assert entry["pass_filenames"] is True


@pytest.mark.parametrize(
    ("path", "selected"),
    [
        ("captures/job.json", True),
        ("captures/jobs.ndjson", True),
        ("captures/jobs.jsonl", True),
        ("captures/session.har", True),
        ("Captures/JOB.JSON", True),
        ("api/recordings/2026/job.json", True),
        ("tests/cassettes/jobs.yaml", True),
        ("tests/cassettes/jobs.yml", True),
        ("session.har", True),
        ("exports/session.HAR", True),
        ("job.json", False),  # outside a capture folder: opt in with `files`
        ("package.json", False),
        ("tsconfig.json", False),
        ("web/package.json", False),
        ("config/settings.yaml", False),
        ("notebook.ipynb", False),
        ("captures/notes.txt", False),
        ("captures/job.json.bak", False),
        ("mycaptures/job.json", False),
        (".vscode/settings.json", False),
        ("captures/.hidden.json", False),
    ],
)
def test_the_hook_selects_files_in_capture_folders_and_har_files(path, selected):
    entry = hook()
    matched = re.search(entry["files"], path) and not re.search(entry["exclude"], path)
    assert bool(matched) is selected


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory) -> Path:
    """This working tree as a git repository whose HEAD holds every uncommitted change.

    ``try-repo`` on the checkout itself would add tracked changes only; new files
    (this hook's manifest, before it is first committed) would be left out.
    """
    if shutil.which("git") is None:
        pytest.skip("needs git on PATH")
    try:
        listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT)
    except subprocess.CalledProcessError as err:
        pytest.skip(f"needs the project as a git checkout to list its files: {err.stderr}")
    repo = tmp_path_factory.mktemp("hook-repo")
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the work tree is left out
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, repo / name)
    return committed(repo)


@pytest.fixture
def captures(tmp_path) -> Path:
    """A user's repository of captures, beside files the hook must not touch."""
    repo = tmp_path / "user-repo"
    folder = repo / "captures"
    folder.mkdir(parents=True)
    job = QUEUED_COUPON_JOB
    violating = json.loads(json.dumps(job))
    violating["attributes"]["status"] = "done"
    (folder / "queued.json").write_text(json.dumps({"data": job}))
    (folder / "jobs.ndjson").write_text(f"{json.dumps(job)}\n{json.dumps({'data': job})}\n")
    (folder / "violating.ndjson").write_text(f"{json.dumps(job)}\n{json.dumps(violating)}\n")
    url = f"https://a.klaviyo.com/api/coupon-code-bulk-create-jobs/{job['id']}/"
    body = {"mimeType": "application/vnd.api+json", "text": json.dumps({"data": job})}
    entry = {"request": {"method": "GET", "url": url}, "response": {"status": 200, "content": body}}
    (folder / "jobs.har").write_text(json.dumps({"log": {"version": "1.2", "entries": [entry]}}))
    (repo / "README.md").write_text("# captures\n")
    (repo / ".vscode").mkdir()
    (repo / ".vscode" / "settings.json").write_text('{"editor.tabSize": 2}')
    return committed(repo)


def try_repo(hook_repo: Path, user_repo: Path, *files: str) -> subprocess.CompletedProcess[str]:
    """``pre-commit try-repo HOOK-REPO klaviyo-contract-validate --files FILES``.

    Without FILES, ``--all-files``: the hook's own ``files`` pattern selects.
    """
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), HOOK_ID]
    command += ["--verbose", "--color", "never"]
    command += ["--files", *files] if files else ["--all-files"]
    done = subprocess.run(
        command,
        cwd=user_repo,
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    print(f"$ {' '.join(command)}\n{done.stdout}{done.stderr}-> {done.returncode}")
    return done


def checked(output: str) -> int:
    """Payloads checked, over every invocation (pre-commit may split the files)."""
    return sum(int(count) for count in re.findall(r"^(\d+) checked", output, re.MULTILINE))


@needs_git
def test_the_hook_fails_a_commit_with_a_violating_capture(hook_repo, captures):
    done = try_repo(hook_repo, captures, "captures/queued.json", "captures/violating.ndjson")
    assert done.returncode == 1
    assert re.search(r"^klaviyo-contract\.+Failed$", done.stdout, re.MULTILINE)
    assert "captures/violating.ndjson:2" in done.stdout
    assert "/attributes/status" in done.stdout
    assert "[enum]" in done.stdout
    assert checked(done.stdout) == 3


@needs_git
def test_the_hook_passes_conforming_captures_and_leaves_other_files_alone(hook_repo, captures):
    files = ["captures/queued.json", "captures/jobs.ndjson", "captures/jobs.har"]
    done = try_repo(hook_repo, captures, *files, "README.md", ".vscode/settings.json")
    assert done.returncode == 0
    assert re.search(r"^klaviyo-contract\.+Passed$", done.stdout, re.MULTILINE)
    assert checked(done.stdout) == 4


@needs_git
def test_a_commit_of_only_off_contract_responses_passes(hook_repo, captures):
    """The commit chose the files: a cassette of other endpoints is no empty gate."""
    har = {"log": {"version": "1.2", "entries": []}}
    (captures / "captures" / "lists.har").write_text(json.dumps(har))
    done = try_repo(hook_repo, captures, "captures/lists.har")
    assert done.returncode == 0, done.stdout
    assert checked(done.stdout) == 0


@pytest.fixture
def web_repo(tmp_path) -> Path:
    """A repository of a web project: package.json, tsconfig.json and two captures."""
    repo = tmp_path / "web-repo"
    (repo / "captures").mkdir(parents=True)
    (repo / "package.json").write_text('{"name": "shop", "version": "1.0.0"}\n')
    (repo / "tsconfig.json").write_text('{"compilerOptions": {"strict": true}}\n')
    bad = json.loads(json.dumps(QUEUED_COUPON_JOB))
    bad["attributes"]["status"] = "done"
    (repo / "captures" / "good.json").write_text(json.dumps({"data": QUEUED_COUPON_JOB}))
    (repo / "captures" / "bad.json").write_text(json.dumps({"data": bad}))
    return committed(repo)


@needs_git
def test_all_files_checks_only_the_captures_and_names_only_the_bad_one(hook_repo, web_repo):
    """package.json and tsconfig.json are never passed; fixing the capture passes."""
    done = try_repo(hook_repo, web_repo)
    assert done.returncode == 1
    assert re.search(r"^klaviyo-contract\.+Failed$", done.stdout, re.MULTILINE)
    assert "captures/bad.json: 1 violation" in done.stdout
    for other in ("package.json", "tsconfig.json", "good.json", "unreadable:"):
        assert other not in done.stdout.replace("0 unreadable", "")
    assert checked(done.stdout) == 2

    (web_repo / "captures" / "bad.json").write_text(json.dumps({"data": QUEUED_COUPON_JOB}))
    git("commit", "-q", "-am", "fix the capture", cwd=web_repo)
    done = try_repo(hook_repo, web_repo)
    assert done.returncode == 0
    assert re.search(r"^klaviyo-contract\.+Passed$", done.stdout, re.MULTILINE)
    assert checked(done.stdout) == 2
