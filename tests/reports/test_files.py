"""write_atomically: the one way a file of ours reaches the disk."""

from __future__ import annotations

import os
import stat

import pytest

from klaviyo_contract.errors import OutputError
from klaviyo_contract.reports.files import write_atomically


def test_text_or_a_render_function_is_written_whole_and_nothing_else_is_left(tmp_path) -> None:
    write_atomically(tmp_path / "a.txt", "one\ntwo\n")
    write_atomically(tmp_path / "b.txt", lambda out: out.write("три\n"))
    assert (tmp_path / "a.txt").read_bytes() == b"one\ntwo\n"
    assert (tmp_path / "b.txt").read_text(encoding="utf-8") == "три\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]


def test_missing_parent_folders_are_made(tmp_path) -> None:
    target = write_atomically(tmp_path / "x" / "y" / "z.json", "{}\n")
    assert target.read_text() == "{}\n"


def test_the_file_gets_the_umask_permissions_not_owner_only(tmp_path) -> None:
    mask = os.umask(0o022)
    try:
        target = write_atomically(tmp_path / "r.json", "{}")
    finally:
        os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_a_failing_render_leaves_the_old_file_and_no_temporary(tmp_path) -> None:
    target = tmp_path / "r.txt"
    target.write_text("old")

    def broken(out: object) -> None:
        raise RuntimeError("half-way")

    with pytest.raises(RuntimeError):
        write_atomically(target, broken)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["r.txt"]


def test_a_folder_that_cannot_be_made_is_an_output_error_naming_the_path(tmp_path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(OutputError) as caught:
        write_atomically(tmp_path / "file" / "r.json", "{}")
    assert str(caught.value) == (
        f"cannot write {tmp_path / 'file' / 'r.json'}: {tmp_path / 'file'} is a file, not a folder"
    )
    assert ".tmp" not in str(caught.value)


def test_a_special_file_is_written_in_place_not_replaced(tmp_path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        write_atomically(fifo, "through the pipe\n")
        assert os.read(reader, 100) == b"through the pipe\n"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
