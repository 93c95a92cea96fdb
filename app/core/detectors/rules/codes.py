"""One-time verification codes, card security codes, PINs and door codes, and recovery/backup codes (PL4).

A four-to-eight digit number is everywhere (years, prices, order numbers), so a code counts only next to its key word,
in either order and in English or Chinese: ``verification code is 123456``, ``123456 is your code``,
``验证码：123456``, ``验证码是123456``, ``【某某】123456（动态码）``. The search around a key word stops at the end of
its sentence. The bare word "code" counts only in the tight forms ``code is 123456``, ``code: 123456`` and
``123456 is your code``, and not after words that make it something else (zip, area, error, status, promo …).

Codes are written as digits (``482913``), two groups (``592-011``, ``883 201``) or capitals with digits (``C3F9GU``,
``ZRM-8821``).

PINs and the codes of alarms, doors, gates, keypads, key boxes and safes (``alarm code 4821``, ``the key box by the
garage uses 4427``, ``门禁密码1234#``) are the first 3–8 digit number after their key word in the same sentence.

Recovery and backup codes are read as the list that follows their key word (``Backup codes: 1234 5678, …``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from app.core.detectors.rules.common import finditer_near, literal_anchors, make_finding
from app.core.findings import Finding
from app.core.locate import is_unspaced_script

VERIFICATION_CODE_TYPE = "Verification Code"
PAYMENT_SECURITY_CODE_TYPE = "Payment Security Code"
RECOVERY_CODE_TYPE = "Recovery Code"

_SPECIFIC_CODE_WORDS = re.compile(
    r"(?<![A-Za-z])(?:"
    r"(?:verification|verify|confirmation|authentication|authenticator|auth|login|log-in|sign-in|signin|access|"
    r"security|2fa|mfa|two[- ]factor|two[- ]step|2[- ]step|sms|otp|totp|one[- ]time)[ \-]?codes?"
    r"|one[- ]time[ \-](?:codes?|passcodes?|passwords?|pins?)"
    r"|(?:sms|verification)[ \-]pin"
    r"|otp|totp|2fa|mfa"
    r")(?![A-Za-z])"
    r"|验证码|驗證碼|动态码|動態碼|校验码|校驗碼|确认码|認證碼|认证码|动态密码|动态口令|短信码|登录码|取件码|提货码|取货码",
    re.IGNORECASE,
)
_CARD_CODE_WORDS = re.compile(
    r"(?<![A-Za-z])(?:cvv2?|cvc2?|cvn|card security code|card verification (?:code|value))(?![A-Za-z])"
    r"|安全码|卡验证码",
    re.IGNORECASE,
)
_GENERIC_CODE_WORD = re.compile(r"(?<![A-Za-z])(?P<qualifier>[A-Za-z]+[ \-_])?code(?![A-Za-z])", re.IGNORECASE)
# Words that, before "code", make it something other than a one-time code.
_NOT_ONE_TIME = frozenset(
    {
        "zip",
        "postal",
        "post",
        "area",
        "country",
        "error",
        "status",
        "exit",
        "return",
        "response",
        "http",
        "product",
        "promo",
        "promotional",
        "discount",
        "coupon",
        "referral",
        "invite",
        "invitation",
        "gift",
        "qr",
        "bar",
        "source",
        "sample",
        "color",
        "colour",
        "dial",
        "airport",
        "iata",
        "swift",
        "bic",
        "sort",
        "routing",
        "branch",
        "bank",
        "tax",
        "postcode",
        "iso",
        "language",
        "currency",
        "region",
        "machine",
        "op",
        "key",
        "unicode",
        "ascii",
        "dress",
        "morse",
        "legal",
        "penal",
        "civil",
        "criminal",
        "building",
        "station",
        "zone",
        "item",
        "sku",
        "class",
        "course",
        "python",
        "java",
        "rust",
        "my",
        "his",
        "her",
        "their",
        "our",
        "this",
        "that",
        "of",
        "in",
        "to",
        "clean",
        "open",
        "example",
        "test",
        "program",
    }
)
_SENTENCE_END = re.compile(r"[.!?。！？\n](?:\s|$)|[。！？\n]")
# Codes as people write them: digits (482913), two groups (592-011, 883 201), or capitals and digits (C3F9GU,
# ZRM-8821). Groups come first in the alternation, so "592-011" is not read as "592".
_CODE_CANDIDATE = re.compile(
    r"(?<![0-9A-Za-z])(?<![0-9]-)"
    r"(?:(?P<grouped>[0-9]{3,4}[ \-][0-9]{3,4})|(?P<digits>[0-9]{3,8})"
    r"|(?P<mixed>[A-Z]{2,4}-[A-Z0-9]{3,6}(?:-[A-Z0-9]{2,4})?|[A-Z0-9]{4,10}))"
    r"(?![0-9A-Za-z]|-[0-9A-Za-z])"
)
# The bare word "code" needs an explicit link to its number: "code is 1234", "code: 1234", "1234 is your code".
# ... or a few words ending in one ("the code I got: 590509", "the code they sent me was 921 185").
_LINK_AFTER = re.compile(
    r"^[\s\"'“”]*(?:[A-Za-z']{1,10}[ \t]+){0,3}(?:is|was|:|：|=|是|为|為)[\s\"'“”]*$"
    r"|^[\s\"'“”]*(?:[A-Za-z']{1,10}[ \t]+){0,3}[A-Za-z']{1,10}:[\s\"'“”]*$",
    re.IGNORECASE,
)
_LINK_BEFORE = re.compile(r"^[\s\"'“”]*(?:is|as|was|是|为|為)\s*(?:your|the|my|a)?[\s\"'“”]*$", re.IGNORECASE)
CODE_WINDOW = 60


@dataclass(frozen=True, slots=True)
class _KeyWord:
    start: int
    end: int
    strict: bool  # the bare word "code": only tight forms count
    card: bool  # a card security code (CVV): 3–4 digits


# Every key word above contains one of these; the full patterns run only around them.
_CODE_ANCHORS = literal_anchors(
    "code", "otp", "2fa", "mfa", "pin", "passcode", "password", "cvv", "cvc", "cvn", "码", "碼", "密码", "口令"
)
_ANCHOR_REACH = 40


def _key_words(text: str) -> Iterator[_KeyWord]:
    def near(pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
        return finditer_near(text, pattern, _CODE_ANCHORS, before=_ANCHOR_REACH, after=_ANCHOR_REACH)

    # Card words first: "card security code 1234" is a CVV, though "security code" alone would make it a one-time code.
    for match in near(_CARD_CODE_WORDS):
        yield _KeyWord(match.start(), match.end(), strict=False, card=True)
    for match in near(_SPECIFIC_CODE_WORDS):
        yield _KeyWord(match.start(), match.end(), strict=False, card=False)
    for match in near(_GENERIC_CODE_WORD):
        qualifier = (match.group("qualifier") or "").strip(" -_").lower()
        if qualifier in _NOT_ONE_TIME or _SPECIFIC_CODE_WORDS.match(text, match.start()):
            continue
        yield _KeyWord(match.start("qualifier") if qualifier else match.start(), match.end(), strict=True, card=False)


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The stretch around a key word that stays inside its sentence, at most `CODE_WINDOW` characters each way."""
    left = max(0, start - CODE_WINDOW)
    for stop in _SENTENCE_END.finditer(text, left, start):
        left = stop.end()
    right = min(len(text), end + CODE_WINDOW)
    stop_after = _SENTENCE_END.search(text, end, right)
    if stop_after is not None:
        right = stop_after.start()
    return left, right


