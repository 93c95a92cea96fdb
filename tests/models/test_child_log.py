"""The end of a child process's log, quoted when converting or quantizing fails."""

from __future__ import annotations

from pathlib import Path

from app.core.model_files.child_log import log_ending


def test_the_last_non_blank_lines_are_quoted_in_one_line(tmp_path: Path) -> None:
    log = tmp_path / "child.log"
    log.write_text("loading\n\n  tensor 1  \ntensor 2\n\nerror: out of memory\n\n")
    assert log_ending(log, 2) == " Its log ends: tensor 2 | error: out of memory"
    assert log_ending(log, 8) == " Its log ends: loading | tensor 1 | tensor 2 | error: out of memory"


def test_an_empty_missing_or_undecodable_log_adds_nothing_or_readable_text(tmp_path: Path) -> None:
    empty = tmp_path / "empty.log"
    empty.write_text("\n \n")
    assert log_ending(empty, 6) == ""
    assert log_ending(tmp_path / "never-written.log", 6) == ""
    garbled = tmp_path / "garbled.log"
    garbled.write_bytes(b"bad byte \xff here\n")
    assert log_ending(garbled, 6) == " Its log ends: bad byte \ufffd here"
