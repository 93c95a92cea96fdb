"""API keys, tokens, JWTs and PEM private keys (PL4).

Vendor keys are recognised by their published prefixes (``AKIA``, ``ghp_``, ``sk-ant-``, ``xoxb-``, ``AIza``, ``hf_``,
``glpat-``, ``npm_`` …), which are rare enough in ordinary text to need no context. Secrets without a prefix (an AWS
secret access key, a value assigned to ``client_secret`` or ``API_KEY``) count only when a key word names them and the
value looks random (letters and digits, no placeholder words). A JWT must decode to a JSON header; a PEM private key
is masked as a whole block, from ``-----BEGIN`` to ``-----END`` (or to the end of its base64 body when cut off).
"""

from __future__ import annotations

import base64
import binascii
import bisect
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from app.core.detectors.rules.common import finditer_near, literal_anchors, make_finding, trim_trailing
from app.core.findings import Finding

KEY_TYPE = "Key"
TOKEN_TYPE = "Token"
PRIVATE_KEY_TYPE = "Private Key"
PASSWORD_TYPE = "Password"

_BEFORE = r"(?<![A-Za-z0-9_\-~])"
_AFTER = r"(?![A-Za-z0-9_~])"


@dataclass(frozen=True, slots=True)
class VendorKey:
    """One vendor's key format: who issues it, the pattern of the whole key, and the taxonomy type it gets."""

    vendor: str
    body: str
    type_name: str = KEY_TYPE
    letters_only: bool = False  # the vendor issues keys without digits (Hugging Face): mixed case is enough


