"""Case files: the corpus in the JSON-Schema-Test-Suite format, read and checked.

Each file is a JSON array of groups ``{"id", "description", "schema", "tests"}``, each
test ``{"id", "description", "data", "valid"}``. Two extensions: a group's ``schema``
is ``{"$ref": "#/components/schemas/NAME"}``, and each invalid test lists
``expected``, the exact set of ``{"instance_path", "keyword"}`` pairs a validator must
report. A file that breaks the format is a :class:`CaseFileError` naming the place.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import dialect, pointers
from ..errors import CaseFileError

#: (instance path, keyword): what a case expects, and what a violation is compared by.
Expectation = tuple[str, str]

_GROUP_KEYS = frozenset({"id", "description", "schema", "tests", "comment", "specification"})
_TEST_KEYS = frozenset({"id", "description", "data", "valid", "expected", "comment"})
_EXPECTED_KEYS = frozenset({"instance_path", "keyword"})
#: Stable ids: lower-case words joined by ``-``, ``_`` or ``.``, as in file names.
_ID = re.compile(r"[a-z0-9]+(?:[-_.][a-z0-9]+)*")
#: A JSON Pointer (RFC 6901): "" or "/"-led tokens, "~" only as "~0" or "~1".
_POINTER = re.compile(r"(?:/(?:[^~/]|~[01])*)*")


@dataclass(frozen=True)
class Case:
    """One test of the corpus: a payload, the schema it is checked against, the verdict.

    Attributes:
        file: the case file, relative to the folder the cases were loaded from.
        pointer: the JSON Pointer of the test inside the file (``/0/tests/3``).
        group: the group's id; ``group_description`` its description.
        id: the test's id, unique in the corpus; ``description`` its description.
        schema: the schema name the group's ``$ref`` names.
        data: the payload (not compared: a case is known by its place and id).
        valid: whether the payload conforms.
        expected: for an invalid case, every (instance path, keyword) a validator
            must report, and nothing else; empty for a valid case.
    """

    file: str
    pointer: str
    group: str
    group_description: str
    id: str
    description: str
    schema: str
    data: Any = field(repr=False, compare=False)
    valid: bool
    expected: frozenset[Expectation] = frozenset()

    def __str__(self) -> str:
        return f"{self.file} {self.pointer} ({self.id})"


def default_cases_dir() -> Path | None:
    """The corpus: ``conformance/`` of the project in the working directory, or of the
    source checkout this module runs from, else the one the wheel ships
    (``klaviyo_contract/corpus/``); None when there is none.
    """
    from .. import __file__ as package_init

    package = Path(package_init).resolve().parent
    for root in (Path.cwd(), package.parents[1]):
        folder = root / "conformance"
        if folder.is_dir() and (root / "pyproject.toml").is_file():
            return folder
    installed = package / "corpus"
    return installed if installed.is_dir() else None


def default_report_dir(cases_dir: Path) -> Path:
    """``reports/`` beside a checkout's ``conformance/``; else ``reports/`` here.

    The installed corpus's folder is never written to.
    """
    if cases_dir.name == "conformance" and (cases_dir.parent / "pyproject.toml").is_file():
        return cases_dir.parent / "reports"
    return Path("reports")


def load_cases(path: str | Path) -> list[Case]:
    """Every case of a corpus folder (its ``*.json`` files, by name) or of one file.

    Args:
        path: a folder of case files, or a single case file.

    Returns:
        The cases in corpus order: files by name, then groups and tests as written.

    Raises:
        CaseFileError: the folder is missing or holds no case file; a file is not
            UTF-8 JSON (NaN and duplicate keys included); a group or test is not of the
            corpus format; an id is not unique in the corpus. The message names the
            file and the place in it.
    """
    where = Path(path)
    if where.is_file():
        files, base = [where], where.parent
    elif where.is_dir():
        files, base = sorted(where.glob("*.json")), where
        if not files:
            raise CaseFileError(str(where), "", "holds no conformance case file (*.json)")
    else:
        raise CaseFileError(str(where), "", "no such file or folder of conformance cases")
    cases: list[Case] = []
    groups: dict[str, str] = {}
    tests: dict[str, str] = {}
    for file in files:
        name = file.relative_to(base).as_posix()
        for case in _read_file(file, name):
            group_at = case.pointer.rsplit("/tests/", 1)[0]
            _unique(groups, f"group id {case.group!r}", file, f"{name} {group_at}")
            _unique(tests, f"test id {case.id!r}", file, f"{name} {case.pointer}")
            cases.append(case)
    return cases


def _unique(seen: dict[str, str], key: str, file: Path, place: str) -> None:
    """Note that ``key`` (``group id 'x'``, ``test id 'y'``) stands at ``place`` (the
    file's name and a pointer); an error if it stood somewhere else already."""
    first = seen.setdefault(key, place)
    if first != place:
        at = place.rsplit(" ", 1)[1]
        raise CaseFileError(str(file), f"{at}/id", f"{key} is already used at {first}")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"duplicate key {key!r} in an object")
        seen[key] = value
    return seen


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON (RFC 8259 has no NaN or Infinity)")


