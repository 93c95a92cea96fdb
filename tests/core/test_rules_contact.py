"""E-mail addresses and phone numbers found by the rules detector, in English, Chinese and mixed text."""

from __future__ import annotations

import pytest

from app.core.detectors.rules import RulesDetector
from app.core.taxonomy import Level

DETECTOR = RulesDetector()


def found(text: str, type_name: str) -> list[str]:
    """The values of one type that the rules detector finds in ``text``."""
    return [finding.text for finding in DETECTOR.detect(text) if finding.type == type_name]


# ---------------------------------------------------------------------------------------------------------------------
# E-mail


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Write to jane.doe+news@example.co.uk today.", ["jane.doe+news@example.co.uk"]),
        ("邮箱zhang@example.com谢谢", ["zhang@example.com"]),
        ("我的邮箱是：li_wei@qq.com。", ["li_wei@qq.com"]),
        ("<a.b@c-d.io>, (x@y.org)", ["a.b@c-d.io", "x@y.org"]),
        ("mailto:someone@mail.example.net", ["someone@mail.example.net"]),
        ("Email: UPPER.CASE@EXAMPLE.COM.", ["UPPER.CASE@EXAMPLE.COM"]),
    ],
)
def test_emails_are_found(text: str, expected: list[str]) -> None:
    assert found(text, "Email") == expected


@pytest.mark.parametrize(
    "text",
    [
        "Follow @example on social media",
        "user@localhost is not routable",
        "a..b@example.com has a double dot",
        "pip install package@1.2.3",
        "https://bob:hunter2@example.com/",  # a URL's password and host, not an address
        "name@example.c",  # one-letter top-level domain
    ],
)
def test_non_emails_are_not_found(text: str) -> None:
    assert found(text, "Email") == []


def test_email_leading_dot_is_not_part_of_the_address() -> None:
    assert found("x .start@example.com", "Email") == ["start@example.com"]


def test_email_finding_carries_level_and_detector() -> None:
    (finding,) = DETECTOR.detect("a@b.example")
    assert (finding.type, finding.level, finding.detector) == ("Email", Level.PL2, "rules")


# ---------------------------------------------------------------------------------------------------------------------
# Phone numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Call me at (415) 555-0134.", ["(415) 555-0134"]),
        ("Office 415-555-0134, fax 415.555.0199", ["415-555-0134", "415.555.0199"]),
        ("My number: +1-617-492-7843", ["+1-617-492-7843"]),
        ("reach me on +44 20 7946 0958 anytime", ["+44 20 7946 0958"]),
        ("+46 (0)8 928 571 38 is the switchboard", ["+46 (0)8 928 571 38"]),
        ("Ext: 345-899-3560x4587", ["345-899-3560x4587"]),
        ("international 001-518-640-0854", ["001-518-640-0854"]),
        ("我的手机号是13812345678，", ["13812345678"]),
        ("手机：+86 138 1234 5678", ["+86 138 1234 5678"]),
        ("电话138-1234-5678谢谢", ["138-1234-5678"]),
        ("座机010-62345678", ["010-62345678"]),
        ("French office 01 84 17 61 18.", ["01 84 17 61 18"]),
        ("Mobile 0490 75 40 81", ["0490 75 40 81"]),
        ("(08) 8747 6301 after hours", ["(08) 8747 6301"]),
        ("new number:\n**+1-571-482-9374**\n", ["+1-571-482-9374"]),  # Markdown bold is not arithmetic
        ("<a href='tel:+14155550134'>", ["+14155550134"]),
    ],
)
def test_phone_numbers_are_found(text: str, expected: list[str]) -> None:
    assert found(text, "Phone Number") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Phone:\n467 3395", ["467 3395"]),
        ("Fax: 9498777106", ["9498777106"]),
        ("Can someone call me on 9472 7916? Thanks", ["9472 7916"]),
        ("Mobile: 723 813 266", ["723 813 266"]),
        ("416 60 039 office", ["416 60 039"]),
        ("3660170548-Fax", ["3660170548"]),
        ("联系电话：5403926876", ["5403926876"]),
    ],
)
def test_ambiguous_numbers_count_next_to_a_phone_word(text: str, expected: list[str]) -> None:
    assert found(text, "Phone Number") == expected


@pytest.mark.parametrize(
    "text",
    [
        "467 3395",  # the same shapes without a phone word
        "9498777106",
        "723 813 266",
        "Meeting on 2015-12-22 04:34:22 in room 12",
        "dates 12/25/2023 and 25.12.2023",
        "server 192.168.100.200 is down",
        "card 4111 1111 1111 1111",
        "SSN 123-45-6789",
        "version 10.15.7 build 19H2",
        "Population: 1 234 567 people",
        "pi is 3.1415926535",
        "The office is at 17031 2202 Rissik St",
        "Billing address: 03262 2437 Main St",
        "doi:10.1146/annurev-nutr-082117-051906",
        "x = 567520000*p + 1",
        "total + 547000000 items",
        "Physica A 388 (2009) 764-774",
        "order 12345678901234567890",
    ],
)
def test_things_that_are_not_phone_numbers(text: str) -> None:
    assert found(text, "Phone Number") == []


def test_phone_run_holding_a_date_and_a_number_yields_the_number() -> None:
    assert found("2020-01-01 415-555-0134", "Phone Number") == ["415-555-0134"]


def test_phone_glued_to_latin_letters_is_not_a_phone() -> None:
    assert found("ref ABC13812345678", "Phone Number") == []
    assert found("ref 13812345678XYZ", "Phone Number") == []


def test_an_ssn_below_a_phone_line_is_not_a_phone_number() -> None:
    # From the PersonaMem sample: the "Phone:" line above made the SSN read as a phone number too.
    text = "Phone: +1-206-487-9132\nSSN: 531-84-2973\n"
    phones = [finding.text for finding in RulesDetector().detect(text) if finding.type == "Phone Number"]
    assert phones == ["+1-206-487-9132"]
