"""Builders for the recordings the plugin tests put in their temporary projects.

HAR files, VCR cassettes, and the job documents Klaviyo answers with (valid unless a
test breaks them on purpose).
"""

from __future__ import annotations

import json
from typing import Any

# Imported here, before any in-process pytest run, so that pytester's sys.modules
# snapshots keep them. A module first imported inside a run is dropped after it and
# imported afresh by the next, and PyYAML's C loader (an extension module, never
# re-initialised) then builds nodes of the old module's classes, which the new
# constructor does not know ("could not determine a constructor for the tag None");
# httpx imports httpcore lazily and keeps a map of its exception classes, which a
# fresh httpcore no longer matches (httpcore.ReadTimeout escapes as itself).
import httpcore  # noqa: F401
import httpx  # noqa: F401
import yaml

import klaviyo_contract.inputs
import klaviyo_contract.live
import klaviyo_contract.openapi  # noqa: F401

BASE_URL = "https://a.klaviyo.com"
JOB_ID = "01JB7Q3K9ZP6T2X8N4M5R0C1VD"
JOB_PATH = f"/api/coupon-code-bulk-create-jobs/{JOB_ID}"
JOBS_PATH = "/api/coupon-code-bulk-create-jobs"
JSON_API = "application/vnd.api+json"


def coupon_job(job_id: str = JOB_ID, **attributes: Any) -> dict[str, Any]:
    """A complete coupon-code bulk-create job resource; ``attributes`` override its own."""
    resource: dict[str, Any] = {
        "type": "coupon-code-bulk-create-job",
        "id": job_id,
        "attributes": {
            "status": "complete",
            "created_at": "2024-10-28T14:03:27.418262+00:00",
            "total_count": 3,
            "completed_count": 3,
            "failed_count": 0,
            "completed_at": "2024-10-28T14:03:31.002114+00:00",
            "errors": None,
            "expires_at": None,
        },
        "links": {"self": f"{BASE_URL}/api/coupon-code-bulk-create-jobs/{job_id}/"},
    }
    resource["attributes"].update(attributes)
    return resource


def job_document(**attributes: Any) -> dict[str, Any]:
    """The body of ``GET /api/coupon-code-bulk-create-jobs/{job_id}``."""
    return {"data": coupon_job(**attributes), "links": {"self": f"{BASE_URL}{JOB_PATH}/"}}


def created_document() -> dict[str, Any]:
    """The body of ``POST /api/coupon-code-bulk-create-jobs`` (202): a queued job."""
    queued = coupon_job(status="queued", completed_count=None, failed_count=None, completed_at=None)
    return {"data": queued, "links": {"self": f"{BASE_URL}{JOBS_PATH}/"}}


def jobs_document() -> dict[str, Any]:
    """The body of ``GET /api/coupon-code-bulk-create-jobs``: a page of two jobs."""
    return {
        "data": [coupon_job(), coupon_job("01JB7Q3K9ZP6T2X8N4M5R0C1VE", status="processing")],
        "links": {"self": f"{BASE_URL}{JOBS_PATH}/"},
    }


def error_document(status: int, code: str) -> dict[str, Any]:
    """A JSON:API error document, as Klaviyo sends with 4XX and 5XX responses."""
    return {
        "errors": [
            {
                "id": "7a5e8c3d-5b1f-4b8e-9d55-3f2c7d9e0a11",
                "status": status,
                "code": code,
                "title": code.replace("_", " ").capitalize() + ".",
                "detail": f"The request failed with {status}.",
                "source": {"pointer": "/data/"},
            }
        ]
    }


def har_entry(
    method: str, path: str, status: int, body: Any, *, mime: str = JSON_API
) -> dict[str, Any]:
    """One HAR 1.2 entry; ``body`` is JSON-encoded unless it is text, or None (no body)."""
    content: dict[str, Any] = {"size": 0, "mimeType": mime}
    if body is not None:
        content["text"] = body if isinstance(body, str) else json.dumps(body)
        content["size"] = len(content["text"])
    return {
        "startedDateTime": "2024-10-28T14:03:27.301Z",
        "time": 120,
        "request": {
            "method": method,
            "url": path if path.startswith("http") else BASE_URL + path,
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": [{"name": "Accept", "value": JSON_API}],
            "queryString": [],
            "headersSize": -1,
            "bodySize": 0,
        },
        "response": {
            "status": status,
            "statusText": "",
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": [{"name": "Content-Type", "value": mime}],
            "content": content,
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": content["size"],
        },
        "cache": {},
        "timings": {"send": 1, "wait": 100, "receive": 19},
    }


def har(*entries: dict[str, Any]) -> str:
    """A HAR file's text holding ``entries``."""
    log = {"version": "1.2", "creator": {"name": "tests", "version": "1"}, "entries": entries}
    return json.dumps({"log": log}, indent=1)


def cassette(*interactions: tuple[str, str, int, Any]) -> str:
    """A VCR.py cassette's text: one interaction per (method, path, status, body)."""
    items = [
        {
            "request": {
                "body": None,
                "headers": {"Accept": [JSON_API]},
                "method": method,
                "uri": BASE_URL + path,
            },
            "response": {
                "body": {"string": json.dumps(body)},
                "headers": {"Content-Type": [JSON_API]},
                "status": {"code": status, "message": ""},
            },
        }
        for method, path, status, body in interactions
    ]
    return yaml.safe_dump({"interactions": items, "version": 1}, sort_keys=False)


def create_and_poll_har() -> str:
    """A create, a poll, and a poll whose answer breaks the contract: entries[2].

    Its ``status`` is ``done``, which is not one of the enum's values.
    """
    return har(
        har_entry("POST", JOBS_PATH, 202, created_document()),
        har_entry("GET", JOB_PATH, 200, job_document(status="processing")),
        har_entry("GET", JOB_PATH, 200, job_document(status="done")),
    )
