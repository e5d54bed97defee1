"""The SARIF 2.1.0 report: a result per violation and per problem, each under its rule."""

from __future__ import annotations

import io
import json

import pytest

from klaviyo_contract.model import Exchange, Problem, Result, Source, Summary, Violation
from klaviyo_contract.reports import ReportOptions, write
from klaviyo_contract.reports.sarif import artifact_location

COUPON = "CouponCodeCreateJobResponseObjectResource"
REQUIRED = Violation(
    COUPON, "", "required", '"data" is a required property', "#/r", property="data"
)
ENUM = Violation(COUPON, "/attributes/status", "enum", '"terminé ✓" is not one of ["a"]', "#/e")
TYPE = Violation(COUPON, "/id", "type", '7 is not of type "string"', "#/t")
SUMMARY = Summary(
    outcomes=(
        Result(COUPON, source=Source("captures/jobs.ndjson", line=11)),
        Result(
            COUPON,
            (REQUIRED, ENUM),
            Source("captures/jobs.ndjson", line=12),
            Exchange("GET", "https://a.klaviyo.com/api/coupon-code-bulk-create-jobs/", 200),
        ),
        Problem(Source("captures/broken.json", line=3, column=17), "Expecting ',' delimiter"),
        Problem(Source("captures/profiles.yaml"), "no contract for this route", "skipped"),
        Problem(Source("captures/api.har", entry="entries[2]"), "no schema fits", "unrouted"),
        Result(COUPON, (TYPE,), Source("-", line=1)),
        Result(COUPON, (TYPE,), Source("captures/whole file.json")),
    ),
    seconds=0.5,
    engine="reference",
)

# The properties SARIF 2.1.0 allows on the objects this writer makes (its schema sets
# additionalProperties to false on each): a key outside them fails validation.
ALLOWED = {
    "log": {"$schema", "version", "runs", "inlineExternalProperties", "properties"},
    "run": {"tool", "results", "columnKind", "properties", "invocations", "artifacts"},
    "driver": {"name", "version", "semanticVersion", "informationUri", "rules", "properties"},
    "rule": {"id", "name", "shortDescription", "fullDescription", "defaultConfiguration",
             "helpUri", "help", "properties"},
    "result": {"ruleId", "ruleIndex", "level", "message", "locations", "properties", "kind"},
    "physicalLocation": {"artifactLocation", "region", "contextRegion", "address", "properties"},
    "artifactLocation": {"uri", "uriBaseId", "index", "description", "properties"},
    "region": {"startLine", "startColumn", "endLine", "endColumn", "properties"},
}  # fmt: skip


def render(summary: Summary = SUMMARY) -> dict:
    out = io.StringIO()
    write(summary, "sarif", out, ReportOptions(tool_version="0.1.0"))
    return json.loads(out.getvalue())


def run_of(log: dict) -> dict:
    [run] = log["runs"]
    return run


def test_the_log_is_sarif_2_1_0_with_one_run_of_our_tool():
    log = render()
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    driver = run_of(log)["tool"]["driver"]
    assert driver["name"] == "klaviyo-contract"
    assert driver["version"] == "0.1.0"
    assert driver["informationUri"].startswith("https://")


def test_there_is_one_result_per_violation_and_per_unreadable_or_unrouted_input():
    results = run_of(render())["results"]
    assert [result["ruleId"] for result in results] == [
        "required",
        "enum",
        "unreadable",
        "unrouted",
        "type",
        "type",
    ]
    assert {result["level"] for result in results} == {"error"}


def test_every_rule_id_is_a_rule_of_the_driver_and_every_rule_is_used():
    run = run_of(render())
    rules = run["tool"]["driver"]["rules"]
    ids = [rule["id"] for rule in rules]
    assert len(ids) == len(set(ids))
    assert set(ids) == {result["ruleId"] for result in run["results"]}
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    assert all(rule["shortDescription"]["text"] for rule in rules)


