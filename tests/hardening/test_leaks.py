"""Run every flow with known canary secrets, then look for them everywhere they must not be: stdout (except where
printing the text is the command's purpose), stderr (including what C libraries write to file descriptor 2), Python
log records, the temporary folder, and every file under `CLOAKROOM_HOME` — the vault's own files included, which
SQLCipher encrypts, so zero hits there too.

Where stdout may hold the canaries: `unmask` (it prints the restored text) and `detect --json/--jsonl` (they print
the findings, text included); `mask` prints masked text, which may hold only what no detector found (the canary name,
when no model runs). Nothing else.

Threat model: "Leaks" — logs, stderr, caches and files.
"""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.canaries import (
    ALL_CANARIES,
    CANARY_EMAIL,
    CANARY_MARKERS,
    CANARY_NAME,
    CANARY_TEXT,
    RULE_CANARIES,
    canary_hits,
    scan_tree,
)
from tests.helpers.cli import Cli, CliResult, write_settings
from tests.helpers.eval_data import MEMPRIVACY_USERS
from tests.helpers.network import NetworkAttempts

# Case-sensitive fragments of the canaries the rules always mask (the name canary holds "Canary" too, and may be
# left in masked text when no model runs).
RULE_FRAGMENTS = ("CANARY7q3x", "canary-7q3x", "CANARY-pw", "5566 5556", "917263")


