"""Smoke test of the installable build: make the PyInstaller bundle from this checkout and use it as a person would.

The bundle is built once per session into a temporary folder (never the repository's dist/ or build/) with
packaging/build_bundle.py, which also runs its own checks (every library resolves, no model inside, size). Then the
frozen executable masks a sample text with a real (tiny) GGUF model, restores it, converts a tiny Hugging Face
checkpoint with Cloakroom's own converter and masks with the result, and runs the Qt self-test offscreen.
About a minute to build on 2 cores; PyInstaller's cache lives in its per-user folder, outside the repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.models.hf_checkpoint import write_tiny_qwen3_checkpoint
from tests.packaging import REPO_ROOT, packaging_script

build_bundle = packaging_script("build_bundle.py")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="CI builds the Linux bundle; see packaging/README"),
]

BUILD_TIMEOUT_S = 1200
RUN_TIMEOUT_S = 300
SAMPLE = "Write to dana.reyes@example.org or call +1 415 555 0100; my password is Tr0ub4dor&3.\n"
SAMPLE_SECRETS = ("dana.reyes@example.org", "+1 415 555 0100", "Tr0ub4dor&3")


def require_pyinstaller() -> None:
    """Skip on a developer machine without the build extra; fail in CI, where a skip would hide a broken build."""
    try:
        import PyInstaller  # noqa: F401
    except ModuleNotFoundError:
        message = 'PyInstaller is missing: pip install -e ".[build]" (the test setup should install the build extra)'
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The bundle, built from this checkout (the folder is deleted afterwards: it is ~200 MB)."""
    require_pyinstaller()
    scratch = tmp_path_factory.mktemp("bundle")
    command = [sys.executable, str(REPO_ROOT / "packaging" / "build_bundle.py"),
               "--dist", str(scratch / "dist"), "--work", str(scratch / "work")]  # fmt: skip
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S, cwd=REPO_ROOT, check=False
    )
    print(result.stdout)  # size, build time and notes land in the test log
    assert result.returncode == 0, f"the bundle build or its checks failed:\n{result.stdout}\n{result.stderr[-6000:]}"
    yield scratch / "dist"
    shutil.rmtree(scratch, ignore_errors=True)


@pytest.fixture()
def bundle_environment(tmp_path: Path) -> dict[str, str]:
    """An isolated home, a passphrase instead of an OS keyring (CI has none, and a developer's must stay untouched),
    and Qt offscreen."""
    return {
        **os.environ,
        "CLOAKROOM_HOME": str(tmp_path / "home"),
        "CLOAKROOM_PASSPHRASE": "bundle smoke test passphrase",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "QT_QPA_PLATFORM": "offscreen",
    }


def run_bundle(dist: Path, arguments: list[str], environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    executable = build_bundle.command_line_executable(dist)
    return subprocess.run(
        [str(executable), *arguments],
        capture_output=True,
        text=True,
        env=environment,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )


def test_bundle_masks_with_a_model_and_unmasks(
    dist: Path, quiet_qwen3_gguf: Path, bundle_environment: dict[str, str], tmp_path: Path
) -> None:
    sample = tmp_path / "sample.txt"
    sample.write_text(SAMPLE, encoding="utf-8")

    masked = run_bundle(dist, ["mask", "--model", str(quiet_qwen3_gguf), str(sample)], bundle_environment)
    assert masked.returncode == 0, masked.stderr
    assert "<Email_1>" in masked.stdout and "<Password_1>" in masked.stdout
    assert not any(secret in masked.stdout for secret in SAMPLE_SECRETS)

    masked_file = tmp_path / "masked.txt"
    masked_file.write_text(masked.stdout, encoding="utf-8")
    restored = run_bundle(dist, ["unmask", str(masked_file)], bundle_environment)
    assert restored.returncode == 0, restored.stderr
    assert restored.stdout == SAMPLE


def test_bundle_converts_a_checkpoint_without_torch_and_masks_with_it(
    dist: Path, bundle_environment: dict[str, str], tmp_path: Path
) -> None:
    """Cloakroom's own converter inside the bundle: safetensors shards → GGUF → Q8_0 (llama.cpp in a spawned child of
    the frozen executable) → load check, then masking with the result. The checkpoint is the tiny random Qwen3 with
    quiet weights, so the model answers "nothing found" at once and the rules' placeholders are what is checked."""
    checkpoint = write_tiny_qwen3_checkpoint(tmp_path / "MemPrivacy-tiny", quiet=True)
    converted = run_bundle(
        dist, ["model", "convert", "--from", str(checkpoint), "--quant", "Q8_0", "--threads", "1"], bundle_environment
    )
    assert converted.returncode == 0, converted.stderr
    model = Path(bundle_environment["CLOAKROOM_HOME"]) / "data" / "models" / "MemPrivacy-tiny-Q8_0.gguf"
    assert f"to {model}" in converted.stdout and "Quantizing: 100%" in converted.stderr
    sample = tmp_path / "sample.txt"
    sample.write_text(SAMPLE, encoding="utf-8")
    masked = run_bundle(dist, ["mask", "--model", str(model), str(sample)], bundle_environment)
    assert masked.returncode == 0, masked.stderr
    assert "<Email_1>" in masked.stdout and not any(secret in masked.stdout for secret in SAMPLE_SECRETS)


def test_bundle_self_test_starts_the_qt_app_offscreen(dist: Path, bundle_environment: dict[str, str]) -> None:
    result = run_bundle(dist, ["--self-test"], bundle_environment)
    assert result.returncode == 0, result.stderr
    assert "review window: ok" in result.stdout and "self-test passed" in result.stdout


def test_bundle_reports_the_project_version(dist: Path, bundle_environment: dict[str, str]) -> None:
    result = run_bundle(dist, ["--version"], bundle_environment)
    assert result.stdout.strip() == f"cloakroom {build_bundle.project_version()}"


def test_bundle_passes_its_checks_and_fits_the_size_budget(dist: Path) -> None:
    report = build_bundle.check_bundle(build_bundle.bundle_root(dist))
    assert report.problems == []
    assert report.size_bytes <= build_bundle.LINUX_SIZE_BUDGET_BYTES


def test_bundle_carries_resources_and_only_the_qt_modules_used(dist: Path) -> None:
    internal = build_bundle.bundle_root(dist) / "_internal"
    assert (internal / "resources" / "models.json").is_file()
    assert (internal / "resources" / "cloakroom-autostart.desktop").is_file()
    qt_bindings = {path.name.split(".")[0] for path in (internal / "PySide6").glob("Qt*.so")}
    assert qt_bindings == {"QtCore", "QtGui", "QtWidgets", "QtNetwork"}
    assert not list(internal.rglob("libQt6Qml*")) and not list(internal.rglob("libQt6Quick*"))
