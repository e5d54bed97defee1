"""What the benchmark scripts share: package versions for their headers, the CLI to time,
and running a command for its wall time and peak RSS."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path


def versions(packages: Iterable[str]) -> str:
    """``name version`` of each installed package, for a benchmark's header."""
    found = []
    for package in packages:
        try:
            found.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            found.append(f"{package} (not installed)")
    return ", ".join(found)


def cli_executable() -> str:
    """The ``klaviyo-contract`` beside this Python, else the one on PATH."""
    beside = Path(sys.executable).parent / "klaviyo-contract"
    return str(beside) if beside.is_file() else shutil.which("klaviyo-contract") or beside.name


# Each measured command runs under this wrapper, a fresh process with no other child:
# its RUSAGE_CHILDREN.ru_maxrss is then the peak RSS of that command (the largest
# process of its tree: workers are waited for by their parent and count too), not
# the size of the benchmark that started it (a forked child's figure starts from its
# parent's). It spawns with posix_spawn and imports nothing heavy, so its own size
# (the floor of the figure) stays that of a bare Python.
WRAPPER = textwrap.dedent(
    """\
    import os, resource, sys, time
    start = time.perf_counter()
    pid = os.posix_spawnp(sys.argv[2], sys.argv[2:], os.environ)
    status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    seconds = time.perf_counter() - start
    maxrss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    with open(sys.argv[1], "w") as out:
        out.write(f"{status} {seconds} {maxrss}")
    """
)


@dataclass(frozen=True)
class Measured:
    """One run of a command: exit status, wall seconds (spawn to wait), peak RSS, output."""

    status: int
    seconds: float
    rss_mb: float
    stdout: str
    stderr: str


def measure(
    command: list[str],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    keep_stdout: bool = True,
) -> Measured:
    """Run ``command`` under :data:`WRAPPER` and read what it measured; its standard
    output goes to /dev/null unless ``keep_stdout``."""
    with tempfile.NamedTemporaryFile("r", suffix=".rusage") as result:
        done = subprocess.run(
            [sys.executable, "-c", WRAPPER, result.name, *command],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE if keep_stdout else subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
        status, seconds, maxrss = result.read().split() or ("-1", "0", "0")
    # ru_maxrss is in kilobytes on Linux, bytes on macOS.
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    stdout = done.stdout or ""
    return Measured(int(status), float(seconds), int(maxrss) / scale, stdout, done.stderr)
