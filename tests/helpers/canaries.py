"""Canary secrets for the hardening tests, and how to look for them (or any fragment of them) in text and files."""

from __future__ import annotations

from pathlib import Path

CANARY_EMAIL = "canary-7q3x.mail@example.org"
CANARY_KEY = "sk-proj-CANARY7q3xK3yA1b2C3d4E5f6G7h8J9k0L1m2"
CANARY_CARD = "4000 0566 5566 5556"  # a documented test card number (Luhn-valid), belongs to nobody
CANARY_CODE = "917263"
CANARY_PASSWORD = "CANARY-pw-7q3x!"
CANARY_NAME = "Quillfeather Canarywood"  # only a model could find a name: it may stay visible in masked text
CANARY_TEXT = (
    f"Hi, I am {CANARY_NAME}. Mail me at {CANARY_EMAIL}, the API key is {CANARY_KEY}, "
    f"card {CANARY_CARD}, verification code: {CANARY_CODE}, password: {CANARY_PASSWORD}"
)
RULE_CANARIES = (CANARY_EMAIL, CANARY_KEY, CANARY_CARD, CANARY_CODE, CANARY_PASSWORD)
"""The canaries the rules detector always masks: none may appear in masked text."""
ALL_CANARIES = (*RULE_CANARIES, CANARY_NAME)
CANARY_MARKERS = ("CANARY", "canary-7q3x", "Canarywood", "7q3x", "5566 5556", CANARY_CODE)
"""Fragments of the canaries: a leak of part of a value is a leak too."""


def encodings_of(value: str) -> list[bytes]:
    """The ways a value could sit in a file: UTF-8 and both UTF-16 byte orders."""
    return [value.encode("utf-8"), value.encode("utf-16-le"), value.encode("utf-16-be")]


def canary_hits(data: str | bytes, markers: tuple[str, ...] = CANARY_MARKERS) -> list[str]:
    """The canary fragments found in ``data`` (case-insensitive for text)."""
    if isinstance(data, str):
        folded = data.casefold()
        return [marker for marker in markers if marker.casefold() in folded]
    return [marker for marker in markers if any(encoded in data for encoded in encodings_of(marker))]


def scan_tree(folder: Path, markers: tuple[str, ...] = CANARY_MARKERS) -> dict[str, list[str]]:
    """Every file under ``folder`` that holds a canary fragment, with the fragments found."""
    hits = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            found = canary_hits(path.read_bytes(), markers)
            if found:
                hits[str(path.relative_to(folder))] = found
    return hits
