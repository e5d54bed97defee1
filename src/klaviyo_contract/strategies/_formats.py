"""Strategies for the asserted formats, shaped like Klaviyo's values, accepted by our checkers.

Each yields only strings its :data:`~klaviyo_contract.formats.FORMATS` rule accepts
(a property test keeps it so), and shrinks towards a simple value: the earliest
date, no fraction, a UTC offset, a short path.
"""

from __future__ import annotations

from datetime import date, timedelta, timezone

from hypothesis import strategies as st

from ._values import FORMAT_BREAKERS

__all__ = ["FORMAT_BREAKERS", "FORMAT_STRATEGIES"]

_DAY = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
_FRACTION = st.one_of(
    st.just(""),
    st.integers(1, 6).flatmap(
        lambda digits: st.integers(0, 10**digits - 1).map(lambda n: f".{n:0{digits}d}")
    ),
)
_OFFSET = st.one_of(
    st.just("+00:00"),
    st.just("Z"),
    st.integers(-12 * 4, 14 * 4).map(lambda quarters: _offset(timedelta(minutes=15 * quarters))),
)


def _offset(delta: timedelta) -> str:
    text = timezone(delta).tzname(None)  # "UTC", "UTC+05:30", "UTC-08:00"
    return "+00:00" if text == "UTC" else text[3:]


_CLOCK = st.tuples(st.integers(0, 23), st.integers(0, 59), st.integers(0, 59)).map(
    lambda hms: f"{hms[0]:02d}:{hms[1]:02d}:{hms[2]:02d}"
)

date_times = st.builds(
    lambda day, clock, fraction, offset: f"{day.isoformat()}T{clock}{fraction}{offset}",
    _DAY,
    _CLOCK,
    _FRACTION,
    _OFFSET,
)
dates = _DAY.map(lambda day: day.isoformat())
times = st.builds(
    lambda clock, fraction, offset: f"{clock}{fraction}{offset}", _CLOCK, _FRACTION, _OFFSET
)

_SEGMENT = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=26)
uris = st.builds(
    lambda segments, slash: (
        "https://a.klaviyo.com/api/" + "/".join(segments) + ("/" if slash else "")
    ),
    st.lists(_SEGMENT, min_size=0, max_size=4),
    st.booleans(),
)
_LOCAL = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12)
emails = st.builds(
    lambda user, tag, domain: f"{user}{'+' + tag if tag else ''}@{domain}",
    _LOCAL,
    st.one_of(st.just(""), _LOCAL),
    st.sampled_from(["example.com", "klaviyo-demo.com", "mail.example.org"]),
)
uuids = st.uuids().map(str)

#: Format name -> strategy of strings the dialect's checker accepts.
FORMAT_STRATEGIES: dict[str, st.SearchStrategy[str]] = {
    "date-time": date_times,
    "date": dates,
    "time": times,
    "uri": uris,
    "email": emails,
    "uuid": uuids,
}
