"""inputs._json.parse: strict JSON, with a one-line reason and a location for each fault."""

from __future__ import annotations

import json

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from klaviyo_contract.errors import InputError
from klaviyo_contract.inputs._json import MAX_DEPTH, parse, problem
from klaviyo_contract.inputs.ndjson import numbered_payloads


def fault(data: bytes) -> InputError:
    with pytest.raises(InputError) as caught:
        parse(data)
    return caught.value


def test_a_valid_document_reads_as_orjson_reads_it():
    data = b'{"data": {"type": "coupon-code-bulk-create-job", "id": "x", "n": [1, 2.5, null]}}'
    assert parse(data) == orjson.loads(data)


@pytest.mark.parametrize("data", [b"", b" \n\t\r\n"], ids=["nothing", "whitespace"])
def test_an_empty_input_is_refused_as_empty(data):
    error = fault(data)
    assert error.reason == "empty input"
    assert (error.line, error.column) == (None, None)


def test_a_utf8_byte_order_mark_is_refused_with_the_fix():
    """RFC 8259 8.1: senders MUST NOT add one; we say so rather than skip it."""
    error = fault(b'\xef\xbb\xbf{"a": 1}')
    assert "byte order mark" in error.reason
    assert "remove the byte order mark" in error.reason
    assert (error.line, error.column) == (1, 1)


def test_bytes_that_are_not_utf8_are_located_by_line_and_character_column():
    error = fault(b'{\n  "\xc3\xa9t\xc3\xa9": "caf\xe9"\n}')
    assert error.reason.startswith("not UTF-8: ")
    assert "0xe9" in error.reason
    assert (error.line, error.column) == (2, 14)


@pytest.mark.parametrize(
    "data",
    ['{"a": 1}'.encode("utf-16"), '{"a": 1}'.encode("utf-16-be"), '{"a": 1}'.encode("utf-32")],
    ids=["utf-16 with bom", "utf-16-be", "utf-32"],
)
def test_utf16_and_utf32_are_named_as_such(data):
    assert "UTF-16 or UTF-32" in fault(data).reason


def test_malformed_json_says_what_was_expected_and_where():
    error = fault(b'{\n  "a": 1,\n  "b": 2\n  "c": 3\n}')
    assert error.reason == "not valid JSON: expected ',' or '}'"
    assert (error.line, error.column) == (4, 3)


@pytest.mark.parametrize(
    "data",
    [b'{"data": {"id": "x"', b'{"data": [1, 2', b'{"a": "unterminated', b'{"a": tr', b"[1.5e"],
)
def test_truncated_json_is_called_truncated_at_its_end(data):
    error = fault(data)
    assert "unexpected end of input (truncated?)" in error.reason
    assert (error.line, error.column) == (1, len(data) + 1)


@pytest.mark.parametrize(
    ("data", "token", "column"),
    [
        (b'{"a": NaN}', "NaN", 7),
        (b'{"a": [1, Infinity]}', "Infinity", 11),
        (b'{"a": -Infinity}', "-Infinity", 7),
    ],
)
def test_nan_and_infinity_are_refused_by_name(data, token, column):
    error = fault(data)
    assert f"{token} is not a JSON number" in error.reason
    assert "no NaN or Infinity" in error.reason
    assert (error.line, error.column) == (1, column)


def test_nesting_up_to_the_limit_is_read():
    assert parse(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH) is not None


def test_absurd_nesting_is_refused_with_the_limit_and_where_it_was_passed():
    depth = MAX_DEPTH + 1
    error = fault(b"[" * depth + b"]" * depth)
    assert f"nested more than {MAX_DEPTH} arrays and objects deep" in error.reason
    assert error.line == 1
    assert error.column is not None
    assert error.column > MAX_DEPTH


def test_several_documents_in_one_text_point_at_the_second():
    error = fault(b'{"a": 1}\n{"b": 2}\n')
    assert "more after the first JSON value" in error.reason
    assert ".ndjson" in error.reason
    assert (error.line, error.column) == (2, 1)


def test_a_duplicate_key_is_refused_with_its_name_and_both_places():
    error = fault(b'{\n  "id": "a",\n  "type": "x",\n  "id": "b"\n}')
    assert error.reason == 'duplicate key "id" in the top-level object (first at line 2, column 3)'
    assert (error.line, error.column) == (4, 3)


