"""What a thousand generated coupon-code jobs must look like, whichever interpreter drew
them (Hypothesis strategies or bulk streams): shared by their tests."""

from __future__ import annotations

from collections import Counter
from typing import Any

NULLABLE = ("completed_count", "failed_count", "completed_at", "errors", "expires_at")
STATUSES = {"cancelled", "complete", "processing", "queued"}


def assert_look_like_klaviyo_s(jobs: list[Any], *, nulls_at_least: int) -> Counter[int]:
    """Nulls in every nullable field, every status, relationship arrays short and long;
    the lengths of those arrays, for further checks."""
    attributes = [job["attributes"] for job in jobs]
    for field in NULLABLE:
        nulls = sum(1 for a in attributes if field in a and a[field] is None)
        assert nulls >= nulls_at_least, (field, nulls)
    assert {a["status"] for a in attributes} == STATUSES
    lengths = Counter(
        len(job["relationships"]["coupon-codes"]["data"])
        for job in jobs
        if "data" in job.get("relationships", {}).get("coupon-codes", {})
    )
    assert lengths[0] > 0
    assert any(1 <= n <= 3 for n in lengths)
    assert any(n >= 100 for n in lengths)
    return lengths
