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


def _offset_text(quarters: int) -> str:
    text = timezone(timedelta(minutes=15 * quarters)).tzname(None)  # "UTC", "UTC+05:30"
    return "+00:00" if text == "UTC" else text[3:]


_OFFSETS = tuple(_offset_text(quarters) for quarters in range(-12 * 4, 14 * 4 + 1))


def _day(r: Random) -> str:
    return date.fromordinal(r.randint(_FIRST_DAY, _LAST_DAY)).isoformat()


def _clock(r: Random) -> str:
    return f"{r.randrange(24):02d}:{r.randrange(60):02d}:{r.randrange(60):02d}"


def _fraction(r: Random) -> str:
    if r.random() < 0.5:
        return ""
    digits = r.randint(1, 6)
    return f".{r.randrange(10**digits):0{digits}d}"


def _offset(r: Random) -> str:
    pick = r.randrange(3)
    if pick == 0:
        return "+00:00"
    if pick == 1:
        return "Z"
    return r.choice(_OFFSETS)


def date_time(r: Random) -> str:
    return f"{_day(r)}T{_clock(r)}{_fraction(r)}{_offset(r)}"


def time_(r: Random) -> str:
    return f"{_clock(r)}{_fraction(r)}{_offset(r)}"


def uri(r: Random) -> str:
    segments = ["".join(r.choices(_SEGMENT, k=r.randint(1, 26))) for _ in range(r.randint(0, 4))]
    return "https://a.klaviyo.com/api/" + "/".join(segments) + ("/" if r.random() < 0.5 else "")


def email(r: Random) -> str:
    user = "".join(r.choices(_LOCAL, k=r.randint(1, 12)))
    tag = "+" + "".join(r.choices(_LOCAL, k=r.randint(1, 12))) if r.random() < 0.5 else ""
    return f"{user}{tag}@{r.choice(_DOMAINS)}"


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