def test_a_duplicate_key_deep_inside_is_located_by_json_pointer():
    data = (
        b'{"data": [{"id": "1"}, {"id": "2", "attributes": {"links": {"self": "u",'
        b' "a/b~c": {"k": 1, "k": 2}}}}]}'
    )
    error = fault(data)
    assert 'duplicate key "k" in the object at /data/1/attributes/links/a~1b~0c' in error.reason
    first = data.index(b'"k"')
    second = data.index(b'"k"', first + 1)
    assert f"(first at column {first + 1})" in error.reason
    assert (error.line, error.column) == (1, second + 1)


def test_keys_spelled_with_different_escapes_are_still_duplicates():
    error = fault(b'{"status": 1, "st\\u0061tus": 2}')
    assert 'duplicate key "status"' in error.reason


def test_an_escaped_colon_cannot_hide_a_duplicate_key():
    """The fast check counts colons; an escaped colon must not balance a lost key."""
    error = fault(b'{"a": 1, "a": "x\\u003ay"}')
    assert 'duplicate key "a"' in error.reason


def test_colons_in_keys_and_values_are_not_taken_for_duplicates():
    data = b'{"a:b": "2024-01-01T00:00:00+00:00", "a\\u003ac": "https://x", "n": {"a:b": 1}}'
    assert parse(data) == {"a:b": "2024-01-01T00:00:00+00:00", "a:c": "https://x", "n": {"a:b": 1}}


def test_the_same_key_in_sibling_objects_is_not_a_duplicate():
    data = b'[{"id": 1, "type": "a"}, {"id": 2, "type": "a", "more": {"id": 3}}]'
    assert parse(data) == json.loads(data)


@pytest.mark.parametrize(
    "number",
    [2**64, 2**64 - 1, -(2**63) - 1, 123456789012345678901234567890, -(10**300)],
    ids=["2**64", "u64 max", "below i64 min", "30 digits", "300 digits"],
)
@pytest.mark.parametrize("template", [b'{"data": {"count": %d}}', b'{"data":{"count":%d}}', b"%d"])
def test_integers_of_any_size_are_read_exactly_as_python_ints(number, template):
    """orjson would round integers outside [-2**63, 2**64) to floats; parse does not,
    whether the text is spaced or as compact as orjson writes it."""
    value = parse(template % number)
    count = value["data"]["count"] if isinstance(value, dict) else value
    assert type(count) is int
    assert count == number


def test_a_compact_duplicate_is_found_though_the_rest_reads_back_byte_for_byte():
    error = fault(b'{"type":"coupon","id":"A","id":"B"}\n')
    assert error.reason == 'duplicate key "id" in the top-level object (first at column 18)'


def test_a_long_digit_run_in_a_string_leaves_the_value_unchanged():
    data = b'{"id": "01234567890123456789012345", "n": 1.5}'
    assert parse(data) == {"id": "01234567890123456789012345", "n": 1.5}


def test_duplicates_are_found_in_a_document_that_also_holds_a_huge_integer():
    error = fault(b'{"n": ' + b"9" * 400 + b', "m": {"k": 1, "k": 2}}')
    assert 'duplicate key "k" in the object at /m' in error.reason


@pytest.mark.parametrize("data", [b"[1e400]", b'{"a": -1.5e999}'])
def test_a_float_beyond_double_range_is_refused(data):
    error = fault(data)
    assert "number too large" in error.reason
    assert "64-bit float" in error.reason
    assert error.line == 1


def test_a_float_beyond_range_is_found_after_a_huge_integer_too():
    error = fault(b"[" + b"1" * 400 + b", 2e999]")
    assert "number too large: 2e999" in error.reason
    assert (error.line, error.column) == (1, 404)


def test_an_integer_longer_than_python_reads_is_refused_with_its_length():
    error = fault(b'{"a": [1, ' + b"7" * 5000 + b"]}")
    assert "integer too long: 5000 digits" in error.reason
    assert (error.line, error.column) == (1, 11)


def test_reasons_are_one_line_without_python_reprs():
    for data in [b'{"a": NaN}', b'{"a":1,"a":2}', b"\xff", b"[1,]", b'{"a" 1}']:
        reason = fault(data).reason
        assert "\n" not in reason
        assert "Error" not in reason


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=20,
)


SEPARATORS = st.sampled_from([None, (",", ":")])  # json.dumps' spacing, or compact


@given(json_values, st.booleans(), SEPARATORS)
def test_every_json_value_reads_back_equal(value, ascii_only, separators):
    text = json.dumps(value, ensure_ascii=ascii_only, separators=separators)
    assert parse(text.encode()) == value


