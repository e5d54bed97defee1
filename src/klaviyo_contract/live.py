"""The checking HTTP client: every JSON response it receives is checked against its route.

Built on httpx (the ``[live]`` extra) and free of pytest: the pytest plugin's
``contract_client`` fixture is one user of :func:`client`, a script can be another.

- Every response with a JSON body is routed by its request (method, path, status)
  and validated; a violation raises :class:`~klaviyo_contract.errors.ContractViolation`
  from the call that received it (``client.get(...)``), so the caller fails at the
  line that made the request (the exception's ``result`` holds the violations). A
  response the contract has no route for, or without a JSON body, is not checked.
- A 429 is answered by waiting ``Retry-After`` (seconds or an HTTP-date, capped) and
  sending the request again, up to ``retries`` times; the last 429 is then returned
  and checked like any other response (against the 4XX error document).
- The API key is sent in ``Authorization: Klaviyo-API-Key ...`` and never written
  anywhere else: every URL and message built here goes through :func:`redact`.
"""

from __future__ import annotations

import dataclasses
import email.utils
import json
import os
import re
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import httpx

from .errors import ContractViolation, InputError
from .model import Exchange, Outcome, Problem, Result, Source

if TYPE_CHECKING:
    from .contract import Contract

__all__ = [
    "API_KEY_ENV",
    "DEFAULT_BASE_URL",
    "DEFAULT_REVISION",
    "MAX_RETRIES",
    "MAX_RETRY_WAIT",
    "CheckingClient",
    "check_response",
    "client",
    "redact",
    "retry_after",
    "revision_of",
]

#: The environment variable that holds the private API key.
API_KEY_ENV = "KLAVIYO_API_KEY"
DEFAULT_BASE_URL = "https://a.klaviyo.com"
DEFAULT_TIMEOUT = 30.0
#: The revision sent when the contract's OpenAPI documents name none.
DEFAULT_REVISION = "2026-04-15"
#: How many times a 429 is retried before it is returned.
MAX_RETRIES = 3
#: The longest wait (seconds) a Retry-After is obeyed for; longer ones are cut to it.
MAX_RETRY_WAIT = 60.0
MEDIA_TYPE = "application/vnd.api+json"
REDACTED = "***"

# `info:` at the top level, then (indented) `version: '2026-04-15'` within it.
_YAML_VERSION = re.compile(
    r"^info:[ \t]*\r?\n(?:[ \t]+.*\r?\n|[ \t]*\r?\n)*?[ \t]+version:[ \t]*['\"]?([^'\"\s#]+)",
    re.MULTILINE,
)


def redact(text: str, secrets: Iterable[str] | None = None) -> str:
    """``text`` with every secret replaced by ``***``, also in its URL-encoded form.

    Args:
        text: a URL, a message, a whole report.
        secrets: the values to hide; by default the ``KLAVIYO_API_KEY`` of the
            environment, when set.
    """
    if secrets is None:
        secrets = (os.environ.get(API_KEY_ENV, ""),)
    for secret in secrets:
        if not secret:
            continue
        text = text.replace(secret, REDACTED)
        quoted = quote(secret, safe="")
        if quoted != secret:
            text = text.replace(quoted, REDACTED)
    return text


def retry_after(
    value: str | None,
    *,
    default: float,
    limit: float = MAX_RETRY_WAIT,
    now: datetime | None = None,
) -> float:
    """The seconds to wait before retrying, from a ``Retry-After`` header (RFC 9110 10.2.3).

    Args:
        value: the header: a number of seconds or an HTTP-date; None when absent.
        default: the wait when the header is absent or unreadable.
        limit: the longest wait; a larger one is cut to it.
        now: the current time, for an HTTP-date (default: the clock).

    Returns:
        A wait between 0 and ``limit``; a date in the past is 0.
    """
    wait = default
    text = (value or "").strip()
    if text.isdigit():
        wait = float(text)
    elif text:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            pass
        else:
            if when.tzinfo is None:
                when = when.replace(tzinfo=timezone.utc)
            wait = (when - (now or datetime.now(timezone.utc))).total_seconds()
    return max(0.0, min(wait, limit))


def check_response(
    contract: Contract,
    method: str,
    url: str,
    status: int,
    *,
    media_type: str | None,
    body: bytes,
    strict: bool = False,
    secrets: Iterable[str] = (),
) -> Outcome:
    """Check one received response against the schema of its route.

    Args:
        contract: the contract whose routes pick the schema.
        method: the request method.
        url: the request URL (redacted before it is kept anywhere).
        status: the response status.
        media_type: the response Content-Type, if any.
        body: the decoded response body.
        strict: also report properties the schema does not name.
        secrets: values to redact from the URL and the violation messages.

    Returns:
        The Result; or a ``skipped`` Problem for a response without a JSON body or
        without a route; or an ``unreadable`` Problem for a JSON body that does not
        parse. The source is ``METHOD URL -> STATUS``.
    """
    from .inputs.har import response_record
    from .validation import check_records

    secrets = tuple(secrets)
    url = redact(url, secrets)
    exchange = Exchange(method.upper(), url, status)
    source = Source(f"{exchange.method} {url}", entry=f"-> {status}")
    record = response_record(source, exchange, body, media_type)
    if isinstance(record, Problem):
        return record
    outcome = next(check_records(contract, [record], strict=strict))
    if isinstance(outcome, Problem):
        # No route (or no single schema) for this response: it has no contract.
        return dataclasses.replace(outcome, reason=redact(outcome.reason, secrets), kind="skipped")
    if outcome.valid or not secrets:
        return outcome
    violations = tuple(
        dataclasses.replace(violation, message=redact(violation.message, secrets))
        for violation in outcome.violations
    )
    return dataclasses.replace(outcome, violations=violations)


