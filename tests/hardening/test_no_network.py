"""Every mask, unmask, detect, vault and eval path runs with the network refused: creating any socket, resolving
any name or connecting raises, and every attempt is recorded (so code that swallowed the error is caught too).
Only the downloads a person asks for (`cloakroom model download`, `model fetch-prompt`) may use the network; their
tests use a local fake hub (tests/models/).

Threat model: "Leaks" — no network.
"""

from __future__ import annotations

import json
import socket
import urllib.request
from pathlib import Path

import pytest

from tests.helpers.canaries import CANARY_TEXT
from tests.helpers.cli import Cli, write_settings
from tests.helpers.eval_data import MEMPRIVACY_USERS, PRESIDIO_RECORDS
from tests.helpers.network import NetworkAttempts, NetworkBlocked


@pytest.fixture
def datasets(tmp_path: Path) -> dict[str, Path]:
    memprivacy = tmp_path / "dialogues.jsonl"
    memprivacy.write_text("".join(json.dumps(user) + "\n" for user in MEMPRIVACY_USERS), encoding="utf-8")
    presidio = tmp_path / "synth.json"
    presidio.write_text(json.dumps(PRESIDIO_RECORDS), encoding="utf-8")
    return {"memprivacy": memprivacy, "presidio": presidio}


def test_the_block_is_real(no_network: NetworkAttempts) -> None:
    """A control: an ordinary connection attempt fails and is recorded, so a passing flow below means something."""
    with pytest.raises(OSError, match="forbids it"):  # urllib wraps it in a URLError, an OSError too
        urllib.request.urlopen("http://127.0.0.1:9/", timeout=1)
    with pytest.raises(NetworkBlocked):
        socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    assert no_network.calls == ["socket.create_connection", "socket.socket"]


def test_rules_flows_need_no_network(
    cli: Cli, no_network: NetworkAttempts, tmp_path: Path, datasets: dict[str, Path]
) -> None:
    source = tmp_path / "in.txt"
    source.write_text(CANARY_TEXT, encoding="utf-8")
    masked = cli("mask", "--no-model", str(source))
    assert masked.code == 0, masked.err
    assert cli("unmask", "-", stdin=masked.out).out == CANARY_TEXT
    lines = json.dumps(CANARY_TEXT) + "\n" + json.dumps("nothing here") + "\n"
    for argv, stdin in [
        (("detect", "--no-model", str(source)), ""),
        (("detect", "--no-model", "--json", str(source)), ""),
        (("detect", "--no-model", "--jsonl"), lines),
        (("mask", "--no-model", "--no-vault", "-"), CANARY_TEXT),
        (("vault", "status"), ""),
        (("vault", "list"), ""),
        (("eval", str(datasets["memprivacy"]), "--detector", "rules", "--report", str(tmp_path / "r1.md")), ""),
        (("eval", str(datasets["presidio"]), "--detector", "rules"), ""),
    ]:
        result = cli(*argv, stdin=stdin)
        assert result.code == 0, (argv, result.err)
    assert no_network.calls == []


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_model_flows_need_no_network(
    cli: Cli, no_network: NetworkAttempts, quiet_qwen3_gguf: Path, home: Path, tmp_path: Path, datasets: dict[str, Path]
) -> None:
    write_settings(home)
    source = tmp_path / "in.txt"
    source.write_text(CANARY_TEXT, encoding="utf-8")
    model = ("--model", str(quiet_qwen3_gguf))
    for argv in [
        ("mask", *model, str(source)),
        ("detect", *model, "--json", str(source)),
        (
            "eval",
            str(datasets["memprivacy"]),
            "--detector",
            "both",
            *model,
            "--limit",
            "2",
            "--threads",
            "1",
            "--max-new-tokens",
            "256",
            "--report",
            str(tmp_path / "model.md"),
        ),
    ]:
        result = cli(*argv)
        assert result.code == 0, (argv[0], result.err)
    assert no_network.calls == []
