"""Checksums and range checks of the rules detector, against known-good and known-bad numbers."""

from __future__ import annotations

import datetime
import ipaddress

import pytest

from app.core.detectors.rules import validators

KNOWN_CARDS = [
    "4111111111111111",  # Visa test number
    "4012888888881881",
    "5500000000000004",  # Mastercard
    "2223003122003222",  # Mastercard 2-series
    "378282246310005",  # American Express
    "340000000000009",
    "6011111111111117",  # Discover
    "3530111333300000",  # JCB
    "30569309025904",  # Diners Club
    "6200000000000005",  # UnionPay
]


@pytest.mark.parametrize("number", KNOWN_CARDS)
def test_known_test_card_numbers_are_valid(number: str) -> None:
    assert validators.luhn_valid(number)
    assert validators.payment_card_valid(number)


@pytest.mark.parametrize(
    "number",
    [
        "4111111111111112",  # one digit changed: checksum fails
        "1234567890123456",  # no scheme starts with 12
        "0000000000000000",  # passes Luhn, no scheme
        "41111111111111",  # Visa prefix, wrong length (14)
        "4111 1111 1111 1111",  # separators are the recognizer's business, not the validator's
        "",
    ],
)
def test_invalid_card_numbers_are_rejected(number: str) -> None:
    assert not validators.payment_card_valid(number)


def test_luhn_rejects_non_digits_and_accepts_the_classic_example() -> None:
    assert validators.luhn_valid("79927398713")
    assert not validators.luhn_valid("79927398710")
    assert not validators.luhn_valid("7992739871x")
    assert not validators.luhn_valid("７９９２７３９８７１３")  # full-width digits are not ASCII


@pytest.mark.parametrize(
    "iban",
    [
        "GB82WEST12345698765432",
        "GB82 WEST 1234 5698 7654 32",
        "gb82west12345698765432",
        "DE89370400440532013000",
        "FR1420041010050500013M02606",
        "NL91ABNA0417164300",
        "NO9386011117947",
    ],
)
def test_valid_ibans(iban: str) -> None:
    assert validators.iban_valid(iban)


@pytest.mark.parametrize(
    "iban",
    [
        "GB82WEST12345698765431",  # checksum
        "GB82WEST1234569876543",  # too short for GB
        "XX82WEST12345698765432",  # no such country
        "GB00WEST12345698765432",  # check digits 00 are never issued
        "DE8937040044053201300",  # too short for DE
    ],
)
def test_invalid_ibans(iban: str) -> None:
    assert not validators.iban_valid(iban)


@pytest.mark.parametrize(
    "resident_id",
    ["11010519491231002X", "11010519491231002x", "440304199001011233", "310115198512124410"],
)
def test_valid_chinese_resident_ids(resident_id: str) -> None:
    assert validators.cn_resident_id_valid(resident_id)


def _with_check_char(first17: str) -> str:
    """A resident ID whose check character is right, so only the property under test can make it invalid."""
    return first17 + validators.cn_resident_id_check_char(first17)


@pytest.mark.parametrize(
    "resident_id",
    [
        "110105194912310021",  # wrong check character
        _with_check_char("11010519491331002"),  # month 13
        _with_check_char("11010519490230002"),  # 30 February
        _with_check_char("99010519491231002"),  # no province 99
        _with_check_char("11010518491231002"),  # born in 1849
        "11010519491231002",  # 17 characters
        "1101051949123100X2",  # X in the wrong place
    ],
)
def test_invalid_chinese_resident_ids(resident_id: str) -> None:
    assert not validators.cn_resident_id_valid(resident_id)


def test_chinese_resident_id_born_in_the_future_is_rejected() -> None:
    base = "11010520300101001"
    future_id = base + validators.cn_resident_id_check_char(base)
    assert not validators.cn_resident_id_valid(future_id, today=datetime.date(2026, 11, 30))
    assert validators.cn_resident_id_valid(future_id, today=datetime.date(2031, 1, 1))


@pytest.mark.parametrize("ssn", ["123-45-6789", "078-05-1120", "772-11-2345", "001 01 0001"])
def test_valid_ssn_ranges(ssn: str) -> None:
    assert validators.us_ssn_valid(ssn)


@pytest.mark.parametrize(
    "ssn", ["000-12-3456", "666-12-3456", "900-12-3456", "999-12-3456", "123-00-4567", "123-45-0000", "123-45-678"]
)
def test_invalid_ssn_ranges(ssn: str) -> None:
    assert not validators.us_ssn_valid(ssn)


@pytest.mark.parametrize(
    ("address", "internal"),
    [
        ("10.1.2.3", True),
        ("172.16.0.1", True),
        ("172.31.255.254", True),
        ("172.32.0.1", False),
        ("192.168.1.1", True),
        ("169.254.10.20", True),
        ("100.64.0.1", True),
        ("8.8.8.8", False),
        ("fe80::1", True),
        ("fd12:3456:789a::1", True),
        ("2606:4700:4700::1111", False),
        ("::ffff:192.168.0.1", True),
    ],
)
def test_internal_ip_ranges(address: str, internal: bool) -> None:
    assert validators.is_internal_ip(ipaddress.ip_address(address)) is internal


@pytest.mark.parametrize(
    "address", ["0.0.0.0", "255.255.255.255", "255.255.255.0", "224.0.0.1", "::", "127.0.0.1", "127.8.9.10", "::1"]
)
def test_addresses_that_name_no_host(address: str) -> None:
    assert not validators.is_identifying_ip(ipaddress.ip_address(address))


def test_parse_ip_rejects_malformed_addresses() -> None:
    assert validators.parse_ip("256.1.1.1") is None
    assert validators.parse_ip("01.2.3.4") is None
    assert validators.parse_ip("1.2.3") is None
    assert validators.parse_ip("1.2.3.4") == ipaddress.ip_address("1.2.3.4")


def test_mac_addresses_that_identify_no_device() -> None:
    assert validators.mac_address_meaningful("00:1A:2B:3C:4D:5E")
    assert not validators.mac_address_meaningful("00:00:00:00:00:00")
    assert not validators.mac_address_meaningful("FF-FF-FF-FF-FF-FF")
