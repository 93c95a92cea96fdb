"""Network identifiers: IP addresses and MAC addresses (secrets carried inside URLs are in `urls`).

IP addresses are validated by the standard ``ipaddress`` module. Private, loopback and link-local addresses reveal the
inside of a network and are "Internal IP" (PL4); other addresses are "IP Address" (PL2). Addresses that name no host
(``0.0.0.0``, ``255.255.255.0``, multicast) are skipped. A dotted quad right after a version word is a version.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from app.core.detectors.rules.common import keyword_near, make_finding, standalone
from app.core.detectors.rules.validators import (
    is_identifying_ip,
    is_internal_ip,
    mac_address_meaningful,
    parse_ip,
)
from app.core.findings import Finding

IP_TYPE = "IP Address"
INTERNAL_IP_TYPE = "Internal IP"
DEVICE_ID_TYPE = "Device ID"

_IPV4 = re.compile(r"(?<![0-9A-Za-z.])(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?![0-9A-Za-z]|\.[0-9])")
_VERSION_WORDS = re.compile(
    r"(?:(?i:version)|(?<![A-Za-z])(?i:ver\.?|release|build|v|section|sec\.|rfc|chapter|clause|step|table|figure|fig\.)"
    r"|版本)(?:[ \t](?i:to|from|is|was|of))?[\s_=:\"'(\[]*$|§\s*$"
)
# A broadcast address or a netmask next to its key word names no host ("broadcast 10.255.255.255", "netmask …").
_NOT_A_HOST_WORDS = re.compile(r"(?<![A-Za-z])(?i:broadcast|brd|netmask|mask|subnet)[\s:=]*$")
# A dotted quad of single digits ("3.3.2.1", "1.0.0.0") is a version or section number unless the text says it is an
# address; real hosts with four one-digit octets are rare (1.1.1.1 and friends are public resolvers, not private).
_IP_WORDS = re.compile(
    r"(?<![A-Za-z])(?:ip|ips|ipv4|address|addr|host|server|dns|gateway|router|ping|地址)(?![A-Za-z])", re.IGNORECASE
)
_SINGLE_DIGIT_QUAD = re.compile(r"[0-9]\.[0-9]\.[0-9]\.[0-9]")

# Colon-separated hex groups, each repetition ending in its colon; the tail may be a hex group or an embedded IPv4.
_IPV6 = re.compile(
    r"(?<![0-9A-Za-z:.])"
    r"(?:[0-9A-Fa-f]{1,4}:|:)(?:[0-9A-Fa-f]{0,4}:){1,7}"
    r"(?:(?:[0-9]{1,3}\.){3}[0-9]{1,3}|[0-9A-Fa-f]{1,4})?"
    r"(?![0-9A-Za-z:])"
)
MIN_IPV6_HEX_DIGITS = 4


def _ip_type(value: str) -> str | None:
    address = parse_ip(value)
    if address is None or not is_identifying_ip(address):
        return None
    return INTERNAL_IP_TYPE if is_internal_ip(address) else IP_TYPE


def _after_package_name(text: str, start: int) -> bool:
    """``numpy-1.26.4.1``, ``app_2.4.10.255``, ``curl/7.68.0.1`` (a User-Agent): a dotted quad joined to a name is a
    version, not an address."""
    if start < 2:
        return False
    joiner, before = text[start - 1], text[start - 2]
    return (joiner in "-_" and before.isalnum()) or (joiner == "/" and before.isalpha())


def find_ipv4_addresses(text: str) -> Iterator[Finding]:
    """Dotted-quad IPv4 addresses (not version numbers)."""
    for match in _IPV4.finditer(text):
        start, end = match.span()
        type_name = _ip_type(match.group())
        if type_name is None or not standalone(text, start, end) or _after_package_name(text, start):
            continue
        if _VERSION_WORDS.search(text, max(0, start - 16), start) or _NOT_A_HOST_WORDS.search(
            text, max(0, start - 16), start
        ):
            continue
        if _SINGLE_DIGIT_QUAD.fullmatch(match.group()) and not keyword_near(text, start, end, _IP_WORDS, before=30):
            continue
        yield make_finding(text, start, end, type_name)


def find_ipv6_addresses(text: str) -> Iterator[Finding]:
    """IPv6 addresses in full or compressed form; very short ones (``a::b``) are too often code to count."""
    for match in _IPV6.finditer(text):
        value = match.group()
        if value.endswith(":") and not value.endswith("::"):
            continue
        if sum(char in "0123456789abcdefABCDEF" for char in value) < MIN_IPV6_HEX_DIGITS and value != "::1":
            continue
        type_name = _ip_type(value)
        if type_name is not None and standalone(text, *match.span()):
            yield make_finding(text, match.start(), match.end(), type_name)


_MAC_COLON = re.compile(r"(?<![0-9A-Za-z:\-])[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}(?![0-9A-Za-z]|[:\-][0-9A-Fa-f])")
_MAC_DASH = re.compile(r"(?<![0-9A-Za-z:\-])[0-9A-Fa-f]{2}(?:-[0-9A-Fa-f]{2}){5}(?![0-9A-Za-z]|[:\-][0-9A-Fa-f])")
_MAC_DOTTED = re.compile(
    r"(?<![0-9A-Za-z.])[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}(?![0-9A-Za-z]|\.[0-9A-Fa-f])"
)
# H3C / Huawei write MACs as three groups of four ("48ac-9de9-d3c6"); Cisco's dotted form is above.
_MAC_DASHED_QUADS = re.compile(
    r"(?<![0-9A-Za-z:\-.])[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}(?![0-9A-Za-z]|[\-:.][0-9A-Fa-f])"
)
_MAC_WORDS = re.compile(
    r"(?<![A-Za-z])(?:mac|hwaddr|ether|bssid|physical address|arp|dhcpack)(?![A-Za-z])|物理地址", re.IGNORECASE
)
MAC_CONTEXT_BEFORE = 30


def _needs_mac_word(pattern: re.Pattern[str], value: str) -> bool:
    """Shapes that read as something else unless a MAC word is near: dashed digits only (a list of numbers), and
    three groups of four that are not lower-case hex with letters and digits (a licence key, a serial number)."""
    compact = value.replace("-", "")
    if pattern is _MAC_DASH:
        return compact.isdigit()
    if pattern is _MAC_DASHED_QUADS:
        mixed = any(char.isdigit() for char in compact) and any(char.isalpha() for char in compact)
        return not (mixed and compact.islower())
    return False


def find_mac_addresses(text: str) -> Iterator[Finding]:
    """MAC addresses: ``aa:bb:cc:dd:ee:ff``, ``AA-BB-CC-DD-EE-FF``, Cisco's ``aabb.ccdd.eeff``, H3C's
    ``aabb-ccdd-eeff``.

    The dashed form written with digits only (``12-34-56-78-90-12``) reads as well as a list of numbers, so it counts
    only next to a MAC word.
    """
    for pattern in (_MAC_COLON, _MAC_DASH, _MAC_DOTTED, _MAC_DASHED_QUADS):
        for match in pattern.finditer(text):
            start, end = match.span()
            value = match.group()
            if not mac_address_meaningful(value) or not standalone(text, start, end):
                continue
            if _needs_mac_word(pattern, value) and not keyword_near(
                text, start, end, _MAC_WORDS, before=MAC_CONTEXT_BEFORE
            ):
                continue
            yield make_finding(text, start, end, DEVICE_ID_TYPE)
