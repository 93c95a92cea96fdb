"""Secrets assigned to names that say so, in config files and code, and passwords passed as command-line flags (PL4).

Config and code name their secrets: ``DB_PASSWORD=…`` in ``.env`` and shell ``export``, ``password: …`` in YAML,
``jwt_secret = "…"`` in TOML and INI, ``"webhookSecret": "…"`` in JSON, ``define('AUTH_KEY', '…')`` in PHP,
``token="…"`` as a keyword argument, ``const API_TOKEN = "…"`` in JavaScript. The value is taken when the name *ends*
in a secret word (``password``, ``passwd``, ``pwd``, ``pass``, ``secret``, ``key``, ``salt``, ``token`` …) that is not
qualified into something harmless (``public_key``, ``sort_key``, ``cache_key``, ``page_token``), and the value is a
literal rather than code (``os.environ["X"]``, ``self.password``, ``None``), a reference (``${DB_PASSWORD}``,
``$SECRET``) or a placeholder (``<your-token>``, ``changeme``, ``xxxx``). Keys, salts and tokens must also look
random; a password need not (``password: hunter`` is still one).

Command lines: ``mysql -u root -pS3cret``, ``docker login -u me -p S3cret``, ``sshpass -p``, ``redis-cli -a`` and
``curl -u user:S3cret`` give their password.

Only the secret word at the end of a name is matched by the pattern, and the name is read leftwards from it in Python
(at most `MAX_NAME_LENGTH` characters), so the scan stays linear however long the identifiers are.
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
from app.core.detectors.rules.credentials import is_code_reference, is_code_type
from app.core.findings import Finding
from app.core.locate import UNSPACED_SCRIPT_CLASS

PASSWORD_TYPE = "Password"
TOKEN_TYPE = "Token"
KEY_TYPE = "Key"

_PASSWORD_WORDS = frozenset({"password", "passwd", "passphrase", "pwd", "pass", "pw"})
_TOKEN_WORDS = frozenset({"token", "auth"})  # "auth": a registry credential in Docker's config.json
# Short words that are also English ("Pass :meth:`peek`") need a digit in the value when nothing qualifies them.
_AMBIGUOUS_WORDS = frozenset({"pass", "pw"})
# Only these may be glued to a capitalised prefix (PGPASSWORD); short ones end ordinary names (BYPASS, MONKEY).
_LONG_WORDS = frozenset({"password", "passwd", "passphrase", "secret", "token", "apikey"})

_ASSIGNMENT = re.compile(
    r"(?P<word>(?i:password|passwd|passphrase|pwd|pass|pw|secret|apikey|key|salt|token|auth))"
    r"(?:[_\-.](?i:base|value|b64|base64|hex|raw|plain|plaintext|str|string))?"  # SECRET_KEY_BASE, token_value
    r"(?![A-Za-z0-9_\-])"
    r"(?:[\"']?\]?[ \t]*(?::=|=>|[:=])|(?P<comma>[\"'][ \t]*,))[ \t]*"  # NAME=, "name":, ["name"] =, define('NAME',
    r"(?:\"(?P<double>[^\"\r\n]{1,300})\"|'(?P<single>[^'\r\n]{1,300})'|`(?P<back>[^`\r\n]{1,300})`"
    rf"|(?P<bare>[^\s\"'`;{UNSPACED_SCRIPT_CLASS}]{{1,300}}))"
)
_ANCHORS = literal_anchors("pass", "pwd", "pw", "secret", "key", "salt", "token", "auth")
_NAME_CHARS = re.compile(r"[A-Za-z0-9_.\-$]")
_NAME_WORD = re.compile(r"[A-Z]{2,}(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
MAX_NAME_LENGTH = 64

# Words that, anywhere in the name before the secret word, make the value something other than a secret.
_HARMLESS_QUALIFIERS = frozenset(
    {
        "public",
        "primary",
        "foreign",
        "sort",
        "partition",
        "cache",
        "index",
        "idempotency",
        "unique",
        "range",
        "row",
        "composite",
        "lookup",
        "page",
        "next",
        "prev",
        "previous",
        "continuation",
        "cursor",
        "max",
        "min",
        "length",
        "len",
        "size",
        "count",
        "num",
        "type",
        "kind",
        "name",
        "path",
        "file",
        "dir",
        "url",
        "uri",
        "env",
        "header",
        "field",
        "param",
        "prefix",
        "suffix",
        "expiry",
        "expires",
        "ttl",
        "timeout",
        "policy",
        "hint",
        "label",
        "placeholder",
        "pattern",
        "regex",
        "format",
        "mode",
        "version",
        "hotkey",
        "shortcut",
        "keyboard",
        "sync",
        "csrf",
        "xsrf",
        "dedup",
        "bucket",
        "group",
        "lock",
        "map",
        "sharding",
        "routing",
        "i18n",
        "translation",
        "message",
        "msg",
        "text",
        "title",
        "desc",
        "description",
        "error",
        "display",
        "input",
        "show",
        "forgot",
        "check",
        "validate",
        "strength",
        "is",
        "has",
        "use",
        "enable",
        "enabled",
        "require",
        "required",
        "allow",
        "rotate",
        "rotation",
    }
)
# A file path (``/etc/ssl/key.pem``, ``~/.ssh/id_rsa``, ``C:\\keys\\app.pfx``): where a key lives, not the key.
_PATH = re.compile(r"(?:~|\.{1,2})?/(?:[\w.\-]+/)*[\w.\-]*|[A-Za-z]:\\[\w.\\\- ]*|file:\S*")
MIN_PASSWORD_LENGTH = 4
MIN_KEY_LENGTH = 8
_SYMBOLS = re.compile(r"[^A-Za-z0-9]")


def _name_before(text: str, word_start: int) -> str:
    """The identifier that ends with the secret word's start (``DB_`` for ``DB_PASSWORD``), read leftwards."""
    start = word_start
    while start > 0 and word_start - start < MAX_NAME_LENGTH and _NAME_CHARS.match(text, start - 1):
        start -= 1
    return text[start:word_start]


