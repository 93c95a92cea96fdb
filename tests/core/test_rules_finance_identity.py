"""Payment cards, IBANs, Chinese resident IDs and US SSNs found by the rules detector."""

from __future__ import annotations

import pytest

from app.core.detectors.rules import RulesDetector
from app.core.taxonomy import Level

DETECTOR = RulesDetector()
CARD = "Bank/Payment Card Number"


def found(text: str, type_name: str) -> list[str]:
    """The values of one type that the rules detector finds in ``text``."""
    return [finding.text for finding in DETECTOR.detect(text) if finding.type == type_name]


# ---------------------------------------------------------------------------------------------------------------------
# Payment cards


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Card: 4111 1111 1111 1111.", ["4111 1111 1111 1111"]),
        ("card 4111-1111-1111-1111 exp 12/27", ["4111-1111-1111-1111"]),
        ("Amex 3782 822463 10005 please", ["3782 822463 10005"]),
        ("charge 5500000000000004 now", ["5500000000000004"]),
        ("卡号6200000000000005，谢谢", ["6200000000000005"]),
        ("order 12 4111 1111 1111 1111", ["4111 1111 1111 1111"]),
        ("4111111111111111 12", ["4111111111111111"]),
        ("my card 501864667909 is lost", ["501864667909"]),  # 12-digit Maestro next to "card"
    ],
)
def test_cards_are_found(text: str, expected: list[str]) -> None:
    assert found(text, CARD) == expected


@pytest.mark.parametrize(
    "text",
    [
        "4111 1111 1111 1112",  # Luhn fails
        "1234 5678 9012 3456",  # no scheme
        "account 501864667909",  # 12 digits without a card word
        "ref 41111111111111111111",  # too long
        "41 1111 1111 1111 11",  # not grouped like a card
        "x = 0.6379876136779785",  # the fraction of a decimal
        "ABC4111111111111111",  # glued to letters
    ],
)
def test_non_cards_are_not_found(text: str) -> None:
    assert found(text, CARD) == []


def test_card_level_is_pl3() -> None:
    (finding,) = DETECTOR.detect("4111111111111111")
    assert (finding.type, finding.level) == (CARD, Level.PL3)


# ---------------------------------------------------------------------------------------------------------------------
# IBAN


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("My IBAN is GB82 WEST 1234 5698 7654 32 thanks", ["GB82 WEST 1234 5698 7654 32"]),
        ("IBAN:DE89370400440532013000.", ["DE89370400440532013000"]),
        ("my iban is gb42nawi04454264788619", ["gb42nawi04454264788619"]),
        ("账户FR1420041010050500013M02606，", ["FR1420041010050500013M02606"]),
        ("NL91 ABNA 0417 1643 00 and more words", ["NL91 ABNA 0417 1643 00"]),
    ],
)
def test_ibans_are_found(text: str, expected: list[str]) -> None:
    assert found(text, "Financial Account") == expected


@pytest.mark.parametrize(
    "text",
    [
        "GB82 WEST 1234 5698 7654 31",  # checksum
        "GB82WEST1234569876543299",  # runs on past the GB length
        "XX82WEST12345698765432",  # unknown country
        "isbn DE12 is not an iban",
    ],
)
def test_non_ibans_are_not_found(text: str) -> None:
    assert found(text, "Financial Account") == []


# ---------------------------------------------------------------------------------------------------------------------
# Chinese resident ID


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("身份证号110105194912310 02X", []),  # broken by a space
        ("身份证号11010519491231002X，请核对", ["11010519491231002X"]),
        ("ID: 440304199001011233.", ["440304199001011233"]),
        ("身份证：11010519491231002x", ["11010519491231002x"]),
    ],
)
def test_chinese_resident_ids(text: str, expected: list[str]) -> None:
    assert found(text, "ID Number") == expected


@pytest.mark.parametrize("text", ["110105194912310021", "990105194912310028", "A11010519491231002X"])
def test_invalid_chinese_resident_ids_are_not_found(text: str) -> None:
    assert found(text, "ID Number") == []


# ---------------------------------------------------------------------------------------------------------------------
# US SSN


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Here's my SSN: 460-89-9847", ["460-89-9847"]),
        ("His social security number is 853 37 1694", ["853 37 1694"]),
        ("SSN 123456789", ["123456789"]),
        ("social security no. 123456789.", ["123456789"]),
    ],
)
def test_ssns_are_found(text: str, expected: list[str]) -> None:
    assert found(text, "ID Number") == expected


@pytest.mark.parametrize(
    "text",
    [
        "order 123456789 shipped",  # bare nine digits without an SSN word
        "SSN 666-12-3456",  # area 666 is never issued
        "SSN 900-12-3456",
        "SSN 123-00-4567",
        "SSN 123-45-0000",
        "mixed 123-45 6789",
        "license 2270-66-1551",
        "call 1-123-45-6789-0",
    ],
)
def test_non_ssns_are_not_found(text: str) -> None:
    assert found(text, "ID Number") == []
