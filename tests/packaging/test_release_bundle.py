"""The release bundle, as built for a release: a smoke test on the runner's own CPU (every OS), then the same
command line and Qt self-test on an old CPU, under ``qemu-x86_64 -cpu Nehalem`` (Linux x86-64).

Nehalem (2008) has SSE4.2 but no AVX: a bundle whose llama.cpp was compiled for the build machine, or with
``-DGGML_NATIVE=OFF`` alone (which enables AVX2 on x86-64), dies there with SIGILL. The portable build of
packaging/build_llama_cpp.py must load its ``sse42`` CPU variant instead. QEMU's user mode emulates the CPU model's
instruction set and raises SIGILL on anything beyond it, so this proves the point without an old machine.

The bundle is not built here: the release build (``packaging/setup/release-check.sh`` on Linux, the release
workflow on Windows and macOS) builds it with the portable llama.cpp and names its dist folder in
``CLOAKROOM_RELEASE_BUNDLE``. Without it, or without qemu-user for the old-CPU tests, the tests skip and say why.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging import packaging_script

build_bundle = packaging_script("build_bundle.py")

pytestmark = pytest.mark.slow
linux_x86_64_only = pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.machine() != "x86_64",
    reason="qemu-user's Nehalem model is for the Linux x86-64 bundle",
)

OLD_CPU = "Nehalem"
RUN_TIMEOUT_S = 900
SAMPLE = "Write to dana.reyes@example.org; my password is Tr0ub4dor&3.\n"
ILLEGAL_INSTRUCTION_STATUSES = (-4, 132)  # SIGILL as a signal, or as a shell-style exit status


@pytest.fixture(scope="module")
def release_dist() -> Path:
    named = os.environ.get("CLOAKROOM_RELEASE_BUNDLE")
    if not named:
        pytest.skip("CLOAKROOM_RELEASE_BUNDLE is not set: run packaging/setup/release-check.sh (builds the bundle)")
    dist = Path(named)
    if not build_bundle.command_line_executable(dist).is_file():
        pytest.skip(f"no bundle in {dist} (CLOAKROOM_RELEASE_BUNDLE): build it with packaging/build_bundle.py")
    return dist


@pytest.fixture(scope="module")
def qemu() -> str:
    path = shutil.which("qemu-x86_64") or shutil.which("qemu-x86_64-static")
    if path is None:
        pytest.skip("qemu-x86_64 is missing (apt-get install qemu-user)")
    return path


def old_cpu(qemu: str, dist: Path) -> list[str]:
    """The emulator command for the bundle, with the environment PyInstaller's bootloader gives its own restart.

    On Linux a one-folder bundle's bootloader sets LD_LIBRARY_PATH and these variables, then exec()s itself; qemu-user
    does not follow exec(), so the restarted process, Python and llama.cpp included, would run on the real CPU. With
    the variables already set the bootloader goes straight on, inside the emulator (`-E` sets them for the guest
    only). `test_the_whole_bundle_stays_in_the_emulator` checks that no exec() happens (PyInstaller 6)."""
    executable = build_bundle.command_line_executable(dist)
    restarted = {
        "_PYI_ARCHIVE_FILE": str(executable),
        "_PYI_PARENT_PROCESS_LEVEL": "-1",
        "_PYI_LINUX_PROCESS_NAME": executable.name,
        "LD_LIBRARY_PATH": str(executable.parent / "_internal"),
    }
    settings = [argument for name, value in restarted.items() for argument in ("-E", f"{name}={value}")]
    return [qemu, "-cpu", OLD_CPU, *settings]


def bundle_environment(home: Path) -> dict[str, str]:
    """An isolated home, a passphrase instead of an OS keyring, Qt offscreen (as in test_bundle.py)."""
    return {
        **os.environ,
        "CLOAKROOM_HOME": str(home),
        "CLOAKROOM_PASSPHRASE": "release bundle test passphrase",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "QT_QPA_PLATFORM": "offscreen",
    }


def run_bundle(
    dist: Path, arguments: list[str], home: Path, emulator: list[str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the bundle's command-line executable, under ``emulator`` when given; fail on an illegal instruction."""
    command = [*(emulator or []), str(build_bundle.command_line_executable(dist)), *arguments]
    result = subprocess.run(
        command, capture_output=True, text=True, env=bundle_environment(home), timeout=RUN_TIMEOUT_S, check=False
    )
    assert result.returncode not in ILLEGAL_INSTRUCTION_STATUSES, (
        f"illegal instruction ({' '.join(emulator or ['native'])}):\n{result.stderr}"
    )
    return result


