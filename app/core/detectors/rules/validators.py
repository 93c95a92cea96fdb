"""Checksums and range checks that turn "looks like a number" into "is one".

A regular expression alone flags every long digit run; these validators are what keep the rules detector's false
positives low. Each takes the value as written (separators allowed where the format has them) and answers a yes/no;
none of them raises on malformed input, because the recognizers feed them arbitrary candidates.
"""

from __future__ import annotations

import datetime
import ipaddress
import re

_NON_DIGITS = re.compile(r"[^0-9]")
_NON_ALNUM = re.compile(r"[^0-9A-Za-z]")


def digits_of(value: str) -> str:
    """Only the ASCII digits of ``value`` (separators dropped)."""
    return _NON_DIGITS.sub("", value)


# ---------------------------------------------------------------------------------------------------------------------
# Payment cards


def luhn_valid(number: str) -> bool:
    """The Luhn (mod 10) checksum every payment card number carries; ``number`` must be digits only."""
    if not number.isascii() or not number.isdigit() or len(number) < 2:
        return False
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = int(char)
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


# (first digits as an inclusive range of prefixes of the same length, allowed lengths). Sources: the card schemes'
# published IIN ranges (Visa, Mastercard incl. the 2-series, Amex, Diners, Discover, JCB, UnionPay, Maestro, Mir,
# RuPay, Troy, Verve, UATP). A number whose prefix matches no scheme is not treated as a card, whatever its checksum:
# one random digit string in ten passes Luhn, so the prefix is what keeps order and account numbers out.
_CARD_SCHEMES: tuple[tuple[str, str, frozenset[int]], ...] = (
    ("4", "4", frozenset({13, 16, 19})),  # Visa
    ("51", "55", frozenset({16})),  # Mastercard
    ("2221", "2720", frozenset({16})),  # Mastercard 2-series
    ("34", "34", frozenset({15})),  # American Express
    ("37", "37", frozenset({15})),
    ("300", "305", frozenset(range(14, 20))),  # Diners Club
    ("3095", "3095", frozenset(range(14, 20))),
    ("36", "36", frozenset(range(14, 20))),
    ("38", "39", frozenset(range(14, 20))),
    ("6011", "6011", frozenset(range(16, 20))),  # Discover
    ("644", "649", frozenset(range(16, 20))),
    ("65", "65", frozenset(range(16, 20))),
    # JCB's own range is 3528–3589, RuPay issues 353 and 356, and generated test numbers use the rest of 35: the whole
    # prefix is accepted, since a Luhn-valid 16–19 digit number starting with 35 is rarely anything but a card.
    ("35", "35", frozenset(range(16, 20))),  # JCB
    ("1800", "1800", frozenset({15})),
    ("2131", "2131", frozenset({15})),
    ("62", "62", frozenset(range(16, 20))),  # UnionPay
    ("81", "82", frozenset({16})),  # UnionPay / RuPay
    ("50", "50", frozenset(range(12, 20))),  # Maestro and others
    ("56", "69", frozenset(range(12, 20))),
    ("2200", "2204", frozenset(range(16, 20))),  # Mir
    ("9792", "9792", frozenset({16})),  # Troy
    ("1", "1", frozenset({15})),  # UATP
)

# Twelve-digit cards exist only among Maestro ranges; they are accepted only next to a card keyword (see finance.py).
SHORT_CARD_LENGTH = 12


def card_scheme_plausible(number: str) -> bool:
    """Whether a digit string has the prefix and length of some card scheme."""
    return any(len(number) in lengths and low <= number[: len(low)] <= high for low, high, lengths in _CARD_SCHEMES)


def payment_card_valid(number: str) -> bool:
    """Digits only, 12–19 long, a known scheme prefix and a valid Luhn checksum."""
    return 12 <= len(number) <= 19 and card_scheme_plausible(number) and luhn_valid(number)


# ---------------------------------------------------------------------------------------------------------------------
# IBAN

