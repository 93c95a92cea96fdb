"""The deterministic rules detector: patterns confirmed by checksums, ranges and nearby key words.

It complements the model: it never misses a well-formed card number, IBAN, key or one-time code, whatever the model
does, and it runs in milliseconds. Every pattern is written to run in linear time on any input (no nested quantifiers
that can split the same characters in more than one way; matches can only start at the beginning of a run), so pasted
logs with long runs of digits, dots or ``@`` cannot stall it.

Findings may overlap (a JWT inside ``token=…``, a password inside a connection string); merging them is a later step.
Invisible characters inside a value (a zero-width space in a key) and full-width forms (``１３８…``) do not hide it:
see `reading`.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from app.core.detectors.base import ProgressCallback, check_cancelled
from app.core.detectors.rules.assignments import (
    find_assigned_secrets,
    find_command_line_passwords,
    find_paired_call_passwords,
)
from app.core.detectors.rules.birthdates import find_birth_dates
from app.core.detectors.rules.codes import find_pins, find_recovery_codes, find_verification_codes
from app.core.detectors.rules.common import Recognizer
from app.core.detectors.rules.contact import find_emails, find_phone_numbers
from app.core.detectors.rules.credentials import (
    find_database_urls,
    find_key_value_connection_strings,
    find_login_pairs,
    find_passwords,
)
from app.core.detectors.rules.finance import find_bank_accounts, find_ibans, find_payment_cards
from app.core.detectors.rules.identity import (
    find_cn_resident_ids,
    find_document_ids,
    find_passport_numbers,
    find_uk_national_insurance_numbers,
    find_us_ssns,
)
from app.core.detectors.rules.network import find_ipv4_addresses, find_ipv6_addresses, find_mac_addresses
from app.core.detectors.rules.reading import ReadingView, reading_view
from app.core.detectors.rules.secrets import (
    find_jwts,
    find_named_secrets,
    find_private_keys,
    find_symbol_rich_secrets,
    find_vendor_keys,
)
from app.core.detectors.rules.urls import (
    find_secret_url_parameters,
    find_sentry_keys,
    find_url_credentials,
    find_webhook_secrets,
)
from app.core.findings import RULES, Finding, finding_at

__all__ = ["ALL_RECOGNIZERS", "RulesDetector"]

ALL_RECOGNIZERS: tuple[Recognizer, ...] = (
    find_emails,
    find_phone_numbers,
    find_payment_cards,
    find_ibans,
    find_bank_accounts,
    find_cn_resident_ids,
    find_us_ssns,
    find_uk_national_insurance_numbers,
    find_passport_numbers,
    find_document_ids,
    find_birth_dates,
    find_ipv4_addresses,
    find_ipv6_addresses,
    find_mac_addresses,
    find_url_credentials,
    find_secret_url_parameters,
    find_webhook_secrets,
    find_sentry_keys,
    find_vendor_keys,
    find_symbol_rich_secrets,
    find_named_secrets,
    find_jwts,
    find_private_keys,
    find_database_urls,
    find_key_value_connection_strings,
    find_passwords,
    find_login_pairs,
    find_assigned_secrets,
    find_command_line_passwords,
    find_paired_call_passwords,
    find_verification_codes,
    find_pins,
    find_recovery_codes,
)


class RulesDetector:
    """Runs every recognizer over the text; implements the `Detector` protocol."""

    name = RULES

    def __init__(self, recognizers: Sequence[Recognizer] = ALL_RECOGNIZERS) -> None:
        self._recognizers = tuple(recognizers)

    def detect(
        self,
        text: str,
        *,
        cancel: threading.Event | None = None,
        progress: ProgressCallback | None = None,
    ) -> list[Finding]:
        """All findings, sorted by position; the same span of the same type is reported once.

        Each recognizer also reads the text's reading view, if it differs from the text (`reading`).
        Cancellation is checked between recognizers, and progress counts recognizers done.
        """
        found: dict[tuple[int, int, str], Finding] = {}
        view = reading_view(text)
        total = len(self._recognizers)
        for done, recognizer in enumerate(self._recognizers, start=1):
            check_cancelled(cancel)
            for finding in recognizer(text):
                found.setdefault((finding.start, finding.end, finding.type), finding)
            if view is not None:
                for finding in _read_through(text, view, recognizer):
                    found.setdefault((finding.start, finding.end, finding.type), finding)
            if progress is not None:
                progress(done, total)
        check_cancelled(cancel)
        return sorted(found.values(), key=lambda finding: (finding.start, finding.end, finding.type))


def _read_through(text: str, view: ReadingView, recognizer: Recognizer) -> list[Finding]:
    """The recognizer's findings in the view, as spans of ``text`` (invisible characters inside them included)."""
    findings = []
    for finding in recognizer(view.text):
        start, end = view.original_span(finding.start, finding.end)
        findings.append(finding_at(text, start, end, finding.type, finding.level, finding.detector))
    return findings
