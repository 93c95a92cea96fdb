"""The labelled data sets ``cloakroom eval`` reads, in a form common to both formats.

MemPrivacy data (``.jsonl``, one user per line) carries the paper's labels and each user's name; Presidio data
(``.json``, one list) carries labelled offsets. Both become `EvalMessage`s: the text, the person's name (empty for
Presidio), the labels for the paper's metric and the labelled values with their spans, for leak rate and over-masking.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import ConfigError, InputError
from app.core.evaluation import memprivacy, presidio
from app.core.evaluation.exposure import GoldValue, occurrences
from app.core.evaluation.metrics import Item
from app.core.taxonomy import Level, level_for_type

MEMPRIVACY = "memprivacy"
PRESIDIO = "presidio"
FORMATS = (MEMPRIVACY, PRESIDIO)


@dataclass(frozen=True, slots=True)
class EvalMessage:
    """One message to score, in a form common to both data formats."""

    text: str
    real_name: str
    items: tuple[Item, ...]  # labels for the paper's metric (MemPrivacy data)
    gold_values: tuple[GoldValue, ...]  # labels with their spans, for leak rate and over-masking
    record: presidio.PresidioRecord | None = None  # the Presidio record, for its per-entity scorer


@dataclass(frozen=True)
class Dataset:
    path: Path
    format: str
    messages: tuple[EvalMessage, ...]
    sha256: str

    @property
    def gold_count(self) -> int:
        return sum(len(message.gold_values) for message in self.messages)


def guess_format(path: Path) -> str:
    """``.jsonl`` is MemPrivacy (one user per line), ``.json`` Presidio (one list); otherwise look at the first byte."""
    if path.suffix.lower() == ".jsonl":
        return MEMPRIVACY
    if path.suffix.lower() == ".json":
        return PRESIDIO
    with path.open("rb") as handle:
        first = handle.read(64).lstrip()[:1]
    return PRESIDIO if first == b"[" else MEMPRIVACY


def file_sha256(path: Path, chunk_size: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def presidio_entity_level(entity: str) -> Level | None:
    """The level a Presidio entity is judged at: the lowest level of the types that count as finding it."""
    types = presidio.ENTITY_TYPES.get(entity)
    if not types:
        return None
    return min(level_for_type(name) for name in types)


def _memprivacy_messages(path: Path, limit: int | None) -> list[EvalMessage]:
    messages = []
    for message in memprivacy.read_messages(path, limit):
        gold_values = tuple(
            GoldValue(item.text, item.level, occurrences(message.text, item.text)) for item in message.gold
        )
        messages.append(EvalMessage(message.text, message.real_name, message.gold, gold_values))
    return messages


def _presidio_messages(path: Path, limit: int | None) -> list[EvalMessage]:
    try:
        records = presidio.read_records(path)
    except (ValueError, KeyError, TypeError) as error:
        # json.JSONDecodeError is a ValueError; the reader's own messages name a record index, never its text.
        reason = str(error) if isinstance(error, ValueError) and not isinstance(error, json.JSONDecodeError) else ""
        raise InputError(f"{path.name} is not a Presidio data set{': ' + reason if reason else ''}.") from None
    messages = []
    for record in records[:limit] if limit is not None else records:
        gold_values = tuple(
            GoldValue(
                record.text[span.start : span.end], presidio_entity_level(span.entity_type), ((span.start, span.end),)
            )
            for span in record.spans
        )
        messages.append(EvalMessage(record.text, "", (), gold_values, record))
    return messages


def load_dataset(path: Path, data_format: str | None = None, limit: int | None = None) -> Dataset:
    """Read a data set in either format (guessed from the file when not given)."""
    if not path.is_file():
        raise InputError(f"There is no data set at {path}.")
    chosen = data_format or guess_format(path)
    if chosen not in FORMATS:
        raise ConfigError(f"Unknown data format; use one of: {', '.join(FORMATS)}.")
    reader = _memprivacy_messages if chosen == MEMPRIVACY else _presidio_messages
    try:
        messages = reader(path, limit)
    except UnicodeDecodeError:
        raise InputError(f"{path.name} is not UTF-8 text.") from None
    return Dataset(path, chosen, tuple(messages), file_sha256(path))