# Lengths from the SWIFT IBAN registry (countries that have adopted the IBAN).
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24,
    "AE": 23,
    "AL": 28,
    "AT": 20,
    "AZ": 28,
    "BA": 20,
    "BE": 16,
    "BG": 22,
    "BH": 22,
    "BI": 27,
    "BR": 29,
    "BY": 28,
    "CH": 21,
    "CR": 22,
    "CY": 28,
    "CZ": 24,
    "DE": 22,
    "DJ": 27,
    "DK": 18,
    "DO": 28,
    "EE": 20,
    "EG": 29,
    "ES": 24,
    "FI": 18,
    "FK": 18,
    "FO": 18,
    "FR": 27,
    "GB": 22,
    "GE": 22,
    "GI": 23,
    "GL": 18,
    "GR": 27,
    "GT": 28,
    "HN": 28,
    "HR": 21,
    "HU": 28,
    "IE": 22,
    "IL": 23,
    "IQ": 23,
    "IS": 26,
    "IT": 27,
    "JO": 30,
    "KW": 30,
    "KZ": 20,
    "LB": 28,
    "LC": 32,
    "LI": 21,
    "LT": 20,
    "LU": 20,
    "LV": 21,
    "LY": 25,
    "MC": 27,
    "MD": 24,
    "ME": 22,
    "MK": 19,
    "MN": 20,
    "MR": 27,
    "MT": 31,
    "MU": 30,
    "NI": 28,
    "NL": 18,
    "NO": 15,
    "OM": 23,
    "PK": 24,
    "PL": 28,
    "PS": 29,
    "PT": 25,
    "QA": 29,
    "RO": 24,
    "RS": 22,
    "RU": 33,
    "SA": 24,
    "SC": 31,
    "SD": 18,
    "SE": 24,
    "SI": 19,
    "SK": 24,
    "SM": 27,
    "SO": 23,
    "ST": 25,
    "SV": 28,
    "TL": 23,
    "TN": 24,
    "TR": 26,
    "UA": 29,
    "VA": 22,
    "VG": 24,
    "XK": 20,
    "YE": 30,
}


def iban_valid(value: str) -> bool:
    """Country length and the ISO 13616 mod-97 check; spaces are allowed, letters may be in either case."""
    compact = _NON_ALNUM.sub("", value).upper() if value.isascii() else ""
    if len(compact) < 5 or IBAN_LENGTHS.get(compact[:2]) != len(compact):
        return False
    if not compact[2:4].isdigit() or not 2 <= int(compact[2:4]) <= 98:
        return False
    rearranged = compact[4:] + compact[:4]
    numeric = "".join(str(int(char, 36)) for char in rearranged)
    return int(numeric) % 97 == 1


# ---------------------------------------------------------------------------------------------------------------------
# Chinese resident identity card (GB 11643-1999)

_CN_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CN_ID_CHECK_CHARS = "10X98765432"
# First two digits: provinces, autonomous regions and municipalities (plus Taiwan, Hong Kong, Macau).
_CN_PROVINCE_CODES = frozenset(
    {
        11,
        12,
        13,
        14,
        15,
        21,
        22,
        23,
        31,
        32,
        33,
        34,
        35,
        36,
        37,
        41,
        42,
        43,
        44,
        45,
        46,
        50,
        51,
        52,
        53,
        54,
        61,
        62,
        63,
        64,
        65,
        71,
        81,
        82,
        83,
        91,
    }
)
_OLDEST_BIRTH_YEAR = 1900


