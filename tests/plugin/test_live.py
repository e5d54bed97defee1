"""Live checking: the checking client, and ``contract_client`` against a real local server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from plugin_recordings import (
    JOB_PATH,
    JOBS_PATH,
    JSON_API,
    error_document,
    job_document,
    jobs_document,
)

from klaviyo_contract import Contract, ContractViolation, InputError, Problem, Result, live
from klaviyo_contract.registry import bundled_directory

pytest_plugins = ["pytester"]

KEY = "secret-key-123"
NOW = datetime(2026, 4, 15, 12, 0, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def bundled() -> Contract:
    return Contract.default()


def respond(status: int, body: Any = None, **headers: str) -> httpx.Response:
    content = b"" if body is None else json.dumps(body).encode()
    kind = {"Content-Type": JSON_API} if body is not None else {}
    return httpx.Response(status, content=content, headers={**kind, **headers})


class Sleeps(list[float]):
    """A fake sleep that remembers how long it was asked to wait."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


# --------------------------------------------------------------------------- helpers


def test_redact_hides_the_key_also_url_encoded() -> None:
    key = "pk_ab/cd+ef"
    text = f"key={key} quoted=pk_ab%2Fcd%2Bef"

    assert live.redact(text, [key]) == "key=*** quoted=***"


def test_redact_hides_the_environments_key_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KLAVIYO_API_KEY", KEY)

    assert live.redact(f"Authorization: Klaviyo-API-Key {KEY}") == (
        "Authorization: Klaviyo-API-Key ***"
    )


def test_redact_without_secrets_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KLAVIYO_API_KEY", raising=False)

    assert live.redact("nothing secret", None) == "nothing secret"
    assert live.redact("nothing secret", [""]) == "nothing secret"


@pytest.mark.parametrize(
    ("header", "wait"),
    [
        ("7", 7.0),
        (" 0 ", 0.0),
        (format_datetime(NOW + timedelta(seconds=12), usegmt=True), 12.0),
        (format_datetime(NOW - timedelta(seconds=30), usegmt=True), 0.0),
        ("3600", 60.0),
        ("soon", 2.0),
        ("-5", 2.0),
        (None, 2.0),
    ],
)
def test_retry_after_reads_seconds_or_an_http_date_and_caps_the_wait(
    header: str | None, wait: float
) -> None:
    assert live.retry_after(header, default=2.0, limit=60.0, now=NOW) == wait


def test_the_revision_is_the_vendored_openapi_version() -> None:
    documents = sorted((bundled_directory() / "openapi").glob("*.yml"))

    assert live.revision_of(documents) == "2026-04-15"
    assert live.revision_of([]) is None


def test_the_revision_of_a_json_document(tmp_path: Any) -> None:
    document = tmp_path / "api.json"
    document.write_text(json.dumps({"openapi": "3.0.2", "info": {"version": "2025-07-15"}}))

    assert live.revision_of([document, tmp_path / "missing.yml"]) == "2025-07-15"


# --------------------------------------------------------------------------- retries


def test_a_429_is_retried_after_its_retry_after(bundled: Contract) -> None:
    answers = iter([respond(429, None, **{"Retry-After": "2"}), respond(429), respond(200)])
    sleeps = Sleeps()
    mock = httpx.MockTransport(lambda request: next(answers))

    with live.client(bundled, KEY, transport=mock, sleep=sleeps, max_wait=10) as client:
        response = client.get("/api/profiles/")

    assert response.status_code == 200
    assert sleeps == [2.0, 2.0]  # the second 429 named no wait: 2**1 seconds


