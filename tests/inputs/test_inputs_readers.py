"""The .json and .ndjson readers over open binary streams."""

from __future__ import annotations

import errno
import io
import itertools

from klaviyo_contract.inputs import READERS
from klaviyo_contract.inputs.jsonfile import read_json
from klaviyo_contract.inputs.ndjson import read_ndjson
from klaviyo_contract.model import Problem, Record, Source


def records(reader, data: bytes, path: str = "in"):
    return list(reader(io.BytesIO(data), path))


class FailingStream(io.RawIOBase):
    """A stream that serves ``good`` and then fails like a disk does (EIO)."""

    def __init__(self, good: bytes = b"") -> None:
        self._good = good

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if not self._good:
            raise OSError(errno.EIO, "Input/output error")
        size = min(len(buffer), len(self._good))
        buffer[:size] = self._good[:size]
        self._good = self._good[size:]
        return size


class LazyStream(io.RawIOBase):
    """Serves the chunks of an iterator on demand, counting how many bytes it gave."""

    def __init__(self, chunks) -> None:
        self._chunks = iter(chunks)
        self._pending = b""
        self.served = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = chunk
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        self.served += size
        return size


def test_the_table_reads_json_and_both_ndjson_suffixes():
    assert READERS[".json"] is read_json
    assert READERS[".ndjson"] is READERS[".jsonl"] is read_ndjson


def test_a_json_object_file_is_one_record_without_line_or_entry():
    assert records(read_json, b'{"data": {"id": "1"}}', "a.json") == [
        Record(Source("a.json"), {"data": {"id": "1"}})
    ]


def test_a_top_level_array_is_one_record_per_item_named_by_index():
    found = records(read_json, b'[{"id": 1}, {"id": 2}, 3]', "batch.json")
    assert found == [
        Record(Source("batch.json", entry="[0]"), {"id": 1}),
        Record(Source("batch.json", entry="[1]"), {"id": 2}),
        Record(Source("batch.json", entry="[2]"), 3),
    ]


def test_an_empty_array_holds_no_payloads():
    assert records(read_json, b"[]") == []


def test_a_bad_json_file_is_one_problem_located_in_source_and_reason():
    (found,) = records(read_json, b'{\n  "a": 1\n  "b": 2\n}', "bad.json")
    assert found == Problem(Source("bad.json", 3, 3), "not valid JSON: expected ',' or '}'")


def test_an_empty_json_file_is_a_problem():
    (found,) = records(read_json, b"", "empty.json")
    assert found == Problem(Source("empty.json"), "empty input")


def test_a_json_file_that_fails_to_read_is_a_problem_not_an_exception():
    (found,) = read_json(io.BufferedReader(FailingStream()), "disk.json")
    assert found == Problem(Source("disk.json"), "cannot read: input/output error")


def test_ndjson_lines_are_records_numbered_from_one():
    data = b'{"n": 1}\n{"n": 2}\r\n[3]\n'
    assert records(read_ndjson, data, "x.ndjson") == [
        Record(Source("x.ndjson", 1), {"n": 1}),
        Record(Source("x.ndjson", 2), {"n": 2}),
        Record(Source("x.ndjson", 3), [3]),
    ]


def test_blank_and_whitespace_lines_are_skipped_but_still_counted():
    data = b'\n   \n\t\r\n{"n": 4}\n\n'
    assert records(read_ndjson, data) == [Record(Source("in", 4), {"n": 4})]


def test_an_empty_ndjson_file_holds_no_payloads():
    assert records(read_ndjson, b"") == []
    assert records(read_ndjson, b"\n\n") == []


def test_a_bad_line_is_a_problem_at_its_line_and_the_lines_after_it_are_read():
    data = b'{"n": 1}\n{"n": 2,, }\n{"n": 3}\n'
    first, bad, third = records(read_ndjson, data, "x.jsonl")
    assert first == Record(Source("x.jsonl", 1), {"n": 1})
    assert isinstance(bad, Problem)
    assert bad.source == Source("x.jsonl", 2, 9)
    assert bad.reason.startswith("not valid JSON: ")
    assert "line" not in bad.reason  # the Source carries the place
    assert third == Record(Source("x.jsonl", 3), {"n": 3})


