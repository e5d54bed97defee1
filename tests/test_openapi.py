"""OpenAPI documents as contracts: schemas, inline error responses, routes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import OPENAPI
from klaviyo_contract import Contract, Exchange, SchemaSetError
from klaviyo_contract.vendor import read_lock, vendor_document, verify_lock

CATALOGS = OPENAPI / "klaviyo-catalogs-api-openapi.yml"


def needs_openapi() -> Path:
    if not CATALOGS.is_file():
        pytest.skip(
            f"the Klaviyo OpenAPI documents are not at {OPENAPI} "
            "(set KLAVIYO_CONTRACT_SHARED to the folder holding reference/; see README)"
        )
    return CATALOGS


def test_an_openapi_document_is_a_contract_with_routes() -> None:
    contract = Contract.from_openapi(needs_openapi())
    assert "GetCatalogItemResponseCollection" in contract.names() or len(contract.names()) > 100
    assert "ClientError" in contract.names()
    exchange = Exchange("GET", "https://a.klaviyo.com/api/catalog-item-bulk-create-jobs/01J", 200)
    assert (
        contract.router.for_exchange(exchange) == "GetCatalogItemCreateJobResponseCompoundDocument"
    )
    assert contract.schema_set.files["ClientError"].endswith("#/components/responses/ClientError")


def test_a_json_openapi_document_loads_too(tmp_path: Path) -> None:
    document = {
        "openapi": "3.0.2",
        "paths": {
            "/api/things/{id}": {
                "get": {
                    "responses": {
                        "200": {
                            "content": {
                                "application/vnd.api+json": {
                                    "schema": {"$ref": "#/components/schemas/Thing"}
                                }
                            }
                        },
                        "default": {"$ref": "#/components/responses/Oops"},
                    }
                }
            }
        },
        "components": {
            "schemas": {
                "Thing": {
                    "type": "object",
                    "properties": {"n": {"type": "integer", "nullable": True}},
                }
            },
            "responses": {
                "Oops": {
                    "content": {
                        "application/json": {"schema": {"type": "object", "required": ["errors"]}}
                    }
                }
            },
        },
    }
    (tmp_path / "api.json").write_text(json.dumps(document))
    contract = Contract.from_openapi(tmp_path / "api.json")
    assert contract.router.for_exchange(Exchange("GET", "/api/things/7", 200)) == "Thing"
    assert contract.router.for_exchange(Exchange("GET", "/api/things/7", 500)) == "Oops"
    assert contract.validate({"n": None}, "Thing").valid
    assert not contract.validate({}, "Oops").valid


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("openapi: [", "not valid YAML (line 2)"),
        ("swagger: '2.0'", "not an OpenAPI 3 document"),
        (
            "openapi: 3.0.0\npaths:\n  /x:\n    get:\n      responses:\n        '200':\n"
            "          $ref: '#/components/responses/Nope'\n",
            "names no response component",
        ),
    ],
)
def test_a_broken_document_is_a_clear_load_error(tmp_path: Path, content: str, words: str) -> None:
    (tmp_path / "api.yml").write_text(content)
    with pytest.raises(SchemaSetError, match=words.replace("(", r"\(").replace(")", r"\)")):
        Contract.from_openapi(tmp_path / "api.yml")


def test_vendored_documents_are_locked_and_checked(tmp_path: Path) -> None:
    source = needs_openapi()
    assert vendor_document(source, tmp_path) == f"openapi/{source.name}"
    assert read_lock(tmp_path, "documents")[f"openapi/{source.name}"]["sha256"]
    assert verify_lock(tmp_path) == []
    (tmp_path / "openapi" / source.name).write_text("openapi: 3.0.0\n")
    assert any("sha256 differs" in problem for problem in verify_lock(tmp_path))


def test_the_bundled_contract_reads_its_routes_from_the_index_not_the_yaml() -> None:
    """Parsing the vendored YAML costs ~0.2 s of startup; the index it was cut to does not."""
    import subprocess
    import sys

    code = (
        "import sys; from klaviyo_contract import Contract; c = Contract.default();"
        "print(len(c.routes), 'yaml' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["18", "False"]


def test_a_stale_index_is_ignored_for_the_document_itself(tmp_path: Path) -> None:
    from klaviyo_contract.openapi import load_routes, write_index

    source = needs_openapi()
    folder = tmp_path / "openapi"
    folder.mkdir()
    copy = folder / source.name
    copy.write_bytes(source.read_bytes())
    write_index(folder)
    fresh = load_routes(copy)
    copy.write_text(source.read_text().replace("/api/catalog-items:", "/api/catalogue-items:"))
    changed = load_routes(copy)
    assert any(r.template == "/api/catalog-items" for r in fresh.routes)
    assert not any(r.template == "/api/catalog-items" for r in changed.routes)
    assert any(r.template == "/api/catalogue-items" for r in changed.routes)


def test_validate_with_openapi_routes_a_recorded_catalog_item_get(tmp_path: Path) -> None:
    """`--openapi` routes each recorded exchange by its method, path and status."""
    import io

    from klaviyo_contract import cli

    document = needs_openapi()
    job = {
        "data": {
            "type": "catalog-item-bulk-create-job",
            "id": "01J",
            "attributes": {
                "status": "complete",
                "created_at": "2024-10-28T14:05:02Z",
                "total_count": 1,
            },
            "links": {"self": "https://a.klaviyo.com/api/catalog-item-bulk-create-jobs/01J/"},
        }
    }
    bad = json.loads(json.dumps(job))
    bad["data"]["attributes"]["status"] = "done"
    entries = [
        {
            "request": {
                "method": "GET",
                "url": "https://a.klaviyo.com/api/catalog-item-bulk-create-jobs/01J",
            },
            "response": {
                "status": 200,
                "content": {"mimeType": "application/vnd.api+json", "text": json.dumps(body)},
            },
        }
        for body in (job, bad)
    ]
    har = tmp_path / "catalog.har"
    har.write_text(json.dumps({"log": {"version": "1.2", "entries": entries}}))
    out, err = io.StringIO(), io.StringIO()
    status = cli.run(
        ["validate", str(har), "--openapi", str(document), "--format", "json"], out, err
    )
    report = json.loads(out.getvalue())
    assert status == 1, err.getvalue()
    assert report["summary"]["checked"] == 2
    (failing,) = report["outcomes"]
    assert failing["schema"] == "GetCatalogItemCreateJobResponseCompoundDocument"
    assert failing["source"]["entry"] == "entries[1]"
    assert [(v["instance_path"], v["keyword"]) for v in failing["violations"]] == [
        ("/data/attributes/status", "enum")
    ]
