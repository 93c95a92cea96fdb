"""Unfinished downloads: ``NAME.part`` beside the destination, and ``NAME.part.json`` naming the file version its bytes
belong to, so an interrupted download resumes only from bytes of that very version."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from app.core.model_files.download_checks import RemoteFile
from app.core.model_files.library import PARTIAL_SUFFIX

STATE_SUFFIX = ".json"


def partial_path(destination: Path) -> Path:
    return destination.with_name(destination.name + PARTIAL_SUFFIX)


def state_path(part: Path) -> Path:
    return part.with_name(part.name + STATE_SUFFIX)


def _state_of(remote: RemoteFile) -> dict[str, Any]:
    state = asdict(remote)
    state.pop("revision")  # the commit identifies the version; "main" may have moved on
    return state


def write_state(part: Path, remote: RemoteFile) -> None:
    state_path(part).write_text(json.dumps(_state_of(remote), sort_keys=True), encoding="utf-8")


def resumable_offset(part: Path, remote: RemoteFile) -> int:
    """Bytes already downloaded of this very file version; a part of another version is thrown away."""
    if not part.exists():
        return 0
    try:
        saved = json.loads(state_path(part).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        saved = None
    size = part.stat().st_size
    if saved != _state_of(remote) or size > remote.size:
        discard_partial(part)
        return 0
    return size


def discard_partial(part: Path, *, keep_state: bool = False) -> None:
    part.unlink(missing_ok=True)
    if not keep_state:
        state_path(part).unlink(missing_ok=True)
