"""Identity numbers (PL3): Chinese resident IDs, US Social Security numbers, UK National Insurance numbers, passports.

Chinese IDs are 18 characters with a province code, a birth date and a GB 11643 check character, which together
leave almost no false positives, so they need no context. An SSN is only nine digits: written ``123-45-6789`` or
``123 45 6789`` it counts when its ranges are valid and it is not glued into a longer number; written bare
(``123456789``) it counts only right after an SSN or tax ID word, since bare nine-digit numbers are everywhere.

National Insurance numbers (``QQ 12 34 56 C``, validated letters), passport numbers (6–12 capitals and digits, at
least one digit), other ID and driver's licence numbers (``Real ID Number: NM-473982715``, ``证件号码``) have shapes
that product codes and references share, so they count only right after their key word, in the same sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from app.core.detectors.rules.common import finditer_near, keyword_near, literal_anchors, make_finding, standalone
from app.core.detectors.rules.validators import (
    cn_old_resident_id_valid,
    cn_resident_id_valid,
    uk_nino_valid,
    us_ssn_valid,
)
from app.core.findings import Finding

ID_TYPE = "ID Number"
PASSPORT_TYPE = "Passport Number"
DRIVERS_LICENSE_TYPE = "Driver's License Number"

_CN_RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])")


def find_cn_resident_ids(text: str) -> Iterator[Finding]:
    """18-character Chinese resident ID numbers, glued to Chinese text or not (身份证号110101199003074514，)."""
    for match in _CN_RESIDENT_ID.finditer(text):
        if cn_resident_id_valid(match.group()) and standalone(text, *match.span()):
            yield make_finding(text, match.start(), match.end(), ID_TYPE)


# The separator is captured and required again, so "123-45 6789" (mixed) does not count.
_SSN_SEPARATED = re.compile(r"(?<![0-9A-Za-z\-./])[0-9]{3}([\- ])[0-9]{2}\1[0-9]{4}(?![0-9A-Za-z]|[\-./][0-9])")
_SSN_BARE = re.compile(r"(?<![0-9A-Za-z])[0-9]{9}(?![0-9A-Za-z])")
_SSN_WORDS = re.compile(
    r"(?<![A-Za-z])(?:ssn|ssns|social security(?: number| no\.?| #)?|soc\.? sec\.?|ss#|ss no\.?|"
    r"taxpayer id|tin|tax[_ \-]?id(?:entification)?(?:[_ \-]?(?:number|no\.?))?)(?![A-Za-z])|社会安全号|社会保障号",
    re.IGNORECASE,
)
SSN_CONTEXT_BEFORE = 30


def find_us_ssns(text: str) -> Iterator[Finding]:
    """US SSNs with dashes or spaces anywhere, bare nine digits only after an SSN word."""
    for match in _SSN_SEPARATED.finditer(text):
        if us_ssn_valid(match.group()) and standalone(text, *match.span()):
            yield make_finding(text, match.start(), match.end(), ID_TYPE)
    for match in _SSN_BARE.finditer(text):
        start, end = match.span()
        if not us_ssn_valid(match.group()) or not standalone(text, start, end):
            continue
        if keyword_near(text, start, end, _SSN_WORDS, before=SSN_CONTEXT_BEFORE):
            yield make_finding(text, start, end, ID_TYPE)


# ---------------------------------------------------------------------------------------------------------------------
# Numbers that count only right after their key word

_NINO_WORDS = re.compile(
    r"(?<![A-Za-z])(?:national insurance(?: number| no\.?| #)?|ni (?:number|no\.?|#)|nino)(?![A-Za-z])|国民保险号",
    re.IGNORECASE,
)
_NINO_VALUE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2} ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-Da-d](?![A-Za-z0-9])")
_PASSPORT_WORDS = re.compile(
    r"(?<![A-Za-z])passport(?:[ \-]?(?:number|no\.?|num|#|id))?(?![A-Za-z])|护照号码|护照号|护照|護照號碼|護照號|護照",
    re.IGNORECASE,
)
_PASSPORT_VALUE = re.compile(r"(?<![A-Za-z0-9])[A-Z0-9]{6,12}(?![A-Za-z0-9])")
_ID_ANCHORS = literal_anchors(
    "insurance",
    "ni ",
    "nino",
    "passport",
    "护照",
    "護照",
    "国民保险",
    "id",
    "identity",
    "identification",
    "licen",
    "dl ",
    "身份证",
    "证件",
    "驾驶证",
    "驾照",
    "社保",
)
_SENTENCE_OR_LINE_END = re.compile(r"[.!?。！？](?:\s|$)|[\r\n。！？；;]")
ID_WINDOW = 24


def _value_after(text: str, end: int, pattern: re.Pattern[str]) -> re.Match[str] | None:
    """The first ``pattern`` match within `ID_WINDOW` characters after a key word, before its sentence ends."""
    right = min(len(text), end + ID_WINDOW)
    stop = _SENTENCE_OR_LINE_END.search(text, end, right)
    return pattern.search(text, end, stop.start() if stop else right)


def find_uk_national_insurance_numbers(text: str) -> Iterator[Finding]:
    """``QQ 12 34 56 C`` after "National Insurance number", "NI number" or "NINO"."""
    for key_word in finditer_near(text, _NINO_WORDS, _ID_ANCHORS, before=10, after=30):
        value = _value_after(text, key_word.end(), _NINO_VALUE)
        if value is not None and uk_nino_valid(value.group()):
            yield make_finding(text, value.start(), value.end(), ID_TYPE)


def find_passport_numbers(text: str) -> Iterator[Finding]:
    """6–12 capitals and digits (one digit at least) after "passport (number)" or "护照号码"."""
    for key_word in finditer_near(text, _PASSPORT_WORDS, _ID_ANCHORS, before=0, after=30):
        value = _value_after(text, key_word.end(), _PASSPORT_VALUE)
        if value is not None and any(char.isdigit() for char in value.group()):
            yield make_finding(text, value.start(), value.end(), PASSPORT_TYPE)


# "Real ID Number", "national ID", "ID card no.", "driver's license number", "证件号码": qualified, so that an order ID
# or a user ID is not taken for an identity document.
_DOCUMENT_ID_WORDS = re.compile(
    r"(?<![A-Za-z])(?i:(?P<id>(?:real|national|government|state|resident|citizen|personal|voter|military)[ _\-]?id"
    r"(?:[ _\-]?card)?(?:[ _\-]?(?:number|no\.?|#))?|identity[ _\-](?:card[ _\-]|document[ _\-])?(?:number|no\.?)"
    r"|identification[ _\-](?:number|no\.?)|id[ _\-]card(?:[ _\-](?:number|no\.?))?)"
    r"|(?P<license>driver'?[’]?s?[ _\-]licen[cs]e(?:[ _\-](?:number|no\.?|#))?|driving[ _\-]licen[cs]e"
    r"(?:[ _\-](?:number|no\.?))?|dl[ _\-](?:number|no\.?|#)))(?![A-Za-z])"
    r"|(?P<zh_id>身份证号码|身份证号|身份证|证件号码|证件号|社保卡号|社会保障号码)|(?P<zh_license>驾驶证号码?|驾照号码?)"
)
_DOCUMENT_ID_VALUE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9](?:[A-Za-z0-9\-]{3,22})[A-Za-z0-9](?![A-Za-z0-9])")
_DOCUMENT_ID_LINK = re.compile(r"[\s:：#=\-–,，(（]*(?:(?i:is|was)[\s:：]*|[是为為][\s:：]*)?")
MIN_DOCUMENT_ID_DIGITS = 4


def _other_chinese_id(value: str) -> bool:
    """After "身份证", numbers are left to `find_cn_resident_ids` (18 characters, checksum), except valid 15-digit IDs of
    the first generation; other documents ("证件号码": passports, permits) hold letters."""
    if value.isdigit() or value[:-1].isdigit():
        return cn_old_resident_id_valid(value)
    return True


def find_document_ids(text: str) -> Iterator[Finding]:
    """ID card and driver's licence numbers right after their (qualified) key word: 5–24 letters, digits, dashes."""
    for key_word in finditer_near(text, _DOCUMENT_ID_WORDS, _ID_ANCHORS, before=24, after=40):
        value = _value_after(text, key_word.end(), _DOCUMENT_ID_VALUE)
        if value is None or not _DOCUMENT_ID_LINK.fullmatch(text, key_word.end(), value.start()):
            continue
        if sum(char.isdigit() for char in value.group()) < MIN_DOCUMENT_ID_DIGITS:
            continue
        if key_word.group("zh_id") and not _other_chinese_id(value.group()):
            continue
        license_word = key_word.group("license") or key_word.group("zh_license")
        yield make_finding(text, value.start(), value.end(), DRIVERS_LICENSE_TYPE if license_word else ID_TYPE)
