"""Format values drawn from a seeded :class:`random.Random`, and the strings that break them.

The bulk interpreter's twins of :mod:`._formats` (same shapes: RFC 3339 date-times
with fractions and offsets, Klaviyo's API URIs, plain emails, UUIDs), each accepted
by its :data:`~klaviyo_contract.formats.FORMATS` rule (a test keeps it so). No
Hypothesis here: ``generate`` runs without it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta, timezone
from random import Random

_FIRST_DAY = date(2000, 1, 1).toordinal()
_LAST_DAY = date(2099, 12, 31).toordinal()
_SEGMENT = "abcdefghijklmnopqrstuvwxyz0123456789-_"
_LOCAL = "abcdefghijklmnopqrstuvwxyz0123456789"
_DOMAINS = ("example.com", "klaviyo-demo.com", "mail.example.org")


def below(r: Random, size: int) -> int:
    """A whole number from 0 to ``size - 1`` (``size`` well under 2**53): one call to random()."""
    return int(r.random() * size)


def texts(alphabet: str, low: int, high: int) -> Callable[[Random], str]:
    """Strings of ``low`` to ``high`` characters of an ASCII ``alphabet``.

    One random byte a character, mapped through a 256-entry table that repeats the
    alphabet: as fast as Python draws text, and seeded like the rest.
    """
    table = (alphabet * (256 // len(alphabet) + 1))[:256].encode("ascii")
    span = high - low + 1

    def text(r: Random) -> str:
        return r.randbytes(low + int(r.random() * span)).translate(table).decode("ascii")

    return text


def _offset_text(quarters: int) -> str:
    text = timezone(timedelta(minutes=15 * quarters)).tzname(None)  # "UTC", "UTC+05:30"
    return "+00:00" if text == "UTC" else text[3:]


_segment = texts(_SEGMENT, 1, 26)
_local = texts(_LOCAL, 1, 12)
_OFFSETS = tuple(_offset_text(quarters) for quarters in range(-12 * 4, 14 * 4 + 1))


def _day(r: Random) -> str:
    return date.fromordinal(_FIRST_DAY + below(r, _LAST_DAY - _FIRST_DAY + 1)).isoformat()


def _clock(r: Random) -> str:
    return f"{below(r, 24):02d}:{below(r, 60):02d}:{below(r, 60):02d}"


def _fraction(r: Random) -> str:
    if r.random() < 0.5:
        return ""
    digits = 1 + below(r, 6)
    return f".{below(r, 10**digits):0{digits}d}"


def _offset(r: Random) -> str:
    pick = r.random()
    if pick < 1 / 3:
        return "+00:00"
    if pick < 2 / 3:
        return "Z"
    return _OFFSETS[below(r, len(_OFFSETS))]


def date_time(r: Random) -> str:
    return f"{_day(r)}T{_clock(r)}{_fraction(r)}{_offset(r)}"


def time_(r: Random) -> str:
    return f"{_clock(r)}{_fraction(r)}{_offset(r)}"


def uri(r: Random) -> str:
    segments = [_segment(r) for _ in range(below(r, 5))]
    return "https://a.klaviyo.com/api/" + "/".join(segments) + ("/" if r.random() < 0.5 else "")


def email(r: Random) -> str:
    tag = "+" + _local(r) if r.random() < 0.5 else ""
    return f"{_local(r)}{tag}@{_DOMAINS[below(r, len(_DOMAINS))]}"


def uuid_(r: Random) -> str:
    return str(uuid.UUID(int=r.getrandbits(128), version=4))


#: Format name -> a function of a Random that returns a string the format's checker accepts.
FORMAT_DRAWERS: dict[str, Callable[[Random], str]] = {
    "date-time": date_time,
    "date": _day,
    "time": time_,
    "uri": uri,
    "email": email,
    "uuid": uuid_,
}
#: The formats the tree makes values of (others are annotations: any string).
FORMAT_NAMES = frozenset(FORMAT_DRAWERS)

#: Format name -> strings that break it, for invalid payloads (each rejected by its rule).
FORMAT_BREAKERS: dict[str, tuple[str, ...]] = {
    "date-time": (
        "2024-10-28 14:05:02",
        "2024-10-28T14:05:02",
        "yesterday",
        "2024-02-30T00:00:00Z",
    ),
    "date": ("2024-02-30", "28/10/2024", "2024-1-1"),
    "time": ("14:05:02", "25:00:00Z", "2pm"),
    "uri": ("not a uri", "/api/coupon-codes/", "https://a.klaviyo.com/a b"),
    "email": ("no-at-sign", "two@@example.com", "a@b@c"),
    "uuid": ("not-a-uuid", "2eb8aa08aa9811eab4aa73b441d16380"),
}
