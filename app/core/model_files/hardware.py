"""What this machine has (memory, cores, GPUs) and which model and quantization suit it.

Two facts shape the choices here. llama.cpp's worker threads spin while they wait, so running more threads than there
are *free physical* cores (hyper-threads share a core; a build in the background takes cores) slows it down many
times instead of speeding it up: the default thread count is the free physical cores, never the logical count.
And a model only runs well when its weights plus KV cache fit in memory with room to spare.

Recommendation rule (``recommend``), first match wins — documented here because the setup wizard quotes it:

1. A GPU llama.cpp can use (its build has a GPU backend) with at least 8 GB of memory free for it:
   4B at Q8_0, all layers on the GPU (Q8_0 is closest to the original and a GPU has the bandwidth for it).
2. Such a GPU with at least 5 GB: 4B at Q4_K_M on the GPU.
3. Total RAM at least the 4B's ``min_ram_gb`` (8 GB): 4B at Q4_K_M on the CPU (on a CPU, memory bandwidth rules
   speed, so the smaller Q4_K_M is both fast and close to Q8_0 in quality).
4. Total RAM at least the 1.7B's ``min_ram_gb`` (4 GB): 1.7B at Q4_K_M.
5. Less: 1.7B at Q4_K_M with a warning that it may not fit alongside other programs.

GPU sizes are GiB of free GPU memory (total where free is unknown). RAM thresholds come from the catalog and allow
10% less, because a machine sold as "8 GB" reports a little under 8 GiB to the system. Q4_K_M of the 4B needs about
2.5 GB of weights plus the KV cache (144 KiB per token in f16: 1.2 GB at the default 8k context) plus the app.

On Apple silicon the GPU shares the RAM (unified memory); about two thirds of it counts as GPU memory, which is what
macOS lets Metal use by default.
"""

from __future__ import annotations

import ctypes
import math
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.core.model_files.backends import load_backends
from app.core.model_files.catalog import Catalog, CatalogModel
from app.core.model_files.gguf_info import format_bytes

GIB = 1024**3
GPU_LARGE_GB = 8
GPU_SMALL_GB = 5
APPLE_UNIFIED_GPU_SHARE = 2 / 3
NVIDIA_SMI_TIMEOUT_S = 5
RAM_TOLERANCE = 0.9  # an "8 GB" machine reports a little less than 8 GiB to the system


@dataclass(frozen=True)
class GpuInfo:
    name: str
    total_bytes: int
    free_bytes: int | None
    kind: str  # "nvidia" or "apple-unified"


@dataclass(frozen=True)
class HardwareInfo:
    total_ram_bytes: int | None
    available_ram_bytes: int | None
    physical_cores: int
    logical_cores: int
    free_physical_cores: int
    gpus: tuple[GpuInfo, ...]
    gpu_offload_supported: bool

    @property
    def best_gpu_bytes(self) -> int:
        """Memory of the roomiest GPU, free memory where it is known."""
        sizes = [gpu.free_bytes if gpu.free_bytes is not None else gpu.total_bytes for gpu in self.gpus]
        return max(sizes, default=0)


@dataclass(frozen=True)
class Recommendation:
    model: CatalogModel
    quantization: str
    use_gpu: bool
    reason: str
    warnings: tuple[str, ...] = ()


# ---------------------------------------------------------------------------------------------------------------------
# Memory


def parse_meminfo(text: str) -> tuple[int | None, int | None]:
    """Total and available bytes from ``/proc/meminfo`` text."""
    values: dict[str, int] = {}
    for line in text.splitlines():
        name, _, rest = line.partition(":")
        parts = rest.split()
        if parts and parts[0].isdigit():
            values[name.strip()] = int(parts[0]) * 1024
    return values.get("MemTotal"), values.get("MemAvailable", values.get("MemFree"))


def _cgroup_memory_limit() -> int | None:
    """A container's memory limit (cgroup v2), which /proc/meminfo does not show."""
    try:
        raw = Path("/sys/fs/cgroup/memory.max").read_text().strip()
    except OSError:
        return None
    return int(raw) if raw.isdigit() else None


def _windows_memory() -> tuple[int | None, int | None]:
    class MemoryStatus(ctypes.Structure):
        _fields_ = [
            ("dwLength", ctypes.c_ulong), ("dwMemoryLoad", ctypes.c_ulong),
            ("ullTotalPhys", ctypes.c_ulonglong), ("ullAvailPhys", ctypes.c_ulonglong),
            ("ullTotalPageFile", ctypes.c_ulonglong), ("ullAvailPageFile", ctypes.c_ulonglong),
            ("ullTotalVirtual", ctypes.c_ulonglong), ("ullAvailVirtual", ctypes.c_ulonglong),
            ("ullAvailExtendedVirtual", ctypes.c_ulonglong),
        ]  # fmt: skip

    status = MemoryStatus()
    status.dwLength = ctypes.sizeof(MemoryStatus)
    if not ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status)):  # type: ignore[attr-defined]
        return None, None
    return int(status.ullTotalPhys), int(status.ullAvailPhys)


