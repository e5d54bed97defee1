"""The asserted formats follow their RFCs, in both directions."""

from __future__ import annotations

import pytest

from klaviyo_contract.formats import (
    FORMATS,
    is_date,
    is_date_time,
    is_email,
    is_time,
    is_uri,
    is_uuid,
)

VALID_DATE_TIMES = [
    "2022-11-08T00:00:00+00:00",
    "2022-11-08T00:00:00.123456+00:00",
    "1963-06-19T08:30:06.283185Z",
    "1963-06-19t08:30:06.283185z",  # RFC 3339 5.6 NOTE: "T" and "Z" may be lower case
    "1998-12-31T23:59:60Z",  # a leap second, UTC
    "1998-12-31T15:59:60.123-08:00",  # the same leap second, local time
    "2024-02-29T12:00:00+05:30",
]
INVALID_DATE_TIMES = [
    "yesterday",
    "2022-11-08",  # no time
    "2022-11-08T00:00:00",  # no offset: RFC 3339 requires one
    "2022-11-08 00:00:00+00:00",  # a space is ISO 8601's, not RFC 3339's grammar
    "1998-12-31T23:59:61Z",  # past a leap second
    "1998-12-31T23:58:60Z",  # a leap second on the wrong minute
    "1998-12-31T22:59:60Z",  # a leap second on the wrong hour
    "1990-02-31T15:59:59.123-08:00",  # no 31 February
    "2023-02-29T00:00:00Z",  # not a leap year
    "1990-12-31T15:59:59-24:00",  # offset hour out of range
    "1963-06-19T08:30:06.28123+01:00Z",  # Z after an offset
    "2013-350T01:01:01",  # an ISO 8601 ordinal date
    "1963-6-19T08:30:06.283185Z",  # month not padded
    "1963-06-1\u09eaT00:00:00Z",  # a Bengali digit four
    "2022-11-08T24:00:00Z",
    "2022-11-08T00:00:00.+00:00",  # a fraction needs a digit
]


@pytest.mark.parametrize("value", VALID_DATE_TIMES)
def test_rfc_3339_date_times_are_accepted(value: str) -> None:
    assert is_date_time(value)


@pytest.mark.parametrize("value", INVALID_DATE_TIMES)
def test_strings_outside_rfc_3339_date_time_are_rejected(value: str) -> None:
    assert not is_date_time(value)


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("2024-02-29", True),
        ("2023-02-29", False),
        ("2020-1-01", False),
        ("2020-01-01T00:00Z", False),
        ("0000-02-29", True),
        ("1900-02-29", False),
        ("2000-02-29", True),
        ("2024-04-31", False),
        ("9999-12-31", True),
    ],
)
def test_dates_are_real_calendar_days(value: str, valid: bool) -> None:
    assert is_date(value) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("08:30:06Z", True),
        ("08:30:06.283185+01:00", True),
        ("23:59:60Z", True),
        ("15:59:60-08:00", True),
        ("22:59:60Z", False),
        ("08:30:06", False),
        ("8:30:06Z", False),
        ("08:30:06+24:00", False),
    ],
)
def test_times_need_an_offset_and_honour_leap_seconds(value: str, valid: bool) -> None:
    assert is_time(value) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("https://a.klaviyo.com/api/coupon-code-bulk-create-jobs/01HQ/", True),
        (
            "https://a.klaviyo.com/api/catalog-items/?filter=equals(id,%22a%22)&page[cursor]=x",
            False,
        ),
        ("https://a.klaviyo.com/api/catalog-items/?filter=equals(id,%22a%22)", True),
        ("urn:oasis:names:specification:docbook:dtd:xml:4.1.2", True),
        ("mailto:John.Doe@example.com", True),
        ("http://[2001:db8::7]/c=GB?objectClass?one", True),
        ("not a uri", False),
        ("http://example.com/ space", False),
        ("//a.klaviyo.com/api/", False),  # a relative reference has no scheme
        ("/api/jobs/1", False),
        ("http://\u0192\u00f8\u00f8.com/", False),  # non-ASCII needs percent-encoding (that is IRI)
        ("http://example.com/%zz", False),  # a bad percent-encoding
        ("bar,baz:foo", False),  # a comma in the scheme
        ("https://a.klaviyo.com/api/x/\n", False),  # issue 12: the final line feed too
        ("https://[::ffff:01.2.3.4]/", False),  # issue 12: dec-octet has no leading zero
        ("https://[::ffff:1.2.3.4]/", True),
        ("http://087.10.0.1/", True),  # outside brackets it is a reg-name
        ("http://[v1.x]/", True),
        ("http://[V1.x]/", True),  # ABNF literals are case-insensitive (RFC 5234 2.3)
        ("http://[fe80::1%25eth0]/", False),  # a zone is RFC 6874's, not RFC 3986's
        ("http://[1:2:3:4:5:6:7::]/", True),
        ("http://[1::2::3]/", False),
        ("http://a:99999/", True),  # port = *DIGIT
        ("a:", True),  # path-empty
    ],
)
def test_uris_are_absolute_rfc_3986(value: str, valid: bool) -> None:
    assert is_uri(value) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("joe.bloggs@example.com", True),
        ("te~st@example.com", True),
        ('"joe bloggs"@example.com', True),
        ("joe.bloggs@[127.0.0.1]", True),
        ("joe.bloggs@[IPv6:::1]", True),
        ("2962", False),
        (".test@example.com", False),
        ("test.@example.com", False),
        ("te..st@example.com", False),
        ("joe.bloggs@[127.0.0.300]", False),
        ("user1@oceania.org, user2@oceania.org", False),
        # RFC 5321 4.5.3.1.1: a local-part has at most 64 octets, quotes included.
        ("a" * 64 + "@example.com", True),
        ("a" * 65 + "@example.com", False),
        ('"' + "a" * 62 + '"@example.com', True),
        ('"' + "a" * 63 + '"@example.com', False),
        # RFC 5321 4.5.3.1.2: a domain has at most 255 octets on the wire, 253 as text.
        ("a@" + ".".join(["b" * 62] * 5)[:253], True),
        ("a@" + ".".join(["b" * 62] * 5)[:254], False),
        ("a@" + "b" * 64 + ".com", False),  # a label has at most 63
        ("a@[IPv6:fe80::1%eth0]", False),  # no zone in an address literal
        ("a@[IPv6:::ffff:01.2.3.4]", False),
        ("a@[001.2.3.4]", False),  # read with RFC 3986's dec-octet (docs/dialect.md)
        ("a@[IPV6:::1]", True),
        ("a@[tag:content]", False),  # no General-address-literal tag is registered
        ("a@example.com\n", False),
    ],
)
def test_emails_are_rfc_5321_mailboxes(value: str, valid: bool) -> None:
    assert is_email(value) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("2EB8AA08-AA98-11EA-B4AA-73B441D16380", True),
        ("e4eebb08-b055-4a6f-bb13-c8cb69c9eb94", True),
        ("00000000-0000-0000-0000-000000000000", True),
        ("2eb8aa08aa9811eab4aa73b441d16380", False),
        ("2eb8aa08-aa98-11ea-b4aa-73b441d1638", False),
        ("2eb8aa08-aa98-11ea-b4ga-73b441d16380", False),
    ],
)
def test_uuids_have_the_8_4_4_4_12_form(value: str, valid: bool) -> None:
    assert is_uuid(value) is valid


def test_the_dialect_asserts_exactly_these_formats() -> None:
    """OpenAPI's `binary` and any unknown format stay annotations."""
    assert set(FORMATS) == {"date-time", "date", "time", "uri", "email", "uuid"}
