"""The ``.yaml`` / ``.yml`` reader: VCR.py cassettes, one payload per JSON response."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..model import Exchange, Problem, Record, Source
from ._json import os_reason
from .har import response_record

if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import BinaryIO

    import yaml

__all__ = ["read_cassette"]


def read_cassette(stream: BinaryIO, path: str) -> Iterator[Record | Problem]:
    """Read a VCR.py cassette: one Record per interaction whose response body is JSON.

    The cassette is YAML as vcrpy writes it (``version: 1``)::

        interactions:
        - request: {method: GET, uri: https://a.klaviyo.com/api/..., body: null, headers: {}}
          response:
            status: {code: 200, message: OK}
            headers: {Content-Type: [application/vnd.api+json], Content-Encoding: [gzip]}
            body: {string: !!binary H4sI...}

    It is loaded with PyYAML's safe loader (libyaml's when installed), which builds
    only plain values: a cassette with Python-specific tags (``!!python/unicode``, from
    old vcrpy versions) is refused with the loader's reason. A body is text, or bytes
    (``!!binary``) that are gunzipped or inflated as the response's
    ``Content-Encoding`` says (header names in any case), then read as UTF-8 JSON.

    Each interaction gets ``Source(path, line, entry="interactions[i]")``, ``line``
    being where the interaction starts in the file, and the request as its
    :class:`~klaviyo_contract.model.Exchange`. As in a HAR (see
    :func:`~klaviyo_contract.inputs.har.response_record`), a response with no JSON
    body is a ``skipped`` Problem ``no JSON body (...)`` and a JSON body that cannot
    be read is an ``unreadable`` one; one bad interaction never hides the others.

    Args:
        stream: the open file, binary.
        path: the name to put in each Source.

    Returns:
        An iterator of Records and Problems in interaction order. A file that is not
        YAML (the Problem is at the line and column the YAML parser gives) or YAML
        without an ``interactions`` list (``docker-compose.yml`` met in a walk) is one
        ``unreadable`` Problem.
    """
    try:
        data = stream.read()
    except OSError as err:
        yield Problem(Source(path), os_reason(err))
        return
    loaded = _load(data, path)
    if isinstance(loaded, Problem):
        yield loaded
        return
    document, node = loaded
    interactions = document.get("interactions") if isinstance(document, dict) else None
    if not isinstance(interactions, list):
        yield Problem(Source(path), _not_a_cassette(document))
        return
    lines = _interaction_lines(node)
    if len(lines) != len(interactions):
        lines = [None] * len(interactions)
    for index, (interaction, line) in enumerate(zip(interactions, lines, strict=True)):
        yield _interaction(Source(path, line, entry=f"interactions[{index}]"), interaction)


def _load(data: bytes, path: str) -> tuple[Any, yaml.Node] | Problem:
    """The document and its root node (for line numbers), from one parse."""
    try:
        import yaml
        from yaml.reader import ReaderError
    except ImportError:  # PyYAML is needed only here
        return Problem(Source(path), "reading a VCR cassette needs PyYAML: pip install pyyaml")
    # libyaml's loader parses several times faster than the pure-Python one.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(data)
    try:
        node = loader.get_single_node()
        if node is None:
            return Problem(Source(path), "empty input")
        return loader.construct_document(node), node
    except yaml.MarkedYAMLError as err:
        return _yaml_problem(path, err)
    except ReaderError as err:
        if 0 <= err.character <= 0x10FFFF:
            reason = f"not valid YAML: character #x{err.character:04x}: {err.reason}"
        else:
            reason = f"not valid YAML: {err.reason}"
        line = data.count(b"\n", 0, err.position) + 1
        return Problem(Source(path, line), reason)
    except yaml.YAMLError as err:
        return Problem(Source(path), f"not valid YAML: {_one_line(str(err))}")
    except RecursionError:
        return Problem(Source(path), "not valid YAML: nested too deeply; refusing absurd nesting")
    except (ValueError, TypeError) as err:
        # SafeConstructor lets these out, e.g. for an impossible timestamp 2024-13-45.
        return Problem(Source(path), f"not valid YAML: {_one_line(str(err))}")
    finally:
        loader.dispose()


def _yaml_problem(path: str, error: yaml.MarkedYAMLError) -> Problem:
    """The parser's reason, at its place; the context (what it was inside) in words."""
    mark = error.problem_mark
    reason = f"not valid YAML: {error.problem or _one_line(str(error))}"
    context = error.context_mark
    if error.context and context is not None and (mark is None or context.line != mark.line):
        reason += f" ({error.context} at line {context.line + 1})"
    elif error.context:
        reason += f" ({error.context})"
    if mark is None:
        return Problem(Source(path), reason)
    return Problem(Source(path, mark.line + 1, mark.column + 1), reason)


def _not_a_cassette(document: Any) -> str:
    if isinstance(document, dict) and "http_interactions" in document:
        return (
            "not a VCR.py cassette: http_interactions is the Ruby VCR (or Betamax) format; "
            "only VCR.py cassettes, with interactions, are read"
        )
    return "not a VCR.py cassette: no interactions list"


def _interaction_lines(node: yaml.Node) -> list[int | None]:
    """The 1-based line each item of the top-level ``interactions`` sequence starts on."""
    import yaml

    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if (
                isinstance(key, yaml.ScalarNode)
                and key.value == "interactions"
                and isinstance(value, yaml.SequenceNode)
            ):
                return [item.start_mark.line + 1 for item in value.value]
    return []


def _interaction(source: Source, interaction: Any) -> Record | Problem:
    request = interaction.get("request") if isinstance(interaction, dict) else None
    response = interaction.get("response") if isinstance(interaction, dict) else None
    if not isinstance(request, dict) or not isinstance(response, dict):
        return Problem(source, "not a VCR.py interaction: it needs a request and a response")
    method, uri = request.get("method"), request.get("uri")
    if not isinstance(method, str) or not isinstance(uri, str):
        return Problem(
            source, "not a VCR.py interaction: request.method and request.uri must be text"
        )
    status = response.get("status")
    code = status.get("code") if isinstance(status, dict) else None
    if not isinstance(code, int) or isinstance(code, bool):
        return Problem(source, "not a VCR.py interaction: response.status.code must be an integer")
    exchange = Exchange(method.upper(), uri, code)
    body = response.get("body")
    if isinstance(body, dict):
        body = body.get("string")
    if isinstance(body, str):
        # Lone surrogates (a "\ud800" escape in YAML) become bad UTF-8 for the parser.
        body = body.encode("utf-8", "surrogatepass")
    elif body is not None and not isinstance(body, bytes):
        return Problem(source, "not a VCR.py interaction: response.body.string must be text")
    headers = response.get("headers")
    content_type = _header_values(headers, "content-type")
    encodings = [
        coding
        for value in _header_values(headers, "content-encoding")
        for coding in value.split(",")
    ]
    media_type = content_type[0] if content_type else None
    return response_record(source, exchange, body, media_type, encodings)


def _header_values(headers: Any, name: str) -> list[str]:
    """Every value of a header, by any case: vcrpy maps each name to a list of values."""
    found: list[str] = []
    if isinstance(headers, dict):
        for key, value in headers.items():
            if isinstance(key, str) and key.lower() == name:
                values = value if isinstance(value, list) else [value]
                found.extend(item for item in values if isinstance(item, str))
    return found


def _one_line(text: str) -> str:
    return " ".join(text.split())