@given(
    st.dictionaries(st.text(max_size=6), json_values, min_size=1, max_size=4),
    st.data(),
)
def test_every_duplicated_key_is_found_however_deep(members, data):
    """Soundness of the fast check: no document with a duplicate key slips through."""
    key = data.draw(st.sampled_from(sorted(members)))
    again = data.draw(json_values)
    separators = data.draw(SEPARATORS)
    comma, colon = separators or (", ", ": ")

    def dumps(value: object) -> str:
        return json.dumps(value, separators=separators)

    body = dumps(members)[:-1] + f"{comma}{dumps(key)}{colon}{dumps(again)}}}"
    depth = data.draw(st.integers(0, 3))
    text = f'{{"x"{colon}[' * depth + body + "]}" * depth
    error = fault(text.encode())
    assert f"duplicate key {json.dumps(key, ensure_ascii=False)}" in error.reason


def test_duplicates_are_found_in_documents_nested_deeper_than_orjson_writes():
    """orjson writes at most 255 levels, so deep documents take the exact check."""
    depth = 300
    error = fault(b'{"a": [' * depth + b'{"k": 1, "k": 2}' + b"]}" * depth)
    assert 'duplicate key "k" in the object at ' + "/a/0" * depth in error.reason


HUGE = b"1" * 400  # makes orjson give up, so json.loads reads the rest


def test_nan_after_a_huge_integer_is_refused_by_name_too():
    error = fault(b"[" + HUGE + b", NaN]")
    assert "NaN is not a JSON number" in error.reason
    assert (error.line, error.column) == (1, 404)


def test_malformed_json_after_a_huge_integer_is_located_too():
    error = fault(b"[" + HUGE + b",\n }")
    assert error.reason.startswith("not valid JSON: ")
    assert (error.line, error.column) == (2, 2)


def test_absurd_nesting_after_a_huge_integer_is_refused_too():
    depth = MAX_DEPTH + 100
    error = fault(b"[" + HUGE + b", " + b"[" * depth + b"]" * depth + b"]")
    assert "nested more than" in error.reason


# -- the NDJSON reader's own first test: it must read every line as parse() does ------

NDJSON_LINES = [
    b'{"a":1,"b":[true,null,2.5,"x:y"]}\n',  # compact: read without parse()
    b'{"a":1,"b":[true,null,2.5,"x:y"]}  \r\n',  # compact, trailing whitespace
    b'{"a": 1}\n',  # spaced
    b' {"a":1}\n',  # leading whitespace
    b"\n",
    b" \t\r\n",
    b'{"k":1,"k":2}\n',  # a compact duplicate: written back one member shorter
    b'{"k":1,"\\u006b":2}\n',  # the same, spelled with an escape
    b'{"n":123456789012345678901234}\n',  # compact, beyond 64 bits: a float to orjson
    b'{"n":-9223372036854775809}\n',
    b'{"n":18446744073709551615}\n',  # the largest orjson keeps
    b"\xef\xbb\xbf" + b'{"a":1}\n',
    b'{"a":1} {"b":2}\n',
    b"{not json\n",
    b'{"s":"\\u00e9\\/"}\n',  # escapes orjson writes differently
    b'{"s":"\xc3\xa9"}\n',
    b"[" * 300 + b"]" * 300 + b"\n",  # deeper than orjson writes
    b'{"a":1}',  # the last line, without its newline
]


def _as_parse_reads(lines: list[bytes], path: str) -> list[object]:
    expected: list[object] = []
    for number, line in enumerate(lines, 1):
        text = line.rstrip(b" \t\r\n")
        if not text:
            continue
        try:
            expected.append((number, parse(text)))
        except InputError as err:
            expected.append(problem(path, err, line=number))
    return expected


def test_the_ndjson_reader_reads_each_line_as_parse_does():
    """Its inline fast path (one loads and one dumps) may only ever agree with parse()."""
    found = list(numbered_payloads(enumerate(NDJSON_LINES, 1), "f.ndjson"))
    assert found == _as_parse_reads(NDJSON_LINES, "f.ndjson")


@given(json_values, SEPARATORS, st.sampled_from([b"", b"\n", b" \r\n", b"\t\n"]), st.data())
def test_every_ndjson_line_reads_as_parse_reads_it(value, separators, ending, data):
    line = json.dumps(value, separators=separators).encode() + ending
    if data.draw(st.booleans()) and isinstance(value, dict) and value:
        key = data.draw(st.sampled_from(sorted(value)))  # a duplicate, compact or not
        line = line.rstrip()[:-1] + b"," + json.dumps(key).encode() + b":0}" + ending
    found = list(numbered_payloads([(1, line)], "f.ndjson"))
    assert found == _as_parse_reads([line], "f.ndjson")
