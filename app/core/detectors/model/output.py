"""Read the detector model's answer and turn it into findings located in the input.

The model answers with a JSON array of ``{"original_text", "privacy_type", "privacy_level"}`` and no offsets. The
answer is untrusted: the grammar guarantees its shape only when generation ran to the end, a different model or
profile may answer differently, and the strings come from a language model. So:

- an answer that is not JSON, or not an array, is an error (`ModelOutputError`): its findings cannot be trusted, and
  an empty result would silently leave private data unmasked;
- elements with missing or wrongly typed fields are skipped and counted, the rest is used;
- type names are cleaned of markup and control characters (they are shown in the UI and become placeholder names),
  mapped to the table's spelling, and a missing or invalid level is filled from the type table;
- items the model graded PL1 (preferences and habits, which MemPrivacy never extracts on purpose) are dropped and
  counted: never raised to a higher level, never masked;
- identical elements are merged, so a model that repeats itself thousands of times costs little;
- every value is searched for in the input and only real occurrences become findings: a value the model invented,
  translated or misspelled is dropped and counted, never masked or stored.

All functions here are pure; nothing is logged, and error messages never quote the answer.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from app.core.errors import ModelOutputError
from app.core.findings import MODEL, Finding, finding_at
from app.core.locate import find_occurrences
from app.core.taxonomy import MAX_TYPE_LENGTH, Level, canonical_type, resolve_level

ORIGINAL_TEXT = "original_text"
PRIVACY_TYPE = "privacy_type"
PRIVACY_LEVEL = "privacy_level"
ANSWER_KEYS = (ORIGINAL_TEXT, PRIVACY_TYPE, PRIVACY_LEVEL)
# The levels the model may write (its answers use PL2–PL4; a PL1 item is allowed and dropped, not forced higher).
ANSWER_LEVELS = ("PL1", "PL2", "PL3", "PL4")

ANSWER_SCHEMA: dict[str, object] = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            ORIGINAL_TEXT: {"type": "string"},
            PRIVACY_TYPE: {"type": "string"},
            PRIVACY_LEVEL: {"type": "string", "enum": list(ANSWER_LEVELS)},
        },
        "required": [ORIGINAL_TEXT, PRIVACY_TYPE, PRIVACY_LEVEL],
        "additionalProperties": False,
    },
}
"""The answer's shape as a JSON schema (the grammar, `answer_grammar`, enforces it with JSON's free whitespace)."""

_MARKUP_TAG = re.compile(r"<[^<>]{0,200}>")
_TYPE_PUNCTUATION = frozenset("/()'-.,_&+")
# Enough to hold any sane type name; a longer string is cut before the (linear) cleaning runs.
_TYPE_INPUT_LIMIT = MAX_TYPE_LENGTH * 8


@dataclass(frozen=True, slots=True)
class ModelItem:
    """One element of the answer, cleaned: the value as the model wrote it (trimmed), a canonical type, a level."""

    original_text: str
    privacy_type: str
    level: Level


@dataclass(frozen=True, slots=True)
class ParsedAnswer:
    """The usable, distinct items of one answer, how many elements it had, how many were malformed, and how many the
    model graded PL1 (dropped)."""

    items: tuple[ModelItem, ...]
    returned: int
    malformed: int
    preferences: int = 0


@dataclass(frozen=True, slots=True)
class LocatedItems:
    """Findings for the items found in the input, and how many distinct items were not found there."""

    findings: list[Finding]
    not_found: int


def neutralise_type_name(raw: str) -> str:
    """A type name safe to show and to turn into a placeholder: no markup, no control or format characters.

    Tags such as ``<b>`` are removed, and anything but letters, digits, spaces and the punctuation type names use
    (``/ ( ) ' - . , _ & +``) becomes a space; `canonical_type` then maps known names to the table's spelling, trims
    and bounds the length, and gives "Private Info" to a name without Latin letters.
    """
    text = unicodedata.normalize("NFKC", raw[:_TYPE_INPUT_LIMIT])
    text = _MARKUP_TAG.sub(" ", text)
    text = "".join(char if char.isalnum() or char in _TYPE_PUNCTUATION else " " for char in text)
    return canonical_type(text)


def item_from_json(element: object) -> ModelItem | None:
    """The item an answer element describes, or None if it lacks a usable value or type.

    ``privacy_level`` may be missing or invalid (the type table then gives the level); extra keys are ignored.
    """
    if not isinstance(element, dict):
        return None
    original_text = element.get(ORIGINAL_TEXT)
    type_name = element.get(PRIVACY_TYPE)
    if not isinstance(original_text, str) or not original_text.strip() or not isinstance(type_name, str):
        return None
    privacy_type = neutralise_type_name(type_name)
    return ModelItem(original_text.strip(), privacy_type, resolve_level(privacy_type, element.get(PRIVACY_LEVEL)))


def parse_model_output(raw: str) -> ParsedAnswer:
    """Parse one answer; raise `ModelOutputError` if it is not a JSON array (the message never quotes it)."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise ModelOutputError("The model's answer is not valid JSON; nothing was masked from it.") from None
    if not isinstance(data, list):
        raise ModelOutputError("The model's answer is not a JSON array; nothing was masked from it.")
    items: dict[ModelItem, None] = {}
    malformed = preferences = 0
    for element in data:
        item = item_from_json(element)
        if item is None:
            malformed += 1
        elif item.level is Level.PL1:
            preferences += 1
        else:
            items.setdefault(item)
    return ParsedAnswer(items=tuple(items), returned=len(data), malformed=malformed, preferences=preferences)


def unique_items(items: Iterable[ModelItem]) -> list[ModelItem]:
    """Items without repeats, in first-seen order (answers of overlapping chunks repeat each other)."""
    return list(dict.fromkeys(items))


def locate_items(text: str, items: Iterable[ModelItem], detector: str = MODEL) -> LocatedItems:
    """Every occurrence of every item's value in ``text`` as a finding; values not in the text are counted, not kept.

    Each distinct value is searched once, however many types the model gave it.
    """
    spans_by_value: dict[str, list[tuple[int, int]]] = {}
    findings: dict[tuple[int, int, str, Level], Finding] = {}
    not_found = 0
    for item in unique_items(items):
        spans = spans_by_value.get(item.original_text)
        if spans is None:
            spans = spans_by_value[item.original_text] = find_occurrences(text, item.original_text)
        if not spans:
            not_found += 1
            continue
        for start, end in spans:
            key = (start, end, item.privacy_type, item.level)
            if key not in findings:
                findings[key] = finding_at(text, start, end, item.privacy_type, item.level, detector)
    ordered = sorted(findings.values(), key=lambda finding: (finding.start, finding.end, finding.type))
    return LocatedItems(findings=ordered, not_found=not_found)