def _part_of_longer_number(text: str, start: int, end: int) -> bool:
    """Digits that are one group of a phone number, date, time or amount: 138-1234-5678, 12:30, 1,500."""
    before = text[max(0, start - 2) : start]
    after = text[end : end + 2]
    return bool(re.fullmatch(r"[0-9][ \-./:,]", before) or re.fullmatch(r"[ \-./:,][0-9]", after))


def _code_shape_fits(match: re.Match[str], key_word: _KeyWord) -> bool:
    """A card security code is 3–4 digits; a one-time code 4–8 digits, two groups of 6–8, or capitals with digits."""
    value = match.group()
    if key_word.card:
        return match.group("digits") is not None and len(value) in range(3, 5)
    if match.group("digits") is not None:
        return len(value) in range(4, 9)
    if match.group("grouped") is not None:
        return sum(char.isdigit() for char in value) in range(6, 9)
    return any(char.isdigit() for char in value) and any(char.isalpha() for char in value)


# A number introduced as something else: "code for user id 33837", "code sent for order #48213", "attempt 2".
_LABELLED_NUMBER = re.compile(
    r"(?<![A-Za-z])(?i:id|ids|no|number|num|order|ticket|case|ref|reference|invoice|account|user|attempt|step|room|"
    r"flight|line|port|pid|version|build|item|page)[ \t:#.]*$|#[ \t]*$|订单号?[ \t:：]*$|编号[ \t:：]*$"
)


