"""Copy named schemas and everything they reference from upstream, and lock them.

Klaviyo's files are the contract's data: they are copied byte for byte, never
edited, and ``schemas.lock`` records for each one where it came from and its sha256,
so a test (and ``klaviyo-contract schemas check``) can tell a hand edit from a vendoring.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import dialect
from .errors import SchemaSetError, UnknownSchema
from .openapi import INDEX_NAME
from .registry import LOCK_NAME, read_schema_file
from .reports.files import write_atomically

LOCK_NOTE = "Written by `klaviyo-contract schemas vendor`; do not edit by hand."


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _index(source: Path) -> dict[str, tuple[Path, dict[str, Any]]]:
    index: dict[str, tuple[Path, dict[str, Any]]] = {}
    for path in sorted(source.glob("*.json")):
        name, document = read_schema_file(path)
        index.setdefault(name, (path, document))
    return index


DOCUMENTS = "openapi"


def read_lock(folder: Path, section: str = "schemas") -> dict[str, dict[str, Any]]:
    """The lock's entries of a section: ``schemas`` by name, ``documents`` by file."""
    path = folder / LOCK_NAME
    if not path.exists():
        return {}
    try:
        entries = json.loads(path.read_text(encoding="utf-8")).get(section, {})
    except (OSError, ValueError, AttributeError) as error:
        raise SchemaSetError(str(path), f"unreadable lock file: {error}") from None
    if not isinstance(entries, dict):
        raise SchemaSetError(str(path), f"unreadable lock file: {section!r} is not an object")
    return entries


def _write_lock(dest: Path, schemas: dict[str, Any], documents: dict[str, Any]) -> None:
    lock: dict[str, Any] = {"note": LOCK_NOTE, "schemas": dict(sorted(schemas.items()))}
    if documents:
        lock["documents"] = dict(sorted(documents.items()))
    write_atomically(dest / LOCK_NAME, json.dumps(lock, indent=2) + "\n")


def vendor_document(source: str | Path, dest: str | Path) -> str:
    """Copy an OpenAPI document verbatim into ``dest/openapi/`` and lock it.

    Its routes then pick the schema of each recorded response (see
    :meth:`Contract.from_directory`). Returns the copied file's lock key.

    Raises:
        SchemaSetError: the file is not an OpenAPI 3 document.
    """
    from .openapi import read_document, write_index

    source, dest = Path(source), Path(dest)
    read_document(source)
    (dest / DOCUMENTS).mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, dest / DOCUMENTS / source.name)
    write_index(dest / DOCUMENTS)
    key = f"{DOCUMENTS}/{source.name}"
    documents = read_lock(dest, "documents")
    documents[key] = {"source": source.as_posix(), "sha256": sha256(source)}
    _write_lock(dest, read_lock(dest), documents)
    return key


def vendor(names: Iterable[str], source: str | Path, dest: str | Path) -> list[str]:
    """Copy ``names`` and their transitive refs from ``source`` into ``dest``.

    Returns the names copied, sorted. The lock in ``dest`` keeps its other entries.

    Raises:
        UnknownSchema: a requested name is not in ``source``.
        SchemaSetError: ``source`` is not a folder, a file is unreadable, or a ref
            names a schema ``source`` does not have.
    """
    source, dest = Path(source), Path(dest)
    if not source.is_dir():
        raise SchemaSetError(str(source), "not a folder of schema files")
    index = _index(source)
    requested = list(names)
    for name in requested:
        if name not in index:
            raise UnknownSchema(name, index)
    wanted: set[str] = set()
    todo = list(requested)
    while todo:
        name = todo.pop()
        if name in wanted:
            continue
        wanted.add(name)
        path, document = index[name]
        for ref, where in dialect.refs(document):
            target = dialect.ref_name(ref)
            if target is None or target not in index:
                raise SchemaSetError(
                    str(path), f"$ref {ref!r} at {where or '/'} is not in {source}"
                )
            todo.append(target)

    dest.mkdir(parents=True, exist_ok=True)
    lock = read_lock(dest)
    for name in sorted(wanted):
        path = index[name][0]
        shutil.copyfile(path, dest / path.name)
        lock[name] = {
            "file": path.name,
            "source": (source / path.name).as_posix(),
            "sha256": sha256(path),
            "requested": name in requested or bool(lock.get(name, {}).get("requested")),
        }
    _write_lock(dest, lock, read_lock(dest, "documents"))
    return sorted(wanted)


def verify_lock(folder: str | Path) -> list[str]:
    """Every way the schema files of ``folder`` differ from its lock (empty: they agree)."""
    folder = Path(folder)
    lock = read_lock(folder)
    if not lock and not (folder / LOCK_NAME).exists():
        return []
    problems: list[str] = []
    locked_files = set()
    for name, entry in sorted(lock.items()):
        path = folder / str(entry.get("file", ""))
        locked_files.add(path.name)
        if not path.is_file():
            problems.append(f"{path}: locked for {name} but missing")
        elif sha256(path) != entry.get("sha256"):
            problems.append(f"{path}: sha256 differs from the lock; vendor it again, never edit it")
    for path in sorted(folder.glob("*.json")):
        if path.name not in locked_files:
            problems.append(f"{path}: not in {LOCK_NAME}; add it with `schemas vendor`")
    documents = read_lock(folder, "documents")
    for key, entry in sorted(documents.items()):
        path = folder / key
        if not path.is_file():
            problems.append(f"{path}: locked but missing")
        elif sha256(path) != entry.get("sha256"):
            problems.append(f"{path}: sha256 differs from the lock; vendor it again, never edit it")
    for path in sorted((folder / DOCUMENTS).glob("*")):
        if path.name == INDEX_NAME:
            continue  # derived from the documents, checked by their sha256 when read
        if f"{DOCUMENTS}/{path.name}" not in documents:
            problems.append(f"{path}: not in {LOCK_NAME}; add it with `schemas vendor --from FILE`")
    return problems