VENDOR_KEYS: tuple[VendorKey, ...] = (
    VendorKey("AWS access key ID", r"(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA)[A-Z0-9]{16}"),
    VendorKey("GitHub token", r"gh[pousr]_[A-Za-z0-9]{36,251}", TOKEN_TYPE),
    VendorKey("GitHub fine-grained token", r"github_pat_[A-Za-z0-9_]{22,255}", TOKEN_TYPE),
    VendorKey("Anthropic key", r"sk-ant-[A-Za-z0-9_\-]{20,300}"),
    VendorKey("OpenAI key", r"sk-(?!ant-)(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_\-]{20,300}"),
    VendorKey("Slack token", r"xox[abprse]-[A-Za-z0-9\-]{10,250}", TOKEN_TYPE),
    VendorKey("Slack app token", r"xapp-[0-9]-[A-Za-z0-9\-]{10,250}", TOKEN_TYPE),
    VendorKey("Google API key", r"AIza[0-9A-Za-z_\-]{35}"),
    VendorKey("Google OAuth token", r"ya29\.[0-9A-Za-z_\-]{20,2048}", TOKEN_TYPE),
    VendorKey("Stripe key", r"(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{10,247}"),
    VendorKey("Stripe publishable key", r"pk_live_[0-9A-Za-z]{10,247}"),
    VendorKey("Stripe webhook secret", r"whsec_[A-Za-z0-9+/=]{20,100}"),
    VendorKey("Twilio API key", r"SK[0-9a-fA-F]{32}"),
    VendorKey("SendGrid key", r"SG\.[A-Za-z0-9_\-]{16,32}\.[A-Za-z0-9_\-]{16,64}"),
    VendorKey("Mailgun key", r"key-[0-9a-f]{32}"),
    VendorKey("Mailchimp key", r"[0-9a-f]{32}-us[0-9]{1,2}"),
    VendorKey("Hugging Face token", r"hf_[A-Za-z0-9]{30,100}", TOKEN_TYPE, letters_only=True),
    VendorKey("Hugging Face organization token", r"api_org_[A-Za-z0-9]{30,100}", TOKEN_TYPE, letters_only=True),
    VendorKey("Tencent Cloud SecretId", r"AKID[A-Za-z0-9]{32}"),
    VendorKey("Alibaba Cloud AccessKey ID", r"LTAI[A-Za-z0-9]{12,28}"),
    VendorKey("Google OAuth client secret", r"GOCSPX-[A-Za-z0-9_\-]{28}"),
    VendorKey("Azure AD client secret", r"[A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.\-]{31,34}"),
    VendorKey("Volcengine access key", r"AKLT[A-Za-z0-9_\-]{32,60}"),
    VendorKey("Postman API key", r"PMAK-[a-f0-9]{24}-[a-f0-9]{34}"),
    VendorKey("GitLab token", r"gl(?:pat|dt|rt|ptt|ft|soat|cbt|oas|imt)-[A-Za-z0-9_\-]{20,100}", TOKEN_TYPE),
    VendorKey("npm token", r"npm_[A-Za-z0-9]{36}", TOKEN_TYPE),
    VendorKey("PyPI token", r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{50,300}", TOKEN_TYPE),
    VendorKey("DigitalOcean token", r"do[por]_v1_[a-f0-9]{64}", TOKEN_TYPE),
    VendorKey("Shopify token", r"shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}", TOKEN_TYPE),
    VendorKey("Databricks token", r"dapi[a-f0-9]{32}(?:-[0-9]+)?", TOKEN_TYPE),
    VendorKey("Groq key", r"gsk_[A-Za-z0-9]{40,100}"),
    VendorKey("Replicate token", r"r8_[A-Za-z0-9]{37}", TOKEN_TYPE),
    VendorKey("xAI key", r"xai-[A-Za-z0-9]{60,120}"),
    VendorKey("Square token", r"sq0(?:atp|csp)-[0-9A-Za-z\-_]{22,60}", TOKEN_TYPE),
    VendorKey("Atlassian token", r"ATATT3[A-Za-z0-9_\-=]{50,300}", TOKEN_TYPE),
    VendorKey("Notion token", r"(?:secret|ntn)_[A-Za-z0-9]{43,60}", TOKEN_TYPE),
    VendorKey("Linear key", r"lin_api_[A-Za-z0-9]{40}"),
    VendorKey("Vault token", r"hvs\.[A-Za-z0-9_\-]{24,200}", TOKEN_TYPE),
    VendorKey("Doppler token", r"dp\.pt\.[A-Za-z0-9]{40,60}", TOKEN_TYPE),
    VendorKey("Telegram bot token", r"[0-9]{8,10}:AA[A-Za-z0-9_\-]{33}", TOKEN_TYPE),
)

# All formats in one alternation (one named group each), so the text is scanned once rather than once per vendor.
_VENDOR_KEY = re.compile(
    _BEFORE + "(?:" + "|".join(f"(?P<v{index}>{key.body})" for index, key in enumerate(VENDOR_KEYS)) + ")" + _AFTER
)


# Every vendor key is a run of at least 20 of these characters; only such runs are searched (sre tries each branch
# of an alternation at every position, so scanning only long runs makes this many times faster on prose).
_KEY_LIKE_RUN = re.compile(r"(?<![A-Za-z0-9_\-.:+/=~])[A-Za-z0-9_\-.:+/=~]{20,}")


def find_vendor_keys(text: str) -> Iterator[Finding]:
    """Keys and tokens with a known vendor prefix, when they look random (`_random_key_body`)."""
    for run in _KEY_LIKE_RUN.finditer(text):
        yield from _vendor_keys_in(text, run.start(), run.end())


def _random_key_body(value: str, letters_only: bool) -> bool:
    """A random key holds a digit; one of a vendor that issues letter-only keys (Hugging Face) mixes cases instead.

    A word-like look-alike (``sk-this-is-not-a-key``, ``hf_models``) does neither.
    """
    if any(char.isdigit() for char in value):
        return True
    return letters_only and any(char.isupper() for char in value) and any(char.islower() for char in value)


def _alternative_index(match: re.Match[str]) -> int:
    """Which key matched: the patterns join one named group per key, ``<letter><index>``, so one always did."""
    name = match.lastgroup
    if name is None:
        raise AssertionError("every alternative of a key pattern is a named group")
    return int(name[1:])


def _vendor_keys_in(text: str, start: int, end: int) -> Iterator[Finding]:
    for match in _VENDOR_KEY.finditer(text, start, end):
        vendor_key = VENDOR_KEYS[_alternative_index(match)]
        if _random_key_body(match.group(), vendor_key.letters_only):
            yield make_finding(text, match.start(), match.end(), vendor_key.type_name)


# Secrets whose alphabet includes "$", "!" or "(" and so never lie inside a key-like run: password hashes in the
# formats of crypt(3), bcrypt, Argon2 and Django, and Django's generated ``django-insecure-`` secret keys.
SYMBOL_RICH_SECRETS: tuple[VendorKey, ...] = (
    VendorKey("Django secret key", r"django-insecure-[a-z0-9!@#$%^&*(\-_=+)]{40,60}"),
    VendorKey("bcrypt hash", r"\$2[abxy]?\$[0-9]{2}\$[./A-Za-z0-9]{53}", PASSWORD_TYPE),
    VendorKey(
        "Argon2 hash",
        r"\$argon2(?:id|i|d)\$v=[0-9]{1,3}\$m=[0-9]{1,8},t=[0-9]{1,3},p=[0-9]{1,3}\$[A-Za-z0-9+/]{8,88}"
        r"\$[A-Za-z0-9+/]{16,172}",
        PASSWORD_TYPE,
    ),
    VendorKey(
        "crypt(3) SHA hash", r"\$[56]\$(?:rounds=[0-9]{1,9}\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{43,86}", PASSWORD_TYPE
    ),
    VendorKey(
        "Django password hash",
        r"pbkdf2_sha(?:256|1)\$[0-9]{4,7}\$[A-Za-z0-9./+]{4,64}\$[A-Za-z0-9+/]{43}=",
        PASSWORD_TYPE,
    ),
)
_SYMBOL_RICH_SECRET = re.compile(
    r"(?<![A-Za-z0-9_$])(?:"
    + "|".join(f"(?P<s{index}>{key.body})" for index, key in enumerate(SYMBOL_RICH_SECRETS))
    + r")(?![A-Za-z0-9./+])"
)
_SYMBOL_RICH_ANCHORS = re.compile(r"\$2[abxy]?\$|\$argon2|\$[56]\$|pbkdf2_sha|django-insecure-")


def find_symbol_rich_secrets(text: str) -> Iterator[Finding]:
    """Password hashes (bcrypt, Argon2, SHA-crypt, Django PBKDF2) and Django secret keys."""
    for match in finditer_near(text, _SYMBOL_RICH_SECRET, _SYMBOL_RICH_ANCHORS, before=0, after=400):
        secret = SYMBOL_RICH_SECRETS[_alternative_index(match)]
        yield make_finding(text, match.start(), match.end(), secret.type_name)


# ---------------------------------------------------------------------------------------------------------------------
# Secrets named by a key word

_AWS_SECRET = re.compile(
    r"(?i:aws)?[_ \-]?(?i:secret)[_ \-]?(?i:access)?[_ \-]?(?i:key)[\"']?\s*(?:[:=]|=>|\bis\b)?\s*[\"']?"
    r"(?P<value>(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"
)
# ``name = value`` / ``"name": "value"`` where the name ends in a secret word (``OPENAI_API_KEY``, ``client_secret``,
# ``"accessToken"``). Only the secret word at the end of the name is matched: the regex need not scan whole names.
_NAMED_SECRET = re.compile(
    r"(?<!publickey)(?<!public_key)"  # .NET's PublicKeyToken is no secret
    r"(?P<name>api[_\-]?key|apikey|secret[_\-]?key|access[_\-]?key(?:[_\-]?id)?|private[_\-]?key|"
    r"client[_\-]?secret|app[_\-]?secret|auth[_\-]?token|access[_\-]?token|refresh[_\-]?token|id[_\-]?token|"
    r"api[_\-]?token|bearer[_\-]?token|session[_\-]?token|secret|token|account[_\-]?key|signing[_\-]?key|"
    r"encryption[_\-]?key)"
    r"[\"']?[ \t]*(?::=|=>|[:=])[ \t]*[\"']?"
    r"(?P<value>[A-Za-z0-9_\-./+=~]{12,512})",
    re.IGNORECASE,
)
_AUTHORIZATION = re.compile(
    r"(?<![A-Za-z])(?P<scheme>bearer|basic|token)\s+(?P<value>[A-Za-z0-9\-._~+/]{16,4096}=*)(?![A-Za-z0-9\-._~+/=])",
    re.IGNORECASE,
)
_SECRET_ANCHORS = literal_anchors("key", "secret", "token", "apikey")
_AUTHORIZATION_ANCHORS = literal_anchors("bearer", "basic", "token")
_PLACEHOLDER_WORDS = ("your", "here", "example", "placeholder", "xxxx", "redacted", "changeme", "dummy", "<", "${")
MIN_NAMED_SECRET_LENGTH = 12


_WORDS_IN_IDENTIFIER = re.compile(r"[A-Z]?[a-z]{3,}")
_NAMES_A_SECRET = re.compile(r"secret|token|key|pass|auth|cred", re.IGNORECASE)


def _looks_random(value: str) -> bool:
    """Letters and digits mixed, and not a placeholder ("YOUR_API_KEY_HERE") or an identifier from code.

    Code assigns secret-sounding names all the time (``mask2_token = entity_mask2_token``, ``to_token =
    Sam3TrackerAttention(…)``): a value made of words, or one that itself names a secret, is a reference.
    """
    lowered = value.lower()
    if any(word in lowered for word in _PLACEHOLDER_WORDS) or _NAMES_A_SECRET.search(value):
        return False
    has_digit = any(char.isdigit() for char in value)
    has_letter = any(char.isalpha() for char in value)
    if not (has_digit and has_letter and len(set(value)) >= 6):
        return False
    word_letters = sum(len(word) for word in _WORDS_IN_IDENTIFIER.findall(value))
    return word_letters < 0.6 * len(value)


def _named_secret_type(name: str) -> str:
    lowered = name.lower()
    return TOKEN_TYPE if "token" in lowered else KEY_TYPE


def find_named_secrets(text: str) -> Iterator[Finding]:
    """Values assigned to secret-sounding names, AWS secret access keys, and ``Authorization`` header values."""
    for match in finditer_near(text, _AWS_SECRET, _SECRET_ANCHORS, before=20, after=80):
        yield make_finding(text, match.start("value"), match.end("value"), KEY_TYPE)
    for match in finditer_near(text, _NAMED_SECRET, _SECRET_ANCHORS, before=20, after=560):
        start = match.start("value")
        end = trim_trailing(text, start, match.end("value"), ".,")
        value = text[start:end]
        if end < len(text) and text[end] == "(":
            continue
        if end - start >= MIN_NAMED_SECRET_LENGTH and _looks_random(value):
            yield make_finding(text, start, end, _named_secret_type(match.group("name")))
    for match in finditer_near(text, _AUTHORIZATION, _AUTHORIZATION_ANCHORS, before=0, after=4200):
        value = match.group("value")
        if not _looks_random(value):
            continue
        type_name = PASSWORD_TYPE if match.group("scheme").lower() == "basic" else TOKEN_TYPE
        yield make_finding(text, match.start("value"), match.end("value"), type_name)


# ---------------------------------------------------------------------------------------------------------------------
# JWT

_JWT = re.compile(
    r"(?<![A-Za-z0-9_\-])eyJ[A-Za-z0-9_\-]{5,4096}\.eyJ[A-Za-z0-9_\-]{5,16384}(?:\.[A-Za-z0-9_\-]{0,4096})?"
)


def _decodes_to_json_header(segment: str) -> bool:
    """A JWT header is base64url JSON holding ``alg`` or ``typ``; that separates tokens from look-alike strings."""
    padded = segment + "=" * (-len(segment) % 4)
    try:
        header = json.loads(base64.urlsafe_b64decode(padded))
    except (binascii.Error, ValueError):
        return False
    return isinstance(header, dict) and ("alg" in header or "typ" in header)


def find_jwts(text: str) -> Iterator[Finding]:
    """JSON Web Tokens (header.payload.signature, the signature possibly empty)."""
    for match in _JWT.finditer(text):
        if _decodes_to_json_header(match.group().split(".", 1)[0]):
            yield make_finding(text, match.start(), match.end(), TOKEN_TYPE)


# ---------------------------------------------------------------------------------------------------------------------
# PEM private keys

_PEM_BEGIN = re.compile(r"-----BEGIN (?P<label>[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?)-----")
_PEM_END = re.compile(r"-----END (?P<label>[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?)-----")
# The body of a key whose END line is missing: following lines of base64 (or "Proc-Type:"-style headers), up to the
# first blank or other line. One line per repetition, each starting with its newline, so no line is matched twice.
_BASE64_BODY = re.compile(r"(?:\r?\n[ \t]*(?:[A-Za-z0-9+/=]{1,200}|[A-Za-z\-]{1,40}: ?[^\r\n]{0,200})(?=\r?\n|$))*")


# A block must hold some key material: the markers alone (quoted in code or documentation) reveal nothing.
_KEY_MATERIAL = re.compile(r"[A-Za-z0-9+/=]{16}")


def find_private_keys(text: str) -> Iterator[Finding]:
    """Whole PEM private-key blocks (RSA, EC, DSA, OpenSSH, PKCS#8, encrypted, PGP).

    End markers and runs of key material are collected once and looked up by position, so many BEGIN lines still
    cost linear time.
    A block must hold at least one run of 16 base64 characters between its markers.
    """
    material = [match.start() for match in _KEY_MATERIAL.finditer(text)]
    ends: dict[str, list[tuple[int, int]]] = {}
    for match in _PEM_END.finditer(text):
        ends.setdefault(match.group("label"), []).append(match.span())
    for begin in _PEM_BEGIN.finditer(text):
        candidates = ends.get(begin.group("label"), [])
        index = bisect.bisect_left(candidates, (begin.end(), begin.end()))
        if index < len(candidates):
            body_end, end = candidates[index]
        else:
            body = _BASE64_BODY.match(text, begin.end())  # its "*" always matches, if only the empty string
            body_end = end = body.end() if body is not None else begin.end()
        first_material = bisect.bisect_left(material, begin.end())
        if first_material < len(material) and material[first_material] + 16 <= body_end:
            yield make_finding(text, begin.start(), end, PRIVATE_KEY_TYPE)
