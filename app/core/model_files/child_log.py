"""The end of a child process's log, for the error that says why it failed.

Converting and quantizing run llama.cpp in a child process whose output goes to a log file (it prints thousands of
lines, one per tensor). When the child fails, its last lines usually name the reason, so the error message quotes
them rather than only an exit code.
"""

from __future__ import annotations

from pathlib import Path


def log_ending(log: Path, lines: int) -> str:
    """`` Its log ends: a | b | c`` from the last ``lines`` non-blank lines of ``log``; ``""`` when there are none
    or the log cannot be read (the failure is then reported by its exit code alone)."""
    try:
        text = log.read_text(errors="replace")
    except OSError:
        return ""
    tail = [line.strip() for line in text.splitlines() if line.strip()][-lines:]
    return f" Its log ends: {' | '.join(tail)}" if tail else ""
