"""IP and MAC addresses, URL credentials and secret URL parameters found by the rules detector."""

from __future__ import annotations

import pytest

from app.core.detectors.rules import RulesDetector
from app.core.taxonomy import Level

DETECTOR = RulesDetector()


def found(text: str, type_name: str) -> list[str]:
    """The values of one type that the rules detector finds in ``text``."""
    return [finding.text for finding in DETECTOR.detect(text) if finding.type == type_name]


@pytest.mark.parametrize(
    ("text", "public", "internal"),
    [
        ("blocked address 41.173.96.26 again", ["41.173.96.26"], []),
        ("db at 10.0.3.7, gateway 192.168.1.1.", [], ["10.0.3.7", "192.168.1.1"]),
        ("服务器地址是172.16.5.4，端口22", [], ["172.16.5.4"]),
        ("|106.31.73.20|%20", ["106.31.73.20"], []),
        ("localhost 127.0.0.1 and link 169.254.1.2", [], ["169.254.1.2"]),
        ("v6 2001:db8::ff00:42:8329 and fe80::1", ["2001:db8::ff00:42:8329"], ["fe80::1"]),
        ("address 6e40:4041:c617:e898:c11:40d2:c669:2eb4 blocked", ["6e40:4041:c617:e898:c11:40d2:c669:2eb4"], []),
        ("http://[::1]:8080/", [], []),
        ("DNS server 1.1.1.1", ["1.1.1.1"], []),
    ],
)
def test_ip_addresses(text: str, public: list[str], internal: list[str]) -> None:
    assert found(text, "IP Address") == public
    assert found(text, "Internal IP") == internal


def test_ip_levels_differ_by_range() -> None:
    levels = {finding.text: finding.level for finding in DETECTOR.detect("93.184.216.34 and 10.1.1.1")}
    assert levels == {"93.184.216.34": Level.PL2, "10.1.1.1": Level.PL4}


@pytest.mark.parametrize(
    "text",
    [
        "version 1.2.3.4 is out",
        '__version__ = "3.5.0.1"',
        "see section 8.4.1.3",
        "# blanks are comment lines [3.3.2.3]",
        "256.1.1.1 is not an address",
        "netmask 255.255.255.0",
        "bind 0.0.0.0",
        "1.2.3.4.5 is an OID",
        "time 12:30:45",
        "std::vector and a::b",
    ],
)
def test_non_ip_addresses(text: str) -> None:
    assert found(text, "IP Address") == [] and found(text, "Internal IP") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MAC 00:1A:2B:3C:4D:5E", ["00:1A:2B:3C:4D:5E"]),
        ("Physical Address. . . : 00-1A-2B-3C-4D-5E", ["00-1A-2B-3C-4D-5E"]),
        ("cisco 001a.2b3c.4d5e up", ["001a.2b3c.4d5e"]),
        ("mac address 12-34-56-78-90-12", ["12-34-56-78-90-12"]),
        ("设备MAC：a4:5e:60:c2:11:0f，", ["a4:5e:60:c2:11:0f"]),
    ],
)
def test_mac_addresses(text: str, expected: list[str]) -> None:
    assert found(text, "Device ID") == expected


@pytest.mark.parametrize(
    "text",
    ["scores 12-34-56-78-90-12", "broadcast ff:ff:ff:ff:ff:ff", "00:00:00:00:00:00", "00:1A:2B:3C:4D:5E:6F:70"],
)
def test_non_mac_addresses(text: str) -> None:
    assert found(text, "Device ID") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("clone https://bob:hunter2@example.com/repo.git", ["bob:hunter2"]),
        ("ftp://admin:p@ss@files.example.org/", ["admin:p@ss"]),
        ("proxy http://:s3cr3t@proxy.local:3128", [":s3cr3t"]),
    ],
)
def test_url_credentials(text: str, expected: list[str]) -> None:
    assert found(text, "Password") == expected


def test_url_without_password_has_no_credential() -> None:
    assert found("https://bob@example.com/ and https://example.com:8443/", "Password") == []


@pytest.mark.parametrize(
    ("text", "type_name", "expected"),
    [
        ("https://api.example.com/v1?access_token=ya1b2c3d4e5f6&x=1", "Token", ["ya1b2c3d4e5f6"]),
        ("GET /data?api_key=9f8e7d6c5b4a3210.", "Key", ["9f8e7d6c5b4a3210"]),
        ("https://s3.example.com/f?X-Amz-Signature=abcdef0123456789", "Token", ["abcdef0123456789"]),
        ("https://x.example/?user=me&password=Tr0ub4dor", "Password", ["Tr0ub4dor"]),
        ("https://app.example/cb?code=4/0AX4XfWg&state=1", "Token", ["4/0AX4XfWg"]),
        ("链接https://x.com/?token=abc123谢谢", "Token", ["abc123"]),
    ],
)
def test_secret_url_parameters(text: str, type_name: str, expected: list[str]) -> None:
    assert found(text, type_name) == expected


@pytest.mark.parametrize(
    "text",
    [
        "https://x.example/?response_type=code&grant_type=authorization_code",
        "https://shop.example/?promo_code=SUMMER2024",
        "https://example.com/?page=2&sort=asc",
    ],
)
def test_harmless_url_parameters(text: str) -> None:
    assert [finding for finding in DETECTOR.detect(text) if finding.level == Level.PL4] == []