class CheckingClient(httpx.Client):
    """An ``httpx.Client`` that retries a 429 and checks every response it returns.

    Both happen in :meth:`send`, under redirects and auth (which ``super().send``
    handles) and over whatever transport or proxy the client mounts. Only the
    response the caller gets is checked: a 429 that is retried is not.

    Args:
        contract: the contract whose routes and schemas check the responses.
        strict: also report properties the schemas do not name.
        secrets: values redacted from every URL and message (the API key).
        retries: how many times a 429 is retried.
        max_wait: the longest ``Retry-After`` wait obeyed, in seconds.
        sleep: how to wait (tests pass a fake).
        **options: passed to ``httpx.Client``.
    """

    def __init__(
        self,
        contract: Contract,
        *,
        strict: bool = False,
        secrets: Iterable[str] = (),
        retries: int = MAX_RETRIES,
        max_wait: float = MAX_RETRY_WAIT,
        sleep: Callable[[float], object] = time.sleep,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.contract = contract
        self.strict = strict
        self.secrets = tuple(secrets)
        self.retries = retries
        self.max_wait = max_wait
        self.sleep = sleep

    def send(self, request: httpx.Request, **options: Any) -> httpx.Response:
        """Send, retry while the answer is 429 (at most ``retries`` times), then check.

        A request body is sent again on a retry: bytes, text, JSON and form bodies
        can be; a generator body cannot.

        Raises:
            ContractViolation: the response breaks the schema of its route.
            InputError: the response says it is JSON but its body does not parse.
        """
        __tracebackhide__ = True
        response = super().send(request, **options)
        for attempt in range(self.retries):
            if response.status_code != httpx.codes.TOO_MANY_REQUESTS:
                break
            wait = retry_after(
                response.headers.get("retry-after"), default=2.0**attempt, limit=self.max_wait
            )
            response.close()
            self.sleep(wait)
            response = super().send(request, **options)
        self.check(response)
        return response

    def check(self, response: httpx.Response) -> None:
        """Check one response; raise if it breaks the contract (see :meth:`send`)."""
        __tracebackhide__ = True
        try:
            response.read()
        except BaseException:
            response.close()
            raise
        outcome = check_response(
            self.contract,
            response.request.method,
            str(response.request.url),
            response.status_code,
            media_type=response.headers.get("content-type"),
            body=response.content,
            strict=self.strict,
            secrets=self.secrets,
        )
        if isinstance(outcome, Result) and not outcome.valid:
            raise ContractViolation(outcome)
        if isinstance(outcome, Problem) and outcome.kind != "skipped":
            raise InputError(f"{outcome.source}: {outcome.reason}")


def client(
    contract: Contract,
    api_key: str,
    *,
    base_url: str = DEFAULT_BASE_URL,
    revision: str = DEFAULT_REVISION,
    timeout: float = DEFAULT_TIMEOUT,
    strict: bool = False,
    retries: int = MAX_RETRIES,
    max_wait: float = MAX_RETRY_WAIT,
    sleep: Callable[[float], object] = time.sleep,
    transport: httpx.BaseTransport | None = None,
) -> CheckingClient:
    """A client for the Klaviyo API whose every JSON response is checked.

    Args:
        contract: the contract whose routes and schemas check the responses.
        api_key: the private API key, sent as ``Authorization: Klaviyo-API-Key KEY``.
        base_url: where requests go; paths like ``/api/...`` are joined to it.
        revision: the ``revision`` header (the API version the contract describes).
        timeout: seconds for each of connect, read, write and pool.
        strict: also report properties the schemas do not name.
        retries: how many times a 429 is retried.
        max_wait: the longest ``Retry-After`` wait obeyed, in seconds.
        sleep: how to wait (tests pass a fake).
        transport: httpx's HTTP transport unless given (tests pass a mock).

    Returns:
        A :class:`CheckingClient` (an ``httpx.Client``); close it, or use it in a
        ``with`` block. A call whose response breaks the contract raises
        ``ContractViolation``; one whose body claims to be JSON but does not parse
        raises ``InputError``.
    """
    headers = {
        "Authorization": f"Klaviyo-API-Key {api_key}",
        "revision": revision,
        "Accept": MEDIA_TYPE,
    }
    return CheckingClient(
        contract,
        strict=strict,
        secrets=(api_key,),
        retries=retries,
        max_wait=max_wait,
        sleep=sleep,
        base_url=base_url,
        headers=headers,
        timeout=timeout,
        transport=transport,
    )


def revision_of(documents: Iterable[str | Path]) -> str | None:
    """The latest ``info.version`` among OpenAPI documents (JSON or YAML), if any.

    Read with a pattern rather than a YAML parse: only the version is needed.
    """
    found: list[str] = []
    for document in documents:
        try:
            text = Path(document).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if str(document).endswith(".json"):
            try:
                version = json.loads(text).get("info", {}).get("version")
            except (ValueError, AttributeError):
                continue
            if isinstance(version, str):
                found.append(version)
        else:
            match = _YAML_VERSION.search(text)
            if match:
                found.append(match.group(1))
    return max(found) if found else None
