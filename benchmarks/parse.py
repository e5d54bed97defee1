"""What the duplicate-key and big-integer checks of ``inputs._json.parse`` cost.

Run: ``python benchmarks/parse.py``. It times, on one
realistic response (~8 KB, ~130 small objects, URLs and timestamps full of colons),
written compactly (as Klaviyo sends it: ``parse`` sees orjson write it back byte for
byte) and with ``json.dumps``' default spacing (``parse`` falls back to counting
colons and looking for long digit runs): plain ``orjson.loads``; ``parse``; and the
obvious alternative, ``json.loads`` with an ``object_pairs_hook`` that rejects
duplicates. Ratios are to ``orjson.loads`` of the same text.
"""

from __future__ import annotations

import json
import timeit

import orjson

from klaviyo_contract.inputs._json import parse


def payload(separators: tuple[str, str] | None = None) -> bytes:
    """A catalog-items page the shape of Klaviyo's: data, links and relationships."""
    base = "https://a.klaviyo.com/api/catalog-items"
    items = []
    for index in range(22):
        ident = f"$custom:::$default:::SKU-{index:05d}"
        items.append(
            {
                "type": "catalog-item",
                "id": ident,
                "attributes": {
                    "external_id": f"SKU-{index:05d}",
                    "title": f"Item {index}",
                    "price": 19.5 + index,
                    "published": True,
                    "updated": "2024-05-02T11:30:00+00:00",
                },
                "relationships": {
                    "variants": {"links": {"self": f"{base}/{ident}/relationships/variants/"}}
                },
                "links": {"self": f"{base}/{ident}/"},
            }
        )
    page = {"data": items, "links": {"self": base, "next": None, "prev": None}}
    return json.dumps(page, separators=separators).encode()


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate key")
    return result


def main() -> None:
    for form, separators in (("compact", (",", ":")), ("spaced", None)):
        data = payload(separators)
        assert parse(data) == orjson.loads(data)
        candidates = {
            "orjson.loads": lambda data=data: orjson.loads(data),
            "parse": lambda data=data: parse(data),
            "json.loads + object_pairs_hook": lambda data=data: json.loads(
                data, object_pairs_hook=_no_duplicates
            ),
        }
        print(f"{form}: {len(data)} bytes, {data.count(b'{')} objects")
        timings = {}
        for name, call in candidates.items():
            runs, _ = timeit.Timer(call).autorange()
            timings[name] = min(timeit.repeat(call, number=runs, repeat=7)) / runs
        baseline = timings["orjson.loads"]
        for name, seconds in timings.items():
            print(f"  {name:32} {seconds * 1e6:7.1f} us  {seconds / baseline:4.2f}x")


if __name__ == "__main__":
    main()
