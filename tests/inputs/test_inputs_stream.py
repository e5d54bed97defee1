"""Large .json arrays, streamed item by item: the same records, flat memory, bad tails."""

from __future__ import annotations

import copy
import errno
import io
import itertools
import json

import pytest

from conftest import QUEUED_COUPON_JOB
from klaviyo_contract.inputs import jsonfile, read
from klaviyo_contract.inputs.jsonfile import read_json
from klaviyo_contract.model import Problem, Record, Source

#: Chunk sizes: one byte (every token split), a few bytes, and the real one.
CHUNKS = [1, 7, 64 * 1024]


@pytest.fixture(params=CHUNKS, ids=lambda size: f"chunk{size}")
def streamed(request, monkeypatch):
    """Stream every .json array, whatever its size, in chunks of the given size."""
    monkeypatch.setattr(jsonfile, "STREAM_THRESHOLD", -1)
    monkeypatch.setattr(jsonfile, "CHUNK_SIZE", request.param)
    return request.param


def whole(data: bytes, path: str = "big.json") -> list:
    """What the whole-file path makes of ``data``: the oracle of the streamed one."""
    return list(jsonfile.read_document(data, path))


def stream(data: bytes, path: str = "big.json") -> list:
    return list(read_json(io.BytesIO(data), path))


def jobs(count: int) -> list:
    """Realistic items: queued jobs with nulls, non-ASCII text, floats and nesting."""
    items = []
    for index in range(count):
        job = copy.deepcopy(QUEUED_COUPON_JOB)
        job["id"] = f"01HQ7ZKX5V3S9N0B2C4D6F{index:04d}"
        job["attributes"]["total_count"] = index
        job["attributes"]["note"] = 'été ☃ \U0001f600 \\ " /'
        job["attributes"]["ratio"] = index / 7
        job["relationships"]["coupon-codes"]["data"] = [{"type": "coupon-code", "id": "A"}]
        items.append(job)
    return items


def test_a_large_array_yields_the_records_of_the_whole_file_path(streamed):
    data = json.dumps(jobs(40), indent=2).encode()
    found = stream(data)
    assert found == whole(data)
    assert [record.source for record in found] == [
        Source("big.json", entry=f"[{index}]") for index in range(40)
    ]


def test_every_json_value_and_escape_comes_out_as_the_whole_file_path_makes_it(streamed):
    """Numbers as orjson makes them (ints stay ints, 1e2 is a float), escaped pairs
    joined, an escaped backslash before "u" left alone."""
    data = (
        b'[1, -0, 1.0, 1e2, 0.5, -7.25e-3, 9223372036854775807, "\\ud83d\\ude00",'
        b' "\\\\ud800", "\\u00e9\\n\\t\\"", null, true, false, [], {}, [[{"a": [{}]}]],'
        b' "\xc3\xa9\xe2\x98\x83"]'
    )
    found = stream(data)
    assert found == whole(data)
    assert [type(record.payload) for record in found[:4]] == [int, int, float, float]


def test_integers_beyond_64_bits_are_kept_exact(streamed, tmp_path):
    """yajl cannot read them: the file is read again with ijson's exact Python backend,
    and no item is yielded twice."""
    data = b'[{"n": 1}, {"n": 2}, {"n": 340282366920938463463374607431768211456}, {"n": -3}]'
    path = tmp_path / "big.json"
    path.write_bytes(data)
    with path.open("rb") as file:
        found = list(read_json(file, "big.json"))
    assert found == whole(data)
    assert found[2].payload == {"n": 2**128}


def test_an_array_on_a_stream_that_cannot_be_read_twice_says_why_it_stops(streamed):
    data = b'[{"n": 1}, {"n": 123456789012345678901234567890}]'
    found = list(read_json(io.BufferedReader(Endless([data], forever=False)), "pipe.json"))
    assert found[0] == Record(Source("pipe.json", entry="[0]"), {"n": 1})
    assert found[1].source == Source("pipe.json", entry="[1]")
    assert "integer beyond 64 bits" in found[1].reason


class Endless(io.RawIOBase):
    """Serves ``chunks``, then (if ``forever``) array items for ever; counts what it gave."""

    def __init__(self, chunks, *, forever: bool = True) -> None:
        tail = (b', {"n": %d, "pad": "%s"}' % (n, b"x" * 100) for n in itertools.count())
        self._chunks = itertools.chain(chunks, tail) if forever else iter(chunks)
        self._pending = b""
        self.served = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._pending:
            self._pending = next(self._chunks, b"")
            if not self._pending:
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        self.served += size
        return size


def test_items_come_out_as_they_are_read_not_once_the_file_is(monkeypatch):
    """An endless array: only streaming can yield anything from it."""
    monkeypatch.setattr(jsonfile, "STREAM_THRESHOLD", -1)
    source = Endless([b'[{"n": "first"}'])
    reader = read_json(io.BufferedReader(source), "endless.json")
    first = next(reader)
    assert first == Record(Source("endless.json", entry="[0]"), {"n": "first"})
    assert source.served <= 2 * jsonfile.CHUNK_SIZE
    assert [record.source.entry for record in itertools.islice(reader, 3)] == ["[1]", "[2]", "[3]"]


def test_a_file_larger_than_the_threshold_is_streamed_and_one_at_it_is_read_whole(
    monkeypatch, tmp_path
):
    """Seen from a bad tail: the whole-file path yields nothing before its Problem."""
    data = b'[{"n": 1}, {"n": 2}, {"n": 3'
    path = tmp_path / "cut.json"
    path.write_bytes(data)
    monkeypatch.setattr(jsonfile, "STREAM_THRESHOLD", len(data))
    assert [type(item) for item in read(str(path))] == [Problem]
    monkeypatch.setattr(jsonfile, "STREAM_THRESHOLD", len(data) - 1)
    assert [type(item) for item in read(str(path))] == [Record, Record, Problem]


