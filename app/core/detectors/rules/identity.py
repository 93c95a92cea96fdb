"""Identity numbers (PL3): Chinese resident IDs, US Social Security numbers, UK National Insurance numbers, passports.

Chinese IDs are 18 characters with a province code, a birth date and a GB 11643 check character, which together
leave almost no false positives, so they need no context. An SSN is only nine digits: written ``123-45-6789`` or
``123 45 6789`` it counts when its ranges are valid and it is not glued into a longer number; written bare
(``123456789``) it counts only right after an SSN or tax ID word, since bare nine-digit numbers are everywhere.

National Insurance numbers (``QQ 12 34 56 C``, validated letters) and passport numbers (6–9 capitals and digits, at
least one digit) have shapes that product codes and references share, so they count only right after their key word
(``NI number``, ``Passport No.``, ``护照号码``), in the same sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from app.core.detectors.rules.common import finditer_near, keyword_near, literal_anchors, make_finding, standalone
from app.core.detectors.rules.validators import cn_resident_id_valid, uk_nino_valid, us_ssn_valid
from app.core.findings import Finding

ID_TYPE = "ID Number"
PASSPORT_TYPE = "Passport Number"

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
_NINO_VALUE = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z]{2} ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-Da-d](?![A-Za-z0-9])"
)
_PASSPORT_WORDS = re.compile(
    r"(?<![A-Za-z])passport(?:[ \-]?(?:number|no\.?|num|#|id))?(?![A-Za-z])|护照号码|护照号|护照|護照號碼|護照號|護照",
    re.IGNORECASE,
)
_PASSPORT_VALUE = re.compile(r"(?<![A-Za-z0-9])[A-Z0-9]{6,9}(?![A-Za-z0-9])")
_ID_ANCHORS = literal_anchors("insurance", "ni ", "nino", "passport", "护照", "護照", "国民保险")
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
    """6–9 capitals and digits (one digit at least) after "passport (number)" or "护照号码"."""
    for key_word in finditer_near(text, _PASSPORT_WORDS, _ID_ANCHORS, before=0, after=30):
        value = _value_after(text, key_word.end(), _PASSPORT_VALUE)
        if value is not None and any(char.isdigit() for char in value.group()):
            yield make_finding(text, value.start(), value.end(), PASSPORT_TYPE)