def _read_file(path: Path, name: str) -> list[Case]:
    file = str(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as error:
        raise CaseFileError(file, "", f"cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise CaseFileError(file, f"byte {error.start}", "not UTF-8") from None
    try:
        document = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise CaseFileError(
            file, f"line {error.lineno} column {error.colno}", f"not JSON: {error.msg}"
        ) from None
    except ValueError as error:
        raise CaseFileError(file, "", str(error)) from None
    except RecursionError:
        raise CaseFileError(file, "", "nested too deeply to be a case file") from None
    if not isinstance(document, list) or not document:
        raise CaseFileError(file, "", "a case file holds a non-empty JSON array of groups")
    cases: list[Case] = []
    for index, group in enumerate(document):
        cases.extend(_read_group(file, name, f"/{index}", group))
    return cases


def _text(file: str, at: str, holder: Mapping[str, Any], key: str) -> str:
    value = holder.get(key)
    if not isinstance(value, str) or not value.strip():
        shown = "missing" if key not in holder else f"not {json.dumps(value)[:40]}"
        raise CaseFileError(file, f"{at}/{key}", f'"{key}" must be a non-empty string ({shown})')
    return value


def _identifier(file: str, at: str, holder: Mapping[str, Any]) -> str:
    value = _text(file, at, holder, "id")
    if not _ID.fullmatch(value):
        raise CaseFileError(
            file,
            f"{at}/id",
            f"id {value!r} must be lower-case words joined by '-', '_' or '.' "
            "(like coupon-queued-nulls)",
        )
    return value


def _object(file: str, at: str, value: Any, what: str, allowed: frozenset[str]) -> None:
    if not isinstance(value, dict):
        raise CaseFileError(file, at, f"{what} must be a JSON object")
    unknown = sorted(value.keys() - allowed)
    if unknown:
        raise CaseFileError(
            file,
            f"{at}/{pointers.escape(unknown[0])}",
            f"{what} has no member {unknown[0]!r}; allowed: {', '.join(sorted(allowed))}",
        )


def _read_group(file: str, name: str, at: str, group: Any) -> list[Case]:
    _object(file, at, group, "a group", _GROUP_KEYS)
    group_id = _identifier(file, at, group)
    description = _text(file, at, group, "description")
    schema = group.get("schema")
    ref = schema.get("$ref") if isinstance(schema, dict) and len(schema) == 1 else None
    target = dialect.ref_name(ref) if isinstance(ref, str) else None
    if target is None:
        raise CaseFileError(
            file,
            f"{at}/schema",
            f'group {group_id!r}: "schema" must be {{"$ref": "{dialect.REF_PREFIX}NAME"}}',
        )
    tests = group.get("tests")
    if not isinstance(tests, list) or not tests:
        raise CaseFileError(
            file, f"{at}/tests", f'group {group_id!r}: "tests" must be a non-empty array'
        )
    cases: list[Case] = []
    for index, test in enumerate(tests):
        here = f"{at}/tests/{index}"
        test_id, test_description, valid, expected = _read_test(file, here, test)
        cases.append(
            Case(
                file=name,
                pointer=here,
                group=group_id,
                group_description=description,
                id=test_id,
                description=test_description,
                schema=target,
                data=test["data"],
                valid=valid,
                expected=expected,
            )
        )
    return cases


def _read_test(file: str, at: str, test: Any) -> tuple[str, str, bool, frozenset[Expectation]]:
    """A test's id, description, verdict and expected violations, checked."""
    _object(file, at, test, "a test", _TEST_KEYS)
    test_id = _identifier(file, at, test)
    description = _text(file, at, test, "description")
    if "data" not in test:
        raise CaseFileError(file, f"{at}/data", f'test {test_id!r} has no "data"')
    valid = test.get("valid")
    if not isinstance(valid, bool):
        raise CaseFileError(file, f"{at}/valid", f'test {test_id!r}: "valid" must be true or false')
    if not valid:
        return (
            test_id,
            description,
            valid,
            _read_expected(file, f"{at}/expected", test_id, test.get("expected")),
        )
    if "expected" in test:
        raise CaseFileError(
            file, f"{at}/expected", f"test {test_id!r} is valid: it can expect no violation"
        )
    return test_id, description, valid, frozenset()


def _read_expected(file: str, at: str, test_id: str, expected: Any) -> frozenset[Expectation]:
    if not isinstance(expected, list) or not expected:
        raise CaseFileError(
            file,
            at,
            f'test {test_id!r} is invalid: "expected" must list its violations as '
            '[{"instance_path": "/attributes/status", "keyword": "enum"}, ...]',
        )
    found: set[Expectation] = set()
    for index, entry in enumerate(expected):
        here = f"{at}/{index}"
        _object(file, here, entry, "an expected violation", _EXPECTED_KEYS)
        path, keyword = entry.get("instance_path"), entry.get("keyword")
        if not isinstance(path, str) or not _POINTER.fullmatch(path):
            raise CaseFileError(
                file,
                f"{here}/instance_path",
                '"instance_path" must be a JSON Pointer ("" for the whole payload, '
                '"/attributes/status" below it)',
            )
        if not isinstance(keyword, str) or not keyword:
            raise CaseFileError(
                file, f"{here}/keyword", '"keyword" must name a JSON Schema keyword ("type")'
            )
        if (path, keyword) in found:
            raise CaseFileError(
                file, here, f"test {test_id!r} expects {keyword!r} at {path or '/'!r} twice"
            )
        found.add((path, keyword))
    return frozenset(found)