def test_the_last_429_is_returned_and_checked_after_the_retries(bundled: Contract) -> None:
    requests: list[httpx.Request] = []

    def throttle(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        body = error_document(429, "throttled") if len(requests) <= 3 else {"errors": "no"}
        return respond(429, body, **{"Retry-After": "1"})

    sleeps = Sleeps()
    mock = httpx.MockTransport(throttle)

    with (
        live.client(bundled, KEY, transport=mock, sleep=sleeps, retries=3) as client,
        pytest.raises(ContractViolation) as raised,
    ):
        client.get(JOB_PATH)

    assert len(requests) == 4
    assert sleeps == [1.0, 1.0, 1.0]
    assert raised.value.result.schema == "ClientError"
    assert [v.instance_path for v in raised.value.result.violations] == ["/errors"]


def test_a_long_retry_after_is_cut_to_the_cap(bundled: Contract) -> None:
    answers = iter([respond(429, None, **{"Retry-After": "86400"}), respond(200)])
    sleeps = Sleeps()
    mock = httpx.MockTransport(lambda request: next(answers))

    with live.client(bundled, KEY, transport=mock, sleep=sleeps, max_wait=0.5) as client:
        client.get("/api/profiles/")

    assert sleeps == [0.5]


def test_a_streamed_response_is_checked_too(bundled: Contract) -> None:
    mock = httpx.MockTransport(lambda request: respond(200, job_document(status="done")))

    with (
        live.client(bundled, KEY, transport=mock) as client,
        pytest.raises(ContractViolation),
        client.stream("GET", JOB_PATH),
    ):
        pass


# --------------------------------------------------------------------------- the client


def checking_client(contract: Contract, answer: Any, **options: Any) -> httpx.Client:
    handler = answer if callable(answer) else (lambda request: answer)
    return live.client(
        contract, KEY, transport=httpx.MockTransport(handler), sleep=Sleeps(), **options
    )


def test_the_client_sends_the_key_the_revision_and_json_api(bundled: Contract) -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return respond(200, job_document())

    with checking_client(bundled, answer, revision="2025-10-15") as client:
        client.get(JOB_PATH)

    headers = seen[0].headers
    assert str(seen[0].url) == f"https://a.klaviyo.com{JOB_PATH}"
    assert headers["authorization"] == f"Klaviyo-API-Key {KEY}"
    assert headers["revision"] == "2025-10-15"
    assert headers["accept"] == JSON_API


def test_a_violating_response_raises_without_the_key(bundled: Contract) -> None:
    """Even when the key is echoed in the URL and in the offending value."""
    body = job_document(status=KEY)

    with (
        checking_client(bundled, respond(200, body)) as client,
        pytest.raises(ContractViolation) as raised,
    ):
        client.get(JOB_PATH, params={"echo": KEY})

    message = str(raised.value)
    assert KEY not in message
    assert f"GET https://a.klaviyo.com{JOB_PATH}?echo=*** -> 200" in message
    assert '/data/attributes/status: "***" is not one of' in message
    assert raised.value.result.schema == "GetCouponCodeCreateJobResponseCompoundDocument"


def test_an_error_response_is_checked_against_the_error_schema(bundled: Contract) -> None:
    with (
        checking_client(bundled, respond(404, {"errors": [{"id": "x"}]})) as client,
        pytest.raises(ContractViolation) as raised,
    ):
        client.get(JOB_PATH)

    assert raised.value.result.schema == "ClientError"


@pytest.mark.parametrize(
    "answer",
    [
        respond(200, {"data": []}),  # a route the contract does not cover
        respond(204),  # no body
        httpx.Response(200, text="<html></html>", headers={"Content-Type": "text/html"}),
    ],
    ids=["unrouted", "no-body", "html"],
)
def test_responses_without_a_contract_pass(bundled: Contract, answer: httpx.Response) -> None:
    with checking_client(bundled, answer) as client:
        response = client.get("/api/profiles/")

    assert response.status_code == answer.status_code


def test_a_json_response_that_does_not_parse_raises(bundled: Contract) -> None:
    broken = httpx.Response(200, content=b'{"data": ', headers={"Content-Type": JSON_API})

    with checking_client(bundled, broken) as client, pytest.raises(InputError) as raised:
        client.get(JOB_PATH)

    assert "response body line 1" in str(raised.value)


def test_check_response_returns_values(bundled: Contract) -> None:
    conforming = live.check_response(
        bundled,
        "get",
        f"https://a.klaviyo.com{JOB_PATH}",
        200,
        media_type=JSON_API,
        body=json.dumps(job_document()).encode(),
    )
    unrouted = live.check_response(
        bundled,
        "GET",
        "https://a.klaviyo.com/api/profiles/",
        200,
        media_type=JSON_API,
        body=b'{"data": []}',
    )

    assert isinstance(conforming, Result)
    assert conforming.valid
    assert str(conforming.source) == f"GET https://a.klaviyo.com{JOB_PATH} -> 200"
    assert isinstance(unrouted, Problem)
    assert unrouted.kind == "skipped"


# --------------------------------------------------------------------------- contract_client


class Server:
    """A local stand-in for the Klaviyo API: job endpoints, one 429, one violation."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.throttled = False
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append((self.command, self.path, dict(self.headers)))
                status, body, headers = server.answer(self.path)
                content = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", JSON_API)
                self.send_header("Content-Length", str(len(content)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(content)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def answer(self, path: str) -> tuple[int, Any, dict[str, str]]:
        if path == JOB_PATH:
            return 200, job_document(), {}
        if path == JOBS_PATH:
            if not self.throttled:
                self.throttled = True
                return 429, error_document(429, "throttled"), {"Retry-After": "1"}
            return 200, jobs_document(), {}
        if path == f"{JOBS_PATH}/BROKEN":
            return 200, job_document(status=KEY, total_count="3"), {}
        if path.startswith("/api/profiles"):
            return 200, {"data": []}, {}
        return 404, error_document(404, "not_found"), {}

    def paths(self) -> list[str]:
        return [path for _, path, _ in self.requests]


@pytest.fixture
def server() -> Iterator[Server]:
    server = Server()
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()
    thread.join()


LIVE_TESTS = f"""
def test_job(contract_client):
    assert contract_client.get("{JOB_PATH}").status_code == 200

def test_jobs_after_a_429(contract_client):
    assert contract_client.get("{JOBS_PATH}").status_code == 200

def test_unrouted(contract_client):
    assert contract_client.get("/api/profiles/").json() == {{"data": []}}

def test_not_found_is_checked_too(contract_client):
    assert contract_client.get("{JOBS_PATH}/NOPE").status_code == 404

def test_violating(contract_client):
    contract_client.get("{JOBS_PATH}/BROKEN")
"""


@pytest.fixture
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """httpx honours proxy variables; the local server must be reached directly."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.mark.usefixtures("no_proxy")
def test_every_live_response_is_checked_and_the_key_appears_nowhere(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, server: Server
) -> None:
    monkeypatch.setenv("KLAVIYO_API_KEY", KEY)
    pytester.makepyfile(test_live_api=LIVE_TESTS)

    result = pytester.runpytest(
        "--contract-live",
        "--contract-base-url",
        server.url,
        "--contract-report",
        "report.json",
        "--contract-timeout",
        "5",
        "-rA",
    )

    result.assert_outcomes(passed=4, failed=1)
    output = result.stdout.str() + result.stderr.str()
    result.stdout.fnmatch_lines(
        [
            f'>       contract_client.get("{JOBS_PATH}/BROKEN")',
            "E       klaviyo_contract.errors.ContractViolation: "
            f"GET {server.url}{JOBS_PATH}/BROKEN -> 200: 2 violations of "
            "GetCouponCodeCreateJobResponseCompoundDocument",
            'E         /data/attributes/status: "***" is not one of *',
            'E         /data/attributes/total_count: "3" is not of type "integer" [[]type[]]',
        ]
    )
    assert "httpx/_client.py" not in output
    assert KEY not in output
    report_text = (pytester.path / "report.json").read_text()
    assert KEY not in report_text
    checks = json.loads(report_text)["checks"]
    assert [(check["node"].split("::")[1], check["outcome"]) for check in checks] == [
        ("test_job", "conform"),
        ("test_jobs_after_a_429", "conform"),
        ("test_not_found_is_checked_too", "conform"),
        ("test_violating", "violate"),
    ]  # the 429 was retried, not checked; the unrouted response is no check
    assert server.paths().count(JOBS_PATH) == 2
    for _, _, headers in server.requests:
        assert headers["Authorization"] == f"Klaviyo-API-Key {KEY}"
        assert headers["revision"] == "2026-04-15"
        assert headers["Accept"] == JSON_API


@pytest.mark.usefixtures("no_proxy")
def test_contract_client_without_the_flag_is_skipped_with_the_reason(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, server: Server
) -> None:
    monkeypatch.setenv("KLAVIYO_API_KEY", KEY)
    pytester.makepyfile(test_live_api=LIVE_TESTS)

    result = pytester.runpytest("--contract-base-url", server.url, "-rs")

    result.assert_outcomes(skipped=5)
    result.stdout.fnmatch_lines(
        [
            "SKIPPED [[]1[]] test_live_api.py:1: live contract checks need --contract-live"
            " (or contract_live = true in the ini file)"
        ]
    )
    assert server.requests == []


@pytest.mark.parametrize("how", ["flag", "ini"])
def test_asking_for_live_checks_without_the_key_is_a_usage_error(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """A CI whose secret went missing must not go green with every live test skipped."""
    monkeypatch.delenv("KLAVIYO_API_KEY", raising=False)
    pytester.makepyfile(test_live_api=LIVE_TESTS)
    if how == "ini":
        pytester.makeini("[pytest]\ncontract_live = true\n")

    result = pytester.runpytest(*(["--contract-live"] if how == "flag" else []))

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    label = "--contract-live" if how == "flag" else "contract_live (ini)"
    result.stderr.fnmatch_lines(
        [f"ERROR: {label} asks for live contract checks, but the KLAVIYO_API_KEY *"]
    )
    assert "passed" not in result.stdout.str()


def test_contract_client_with_neither_says_both(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KLAVIYO_API_KEY", raising=False)
    pytester.makepyfile(test_live_api=LIVE_TESTS)

    result = pytester.runpytest("-rs")

    result.stdout.fnmatch_lines(
        [
            "SKIPPED [[]1[]] *:1: live contract checks need --contract-live *"
            " and the KLAVIYO_API_KEY environment variable"
        ]
    )


@pytest.mark.usefixtures("no_proxy")
def test_the_timeout_applies(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """A server that accepts and never answers: the request fails after the timeout."""
    import socket

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    monkeypatch.setenv("KLAVIYO_API_KEY", KEY)
    pytester.makepyfile(
        f"""
        import httpx, pytest

        def test_waits(contract_client):
            with pytest.raises(httpx.ReadTimeout):
                contract_client.get("{JOB_PATH}")
        """
    )
    try:
        result = pytester.runpytest(
            "--contract-live",
            "--contract-timeout",
            "0.2",
            "--contract-base-url",
            f"http://127.0.0.1:{silent.getsockname()[1]}",
        )
    finally:
        silent.close()

    result.assert_outcomes(passed=1)
