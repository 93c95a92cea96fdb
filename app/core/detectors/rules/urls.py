"""Secrets carried inside URLs: credentials, secret query parameters, webhook paths and Sentry DSNs.

``scheme://user:password@host`` gives the credential ``user:password`` as a Password. Passwords hold ``#``, ``@``,
``!`` and ``/`` as often as people are told not to put them there, so the credential ends at the first ``@`` that is
followed by a host name (a dotted name, ``localhost`` or a bracketed IPv6 address) and then by the end of the
authority, not at the first ``#`` or ``/``. Database URLs are left to `credentials.py`, which masks them whole.

Secret query parameters (``?token=…``, ``&api_key=…``, ``&sig=…``) give their value. Some services put the secret in
the path instead: Slack (``hooks.slack.com/services/T…/B…/…``), Discord (``/api/webhooks/<id>/<token>``), Feishu and
Lark (``/open-apis/bot/v2/hook/<id>``) and Microsoft Teams (``webhook.office.com/webhookb2/…``) webhooks give their
secret part as a Token. A Sentry DSN (``https://<key>@o1.ingest.sentry.io/42``) carries a key where an e-mail
address's local part would be. Placeholders (``user:password@localhost``, ``XXXXXXXX``) are not secrets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from app.core.detectors.rules.common import finditer_near, is_placeholder, make_finding, trim_trailing
from app.core.findings import Finding

PASSWORD_TYPE = "Password"
TOKEN_TYPE = "Token"
KEY_TYPE = "Key"

_SCHEME_SEPARATOR = re.compile("://")
DATABASE_SCHEMES = frozenset(
    {
        "postgres",
        "postgresql",
        "mysql",
        "mariadb",
        "mongodb",
        "mongodb+srv",
        "redis",
        "rediss",
        "mssql",
        "sqlserver",
        "oracle",
        "cockroachdb",
        "clickhouse",
        "amqp",
        "amqps",
        "couchdb",
        "neo4j",
        "neo4j+s",
        "bolt",
        "cassandra",
        "memcached",
        "jdbc:mysql",
        "jdbc:postgresql",
        "jdbc:sqlserver",
        "jdbc:oracle",
        "db2",
        "snowflake",
        "influxdb",
        "elasticsearch",
        "mysql+pymysql",
        "postgresql+psycopg2",
        "postgresql+psycopg",
        "postgresql+asyncpg",
        "mysql+mysqldb",
        "mssql+pyodbc",
    }
)


def is_database_scheme(scheme: str) -> bool:
    return scheme.lower() in DATABASE_SCHEMES


@dataclass(frozen=True, slots=True)
class UrlCredential:
    """``scheme://user:password@host``: where the user and the password start, and the ``@`` that ends them."""

    scheme: str
    user_start: int
    password_start: int
    at: int

    @property
    def password_end(self) -> int:
        return self.at


# "scheme://user:" — the user part stops at the first ":"; where the password ends is found by `_credential_end`.
_URL_USER = re.compile(
    r"(?<![A-Za-z0-9+.\-])(?P<scheme>(?:jdbc:)?[A-Za-z][A-Za-z0-9+.\-]{0,30})://(?P<user>[^\s/?#@:\"'<>]{0,256}):"
)
# What follows the "@" that ends a credential: a host, then the end of the authority.
_HOST_AFTER_AT = re.compile(
    r"@(?:\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9\-_~%]{1,63}(?:\.[A-Za-z0-9\-_~%]{1,63}){1,10}"
    r"|[A-Za-z0-9\-_~%]{0,62}[A-Za-z][A-Za-z0-9\-_~%]{0,62})"  # a dotless host ("db", "localhost") needs a letter
    r"(?=[:/?#\s\"'<>)\]`,;，。]|$)"
)
_CREDENTIAL_STOP = re.compile(r"[\s\"'<>`]")
MAX_PASSWORD_LENGTH = 256


def _credential_end(text: str, start: int) -> int | None:
    """The index of the ``@`` that ends the password starting at ``start``, or None if no host follows one.

    Only the characters up to the first space or quote are searched, at most `MAX_PASSWORD_LENGTH`, so the work per
    URL is bounded.
    """
    stop = _CREDENTIAL_STOP.search(text, start, start + MAX_PASSWORD_LENGTH + 1)
    limit = stop.start() if stop else min(len(text), start + MAX_PASSWORD_LENGTH + 1)
    at = text.find("@", start + 1, limit)
    while at != -1:
        if _HOST_AFTER_AT.match(text, at, min(len(text), at + 700)):
            return at
        at = text.find("@", at + 1, limit)
    return None


def url_credentials(text: str) -> Iterator[UrlCredential]:
    """Every ``scheme://user:password@host`` in the text, passwords with ``#@!/`` in them included."""
    for match in finditer_near(text, _URL_USER, _SCHEME_SEPARATOR, before=40, after=300):
        at = _credential_end(text, match.end())
        if at is not None:
            yield UrlCredential(match.group("scheme"), match.start("user"), match.end(), at)


