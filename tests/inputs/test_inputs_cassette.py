"""The .yaml/.yml reader: VCR.py cassettes to Records with their exchange, or Problems."""

from __future__ import annotations

import gzip
import io
import json
import sys
import zlib

import pytest
import yaml

from conftest import QUEUED_COUPON_JOB, ROOT
from klaviyo_contract.inputs import READERS, read
from klaviyo_contract.inputs.cassette import read_cassette
from klaviyo_contract.model import Exchange, Problem, Record, Source

ITEMS = "https://a.klaviyo.com/api/catalog-item-bulk-create-jobs"
JSONAPI = "application/vnd.api+json"
QUEUED = {"data": QUEUED_COUPON_JOB}


def interaction(method="GET", uri=ITEMS, code=200, body=b"", headers=None):
    """One interaction as vcrpy stores it: headers map to lists, the body under ``string``.

    A ``bytes`` body is what vcrpy keeps when the bytes are not UTF-8 (gzip, say);
    ``yaml.safe_dump`` writes it as ``!!binary``, as vcrpy's dumper does.
    """
    if headers is None:
        headers = {"Content-Type": [JSONAPI]}
    return {
        "request": {"body": None, "headers": {"Accept": [JSONAPI]}, "method": method, "uri": uri},
        "response": {
            "body": {"string": body},
            "headers": headers,
            "status": {"code": code, "message": "OK"},
        },
    }


def cassette(*interactions) -> bytes:
    return yaml.safe_dump({"interactions": list(interactions), "version": 1}).encode()


def records(data: bytes, path: str = "c.yaml"):
    return list(read_cassette(io.BytesIO(data), path))


def test_the_table_reads_yaml_and_yml_as_cassettes():
    assert READERS[".yaml"] is READERS[".yml"] is read_cassette


def test_interactions_with_text_bodies_become_records_with_exchange_line_and_entry():
    data = cassette(
        interaction("POST", ITEMS, 202, json.dumps(QUEUED)),
        interaction("get", f"{ITEMS}/01J?fields[catalog-item-bulk-create-job]=status", 200, "{}"),
    )
    first, second = records(data, "jobs.yaml")
    assert first == Record(
        Source("jobs.yaml", 2, entry="interactions[0]"), QUEUED, Exchange("POST", ITEMS, 202)
    )
    assert second.exchange.method == "GET"
    assert second.exchange.fields == {"catalog-item-bulk-create-job": frozenset({"status"})}
    lines = data.decode().splitlines()
    assert lines[second.source.line - 1] == "- request:"
    assert str(second.source) == f"jobs.yaml:{second.source.line} interactions[1]"


def test_a_bytes_body_written_as_binary_is_read_as_utf8_json():
    data = cassette(interaction(body=json.dumps(QUEUED).encode()))
    assert b"!!binary" in data
    (found,) = records(data)
    assert found.payload == QUEUED


def test_a_gzip_body_is_decompressed_as_vcrpy_recorded_it():
    headers = {"Content-Encoding": ["gzip"], "Content-Type": [JSONAPI]}
    data = cassette(interaction(body=gzip.compress(json.dumps(QUEUED).encode()), headers=headers))
    assert b"!!binary" in data
    (found,) = records(data)
    assert found.payload == QUEUED


def test_content_encoding_and_type_headers_are_found_whatever_their_case():
    """Deflate has no magic bytes: only the header, in any case, says to inflate."""
    found = records(
        cassette(
            interaction(
                body=zlib.compress(b'{"n": 1}'),
                headers={"CONTENT-ENCODING": ["deflate"], "content-type": [JSONAPI]},
            ),
            interaction(
                body=gzip.compress(b'{"n": 2}'),
                headers={"content-encoding": "gzip", "Content-TYPE": "application/json"},
            ),
            interaction(body="<p>hi</p>", headers={"CoNtEnT-TyPe": ["text/html"]}),
        )
    )
    assert [getattr(item, "payload", None) for item in found] == [{"n": 1}, {"n": 2}, None]
    assert found[2].reason == "no JSON body (text/html)"


