"""Loading with GPU offload and the CPU fallback, thread choice, memory, and unloading after idle time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import llama_cpp
import pytest

from app.core.model_files.errors import InvalidModelFile, ModelLoadError
from app.core.model_files.hardware import physical_core_count
from app.core.model_files.runtime import CPU_OPTIONS, IdleTracker, LoadedModel, ModelKeeper, load_model

QUIET = {"n_ctx": 256, "n_threads": 1, "n_threads_batch": 1}


class GpuFailsFactory:
    """Builds a real `Llama`, except that any request for GPU layers fails as an out-of-memory GPU load would."""

    def __init__(self) -> None:
        self.calls: list[int] = []
        self.options: list[dict[str, Any]] = []

    def __call__(self, **kwargs: Any) -> llama_cpp.Llama:
        self.calls.append(kwargs["n_gpu_layers"])
        self.options.append(kwargs)
        if kwargs["n_gpu_layers"] != 0:
            raise ValueError("Failed to load model: CUDA error: out of memory")
        return llama_cpp.Llama(**kwargs)


def test_gpu_failure_falls_back_to_the_cpu_and_says_so(tiny_qwen3_gguf: Path) -> None:
    factory = GpuFailsFactory()
    loaded = load_model(tiny_qwen3_gguf, **QUIET, llama_factory=factory, gpu_offload=True)
    try:
        assert factory.calls == [-1, 0]
        assert "use_mmap" not in factory.options[0]  # the GPU load keeps llama.cpp's mapping
        assert loaded.fell_back_to_cpu and not loaded.on_gpu and loaded.device == "CPU"
        assert loaded.notice is not None and "out of memory" in loaded.notice and "CPU" in loaded.notice
        answer = loaded.llama.create_completion("Hi", max_tokens=2, temperature=0.0)
        assert answer["usage"]["completion_tokens"] >= 1
    finally:
        loaded.close()


def test_without_gpu_support_the_cpu_is_used_without_trying_the_gpu(tiny_qwen3_gguf: Path) -> None:
    factory = GpuFailsFactory()
    loaded = load_model(tiny_qwen3_gguf, **QUIET, llama_factory=factory, gpu_offload=False)
    try:
        assert factory.calls == [0]
        assert not loaded.fell_back_to_cpu
        assert loaded.notice is not None and "no GPU support" in loaded.notice
    finally:
        loaded.close()


def test_a_cpu_load_reads_the_file_and_uses_small_micro_batches_unless_told_otherwise(tiny_qwen3_gguf: Path) -> None:
    factory = GpuFailsFactory()
    loaded = load_model(tiny_qwen3_gguf, **QUIET, llama_factory=factory, gpu_offload=False)
    try:
        assert factory.options[0]["use_mmap"] is False
        assert llama_cpp.llama_n_ubatch(loaded.llama.ctx) == CPU_OPTIONS["n_ubatch"]
    finally:
        loaded.close()
    chosen = load_model(tiny_qwen3_gguf, **QUIET, llama_factory=factory, gpu_offload=False, n_ubatch=64, use_mmap=True)
    try:
        assert factory.options[1]["use_mmap"] is True
        assert llama_cpp.llama_n_ubatch(chosen.llama.ctx) == 64
    finally:
        chosen.close()


def test_this_build_reports_its_gpu_support_and_loads(tiny_qwen3_gguf: Path) -> None:
    loaded = load_model(tiny_qwen3_gguf, **QUIET)
    try:
        assert loaded.on_gpu == bool(llama_cpp.llama_supports_gpu_offload())
        assert not loaded.fell_back_to_cpu
        assert (loaded.n_threads, loaded.n_threads_batch, loaded.n_ctx) == (1, 1, 256)
        memory = loaded.memory()
        assert memory.weights_bytes is not None and memory.weights_bytes > 1_000_000
        assert memory.kv_cache_bytes == 256 * 2 * 2 * (16 + 16) * 2
        assert memory.process_bytes is not None and memory.process_bytes > memory.weights_bytes
    finally:
        loaded.close()


def test_when_the_cpu_load_fails_too_the_error_is_one_sentence(tiny_qwen3_gguf: Path) -> None:
    def always_fails(**_kwargs: Any) -> llama_cpp.Llama:
        raise ValueError("Failed to load model from file")

    with pytest.raises(ModelLoadError, match=r"llama.cpp could not load"):
        load_model(tiny_qwen3_gguf, **QUIET, llama_factory=always_fails, gpu_offload=True)


def test_a_damaged_file_is_reported_before_llama_cpp_sees_it(tmp_path: Path) -> None:
    path = tmp_path / "broken.gguf"
    path.write_bytes(b"GGUF\x03\x00\x00\x00")
    factory = GpuFailsFactory()
    with pytest.raises(InvalidModelFile):
        load_model(path, **QUIET, llama_factory=factory)
    assert factory.calls == []


def test_threads_default_to_free_physical_cores(tiny_qwen3_gguf: Path) -> None:
    seen: dict[str, Any] = {}

    def recording_factory(**kwargs: Any) -> Any:
        seen.update(kwargs)
        return object()

    loaded = load_model(tiny_qwen3_gguf, n_ctx=256, llama_factory=recording_factory, gpu_offload=False)
    assert 1 <= seen["n_threads"] <= physical_core_count()
    assert seen["n_threads_batch"] == seen["n_threads"]
    assert seen["verbose"] is False
    assert loaded.n_threads == seen["n_threads"]


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_idle_tracker_counts_from_the_last_use() -> None:
    clock = FakeClock()
    tracker = IdleTracker(unload_after_minutes=5, clock=clock)
    clock.now += 299
    assert not tracker.is_idle() and tracker.seconds_until_idle() == pytest.approx(1)
    tracker.touch()
    clock.now += 299
    assert not tracker.is_idle()
    clock.now += 1
    assert tracker.is_idle()
    tracker.set_timeout(0)
    assert not tracker.is_idle() and tracker.seconds_until_idle() is None


def test_keeper_loads_on_use_and_unloads_when_idle(tiny_qwen3_gguf: Path) -> None:
    clock = FakeClock()
    loads: list[LoadedModel] = []

    def loader() -> LoadedModel:
        loads.append(load_model(tiny_qwen3_gguf, **QUIET, gpu_offload=False))
        return loads[-1]

    keeper = ModelKeeper(loader, unload_after_minutes=10, clock=clock)
    assert not keeper.loaded and keeper.memory() is None
    with keeper.use() as model:
        model.llama.create_completion("Hi", max_tokens=1)
    assert keeper.loaded and len(loads) == 1
    assert keeper.memory() is not None
    clock.now += 9 * 60
    assert not keeper.unload_if_idle() and keeper.loaded
    clock.now += 61
    with keeper.use():
        assert not keeper.unload_if_idle()  # never while in use, however long ago it started
    clock.now += 10 * 60
    assert keeper.unload_if_idle() and not keeper.loaded
    with keeper.use():
        pass
    assert len(loads) == 2
    assert keeper.unload() and not keeper.unload()


def test_keeper_never_unloads_when_the_setting_is_zero(tiny_qwen3_gguf: Path) -> None:
    clock = FakeClock()
    keeper = ModelKeeper(lambda: load_model(tiny_qwen3_gguf, **QUIET, gpu_offload=False), 0, clock)
    with keeper.use():
        pass
    clock.now += 10**6
    assert not keeper.unload_if_idle() and keeper.loaded
    keeper.unload()
