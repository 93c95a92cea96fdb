"""Network identifiers: IP addresses, MAC addresses, and secrets carried inside URLs.

IP addresses are validated by the standard ``ipaddress`` module. Private, loopback and link-local addresses reveal the
inside of a network and are "Internal IP" (PL4); other addresses are "IP Address" (PL2). Addresses that name no host
(``0.0.0.0``, ``255.255.255.0``, multicast) are skipped. A dotted quad right after a version word is a version.

URLs: ``scheme://user:password@host`` gives the credential ``user:password`` as a Password, and secret query parameters
(``?token=…``, ``&api_key=…``, ``&sig=…``) give their value. Database URLs are left to `credentials.py`, which masks
them whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from app.core.detectors.rules.common import finditer_near, keyword_near, make_finding, standalone, trim_trailing
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
PASSWORD_TYPE = "Password"
TOKEN_TYPE = "Token"
KEY_TYPE = "Key"

_IPV4 = re.compile(r"(?<![0-9A-Za-z.])(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?![0-9A-Za-z]|\.[0-9])")
_VERSION_WORDS = re.compile(
    r"(?<![A-Za-z])(?:version|ver\.?|release|build|v|section|sec\.|rfc|chapter|clause|step|table|figure|fig\.|版本)"
    r"[\s_=:\"'(\[]*$|§\s*$",
    re.IGNORECASE,
)
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


def find_ipv4_addresses(text: str) -> Iterator[Finding]:
    """Dotted-quad IPv4 addresses (not version numbers)."""
    for match in _IPV4.finditer(text):
        start, end = match.span()
        type_name = _ip_type(match.group())
        if type_name is None or not standalone(text, start, end):
            continue
        if _VERSION_WORDS.search(text, max(0, start - 16), start):
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
_MAC_WORDS = re.compile(r"(?<![A-Za-z])(?:mac|hwaddr|ether|bssid|physical address)(?![A-Za-z])|物理地址",
                        re.IGNORECASE)
MAC_CONTEXT_BEFORE = 30


def _digits_only_dashed(pattern: re.Pattern[str], value: str) -> bool:
    return pattern is _MAC_DASH and value.replace("-", "").isdigit()


def find_mac_addresses(text: str) -> Iterator[Finding]:
    """MAC addresses: ``aa:bb:cc:dd:ee:ff``, ``AA-BB-CC-DD-EE-FF`` and Cisco's ``aabb.ccdd.eeff``.

    The dashed form written with digits only (``12-34-56-78-90-12``) reads as well as a list of numbers, so it counts
    only next to a MAC word.
    """
    for pattern in (_MAC_COLON, _MAC_DASH, _MAC_DOTTED):
        for match in pattern.finditer(text):
            start, end = match.span()
            value = match.group()
            if not mac_address_meaningful(value) or not standalone(text, start, end):
                continue
            if _digits_only_dashed(pattern, value) and not keyword_near(
                text, start, end, _MAC_WORDS, before=MAC_CONTEXT_BEFORE
            ):
                continue
            yield make_finding(text, start, end, DEVICE_ID_TYPE)


# scheme://user:password@ — the user part stops at the first ":", the password runs to the last "@" before the host.
_URL_CREDENTIAL = re.compile(
    r"(?<![A-Za-z0-9+.\-])(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]{0,30})://"
    r"(?P<credential>[^\s/?#@:\"'<>]{0,256}:[^\s/?#\"'<>]{1,256})@"
    r"(?=[A-Za-z0-9\[])"
)
_SCHEME_SEPARATOR = re.compile("://")
DATABASE_SCHEMES = frozenset(
    {
        "postgres", "postgresql", "mysql", "mariadb", "mongodb", "mongodb+srv", "redis", "rediss", "mssql",
        "sqlserver", "oracle", "cockroachdb", "clickhouse", "amqp", "amqps", "couchdb", "neo4j", "neo4j+s", "bolt",
        "cassandra", "memcached", "jdbc:mysql", "jdbc:postgresql", "jdbc:sqlserver", "jdbc:oracle", "db2",
        "snowflake", "influxdb", "elasticsearch", "mysql+pymysql", "postgresql+psycopg2", "postgresql+psycopg",
        "postgresql+asyncpg", "mysql+mysqldb", "mssql+pyodbc",
    }
)


def is_database_scheme(scheme: str) -> bool:
    return scheme.lower() in DATABASE_SCHEMES


def find_url_credentials(text: str) -> Iterator[Finding]:
    """``user:password`` inside non-database URLs (``https://me:hunter2@example.com``) as a Password."""
    for match in finditer_near(text, _URL_CREDENTIAL, _SCHEME_SEPARATOR, before=40, after=600):
        if is_database_scheme(match.group("scheme")):
            continue
        password = match.group("credential").split(":", 1)[1]
        if not password or password.startswith("<") or set(password) == {"*"}:
            continue
        yield make_finding(text, match.start("credential"), match.end("credential"), PASSWORD_TYPE)


# Query or fragment parameters whose value is a secret. Names are matched whole (``token``, ``access_token``,
# ``X-Amz-Signature``), case-insensitively.
_SECRET_PARAMETER = re.compile(
    r"[?&#](?P<name>(?:[A-Za-z0-9]+[_\-])*(?:token|key|apikey|secret|password|passwd|pwd|pass|sig|signature|"
    r"credential|credentials|auth|code|session|sessionid|sid))=(?P<value>[A-Za-z0-9\-._~%+/=!*$]{4,2048})",
    re.IGNORECASE,
)
# Names that end in a secret word but hold no secret.
_HARMLESS_PARAMETERS = frozenset(
    {"response_type", "grant_type", "token_type", "key_type", "sort_key", "country_code", "zip_code", "area_code",
     "post_code", "postal_code", "lang_code", "language_code", "error_code", "status_code", "currency_code",
     "promo_code", "discount_code", "coupon_code", "region_code", "x-amz-signedheaders"}
)


def _parameter_type(name: str) -> str:
    lowered = name.lower()
    if any(word in lowered for word in ("password", "passwd", "pwd", "pass")):
        return PASSWORD_TYPE
    if lowered.endswith("key") and "sig" not in lowered:
        return KEY_TYPE
    return TOKEN_TYPE


def find_secret_url_parameters(text: str) -> Iterator[Finding]:
    """Values of secret parameters in URLs: ``?access_token=…``, ``&api_key=…``, ``&sig=…``."""
    for match in _SECRET_PARAMETER.finditer(text):
        name = match.group("name")
        if name.lower() in _HARMLESS_PARAMETERS:
            continue
        if name.lower() == "code" and not _looks_like_url_query(text, match.start()):
            continue
        start = match.start("value")
        end = trim_trailing(text, start, match.end("value"), ".,;:!?)*$")
        if end - start < 4:
            continue
        yield make_finding(text, start, end, _parameter_type(name))


def _looks_like_url_query(text: str, position: int) -> bool:
    """Whether the parameter at ``position`` is part of a URL: an OAuth ``code=`` is a secret, a bare one may not be."""
    line_start = max(text.rfind(" ", 0, position), text.rfind("\n", 0, position)) + 1
    return "://" in text[line_start:position]
