"""One-time verification codes, card security codes and recovery/backup codes (PL4).

A four-to-eight digit number is everywhere (years, prices, order numbers), so a code counts only next to its key word,
in either order and in English or Chinese: ``verification code is 123456``, ``123456 is your code``,
``验证码：123456``, ``验证码是123456``, ``【某某】123456（动态码）``. The search around a key word stops at the end of
its sentence. The bare word "code" counts only in the tight forms ``code is 123456``, ``code: 123456`` and
``123456 is your code``, and not after words that make it something else (zip, area, error, status, promo …).

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
    r"(?:verification|verify|confirmation|authentication|auth|login|log-in|sign-in|signin|access|security|"
    r"2fa|mfa|two[- ]factor|sms|otp|totp)[ \-]?codes?"
    r"|one[- ]time[ \-](?:codes?|passcodes?|passwords?|pins?)"
    r"|(?:sms|verification)[ \-]pin"
    r"|otp|totp|2fa|mfa"
    r")(?![A-Za-z])"
    r"|验证码|驗證碼|动态码|動態碼|校验码|校驗碼|确认码|認證碼|认证码|动态密码|短信码|登录码",
    re.IGNORECASE,
)
_CARD_CODE_WORDS = re.compile(
    r"(?<![A-Za-z])(?:cvv2?|cvc2?|cvn|card security code|card verification (?:code|value))(?![A-Za-z])"
    r"|安全码|卡验证码",
    re.IGNORECASE,
)
_GENERIC_CODE_WORD = re.compile(r"(?<![A-Za-z])(?P<qualifier>[A-Za-z]+[ \-])?code(?![A-Za-z])", re.IGNORECASE)
# Words that, before "code", make it something other than a one-time code.
_NOT_ONE_TIME = frozenset(
    {"zip", "postal", "post", "area", "country", "error", "status", "exit", "return", "response", "http", "product",
     "promo", "promotional", "discount", "coupon", "referral", "invite", "invitation", "gift", "qr", "bar", "source",
     "sample", "color", "colour", "dial", "airport", "iata", "swift", "bic", "sort", "routing", "branch", "bank",
     "tax", "postcode", "iso", "language", "currency", "region", "machine", "op", "key", "unicode", "ascii",
     "dress", "morse", "legal", "penal", "civil", "criminal", "building", "station", "zone", "item", "sku",
     "class", "course", "python", "java", "rust", "my", "his", "her", "their", "our", "this", "that",
     "of", "in", "to", "clean", "open", "example", "test", "program"}
)
_SENTENCE_END = re.compile(r"[.!?。！？\n](?:\s|$)|[。！？\n]")
_DIGIT_RUN = re.compile(r"(?<![0-9A-Za-z])[0-9]{3,8}(?![0-9A-Za-z])")
# The bare word "code" needs an explicit link to its number: "code is 1234", "code: 1234", "1234 is your code".
_LINK_AFTER = re.compile(r"^[\s\"'“”]*(?:is|was|:|：|=|是|为|為)[\s\"'“”]*$", re.IGNORECASE)
_LINK_BEFORE = re.compile(r"^[\s\"'“”]*(?:is|as|was|是|为|為)\s*(?:your|the|my|a)?[\s\"'“”]*$", re.IGNORECASE)
CODE_WINDOW = 40


@dataclass(frozen=True, slots=True)
class _KeyWord:
    start: int
    end: int
    strict: bool  # the bare word "code": only tight forms count
    card: bool  # a card security code (CVV): 3–4 digits


# Every key word above contains one of these; the full patterns run only around them.
_CODE_ANCHORS = literal_anchors(
    "code", "otp", "2fa", "mfa", "pin", "passcode", "password", "cvv", "cvc", "cvn", "码", "碼", "密码"
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
        qualifier = (match.group("qualifier") or "").strip(" -").lower()
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


def _code_lengths(key_word: _KeyWord) -> range:
    return range(3, 5) if key_word.card else range(4, 9)


def _code_after(text: str, key_word: _KeyWord, right: int) -> tuple[int, int] | None:
    for match in _DIGIT_RUN.finditer(text, key_word.end, right):
        if len(match.group()) not in _code_lengths(key_word) or _part_of_longer_number(text, *match.span()):
            continue
        if key_word.strict and not _LINK_AFTER.match(text[key_word.end : match.start()]):
            return None
        return match.span()
    return None


def _code_before(text: str, key_word: _KeyWord, left: int) -> tuple[int, int] | None:
    runs = [m for m in _DIGIT_RUN.finditer(text, left, key_word.start) if len(m.group()) in _code_lengths(key_word)]
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
# Recovery and backup codes

_RECOVERY_WORDS = re.compile(
    r"(?<![A-Za-z])(?:recovery|backup|back-up|rescue|emergency|scratch)[ \-](?:codes?|keys?)(?![A-Za-z])"
    r"|恢复码|恢復碼|恢复代码|备用码|備用碼|备份码|救援码|恢复密钥",
    re.IGNORECASE,
)
_RECOVERY_ANCHORS = literal_anchors(
    "recovery", "backup", "back-up", "rescue", "emergency", "scratch", "恢复", "恢復", "备用", "備用", "备份", "救援"
)
_LIST_TOKEN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,40}[A-Za-z0-9])?|\S")
_FILLER_WORDS = frozenset({"are", "is", "your", "here", "the", "following", "new", "list", "codes", "code", "keys",
                           "key", "below", "saved", "save", "these", "for", "account", "my"})
MAX_RECOVERY_CODES = 24
MAX_LEAD_IN_TOKENS = 12
RECOVERY_WINDOW = 1200


def _is_recovery_code(token: str) -> bool:
    """Four or more characters with a digit in them, or a dashed group of letters and digits (a1b2c-3d4e5)."""
    compact = token.replace("-", "")
    return len(compact) >= 4 and any(char.isdigit() for char in compact) and compact.isalnum()


def _is_list_marker(token: str) -> bool:
    """Numbering ("1", "2"), bullets and punctuation between listed codes."""
    return (token.isdigit() and len(token) <= 2) or (len(token) == 1 and not token.isalnum())


def _is_lead_in(token: str) -> bool:
    """Words between the key word and the first code: "are", "below", "如下" (one CJK character per token)."""
    return token.lower() in _FILLER_WORDS or (len(token) == 1 and is_unspaced_script(token))


def find_recovery_codes(text: str) -> Iterator[Finding]:
    """The codes listed after "recovery codes", "backup codes", "恢复码", "备用码" …"""
    for key_word in finditer_near(text, _RECOVERY_WORDS, _RECOVERY_ANCHORS, before=20, after=20):
        yield from _codes_after(text, key_word.end())


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