def test_a_gzip_body_is_recognised_by_its_magic_bytes_when_the_header_was_filtered():
    (found,) = records(cassette(interaction(body=gzip.compress(b'{"n": 1}'))))
    assert found.payload == {"n": 1}


def test_a_body_already_decoded_under_a_stale_gzip_header_is_read_as_it_is():
    headers = {"Content-Encoding": ["gzip"], "Content-Type": [JSONAPI]}
    (found,) = records(cassette(interaction(body='{"n": 1}', headers=headers)))
    assert found.payload == {"n": 1}


def test_a_compression_the_reader_cannot_undo_is_a_problem_naming_the_fix():
    headers = {"Content-Encoding": ["br"], "Content-Type": [JSONAPI]}
    html = {"Content-Encoding": ["br"], "Content-Type": ["text/html"]}
    found, page = records(
        cassette(
            interaction(body=b"\x8b\x02\x80{}\x03", headers=headers),
            interaction(body=b"\x8b\x02\x80<p>\x03", headers=html),
        )
    )
    assert page.kind == "skipped"  # not JSON: nothing to decode, nothing lost
    assert found.kind == "unreadable"
    assert found.reason == (
        "the response body is br-compressed, which cannot be decoded here; "
        "record it decompressed (vcrpy: decode_compressed_response=True)"
    )


def test_responses_without_a_json_body_are_skipped_problems_that_say_why():
    no_body = interaction(code=204)
    no_body["response"]["body"] = {"string": None}
    found = records(
        cassette(
            interaction("DELETE", code=204, body=""),
            no_body,
            interaction(body="plain words", headers={}),
        )
    )
    assert [(item.kind, item.reason) for item in found] == [
        ("skipped", "no JSON body (empty, status 204)"),
        ("skipped", "no JSON body (empty, status 204)"),
        ("skipped", "no JSON body (no media type, and the body does not start with { or [)"),
    ]


def test_a_bad_json_body_is_one_problem_at_its_interaction_and_the_rest_still_come():
    found = records(
        cassette(
            interaction(body='{"n": 1}'),
            interaction(body=b'{"n": "\xff"}'),
            interaction(body='{"n": 2,'),
            interaction(body='{"n": 3}'),
        )
    )
    assert [type(item) for item in found] == [Record, Problem, Problem, Record]
    assert found[1].source.entry == "interactions[1]"
    assert found[1].source.line is not None
    assert found[1].reason.startswith("response body line 1, column 8: not UTF-8")
    assert "truncated" in found[2].reason
    assert found[3].payload == {"n": 3}


def test_an_interaction_missing_its_parts_is_a_problem_and_the_rest_are_read():
    no_code = interaction(body="{}")
    no_code["response"]["status"] = {"message": "OK"}
    no_uri = interaction(body="{}")
    del no_uri["request"]["uri"]
    found = records(cassette("nope", no_uri, no_code, interaction(body='{"ok": true}')))
    assert [item.reason for item in found[:3]] == [
        "not a VCR.py interaction: it needs a request and a response",
        "not a VCR.py interaction: request.method and request.uri must be text",
        "not a VCR.py interaction: response.status.code must be an integer",
    ]
    assert found[3].payload == {"ok": True}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("services:\n  web:\n    image: nginx\n", "not a VCR.py cassette: no interactions list"),
        ("- 1\n- 2\n", "not a VCR.py cassette: no interactions list"),
        ("interactions: 3\n", "not a VCR.py cassette: no interactions list"),
        ("just text\n", "not a VCR.py cassette: no interactions list"),
        (
            "http_interactions: []\nrecorded_with: VCR 6.0.0\n",
            "not a VCR.py cassette: http_interactions is the Ruby VCR (or Betamax) format; "
            "only VCR.py cassettes, with interactions, are read",
        ),
        ("# nothing but a comment\n", "empty input"),
        ("", "empty input"),
    ],
)
def test_yaml_that_is_not_a_cassette_is_one_problem_saying_so(text, reason):
    assert records(text.encode(), "other.yml") == [Problem(Source("other.yml"), reason)]


