"""What an evaluation report says about the model and the machine: the figures speed depends on."""

from __future__ import annotations

import platform
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ModelInfo:
    file_name: str
    path: str
    size_bytes: int
    sha256: str
    quantization: str
    architecture: str
    name: str | None
    device: str
    n_gpu_layers: int
    n_threads: int
    n_ctx: int
    max_new_tokens: int | None
    notice: str | None

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def describe_machine() -> dict[str, Any]:
    """Operating system, CPU, memory, GPUs and the llama.cpp build: what speed figures depend on."""
    from app.core.model_files.hardware import detect_hardware

    hardware = detect_hardware()
    info: dict[str, Any] = {
        "system": platform.platform(),
        "python": platform.python_version(),
        "cpu": _cpu_name(),
        "physical_cores": hardware.physical_cores,
        "logical_cores": hardware.logical_cores,
        "ram_bytes": hardware.total_ram_bytes,
        "gpus": [gpu.name for gpu in hardware.gpus],
        "llama_cpp_gpu_offload": hardware.gpu_offload_supported,
    }
    try:
        import llama_cpp

        info["llama_cpp_python"] = llama_cpp.__version__
    except ImportError:
        info["llama_cpp_python"] = None
    return info


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()
