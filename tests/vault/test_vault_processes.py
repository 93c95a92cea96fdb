"""Real processes sharing one real vault: mask in one and unmask in another, two maskers at once, a masker killed
with SIGKILL, and no original value in any file the vault writes."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import sys
import time
from pathlib import Path

import pytest

from app.core.findings import finding_at
from app.core.masking import mask_text
from app.core.store import PlaceholderRequest
from app.core.taxonomy import Level
from app.core.vault import open_vault
from tests.helpers.vault import read_json, run_worker, start_worker

# Deliberately varied: ASCII, accents, Chinese, and a value with spaces that normalisation must keep together.
ORIGINALS = ["dana.reyes@example.org", "Zoë Ångström", "张伟", "+44 20 7946 0958", "hunter2-Secret!"]
TYPES = ["Email", "Real Name", "Real Name", "Phone Number", "Password"]
LEVELS = [2, 2, 2, 2, 4]


def request_file(tmp_path: Path, name: str, text: str, values: list[str]) -> Path:
    items = [[value, TYPES[ORIGINALS.index(value)], LEVELS[ORIGINALS.index(value)]] for value in values]
    path = tmp_path / name
    path.write_text(json.dumps({"text": text, "findings": items}), encoding="utf-8")
    return path


def test_mask_in_one_process_unmask_in_another(tmp_path: Path, vault_path: Path, keychain_file: Path) -> None:
    first_text = "Hi, I am Zoë Ångström (dana.reyes@example.org), my password is hunter2-Secret!."
    run_worker(
        keychain_file,
        "mask",
        str(vault_path),
        str(
            request_file(
                tmp_path, "one.json", first_text, ["Zoë Ångström", "dana.reyes@example.org", "hunter2-Secret!"]
            )
        ),
        str(tmp_path / "one-out.json"),
    )
    first = read_json(tmp_path / "one-out.json")
    assert not any(value in first["text"] for value in ORIGINALS)

    second_text = "Call 张伟 on +44 20 7946 0958 or write to dana.reyes@example.org."
    run_worker(
        keychain_file,
        "mask",
        str(vault_path),
        str(request_file(tmp_path, "two.json", second_text, ["张伟", "+44 20 7946 0958", "dana.reyes@example.org"])),
        str(tmp_path / "two-out.json"),
    )
    second = read_json(tmp_path / "two-out.json")
    assert second["placeholders"]["dana.reyes@example.org"] == first["placeholders"]["dana.reyes@example.org"]

    answer = f"Sure! {first['text']}\nAlso: {second['text'].replace('<Email_1>', 'Email_1')}"
    (tmp_path / "answer.txt").write_text(answer, encoding="utf-8")
    run_worker(keychain_file, "unmask", str(vault_path), str(tmp_path / "answer.txt"), str(tmp_path / "restored.json"))
    restored = read_json(tmp_path / "restored.json")
    assert restored == {"text": f"Sure! {first_text}\nAlso: {second_text}", "unresolved": []}


def test_two_processes_masking_at_once(tmp_path: Path, vault_path: Path, keychain_file: Path) -> None:
    pool, rounds = 60, 150
    go = tmp_path / "go"
    workers = [
        start_worker(
            keychain_file,
            "churn",
            str(vault_path),
            str(tmp_path / f"seen-{seed}.json"),
            str(seed),
            str(rounds),
            str(pool),
            str(go),
        )
        for seed in (1, 2)
    ]
    deadline = time.monotonic() + 120  # only a bound on a hung worker; nothing is timed
    while not all((tmp_path / f"seen-{seed}.json.ready").exists() for seed in (1, 2)):
        assert all(worker.poll() is None for worker in workers), [worker.communicate()[1] for worker in workers]
        assert time.monotonic() < deadline, "the workers did not start"
        time.sleep(0.01)
    go.touch()
    for worker in workers:
        _, errors = worker.communicate(timeout=180)
        assert worker.returncode == 0, errors
    seen: dict[str, set[str]] = {}
    for seed in (1, 2):
        for value, placeholders in read_json(tmp_path / f"seen-{seed}.json").items():
            seen.setdefault(value, set()).update(placeholders)
    assert all(len(placeholders) == 1 for placeholders in seen.values()), "one value got two placeholders"
    placeholder_of = {value: next(iter(placeholders)) for value, placeholders in seen.items()}
    assert len(set(placeholder_of.values())) == len(placeholder_of), "two values got one placeholder"
    with open_vault(vault_path) as vault:
        stored = {mapping.original: mapping.placeholder for mapping in vault}
    assert stored == placeholder_of  # nothing lost, nothing extra


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_killed_mid_loop_loses_nothing_that_was_returned(tmp_path: Path, vault_path: Path, keychain_file: Path) -> None:
    acks = tmp_path / "acks.jsonl"
    acks.touch()
    worker = start_worker(keychain_file, "loop", str(vault_path), str(acks), "victim")
    try:
        deadline = time.monotonic() + 120  # only a bound on a hung worker; nothing is timed
        while acks.read_text(encoding="utf-8").count("\n") < 40:
            assert worker.poll() is None, worker.communicate()[1]
            assert time.monotonic() < deadline, "the worker did not make progress"
            time.sleep(0.02)
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.communicate()
    returned = [json.loads(line) for line in acks.read_text(encoding="utf-8").splitlines() if line.endswith("}")]
    assert len(returned) >= 40
    with open_vault(vault_path) as vault:
        found = vault.lookup([f"email_{number}" for number in range(1, len(returned) + 50)])
        by_placeholder = {mapping.placeholder: mapping.original for mapping in found.values()}
        for ack in returned:
            assert by_placeholder[ack["placeholder"]] == ack["value"]
        assert vault.assign([PlaceholderRequest("after@example.org", "Email", Level.PL2, "rules")])


def _files_of(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.iterdir() if path.is_file()}


def _encodings(value: str) -> list[bytes]:
    return [value.encode("utf-8"), value.encode("utf-16-le"), value.encode("utf-16-be")]


def test_no_original_in_any_vault_file(vault_path: Path, tmp_path: Path) -> None:
    text = " ".join(ORIGINALS) + " and again dana.reyes@example.org"
    findings = []
    for value, type_name, level in zip(ORIGINALS, TYPES, LEVELS, strict=False):
        start = text.index(value)
        findings.append(finding_at(text, start, start + len(value), type_name, Level(level), "rules"))
    with open_vault(vault_path) as vault:
        mask_text(text, findings, vault)
        vault.set_real_name("Zoë Ångström")
        vault.set_allow_list(["hunter2-Secret!"])
        during = _files_of(vault_path.parent)
        assert during.get("vault.db-wal"), "the session should have left pages in the WAL to scan"
    after = _files_of(vault_path.parent)

    for files in (during, after):
        for name, content in files.items():
            for value in ORIGINALS:
                assert not any(encoded in content for encoded in _encodings(value)), f"an original is in {name}"

    # The scan would see a value stored in the clear: the same rows in a plain SQLite file contain them.
    control = tmp_path / "plain.db"
    with sqlite3.connect(control) as plain:
        plain.execute("CREATE TABLE t (original TEXT)")
        plain.executemany("INSERT INTO t VALUES (?)", [(value,) for value in ORIGINALS])
    assert all(value.encode("utf-8") in control.read_bytes() for value in ORIGINALS)