def test_a_truncated_last_line_is_a_problem_after_the_good_lines():
    found = records(read_ndjson, b'{"n": 1}\n{"n": 2}\n{"data": {"id', "cut.ndjson")
    assert [type(item) for item in found] == [Record, Record, Problem]
    assert "truncated" in found[2].reason
    assert found[2].source.line == 3


def test_every_kind_of_bad_line_is_reported_and_none_stops_the_stream():
    bad_lines = [
        b'{"a": NaN}',
        b'{"a": "\xff"}',
        b'{"a": 1, "a": 2}',
        b"[" * 2000 + b"]" * 2000,
        b"[1e999]",
        b'"\xef\xbb\xbf"' + b"x",
    ]
    data = b"\n".join(line + b'\n{"ok": %d}' % index for index, line in enumerate(bad_lines))
    found = records(read_ndjson, data)
    assert [type(item) for item in found] == [Problem, Record] * len(bad_lines)
    assert [item.source.line for item in found] == list(range(1, 2 * len(bad_lines) + 1))
    reasons = [item.reason for item in found[::2]]
    assert "NaN" in reasons[0]
    assert "not UTF-8" in reasons[1]
    assert "duplicate key" in reasons[2]
    assert "nested more than" in reasons[3]
    assert "number too large" in reasons[4]


def test_a_byte_order_mark_at_the_start_is_refused_on_line_one_and_the_rest_read():
    found = records(read_ndjson, b'\xef\xbb\xbf{"n": 1}\n{"n": 2}\n', "bom.ndjson")
    assert found[0] == Problem(
        Source("bom.ndjson", 1, 1),
        "starts with a UTF-8 byte order mark, which RFC 8259 (8.1) forbids; "
        "remove the byte order mark",
    )
    assert found[1] == Record(Source("bom.ndjson", 2), {"n": 2})


def test_a_duplicate_key_deep_in_a_line_names_the_column_not_a_wrong_line():
    data = b'{"n": 1}\n{"data": {"attributes": {"status": "queued", "status": "complete"}}}\n'
    _, found = records(read_ndjson, data)
    assert found.reason == (
        'duplicate key "status" in the object at /data/attributes (first at column 26)'
    )
    assert found.source == Source("in", 2, 46)


def test_huge_integers_in_a_line_are_kept_exact():
    (found,) = records(read_ndjson, b'{"id": 340282366920938463463374607431768211456}\n')
    assert found.payload == {"id": 2**128}


def test_ndjson_is_streamed_the_first_record_comes_before_the_input_ends():
    """An endless input: only streaming can yield anything from it."""
    lines = (b'{"data": {"id": "%d", "pad": "%s"}}\n' % (n, b"x" * 200) for n in itertools.count())
    stream = LazyStream(lines)
    reader = read_ndjson(io.BufferedReader(stream), "endless.ndjson")
    first = next(reader)
    assert first == Record(Source("endless.ndjson", 1), {"data": {"id": "0", "pad": "x" * 200}})
    assert stream.served <= 64 * 1024
    assert [record.source.line for record in itertools.islice(reader, 3)] == [2, 3, 4]


def test_a_read_error_mid_stream_ends_it_with_a_problem_after_the_good_lines():
    stream = io.BufferedReader(FailingStream(b'{"n": 1}\n{"n": 2}\n'), buffer_size=4)
    found = list(read_ndjson(stream, "disk.ndjson"))
    assert found == [
        Record(Source("disk.ndjson", 1), {"n": 1}),
        Record(Source("disk.ndjson", 2), {"n": 2}),
        Problem(Source("disk.ndjson", 3), "cannot read: input/output error"),
    ]
