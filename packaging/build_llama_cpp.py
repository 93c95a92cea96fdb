"""Build llama-cpp-python from source for a release: portable across CPUs and still fast on each.

    python packaging/build_llama_cpp.py                 # portable wheel into dist/llama-cpp/, for this OS
    python packaging/build_llama_cpp.py --install       # ... and install it into this interpreter
    python packaging/build_llama_cpp.py --flavor native # for comparison only: tuned to this machine's CPU

llama.cpp compiles for the build machine's instruction set by default, so a bundle built on a new CPU dies with
"illegal instruction" on an older one; ``-DGGML_NATIVE=OFF`` alone runs everywhere but leaves AVX2/AVX-512/VNNI
unused. The portable flavor builds the CPU backend several times, once per instruction-set level
(``GGML_CPU_ALL_VARIANTS``), as loadable modules (``GGML_BACKEND_DL``); at run time ggml scores each module against
the CPU and loads the best one (``app/core/model_files/backends.py`` asks it to, from llama_cpp's lib folder).

Why these CMake arguments (llama-cpp-python 0.3.36, read from its sdist):
- Its CMakeLists installs only named targets (``ggml-cpu``, ...) into ``llama_cpp/lib``; the per-variant modules
  (``ggml-cpu-haswell``, ...) are installed by ggml itself into ``CMAKE_INSTALL_BINDIR``, which by default is ``bin``
  at the wheel's root, outside the package. ``-DCMAKE_INSTALL_BINDIR=llama_cpp/lib`` puts them next to ``libggml``,
  where the app loads them from and where PyInstaller's ``collect_dynamic_libs('llama_cpp')`` finds them.
- Nothing in llama-cpp-python calls ``ggml_backend_load_all``; ``llama_backend_init`` does, but only searches the
  executable's folder and the current folder (python's ``bin``, the bundle's root), never ``llama_cpp/lib``.
- macOS: Apple silicon has no CPU variants worth switching between for this app (the model runs on Metal, which
  llama-cpp-python switches on there), and ggml's Metal backend is not built as a loadable module in llama.cpp's
  own macOS releases; so macOS gets ``-DGGML_NATIVE=OFF``, which on arm64 targets the common Apple-silicon base.
- ``-DGGML_NATIVE=OFF`` alone is *not* portable on x86-64: ggml then enables AVX, AVX2, FMA, F16C and BMI2 by default
  (``INS_ENB`` in ggml/CMakeLists.txt), so such a build needs a Haswell-class CPU (2013+).

Always from source (``--no-binary``) and without pip's cache (``--no-cache-dir``): the cache may hold a wheel built
``-march=native`` for the machine it was built on, which is exactly what a release must not ship.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import zipfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "llama-cpp-python"
# CPU modules a portable Linux/Windows x86-64 wheel must hold at least (the oldest level and a modern one).
REQUIRED_X86_VARIANTS = ("x64", "haswell")

FLAVORS = {
    # Every CPU variant as a loadable module, the best chosen at run time; see the module docstring.
    "portable": [
        "-DGGML_BACKEND_DL=ON",
        "-DGGML_CPU_ALL_VARIANTS=ON",
        "-DGGML_NATIVE=OFF",
        "-DCMAKE_INSTALL_BINDIR=llama_cpp/lib",
    ],
    # What packaging/README.md advised before: not tuned to the build machine, but on x86-64 ggml then switches
    # AVX, AVX2, FMA, F16C and BMI2 on by default (ggml/CMakeLists.txt, INS_ENB): Haswell (2013) or newer only.
    "baseline": ["-DGGML_NATIVE=OFF"],
    # Tuned to the build machine (llama.cpp's default): fastest here, crashes on older CPUs. For comparison.
    "native": [],
}


def pinned_version(pyproject: Path = REPO_ROOT / "pyproject.toml") -> str:
    """The llama-cpp-python version the app pins (its model detector drives the low-level API of that release)."""
    match = re.search(r'"llama-cpp-python==([^"]+)"', pyproject.read_text(encoding="utf-8"))
    if match is None:
        raise SystemExit(f"No llama-cpp-python==VERSION pin in {pyproject}")
    return match.group(1)


def cmake_args(flavor: str, system: str = sys.platform) -> list[str]:
    """The CMake arguments for ``flavor`` on ``system``; macOS gets the baseline (module docstring)."""
    if flavor == "portable" and system == "darwin":
        return list(FLAVORS["baseline"])
    return list(FLAVORS[flavor])


def build_wheel(source: str, out: Path, flavor: str, jobs: int) -> Path:
    """Compile ``source`` (a requirement or an sdist path) into a wheel in ``out``; return the wheel's path."""
    out.mkdir(parents=True, exist_ok=True)
    before = set(out.glob("llama_cpp_python-*.whl"))
    for stale in before:
        stale.unlink()
    environment = {**os.environ, "CMAKE_ARGS": " ".join(cmake_args(flavor)), "CMAKE_BUILD_PARALLEL_LEVEL": str(jobs)}
    environment.pop("FORCE_CMAKE", None)
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-cache-dir", "--no-binary", PACKAGE,
               "--wheel-dir", str(out), source]  # fmt: skip
    print(f"CMAKE_ARGS={environment['CMAKE_ARGS']}", flush=True)
    subprocess.run(command, check=True, env=environment)
    wheels = sorted(out.glob("llama_cpp_python-*.whl"))
    if len(wheels) != 1:
        raise SystemExit(f"Expected one llama_cpp_python wheel in {out}, found {len(wheels)}")
    return wheels[0]