def _word_boundary(prefix: str, word: str) -> bool:
    """Whether the secret word starts a word of the name: after ``_``/``-``/``.``, a camelCase hump, or nothing."""
    if not prefix or not prefix[-1].isalpha():
        return True
    if word[0].isupper() and prefix[-1].islower():
        return True  # dbPassword, apiKey
    return word.lower() in _LONG_WORDS and word.isupper() and prefix.isupper()  # PGPASSWORD, MYSQLPASSWORD


def _url_parameter(text: str, word_start: int, prefix: str) -> bool:
    """``?token=…`` and ``&api_key=…`` belong to `urls.find_secret_url_parameters`, which knows where they end."""
    name_start = word_start - len(prefix)
    return name_start > 0 and text[name_start - 1] in "?&"


def _harmless_name(prefix: str) -> bool:
    words = {word.lower() for word in _NAME_WORD.findall(prefix)}
    return bool(words & _HARMLESS_QUALIFIERS)


_WORD_IN_VALUE = re.compile(r"[A-Z]?[a-z]{3,}")
_JOINED_WORDS = re.compile(r"[A-Za-z]+(?:[_\-.][A-Za-z]+)+")  # XDG_CONFIG_HOME, user-profile.v: names, not keys


def _random_enough(value: str) -> bool:
    """A key, salt or token: long enough, two kinds of character at least, and not made of words."""
    if len(value) < MIN_KEY_LENGTH:
        return False
    kinds = sum(
        (
            any(char.islower() for char in value),
            any(char.isupper() for char in value),
            any(char.isdigit() for char in value),
            bool(_SYMBOLS.search(value)),
        )
    )
    if kinds < 2 or len(set(value)) < 6 or _JOINED_WORDS.fullmatch(value):
        return False
    word_letters = sum(len(word) for word in _WORD_IN_VALUE.findall(value))
    return word_letters < 0.6 * len(value)


