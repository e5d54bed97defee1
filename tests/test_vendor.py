"""Vendoring: verbatim copies of upstream files, their closure, and the lock."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS, needs_catalogue
from klaviyo_contract.errors import UnknownSchema
from klaviyo_contract.registry import load_directory
from klaviyo_contract.vendor import read_lock, sha256, vendor, verify_lock

SCHEMAS = ROOT / "schemas"


def test_the_shipped_schemas_match_their_lock() -> None:
    """A hand edit of a vendored file (or an unlocked file) fails here."""
    assert verify_lock(SCHEMAS) == []
    assert set(read_lock(SCHEMAS)) == set(load_directory(SCHEMAS).names())


def test_the_lock_records_source_and_hash_of_every_file() -> None:
    for name, entry in read_lock(SCHEMAS).items():
        assert entry["source"].endswith("/" + entry["file"]), name
        assert entry["sha256"] == sha256(SCHEMAS / entry["file"])


def test_the_seed_files_are_shipped_as_published() -> None:
    """The seeds' JSON equals the vendored files' JSON."""
    if not SEEDS.is_dir():
        pytest.skip(f"the seeds are not at {SEEDS} (set KLAVIYO_CONTRACT_SHARED; see README)")
    for seed in sorted(SEEDS.iterdir()):
        text = seed.read_text(encoding="utf-8")
        name = re.search(r"(klaviyo-[a-z0-9]+-schema\.json)", text)
        assert name is not None, seed
        published = json.loads(text[text.index("{", name.end()) :])
        assert published == json.loads((SCHEMAS / name.group(1)).read_text(encoding="utf-8"))


def test_vendoring_copies_the_closure_byte_for_byte(tmp_path: Path) -> None:
    catalogue = needs_catalogue()
    copied = vendor(["PostCatalogItemCreateJobResponse"], catalogue, tmp_path)
    assert copied == [
        "APIJobErrorPayload",
        "CatalogItemBulkCreateJobEnum",
        "CatalogItemEnum",
        "ErrorSource",
        "ObjectLinks",
        "PostCatalogItemCreateJobResponse",
        "RelationshipLinks",
    ]
    for entry in read_lock(tmp_path).values():
        assert (tmp_path / entry["file"]).read_bytes() == (catalogue / entry["file"]).read_bytes()
    assert verify_lock(tmp_path) == []
    assert read_lock(tmp_path)["PostCatalogItemCreateJobResponse"]["requested"] is True
    assert read_lock(tmp_path)["ObjectLinks"]["requested"] is False


def test_vendoring_again_keeps_the_other_entries(tmp_path: Path) -> None:
    catalogue = needs_catalogue()
    vendor(["CouponCodeEnum"], catalogue, tmp_path)
    vendor(["CatalogItemEnum"], catalogue, tmp_path)
    assert set(read_lock(tmp_path)) == {"CouponCodeEnum", "CatalogItemEnum"}


def test_the_lock_catches_a_hand_edit_and_an_unlocked_file(tmp_path: Path) -> None:
    catalogue = needs_catalogue()
    vendor(["ObjectLinks"], catalogue, tmp_path)
    (tmp_path / "klaviyo-objectlinks-schema.json").write_text(
        '{"$id": "#/components/schemas/ObjectLinks"}'
    )
    (tmp_path / "extra.json").write_text("{}")
    problems = verify_lock(tmp_path)
    assert any("objectlinks" in p and "sha256 differs" in p for p in problems)
    assert any("extra.json" in p and "not in schemas.lock" in p for p in problems)


def test_vendoring_an_unknown_name_suggests_a_close_one(tmp_path: Path) -> None:
    catalogue = needs_catalogue()
    with pytest.raises(UnknownSchema, match="did you mean ObjectLinks"):
        vendor(["ObjectLink"], catalogue, tmp_path)