def ram_bytes() -> tuple[int | None, int | None]:
    """(total, available) physical memory in bytes; None where the platform does not say."""
    if sys.platform == "win32":
        return _windows_memory()
    try:
        total, available = parse_meminfo(Path("/proc/meminfo").read_text())
    except OSError:
        total, available = None, None
    if total is None:
        try:
            total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        except (ValueError, OSError, AttributeError):
            total = None
    limit = _cgroup_memory_limit()
    if limit is not None and total is not None and limit < total:
        total, available = limit, min(available or limit, limit)
    return total, available


def process_memory_bytes() -> int | None:
    """Resident memory of this process (the model's weights show up here once touched)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024  # peak, not current: the best macOS offers here
    except (ImportError, OSError):
        return None


# ---------------------------------------------------------------------------------------------------------------------
# Cores


def _allowed_cpus() -> list[int]:
    try:
        return sorted(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return list(range(os.cpu_count() or 1))


def _core_of(cpu: int) -> tuple[str, str] | None:
    topology = Path(f"/sys/devices/system/cpu/cpu{cpu}/topology")
    try:
        return (topology / "physical_package_id").read_text().strip(), (topology / "core_id").read_text().strip()
    except OSError:
        return None


def _cgroup_cpu_limit() -> int | None:
    """Whole cores a container may use (cgroup v2 ``cpu.max``)."""
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
    except (OSError, ValueError):
        return None
    if quota == "max":
        return None
    return max(1, math.ceil(int(quota) / int(period)))


def core_map() -> dict[int, tuple[str, str]]:
    """Logical CPU → (package, core) on Linux; each CPU its own core where the topology is not readable."""
    mapping: dict[int, tuple[str, str]] = {}
    for cpu in _allowed_cpus():
        mapping[cpu] = _core_of(cpu) or ("cpu", str(cpu))
    return mapping


def _macos_physical_cores() -> int | None:
    try:
        output = (
            subprocess.run(
                ["sysctl", "-n", "hw.perflevel0.physicalcpu"], capture_output=True, text=True, timeout=2, check=False
            ).stdout.strip()
            or subprocess.run(
                ["sysctl", "-n", "hw.physicalcpu"], capture_output=True, text=True, timeout=2, check=False
            ).stdout.strip()
        )
        return int(output) if output.isdigit() else None
    except (OSError, subprocess.SubprocessError):
        return None


def physical_core_count() -> int:
    """Physical cores this process may use (performance cores on Apple silicon), at least 1."""
    logical = len(_allowed_cpus())
    if sys.platform == "darwin":
        count = _macos_physical_cores() or logical
    elif sys.platform.startswith("linux"):
        count = len(set(core_map().values()))
    else:
        count = max(1, logical // 2) if logical > 1 else 1  # hyper-threading is the norm on Windows PCs
    limit = _cgroup_cpu_limit()
    return max(1, min(count, limit) if limit else count)


def _cpu_times() -> dict[int, tuple[int, int]]:
    """Logical CPU → (idle jiffies, total jiffies) from /proc/stat."""
    times: dict[int, tuple[int, int]] = {}
    for line in Path("/proc/stat").read_text().splitlines():
        name, *fields = line.split()
        if name.startswith("cpu") and name[3:].isdigit():
            numbers = [int(field) for field in fields[:8]]
            idle = numbers[3] + (numbers[4] if len(numbers) > 4 else 0)
            times[int(name[3:])] = (idle, sum(numbers))
    return times


def free_physical_cores(sample_seconds: float = 0.25) -> int:
    """Physical cores not busy right now, at least 1.

    On Linux it samples per-CPU idle time; a physical core counts as free as far as its busiest hyper-thread is idle,
    and the shares are summed and rounded. Elsewhere the load average (or nothing) is used.
    """
    physical = physical_core_count()
    if not sys.platform.startswith("linux"):
        try:
            load = os.getloadavg()[0]
        except (AttributeError, OSError):
            return physical
        return max(1, min(physical, round(physical - load * physical / max(1, os.cpu_count() or 1))))
    try:
        before = _cpu_times()
        time.sleep(sample_seconds)
        after = _cpu_times()
    except (OSError, ValueError, IndexError):
        return physical
    return max(1, min(physical, round(_free_share(before, after, core_map()))))


def _free_share(
    before: dict[int, tuple[int, int]], after: dict[int, tuple[int, int]], cores: dict[int, tuple[str, str]]
) -> float:
    idle_by_core: dict[tuple[str, str], float] = {}
    for cpu, core in cores.items():
        if cpu not in before or cpu not in after:
            continue
        idle = after[cpu][0] - before[cpu][0]
        total = after[cpu][1] - before[cpu][1]
        share = idle / total if total > 0 else 1.0
        idle_by_core[core] = min(idle_by_core.get(core, 1.0), share)
    return sum(idle_by_core.values())


def default_thread_count() -> int:
    """llama.cpp threads to use when the person has not chosen: the free physical cores."""
    return free_physical_cores()


# ---------------------------------------------------------------------------------------------------------------------
# GPUs


def parse_nvidia_smi(output: str) -> list[GpuInfo]:
    """Lines of ``name, memory.total, memory.free`` in MiB (``--format=csv,noheader,nounits``)."""
    gpus = []
    for line in output.strip().splitlines():
        parts = [part.strip() for part in line.split(",")]
        if len(parts) < 3:
            continue
        try:
            total, free = int(float(parts[1])) * 1024**2, int(float(parts[2])) * 1024**2
        except ValueError:
            continue
        gpus.append(GpuInfo(name=parts[0], total_bytes=total, free_bytes=free, kind="nvidia"))
    return gpus


Runner = Callable[[Sequence[str]], str]


def _run_quietly(command: Sequence[str]) -> str:
    result = subprocess.run(list(command), capture_output=True, text=True, timeout=NVIDIA_SMI_TIMEOUT_S, check=False)
    return result.stdout if result.returncode == 0 else ""


def nvidia_gpus(runner: Runner = _run_quietly) -> list[GpuInfo]:
    """NVIDIA GPUs via ``nvidia-smi`` if it is installed; none otherwise (it is optional)."""
    try:
        output = runner(["nvidia-smi", "--query-gpu=name,memory.total,memory.free", "--format=csv,noheader,nounits"])
    except (OSError, subprocess.SubprocessError):
        return []
    return parse_nvidia_smi(output)


def apple_unified_gpu(total_ram: int | None) -> list[GpuInfo]:
    if sys.platform != "darwin" or platform.machine() != "arm64" or not total_ram:
        return []
    return [GpuInfo("Apple GPU (unified memory)", int(total_ram * APPLE_UNIFIED_GPU_SHARE), None, "apple-unified")]


def gpu_offload_supported() -> bool:
    """Whether this llama.cpp build has a GPU backend (CUDA, Metal, Vulkan...)."""
    try:
        import llama_cpp

        load_backends()
        return bool(llama_cpp.llama_supports_gpu_offload())
    except (ImportError, OSError, AttributeError):
        return False


def detect_hardware(*, runner: Runner = _run_quietly, sample_seconds: float = 0.25) -> HardwareInfo:
    total, available = ram_bytes()
    return HardwareInfo(
        total_ram_bytes=total,
        available_ram_bytes=available,
        physical_cores=physical_core_count(),
        logical_cores=len(_allowed_cpus()),
        free_physical_cores=free_physical_cores(sample_seconds),
        gpus=tuple(nvidia_gpus(runner) + apple_unified_gpu(total)),
        gpu_offload_supported=gpu_offload_supported(),
    )


# ---------------------------------------------------------------------------------------------------------------------
# Recommendation


def _gb(size: int | None) -> float:
    return (size or 0) / GIB


def recommend(hardware: HardwareInfo, catalog: Catalog) -> Recommendation:
    """Apply the rule in this module's docstring."""
    large = catalog.find("4b")
    small = catalog.find("1.7b")
    gpu_bytes = hardware.best_gpu_bytes if hardware.gpu_offload_supported else 0
    ram = hardware.total_ram_bytes or 0
    warnings: list[str] = []
    if hardware.gpus and not hardware.gpu_offload_supported:
        warnings.append(
            "A GPU is present but this llama.cpp build has no GPU backend; reinstall llama-cpp-python with CUDA, "
            "Metal or Vulkan to use it."
        )
    gpu_text, ram_text = format_bytes(gpu_bytes), format_bytes(ram)
    if _gb(gpu_bytes) >= GPU_LARGE_GB:
        return Recommendation(large, "Q8_0", True, f"a GPU with {gpu_text}: the 4B model fits at Q8_0", tuple(warnings))
    if _gb(gpu_bytes) >= GPU_SMALL_GB:
        return Recommendation(large, "Q4_K_M", True, f"a GPU with {gpu_text}: the 4B model fits", tuple(warnings))
    if _gb(ram) >= large.min_ram_gb * RAM_TOLERANCE:
        reason = f"{ram_text} of RAM: the 4B model fits"
        return Recommendation(large, large.recommended_quantization, False, reason, tuple(warnings))
    if _gb(ram) >= small.min_ram_gb * RAM_TOLERANCE:
        reason = f"{ram_text} of RAM: the 1.7B model leaves room for other programs"
        return Recommendation(small, small.recommended_quantization, False, reason, tuple(warnings))
    warnings.append(f"Only {ram_text} of RAM: even the 1.7B model may not fit beside other programs.")
    return Recommendation(
        small, small.recommended_quantization, False, "little memory: the smallest model", tuple(warnings)
    )