@pytest.mark.parametrize(
    "data",
    [
        b'{"data": {"type": "coupon-code-bulk-create-job"}}',  # one big object
        b'  "a big string"  ',
        b"\xef\xbb\xbf[1, 2]",  # a byte order mark
        b"\xff\xfe[\x001\x00]\x00",  # UTF-16
        b"",
        b"   \n  ",
    ],
    ids=["object", "string", "bom", "utf16", "empty", "blank"],
)
def test_a_large_file_that_is_no_array_is_read_whole(streamed, data):
    assert stream(data) == whole(data)


BAD_TAILS = {
    "truncated": b'[\n  {"n": 1},\n  {"n": 2},\n  {"n": 3, "s": "abc',
    "truncated literal": b'[\n  {"n": 1},\n  {"n": tru',
    "NaN": b'[\n  {"n": 1},\n  {"n": NaN}\n]',
    "-Infinity": b'[\n  {"n": 1},\n  {"n": -Infinity}\n]',
    "huge float": b'[\n  {"n": 1},\n  {"n": 1e999}\n]',
    "not UTF-8": b'[\n  {"n": 1},\n  {"s": "caf\xe9"}\n]',
    "missing comma": b'[\n  {"n": 1},\n  {"n": 2}\n  {"n": 3}\n]',
    "missing colon": b'[\n  {"n": 1},\n  {"n" 2}\n]',
    "bare word": b'[\n  {"n": 1},\n  {"n": x}\n]',
    "control character": b'[\n  {"n": 1},\n  {"s": "a\x01b"}\n]',
    "lone surrogate": b'[\n  {"n": 1},\n  {"s": "\\ud800!"}\n]',
    "lone low surrogate": b'[\n  {"n": 1},\n  {"s": "\\udc00"}\n]',
    "trailing comma": b'[\n  {"n": 1},\n  {"n": 2},\n]',
    "more after the array": b'[\n  {"n": 1},\n  {"n": 2}\n]\n[3]',
    "malformed number": b'[\n  {"n": 1},\n  {"n": 1.}\n]',
    "bad escape": b'[\n  {"n": 1},\n  {"s": "\\x"}\n]',
}


@pytest.mark.parametrize("data", BAD_TAILS.values(), ids=BAD_TAILS.keys())
def test_a_bad_tail_ends_the_stream_with_the_whole_file_paths_reason_and_place(streamed, data):
    """The items before the fault come first; then one Problem, worded and located as
    the whole-file path words and locates it, in the item where reading stopped."""
    [expected] = whole(data)
    *records, found = stream(data)
    assert records
    assert [record.payload for record in records] == [{"n": 1}, {"n": 2}][: len(records)]
    assert isinstance(found, Problem)
    assert (found.reason, found.source.line, found.source.column) == (
        expected.reason,
        expected.source.line,
        expected.source.column,
    )
    after_the_array = data.rstrip().endswith(b"[3]")
    assert found.source.entry == (None if after_the_array else f"[{len(records)}]")


def test_a_duplicate_key_makes_its_item_a_problem_and_the_items_after_it_are_read(streamed):
    data = (
        b'[{"n": 1},'
        b' {"data": {"attributes": {"status": "queued", "status": "complete"}}},'
        b' {"n": 3}]'
    )
    assert stream(data) == [
        Record(Source("big.json", entry="[0]"), {"n": 1}),
        Problem(
            Source("big.json", entry="[1]"),
            'duplicate key "status" in the object at /1/data/attributes',
        ),
        Record(Source("big.json", entry="[2]"), {"n": 3}),
    ]


def test_only_the_first_duplicate_of_an_item_is_reported_with_its_pointer(streamed):
    data = b'[[{"a~/b": [0, {"x": 1, "x": 2}], "a~/b": 3}]]'
    [found] = stream(data)
    assert found.reason == 'duplicate key "x" in the object at /0/0/a~0~1b/1'


def test_nesting_is_refused_past_the_same_depth_as_the_whole_file_path(streamed):
    [record] = stream(b"[" * 1024 + b"]" * 1024)
    depth, value = 1, record.payload  # the item of the top-level array
    while value:
        depth, value = depth + 1, value[0]
    assert depth == 1023
    deeper = b"[" * 1025 + b"]" * 1025
    [expected] = whole(deeper)
    [found] = stream(deeper)
    assert found.reason == expected.reason
    assert found.source.entry == "[0]"


def test_a_read_error_mid_stream_ends_it_with_a_problem_after_the_items_read(monkeypatch):
    monkeypatch.setattr(jsonfile, "STREAM_THRESHOLD", -1)
    monkeypatch.setattr(jsonfile, "CHUNK_SIZE", 8)
    stream_ = io.BufferedReader(Failing(b'[{"n": 1}, {"n": 2}, {"n"'), buffer_size=8)
    found = list(read_json(stream_, "disk.json"))
    assert found[:2] == [
        Record(Source("disk.json", entry="[0]"), {"n": 1}),
        Record(Source("disk.json", entry="[1]"), {"n": 2}),
    ]
    assert found[2].reason == "cannot read: input/output error"
    assert found[2].source.path == "disk.json"


class Failing(io.RawIOBase):
    """Serves ``good``, then fails like a disk does (EIO)."""

    def __init__(self, good: bytes) -> None:
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
