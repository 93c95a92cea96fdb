"""Turn the official safetensors weights into a quantized GGUF on the person's machine.

No MemPrivacy GGUF is published and the licence forbids sharing one, so each person converts their own copy:

1. check: free disk space for the whole job, before anything is downloaded;
2. download: the safetensors snapshot into the cache folder (resumable across runs);
3. convert: to a BF16 GGUF (lossless from BF16 weights) with Cloakroom's own converter (`hf_to_gguf`: numpy and the
   ``gguf`` package, no torch, so it also runs inside the packaged app), or, when asked, with llama.cpp's
   ``convert_hf_to_gguf.py`` in a subprocess (needs ``cloakroom[convert]``: torch, transformers, sentencepiece);
4. quantize: to Q4_K_M or the person's choice (`quantize`), written into the models folder as ``.part``;
5. verify: the result must load in llama.cpp before it gets its final name;
6. cleanup: the BF16 intermediate and, unless the person keeps them, the downloaded weights are deleted.

A failure or a cancel deletes the intermediate and the ``.part``; the models folder never holds a half-written model.
The downloaded weights are kept after a failure (they are large and the download resumes), and removed by
`remove_conversion_cache`.

llama.cpp's converter is the one from the llama.cpp that matches the installed llama-cpp-python: it ships only in that
package's source distribution, so `fetch_converter` downloads the sdist with pip (a step the person starts) and keeps
the converter's files in the cache folder; `install_converter_from_sdist` does the same from a local sdist.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from app.core.errors import Cancelled
from app.core.model_files.catalog import CatalogModel
from app.core.model_files.child_log import log_ending
from app.core.model_files.download import download_snapshot
from app.core.model_files.download_checks import ensure_free_space
from app.core.model_files.errors import ConversionError, MissingConversionTools
from app.core.model_files.gguf_info import inspect_gguf
from app.core.model_files.hf_to_gguf import convert_checkpoint_to_gguf, converted_size
from app.core.model_files.hub_client import HubClient
from app.core.model_files.library import PARTIAL_SUFFIX, ModelCheck, models_folder, validate_model_file
from app.core.model_files.progress import (
    CHECK,
    CLEANUP,
    CONVERT,
    CONVERTER,
    DOWNLOAD,
    LOAD,
    QUANTIZE,
    ProgressCallback,
    raise_if_cancelled,
    report,
)
from app.core.model_files.quantize import UNQUANTIZED, estimated_size, parse_quantization, quantize_model
from app.core.paths import app_paths

CONVERTER_VARIABLE = "CLOAKROOM_LLAMA_CPP_SOURCE"
CONVERTER_SCRIPT = "convert_hf_to_gguf.py"
LLAMA_CPP_DISTRIBUTION = "llama-cpp-python"
REQUIRED_PACKAGES = ("torch", "transformers", "safetensors", "sentencepiece")
SNAPSHOT_PATTERNS = ("*.json", "*.safetensors", "*.txt", "*.model", "*.jinja", "README.md")
LOG_TAIL_LINES = 8
POLL_INTERVAL_S = 0.5
SDIST_MEMBERS = ("vendor/llama.cpp/convert_hf_to_gguf.py", "vendor/llama.cpp/LICENSE")
SDIST_FOLDERS = ("vendor/llama.cpp/conversion/", "vendor/llama.cpp/gguf-py/gguf/")


@dataclass(frozen=True)
class Converter:
    """An unpacked copy of llama.cpp's converter: the script, its ``conversion`` package and its ``gguf-py``."""

    root: Path

    @property
    def script(self) -> Path:
        return self.root / CONVERTER_SCRIPT

    def is_complete(self) -> bool:
        return (
            self.script.is_file() and (self.root / "conversion").is_dir() and (self.root / "gguf-py" / "gguf").is_dir()
        )


@dataclass(frozen=True)
class ConversionResult:
    path: Path
    check: ModelCheck


# ---------------------------------------------------------------------------------------------------------------------
# Tools


def missing_packages() -> list[str]:
    return [name for name in REQUIRED_PACKAGES if importlib.util.find_spec(name) is None]


def require_packages() -> None:
    if getattr(sys, "frozen", False):
        # The bundle's executable is Cloakroom itself, not a Python that can run pip or llama.cpp's converter.
        raise MissingConversionTools(
            "llama.cpp's converter needs a Python installation of Cloakroom (pip install 'cloakroom[convert]'); the "
            "packaged app converts with its own converter instead (leave out --llama-cpp-converter)."
        )
    missing = missing_packages()
    if missing:
        raise MissingConversionTools(
            f"llama.cpp's converter needs {', '.join(missing)}, which are not installed. Install the optional extra: "
            "pip install 'cloakroom[convert]' (about 1 GB, CPU-only torch is enough), or use Cloakroom's own "
            "converter, which needs none of them."
        )


