"""Faults while masking, through the real `cloakroom` command: SIGKILL mid-run and mid-write, a full disk, a read-only
data folder, a damaged vault, a damaged model file. Expected every time: a one-line message, a non-zero exit, nothing on
stdout, and no mapping lost — every masked text that was printed still unmasks, and each run's mappings are in the
vault all or none.

Threat model: "Faults". Covered elsewhere: kill -9 in a masking loop through the vault API
(tests/vault/test_vault_processes.py), wrong and missing keys, insecure keyrings, damaged vault headers
(tests/vault/test_vault_keys.py, test_vault_cli.py), damaged GGUF files and the GPU fallback (tests/models/).
"""

from __future__ import annotations

import os
import random
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.core.vault import open_vault
from app.core.vault.files import vault_files
from tests.helpers.cli import Cli, permissions_bind, run_cloakroom, start_cloakroom

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals, rlimits and permissions")


def addresses(prefix: str, count: int) -> list[str]:
    return [f"{prefix}.{index}@example.org" for index in range(count)]


def text_of(values: list[str]) -> str:
    return "Contacts: " + ", ".join(values) + "."


def stored_originals(vault_path: Path) -> set[str]:
    with open_vault(vault_path, create=False) as vault:
        return {mapping.original for mapping in vault}


def assert_one_clear_line(stderr: str) -> None:
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cloakroom: "), stderr


def unmasked(home: Path, keychain_file: Path, masked: str) -> str:
    done = run_cloakroom(home, keychain_file, "unmask", "-", stdin=masked)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_sigkill_during_cloakroom_mask_loses_no_printed_mapping(
    home: Path, keychain_file: Path, tmp_path: Path
) -> None:
    vault_path = home / "data" / "vault.db"
    first = text_of(addresses("first", 50))
    done = run_cloakroom(home, keychain_file, "mask", "--no-model", "-", stdin=first)
    assert done.returncode == 0, done.stderr
    printed: list[tuple[str, str]] = [(first, done.stdout)]
    killed: dict[str, list[str]] = {}
    killed_while_writing = 0
    printed_when_killed: list[list[str]] = []
    chooser = random.Random(7)
    for run in range(10):
        values = addresses(f"run{run}", 4000)
        source = tmp_path / f"run{run}.txt"
        source.write_text(text_of(values), encoding="utf-8")
        process = start_cloakroom(home, keychain_file, "mask", "--no-model", str(source))
        if run % 2:
            killed_while_writing += _wait_for_the_write(vault_path, process)  # kill as the write reaches the disk
        else:
            time.sleep(chooser.uniform(0.2, 2.5))  # kill anywhere: start-up, detection, the write, or after it
        process.send_signal(signal.SIGKILL)
        out, _ = process.communicate(timeout=60)
        if process.returncode == 0:
            printed.append((text_of(values), out))
        else:
            killed[f"run{run}"] = values
            if out:  # killed while exiting, after printing: the mapping was committed before the first byte
                printed_when_killed.append(values)
    stored = stored_originals(vault_path)  # the vault opens after every kill: no damage
    for text, masked in printed:
        assert unmasked(home, keychain_file, masked) == text
    for values in killed.values():
        assert len(stored.intersection(values)) in (0, len(values)), "a run's mappings were half saved"
    for values in printed_when_killed:
        assert stored.issuperset(values), "a killed run printed placeholders whose mappings were not saved"
    assert killed and killed_while_writing, "no run was killed while writing: the test would prove nothing"


def _wait_for_the_write(vault_path: Path, process: subprocess.Popen[str]) -> bool:
    """Wait until the write-ahead log grows (the masking transaction is being written): True; False if the process
    ended first."""
    wal = vault_path.with_name(vault_path.name + "-wal")
    start = _size_or_zero(wal)
    deadline = time.monotonic() + 60  # a bound on a hung process only
    while process.poll() is None and time.monotonic() < deadline:
        if _size_or_zero(wal) > start:
            return True
        time.sleep(0.001)
    return False


def _size_or_zero(path: Path) -> int:
    """The file's size, 0 when it is absent: SQLite deletes the log at a checkpoint, also between two looks at it."""
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