def test_release_bundle_masks_with_a_model(release_dist: Path, quiet_qwen3_gguf: Path, tmp_path: Path) -> None:
    check_masking(release_dist, quiet_qwen3_gguf, tmp_path)


def test_release_bundle_self_test(release_dist: Path, tmp_path: Path) -> None:
    check_self_test(release_dist, tmp_path)


def check_masking(dist: Path, model: Path, tmp_path: Path, emulator: list[str] | None = None) -> None:
    sample = tmp_path / "sample.txt"
    sample.write_text(SAMPLE, encoding="utf-8")
    masked = run_bundle(dist, ["mask", "--model", str(model), str(sample)], tmp_path / "home", emulator)
    assert masked.returncode == 0, masked.stderr[-4000:]
    assert "<Email_1>" in masked.stdout and "<Password_1>" in masked.stdout
    assert "dana.reyes@example.org" not in masked.stdout


def check_self_test(dist: Path, tmp_path: Path, emulator: list[str] | None = None) -> None:
    result = run_bundle(dist, ["--self-test"], tmp_path / "home", emulator)
    assert result.returncode == 0, result.stderr[-4000:]
    assert "self-test passed" in result.stdout


@linux_x86_64_only
def test_emulated_cpu_refuses_avx(qemu: str, tmp_path: Path) -> None:
    """The emulation really is a CPU without AVX: a one-instruction AVX program dies with SIGILL under it (otherwise
    the other tests would prove nothing). Needs a C compiler, which the build machine has for llama.cpp."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.skip("no C compiler to build the AVX probe")
    source = tmp_path / "avx.c"
    source.write_text('int main(void) { __asm__ volatile("vxorps %ymm0, %ymm0, %ymm0"); return 0; }\n')
    subprocess.run([compiler, "-O0", "-o", str(tmp_path / "avx"), str(source)], check=True)
    assert subprocess.run([qemu, "-cpu", "max", str(tmp_path / "avx")], check=False).returncode == 0
    assert subprocess.run([qemu, "-cpu", OLD_CPU, str(tmp_path / "avx")], check=False).returncode == -4


@linux_x86_64_only
def test_the_whole_bundle_stays_in_the_emulator(qemu: str, release_dist: Path, tmp_path: Path) -> None:
    """Without this, the old-CPU tests could pass on the real CPU: qemu's syscall trace must show no exec()."""
    emulator = old_cpu(qemu, release_dist)
    traced = run_bundle(release_dist, ["--version"], tmp_path / "home", [*emulator, "-strace"])
    assert traced.returncode == 0, traced.stderr[-4000:]
    assert traced.stdout.strip().startswith("cloakroom ")
    assert " execve(" not in traced.stderr and "\nexecve(" not in traced.stderr


@linux_x86_64_only
def test_release_bundle_masks_with_a_model_on_an_old_cpu(
    qemu: str, release_dist: Path, quiet_qwen3_gguf: Path, tmp_path: Path
) -> None:
    check_masking(release_dist, quiet_qwen3_gguf, tmp_path, old_cpu(qemu, release_dist))


@linux_x86_64_only
def test_release_bundle_self_test_on_an_old_cpu(qemu: str, release_dist: Path, tmp_path: Path) -> None:
    check_self_test(release_dist, tmp_path, old_cpu(qemu, release_dist))
