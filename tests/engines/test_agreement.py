"""The two engines agree: same verdicts, same (instance path, keyword), same formats."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema_rs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from klaviyo_contract import Contract
from klaviyo_contract.formats import FORMATS
from test_formats import INVALID_DATE_TIMES, VALID_DATE_TIMES

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
REFERENCE = Contract.default(engine="reference")
COMPILED = Contract.default(engine="compiled")


def _builtin(fmt: str) -> jsonschema_rs.Validator:
    return jsonschema_rs.Draft202012Validator({"format": fmt}, validate_formats=True)


EDGE_CASES = {
    "date-time": VALID_DATE_TIMES + INVALID_DATE_TIMES,
    "date": [
        "2024-02-29",
        "2023-02-29",
        "0000-02-29",
        "1900-02-29",
        "2024-1-01",
        "2024-01-01T00:00Z",
    ],
    "time": ["08:30:06Z", "23:59:60Z", "15:59:60-08:00", "22:59:60Z", "08:30:06", "08:30:06+24:00"],
    "uri": [
        "https://a.klaviyo.com/api/x/",
        "urn:isbn:0451450523",
        "mailto:a@b.c",
        "not a uri",
        "//a.klaviyo.com/api/",
        "/api/jobs/1",
        "http://\u0192\u00f8\u00f8.com/",
        "http://e.com/%zz",
        "http://e.com/%C3%A9",
        "bar,baz:foo",
        "http://e.com/a b",
        "http://[2001:db8::7]/c",
        "https://a.klaviyo.com/api/x/?page[cursor]=y",
        "http://e.com/?q=%2G",
        # issue 12: rfc3986-validator's "$" let a final line feed through, and its
        # IPv4 octet admitted leading zeros inside an IPv6 literal.
        "https://a.klaviyo.com/api/x/\n",
        "https://[::ffff:01.2.3.4]/",
        "https://[::ffff:1.2.3.4]/",
        "http://[V1.x]/",  # ABNF literals are case-insensitive: "V" is IPvFuture's "v"
        "http://[fe80::1%25eth0]/",  # a zone is RFC 6874's, not RFC 3986's
        "a:",
        "x:\u2028",
    ],
    "email": [
        "a@b.c",
        "te..st@e.com",
        '"a b"@e.com',
        "a@[127.0.0.1]",
        "a@[IPv6:::1]",
        "a@[127.0.0.300]",
        ".a@e.com",
        "2962",
        # issue 12: RFC 5321 4.5.3.1 size limits, local-part 64 octets, domain 253.
        "a" * 64 + "@e.com",
        "a" * 65 + "@e.com",
        '"' + "a" * 62 + '"@e.com',
        '"' + "a" * 63 + '"@e.com',
        "a@" + ".".join(["b" * 62] * 4)[:253],
        "a@" + ".".join(["b" * 62] * 4)[:254],
        "a@[IPv6:fe80::1%eth0]",
        "a@[IPv6:::ffff:01.2.3.4]",
        "a@[001.2.3.4]",
        "a@e.com\n",
    ],
    "uuid": [
        "2EB8AA08-AA98-11EA-B4AA-73B441D16380",
        "2eb8aa08aa9811eab4aa73b441d16380",
        "2eb8aa08-aa98-11ea-b4ga-73b441d16380",
        "00000000-0000-0000-0000-000000000000",
    ],
}


@pytest.mark.parametrize(("fmt", "value"), [(f, v) for f, vs in EDGE_CASES.items() for v in vs])
def test_jsonschema_rs_built_in_formats_follow_the_dialect_s_rfc_rules(
    fmt: str, value: str
) -> None:
    """The compiled engine uses these built-ins: they must say what our checkers say."""
    assert _builtin(fmt).is_valid(value) is FORMATS[fmt](value)


_ALPHABETS = {
    "date-time": "0123456789-:TtZz.+ \n\u09ea",
    "date": "0123456789-\n",
    "time": "0123456789:.Zz+-\n",
    "uri": "abhtps:/?#[]@!$&'()*+,;=%-._~0129AFvV \u00e9<>\\{}|^`\"\n\r\x00",
    "email": 'ab.c@[]:"\\ -+1IPv6x\n%0',
    "uuid": "0123456789abcdefABCDEFG-\n",
}
#: Pieces each grammar is made of, so fuzzed strings reach its deeper branches.
_TOKENS = {
    "date-time": ["1998-12-31", "T", "23:59:60", "Z", "+00:00", "-08:00", ".1", "\n", "t"],
    "date": ["2024", "-", "02", "29", "0000", "1900", "13", "00", "31"],
    "time": ["23", ":", "59", "60", "Z", "+00:00", "-23:30", "+01:30", ".5", "24"],
    "uri": ["http://", "[", "]", "::", ":", "ffff", "1.2.3.4", "01", "256", "v1.", "%41", "@"],
    "email": ["a" * 30, "b" * 63, ".", "@", "[", "]", "IPv6:", "::", "1.2.3.4", "01", '"'],
    "uuid": ["2eb8aa08", "-", "aa98", "11ea", "b4aa", "73b441d16380", "\n", "G"],
}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_the_built_in_formats_agree_on_fuzzed_strings(fmt: str) -> None:
    validator = _builtin(fmt)
    pieces = st.lists(st.sampled_from(_TOKENS[fmt]), max_size=12).map("".join)

    @given(st.one_of(st.text(alphabet=_ALPHABETS[fmt], max_size=30), pieces))
    def agree(value: str) -> None:
        assert validator.is_valid(value) is FORMATS[fmt](value), value

    agree()


def _pairs(contract: Contract, payload: object, name: str | None = None) -> set[tuple[str, str]]:
    return {(v.instance_path, v.keyword) for v in contract.validate(payload, name).violations}


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.name)
def test_the_engines_agree_on_the_examples(path: Path) -> None:
    payload = json.loads(path.read_text(encoding="utf-8"))
    assert REFERENCE.validate(payload) == COMPILED.validate(payload)


@pytest.mark.parametrize(
    "name", ["CouponCodeCreateJobResponseObjectResource", "PostCatalogItemCreateJobResponse"]
)
def test_the_engines_agree_on_generated_invalid_payloads(name: str) -> None:
    @given(COMPILED.invalid_payloads(name))
    def agree(example: object) -> None:
        payload = example.payload  # type: ignore[attr-defined]
        assert REFERENCE.validate(payload, name) == COMPILED.validate(payload, name)

    agree()


@pytest.mark.parametrize("strict", [False, True])
def test_the_engines_agree_in_strict_mode(strict: bool) -> None:
    payload = json.loads((EXAMPLES / "coupon-code-job-complete.json").read_text(encoding="utf-8"))
    payload["attributes"]["priority"] = 1
    payload["relationships"]["coupon-codes"]["data"][0]["extra"] = True
    reference = REFERENCE.validate(payload, strict=strict)
    assert reference == COMPILED.validate(payload, strict=strict)
    assert len(reference.violations) == (2 if strict else 0)


def test_every_asserted_format_has_a_rule_wording_and_compiled_overrides_name_known_ones() -> None:
    """The engines word a failed format by FORMATS' names, and the compiled engine only
    ever replaces a built-in check by one of the dialect's rules."""
    from klaviyo_contract.engines import _FORMAT_RULES
    from klaviyo_contract.engines.compiled import COMPILED_FORMATS

    assert set(_FORMAT_RULES) == set(FORMATS)
    assert set(COMPILED_FORMATS) <= set(FORMATS)