def llama_cpp_version() -> str:
    try:
        return importlib.metadata.version(LLAMA_CPP_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        raise MissingConversionTools("llama-cpp-python is not installed.") from None


def converter_cache_dir() -> Path:
    return app_paths().cache / f"llama.cpp-converter-{llama_cpp_version()}"


def find_converter() -> Converter | None:
    """``$CLOAKROOM_LLAMA_CPP_SOURCE`` (a llama.cpp checkout) first, then the copy in the cache folder."""
    configured = os.environ.get(CONVERTER_VARIABLE)
    candidates = [Path(configured).expanduser()] if configured else []
    candidates.append(converter_cache_dir())
    for root in candidates:
        converter = Converter(root)
        if converter.is_complete():
            return converter
    return None


def _wanted_member(name: str) -> str | None:
    """The path under ``vendor/llama.cpp/`` for members the converter needs, else None."""
    parts = PurePosixPath(name).parts
    if len(parts) < 2 or ".." in parts or PurePosixPath(name).is_absolute():
        return None
    inner = "/".join(parts[1:])  # drop "llama_cpp_python-X.Y.Z/"
    if inner in SDIST_MEMBERS or any(inner.startswith(folder) for folder in SDIST_FOLDERS):
        return inner.removeprefix("vendor/llama.cpp/")
    return None


def install_converter_from_sdist(sdist: Path, target: Path | None = None) -> Converter:
    """Unpack only the converter's files from a llama-cpp-python sdist into the cache (atomically)."""
    destination = target or converter_cache_dir()
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".converter-", dir=destination.parent))
    try:
        with tarfile.open(sdist, "r:*") as archive:
            for member in archive.getmembers():
                relative = _wanted_member(member.name)
                if relative is None or not member.isfile():
                    continue
                source = archive.extractfile(member)
                if source is None:
                    continue
                output = staging / relative
                output.parent.mkdir(parents=True, exist_ok=True)
                with source, output.open("wb") as sink:
                    shutil.copyfileobj(source, sink)
        if not Converter(staging).is_complete():
            raise MissingConversionTools(f"{sdist.name} does not contain llama.cpp's converter.")
        shutil.rmtree(destination, ignore_errors=True)
        os.replace(staging, destination)
    except (tarfile.TarError, OSError) as error:
        raise MissingConversionTools(f"Cannot unpack the converter from {sdist.name} ({error}).") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Converter(destination)


def fetch_converter(*, progress: ProgressCallback | None = None, cancel: threading.Event | None = None) -> Converter:
    """Download the llama-cpp-python sdist matching the installed version with pip, and unpack the converter."""
    version = llama_cpp_version()
    report(progress, CONVERTER, 0, 1)
    with tempfile.TemporaryDirectory(prefix="cloakroom-sdist-") as folder:
        command = [
            sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
            f"{LLAMA_CPP_DISTRIBUTION}=={version}", "-d", folder,
        ]  # fmt: skip
        result = _run_cancellable(command, cancel, log=Path(folder) / "pip.log")
        archives = sorted(Path(folder).glob("*.tar.gz"))
        if result != 0 or not archives:
            raise MissingConversionTools(
                f"Could not download the llama-cpp-python {version} source (it contains llama.cpp's converter). "
                f"Check the connection, or download it yourself and run `cloakroom model convert --sdist FILE`."
            )
        converter = install_converter_from_sdist(archives[0])
    report(progress, CONVERTER, 1, 1)
    return converter


def _run_cancellable(
    command: Sequence[str],
    cancel: threading.Event | None,
    *,
    log: Path,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    watch: Path | None = None,
    expected: int = 0,
    progress: ProgressCallback | None = None,
) -> int:
    """Run a command with its output in ``log``; terminate it if ``cancel`` is set; report ``watch``'s growth."""
    with log.open("wb") as output:
        process = subprocess.Popen(list(command), stdout=output, stderr=subprocess.STDOUT, env=env, cwd=cwd)
        try:
            while process.poll() is None:
                if cancel is not None and cancel.wait(POLL_INTERVAL_S):
                    raise Cancelled("Conversion cancelled; its unfinished files were deleted.")
                if cancel is None:
                    time.sleep(POLL_INTERVAL_S)
                if watch is not None and watch.exists():
                    report(progress, CONVERT, min(watch.stat().st_size, max(0, expected - 1)), expected)
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
    return process.returncode


