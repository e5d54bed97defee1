"""The formats the dialect asserts, each a pure ``str -> bool`` that follows its RFC.

These are the rule for both engines. Libraries are used where they implement the
grammar faithfully (``rfc3986-validator`` for RFC 3986); where the common library
departs from the RFC (``rfc3339-validator`` rejects the leap second RFC 3339 allows)
the check is written here from the RFC's ABNF.
"""

from __future__ import annotations

import ipaddress
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


def is_uri(value: str) -> bool:
    """RFC 3986 ``URI``: an absolute URI with a scheme, ASCII only."""
    from rfc3986_validator import validate_rfc3986  # compiles its grammar on import

    return value.isascii() and validate_rfc3986(value, rule="URI") is not None


# RFC 5321 section 4.1.2 Mailbox (ASCII; ``idn-email`` is another format).
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_DOT_STRING = rf"{_ATOM}(?:\.{_ATOM})*"
_QUOTED_STRING = r'"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"'
_SUB_DOMAIN = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_DOMAIN = rf"{_SUB_DOMAIN}(?:\.{_SUB_DOMAIN})*"
_MAILBOX_RE = re.compile(
    rf"(?:{_DOT_STRING}|{_QUOTED_STRING})@(?:(?P<domain>{_DOMAIN})|\[(?P<literal>[^\[\]]*)\])",
    re.ASCII,
)


def is_email(value: str) -> bool:
    """RFC 5321 ``Mailbox``: dot-string or quoted local part, domain or address literal."""
    match = _MAILBOX_RE.fullmatch(value)
    if match is None:
        return False
    literal = match["literal"]
    if literal is None:
        return all(len(label) <= 63 for label in match["domain"].split("."))
    try:
        if literal[:5].lower() == "ipv6:":
            ipaddress.IPv6Address(literal[5:])
        else:
            ipaddress.IPv4Address(literal)
    except ValueError:
        return False
    return True


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
