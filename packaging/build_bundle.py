"""Build the PyInstaller bundle (build.spec) and check it: the one command behind every package and the CI smoke test.

    python packaging/build_bundle.py                          # → dist/cloakroom/ (Linux, Windows) or dist/Cloakroom.app
    python packaging/build_bundle.py --dist D --work W        # other output and scratch folders
    python packaging/build_bundle.py --check-only D/cloakroom # only the checks, on a bundle already built

Steps: compile the Qt translations (resources/i18n/*.ts → .qm, never committed), run PyInstaller on build.spec, then
check the result: every shared library resolves (Linux: ldd; libraries a desktop always provides are allowed to come
from the system), no model file slipped in, and the size. Exit status 1 when a check fails.

Run it with the project's virtualenv, where Cloakroom and the ``build`` extra are installed
(``pip install -e ".[build]"``). PyInstaller keeps its cache in its own per-user folder, outside the repository.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

REPO_ROOT = Path(__file__).resolve().parent.parent
SPEC = REPO_ROOT / "build.spec"
APP_NAME = "cloakroom"
LINUX_SIZE_BUDGET_BYTES = 300 * 1024 * 1024
MODEL_SUFFIXES = (".gguf", ".safetensors", ".bin", ".pt")

# Libraries a Linux desktop provides and a bundle must take from the system, never carry (PyInstaller's own exclude
# list, plus build.spec's): glibc, the GPU stack (GL, EGL, DRM, the CUDA driver, the Vulkan loader), libxcb and the
# Wayland client libraries.
HOST_LIBRARIES = re.compile(
    r"^(libc|libm|libdl|libpthread|librt|libutil|libresolv|ld-linux[\w-]*)\.so"
    r"|^libE?(Open)?GLX?(ESv1_CM|ESv2)?(dispatch)?\.so|^libdrm\.so|^libcuda\.so|^libvulkan\.so"
    r"|^libxcb(-dri\w*)?\.so|^libwayland-(client|cursor|egl|server)\.so"
)
# What the MSVC-built llama.cpp DLLs (and Qt) need from the Visual C++ runtime (packaging/README.md, "The MSVC runtime").
WINDOWS_RUNTIME_DLLS = ("vcruntime140.dll", "vcruntime140_1.dll", "msvcp140.dll", "vcomp140.dll")


@dataclass
class BundleReport:
    root: Path
    size_bytes: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --- version and paths ----------------------------------------------------------------------------------------------


def project_version(pyproject: Path = REPO_ROOT / "pyproject.toml") -> str:
    """``project.version`` from pyproject.toml: the one version of the app, its bundle and its packages.
    tomllib on 3.11+; on 3.10 a strict look at the [project] table (the project supports 3.10)."""
    text = pyproject.read_text(encoding="utf-8")
    try:
        import tomllib
    except ModuleNotFoundError:
        table = text.split("\n[project]\n", 1)[-1].split("\n[", 1)[0]
        match = re.search(r'^version\s*=\s*"([^"]+)"\s*$', table, re.MULTILINE)
        if match is None:
            raise SystemExit(f"No project.version in {pyproject}") from None
        return match.group(1)
    return tomllib.loads(text)["project"]["version"]


def bundle_root(dist: Path) -> Path:
    """The folder a person installs: ``Cloakroom.app`` on macOS, ``cloakroom/`` elsewhere."""
    return dist / "Cloakroom.app" if sys.platform == "darwin" else dist / APP_NAME


def command_line_executable(dist: Path) -> Path:
    """The executable to run subcommands with (on Windows the console one: the windowed one has no stdout)."""
    if sys.platform == "darwin":
        return dist / "Cloakroom.app" / "Contents" / "MacOS" / APP_NAME
    if sys.platform.startswith("win"):
        return dist / APP_NAME / f"{APP_NAME}-cli.exe"
    return dist / APP_NAME / APP_NAME


# --- steps ----------------------------------------------------------------------------------------------------------


def compile_translations(folder: Path = REPO_ROOT / "resources" / "i18n") -> list[Path]:
    """``*.ts`` → ``.qm`` with Qt's lrelease (shipped by PySide6), when a .qm is missing or older than its source.
    The .qm files are build output (git ignores them); the bundle carries them in resources/i18n. The work is
    packaging/i18n.py's ``build``, the same command the set-up scripts run."""
    return _sibling_script("i18n.py").build(folder)


def _sibling_script(name: str) -> ModuleType:
    """Another script of packaging/ (they are scripts, not a package), imported by its path."""
    module_name = f"_cloakroom_packaging_{Path(name).stem}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, Path(__file__).with_name(name))
    if spec is None or spec.loader is None:
        raise SystemExit(f"packaging/{name} is missing.")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # before running it: its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def run_pyinstaller(dist: Path, work: Path, *, clean: bool) -> None:
    try:
        import PyInstaller  # noqa: F401
    except ModuleNotFoundError:
        raise SystemExit('PyInstaller is missing: run `pip install -e ".[build]"` in the project virtualenv.') from None
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
               "--distpath", str(dist), "--workpath", str(work), str(SPEC)]  # fmt: skip
    if clean:
        command.insert(3, "--clean")
    subprocess.run(command, check=True, cwd=REPO_ROOT)