class RecordedLogs(logging.Handler):
    """Every log record any library emits, at any level, formatted as it would be written."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def logs() -> Iterator[RecordedLogs]:
    handler = RecordedLogs()
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(previous_level)


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary folder of its own, for Python and SQLite alike, so anything written there can be scanned."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    for variable in ("TMPDIR", "SQLITE_TMPDIR", "TEMP", "TMP"):
        monkeypatch.setenv(variable, str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def memprivacy_with_canaries(folder: Path) -> Path:
    """The eval test data, with the canaries as its messages and labels."""
    users = json.loads(json.dumps(MEMPRIVACY_USERS))
    users[0]["dialogues"][0]["content"] = CANARY_TEXT
    users[0]["dialogues"][0]["privacy_info"] = [
        {"original_text": CANARY_EMAIL, "privacy_type": "Email", "privacy_level": "PL2"},
        {"original_text": CANARY_NAME, "privacy_type": "Real Name", "privacy_level": "PL2"},
    ]
    path = folder / "canaries.jsonl"
    path.write_text("".join(json.dumps(user) + "\n" for user in users), encoding="utf-8")
    return path


def assert_quiet(result: CliResult, *, stdout_may_hold_text: bool = False, masked_output: bool = False) -> None:
    assert result.code == 0, result.err
    assert canary_hits(result.err) == [], "a canary reached stderr"
    if masked_output:
        assert not any(fragment in result.out for fragment in RULE_FRAGMENTS), "masked output shows a secret"
    elif not stdout_may_hold_text:
        assert canary_hits(result.out) == [], "a canary reached stdout"


def assert_nothing_kept(home: Path, private_tmp: Path, logs: RecordedLogs, *reports: Path) -> None:
    assert scan_tree(home) == {}, "a canary is in a file under CLOAKROOM_HOME (the vault's files included)"
    assert scan_tree(private_tmp) == {}, "a canary is in a temporary file"
    for report in reports:
        assert canary_hits(report.read_bytes()) == [], f"a canary is in {report.name}"
    assert canary_hits("\n".join(logs.lines)) == [], "a canary is in a log record"


def test_rules_flows_leak_nothing(
    cli: Cli, home: Path, tmp_path: Path, private_tmp: Path, logs: RecordedLogs, no_network: NetworkAttempts
) -> None:
    source = tmp_path / "in.txt"
    source.write_text(CANARY_TEXT, encoding="utf-8")
    masked = cli("mask", "--no-model", str(source))
    assert_quiet(masked, masked_output=True)
    assert_quiet(cli("unmask", "-", stdin=masked.out), stdout_may_hold_text=True)
    assert_quiet(cli("detect", "--no-model", str(source)))
    assert_quiet(cli("detect", "--no-model", "--json", str(source)), stdout_may_hold_text=True)
    assert_quiet(
        cli("detect", "--no-model", "--jsonl", stdin=json.dumps(CANARY_TEXT) + "\n"), stdout_may_hold_text=True
    )
    assert_quiet(cli("vault", "list"))
    assert_quiet(cli("vault", "status"))
    assert_quiet(cli("vault", "forget", "<Email_1>"))
    report = tmp_path / "reports" / "eval.md"
    assert_quiet(cli("eval", str(memprivacy_with_canaries(tmp_path)), "--detector", "rules", "--report", str(report)))
    assert_nothing_kept(home, private_tmp, logs, report, report.with_suffix(".json"), report.with_suffix(".png"))
    assert (home / "data" / "vault.db").is_file()  # the vault was there to be scanned
    assert no_network.calls == []


def test_failures_leak_nothing(cli: Cli, home: Path, tmp_path: Path, private_tmp: Path, logs: RecordedLogs) -> None:
    """Error paths quote no input: a refused input, a damaged model, a damaged vault, a malformed JSONL line."""
    bad_model = tmp_path / "bad.gguf"
    bad_model.write_bytes(b"GGUF\x03\x00\x00\x00" + CANARY_TEXT.encode())
    results = [
        cli("mask", "--no-model", "-", stdin=CANARY_TEXT + "\x00"),
        cli("mask", "--model", str(bad_model), "-", stdin=CANARY_TEXT),
        cli("detect", "--no-model", "--jsonl", stdin=CANARY_TEXT + "\n" + json.dumps([CANARY_TEXT]) + "\n"),
    ]
    assert cli("mask", "--no-model", "-", stdin=CANARY_TEXT).code == 0
    vault = home / "data" / "vault.db"
    vault.write_bytes(vault.read_bytes()[:-100])
    results.append(cli("unmask", "-", stdin="<Email_1>"))
    assert [result.code for result in results] == [1, 1, 0, 1]
    for result in results:
        assert canary_hits(result.err) == [] and canary_hits(result.out) == []
    assert scan_tree(private_tmp) == {} and canary_hits("\n".join(logs.lines)) == []
    assert scan_tree(home) == {}


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_model_flows_leak_nothing(
    cli: Cli,
    home: Path,
    tmp_path: Path,
    private_tmp: Path,
    logs: RecordedLogs,
    no_network: NetworkAttempts,
    quiet_qwen3_gguf: Path,
) -> None:
    """llama.cpp on the quiet qwen3 (real Qwen tokenizer and template; it answers "[]" on every instruction set, where
    a free-running model could be cut off on one CPU and not another), quiet at the file-descriptor level, offline,
    and leaving nothing behind."""
    write_settings(home)
    source = tmp_path / "in.txt"
    source.write_text(CANARY_TEXT, encoding="utf-8")
    model = ("--model", str(quiet_qwen3_gguf), "--user-name", CANARY_NAME)
    masked = cli("mask", *model, str(source))
    assert_quiet(masked, masked_output=True)
    assert_quiet(cli("unmask", "-", stdin=masked.out), stdout_may_hold_text=True)
    assert_quiet(cli("detect", *model, str(source)))
    report = tmp_path / "reports" / "model.md"
    assert_quiet(
        cli(
            "eval",
            str(memprivacy_with_canaries(tmp_path)),
            "--detector",
            "both",
            "--model",
            str(quiet_qwen3_gguf),
            "--limit",
            "2",
            "--threads",
            "1",
            "--max-new-tokens",
            "256",
            "--report",
            str(report),
        )
    )
    assert_nothing_kept(home, private_tmp, logs, report, report.with_suffix(".json"))
    assert no_network.calls == []


def test_the_scan_would_see_a_leak(home: Path, private_tmp: Path) -> None:
    """A control: each canary, written plainly or as UTF-16, is found by the same scan."""
    for index, canary in enumerate(ALL_CANARIES):
        (home / f"plain-{index}.txt").write_text(f"…{canary}…", encoding="utf-8")
        (private_tmp / f"wide-{index}.bin").write_bytes(canary.encode("utf-16-le"))
    assert len(scan_tree(home)) == len(ALL_CANARIES) == len(scan_tree(private_tmp))
    assert all(canary_hits(canary) for canary in RULE_CANARIES)
    assert set(CANARY_MARKERS) >= {"CANARY", "Canarywood"}
