"""Small file-system checks shared by tests."""

from __future__ import annotations

from pathlib import Path


def files_in(folder: Path) -> list[str]:
    """Every file under ``folder`` (relative names), to assert that nothing was left behind."""
    if not folder.exists():
        return []
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())
