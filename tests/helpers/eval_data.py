"""Small evaluation data files in both formats, written per test, never the shared data (a pytest plugin, loaded
by tests/conftest.py): the evaluation tests score them, the hardening tests run the commands on them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

# Made-up people and values; the shape is MemPrivacy's (one user per line, every message with its labels).
MEMPRIVACY_USERS: list[dict[str, Any]] = [
    {
        "uuid": "user-1",
        "metadata": {"user_name": "Maria Lopez", "language": "en"},
        "dialogues": [
            {
                "role": "user",
                "content": "Please write to maria.lopez@example.com or call +1 415 555 0132 before Friday.",
                "privacy_info": [
                    {"original_text": "maria.lopez@example.com", "privacy_type": "Email", "privacy_level": "PL2"},
                    {"original_text": "+1 415 555 0132", "privacy_type": "Phone Number", "privacy_level": "PL2"},
                ],
            },
            {
                "role": "assistant",
                "content": "Sure, Maria Lopez. I will draft the note about your knee injury.",
                "privacy_info": [
                    {"original_text": "Maria Lopez", "privacy_type": "Real Name", "privacy_level": "PL2"},
                    {"original_text": "knee injury", "privacy_type": "Medical Health", "privacy_level": "PL3"},
                ],
            },
            {"role": "user", "content": "What is a good name for a cat?", "privacy_info": []},
        ],
        "questions": [],
    },
    {
        "uuid": "user-2",
        "metadata": {"user_name": "Tom Baker"},
        "dialogues": [
            {
                "role": "user",
                "content": "The staging password is Tr0ub4dor&3, keep it safe.",
                "privacy_info": [
                    {"original_text": "Tr0ub4dor&3", "privacy_type": "Password", "privacy_level": "not a level"}
                ],
            },
        ],
        "questions": [],
    },
]

PRESIDIO_RECORDS: list[dict[str, Any]] = [
    {
        "full_text": "Contact jane.roe@example.org from 10.1.2.3 on Monday.",
        "masked": "Contact {{EMAIL_ADDRESS}} from {{IP_ADDRESS}} on {{DATE_TIME}}.",
        "spans": [
            {"entity_type": "DATE_TIME", "entity_value": "Monday", "start_position": 46, "end_position": 52},
            {"entity_type": "IP_ADDRESS", "entity_value": "10.1.2.3", "start_position": 34, "end_position": 42},
            {"entity_type": "EMAIL_ADDRESS", "entity_value": "jane.roe@example.org", "start_position": 8,
             "end_position": 28},
        ],
        "template_id": 1,
    },
    {
        "full_text": "John Smith lives in Springfield.",
        "masked": "{{PERSON}} lives in {{GPE}}.",
        "spans": [
            {"entity_type": "PERSON", "entity_value": "John Smith", "start_position": 0, "end_position": 10},
            {"entity_type": "GPE", "entity_value": "Springfield", "start_position": 20, "end_position": 31},
        ],
        "template_id": 2,
    },
]  # fmt: skip


@pytest.fixture
def memprivacy_file(tmp_path: Path) -> Path:
    path = tmp_path / "dialogues.jsonl"
    path.write_text("".join(json.dumps(user) + "\n" for user in MEMPRIVACY_USERS), encoding="utf-8")
    return path


@pytest.fixture
def presidio_file(tmp_path: Path) -> Path:
    path = tmp_path / "synth.json"
    path.write_text(json.dumps(PRESIDIO_RECORDS), encoding="utf-8")
    return path
