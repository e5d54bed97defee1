"""What the benchmark scripts share: package versions for their headers, the CLI to time."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterable
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