def _value_span(match: re.Match[str]) -> tuple[int, int, bool]:
    """(start, end, quoted) of the assigned value."""
    for group in ("double", "single", "back"):
        if match.group(group) is not None:
            return match.start(group), match.end(group), True
    start, end = match.start("bare"), match.end("bare")
    while end > start and match.string[end - 1] in ".,;:)}]":
        end -= 1
    return start, end, False


# Code starts with a name, perhaps dotted, then a call, an index or nothing (``getenv(…)``, ``cfg["…"]``, ``None``).
_CODE_SHAPE = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*(?:\(|\[|$)")


# Public keys (not secrets) and PEM blocks (masked whole by `secrets.find_private_keys`).
_NOT_SECRET_PREFIXES = ("ssh-rsa", "ssh-ed25519", "ssh-dss", "ecdsa-sha2", "sk-ssh-", "-----BEGIN")


def _is_literal(value: str, quoted: bool, config_line: bool) -> bool:
    """Not a placeholder, a path, a URL, a public or PEM key (masked whole by `secrets`) or words of a sentence
    ("Enter your password" in a translation file); unquoted, not a piece of code either (`_is_code`)."""
    if is_placeholder(value) or _PATH.fullmatch(value) or "://" in value or value.startswith(_NOT_SECRET_PREFIXES):
        return False
    if is_prose(value):
        return False
    return quoted or not _is_code(value, config_line)


_TYPE_NAME = re.compile(r"(?:[A-Z][a-z]+){2,}")
_DOTTED_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+")
_CONSTANTS = frozenset({"true", "false", "none", "null", "nil", "undefined", "yes", "no", "on", "off"})
_CALL_OR_INDEX = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*[(\[]")
_PLAIN_IDENTIFIER = re.compile(r"[a-z_][a-z_]*|[a-z]+(?:[A-Z][a-z]+)+|(?:[A-Z][a-z]+){2,}")


def _is_code(value: str, config_line: bool) -> bool:
    """Whether an unquoted value is code rather than the secret.

    On a config line (``.env``, YAML, INI: the name starts the line) an unquoted word is the value itself
    (``SECRET_KEY=supersecretvalue``), unless it is a constant or a call. In code (``session_key = request_id``,
    ``f(token=tok)``) an identifier is a variable, and `is_code_reference` knows the other shapes.
    """
    if value.lower() in _CONSTANTS or is_code_type(value) or _CALL_OR_INDEX.match(value):
        return True
    if _TYPE_NAME.fullmatch(value):
        return True  # SecretStr, PassphraseSource: an annotation
    if config_line:
        return bool(_DOTTED_NAME.fullmatch(value)) and is_code_reference(value)  # self.token, settings.SECRET
    if value[0] in "([{" or _PLAIN_IDENTIFIER.fullmatch(value) or _DOTTED_NAME.fullmatch(value):
        return True  # a tuple, list or dict; a variable; an attribute
    return bool(_CODE_SHAPE.match(value) and is_code_reference(value))


_CONFIG_LINE_START = re.compile(r"(?:^|\n)[ \t]*(?:-[ \t]+)?(?:export[ \t]+|set[ \t]+)?$")


_DEFINE_CALL = re.compile(r"(?i:define|setenv|putenv|set_env|env)[ \t]*\([ \t]*[\"']$")
_REST_OF_LINE = re.compile(r"[ \t]*(?:#.*)?(?:\r?\n|$)")


def _ends_line(match: re.Match[str]) -> bool:
    """Whether the value ends its line, as in ``.env`` and YAML (a Python annotation goes on: ``x: T | None = …``;
    a keyword argument on a line of its own ends in a comma: ``api_key=self.token,``)."""
    return not match.group().endswith(",") and bool(_REST_OF_LINE.match(match.string, match.end()))


def _spaced_equals(match: re.Match[str]) -> bool:
    """``name = value``: how code assigns (INI too, but there a bare word is rarely a secret)."""
    between = match.string[match.end("word") : match.start(match.lastgroup or "bare")]
    return "=" in between and " " in between


def _on_config_line(text: str, name_start: int) -> bool:
    """Whether the name starts its line, unquoted (after indentation, a YAML "- ", ``export`` or ``set``).

    A quoted name (``"Password": Level.PL4``) is JSON or a Python dict, where a bare value is code.
    """
    return bool(_CONFIG_LINE_START.search(text, max(0, name_start - 40), name_start))


def _secret_type(word: str) -> str:
    lowered = word.lower()
    if lowered in _PASSWORD_WORDS:
        return PASSWORD_TYPE
    return TOKEN_TYPE if lowered in _TOKEN_WORDS else KEY_TYPE


def _name_qualifies(text: str, match: re.Match[str], prefix: str) -> bool:
    """The secret word starts a word of the name, nothing makes it harmless, and the pair is an assignment (not a URL
    parameter, and with a comma only inside ``define('NAME', 'value')``, not any argument list)."""
    word_start = match.start("word")
    if not _word_boundary(prefix, match.group("word")) or _harmless_name(prefix):
        return False
    if _url_parameter(text, word_start, prefix):
        return False
    name_start = word_start - len(prefix)
    return not match.group("comma") or bool(_DEFINE_CALL.search(text, max(0, name_start - 30), name_start))


def find_assigned_secrets(text: str) -> Iterator[Finding]:
    """Values assigned to secret-named variables, settings and keyword arguments."""
    for match in finditer_near(text, _ASSIGNMENT, _ANCHORS, before=0, after=340):
        word = match.group("word")
        prefix = _name_before(text, match.start("word"))
        if not _name_qualifies(text, match, prefix):
            continue
        name_start = match.start("word") - len(prefix)
        start, end, quoted = _value_span(match)
        value = text[start:end]
        config_line = _on_config_line(text, name_start) and not _spaced_equals(match) and _ends_line(match)
        if not _is_literal(value, quoted, config_line):
            continue
        type_name = _secret_type(word)
        if word.lower() in _AMBIGUOUS_WORDS and not prefix and not any(char.isdigit() for char in value):
            continue  # "Pass :meth:`peek`": the English verb; "pass: Lotus2021" gives a password
        if _value_fits(value, type_name, config_line and _strongly_named(prefix, word)):
            yield make_finding(text, start, end, type_name)


def _strongly_named(prefix: str, word: str) -> bool:
    """``SECRET_KEY``, ``JWT_SECRET``, ``api_token``: a qualified name, or one that says secret by itself."""
    return bool(prefix.strip("_-.$\"'[")) or word.lower() in {"secret", "salt", "apikey"}


_SAMPLE_WORDS = re.compile(r"example|sample|placeholder|your|changeme|dummy|fake|test|xxx|todo|replace", re.IGNORECASE)
MIN_WORDY_KEY_LENGTH = 10


def _value_fits(value: str, type_name: str, strong_name: bool) -> bool:
    """A password may be anything; a key or token must look random, unless a config line's name says secret and the
    value is one long word that is no sample (``SECRET_KEY=supersecretvalue`` is a secret, if a weak one)."""
    if type_name == PASSWORD_TYPE:
        return len(value) >= MIN_PASSWORD_LENGTH
    if _random_enough(value):
        return True
    wordy_ok = len(value) >= MIN_WORDY_KEY_LENGTH and not any(char.isspace() for char in value)
    if _JOINED_WORDS.fullmatch(value):
        return False  # "secret: db-credentials" names a Kubernetes secret
    return strong_name and wordy_ok and not _SAMPLE_WORDS.search(value)


# ---------------------------------------------------------------------------------------------------------------------
# User and password passed together to a call

_CREDENTIAL_CALL = re.compile(
    r"(?<![A-Za-z0-9_])(?i:auth|basic_auth|http_auth|httpbasicauth|basicauth|passwordauthentication|credentials|"
    r"login|authenticate)[ \t]*(?:=[ \t]*[(\[]|\()[ \t]*(?P<q1>[\"'])[^\"'\r\n]{1,80}(?P=q1)[ \t]*,[ \t]*"
    r"(?P<q2>[\"'])(?P<password>[^\"'\r\n]{1,128})(?P=q2)"
)
_CALL_ANCHORS = literal_anchors("auth", "credentials", "login", "authenticate", "PasswordAuthentication")


def find_paired_call_passwords(text: str) -> Iterator[Finding]:
    """``auth=("user", "S3cret")``, ``new PasswordAuthentication("user", "S3cret")``, ``login("user", "S3cret")``."""
    for match in finditer_near(text, _CREDENTIAL_CALL, _CALL_ANCHORS, before=24, after=260):
        password = match.group("password")
        if len(password) >= MIN_PASSWORD_LENGTH and not is_placeholder(password) and not is_prose(password):
            yield make_finding(text, match.start("password"), match.end("password"), PASSWORD_TYPE)


# ---------------------------------------------------------------------------------------------------------------------
# Passwords on command lines

_MYSQL_PASSWORD_FLAG = re.compile(
    r"(?<![A-Za-z0-9_\-])(?:mysql|mysqldump|mysqladmin|mariadb)(?![A-Za-z0-9_\-])[^\r\n|;&]{0,200}?"
    r"[ \t]-p(?:'(?P<single>[^'\r\n]{1,128})'|\"(?P<double>[^\"\r\n]{1,128})\"|(?P<bare>[^\s'\"]{1,128}))"
)
# "docker login -u me -p S3cret", "sshpass -p S3cret ssh …", "redis-cli -a S3cret".
_SPACED_PASSWORD_FLAG = re.compile(
    r"(?<![A-Za-z0-9_\-])(?:(?:docker|podman|nerdctl|helm|oras)[ \t]+(?:registry[ \t]+)?login|sshpass|redis-cli)"
    r"(?![A-Za-z0-9_\-])[^\r\n|;&]{0,200}?[ \t](?:-p|--password|-a)[ \t=]+"
    r"(?:'(?P<single>[^'\r\n]{1,128})'|\"(?P<double>[^\"\r\n]{1,128})\"|(?P<bare>[^\s'\"]{1,128}))"
)
_CURL_USER_FLAG = re.compile(
    r"(?<![A-Za-z0-9_\-])(?:-u|--user)[ \t=]+[\"']?(?P<credential>[^\s:\"']{1,128}:[^\s\"']{1,128})"
)
MIN_FLAG_PASSWORD_LENGTH = 3
_COMMAND_ANCHORS = literal_anchors(
    "mysql", "mariadb", "docker", "podman", "nerdctl", "helm", "oras", "sshpass", "redis-cli", "-u", "--user"
)


def _plausible_flag_value(value: str) -> bool:
    """Not a placeholder (``-p…``, ``-p$MYSQL_PWD``) and holding a letter or digit."""
    if len(value) < MIN_FLAG_PASSWORD_LENGTH or not any(char.isalnum() for char in value):
        return False
    return not is_placeholder(value) and not value.startswith("$")


def find_command_line_passwords(text: str) -> Iterator[Finding]:
    """``mysql … -pSECRET`` (the value glued to ``-p``), ``docker login … -p SECRET``, ``sshpass -p``, ``redis-cli -a``
    and ``curl -u user:SECRET``."""
    for pattern in (_MYSQL_PASSWORD_FLAG, _SPACED_PASSWORD_FLAG):
        for match in finditer_near(text, pattern, _COMMAND_ANCHORS, before=0, after=340):
            group = next(name for name in ("single", "double", "bare") if match.group(name) is not None)
            start = match.start(group)
            end = trim_trailing(text, start, match.end(group), "`,;)]}")
            value = text[start:end]
            if _plausible_flag_value(value):
                yield make_finding(text, start, end, PASSWORD_TYPE)
    for match in finditer_near(text, _CURL_USER_FLAG, _COMMAND_ANCHORS, before=0, after=280):
        password = match.group("credential").split(":", 1)[1]
        if not is_placeholder(password) and not password.startswith("$"):
            yield make_finding(text, match.start("credential"), match.end("credential"), PASSWORD_TYPE)