@pytest.mark.timeout(300)
def test_a_full_disk_fails_clearly_and_keeps_every_earlier_mapping(home: Path, keychain_file: Path) -> None:
    vault_path = home / "data" / "vault.db"
    earlier = addresses("earlier", 20)
    done = run_cloakroom(home, keychain_file, "mask", "--no-model", "-", stdin=text_of(earlier))
    assert done.returncode == 0, done.stderr
    before = {path.name: path.read_bytes() for path in vault_files(vault_path) if path.exists()}
    limit = max(len(data) for data in before.values()) + 8192

    def small_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))  # no file may grow past this: the disk is "full"

    later = addresses("later", 20000)
    full = run_cloakroom(home, keychain_file, "mask", "--no-model", "-", stdin=text_of(later), preexec=small_disk)
    assert full.returncode == 1 and full.stdout == ""
    assert_one_clear_line(full.stderr)
    assert "disk" in full.stderr or "full" in full.stderr
    assert stored_originals(vault_path) == set(earlier)
    assert unmasked(home, keychain_file, done.stdout) == text_of(earlier)


def test_a_read_only_data_folder_without_a_vault_is_refused_clearly(home: Path, keychain_file: Path) -> None:
    data = home / "data"
    data.mkdir(parents=True)
    data.chmod(0o500)
    try:
        done = run_cloakroom(
            home, keychain_file, "mask", "--no-model", "-", stdin="mail dana@example.org", preexec=permissions_bind
        )
    finally:
        data.chmod(0o700)
    assert done.returncode == 1 and done.stdout == ""
    assert_one_clear_line(done.stderr)
    assert "writable" in done.stderr and list(data.iterdir()) == []


def test_a_read_only_data_folder_with_a_vault_changes_nothing_and_loses_nothing(
    home: Path, keychain_file: Path
) -> None:
    data = home / "data"
    earlier = addresses("earlier", 5)
    first = run_cloakroom(home, keychain_file, "mask", "--no-model", "-", stdin=text_of(earlier))
    assert first.returncode == 0, first.stderr
    snapshot = {path.name: path.read_bytes() for path in data.iterdir()}
    data.chmod(0o500)
    try:
        again = run_cloakroom(
            home, keychain_file, "mask", "--no-model", "-", stdin=text_of(addresses("new", 3)), preexec=permissions_bind
        )
        back = run_cloakroom(home, keychain_file, "unmask", "-", stdin=first.stdout, preexec=permissions_bind)
    finally:
        data.chmod(0o700)
    for done in (again, back):
        assert done.returncode == 1 and done.stdout == ""
        assert_one_clear_line(done.stderr)
        assert "read-only" in done.stderr
    assert {path.name: path.read_bytes() for path in data.iterdir()} == snapshot
    assert unmasked(home, keychain_file, first.stdout) == text_of(earlier)


@pytest.mark.parametrize("damage", ["cut to a page boundary", "cut mid-page", "overwritten pages"])
def test_a_damaged_vault_is_reported_and_left_exactly_as_it_was(cli: Cli, home: Path, damage: str) -> None:
    assert cli("mask", "--no-model", "-", stdin=text_of(addresses("kept", 30))).code == 0
    vault_path = home / "data" / "vault.db"
    data = bytearray(vault_path.read_bytes())
    if damage == "cut to a page boundary":
        data = data[: len(data) // 2 // 4096 * 4096]
    elif damage == "cut mid-page":
        data = data[: len(data) - 1000]
    else:
        data[4096:12288] = os.urandom(8192)
    vault_path.write_bytes(bytes(data))
    for argv, stdin in ((("mask", "--no-model", "-"), "mail eve@example.org"), (("unmask", "-"), "<Email_1>")):
        result = cli(*argv, stdin=stdin)
        assert result.code == 1 and result.out == ""
        assert_one_clear_line(result.err)
        assert "damaged" in result.err
        assert vault_path.read_bytes() == bytes(data)


@pytest.mark.parametrize("kind", ["truncated", "truncated-header", "random", "empty", "html", "folder", "missing"])
def test_a_damaged_model_file_is_one_clear_line_and_masks_nothing(
    cli: Cli, tmp_path: Path, tiny_qwen3_gguf: Path, kind: str
) -> None:
    path = tmp_path / f"{kind}.gguf"
    good = tiny_qwen3_gguf.read_bytes()
    contents = {
        "truncated": good[: len(good) * 2 // 3],
        "truncated-header": good[:4096],
        "random": random.Random(3).randbytes(64 * 1024),
        "empty": b"",
        "html": b"<!DOCTYPE html><html><body>Repository not found</body></html>",
    }
    if kind == "folder":
        path.mkdir()
    elif kind != "missing":
        path.write_bytes(contents[kind])
    result = cli("mask", "--model", str(path), "--no-vault", "-", stdin="mail dana@example.org")
    assert result.code == 1 and result.out == ""
    assert_one_clear_line(result.err)
    assert path.name in result.err and "dana" not in result.err
