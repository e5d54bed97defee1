"""The ``contract`` fixture in a user's own tests."""

from __future__ import annotations

import pytest
from plugin_recordings import job_document

pytest_plugins = ["pytester"]


def test_contract_check_passes_a_conforming_payload_and_fails_a_violating_one_readably(
    pytester: pytest.Pytester,
) -> None:
    """The failure lists every violation at the user's line, without our frames."""
    pytester.makepyfile(
        f"""
        GOOD = {job_document()!r}
        BAD = {job_document(status="done", total_count="3")!r}

        def test_good(contract):
            result = contract.check(GOOD, "GetCouponCodeCreateJobResponseCompoundDocument")
            assert result.valid

        def test_bad(contract):
            contract.check(BAD, "GetCouponCodeCreateJobResponseCompoundDocument")
        """
    )

    result = pytester.runpytest()

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            '>       contract.check(BAD, "GetCouponCodeCreateJobResponseCompoundDocument")',
            "E       klaviyo_contract.errors.ContractViolation: payload: 2 violations of "
            "GetCouponCodeCreateJobResponseCompoundDocument",
            'E         /data/attributes/status: "done" is not one of *[[]enum[]]',
            'E         /data/attributes/total_count: "3" is not of type "integer" [[]type[]]',
        ]
    )
    assert "klaviyo_contract/contract.py" not in result.stdout.str()


def test_full_trace_keeps_every_frame(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        f"""
        def test_bad(contract):
            contract.check({job_document(status="done")!r}, "GetCouponCodeCreateJobResponseCompoundDocument")
        """  # noqa: E501
    )

    result = pytester.runpytest("--full-trace")

    result.assert_outcomes(failed=1)
    assert "klaviyo_contract/contract.py" in result.stdout.str()


def test_the_fixture_is_one_contract_for_the_session(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from klaviyo_contract import Contract

        SEEN = []

        def test_one(contract):
            assert isinstance(contract, Contract)
            SEEN.append(contract)

        def test_two(contract):
            assert contract is SEEN[0]
            assert "PostCatalogItemCreateJobResponse" in contract.names()
        """
    )

    result = pytester.runpytest("-p", "no:randomly")

    result.assert_outcomes(passed=2)


def test_a_payload_routed_by_its_type(pytester: pytest.Pytester) -> None:
    """Without a name, the JSON:API type picks the schema, as on the command line."""
    pytester.makepyfile(
        f"""
        def test_routed(contract):
            assert contract.check({job_document()!r}).schema == (
                "GetCouponCodeCreateJobResponseCompoundDocument"
            )
        """
    )

    result = pytester.runpytest()

    result.assert_outcomes(passed=1)