def cn_resident_id_check_char(first17: str) -> str:
    """The check character of an 18-character resident ID, from its first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _CN_ID_WEIGHTS, strict=True))
    return _CN_ID_CHECK_CHARS[total % 11]


def plausible_birth_date(yyyymmdd: str, today: datetime.date | None = None) -> bool:
    """A real calendar date between 1900 and today."""
    return calendar_date_valid(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]), today)


def cn_resident_id_valid(value: str, today: datetime.date | None = None) -> bool:
    """18 characters: a province code, a plausible birth date at 7–14 and the GB 11643 check character."""
    if len(value) != 18 or not value.isascii() or not value[:17].isdigit():
        return False
    if int(value[:2]) not in _CN_PROVINCE_CODES or not plausible_birth_date(value[6:14], today):
        return False
    return cn_resident_id_check_char(value[:17]) == value[17].upper()


def cn_old_resident_id_valid(value: str, today: datetime.date | None = None) -> bool:
    """A first-generation (15-digit, before 1999) resident ID: a province code and a plausible 19YYMMDD birth date."""
    if len(value) != 15 or not value.isascii() or not value.isdigit():
        return False
    return int(value[:2]) in _CN_PROVINCE_CODES and plausible_birth_date("19" + value[6:12], today)


# ---------------------------------------------------------------------------------------------------------------------
# US Social Security number


def us_ssn_valid(value: str) -> bool:
    """The ranges the SSA issues: area not 000, 666 or 900–999; group not 00; serial not 0000."""
    digits = digits_of(value)
    if len(digits) != 9:
        return False
    area, group, serial = int(digits[:3]), int(digits[3:5]), int(digits[5:])
    if area == 0 or area == 666 or area >= 900:
        return False
    return group != 0 and serial != 0


# ---------------------------------------------------------------------------------------------------------------------
# Network addresses

# Ranges that exist only inside an organisation's network: RFC 1918, carrier-grade NAT, unique-local IPv6.
_INTERNAL_NETWORKS = tuple(
    ipaddress.ip_network(network)
    for network in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7")
)


def parse_ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address, or None when ``value`` is not a valid IPv4/IPv6 address (leading zeros are not accepted)."""
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def is_internal_ip(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Private or link-local: it reveals the inside of a network (PL4) rather than a public host (PL2)."""
    if address.is_link_local:
        return True
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return is_internal_ip(address.ipv4_mapped)
    return any(address in network for network in _INTERNAL_NETWORKS)


def is_identifying_ip(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """False for addresses that name no host: unspecified, loopback, broadcast, multicast and reserved (netmasks).

    Loopback (``127.0.0.0/8``, ``::1``) is the same machine on every computer: it reveals nothing about anyone's
    network, and config files and logs are full of it.
    """
    if address.is_unspecified or address.is_multicast or address.is_loopback:
        return False
    is_broadcast = isinstance(address, ipaddress.IPv4Address) and int(address) == 0xFFFFFFFF
    return not (isinstance(address, ipaddress.IPv4Address) and address.is_reserved) and not is_broadcast


def mac_address_meaningful(value: str) -> bool:
    """Not the all-zero or broadcast address, which identify no device."""
    compact = _NON_ALNUM.sub("", value).lower()
    return len(compact) == 12 and compact not in {"000000000000", "ffffffffffff"}


# ---------------------------------------------------------------------------------------------------------------------
# UK National Insurance number

# Two prefix letters (D, F, I, Q, U, V never; O never second; a few pairs never issued), six digits, a suffix A–D.
_NINO = re.compile(r"[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][0-9]{6}[A-D]")
_NINO_UNUSED_PREFIXES = frozenset({"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"})


def uk_nino_valid(value: str) -> bool:
    """The format HMRC issues (spaces allowed): ``QQ 12 34 56 C`` shapes with the allowed letters."""
    compact = value.replace(" ", "").upper()
    return bool(_NINO.fullmatch(compact)) and compact[:2] not in _NINO_UNUSED_PREFIXES


# ---------------------------------------------------------------------------------------------------------------------
# Calendar dates


def calendar_date_valid(year: int, month: int, day: int, today: datetime.date | None = None) -> bool:
    """A real date between 1900 and today (a date of birth cannot lie in the future)."""
    try:
        date = datetime.date(year, month, day)
    except ValueError:
        return False
    return date.year >= _OLDEST_BIRTH_YEAR and date <= (today or datetime.date.today())
