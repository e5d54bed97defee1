"""The .har reader: HAR 1.2 entries to Records with their exchange, or Problems saying why not."""

from __future__ import annotations

import base64
import gzip
import io
import json

import pytest

from conftest import QUEUED_COUPON_JOB, ROOT
from klaviyo_contract.inputs import READERS, read, read_all
from klaviyo_contract.inputs import har as har_module
from klaviyo_contract.inputs.har import is_json_type, read_har
from klaviyo_contract.model import Exchange, Problem, Record, Source

JOBS = "https://a.klaviyo.com/api/coupon-code-bulk-create-jobs"
JSONAPI = "application/vnd.api+json"
QUEUED = {"data": QUEUED_COUPON_JOB}


def entry(
    method="GET",
    url=JOBS,
    status=200,
    *,
    text=None,
    mime=JSONAPI,
    encoding=None,
    size=None,
    headers=(),
):
    """A HAR 1.2 entry as browsers and proxies write it (only the fields we read vary)."""
    content = {"size": size if size is not None else len(text or ""), "mimeType": mime}
    if mime is None:
        del content["mimeType"]
    if text is not None:
        content["text"] = text
    if encoding is not None:
        content["encoding"] = encoding
    return {
        "startedDateTime": "2024-10-28T14:03:27.301Z",
        "time": 120,
        "request": {"method": method, "url": url, "httpVersion": "HTTP/1.1", "headers": []},
        "response": {
            "status": status,
            "statusText": "",
            "httpVersion": "HTTP/1.1",
            "headers": [{"name": name, "value": value} for name, value in headers],
            "content": content,
        },
        "cache": {},
        "timings": {"send": 1, "wait": 117, "receive": 2},
    }


def har(*entries) -> bytes:
    log = {"version": "1.2", "creator": {"name": "test", "version": "1"}, "entries": list(entries)}
    return json.dumps({"log": log}).encode()


def records(data: bytes, path: str = "x.har"):
    return list(read_har(io.BytesIO(data), path))


def test_the_table_reads_har_files():
    assert READERS[".har"] is read_har


def test_har_entries_become_records_with_their_exchange_and_entry_source():
    data = har(
        entry("POST", JOBS, 202, text=json.dumps(QUEUED)),
        entry("GET", f"{JOBS}/01J?fields[coupon-code-bulk-create-job]=status", 200, text="{}"),
    )
    first, second = records(data, "jobs.har")
    assert first == Record(
        Source("jobs.har", entry="entries[0]"), QUEUED, Exchange("POST", JOBS, 202)
    )
    assert second.source == Source("jobs.har", entry="entries[1]")
    assert second.exchange.fields == {"coupon-code-bulk-create-job": frozenset({"status"})}
    assert str(second.source) == "jobs.har entries[1]"


def test_a_base64_body_is_decoded_before_it_is_parsed():
    text = base64.b64encode(json.dumps(QUEUED).encode()).decode()
    (found,) = records(har(entry(text=text, encoding="base64")))
    assert found.payload == QUEUED


def test_a_gzip_body_saved_as_base64_is_decompressed():
    """A HAR holds decoded text, but some tools save the bytes as they came."""
    text = base64.b64encode(gzip.compress(b'{"data": []}')).decode()
    (found,) = records(har(entry(text=text, encoding="base64")))
    assert found.payload == {"data": []}


def test_json_media_types_include_parameters_and_the_json_suffix_but_not_streams():
    assert is_json_type("application/json")
    assert is_json_type("application/vnd.api+json")
    assert is_json_type("Application/JSON; charset=utf-8")
    assert is_json_type("text/json")
    assert not is_json_type("application/x-ndjson")
    assert not is_json_type("application/json-seq")
    assert not is_json_type("text/html; charset=utf-8")
    assert not is_json_type("")


def test_entries_without_a_json_body_are_skipped_problems_that_say_why():
    """They have no contract, so they are counted as skipped and never fail a run."""
    found = records(
        har(
            entry("DELETE", status=204, text="", mime=""),
            entry(text="<html></html>", mime="text/html; charset=utf-8"),
            entry(status=0, mime=""),
            entry(status=304, mime=JSONAPI),
            entry(text="   \n", mime=JSONAPI),
        )
    )
    assert all(isinstance(item, Problem) and item.kind == "skipped" for item in found)
    assert [item.reason for item in found] == [
        "no JSON body (empty, status 204)",
        "no JSON body (text/html; charset=utf-8)",
        "no JSON body (no response: the request failed)",
        "no JSON body (empty, status 304)",
        "no JSON body (empty, status 200)",
    ]
    assert [item.source.entry for item in found] == [f"entries[{i}]" for i in range(5)]