def test_malformed_yaml_is_one_problem_at_the_line_and_column_the_parser_gives():
    data = b"interactions:\n- request: {method: GET\n  response: x\n"
    (found,) = records(data, "bad.yaml")
    assert found.kind == "unreadable"
    assert found.source == Source("bad.yaml", 3, 11)
    mark = _yaml_error(data).problem_mark
    assert (found.source.line, found.source.column) == (mark.line + 1, mark.column + 1)
    assert found.reason.startswith("not valid YAML: ")
    assert found.reason.endswith("(while parsing a flow mapping at line 2)")


def test_bytes_yaml_cannot_read_are_a_problem_at_their_line():
    (found,) = records(b"interactions:\n- \x00\n", "nul.yaml")
    assert found == Problem(
        Source("nul.yaml", 2),
        "not valid YAML: character #x0000: control characters are not allowed",
    )


def test_python_tags_are_refused_never_run():
    """The safe loader builds plain values only: no object from a cassette is called."""
    text = b"interactions: !!python/object/apply:os.system ['echo pwned']\n"
    (found,) = records(text)
    assert found.kind == "unreadable"
    assert "could not determine a constructor" in found.reason
    assert found.source.line == 1


def test_the_pure_python_loader_reads_the_same_records(monkeypatch):
    data = cassette(
        interaction(body=json.dumps(QUEUED)),
        interaction(body=gzip.compress(b"[1]"), headers={"Content-Encoding": ["gzip"]}),
    )
    fast = records(data)
    monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    assert records(data) == fast


def test_without_pyyaml_a_cassette_is_a_problem_naming_the_fix(monkeypatch):
    monkeypatch.setitem(sys.modules, "yaml", None)  # makes `import yaml` fail
    assert records(cassette(interaction(body="{}"))) == [
        Problem(Source("c.yaml"), "reading a VCR cassette needs PyYAML: pip install pyyaml")
    ]


def test_read_dispatches_recordings_by_suffix_and_a_walk_reads_them(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "rec").mkdir()
    (tmp_path / "rec" / "a.yaml").write_bytes(cassette(interaction(body='{"n": 1}')))
    (tmp_path / "rec" / "b.YML").write_bytes(cassette(interaction(body='{"n": 2}')))
    (tmp_path / "rec" / "c.har").write_text(
        json.dumps({"log": {"entries": [json.loads(_har_entry('{"n": 3}'))]}})
    )
    (tmp_path / "rec" / "compose.yml").write_text("services: {}\n")
    found = list(read("rec"))
    assert [(type(item).__name__, str(item.source)) for item in found] == [
        ("Record", "rec/a.yaml:2 interactions[0]"),
        ("Record", "rec/b.YML:2 interactions[0]"),
        ("Record", "rec/c.har entries[0]"),
        ("Problem", "rec/compose.yml"),
    ]
    assert [item.payload for item in found[:3]] == [{"n": 1}, {"n": 2}, {"n": 3}]


def test_the_example_cassette_reads_a_plain_and_a_gzip_body_at_their_lines():
    path = ROOT / "examples" / "recordings" / "catalog-item-jobs.yaml"
    text = path.read_text()
    assert "!!binary" in text
    assert "Content-Encoding:\n      - gzip" in text
    found = list(read(str(path)))
    assert all(isinstance(item, Record) for item in found)
    assert [(item.exchange.method, item.exchange.status) for item in found] == [
        ("POST", 202),
        ("GET", 200),
        ("GET", 200),
    ]
    assert found[1].payload["data"]["attributes"]["status"] == "complete"
    lines = text.splitlines()
    assert all(lines[item.source.line - 1] == "- request:" for item in found)


def _yaml_error(data: bytes) -> yaml.MarkedYAMLError:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with pytest.raises(yaml.MarkedYAMLError) as caught:
        yaml.load(data, Loader=loader)
    return caught.value


def _har_entry(text: str) -> str:
    return json.dumps(
        {
            "request": {"method": "GET", "url": ITEMS},
            "response": {"status": 200, "content": {"mimeType": JSONAPI, "text": text}},
        }
    )
