"""The catalog's content, the hardware probes and the recommendation rule."""

from __future__ import annotations

import dataclasses

import pytest

from app.core.errors import ConfigError
from app.core.model_files.catalog import load_catalog
from app.core.model_files.hardware import (
    GIB,
    GpuInfo,
    HardwareInfo,
    detect_hardware,
    free_physical_cores,
    nvidia_gpus,
    parse_meminfo,
    parse_nvidia_smi,
    physical_core_count,
    ram_bytes,
    recommend,
)
from app.core.model_files.quantize import parse_quantization

CPU_ONLY = HardwareInfo(
    total_ram_bytes=16 * GIB, available_ram_bytes=12 * GIB, physical_cores=4, logical_cores=8,
    free_physical_cores=4, gpus=(), gpu_offload_supported=False,
)  # fmt: skip


def test_catalog_lists_both_official_models_with_what_the_app_needs() -> None:
    catalog = load_catalog()
    large, small = catalog.find("4b"), catalog.find("1.7B")
    assert large.repo == "IAAR-Shanghai/MemPrivacy-4B-RL" and large.default
    assert small.repo == "IAAR-Shanghai/MemPrivacy-1.7B-RL"
    assert catalog.default_model() is large
    for model in (large, small):
        assert model.architecture == "qwen3"
        assert model.licence.spdx == "CC-BY-NC-ND-4.0" and "non-commercial" in model.licence.summary
        parse_quantization(model.recommended_quantization)
        assert model.expected_gguf_size("Q4_K_M") < model.expected_gguf_size("Q8_0") < model.expected_gguf_size("F16")
    assert large.expected_gguf_size("Q4_K_M") == 2_500_000_000
    assert large.min_ram_gb > small.min_ram_gb
    assert large.gguf_filename("q4_k_m") == "MemPrivacy-4B-RL-Q4_K_M.gguf"
    assert catalog.find("IAAR-Shanghai/MemPrivacy-4B-RL") is large
    with pytest.raises(ConfigError, match=r"4b, 1.7b"):
        catalog.find("70b")


def test_catalog_holds_the_official_prompt_facts() -> None:
    spec = load_catalog().prompt()
    assert spec.size == 12_691
    assert spec.git_blob_id == "9b7a95d6d7e836ffd8c99e71c9478138a0e72c21"
    assert spec.url.endswith("/src/prompts/extract_privacy.txt")


def test_meminfo_and_nvidia_smi_parsing() -> None:
    assert parse_meminfo("MemTotal:       16303488 kB\nMemFree: 1 kB\nMemAvailable:    8151744 kB\n") == (
        16303488 * 1024,
        8151744 * 1024,
    )
    gpus = parse_nvidia_smi("NVIDIA GeForce RTX 3060, 12288, 11000\nbroken line\n")
    assert gpus == [GpuInfo("NVIDIA GeForce RTX 3060", 12288 * 1024**2, 11000 * 1024**2, "nvidia")]


def test_a_missing_nvidia_smi_means_no_gpu() -> None:
    def absent(_command: object) -> str:
        raise FileNotFoundError("nvidia-smi")

    assert nvidia_gpus(absent) == []


def test_this_machine_is_probed_sensibly() -> None:
    total, available = ram_bytes()
    assert total is not None and total > 512 * 1024**2
    assert available is not None and 0 < available <= total
    physical = physical_core_count()
    assert 1 <= physical <= (len(__import__("os").sched_getaffinity(0)))
    assert 1 <= free_physical_cores(sample_seconds=0.05) <= physical
    info = detect_hardware(runner=lambda _command: "", sample_seconds=0.05)
    assert info.gpus == () and info.physical_cores == physical


@pytest.mark.parametrize(
    ("changes", "size", "quantization", "use_gpu"),
    [
        ({}, "4b", "Q4_K_M", False),
        ({"total_ram_bytes": int(7.6 * GIB)}, "4b", "Q4_K_M", False),  # an "8 GB" machine
        ({"total_ram_bytes": 6 * GIB}, "1.7b", "Q4_K_M", False),
        ({"gpus": (GpuInfo("big", 24 * GIB, 20 * GIB, "nvidia"),), "gpu_offload_supported": True}, "4b", "Q8_0", True),
        ({"gpus": (GpuInfo("mid", 6 * GIB, 6 * GIB, "nvidia"),), "gpu_offload_supported": True}, "4b", "Q4_K_M", True),
        (
            {"gpus": (GpuInfo("small", 4 * GIB, 3 * GIB, "nvidia"),), "gpu_offload_supported": True},
            "4b",
            "Q4_K_M",
            False,
        ),
    ],
)
def test_recommendation_rule(changes: dict[str, object], size: str, quantization: str, use_gpu: bool) -> None:
    advice = recommend(dataclasses.replace(CPU_ONLY, **changes), load_catalog())
    assert (advice.model.size, advice.quantization, advice.use_gpu) == (size, quantization, use_gpu)
    assert advice.reason


def test_little_memory_and_an_unusable_gpu_give_warnings() -> None:
    advice = recommend(dataclasses.replace(CPU_ONLY, total_ram_bytes=2 * GIB), load_catalog())
    assert advice.model.size == "1.7b" and any("may not fit" in warning for warning in advice.warnings)
    unusable = dataclasses.replace(CPU_ONLY, gpus=(GpuInfo("big", 24 * GIB, 24 * GIB, "nvidia"),))
    advice = recommend(unusable, load_catalog())
    assert not advice.use_gpu and any("no GPU backend" in warning for warning in advice.warnings)
