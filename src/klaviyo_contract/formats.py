"""The formats the dialect asserts, each a pure ``str -> bool`` that follows its RFC.

These are the rule for both engines: the reference engine calls them, and the compiled
engine keeps jsonschema-rs's built-in checks only because they say exactly what these
say (tests/engines/test_agreement.py runs the official JSON-Schema-Test-Suite's format
cases, our RFC edge cases and fuzzed strings through both). Each is written here from
its RFC's ABNF and matched against the whole string (``fullmatch``: a final line feed
is not "the end"); the common libraries depart from the RFCs (``rfc3339-validator``
rejects the leap second RFC 3339 allows, ``rfc3986-validator`` lets a final line feed
through and admits leading zeros in an IPv4 octet).
"""

from __future__ import annotations

import re
from collections.abc import Callable

# RFC 3339 section 5.6. DIGIT is ASCII only; "T" and "Z" may be lower case (5.6, NOTE).
_FULL_DATE = r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
_FULL_TIME = (
    r"(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})(?:\.[0-9]+)?"
    r"(?P<offset>[Zz]|(?P<sign>[+-])(?P<off_hour>[0-9]{2}):(?P<off_minute>[0-9]{2}))"
)
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_DATE_TIME_RE = re.compile(rf"{_FULL_DATE}[Tt]{_FULL_TIME}", re.ASCII)
_DATE_RE = re.compile(_FULL_DATE, re.ASCII)
_TIME_RE = re.compile(_FULL_TIME, re.ASCII)


def _valid_date(match: re.Match[str]) -> bool:
    # RFC 3339 5.7: mday 01-28/29/30/31 by month and (Gregorian) leap year; any
    # 4-digit year, 0000 included (Python's date starts at year 1).
    year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
    if not 1 <= month <= 12:
        return False
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return 1 <= day <= (29 if month == 2 and leap else _DAYS_IN_MONTH[month - 1])


def _valid_time(match: re.Match[str]) -> bool:
    hour, minute, second = int(match["hour"]), int(match["minute"]), int(match["second"])
    if hour > 23 or minute > 59 or second > 60:
        return False
    offset = 0
    if match["sign"]:
        off_hour, off_minute = int(match["off_hour"]), int(match["off_minute"])
        if off_hour > 23 or off_minute > 59:
            return False
        offset = (off_hour * 60 + off_minute) * (1 if match["sign"] == "+" else -1)
    if second == 60:
        # A leap second is inserted at the end of a UTC day: 23:59:60 once the
        # local time is brought back to UTC (RFC 3339 5.6 and 5.7).
        utc_minutes = (hour * 60 + minute - offset) % (24 * 60)
        return utc_minutes == 23 * 60 + 59
    return True


def is_date_time(value: str) -> bool:
    """RFC 3339 ``date-time``: full-date "T" full-time, offset required."""
    match = _DATE_TIME_RE.fullmatch(value)
    return match is not None and _valid_date(match) and _valid_time(match)


def is_date(value: str) -> bool:
    """RFC 3339 ``full-date``, a real calendar day."""
    match = _DATE_RE.fullmatch(value)
    return match is not None and _valid_date(match)


def is_time(value: str) -> bool:
    """RFC 3339 ``full-time``: partial-time with an offset (JSON Schema's ``time``)."""
    match = _TIME_RE.fullmatch(value)
    return match is not None and _valid_time(match)