# ---------------------------------------------------------------------------------------------------------------------
# Stages


def convert_checkpoint(
    checkpoint: Path,
    output: Path,
    *,
    converter: Converter,
    outtype: str = "bf16",
    n_threads: int = 0,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> Path:
    """Run llama.cpp's converter on a Hugging Face checkpoint folder; ``output`` exists only if it succeeded."""
    require_packages()
    expected = sum(path.stat().st_size for path in checkpoint.glob("*.safetensors"))
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",  # the converter must only read the local folder, never the network
        "TRANSFORMERS_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
        "PYTHONIOENCODING": "utf-8",
    }
    if n_threads > 0:
        env["OMP_NUM_THREADS"] = str(n_threads)
    env.pop("NO_LOCAL_GGUF", None)  # use the gguf-py that ships with this converter, not the installed one
    partial = output.with_name(output.name + PARTIAL_SUFFIX)
    command = [sys.executable, str(converter.script), str(checkpoint), "--outfile", str(partial), "--outtype", outtype]
    report(progress, CONVERT, 0, expected)
    try:
        with tempfile.TemporaryDirectory(prefix="cloakroom-convert-") as scratch:
            log = Path(scratch) / "convert.log"
            code = _run_cancellable(
                command,
                cancel,
                log=log,
                env=env,
                cwd=Path(scratch),
                watch=partial,
                expected=expected,
                progress=progress,
            )
            if code != 0 or not partial.exists():
                failure = f"llama.cpp's converter failed (exit code {code})."
                raise ConversionError(failure + log_ending(log, LOG_TAIL_LINES))
        inspect_gguf(partial)
        os.replace(partial, output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    report(progress, CONVERT, expected, expected)
    return output


def conversion_work_dir(model: CatalogModel, revision: str = "main") -> Path:
    """Where the weights and the intermediate GGUF of one conversion live (cache folder, resumable)."""
    safe_revision = revision.replace("/", "_")
    return app_paths().cache / "conversion" / model.repo.replace("/", "__") / safe_revision


def remove_conversion_cache() -> bool:
    folder = app_paths().cache / "conversion"
    existed = folder.exists()
    shutil.rmtree(folder, ignore_errors=True)
    return existed


def _check_disk(model: CatalogModel, work: Path, target: Path, quantization: str) -> None:
    """Refuse before downloading when the weights, the intermediate and the result cannot all fit."""
    weights = model.weights_bytes
    downloaded = sum(path.stat().st_size for path in work.rglob("*") if path.is_file()) if work.exists() else 0
    intermediate = model.expected_gguf_size("BF16") or weights
    result = model.expected_gguf_size(quantization) or estimated_size(
        model.parameters, parse_quantization(quantization)
    )
    needs_in_work = max(0, weights - downloaded) + (0 if quantization in UNQUANTIZED else intermediate)
    work.mkdir(parents=True, exist_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    if os.stat(work).st_dev == os.stat(target.parent).st_dev:
        ensure_free_space(work, needs_in_work + result, what=f"converting {model.name}")
        return
    ensure_free_space(work, needs_in_work, what=f"converting {model.name}")
    ensure_free_space(target.parent, result, what=f"the converted {model.name}")


def conversion_stages(quantization: str) -> list[str]:
    """The stages `convert_official_model` reports for ``quantization``, in order: the one list a progress view shows.

    Quantizing is a stage of its own unless the result stays unquantized. Fetching llama.cpp's converter (`CONVERTER`)
    is left out: it happens only when that converter is chosen, and shows as part of the check.
    """
    quantize = [] if quantization in UNQUANTIZED else [QUANTIZE]
    return [CHECK, DOWNLOAD, CONVERT, *quantize, LOAD, CLEANUP]


def convert_official_model(
    model: CatalogModel,
    quantization: str | None = None,
    *,
    revision: str = "main",
    folder: Path | None = None,
    converter: Converter | None = None,
    use_llama_cpp_converter: bool = False,
    client: HubClient | None = None,
    n_threads: int = 0,
    keep_download: bool = False,
    check_disk: bool = True,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> ConversionResult:
    """Download, convert, quantize and verify ``model``; return the GGUF in the models folder.

    Cloakroom's own converter does the work unless ``converter`` is given or ``use_llama_cpp_converter`` is set: then
    llama.cpp's script does (fetched with pip when no copy is cached).
    """
    kind = parse_quantization(quantization or model.recommended_quantization)
    target = (folder or models_folder()) / model.gguf_filename(kind.name)
    report(progress, CHECK, 0, 1)
    if target.exists():
        raise ConversionError(f"{target} already exists; register it with `cloakroom model use`, or delete it first.")
    tools = converter
    if converter is not None or use_llama_cpp_converter:
        require_packages()
        tools = converter or find_converter() or fetch_converter(progress=progress, cancel=cancel)
    work = conversion_work_dir(model, revision)
    if check_disk:
        _check_disk(model, work, target, kind.name)
    report(progress, CHECK, 1, 1)
    snapshot = work / "snapshot"
    download_snapshot(
        model.repo,
        snapshot,
        revision=revision,
        patterns=SNAPSHOT_PATTERNS,
        client=client,
        progress=progress,
        cancel=cancel,
        check_disk=False,
    )
    result = _convert_quantize_verify(snapshot, work, target, kind.name, tools, n_threads, progress, cancel)
    report(progress, CLEANUP, 0, 1)
    if not keep_download:
        shutil.rmtree(work, ignore_errors=True)
    report(progress, CLEANUP, 1, 1)
    return result


def convert_local_checkpoint(
    checkpoint: Path,
    quantization: str,
    *,
    folder: Path | None = None,
    converter: Converter | None = None,
    n_threads: int = 0,
    check_disk: bool = True,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> ConversionResult:
    """Convert a checkpoint folder that is already on this machine (downloaded by hand, or copied from elsewhere).

    The result is ``FOLDERNAME-QUANT.gguf`` in the models folder; the checkpoint itself is left as it is.
    """
    kind = parse_quantization(quantization)
    target = (folder or models_folder()) / f"{checkpoint.resolve().name}-{kind.name}.gguf"
    report(progress, CHECK, 0, 1)
    if target.exists():
        raise ConversionError(f"{target} already exists; register it with `cloakroom model use`, or delete it first.")
    if converter is not None:
        require_packages()
    intermediate = converted_size(checkpoint)
    scratch_parent = app_paths().cache
    scratch_parent.mkdir(parents=True, exist_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    if check_disk:
        ensure_free_space(scratch_parent, 0 if kind.name in UNQUANTIZED else intermediate, what="the intermediate GGUF")
        ensure_free_space(target.parent, estimated_size(intermediate // 2, kind), what="the converted model")
    report(progress, CHECK, 1, 1)
    with tempfile.TemporaryDirectory(prefix="conversion-", dir=scratch_parent) as work:
        return _convert_quantize_verify(
            checkpoint, Path(work), target, kind.name, converter, n_threads, progress, cancel
        )


def _convert(
    snapshot: Path,
    output: Path,
    converter: Converter | None,
    outtype: str,
    n_threads: int,
    progress: ProgressCallback | None,
    cancel: threading.Event | None,
) -> Path:
    """Cloakroom's converter, or llama.cpp's script when one was chosen."""
    if converter is None:
        return convert_checkpoint_to_gguf(snapshot, output, output_type=outtype, progress=progress, cancel=cancel)
    return convert_checkpoint(
        snapshot, output, converter=converter, outtype=outtype, n_threads=n_threads, progress=progress, cancel=cancel
    )


def _convert_quantize_verify(
    snapshot: Path,
    work: Path,
    target: Path,
    quantization: str,
    converter: Converter | None,
    n_threads: int,
    progress: ProgressCallback | None,
    cancel: threading.Event | None,
) -> ConversionResult:
    unquantized = quantization in UNQUANTIZED
    intermediate = work / "model-bf16.gguf"
    part = target.with_name(target.name + PARTIAL_SUFFIX)
    try:
        if unquantized:
            _convert(snapshot, part, converter, quantization.lower(), n_threads, progress, cancel)
        else:
            intermediate.unlink(missing_ok=True)
            _convert(snapshot, intermediate, converter, "bf16", n_threads, progress, cancel)
            raise_if_cancelled(cancel)
            quantize_model(intermediate, part, quantization, n_threads=n_threads, progress=progress, cancel=cancel)
        raise_if_cancelled(cancel)
        report(progress, LOAD, 0, 1)
        check = validate_model_file(part, load=True)
        report(progress, LOAD, 1, 1)
        os.replace(part, target)
    except BaseException:
        part.unlink(missing_ok=True)
        part.with_name(part.name + PARTIAL_SUFFIX).unlink(missing_ok=True)
        raise
    finally:
        intermediate.unlink(missing_ok=True)
    return ConversionResult(target, check)