def test_an_unlisted_keyword_still_gets_a_described_rule():
    odd = Result(COUPON, (Violation(COUPON, "/x", "propertyNames", "bad name", "#/p"),))
    [rule] = run_of(render(Summary(outcomes=(odd,))))["tool"]["driver"]["rules"]
    assert rule["id"] == "propertyNames"
    assert "propertyNames" in rule["shortDescription"]["text"]


def test_a_message_names_the_json_pointer_and_the_schema():
    results = run_of(render())["results"]
    assert results[0]["message"]["text"].startswith('/: "data" is a required property')
    assert results[1]["message"]["text"].startswith('/attributes/status: "terminé ✓"')
    assert COUPON in results[1]["message"]["text"]
    assert results[1]["properties"] == {
        "schema": COUPON,
        "instancePath": "/attributes/status",
        "schemaPath": "#/e",
    }


def test_regions_are_given_only_where_the_line_is_known():
    results = run_of(render())["results"]
    regions = [
        result["locations"][0]["physicalLocation"].get("region") if "locations" in result else "-"
        for result in results
    ]
    assert regions == [
        {"startLine": 12},
        {"startLine": 12},
        {"startLine": 3, "startColumn": 17},
        None,
        "-",  # standard input: no file to point at
        None,
    ]


def test_locations_are_relative_uris_with_forward_slashes_and_encoded_spaces():
    results = run_of(render())["results"]
    assert results[-1]["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "captures/whole%20file.json",
        "uriBaseId": "%SRCROOT%",
    }


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("captures/jobs.ndjson", "captures/jobs.ndjson"),
        ("./captures/jobs.ndjson", "captures/jobs.ndjson"),
        ("captures\\win dir\\a.json", "captures/win%20dir/a.json"),
        ("odd:name #1.json", "odd%3Aname%20%231.json"),
        ("/srv/recorded runs/a.json", "file:///srv/recorded%20runs/a.json"),
        ("C:\\runs\\a b.json", "file:///C:/runs/a%20b.json"),
    ],
)
def test_paths_become_uri_references(path, uri):
    assert artifact_location(path)["uri"] == uri


def test_skipped_inputs_are_only_counted():
    run = run_of(render())
    assert not any("profiles.yaml" in json.dumps(result) for result in run["results"])
    assert run["properties"]["counts"]["skipped"] == 1


def test_every_object_keeps_to_the_properties_sarif_allows():
    log = render()
    assert set(log) <= ALLOWED["log"]
    run = run_of(log)
    assert set(run) <= ALLOWED["run"]
    assert set(run["tool"]["driver"]) <= ALLOWED["driver"]
    for rule in run["tool"]["driver"]["rules"]:
        assert set(rule) <= ALLOWED["rule"]
    for result in run["results"]:
        assert set(result) <= ALLOWED["result"]
        for location in result.get("locations", []):
            physical = location["physicalLocation"]
            assert set(physical) <= ALLOWED["physicalLocation"]
            assert set(physical["artifactLocation"]) <= ALLOWED["artifactLocation"]
            assert set(physical.get("region", {})) <= ALLOWED["region"]
            assert all(value >= 1 for value in physical.get("region", {}).values())


def test_a_run_without_a_version_leaves_the_version_out():
    out = io.StringIO()
    write(Summary(), "sarif", out)
    driver = run_of(json.loads(out.getvalue()))["tool"]["driver"]
    assert "version" not in driver
    assert driver["rules"] == []


def test_two_runs_over_the_same_inputs_give_the_same_log():
    """Nothing timed goes into SARIF, so a committed report can be diffed."""
    slower = Summary(outcomes=SUMMARY.outcomes, seconds=42.0, engine="reference")
    assert render(slower) == render()


def test_lone_surrogates_and_controls_in_a_message_are_escaped_text():
    odd = Result(COUPON, (Violation(COUPON, "/x", "type", '"\ud800\x1b" is bad', "#/t"),))
    [result] = run_of(render(Summary(outcomes=(odd,))))["results"]
    assert result["message"]["text"].startswith(r'/x: "\ud800\x1b" is bad')
