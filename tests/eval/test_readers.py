"""The two data formats, read from small files the tests write."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.errors import ConfigError, InputError
from app.core.evaluation import memprivacy
from app.core.evaluation.datasets import MEMPRIVACY, PRESIDIO, guess_format, load_dataset
from app.core.taxonomy import Level


def test_memprivacy_messages_are_every_turn_with_the_real_name_of_their_line(memprivacy_file: Path) -> None:
    messages = memprivacy.read_messages(memprivacy_file)
    assert [m.role for m in messages] == ["user", "assistant", "user", "user"]
    assert [m.real_name for m in messages] == ["Maria Lopez"] * 3 + ["Tom Baker"]
    assert [len(m.gold) for m in messages] == [2, 2, 0, 1]
    assert messages[1].gold[1].type == "Medical Health"
    assert messages[1].gold[1].level is Level.PL3


def test_an_invalid_level_falls_back_to_the_type_table(memprivacy_file: Path) -> None:
    password = memprivacy.read_messages(memprivacy_file)[3].gold[0]
    assert password.level is Level.PL4


def test_limit_counts_messages_across_users(memprivacy_file: Path) -> None:
    assert len(memprivacy.read_messages(memprivacy_file, limit=2)) == 2
    assert len(memprivacy.read_messages(memprivacy_file, limit=4)) == 4


def test_broken_lines_name_the_line_and_never_the_text(tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonl"
    path.write_text('{"dialogues": []}\n{"secret-ish text that is not json\n', encoding="utf-8")
    with pytest.raises(InputError, match="line 2") as caught:
        memprivacy.read_messages(path)
    assert "secret" not in str(caught.value)
    path.write_text(json.dumps({"dialogues": [{"role": "user", "content": 5}]}) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="content string"):
        memprivacy.read_messages(path)


def test_memprivacy_dataset_locates_each_label_in_its_message(memprivacy_file: Path) -> None:
    dataset = load_dataset(memprivacy_file)
    assert dataset.format == MEMPRIVACY
    first = dataset.messages[0]
    assert first.real_name == "Maria Lopez"
    email = first.gold_values[0]
    assert first.text[email.spans[0][0] : email.spans[0][1]] == "maria.lopez@example.com"
    assert dataset.gold_count == 5
    assert len(dataset.sha256) == 64


def test_presidio_dataset_keeps_offsets_and_judges_entities_at_their_level(presidio_file: Path) -> None:
    dataset = load_dataset(presidio_file, limit=1)
    assert dataset.format == PRESIDIO
    (message,) = dataset.messages
    by_text = {value.text: value for value in message.gold_values}
    assert by_text["jane.roe@example.org"].spans == ((8, 28),)
    assert by_text["jane.roe@example.org"].level is Level.PL2
    assert by_text["Monday"].level is None  # DATE_TIME is not scored
    assert message.record is not None and len(message.record.spans) == 3


def test_the_format_is_guessed_from_the_name_or_the_first_byte(tmp_path: Path, presidio_file: Path) -> None:
    assert guess_format(Path("x.jsonl")) == MEMPRIVACY
    assert guess_format(presidio_file) == PRESIDIO
    unnamed = tmp_path / "data.txt"
    unnamed.write_text(presidio_file.read_text(encoding="utf-8"), encoding="utf-8")
    assert guess_format(unnamed) == PRESIDIO


def test_a_file_in_the_wrong_format_is_a_one_line_error(memprivacy_file: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a Presidio data set"):
        load_dataset(memprivacy_file, PRESIDIO)
    with pytest.raises(ConfigError):
        load_dataset(memprivacy_file, "csv")
    with pytest.raises(InputError, match="no data set"):
        load_dataset(tmp_path / "absent.jsonl")
