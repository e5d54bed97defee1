"""inputs.read and read_all: files by suffix, directory walks, standard input, failures."""

from __future__ import annotations

import errno
import io
import os
import pickle
import socket
import sys
import threading
import warnings

import pytest

from klaviyo_contract.inputs import read, read_all
from klaviyo_contract.model import Problem, Record, Source

NOBODY = 65534

posix = pytest.mark.skipif(os.name != "posix", reason="needs POSIX links, FIFOs, sockets, fork")


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """Work in tmp_path so Sources read like the relative paths users type."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path, data: bytes | str = b'{"ok": true}'):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def sources(items):
    return [(type(item).__name__, str(item.source)) for item in items]


def stdin(monkeypatch, data: bytes):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def as_nobody(function):
    """Run ``function`` in a forked child with uid and gid nobody; return its result.

    We run as root, and root ignores file modes: chmod 000 alone makes nothing
    unreadable. A child that gives up root meets real EACCES from the kernel.
    """
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12+ warns about fork() in a process with threads; the child only
        # reads files and exits, taking no lock a sibling thread could hold.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # pragma: no cover - the child process
        status = 0
        try:
            os.close(read_end)
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            outcome = ("ok", function())
        except PermissionError as err:
            outcome = ("cannot drop root", str(err))
        except BaseException as err:
            outcome, status = ("error", repr(err)), 1
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(pickle.dumps(outcome))
        os._exit(status)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        kind, value = pickle.loads(pipe.read())
    os.waitpid(pid, 0)
    if kind == "cannot drop root":
        pytest.skip(f"cannot switch to uid {NOBODY}: {value}")
    assert kind == "ok", value
    return value


def test_each_suffix_is_read_by_its_reader_whatever_its_case(tree):
    write(tree / "one.json", '{"n": 1}')
    write(tree / "two.NDJSON", '{"n": 2}\n{"n": 3}\n')
    write(tree / "three.jsonl", '{"n": 4}\n')
    found = list(read_all(["one.json", "two.NDJSON", "three.jsonl"]))
    assert found == [
        Record(Source("one.json"), {"n": 1}),
        Record(Source("two.NDJSON", 1), {"n": 2}),
        Record(Source("two.NDJSON", 2), {"n": 3}),
        Record(Source("three.jsonl", 1), {"n": 4}),
    ]


def test_a_missing_path_is_a_problem_and_the_next_path_is_still_read(tree):
    write(tree / "there.json")
    found = list(read_all(["gone.json", "there.json"]))
    assert found == [
        Problem(Source("gone.json"), "no such file or directory"),
        Record(Source("there.json"), {"ok": True}),
    ]


def test_a_directory_is_walked_depth_first_in_sorted_order_keeping_the_given_path(tree):
    for name in ["b.json", "a.ndjson", "sub/z.json", "sub/deeper/c.jsonl", "a.json", "sub.json"]:
        write(tree / "captures" / name, '{"n": 1}\n')
    found = list(read("captures/"))
    assert sources(found) == [
        ("Record", "captures/a.json"),
        ("Record", "captures/a.ndjson:1"),
        ("Record", "captures/b.json"),
        ("Record", "captures/sub/deeper/c.jsonl:1"),
        ("Record", "captures/sub/z.json"),
        ("Record", "captures/sub.json"),
    ]


def test_a_walk_reads_only_known_suffixes_and_passes_over_hidden_entries(tree):
    write(tree / "captures/keep.json")
    write(tree / "captures/notes.txt", "not json")
    write(tree / "captures/cassette.yaml", "interactions: []")
    write(tree / "captures/README", "hello")
    write(tree / "captures/.git/objects/x.json", "{bad")
    write(tree / "captures/._keep.json", b"\x00\x05\x16\x07 AppleDouble")
    found = list(read("captures"))
    assert found == [Record(Source("captures/keep.json"), {"ok": True})]


def test_an_empty_directory_yields_nothing(tree):
    (tree / "empty").mkdir()
    assert list(read("empty")) == []


def test_a_bad_file_in_a_walk_is_a_problem_and_the_walk_goes_on(tree):
    write(tree / "captures/a.json", '{"a": 1, "a": 2}')
    write(tree / "captures/b.json", "")
    write(tree / "captures/c.json")
    found = list(read("captures"))
    assert sources(found) == [
        ("Problem", "captures/a.json:1:10"),
        ("Problem", "captures/b.json"),
        ("Record", "captures/c.json"),
    ]
    assert 'duplicate key "a"' in found[0].reason
    assert found[1].reason == "empty input"


@posix
def test_a_symlink_loop_is_reported_once_and_the_walk_finishes(tree):
    write(tree / "captures/a/one.json")
    write(tree / "captures/b.json")
    (tree / "captures/a/back").symlink_to("..", target_is_directory=True)
    found = list(read("captures"))
    assert sources(found) == [
        ("Problem", "captures/a/back"),
        ("Record", "captures/a/one.json"),
        ("Record", "captures/b.json"),
    ]
    assert found[0].reason == (
        "directory loop: captures/a/back leads back to captures, already visited"
    )
    assert found[0].kind == "unreadable"


@posix
def test_a_directory_linked_twice_is_read_once_and_the_second_link_is_skipped(tree):
    write(tree / "captures/real/one.json")
    (tree / "captures/zlink").symlink_to("real", target_is_directory=True)
    found = list(read("captures"))
    assert found[0] == Record(Source("captures/real/one.json"), {"ok": True})
    assert found[1].source == Source("captures/zlink")
    assert found[1].kind == "skipped"
    assert "captures/real" in found[1].reason
    assert len(found) == 2


@posix
def test_symlinked_files_and_directories_are_followed(tree):
    write(tree / "elsewhere/deep/x.json")
    write(tree / "captures/a.json")
    (tree / "captures/linked").symlink_to(tree / "elsewhere", target_is_directory=True)
    (tree / "captures/b.json").symlink_to(tree / "elsewhere/deep/x.json")
    assert sources(read("captures")) == [
        ("Record", "captures/a.json"),
        ("Record", "captures/b.json"),
        ("Record", "captures/linked/deep/x.json"),
    ]


@posix
def test_broken_and_looping_symlinks_are_problems_in_a_walk_and_named_alone(tree):
    """Real ways for a file to be unreadable even to root."""
    write(tree / "captures/ok.json")
    (tree / "captures/gone.json").symlink_to("nowhere.json")
    (tree / "captures/self.json").symlink_to("self.json")
    (tree / "captures/gone-dir").symlink_to("nowhere")  # no known suffix: passed over
    found = list(read("captures"))
    assert found == [
        Problem(Source("captures/gone.json"), "broken symbolic link: its target does not exist"),
        Record(Source("captures/ok.json"), {"ok": True}),
        Problem(Source("captures/self.json"), "cannot read: too many levels of symbolic links"),
    ]
    assert list(read("captures/gone.json")) == [found[0]]
    assert list(read("captures/self.json")) == [found[2]]


@posix
def test_a_file_root_cannot_open_is_a_problem_and_the_next_file_is_read(tree):
    """A socket named x.json: open() fails with ENXIO, as it does for root."""
    with socket.socket(socket.AF_UNIX) as server:
        server.bind("x.json")
        found = list(read_all(["x.json", "y.json"]))
    assert found == [
        Problem(Source("x.json"), "cannot read: no such device or address"),
        Problem(Source("y.json"), "no such file or directory"),
    ]


@posix
def test_a_fifo_or_socket_met_in_a_walk_is_skipped_without_waiting_on_it(tree):
    write(tree / "captures/a.json")
    os.mkfifo(tree / "captures/b.json")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind("captures/c.ndjson")
        found = list(read("captures"))
    assert found[0] == Record(Source("captures/a.json"), {"ok": True})
    assert found[1:] == [
        Problem(Source("captures/b.json"), "skipped: not a regular file", "skipped"),
        Problem(Source("captures/c.ndjson"), "skipped: not a regular file", "skipped"),
    ]


@posix
def test_a_file_without_read_permission_is_a_problem_and_the_walk_goes_on(tree):
    write(tree / "captures/a.json")
    write(tree / "captures/b.json").chmod(0o000)
    write(tree / "captures/c.json")
    write(tree / "captures/locked/d.json")
    (tree / "captures/locked").chmod(0o000)
    tree.chmod(0o755)

    def walk():
        return list(read("captures"))

    found = as_nobody(walk) if os.geteuid() == 0 else walk()
    assert found == [
        Record(Source("captures/a.json"), {"ok": True}),
        Problem(Source("captures/b.json"), "cannot read: permission denied"),
        Record(Source("captures/c.json"), {"ok": True}),
        Problem(Source("captures/locked"), "cannot list directory: permission denied"),
    ]


def test_a_named_file_with_an_unknown_suffix_is_read_as_json(tree):
    write(tree / "response.txt", '{\n  "data": {"id": "1"}\n}\n')
    write(tree / "lines.log", '{"n": 1}\n{"n": 2}\n')
    assert list(read_all(["response.txt", "lines.log"])) == [
        Record(Source("response.txt"), {"data": {"id": "1"}}),
        Record(Source("lines.log", 1), {"n": 1}),
        Record(Source("lines.log", 2), {"n": 2}),
    ]


def test_an_unknown_suffix_that_is_not_json_says_why_it_was_read_as_json(tree):
    write(tree / "cassette.xml", "<xml/>")
    write(tree / "noext", "nope")
    xml, bare = read_all(["cassette.xml", "noext"])
    assert xml.source == Source("cassette.xml", 1, 1)
    assert xml.reason.startswith("not valid JSON: ")
    assert xml.reason.endswith(
        "; read as JSON since .xml is not a known suffix"
        " (.json, .ndjson, .jsonl, .har, .yaml, .yml)"
    )
    assert bare.reason.endswith(
        "; read as JSON since the name has no suffix (.json, .ndjson, .jsonl, .har, .yaml, .yml)"
    )


@posix
def test_a_fifo_named_explicitly_is_read_like_process_substitution(tree):
    """``validate <(curl ...)`` hands over /dev/fd/63: no suffix, not a regular file."""
    os.mkfifo("pipe")

    def feed():
        with open("pipe", "wb") as writer:
            writer.write(b'{"n": 1}\n{"n": 2}\n')

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    found = list(read("pipe"))
    feeder.join(timeout=5)
    assert found == [Record(Source("pipe", 1), {"n": 1}), Record(Source("pipe", 2), {"n": 2})]


def test_stdin_holding_one_pretty_printed_document_is_one_payload(monkeypatch):
    stdin(monkeypatch, b'{\n  "data": {\n    "id": "1"\n  }\n}\n')
    assert list(read("-")) == [Record(Source("-"), {"data": {"id": "1"}})]


def test_stdin_holding_one_line_is_one_document_and_an_array_is_split(monkeypatch):
    stdin(monkeypatch, b'\n[{"n": 1}, {"n": 2}]\n\n')
    assert list(read("-")) == [
        Record(Source("-", entry="[0]"), {"n": 1}),
        Record(Source("-", entry="[1]"), {"n": 2}),
    ]


def test_stdin_holding_several_json_lines_is_ndjson(monkeypatch):
    stdin(monkeypatch, b'\n{"n": 1}\n\n{"n": 2}\n{"n": 3, "n": 4}\n{"n": 5}')
    found = list(read("-"))
    assert sources(found) == [
        ("Record", "<stdin>:2"),
        ("Record", "<stdin>:4"),
        ("Problem", "<stdin>:5:10"),
        ("Record", "<stdin>:6"),
    ]
    assert found[3].payload == {"n": 5}


def test_stdin_with_a_bad_document_is_one_problem(monkeypatch):
    stdin(monkeypatch, b'{\n  "data": [1, 2\n')
    (found,) = read("-")
    assert found.source == Source("-", 3, 1)
    assert found.reason == "not valid JSON: unexpected end of input (truncated?)"


def test_empty_stdin_is_a_problem(monkeypatch):
    stdin(monkeypatch, b"\n  \n")
    assert list(read("-")) == [Problem(Source("-"), "empty input")]


def test_stdin_with_a_byte_order_mark_is_refused(monkeypatch):
    stdin(monkeypatch, b'\xef\xbb\xbf{"n": 1}\n')
    (found,) = read("-")
    assert "remove the byte order mark" in found.reason


def test_closed_stdin_is_a_problem_not_a_crash(monkeypatch):
    monkeypatch.setattr(sys, "stdin", None)
    (found,) = read("-")
    assert found.source == Source("-")
    assert found.reason.startswith("cannot read: standard input")


def test_read_all_keeps_path_order_and_reads_stdin_among_files(tree, monkeypatch):
    write(tree / "b.json", '{"n": "b"}')
    write(tree / "a.json", '{"n": "a"}')
    stdin(monkeypatch, b'{"n": "-"}')
    found = list(read_all(["b.json", "-", "a.json"]))
    assert [record.payload["n"] for record in found] == ["b", "-", "a"]


class BrokenPipe(io.RawIOBase):
    """Standard input that fails like a disk does (EIO) on the first read."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        raise OSError(errno.EIO, "Input/output error")


def test_stdin_that_fails_to_read_is_a_problem_not_a_crash(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(BrokenPipe())))
    assert list(read("-")) == [Problem(Source("-"), "cannot read: input/output error")]
