"""Fetching the official prompt: accepted only when it is byte-for-byte the known file; nothing stored otherwise.

The real template may not be copied into this repository (CC BY-NC-ND), so the accepted case uses a stand-in file
and a spec made from it; the rejections run against the real spec from the catalog.
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import pytest

from app.cli import main
from app.core.models import official_prompt
from app.core.models.catalog import PromptSpec, load_catalog
from app.core.models.download import git_blob_id
from app.core.models.errors import DownloadError, PromptVerificationError
from app.core.models.official_prompt import fetch_official_prompt, is_installed, official_prompt_path
from app.core.paths import app_paths
from tests.models.conftest import files_in
from tests.models.fake_hub import FakeHub

STAND_IN = ("Instructions {{braces}} for {real_name}.\n" * 40 + "Input: {input_dialogue_content}\n").encode()


def spec_for(data: bytes, url: str) -> PromptSpec:
    return dataclasses.replace(
        load_catalog().prompt(),
        url=url,
        size=len(data),
        git_blob_id=git_blob_id(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def test_the_stored_file_is_where_the_official_profile_looks(isolated_home: Path) -> None:
    from app.core.detectors.prompts import official_template_path

    assert official_prompt_path() == app_paths().prompts / "extract_privacy.txt" == official_template_path()


def test_a_verified_prompt_is_stored(hub: FakeHub) -> None:
    hub.raw["extract_privacy.txt"] = STAND_IN
    spec = spec_for(STAND_IN, f"{hub.url}/raw/extract_privacy.txt")
    events: list[tuple[str, int, int]] = []
    path = fetch_official_prompt(spec=spec, progress=lambda *event: events.append(event))
    assert path == official_prompt_path() and path.read_bytes() == STAND_IN
    assert events[-1] == ("download", len(STAND_IN), len(STAND_IN))
    assert is_installed(spec) and not is_installed()  # the stand-in is not the real file
    assert files_in(app_paths().prompts) == ["extract_privacy.txt"]


@pytest.mark.parametrize(
    ("served", "message"),
    [
        (b"x" * 100, "not the 12,691 of the official file"),
        (b"x" * 12_691, "git blob id differs"),
        (b"x" * 20_000, "not the 12,691 of the official file"),
    ],
)
def test_anything_else_is_refused_and_nothing_stored(hub: FakeHub, served: bytes, message: str) -> None:
    hub.raw["extract_privacy.txt"] = served
    with pytest.raises(PromptVerificationError, match=message):
        fetch_official_prompt(url=f"{hub.url}/raw/extract_privacy.txt")
    assert files_in(app_paths().prompts) == []


def test_the_sha256_is_checked_too(hub: FakeHub) -> None:
    hub.raw["p.txt"] = STAND_IN
    spec = dataclasses.replace(spec_for(STAND_IN, f"{hub.url}/raw/p.txt"), sha256="0" * 64)
    with pytest.raises(PromptVerificationError, match="SHA-256"):
        fetch_official_prompt(spec=spec)
    assert not official_prompt_path().exists()


def test_a_failed_fetch_keeps_an_earlier_verified_copy(hub: FakeHub) -> None:
    hub.raw["good.txt"] = STAND_IN
    spec = spec_for(STAND_IN, f"{hub.url}/raw/good.txt")
    fetch_official_prompt(spec=spec)
    with pytest.raises(DownloadError, match="404"):
        fetch_official_prompt(spec=spec, url=f"{hub.url}/raw/missing.txt")
    assert official_prompt_path().read_bytes() == STAND_IN


def test_cli_fetch_prompt_refuses_a_wrong_file_in_one_line(hub: FakeHub, capsys: pytest.CaptureFixture[str]) -> None:
    hub.raw["extract_privacy.txt"] = b"not the prompt"
    assert main(["model", "fetch-prompt", "--url", f"{hub.url}/raw/extract_privacy.txt"]) == 1
    captured = capsys.readouterr()
    assert "CC BY-NC-ND" in captured.err or "NonCommercial" in captured.err
    assert captured.err.splitlines()[-1].startswith("cloakroom: The fetched prompt has 14 bytes")
    assert "Traceback" not in captured.err
    assert not official_prompt_path().exists()


def test_cli_fetch_prompt_stores_a_verified_file(
    hub: FakeHub, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    hub.raw["extract_privacy.txt"] = STAND_IN
    spec = spec_for(STAND_IN, f"{hub.url}/raw/extract_privacy.txt")
    monkeypatch.setattr(official_prompt, "official_prompt_spec", lambda variant="repository": spec)
    assert main(["model", "fetch-prompt"]) == 0
    assert "Stored the verified official prompt" in capsys.readouterr().out
    assert official_prompt_path().read_bytes() == STAND_IN
    assert main(["model", "fetch-prompt"]) == 0
    assert "already installed" in capsys.readouterr().out
    assert len(hub.gets("/raw/")) == 1
