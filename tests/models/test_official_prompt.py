"""Fetching the official prompt: accepted only when it is byte-for-byte the known file; nothing stored otherwise.

The real template may not be copied into this repository (CC BY-NC-ND), so the accepted case uses a stand-in file
and a spec made from it; the rejections run against the real spec from the catalog.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from pathlib import Path

import pytest

from app.cli import main
from app.core.model_files import official_prompt
from app.core.model_files.catalog import PromptSpec, load_catalog
from app.core.model_files.download_checks import git_blob_id
from app.core.model_files.errors import DownloadError, PromptVerificationError
from app.core.model_files.official_prompt import fetch_official_prompt, is_installed, official_prompt_path
from app.core.paths import app_paths
from tests.helpers.fake_hub import FakeHub
from tests.helpers.files import files_in

STAND_IN = ("Instructions {{braces}} for {real_name}.\n" * 40 + "Input: {input_dialogue_content}\n").encode()


def spec_for(data: bytes, url: str, *fallbacks: str, variant: str = "repository") -> PromptSpec:
    return dataclasses.replace(
        load_catalog().prompt(variant),
        url=url,
        fallback_urls=fallbacks,
        size=len(data),
        git_blob_id=git_blob_id(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def test_the_stored_file_is_where_the_official_profile_looks(isolated_home: Path) -> None:
    from app.core.prompt_names import official_template_path

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
    command = ["model", "fetch-prompt", "--variant", "repository", "--url", f"{hub.url}/raw/extract_privacy.txt"]
    assert main(command) == 1
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
    monkeypatch.setattr(official_prompt, "official_prompt_specs", lambda: (spec,))
    assert main(["model", "fetch-prompt"]) == 0
    assert "Stored the verified official prompt" in capsys.readouterr().out
    assert official_prompt_path().read_bytes() == STAND_IN
    assert main(["model", "fetch-prompt"]) == 0
    assert "already installed" in capsys.readouterr().out
    assert len(hub.gets("/raw/")) == 1


def test_the_download_address_is_pinned_to_a_commit() -> None:
    for spec in load_catalog().prompts:
        assert re.fullmatch(r"https://raw\.githubusercontent\.com/MemTensor/MemPrivacy/[0-9a-f]{40}/.+", spec.url)
        assert "/HEAD/" not in spec.url and spec.urls[0] == spec.url
    assert {spec.variant for spec in load_catalog().prompts} == {"repository", "benchmark"}


def test_the_default_branch_is_tried_only_when_the_pinned_file_cannot_be_had(hub: FakeHub) -> None:
    hub.raw["fallback.txt"] = STAND_IN
    spec = spec_for(STAND_IN, f"{hub.url}/raw/moved.txt", f"{hub.url}/raw/fallback.txt")
    assert fetch_official_prompt(spec=spec).read_bytes() == STAND_IN
    assert [request.path for request in hub.gets("/raw/")] == ["/raw/moved.txt", "/raw/fallback.txt"]
    hub.raw["moved.txt"] = STAND_IN
    fetch_official_prompt(spec=spec)
    assert hub.gets("/raw/")[-1].path == "/raw/moved.txt"  # the pinned file, once there, is all that is asked


def test_each_variant_is_stored_under_its_own_name(hub: FakeHub, monkeypatch: pytest.MonkeyPatch) -> None:
    other = STAND_IN + b"(the evaluation's form)\n"
    hub.raw["repo.txt"], hub.raw["eval.txt"] = STAND_IN, other
    specs = (
        spec_for(STAND_IN, f"{hub.url}/raw/repo.txt"),
        spec_for(other, f"{hub.url}/raw/eval.txt", variant="benchmark"),
    )
    monkeypatch.setattr(official_prompt, "official_prompt_specs", lambda: specs)
    assert official_prompt.missing_official_prompts() == list(specs)
    stored = official_prompt.fetch_missing_official_prompts()
    assert [path.name for path in stored] == ["extract_privacy.txt", "extract_privacy.eval.txt"]
    assert official_prompt.missing_official_prompts() == []


def test_using_a_memprivacy_model_fetches_its_prompt_and_shows_the_licence(
    hub: FakeHub,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tiny_qwen3_gguf: Path,
    tmp_path: Path,
) -> None:
    hub.raw["extract_privacy.txt"] = STAND_IN
    spec = spec_for(STAND_IN, f"{hub.url}/raw/extract_privacy.txt")
    monkeypatch.setattr(official_prompt, "official_prompt_specs", lambda: (spec,))
    other = tmp_path / "some-model.gguf"
    other.write_bytes(tiny_qwen3_gguf.read_bytes())
    assert main(["model", "use", str(other), "--no-load-check"]) == 0
    assert hub.gets("/raw/") == []  # not a MemPrivacy model: nothing fetched unasked
    assert "Cloakroom's own" in _prompt_line(capsys, other)

    model = tmp_path / "MemPrivacy-4B-RL-Q4_K_M.gguf"
    model.write_bytes(tiny_qwen3_gguf.read_bytes())
    assert main(["model", "use", str(model), "--no-load-check"]) == 0
    captured = capsys.readouterr()
    assert "NonCommercial" in captured.err and "now runs with it" in captured.out
    assert official_prompt_path().read_bytes() == STAND_IN


def test_a_failed_prompt_fetch_does_not_undo_getting_the_model(
    hub: FakeHub,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tiny_qwen3_gguf: Path,
    tmp_path: Path,
) -> None:
    spec = spec_for(STAND_IN, f"{hub.url}/raw/missing.txt")
    monkeypatch.setattr(official_prompt, "official_prompt_specs", lambda: (spec,))
    model = tmp_path / "MemPrivacy-1.7B-RL-Q4_K_M.gguf"
    model.write_bytes(tiny_qwen3_gguf.read_bytes())
    assert main(["model", "use", str(model), "--no-load-check"]) == 0
    err = capsys.readouterr().err
    assert "warning:" in err and "404" in err and "fetch-prompt" in err
    assert not official_prompt_path().exists()


def _prompt_line(capsys: pytest.CaptureFixture[str], path: Path) -> str:
    capsys.readouterr()
    assert main(["model", "info", str(path), "--no-load-check"]) == 0
    return next(line for line in capsys.readouterr().out.splitlines() if "Prompt in use:" in line)