def find_url_credentials(text: str) -> Iterator[Finding]:
    """``user:password`` inside non-database URLs (``https://me:hunter2@example.com``) as a Password."""
    for credential in url_credentials(text):
        if is_database_scheme(credential.scheme):
            continue
        if is_placeholder(text[credential.password_start : credential.password_end]):
            continue
        yield make_finding(text, credential.user_start, credential.password_end, PASSWORD_TYPE)


# Query or fragment parameters whose value is a secret. Names are matched whole (``token``, ``access_token``,
# ``X-Amz-Signature``), case-insensitively.
_SECRET_PARAMETER = re.compile(
    r"[?&#](?P<name>(?:[A-Za-z0-9]+[_\-])*(?:token|key|apikey|secret|password|passwd|pwd|pass|sig|signature|"
    r"credential|credentials|auth|code|session|sessionid|sid|appid|app_id))=(?P<value>[A-Za-z0-9\-._~%+/=!*$]{4,2048})",
    re.IGNORECASE,
)
# Names that end in a secret word but hold no secret.
_HARMLESS_PARAMETERS = frozenset(
    {
        "response_type",
        "grant_type",
        "token_type",
        "key_type",
        "sort_key",
        "country_code",
        "zip_code",
        "area_code",
        "post_code",
        "postal_code",
        "lang_code",
        "language_code",
        "error_code",
        "status_code",
        "currency_code",
        "promo_code",
        "discount_code",
        "coupon_code",
        "region_code",
        "x-amz-signedheaders",
    }
)


# Some APIs (OpenWeather, …) call their API key "appid"; WeChat's public app IDs are short (wx + 16 hex).
_APP_ID_PARAMETERS = frozenset({"appid", "app_id"})
MIN_APP_ID_KEY_LENGTH = 24


def _parameter_type(name: str) -> str:
    lowered = name.lower()
    if any(word in lowered for word in ("password", "passwd", "pwd", "pass")):
        return PASSWORD_TYPE
    if (lowered.endswith("key") and "sig" not in lowered) or lowered in _APP_ID_PARAMETERS:
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
        if end - start < 4 or (name.lower() in _APP_ID_PARAMETERS and end - start < MIN_APP_ID_KEY_LENGTH):
            continue
        yield make_finding(text, start, end, _parameter_type(name))


def _looks_like_url_query(text: str, position: int) -> bool:
    """Whether the parameter at ``position`` is part of a URL: an OAuth ``code=`` is a secret, a bare one may not be."""
    line_start = max(text.rfind(" ", 0, position), text.rfind("\n", 0, position)) + 1
    return "://" in text[line_start:position]


# ---------------------------------------------------------------------------------------------------------------------
# Webhook paths and Sentry DSNs

_WEBHOOK = re.compile(
    r"(?:hooks\.slack\.com/(?:services|workflows|triggers)/"
    r"(?P<slack>[A-Za-z0-9_\-]{6,40}(?:/[A-Za-z0-9_\-]{4,80}){1,3})"
    r"|discord(?:app)?\.com/api/webhooks/(?P<discord>[0-9]{15,22}/[A-Za-z0-9_\-]{30,100})"
    r"|open\.(?:feishu\.cn|larksuite\.com)/open-apis/bot/v2/hook/(?P<lark>[A-Za-z0-9\-]{16,64})"
    r"|\.office\.com/webhook(?:b2)?/(?P<teams>[A-Za-z0-9\-@/]{40,400}))"
    r"(?![A-Za-z0-9_\-])"
)
_WEBHOOK_ANCHORS = re.compile(r"hooks\.slack|/api/webhooks/|/bot/v2/hook/|office\.com/webhook")
_SENTRY_DSN = re.compile(
    r"(?<![A-Za-z0-9+.\-])https?://(?P<key>[0-9a-f]{32}(?::[0-9a-f]{32})?)@[A-Za-z0-9.\-]{1,253}(?::[0-9]{1,5})?/"
    r"(?:[A-Za-z0-9_\-]{1,64}/)?[0-9]{1,20}(?![0-9])"
)


def _random_looking(secret: str) -> bool:
    """A webhook secret holds letters and digits; "T00000000/B00000000/XXXXXXXX" from the docs does not count."""
    last = secret.rstrip("/").rsplit("/", 1)[-1]
    has_letter = any(char.isalpha() for char in secret)
    return has_letter and any(char.isdigit() for char in secret) and not is_placeholder(last)


def find_webhook_secrets(text: str) -> Iterator[Finding]:
    """The secret part of Slack, Discord, Feishu/Lark and Microsoft Teams webhook URLs."""
    for match in finditer_near(text, _WEBHOOK, _WEBHOOK_ANCHORS, before=40, after=420):
        group = match.lastgroup or ""
        start = match.start(group)
        end = trim_trailing(text, start, match.end(group), "/-")
        if _random_looking(text[start:end]):
            yield make_finding(text, start, end, TOKEN_TYPE)


def find_sentry_keys(text: str) -> Iterator[Finding]:
    """The key (and legacy secret) of a Sentry DSN."""
    for match in finditer_near(text, _SENTRY_DSN, _SCHEME_SEPARATOR, before=8, after=400):
        yield make_finding(text, match.start("key"), match.end("key"), KEY_TYPE)