# RFC 3986 section 3 and appendix A. ABNF literals are case-insensitive (RFC 5234
# 2.3): "v" of IPvFuture and the hexadecimal digits take either case.
_HEX = "[0-9A-Fa-f]"
_UNRESERVED = r"A-Za-z0-9\-._~"
_SUB_DELIMS = r"!$&'()*+,;="
_PCT = f"%{_HEX}{_HEX}"
_PCHAR = f"(?:[{_UNRESERVED}{_SUB_DELIMS}:@]|{_PCT})"
_DEC_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])"
_IPV4 = rf"{_DEC_OCTET}(?:\.{_DEC_OCTET}){{3}}"
_H16 = f"{_HEX}{{1,4}}"
_LS32 = f"(?:{_H16}:{_H16}|{_IPV4})"
_IPV6 = "|".join(
    (
        f"(?:{_H16}:){{6}}{_LS32}",
        f"::(?:{_H16}:){{5}}{_LS32}",
        f"(?:{_H16})?::(?:{_H16}:){{4}}{_LS32}",
        f"(?:(?:{_H16}:){{0,1}}{_H16})?::(?:{_H16}:){{3}}{_LS32}",
        f"(?:(?:{_H16}:){{0,2}}{_H16})?::(?:{_H16}:){{2}}{_LS32}",
        f"(?:(?:{_H16}:){{0,3}}{_H16})?::{_H16}:{_LS32}",
        f"(?:(?:{_H16}:){{0,4}}{_H16})?::{_LS32}",
        f"(?:(?:{_H16}:){{0,5}}{_H16})?::{_H16}",
        f"(?:(?:{_H16}:){{0,6}}{_H16})?::",
    )
)
_IPVFUTURE = rf"[vV]{_HEX}+\.[{_UNRESERVED}{_SUB_DELIMS}:]+"
# reg-name takes digits and dots too, so an IPv4address needs no branch of its own
# ("http://087.10.0.1/" is a reg-name); inside brackets the octets are strict.
_HOST = rf"(?:\[(?:{_IPV6}|{_IPVFUTURE})\]|(?:[{_UNRESERVED}{_SUB_DELIMS}]|{_PCT})*)"
_AUTHORITY = rf"(?:(?:[{_UNRESERVED}{_SUB_DELIMS}:]|{_PCT})*@)?{_HOST}(?::[0-9]*)?"
_SEGMENT = f"{_PCHAR}*"
_HIER_PART = (
    rf"(?://{_AUTHORITY}(?:/{_SEGMENT})*"  # "//" authority path-abempty
    rf"|/(?:{_PCHAR}+(?:/{_SEGMENT})*)?"  # path-absolute
    rf"|{_PCHAR}+(?:/{_SEGMENT})*"  # path-rootless
    r"|)"  # path-empty
)
_URI_RE = re.compile(
    rf"[A-Za-z][A-Za-z0-9+\-.]*:{_HIER_PART}(?:\?(?:{_PCHAR}|[/?])*)?(?:#(?:{_PCHAR}|[/?])*)?",
    re.ASCII,
)


def is_uri(value: str) -> bool:
    """RFC 3986 ``URI``: an absolute URI with a scheme, ASCII only (non-ASCII is an IRI)."""
    return _URI_RE.fullmatch(value) is not None


# RFC 5321 section 4.1.2 Mailbox (ASCII; ``idn-email`` is another format).
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_DOT_STRING = rf"{_ATOM}(?:\.{_ATOM})*"
_QUOTED_STRING = r'"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"'
_SUB_DOMAIN = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_DOMAIN = rf"{_SUB_DOMAIN}(?:\.{_SUB_DOMAIN})*"
_MAILBOX_RE = re.compile(
    rf"(?:{_DOT_STRING}|{_QUOTED_STRING})(?P<at>@)(?:(?P<domain>{_DOMAIN})|\[(?P<literal>[^\[\]]*)\])",
    re.ASCII,
)


# RFC 5321 4.1.3 address literals, read with RFC 3986's grammar for both kinds: IPv6
# as RFC 4291 writes it, no zone ("%eth0"); IPv4 octets without leading zeros. No
# General-address-literal tag is registered, so none is accepted.
_ADDRESS_LITERAL_RE = re.compile(rf"{_IPV4}|[Ii][Pp][Vv]6:(?:{_IPV6})", re.ASCII)

#: RFC 5321 4.5.3.1.1: a local-part (quotes included) has at most 64 octets.
_MAX_LOCAL_PART = 64
#: RFC 5321 4.5.3.1.2: a domain has at most 255 octets, as RFC 1035 2.3.4 counts them
#: on the wire (a length octet per label and the root's), which is 253 in dotted text.
_MAX_DOMAIN = 253


def is_email(value: str) -> bool:
    """RFC 5321 ``Mailbox``: dot-string or quoted local part, domain or address literal,
    within RFC 5321's size limits (local-part 64 octets, domain 253 characters)."""
    match = _MAILBOX_RE.fullmatch(value)
    if match is None or match.start("at") > _MAX_LOCAL_PART:
        return False
    literal = match["literal"]
    if literal is None:
        domain = match["domain"]
        return len(domain) <= _MAX_DOMAIN and all(len(label) <= 63 for label in domain.split("."))
    return _ADDRESS_LITERAL_RE.fullmatch(literal) is not None


_UUID_RE = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}", re.ASCII)


def is_uuid(value: str) -> bool:
    """RFC 9562 string form: 8-4-4-4-12 hexadecimal digits, any version."""
    return _UUID_RE.fullmatch(value) is not None


#: The formats the dialect asserts. Any other format (OpenAPI's ``binary``, ...) is an
#: annotation, as the JSON Schema 2020-12 format-annotation vocabulary has it.
FORMATS: dict[str, Callable[[str], bool]] = {
    "date-time": is_date_time,
    "date": is_date,
    "time": is_time,
    "uri": is_uri,
    "email": is_email,
    "uuid": is_uuid,
}
