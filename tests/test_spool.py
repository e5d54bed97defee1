"""Kept outcomes past a bound go to disk and come back in order, the same values."""

from __future__ import annotations

import pickle

import pytest

from klaviyo_contract import spool
from klaviyo_contract.model import Problem, Result, Source, Summary, Violation


def _outcomes(count: int) -> list[object]:
    made: list[object] = []
    for number in range(count):
        source = Source("jobs.ndjson", number + 1)
        if number % 3:
            violation = Violation(
                "Job", "/id", "type", "7 is not of type", "#/x/type", None, source
            )
            made.append(Result("Job", (violation,), source))
        else:
            made.append(Problem(source, "not valid JSON"))
    return made


def test_past_the_limit_outcomes_are_spilled_and_read_back_in_order(monkeypatch) -> None:
    monkeypatch.setattr(spool, "LIMIT", 10)
    outcomes = _outcomes(100)
    summary = Summary.collect(outcomes)
    assert isinstance(summary.outcomes, spool.Spilled)
    assert list(summary.outcomes) == outcomes
    assert summary.outcomes[57] == outcomes[57]
    assert len(summary.outcomes) == 100
    assert summary.counts["violate"] == 66
    assert summary.outcomes == tuple(outcomes)


def test_under_the_limit_outcomes_stay_a_tuple() -> None:
    summary = Summary.collect(_outcomes(5))
    assert isinstance(summary.outcomes, tuple)


def test_merged_parts_spill_too_and_travel_as_plain_data(monkeypatch) -> None:
    monkeypatch.setattr(spool, "LIMIT", 10)
    parts = [Summary.collect(_outcomes(8)) for _ in range(5)]
    merged = Summary.merge(parts, seconds=0.0)
    assert isinstance(merged.outcomes, spool.Spilled)
    assert len(merged.outcomes) == 40
    copy = pickle.loads(pickle.dumps(merged.outcomes))
    assert copy == tuple(merged.outcomes)


def test_every_index_reads_back_across_chunk_boundaries(monkeypatch) -> None:
    monkeypatch.setattr(spool, "LIMIT", 10)
    monkeypatch.setattr(spool, "CHUNK", 4)
    outcomes = _outcomes(23)
    spilled = Summary.collect(outcomes).outcomes
    assert isinstance(spilled, spool.Spilled)
    assert [spilled[index] for index in range(23)] == outcomes
    assert spilled[-1] == outcomes[-1]
    assert list(spilled[5:9]) == outcomes[5:9]
    with pytest.raises(IndexError):
        spilled[23]


def test_values_pickle_as_their_fields() -> None:
    source = Source("a.har", 3, 7, "entries[2]")
    result = Result("Job", (Violation("Job", "", "type", "m", "#/t", "p", source),), source)
    for value in (source, result, Problem(source, "bad", "skipped")):
        assert pickle.loads(pickle.dumps(value)) == value


def test_items_can_be_asked_for_twice(monkeypatch) -> None:
    monkeypatch.setattr(spool, "LIMIT", 3)
    kept: spool.Spool[int] = spool.Spool()
    kept.extend(range(10))
    assert list(kept.items()) == list(range(10))  # the first sequence is dropped here
    assert list(kept.items()) == list(range(10))


def test_one_part_merged_keeps_its_outcomes_where_they_are(monkeypatch) -> None:
    """--jobs 1 over one file: the spilled outcomes are not read back and written again."""
    monkeypatch.setattr(spool, "LIMIT", 10)
    part = Summary.collect(_outcomes(30), engine="compiled")
    merged = Summary.merge([part], seconds=1.5, engine="compiled")
    assert merged.outcomes is part.outcomes
    assert (merged.seconds, merged.counts) == (1.5, part.counts)
    assert Summary.merge([], seconds=0.0).counts["checked"] == 0
