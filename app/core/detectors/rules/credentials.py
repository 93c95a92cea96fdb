"""Database connection strings and passwords written next to their key word (PL4).

A connection string that holds a password is masked whole ("Database Connection String"): its host, user and
database name say as much about a system as the password does. Two forms are recognised: URLs of database schemes
(``postgres://user:pass@host/db``, ``mongodb+srv://…``, ``redis://:pass@host``, ``jdbc:mysql://host/db?password=…``)
and ``key=value;`` strings in the ADO.NET / ODBC style (``Server=db;User Id=sa;Password=…;``).

Passwords: the value after ``password:``, ``pwd=``, ``passcode``, ``密码：``, ``口令是`` and their kin — the value only,
never the key word. After an explicit ``:`` or ``=`` any value counts; after "is", a space or ``是`` the value must
look like a password (a digit or a symbol in it), since "my password is long" is prose, not a secret.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from app.core.detectors.rules.common import (
    finditer_near,
    is_placeholder,
    is_prose,
    literal_anchors,
    make_finding,
    trim_trailing,
)
from app.core.detectors.rules.urls import is_database_scheme, url_credentials
from app.core.findings import Finding
from app.core.locate import UNSPACED_SCRIPT_CLASS, is_unspaced_script

CONNECTION_STRING_TYPE = "Database Connection String"
PASSWORD_TYPE = "Password"
PIN_TYPE = "PIN"

_DATABASE_URL = re.compile(
    r"(?<![A-Za-z0-9+.\-:])(?P<scheme>(?:jdbc:)?[A-Za-z][A-Za-z0-9+]{1,30})://[^\s\"'<>`]{1,2048}"
)
_SCHEME_SEPARATOR = re.compile("://")
_QUERY_PASSWORD = re.compile(r"[?&;](?:password|passwd|pwd|pass)=(?P<value>[^&\s]+)", re.IGNORECASE)


def find_database_urls(text: str) -> Iterator[Finding]:
    """Database URLs that carry a password (in the authority or as a parameter), as a whole."""
    passwords = {
        credential.user_start: text[credential.password_start : credential.password_end]
        for credential in url_credentials(text)
    }
    for match in finditer_near(text, _DATABASE_URL, _SCHEME_SEPARATOR, before=40, after=2100):
        if not is_database_scheme(match.group("scheme")):
            continue
        start = match.start()
        end = trim_trailing(text, start, match.end())
        end = _stop_at_unspaced_script(text, start, end)
        password = passwords.get(match.end("scheme") + 3)
        if password is None:
            query = _QUERY_PASSWORD.search(text, match.end("scheme"), end)
            password = query.group("value") if query else None
        if password and not is_placeholder(password):
            yield make_finding(text, start, end, CONNECTION_STRING_TYPE)


def _stop_at_unspaced_script(text: str, start: int, end: int) -> int:
    """Cut a value at the first Chinese/Japanese character: in CJK text the sentence continues without a space."""
    for index in range(start, end):
        if is_unspaced_script(text[index]):
            return index
    return end


# Chains of ``key=value;`` pairs. Keys cannot hold "=" or ";" and values cannot hold ";", so each pair splits one way.
_KEY_VALUE_CHAIN = re.compile(
    r"(?<![A-Za-z0-9_])(?:[A-Za-z][A-Za-z0-9 _]{0,30}=[^;\r\n]{0,300};[ \t]?){1,40}"
    r"(?:[A-Za-z][A-Za-z0-9 _]{0,30}=[^;\r\n]{0,300})?"
)
_CHAIN_ANCHORS = literal_anchors("password", "pwd", "passwd", "accountkey", "sharedaccesskey")
_PASSWORD_KEYS = frozenset({"password", "pwd", "passwd"})
_SERVER_KEYS = frozenset(
    {
        "server",
        "data source",
        "datasource",
        "host",
        "hostname",
        "address",
        "addr",
        "network address",
        "dsn",
        "uid",
        "user id",
        "userid",
        "user",
        "username",
        "database",
        "initial catalog",
        "dbname",
        "port",
        "driver",
        "provider",
        "accountname",
        "accountkey",
        "endpoint",
        "defaultendpointsprotocol",
    }
)


def _chain_keys(chain: str) -> set[str]:
    keys = set()
    for pair in chain.split(";"):
        if "=" in pair:
            keys.add(" ".join(pair.split("=", 1)[0].lower().split()))
    return keys


def find_key_value_connection_strings(text: str) -> Iterator[Finding]:
    """``Server=…;Database=…;User Id=…;Password=…;`` strings, as a whole."""
    for match in finditer_near(text, _KEY_VALUE_CHAIN, _CHAIN_ANCHORS, before=2000, after=2000):
        keys = _chain_keys(match.group())
        secret_keys = _PASSWORD_KEYS | {"accountkey", "sharedaccesskey"}
        if not keys & secret_keys or not keys & (_SERVER_KEYS - {"accountkey"}):
            continue
        start = match.start()
        end = trim_trailing(text, start, match.end(), "; \t")
        yield make_finding(text, start, end, CONNECTION_STRING_TYPE)


# ---------------------------------------------------------------------------------------------------------------------
# Passwords next to their key word

# English words must not continue a word on their left ("spin"); Chinese ones may follow anything ("WiFi密码").
_PASSWORD_WORDS = (
    r"(?P<word>(?<![A-Za-z])(?i:password|passwd|passwort|passphrase|passcode|pass[ \-]?code|pwd|pw|pin(?: code)?)"
    r"(?![A-Za-z_])|密码|口令|密碼|パスワード)"
)
# A key word then a separator: ":", "=", "is", "是", "改成" or only spaces ("password for X is" is prose, not matched).
_PASSWORD_LEAD = re.compile(
    _PASSWORD_WORDS
    + r"(?P<separator>[\"']?[ \t]*(?:[:=：]|=>|\bis\b|\bwas\b|是|为|為|:|(?:改|换|換|设|設|重置)(?:成|为|為|置为)?"
    r"|(?P<words>(?:[A-Za-z]{1,12}[ \t]+){1,3}(?:is|was)\b))?[ \t]*)"  # "password you sent was …"
)
_PASSWORD_ANCHORS = literal_anchors(
    "password",
    "passwd",
    "passwort",
    "passphrase",
    "passcode",
    "pass code",
    "pass-code",
    "pwd",
    "pw",
    "pin",
    "密码",
    "口令",
    "密碼",
    "パスワード",
)
_QUOTES = {'"': '"', "'": "'", "“": "”", "‘": "’", "`": "`", "「": "」"}
MAX_PASSWORD_LENGTH = 128
MIN_PASSWORD_LENGTH = 3
_NOT_PASSWORDS = frozenset(
    {
        "required",
        "optional",
        "none",
        "null",
        "empty",
        "reset",
        "manager",
        "policy",
        "field",
        "protected",
        "incorrect",
        "invalid",
        "wrong",
        "changed",
        "expired",
        "hidden",
        "redacted",
        "hint",
        "strength",
        "please",
        "here",
        "below",
        "above",
        "same",
        "different",
        "too",
        "must",
        "should",
        "will",
        "can",
        "for",
        "and",
        "the",
        "your",
        "my",
        "not",
        "of",
    }
)


_VALUE_RUN = re.compile(rf"[^\s{UNSPACED_SCRIPT_CLASS}]*")


def _value_end(text: str, start: int) -> int:
    """The end of an unquoted value: the first whitespace, CJK character or line end, at most 128 characters."""
    limit = min(len(text), start + MAX_PASSWORD_LENGTH)
    return _VALUE_RUN.match(text, start, limit).end()  # type: ignore[union-attr]  # "*" always matches


def _plausible_quoted(value: str) -> bool:
    """A quoted password has a letter or digit, no padding (Markdown's `` `密码`, `口令` `` quotes key words), and
    is neither a placeholder nor a sentence."""
    if len(value) < MIN_PASSWORD_LENGTH or value != value.strip() or not any(char.isalnum() for char in value):
        return False
    return not (is_placeholder(value) or is_prose(value))


def _quoted_value(text: str, start: int) -> tuple[int, int] | None:
    closing = _QUOTES.get(text[start]) if start < len(text) else None
    if closing is None:
        return None
    end = text.find(closing, start + 1, start + 1 + MAX_PASSWORD_LENGTH)
    if end <= start + 1 or "\n" in text[start + 1 : end]:
        return None
    return start + 1, end


_NEXT_PAIR = re.compile(r";[ \t]*[A-Za-z][A-Za-z0-9 _]{0,30}=")


def _before_next_pair(text: str, start: int, end: int) -> int:
    """In ``Password=…;Encrypt=True`` the value ends at the ``;`` that starts the next ``key=value`` pair."""
    following = _NEXT_PAIR.search(text, start, end)
    return following.start() if following else end


def _looks_like_password(value: str) -> bool:
    """A value after a loose separator ("is", a space) must hold a digit to be taken for a password."""
    return any(char.isdigit() for char in value)


# Values that are code, not secrets: ``password: str``, ``password = self.password``, ``password=get_password(…)``.
_CODE_TYPES = frozenset(
    {
        "str",
        "bytes",
        "int",
        "bool",
        "none",
        "null",
        "nil",
        "true",
        "false",
        "string",
        "optional",
        "any",
        "undefined",
        "char",
        "varchar",
        "text",
        "secretstr",
        "object",
        "list",
        "dict",
        "required",
        "string;",
        "password",
        "lambda",
        "function",
        "async",
        "await",
        "new",
        "self",
        "this",
    }
)
_DOTTED_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+")
_NAMES_A_SECRET = re.compile(r"pass|pwd|secret|token|key|cred|auth", re.IGNORECASE)


# The first part of a dotted name in code that reads a value from somewhere (``self.password``, ``os.environ``).
_CODE_OBJECTS = frozenset(
    {
        "self",
        "this",
        "cls",
        "os",
        "sys",
        "settings",
        "config",
        "conf",
        "cfg",
        "env",
        "environ",
        "process",
        "request",
        "req",
        "args",
        "opts",
        "options",
        "params",
        "form",
        "data",
        "props",
        "ctx",
        "context",
        "app",
        "secrets",
        "vault",
        "credentials",
        "creds",
        "user",
        "account",
        "db",
        "auth",
        "module",
        "window",
        "document",
        "st",
        "flask",
        "django",
    }
)


def is_code_type(value: str) -> bool:
    """``str``, ``bool``, ``None``, ``lambda``: a type annotation, a constant or a keyword, not a value."""
    return value.lower().rstrip(",;") in _CODE_TYPES


def is_code_reference(value: str) -> bool:
    """Whether a value assigned to a secret-sounding name is a piece of code rather than the secret itself.

    A dotted name is code when it starts with an object code reads from (``self.password``, ``settings.DB_PASS``),
    names a secret itself or reads a constant (``Level.PL4``); ``rocket.tiger2`` in a ``.env`` file is a password.
    """
    identifier = value.rstrip(",;")
    if identifier.lower() in _CODE_TYPES or any(char in value for char in "()[]{}"):
        return True
    if _DOTTED_IDENTIFIER.fullmatch(identifier):
        parts = identifier.split(".")
        if parts[0].lower() in _CODE_OBJECTS or any(_NAMES_A_SECRET.search(part) for part in parts):
            return True
        return any(len(part) > 1 and part.isupper() for part in parts[1:])  # Level.PL4, Config.DB_PASS: constants
    return identifier.isidentifier() and bool(_NAMES_A_SECRET.search(identifier))


def _password_type(word: str) -> str:
    return PIN_TYPE if word.lower().startswith("pin") else PASSWORD_TYPE


_KEY_WORD_AGAIN = re.compile(_PASSWORD_WORDS + r"[\"']?[ \t]*[:=：]")


_TYPE_NAME = re.compile(r"(?:[A-Z][a-z]+){2,}")
_VARIABLE_NAME = re.compile(r"[a-z_][a-z_]*")


def _code_after_password_word(value: str, separator: str) -> bool:
    """``password: HiddenText`` (an annotation) or ``cls.set_password = wrapper`` (code assigns with spaces)."""
    if _TYPE_NAME.fullmatch(value):
        return True
    return "=" in separator and " " in separator and bool(_VARIABLE_NAME.fullmatch(value))


def find_passwords(text: str) -> Iterator[Finding]:
    """The value after a password key word, in English or Chinese."""
    for match in finditer_near(text, _PASSWORD_LEAD, _PASSWORD_ANCHORS, before=0, after=40):
        separator = match.group("separator")
        word = match.group("word")
        if not separator and word.isascii():
            continue
        if word.lower() == "pw" and "=" in separator:
            continue  # "user, pw = auth, None" is code; "pw: …" and "the pw is …" are not
        explicit = any(char in separator for char in ":=：") and not match.group("words")
        if _KEY_WORD_AGAIN.match(text, match.end()):
            continue  # "password=password=…", "Password: Password:" — a label repeated, not a value
        span = _password_span(text, match.end(), explicit, word, bool(match.group("words")))
        if span is not None and _code_after_password_word(text[span[0] : span[1]], separator):
            continue
        if span is not None:
            yield make_finding(text, span[0], span[1], _password_type(word))


def _password_span(
    text: str, start: int, explicit: bool, word: str, words_between: bool = False
) -> tuple[int, int] | None:
    quoted = _quoted_value(text, start)
    if quoted is not None:
        value = text[quoted[0] : quoted[1]]
        return quoted if _plausible_quoted(value) else None
    # "!" and "?" stay: passwords end in them far more often than sentences around a password do.
    end = _before_next_pair(text, start, _value_end(text, start))
    end = trim_trailing(text, start, end, ".,;)]}>\"'。，；！？）】")
    value = text[start:end]
    if len(value) < MIN_PASSWORD_LENGTH or value.lower() in _NOT_PASSWORDS or is_placeholder(value):
        return None
    if not any(char.isalnum() for char in value):
        return None
    if set(value) <= {"*", "•", "x", "X", "."} or is_code_reference(value):
        return None
    if word.lower().startswith("pin") and not (value.isdigit() and 4 <= len(value) <= 8):
        return None
    if not explicit and not _looks_like_password(value):
        return None
    if words_between and not any(char.isalpha() for char in value):
        return None  # "password length is 128" states a number; "password you sent was c0ffee!" gives one
    return start, end


# ---------------------------------------------------------------------------------------------------------------------
# Credentials written as "login / password"

# A login word, then on the same line a login (an e-mail address, a user name, a quoted Wi-Fi name), a slash and the
# password: "login: dana@example.org / S3cret!", 'Wi-Fi "HomeNet" / S3cret!', "账号 13800000000 / S3cret!".
_LOGIN_PAIR = re.compile(
    r"(?:(?<![A-Za-z])(?i:login|log-in|sign-in|signin|username|user|account|admin|credentials|creds|wi-?fi|wlan|ssid)"
    r"(?![A-Za-z])|账号|帐号|账户|用户名|登录|登陆|无线)"
    r"[^\r\n]{0,60}?(?<![^\s:：→>(（\"'“])"
    r"(?P<login>\"[^\"\r\n]{1,40}\"|“[^”\r\n]{1,40}”|[^\s/\"“`]{1,80})(?P<slash>[ \t]*/[ \t]*)"
    r"(?P<password>[^\s/`]{4,64})"
)
_LOGIN_ANCHORS = literal_anchors(
    "login",
    "log-in",
    "sign-in",
    "signin",
    "user",
    "account",
    "admin",
    "credentials",
    "creds",
    "wifi",
    "WiFi",
    "wi-fi",
    "Wi-Fi",
    "wlan",
    "ssid",
    "账号",
    "帐号",
    "账户",
    "用户名",
    "登录",
    "登陆",
    "无线",
)
MIN_PAIRED_PASSWORD_LENGTH = 6


_PASSWORD_SYMBOLS = frozenset("!@#$%^&*_-+=.?~")


def _paired_password_plausible(value: str) -> bool:
    """A password written without its key word must look like one: letters and a digit, or both cases and a symbol.

    "login: dana / example.com", "user / group" or "app/5.1.1.845" is not a credential.
    """
    if len(value) < MIN_PAIRED_PASSWORD_LENGTH or is_placeholder(value) or "://" in value:
        return False
    if any(char.isdigit() for char in value):
        return any(char.isalpha() for char in value)
    has_cases = any(char.isupper() for char in value) and any(char.islower() for char in value)
    return has_cases and any(char in _PASSWORD_SYMBOLS for char in value)


def find_login_pairs(text: str) -> Iterator[Finding]:
    """The password of a "login / password" pair written after a login word, on one line."""
    for match in finditer_near(text, _LOGIN_PAIR, _LOGIN_ANCHORS, before=0, after=220):
        if "@" not in match.group("login") and " " not in match.group("slash"):
            continue  # "Account ID/Username", "TCP/IP": a slash inside a term, not between a login and a password
        start = match.start("password")
        end = trim_trailing(text, start, match.end("password"), ".,;)]}>\"'。，；）】")
        if _paired_password_plausible(text[start:end]):
            yield make_finding(text, start, end, PASSWORD_TYPE)