def _labelled(text: str, key_word: _KeyWord, start: int) -> bool:
    return bool(_LABELLED_NUMBER.search(text, max(key_word.end, start - 20), start))


def _code_after(text: str, key_word: _KeyWord, right: int) -> tuple[int, int] | None:
    for match in _CODE_CANDIDATE.finditer(text, key_word.end, right):
        if not _code_shape_fits(match, key_word) or _part_of_longer_number(text, *match.span()):
            continue
        if _labelled(text, key_word, match.start()):
            continue
        if key_word.strict and not _LINK_AFTER.match(text[key_word.end : match.start()]):
            return None
        return match.span()
    return None


def _code_before(text: str, key_word: _KeyWord, left: int) -> tuple[int, int] | None:
    runs = [m for m in _CODE_CANDIDATE.finditer(text, left, key_word.start) if _code_shape_fits(m, key_word)]
    if not runs:
        return None
    match = runs[-1]
    if _part_of_longer_number(text, *match.span()):
        return None
    between = text[match.end() : key_word.start]
    if key_word.strict and not _LINK_BEFORE.match(between):
        return None
    return match.span()


def find_verification_codes(text: str) -> Iterator[Finding]:
    """One-time codes (and card security codes) next to their key word, English or Chinese, either order."""
    seen: set[tuple[int, int]] = set()
    for key_word in _key_words(text):
        left, right = _sentence_bounds(text, key_word.start, key_word.end)
        span = _code_after(text, key_word, right) or _code_before(text, key_word, left)
        if span is None or span in seen:
            continue
        seen.add(span)
        type_name = PAYMENT_SECURITY_CODE_TYPE if key_word.card else VERIFICATION_CODE_TYPE
        yield make_finding(text, span[0], span[1], type_name)


# ---------------------------------------------------------------------------------------------------------------------
# PINs, alarm, door, keypad and safe codes

PIN_TYPE = "PIN"
_PIN_WORDS = re.compile(
    r"(?<![A-Za-z])(?:pin(?: code| number)?|(?:alarm|door|gate|keypad|entry|garage|lock|lockbox|key ?box|safe|"
    r"padlock|building|intercom|unlock|alarm system)[ \-](?:code|pin|combination|combo)|key ?box|"
    r"lockbox|keypad)(?![A-Za-z])"
    r"|门禁密码|门禁码|门禁卡密码|开锁密码|开门密码|密码锁|保险柜密码|保险箱密码|锁屏密码|解锁密码|取款密码|支付密码|"
    r"银行卡密码|卡密码",
    re.IGNORECASE,
)
_PIN_ANCHORS = literal_anchors(
    "pin", "code", "combination", "combo", "keybox", "key box", "lockbox", "keypad", "密码", "门禁"
)
_PIN_VALUE = re.compile(r"(?<![0-9A-Za-z])(?<![0-9][\-.,:/])[0-9]{3,8}(?![0-9A-Za-z]|[\-.,:/][0-9])")
PIN_WINDOW = 50


def find_pins(text: str) -> Iterator[Finding]:
    """The first 3–8 digit number after a PIN, alarm, door, keypad or safe key word, inside the same sentence."""
    seen: set[tuple[int, int]] = set()
    for key_word in finditer_near(text, _PIN_WORDS, _PIN_ANCHORS, before=20, after=20):
        right = min(len(text), key_word.end() + PIN_WINDOW)
        stop = _SENTENCE_END.search(text, key_word.end(), right)
        value = _PIN_VALUE.search(text, key_word.end(), stop.start() if stop else right)
        if value is not None and value.span() not in seen:
            seen.add(value.span())
            yield make_finding(text, value.start(), value.end(), PIN_TYPE)