def test_without_a_media_type_a_body_that_starts_like_json_is_read_as_json():
    found = records(
        har(
            entry(text='{"data": []}', mime=None),
            entry(text='[{"n": 1}]', mime="x-unknown"),
            entry(text='{"n": 2}', mime="", headers=[("content-TYPE", "application/json")]),
            entry(text="OK", mime=None),
            entry(text='{"n": 3,', mime=None),
        )
    )
    assert [item.payload for item in found[:3]] == [{"data": []}, [{"n": 1}], {"n": 2}]
    assert found[3] == Problem(
        Source("x.har", entry="entries[3]"),
        "no JSON body (no media type, and the body does not start with { or [)",
        "skipped",
    )
    assert found[4].kind == "unreadable"


def test_a_bad_json_body_is_one_problem_and_the_other_entries_still_come():
    found = records(
        har(
            entry(text='{"n": 1}'),
            entry(text='{\n  "a": 1\n  "b": 2\n}'),
            entry(text='{"a": 1, "a": 2}'),
            entry(text='{"n": NaN}'),
            entry(text='{"n": 4}'),
        )
    )
    assert [type(item) for item in found] == [Record, Problem, Problem, Problem, Record]
    assert found[1] == Problem(
        Source("x.har", entry="entries[1]"),
        "response body line 3, column 3: not valid JSON: expected ',' or '}'",
    )
    assert "duplicate key" in found[2].reason
    assert "NaN" in found[3].reason
    assert found[4].payload == {"n": 4}


def test_a_json_body_left_out_of_the_har_is_unreadable_not_skipped():
    """An export without content would otherwise pass a CI gate having checked nothing."""
    (found,) = records(har(entry(size=1834)))
    assert found == Problem(
        Source("x.har", entry="entries[0]"),
        "the 1834-byte JSON response body is not in the HAR (content.text missing); "
        "export the HAR with content",
    )


def test_a_body_that_cannot_be_decoded_is_a_problem():
    found = records(
        har(
            entry(text="not base64!", encoding="base64"),
            entry(text="e30=", encoding="quoted-printable"),
            entry(text=base64.b64encode(gzip.compress(b"{}")[:-6]).decode(), encoding="base64"),
        )
    )
    assert [item.kind for item in found] == ["unreadable"] * 3
    assert found[0].reason.startswith("the base64 response body cannot be decoded: ")
    assert (
        found[1].reason == "unknown response.content.encoding 'quoted-printable' (HAR knows base64)"
    )
    assert found[2].reason == "the gzip response body is truncated"


def test_a_compressed_body_that_inflates_past_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(har_module, "MAX_BODY", 1024)
    bomb = base64.b64encode(gzip.compress(b"[" + b"0," * 4096 + b"0]")).decode()
    (found,) = records(har(entry(text=bomb, encoding="base64")))
    assert found.kind == "unreadable"
    assert found.reason.startswith("the gzip response body inflates past ")


def test_an_entry_that_is_not_a_har_entry_is_a_problem_and_the_rest_are_read():
    no_url = entry(text="{}")
    del no_url["request"]["url"]
    text_status = entry(text="{}")
    text_status["response"]["status"] = "200"
    found = records(har("nope", no_url, text_status, entry(text='{"ok": true}')))
    assert [item.reason for item in found[:3]] == [
        "not a HAR entry: it needs a request and a response object",
        "not a HAR entry: request.method and request.url must be strings",
        "not a HAR entry: response.status must be an integer",
    ]
    assert found[3].payload == {"ok": True}


@pytest.mark.parametrize(
    "data", [b"{}", b"[]", b'{"log": {}}', b'{"log": {"entries": {}}}', b'"log"']
)
def test_a_json_file_that_is_not_a_har_is_one_problem(data):
    assert records(data) == [Problem(Source("x.har"), "not a HAR file: no log.entries list")]


def test_a_har_file_that_is_not_json_is_one_problem_located_in_the_file():
    (truncated,) = records(har(entry(text="{}"))[:-3], "cut.har")
    assert truncated.source.path == "cut.har"
    assert truncated.source.line == 1
    assert "truncated" in truncated.reason
    (empty,) = records(b"", "empty.har")
    assert empty == Problem(Source("empty.har"), "empty input")


def test_an_empty_har_holds_no_payloads():
    assert records(har()) == []


def test_read_dispatches_har_by_suffix_whatever_its_case(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Capture.HAR").write_bytes(har(entry(text='{"n": 1}')))
    assert list(read_all(["Capture.HAR"])) == [
        Record(Source("Capture.HAR", entry="entries[0]"), {"n": 1}, Exchange("GET", JOBS, 200))
    ]


def test_the_example_har_holds_five_json_responses_with_their_requests():
    path = str(ROOT / "examples" / "recordings" / "coupon-code-jobs.har")
    found = list(read(path))
    assert all(isinstance(item, Record) for item in found)
    assert [str(item.exchange).split(" -> ")[1] for item in found] == [
        "202",
        "200",
        "200",
        "200",
        "400",
    ]
    assert found[2].exchange.fields == {"coupon-code-bulk-create-job": frozenset({"status"})}
    assert found[2].payload["data"]["attributes"] == {"status": "complete"}
    assert "errors" in found[4].payload
