"""A separate process that masks and unmasks through the real vault, for the cross-process tests.

Run as ``python -m tests.vault.vault_worker COMMAND ...`` with the file-backed test keychain
(``PYTHON_KEYRING_BACKEND``). It drives the real `mask_text` / `unmask_text` with findings built from given values;
once ``cloakroom mask`` / ``cloakroom unmask`` accept ``--vault``, the tests can call those instead.

Commands:
    mask VAULT REQUEST_JSON RESULT_JSON     request: {"text": str, "findings": [[value, type, level], ...]}
    unmask VAULT TEXT_FILE RESULT_JSON
    loop VAULT ACK_FILE PREFIX              masks values PREFIX-0, PREFIX-1, ... until killed; after each mask
                                            returns, appends {"value", "placeholder"} as a JSON line to ACK_FILE
    churn VAULT RESULT_JSON SEED ROUNDS POOL GO_FILE
                                            opens the vault, writes RESULT_JSON.ready, waits for GO_FILE, then masks
                                            3 random values of a shared pool per round and records what it saw
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

from app.core.findings import Finding, finding_at
from app.core.masking import mask_text, unmask_text
from app.core.taxonomy import Level
from app.core.vault import open_vault


def findings_for(text: str, items: list[list[str | int]]) -> list[Finding]:
    """One finding at the first occurrence of each value (masking finds the other occurrences itself)."""
    findings = []
    for value, type_name, level in items:
        start = text.index(str(value))
        findings.append(finding_at(text, start, start + len(str(value)), str(type_name), Level(int(level)), "rules"))
    return findings


def mask(vault_path: str, request_path: str, result_path: str) -> None:
    request = json.loads(Path(request_path).read_text(encoding="utf-8"))
    with open_vault(vault_path) as vault:
        result = mask_text(request["text"], findings_for(request["text"], request["findings"]), vault)
    placeholders = {replacement.finding.text: replacement.placeholder for replacement in result.replacements}
    Path(result_path).write_text(json.dumps({"text": result.text, "placeholders": placeholders}), encoding="utf-8")


def unmask(vault_path: str, text_path: str, result_path: str) -> None:
    text = Path(text_path).read_text(encoding="utf-8")
    with open_vault(vault_path, create=False) as vault:
        result = unmask_text(text, vault)
    Path(result_path).write_text(json.dumps({"text": result.text, "unresolved": list(result.unresolved)}), "utf-8")


def loop(vault_path: str, ack_path: str, prefix: str) -> None:
    with open_vault(vault_path) as vault, open(ack_path, "a", encoding="utf-8") as acks:
        number = 0
        while True:
            value = f"{prefix}-{number}@example.org"
            text = f"Write to {value} today."
            result = mask_text(text, findings_for(text, [[value, "Email", 2]]), vault)
            acks.write(json.dumps({"value": value, "placeholder": result.replacements[0].placeholder}) + "\n")
            acks.flush()  # the test kills this process with SIGKILL: the line must be in the OS, not our buffer
            number += 1


def churn(vault_path: str, result_path: str, seed: str, rounds: str, pool: str, go_file: str) -> None:
    chooser = random.Random(int(seed))
    values = [f"Person Number{index:03d}" for index in range(int(pool))]
    seen: dict[str, list[str]] = {}
    with open_vault(vault_path) as vault:
        Path(result_path + ".ready").touch()
        while not Path(go_file).exists():  # both workers start masking together, so their writes interleave
            time.sleep(0.005)
        for _ in range(int(rounds)):
            chosen = chooser.sample(values, 3)
            text = "Met " + ", ".join(chosen) + "."
            result = mask_text(text, findings_for(text, [[value, "Real Name", 2] for value in chosen]), vault)
            for replacement in result.replacements:
                seen.setdefault(replacement.finding.text, []).append(replacement.placeholder)
            restored = unmask_text(result.text, vault)
            if restored.text != text:
                raise SystemExit("a masked text did not unmask to itself")
    Path(result_path).write_text(json.dumps(seen), encoding="utf-8")


COMMANDS = {"mask": mask, "unmask": unmask, "loop": loop, "churn": churn}

if __name__ == "__main__":
    COMMANDS[sys.argv[1]](*sys.argv[2:])
