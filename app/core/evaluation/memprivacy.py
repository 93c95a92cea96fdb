"""Reading MemPrivacy-format dialogue data (MemPrivacy-Bench, and the PersonaMem-v2 sample in the same format).

One JSON object per line, one user each::

    {"uuid": ..., "metadata": {"user_name": ..., "language": ..., ...},
     "dialogues": [{"role": "user"|"assistant", "content": ..., "privacy_info":
                    [{"original_text": ..., "privacy_type": ..., "privacy_level": "PL2"|"PL3"|"PL4"}], ...}],
     "questions": [...]}

Every message — user and assistant turns alike — is scored on its own, as the paper does; the user's name from the
metadata goes to the model with each of that user's messages. Labels are plain strings, not offsets: a few are not
verbatim in their message, some are nested in others, some occur more than once. A label whose level is missing or
invalid gets the taxonomy's level for its type, so a damaged label is still scored rather than silently dropped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import InputError
from app.core.evaluation.metrics import Item
from app.core.taxonomy import resolve_level

DATA_FILE_NAME = "personamem_v2_sample.jsonl"


@dataclass(frozen=True, slots=True)
class DialogueMessage:
    """One message with its labels, and where it came from (line and position, for error messages)."""

    text: str
    role: str
    real_name: str
    gold: tuple[Item, ...]
    line: int
    index: int


def _labels(raw: object, where: str) -> tuple[Item, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise InputError(f"{where}: privacy_info must be a list.")
    items: list[Item] = []
    for label in raw:
        if not isinstance(label, dict) or not isinstance(label.get("original_text"), str):
            raise InputError(f"{where}: each privacy_info entry needs an original_text string.")
        type_name = str(label.get("privacy_type") or "")
        items.append(Item(label["original_text"], type_name, resolve_level(type_name, label.get("privacy_level"))))
    return tuple(items)


def _user_messages(record: object, line: int) -> Iterator[DialogueMessage]:
    if not isinstance(record, dict) or not isinstance(record.get("dialogues"), list):
        raise InputError(f"line {line}: expected an object with a dialogues list (MemPrivacy format).")
    metadata = record.get("metadata")
    real_name = str(metadata.get("user_name") or "") if isinstance(metadata, dict) else ""  # the data set's own key
    for index, dialogue in enumerate(record["dialogues"]):
        where = f"line {line}, message {index + 1}"
        if not isinstance(dialogue, dict) or not isinstance(dialogue.get("content"), str):
            raise InputError(f"{where}: each dialogue needs a content string.")
        yield DialogueMessage(
            text=dialogue["content"],
            role=str(dialogue.get("role") or ""),
            real_name=real_name,
            gold=_labels(dialogue.get("privacy_info"), where),
            line=line,
            index=index,
        )


def read_messages(path: Path, limit: int | None = None) -> list[DialogueMessage]:
    """All messages of the file in order (the first ``limit`` if given); errors name the line, never the text."""
    messages: list[DialogueMessage] = []
    try:
        with path.open(encoding="utf-8") as handle:
            for line_number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    raise InputError(f"{path.name}, line {line_number}: not valid JSON (MemPrivacy format).") from None
                for message in _user_messages(record, line_number):
                    if limit is not None and len(messages) >= limit:
                        return messages
                    messages.append(message)
    except UnicodeDecodeError:
        raise InputError(f"{path.name} is not UTF-8 text.") from None
    return messages