# --- checks ---------------------------------------------------------------------------------------------------------


def check_bundle(root: Path) -> BundleReport:
    report = BundleReport(root=root, size_bytes=tree_size(root))
    models = [path for path in root.rglob("*") if path.suffix.lower() in MODEL_SUFFIXES and path.is_file()]
    report.problems += [f"a model file is inside the bundle: {path.relative_to(root)}" for path in models]
    if not any(root.rglob("resources/icons/cloakroom.svg")):
        report.problems.append("resources/ is missing from the bundle (no resources/icons/cloakroom.svg)")
    if sys.platform.startswith("linux"):
        report.problems += [f"unresolved library: {item}" for item in missing_libraries(root)]
        if report.size_bytes > LINUX_SIZE_BUDGET_BYTES:
            report.problems.append(f"the bundle is {mib(report.size_bytes)}, over the 300 MiB budget")
        glibc = required_glibc(root)
        if glibc:
            report.notes.append(f"needs glibc {glibc} or newer (the build machine's; build on the oldest target)")
    elif sys.platform.startswith("win"):
        present = {path.name.lower() for path in root.rglob("*.dll")}
        absent = [name for name in WINDOWS_RUNTIME_DLLS if name not in present]
        if absent:
            report.notes.append(
                f"not in the bundle: {', '.join(absent)} — install the Visual C++ 2015-2022 x64 redistributable on "
                f"the build machine (PyInstaller then copies them) or let the installer run vc_redist.x64.exe"
            )
    return report


def tree_size(root: Path) -> int:
    """Bytes of the files under ``root``; symlinks count as links (as on disk), not as their targets."""
    total = 0
    for path in root.rglob("*"):
        if path.is_symlink():
            continue
        if path.is_file():
            total += path.stat().st_size
    return total


def missing_libraries(root: Path) -> list[str]:
    """``file: library`` for each library that ldd cannot resolve from the bundle or the host's allowed libraries."""
    internal = root / "_internal"
    environment = {**os.environ, "LD_LIBRARY_PATH": str(internal)}  # what the bootloader sets at run time
    missing = set()
    for path in elf_files(root):
        result = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=environment, check=False)
        for line in result.stdout.splitlines():
            name, _, resolved = line.strip().partition(" => ")
            if resolved.strip() == "not found" and not HOST_LIBRARIES.match(name):
                missing.add(f"{path.relative_to(root)}: {name}")
    return sorted(missing)


def elf_files(root: Path) -> list[Path]:
    files = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                if handle.read(4) == b"\x7fELF":
                    files.append(path)
    return files


def required_glibc(root: Path) -> str | None:
    """The highest ``GLIBC_x.y`` symbol version any bundled file asks for: the oldest glibc the bundle runs on."""
    versions = set()
    for path in elf_files(root):
        versions.update(re.findall(rb"GLIBC_(\d+)\.(\d+)", path.read_bytes()))
    if not versions:
        return None
    major, minor = max((int(major), int(minor)) for major, minor in versions)
    return f"{major}.{minor}"


def mib(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB"


# --- glue -----------------------------------------------------------------------------------------------------------


def _tool_beside_interpreter(name: str) -> str:
    """A console script of this virtualenv (bin/ or Scripts/), else one on PATH."""
    folder = Path(sys.executable).parent
    found = shutil.which(name, path=str(folder)) or shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} is missing (it comes with PySide6).")
    return found


def print_report(report: BundleReport, seconds: float | None) -> None:
    print(f"bundle: {report.root}")
    print(f"size: {mib(report.size_bytes)} ({report.size_bytes} bytes, unpacked)")
    if seconds is not None:
        print(f"build time: {seconds:.0f} s")
    for note in report.notes:
        print(f"note: {note}")
    for problem in report.problems:
        print(f"PROBLEM: {problem}", file=sys.stderr)
    print("checks: " + ("passed" if not report.problems else f"{len(report.problems)} problem(s)"))


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", type=Path, default=REPO_ROOT / "dist", help="output folder (default: dist/)")
    parser.add_argument("--work", type=Path, default=REPO_ROOT / "build", help="scratch folder (default: build/)")
    parser.add_argument("--clean", action="store_true", help="empty PyInstaller's cache first")
    parser.add_argument("--check-only", type=Path, metavar="BUNDLE", help="check this bundle folder, build nothing")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(sys.argv[1:] if argv is None else argv)
    if arguments.check_only is not None:
        report = check_bundle(arguments.check_only.resolve())
        print_report(report, None)
        return 1 if report.problems else 0
    started = time.monotonic()
    compile_translations()
    run_pyinstaller(arguments.dist.resolve(), arguments.work.resolve(), clean=arguments.clean)
    report = check_bundle(bundle_root(arguments.dist.resolve()))
    print_report(report, time.monotonic() - started)
    return 1 if report.problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