# ---------------------------------------------------------------------------------------------------------------------
# Recovery and backup codes

_RECOVERY_WORDS = re.compile(
    r"(?<![A-Za-z])(?:recovery|backup|back-up|rescue|emergency|scratch)[ \-](?:codes?|keys?)(?![A-Za-z])"
    r"|恢复码|恢復碼|恢复代码|备用码|備用碼|备份码|救援码|恢复密钥|备用验证码|備用驗證碼|备份验证码|恢复验证码|紧急代码",
    re.IGNORECASE,
)
_RECOVERY_ANCHORS = literal_anchors(
    "recovery", "backup", "back-up", "rescue", "emergency", "scratch", "恢复", "恢復", "备用", "備用", "备份", "救援"
)
_LIST_TOKEN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,40}[A-Za-z0-9])?|\S")
_FILLER_WORDS = frozenset(
    {
        "are",
        "is",
        "your",
        "here",
        "the",
        "following",
        "new",
        "list",
        "codes",
        "code",
        "keys",
        "key",
        "below",
        "saved",
        "save",
        "these",
        "for",
        "account",
        "my",
    }
)
MAX_RECOVERY_CODES = 24
MAX_LEAD_IN_TOKENS = 12
RECOVERY_WINDOW = 1200


_DATE_TOKEN = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}|[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}")


def _is_recovery_code(token: str) -> bool:
    """Four or more characters with a digit in them, or a dashed group of letters and digits (a1b2c-3d4e5).

    A date ("generated 2026-01-05") is not one.
    """
    if _DATE_TOKEN.fullmatch(token):
        return False
    compact = token.replace("-", "")
    return len(compact) >= 4 and any(char.isdigit() for char in compact) and compact.isalnum()


def _is_list_marker(token: str) -> bool:
    """Numbering ("1", "2"), bullets and punctuation between listed codes."""
    return (token.isdigit() and len(token) <= 2) or (len(token) == 1 and not token.isalnum())


def _is_lead_in(token: str) -> bool:
    """Words between the key word and the first code: "are", "below", "如下" (one CJK character per token)."""
    return token.lower() in _FILLER_WORDS or (len(token) == 1 and is_unspaced_script(token))


def find_recovery_codes(text: str) -> Iterator[Finding]:
    """The codes listed after "recovery codes", "backup codes", "恢复码", "备用码" …

    The list starts right after the key word and a few filler words ("Backup codes are: …"), or, when the key word's
    line says more ("GitHub recovery codes — keep them safe"), after that line's colon or on the next line.
    """
    for key_word in finditer_near(text, _RECOVERY_WORDS, _RECOVERY_ANCHORS, before=20, after=20):
        codes = list(_codes_after(text, key_word.end()))
        if not codes:
            list_start = _after_heading(text, key_word.end())
            codes = list(_codes_after(text, list_start)) if list_start is not None else []
        yield from codes


_HEADING_END = re.compile(r"[:：]|\r?\n")
MAX_HEADING_LENGTH = 100


def _after_heading(text: str, start: int) -> int | None:
    """Where a list begins after a heading line that holds the key word: past its colon, or at the next line."""
    end = _HEADING_END.search(text, start, min(len(text), start + MAX_HEADING_LENGTH))
    return end.end() if end is not None else None


def _codes_after(text: str, start: int) -> Iterator[Finding]:
    found = 0
    lead_in = 0
    for token in _LIST_TOKEN.finditer(text, start, min(len(text), start + RECOVERY_WINDOW)):
        value = token.group()
        if _is_recovery_code(value) and not _is_list_marker(value):
            found += 1
            yield make_finding(text, token.start(), token.end(), RECOVERY_CODE_TYPE)
            if found >= MAX_RECOVERY_CODES:
                return
        elif _is_list_marker(value) or (not found and _is_lead_in(value)):
            lead_in += 1
            if not found and lead_in > MAX_LEAD_IN_TOKENS:
                return
        else:
            return