def cpu_variants(wheel: Path) -> list[str]:
    """The CPU backend modules inside ``wheel``'s ``llama_cpp/lib`` (``haswell``, ``x64``...)."""
    pattern = re.compile(r"^llama_cpp/lib/(?:lib)?ggml-cpu-([\w.]+?)\.(?:so|dll)$")
    with zipfile.ZipFile(wheel) as archive:
        return sorted(match.group(1) for name in archive.namelist() if (match := pattern.match(name)))


def check_wheel(wheel: Path, flavor: str) -> list[str]:
    """Problems that would make a portable wheel silently non-portable or unloadable; empty when fine."""
    if flavor != "portable" or cmake_args(flavor) == FLAVORS["baseline"]:
        return []
    problems = []
    with zipfile.ZipFile(wheel) as archive:
        outside = [
            name
            for name in archive.namelist()
            if re.search(r"ggml-cpu-[\w.]+\.(so|dll|dylib)$", name) and not name.startswith("llama_cpp/lib/")
        ]
    problems += [f"CPU backend outside llama_cpp/lib: {name}" for name in outside]
    variants = cpu_variants(wheel)
    if platform.machine().lower() in {"x86_64", "amd64"}:
        problems += [f"CPU variant missing: ggml-cpu-{name}" for name in REQUIRED_X86_VARIANTS if name not in variants]
    elif not variants:
        problems.append("no ggml-cpu-* variants in llama_cpp/lib")
    return problems


def install_wheel(wheel: Path) -> None:
    """Replace the interpreter's llama-cpp-python with ``wheel`` (its dependencies stay as they are)."""
    command = [sys.executable, "-m", "pip", "install", "--force-reinstall", "--no-deps", "--no-cache-dir", str(wheel)]
    subprocess.run(command, check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--flavor", choices=sorted(FLAVORS), default="portable",
                        help="portable (the release build, default), baseline (-DGGML_NATIVE=OFF) or native")  # fmt: skip
    parser.add_argument("--sdist", help="a llama-cpp-python sdist file to build instead of downloading the pinned one")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "dist" / "llama-cpp", help="wheel folder")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="parallel compile jobs")
    parser.add_argument("--install", action="store_true", help="install the wheel into this interpreter")
    args = parser.parse_args(argv)
    source = args.sdist or f"{PACKAGE}=={pinned_version()}"
    wheel = build_wheel(source, args.out, args.flavor, args.jobs)
    problems = check_wheel(wheel, args.flavor)
    print(f"wheel: {wheel}")
    print(f"CPU variants: {', '.join(cpu_variants(wheel)) or 'none (one CPU backend inside libggml)'}")
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    if problems:
        return 1
    if args.install:
        install_wheel(wheel)
    return 0


if __name__ == "__main__":
    sys.exit(main())
