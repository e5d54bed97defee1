"""Writing a report file: the one place a file of ours is put on disk.

Every file the package writes (reports, the conformance reports, the schemas lock, the
routes index, the pytest plugin's check log) goes through :func:`write_atomically`: a
reader never sees half a file, and a missing folder is made or named in one line.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from ..errors import OutputError

#: What to write: the text itself, or a function that writes it to a stream.
Content = str | Callable[[TextIO], None]


def write_atomically(path: str | Path, content: Content) -> Path:
    """Write ``content`` to ``path`` through a temporary file beside it, then a rename.

    Missing parent folders are made. A target that exists and is not a regular file
    (``/dev/null``, ``/dev/stdout``, a FIFO) is written directly: replacing it would
    put a plain file in its place. Text is written as given (``\\n`` stays ``\\n``);
    the file gets the permissions a new file gets here (the umask), not
    ``mkstemp``'s owner-only ones.

    Returns:
        The path written.

    Raises:
        OutputError: the folder cannot be made or the file cannot be written; the
            message names the path the user gave, never the temporary one.
    """
    target = Path(path)
    render = content if callable(content) else (lambda stream: stream.write(content))
    try:
        special = not stat.S_ISREG(target.stat().st_mode)
    except OSError:
        special = False
    try:
        if special:
            with open(target, "w", encoding="utf-8", newline="") as stream:
                render(stream)
            return target
        folder = target.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except FileExistsError as error:  # a file stands where a folder is needed
            raise OutputError(str(path), f"{error.filename} is a file, not a folder") from None
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise OutputError(str(path), _reason(error)) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            render(stream)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise OutputError(str(path), _reason(error)) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _reason(error: OSError) -> str:
    """``error``'s words without the temporary file's name."""
    reason = error.strerror or str(error)
    if error.filename is not None and Path(str(error.filename)).name.startswith("."):
        return reason
    return f"{reason}: {error.filename}" if error.filename else reason
