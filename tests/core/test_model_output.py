"""Malformed and hostile model answers through the parser and the locating step."""

from __future__ import annotations

import json

import pytest

from app.core.detectors.model.output import (
    ModelItem,
    locate_items,
    neutralise_type_name,
    parse_model_output,
)
from app.core.errors import ModelOutputError
from app.core.findings import MODEL
from app.core.taxonomy import FALLBACK_TYPE, Level


def answer(*elements: object) -> str:
    return json.dumps(list(elements), ensure_ascii=False)


def element(original_text: object, privacy_type: object = "Email", privacy_level: object = "PL2") -> dict[str, object]:
    return {"original_text": original_text, "privacy_type": privacy_type, "privacy_level": privacy_level}


@pytest.mark.parametrize(
    "raw",
    ['[{"original_text": "a", "privacy_type"', "", "not json", "[1, 2", "[" * 100_000 + "]" * 100_000],
)
def test_invalid_json_is_an_error_that_does_not_quote_the_answer(raw: str) -> None:
    with pytest.raises(ModelOutputError) as caught:
        parse_model_output(raw)
    assert "original_text" not in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


@pytest.mark.parametrize("raw", ['{"original_text": "x"}', '"[]"', "42", "null"])
def test_an_answer_that_is_not_an_array_is_an_error(raw: str) -> None:
    with pytest.raises(ModelOutputError):
        parse_model_output(raw)


def test_empty_array_is_a_clean_empty_answer() -> None:
    parsed = parse_model_output(" [] \n")
    assert parsed.items == () and parsed.returned == 0 and parsed.malformed == 0


def test_elements_with_wrong_fields_or_types_are_skipped_and_counted() -> None:
    raw = answer(
        element("alice@example.com"),
        "just a string",
        42,
        None,
        {"privacy_type": "Email", "privacy_level": "PL2"},  # no value
        element(""),  # empty value
        element("   "),  # blank value
        element(["alice@example.com"]),  # value not a string
        element("alice@example.com", privacy_type=None),  # type not a string
        {"original_text": "alice@example.com", "privacy_level": "PL2"},  # no type
    )
    parsed = parse_model_output(raw)
    assert parsed.returned == 10
    assert parsed.malformed == 9
    assert parsed.items == (ModelItem("alice@example.com", "Email", Level.PL2),)


def test_types_are_canonical_and_missing_or_invalid_levels_come_from_the_table() -> None:
    raw = answer(
        element("hunter2", "password", "PL9"),
        {"original_text": "4111 1111 1111 1111", "privacy_type": "credit card number"},
        element("10.0.0.7", "Internal IP", "PL1"),  # the model graded it a preference: dropped, never raised
        element("Zed", "Favourite Band", "PL3"),  # a coined type keeps the model's valid level
        element("x", "Email", 4),  # a number is a valid level too
    )
    parsed = parse_model_output(raw)
    assert [(item.privacy_type, item.level) for item in parsed.items] == [
        ("Password", Level.PL4),
        ("Bank/Payment Card Number", Level.PL3),
        ("Favourite Band", Level.PL3),
        ("Email", Level.PL4),
    ]
    assert (parsed.returned, parsed.preferences, parsed.malformed) == (5, 1, 0)


@pytest.mark.parametrize(
    ("raw_type", "expected"),
    [
        ("<b>Email</b>", "Email"),
        ("<script>alert(1)</script>Password", "alert(1) Password"),
        ("Phone\x00Number", "Phone Number"),
        ("Email\u202e", "Email"),  # a bidi override would flip what the UI shows
        ("Real\nName\r\t", "Real Name"),
        ('Token"; DROP TABLE', "Token DROP TABLE"),
        ("\x1b[31mKey\x1b[0m", "31mKey 0m"),
        ("<<<>>>", FALLBACK_TYPE),
        ("手机号", FALLBACK_TYPE),
        ("Driver's License Number", "Driver's License Number"),
    ],
)
def test_type_names_are_neutralised(raw_type: str, expected: str) -> None:
    assert neutralise_type_name(raw_type) == expected


def test_a_huge_type_name_is_bounded() -> None:
    assert len(neutralise_type_name("A" * 1_000_000)) <= 64


def test_a_thousand_items_are_deduplicated_and_located_once_each() -> None:
    text = "Mail bob@example.com or eve@example.com; phone 555-0100."
    repeated = [element("bob@example.com")] * 1000 + [element("eve@example.com")] * 1000
    invented = [element(f"ghost{index}@example.com") for index in range(1000)]
    parsed = parse_model_output(answer(*repeated, *invented))
    assert parsed.returned == 3000
    assert len(parsed.items) == 1002

    located = locate_items(text, parsed.items)
    assert located.not_found == 1000
    assert [(finding.text, finding.start, finding.end) for finding in located.findings] == [
        ("bob@example.com", 5, 20),
        ("eve@example.com", 24, 39),
    ]


def test_values_not_in_the_text_are_dropped_never_masked() -> None:
    text = "Call Ann on 555-0100."
    items = [
        ModelItem("555-0100", "Phone Number", Level.PL2),
        ModelItem("555-0199", "Phone Number", Level.PL2),  # invented
        ModelItem("An", "Real Name", Level.PL2),  # only inside a longer word
        ModelItem("安", "Real Name", Level.PL2),  # translated
    ]
    located = locate_items(text, items)
    assert located.not_found == 3
    assert [finding.text for finding in located.findings] == ["555-0100"]


def test_every_occurrence_becomes_a_finding_with_exact_offsets() -> None:
    text = "张伟说：张伟的邮箱是 zw@example.cn。ZW@EXAMPLE.CN"
    items = [ModelItem("张伟", "Real Name", Level.PL2), ModelItem("zw@example.cn", "Email", Level.PL2)]
    findings = locate_items(text, items).findings
    assert [(finding.start, finding.end) for finding in findings] == [(0, 2), (4, 6), (11, 24)]
    for finding in findings:
        assert text[finding.start : finding.end] == finding.text
        assert finding.detector == MODEL


def test_tolerant_matches_are_used_when_no_exact_one_exists() -> None:
    text = "Dear JOHN\n  SMITH, hello"
    findings = locate_items(text, [ModelItem("John Smith", "Real Name", Level.PL2)]).findings
    assert [(finding.start, finding.end, finding.text) for finding in findings] == [(5, 17, "JOHN\n  SMITH")]


def test_one_value_with_two_types_gives_two_findings() -> None:
    text = "Ann and Ann."
    items = [ModelItem("Ann", "Real Name", Level.PL2), ModelItem("Ann", "Third-Party Identifiable Info", Level.PL2)]
    findings = locate_items(text, items).findings
    assert len(findings) == 4
    assert {finding.type for finding in findings} == {"Real Name", "Third-Party Identifiable Info"}
