"""`cloakroom model ...`: get the detector model onto this machine, check it, choose it, try it.

    cloakroom model list | info [PATH] | use PATH | download REPO FILE | convert [--size 4b|1.7b|--from DIR] [--quant Q]
                    | fetch-prompt | test [PATH] | hardware

Results go to stdout; progress, warnings and the licence notice to stderr. Errors are one line (``CloakroomError``).
Ctrl-C cancels cleanly: nothing half-written is left under a model's name, and an interrupted download resumes.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from app.cli.parsing import subcommand
from app.core.errors import Cancelled, ConfigError
from app.core.model_files import progress as stages
from app.core.model_files.catalog import Licence, load_catalog
from app.core.model_files.errors import InvalidModelFile
from app.core.model_files.gguf_info import format_bytes, inspect_gguf
from app.core.model_files.library import (
    ModelCheck,
    current_settings,
    local_model_files,
    models_folder,
    register_model,
    registered_model,
    validate_model_file,
)
from app.core.model_files.quantize import QUANTIZATIONS
from app.core.settings import Settings

if TYPE_CHECKING:
    from app.core.model_files.catalog import Catalog
    from app.core.model_files.convert import Converter
    from app.core.model_files.hardware import HardwareInfo
    from app.core.model_files.runtime import LoadedModel
    from app.core.model_files.speed import SpeedOption

STAGE_LABELS = {
    stages.CHECK: "Checking",
    stages.DOWNLOAD: "Downloading",
    stages.VERIFY: "Verifying checksum",
    stages.CONVERTER: "Fetching llama.cpp's converter",
    stages.CONVERT: "Converting to GGUF",
    stages.QUANTIZE: "Quantizing",
    stages.LOAD: "Checking that llama.cpp loads it",
    stages.CLEANUP: "Deleting intermediate files",
    stages.MEASURE: "Measuring stand-ins",
}
BYTE_STAGES = {stages.DOWNLOAD, stages.VERIFY, stages.CONVERT, stages.QUANTIZE}
TEST_PROMPT = "Reply with one word: ready."


class TerminalProgress:
    """Shows ``progress(stage, done, total)`` on stderr: a rewritten line at a terminal, a few lines in a log.

    At a terminal each stage's line is redrawn in place and kept once the stage completes. In a log (not a terminal)
    a stage prints at its start and at each further quarter, so interleaved stages (download and verify of the files
    of a snapshot) do not repeat themselves.
    """

    def __init__(self, stream: TextIO | None = None, min_interval_s: float = 0.2) -> None:
        self.stream = stream or sys.stderr
        self.interactive = self.stream.isatty()
        self.min_interval_s = min_interval_s
        self._last_draw = 0.0
        self._quarters: dict[str, int] = {}
        self._line_open = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.interactive:
            self._draw(stage, done, total)
        else:
            self._log(stage, done, total)

    def _text(self, stage: str, done: int, total: int) -> str:
        label = STAGE_LABELS.get(stage, stage)
        if total <= 0:
            return f"{label}..."
        percent = min(100, done * 100 // total)
        if stage in BYTE_STAGES:
            return f"{label}: {percent:3d}% ({format_bytes(done)} of {format_bytes(total)})"
        return f"{label}: {percent:3d}%"

    def _draw(self, stage: str, done: int, total: int) -> None:
        complete = total > 0 and done >= total
        now = time.monotonic()
        if not complete and now - self._last_draw < self.min_interval_s:
            return
        self._last_draw = now
        self.stream.write("\r\033[K" + self._text(stage, done, total) + ("\n" if complete else ""))
        self.stream.flush()
        self._line_open = not complete

    def _log(self, stage: str, done: int, total: int) -> None:
        quarter = done * 4 // total if total > 0 else 0
        if quarter > self._quarters.get(stage, -1):
            self._quarters[stage] = quarter
            print(self._text(stage, done, total), file=self.stream, flush=True)

    def finish(self) -> None:
        if self._line_open:
            self.stream.write("\n")
            self.stream.flush()
            self._line_open = False


@contextmanager
def _cancellable(interrupted_message: str) -> Iterator[tuple[TerminalProgress, threading.Event]]:
    """Progress on stderr; Ctrl-C becomes a clean `Cancelled` (the core has already tidied up by then)."""
    bar = TerminalProgress()
    cancel = threading.Event()
    try:
        yield bar, cancel
    except KeyboardInterrupt:
        cancel.set()
        raise Cancelled(interrupted_message) from None
    finally:
        bar.finish()


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _print_licence(licence: Licence, what: str) -> None:
    _say(f"Licence of {what}: {licence.name} ({licence.url}).")
    _say(licence.summary)


def _print_check(path: Path, check: ModelCheck) -> None:
    for label, value in check.info.summary_rows():
        print(f"  {label + ':':<18} {value}")
    if check.loaded:
        print(f"  {'llama.cpp loads:':<18} yes")
    for warning in check.warnings:
        _say(f"warning: {warning}")


# ---------------------------------------------------------------------------------------------------------------------
# Handlers


def _list(args: argparse.Namespace) -> int:
    folder = models_folder()
    registered = registered_model()
    files = local_model_files(folder)
    print(f"Models folder: {folder}")
    if not files:
        print("  (no models yet: see `cloakroom model download` or `cloakroom model convert`)")
    for path in files:
        mark = "*" if registered is not None and path.resolve() == registered.resolve() else " "
        print(f"{mark} {path.name:<44} {_describe_file(path)}")
    if registered is not None and registered.resolve().parent != folder.resolve():
        print(f"* {registered}  {_describe_file(registered)}")
    if registered is None:
        print("No model is registered (`cloakroom model use PATH`); only the rules detector runs.")
    catalog = load_catalog()
    print("\nKnown models (`cloakroom model convert --size SIZE`):")
    for model in catalog.models:
        size = model.expected_gguf_size(model.recommended_quantization)
        print(
            f"  {model.size:<5} {model.repo:<36} {model.recommended_quantization} ≈ {format_bytes(size or 0)}, "
            f"needs ≥ {model.min_ram_gb:g} GB RAM, licence {model.licence.spdx}"
        )
    print(f"\nOfficial prompt: {_prompt_status()}")
    if not args.no_hardware:
        print(f"Recommended here: {_recommendation_line()}")
    return 0


def _describe_file(path: Path) -> str:
    try:
        info = inspect_gguf(path)
    except InvalidModelFile as error:
        return f"(unusable: {error})"
    return f"{format_bytes(info.file_size):>9}  {info.architecture:<8} {info.quantization}"


def _prompt_status() -> str:
    from app.core.model_files.official_prompt import is_installed, official_prompt_path, official_prompt_specs

    installed = [spec.variant for spec in official_prompt_specs() if is_installed(spec)]
    if not installed:
        return "not installed (`cloakroom model fetch-prompt`)"
    return f"installed and verified: {', '.join(installed)} ({official_prompt_path().parent})"


def _prompt_in_use_line(settings: Settings) -> str:
    """Which prompt the model is asked with, and what the fallback costs (the tray and Settings say it too)."""
    from app.core.detectors.model.prompts import resolve_profile_name

    choice = resolve_profile_name(settings.prompt_profile)
    if choice.is_fallback:
        return (
            f"{choice.used} (Cloakroom's own): the official prompt is not installed, so accuracy may be lower than "
            "the model's published figures. `cloakroom model fetch-prompt` gets it."
        )
    origin = "setting" if choice.requested != "auto" else "auto"
    return f"{choice.used} ({origin})"


def _get_official_prompts() -> None:
    """Fetch the official prompt templates a MemPrivacy model was trained with; a failure only warns (the model is
    usable with Cloakroom's own prompt, and `fetch-prompt` can try again)."""
    from app.core.model_files import official_prompt
    from app.core.model_files.errors import DownloadError, PromptVerificationError

    missing = official_prompt.missing_official_prompts()
    if not missing:
        return
    _say("Fetching the official prompt this model was trained with.")
    _print_licence(missing[0].licence, "the official prompt")
    try:
        with _cancellable("Cancelled; Cloakroom uses its own prompt until `cloakroom model fetch-prompt`.") as (
            bar,
            cancel,
        ):
            official_prompt.fetch_missing_official_prompts(progress=bar, cancel=cancel)
    except (DownloadError, PromptVerificationError) as error:
        _say(f"warning: {error} Cloakroom uses its own prompt until `cloakroom model fetch-prompt` succeeds.")
        return
    print("Stored the verified official prompt; the model now runs with it (prompt setting 'auto').")


def _recommendation_line() -> str:
    from app.core.model_files.hardware import detect_hardware, recommend

    advice = recommend(detect_hardware(), load_catalog())
    where = "on the GPU" if advice.use_gpu else "on the CPU"
    return f"{advice.model.size} at {advice.quantization} {where} — {advice.reason}"


def _model_path_or_registered(path: str | None) -> Path:
    if path:
        return Path(path).expanduser()
    registered = registered_model()
    if registered is None:
        raise ConfigError("No model is registered; give a PATH or run `cloakroom model use PATH` first.")
    return registered


def _info(args: argparse.Namespace) -> int:
    path = _model_path_or_registered(args.path)
    check = validate_model_file(path, load=not args.no_load_check)
    _print_check(path, check)
    print(f"  {'Prompt in use:':<18} {_prompt_in_use_line(current_settings())}")
    return 0


def _use(args: argparse.Namespace) -> int:
    check = register_model(args.path, load=not args.no_load_check)
    for warning in check.warnings:
        _say(f"warning: {warning}")
    print(
        f"Cloakroom now uses {Path(args.path).expanduser().resolve()} "
        f"({check.info.architecture}, {check.info.quantization})."
    )
    if check.info.names_memprivacy:
        _get_official_prompts()
    return 0


def _download(args: argparse.Namespace) -> int:
    from app.core.model_files.download import download_gguf

    with _cancellable("Download interrupted; what arrived is kept, so running the same command resumes.") as (
        bar,
        cancel,
    ):
        result = download_gguf(
            args.repo,
            args.file,
            revision=args.revision,
            expected_sha256=args.sha256,
            load_check=not args.no_load_check,
            progress=bar,
            cancel=cancel,
        )
    for warning in result.check.warnings:
        _say(f"warning: {warning}")
    print(f"Downloaded {result.path} ({format_bytes(result.check.info.file_size)}, {result.check.info.quantization}).")
    return _maybe_register(result.path, args.use)


def _maybe_register(path: Path, use: bool) -> int:
    if inspect_gguf(path).names_memprivacy:
        _get_official_prompts()
    if use:
        register_model(path, load=False)  # just validated
        print(f"Cloakroom now uses {path}.")
    else:
        print(f"To use it: cloakroom model use {path}")
    return 0


def _convert(args: argparse.Namespace) -> int:
    from app.core.model_files import convert

    if args.clean:
        removed = convert.remove_conversion_cache()
        print("Removed the downloaded weights and intermediates." if removed else "There was nothing to remove.")
        return 0
    converter = convert.install_converter_from_sdist(Path(args.sdist).expanduser()) if args.sdist else None
    if args.source:
        return _convert_local(Path(args.source).expanduser(), args, converter)
    model = load_catalog().find(args.size)
    _print_licence(model.licence, model.name)
    ask_about_download = not args.keep_download and not args.delete_download and sys.stdin.isatty()
    with _cancellable("Conversion interrupted; unfinished files were deleted (downloaded weights are kept).") as (
        bar,
        cancel,
    ):
        result = convert.convert_official_model(
            model,
            args.quant,
            revision=args.revision,
            converter=converter,
            use_llama_cpp_converter=args.llama_cpp_converter,
            n_threads=args.threads or 0,
            keep_download=args.keep_download or ask_about_download,
            progress=bar,
            cancel=cancel,
        )
    print(f"Converted {model.repo} to {result.path} ({format_bytes(result.check.info.file_size)}).")
    if ask_about_download:
        _offer_to_delete_download(convert.conversion_work_dir(model, args.revision))
    return _maybe_register(result.path, args.use)


def _convert_local(checkpoint: Path, args: argparse.Namespace, converter: Converter | None) -> int:
    """``--from FOLDER``: a checkpoint already on this machine; nothing is downloaded or deleted."""
    from app.core.model_files import convert

    with _cancellable("Conversion interrupted; unfinished files were deleted.") as (bar, cancel):
        result = convert.convert_local_checkpoint(
            checkpoint,
            args.quant or "Q4_K_M",
            converter=converter,
            n_threads=args.threads or 0,
            progress=bar,
            cancel=cancel,
        )
    print(f"Converted {checkpoint} to {result.path} ({format_bytes(result.check.info.file_size)}).")
    return _maybe_register(result.path, args.use)


def _offer_to_delete_download(work: Path) -> None:
    """The BF16 download is as large as the model twice over; it is only needed to convert again."""
    size = sum(path.stat().st_size for path in work.rglob("*") if path.is_file()) if work.exists() else 0
    if not size:
        return
    answer = input(f"Delete the downloaded weights ({format_bytes(size)}, only needed to convert again)? [Y/n] ")
    if answer.strip().lower() in ("", "y", "yes"):
        shutil.rmtree(work, ignore_errors=True)
        print("Deleted the downloaded weights.")
    else:
        print(f"Kept them in {work} (`cloakroom model convert --clean` deletes them later).")


def _fetch_prompt(args: argparse.Namespace) -> int:
    from app.core.model_files import official_prompt

    specs = [spec for spec in official_prompt.official_prompt_specs() if args.variant in ("all", spec.variant)]
    if args.url and len(specs) != 1:
        raise ConfigError("--url takes one variant: add --variant repository or --variant benchmark.")
    wanted = [spec for spec in specs if args.force or not official_prompt.is_installed(spec)]
    if not wanted:
        print(f"The official prompt is already installed and verified: {official_prompt.official_prompt_path().parent}")
        return 0
    _print_licence(wanted[0].licence, "the official prompt")
    with _cancellable("Cancelled; nothing was stored.") as (bar, cancel):
        for spec in wanted:
            path = official_prompt.fetch_official_prompt(url=args.url, spec=spec, progress=bar, cancel=cancel)
            print(f"Stored the verified official prompt ({spec.variant}) at {path}.")
    print("With the prompt setting 'auto' (the default) the model now runs with it.")
    return 0


def _test(args: argparse.Namespace) -> int:
    from app.core.model_files.runtime import load_model

    settings = current_settings()
    path = _model_path_or_registered(args.path)
    started = time.perf_counter()
    loaded = load_model(
        path,
        n_ctx=args.ctx or min(settings.n_ctx, 2048),
        n_threads=args.threads or settings.n_threads,
        n_gpu_layers=settings.n_gpu_layers if args.gpu_layers is None else args.gpu_layers,
    )
    load_seconds = time.perf_counter() - started
    try:
        if loaded.notice:
            _say(f"note: {loaded.notice}")
        _report_run(loaded, load_seconds, args.max_tokens)
    finally:
        loaded.close()
    return 0


def _report_run(loaded: LoadedModel, load_seconds: float, max_tokens: int) -> None:
    """Ask the model the built-in `TEST_PROMPT` and report speed and memory. The reply printed is to that fixed
    prompt, never to the person's text: this command reads no clipboard, file or input."""
    started = time.perf_counter()
    answer = loaded.llama.create_chat_completion(
        messages=[{"role": "user", "content": TEST_PROMPT}], max_tokens=max_tokens, temperature=0.0
    )
    seconds = time.perf_counter() - started
    assert isinstance(answer, dict)  # not streamed: one response, not an iterator of chunks
    tokens = int(answer["usage"]["completion_tokens"])
    reply = (answer["choices"][0]["message"].get("content") or "").strip().replace("\n", " ")
    memory = loaded.memory()
    print(f"Model:         {loaded.path}")
    print(f"Device:        {loaded.device} (GPU layers: {'all' if loaded.n_gpu_layers < 0 else loaded.n_gpu_layers})")
    print(f"Threads:       {loaded.n_threads} (batch {loaded.n_threads_batch}), context {loaded.n_ctx}")
    print(f"Loaded in:     {load_seconds:.1f} s")
    print(f"Answered:      {tokens} tokens in {seconds:.1f} s ({tokens / seconds if seconds else 0:.1f} tokens/s)")
    print(f"Answer:        {reply[:100]!r}")
    print(
        f"Memory:        weights {_size_or_dash(memory.weights_bytes)}, "
        f"KV cache {_size_or_dash(memory.kv_cache_bytes)}, "
        f"process {_size_or_dash(memory.process_bytes)}"
    )


def _size_or_dash(size: int | None) -> str:
    return "—" if size is None else format_bytes(size)


def _hardware(args: argparse.Namespace) -> int:
    from app.core.model_files.hardware import detect_hardware, recommend

    info = detect_hardware()
    total, available = _size_or_dash(info.total_ram_bytes), _size_or_dash(info.available_ram_bytes)
    print(f"RAM:            {total} total, {available} available")
    cores = f"{info.physical_cores} physical ({info.logical_cores} logical), {info.free_physical_cores} free now"
    print(f"CPU cores:      {cores}")
    for gpu in info.gpus:
        free = f", {format_bytes(gpu.free_bytes)} free" if gpu.free_bytes is not None else ""
        print(f"GPU:            {gpu.name}, {format_bytes(gpu.total_bytes)}{free}")
    print(
        f"GPU offload:    {'supported by this llama.cpp build' if info.gpu_offload_supported else 'not in this build'}"
    )
    if args.no_measure:
        advice = recommend(info, load_catalog())
        print(
            f"Recommended:    {advice.model.size} ({advice.model.repo}) at {advice.quantization}, "
            f"{'on the GPU' if advice.use_gpu else 'on the CPU'} — {advice.reason} (from memory alone, not measured)"
        )
        for warning in advice.warnings:
            _say(f"warning: {warning}")
        return 0
    return _measured_recommendation(info, args)


def _measured_recommendation(info: HardwareInfo, args: argparse.Namespace) -> int:
    """Measure stand-ins (and the registered model), print the speed table and the choice it leads to."""
    from app.core.model_files import speed

    catalog = load_catalog()
    use_gpu = info.gpu_offload_supported and bool(info.gpus) and not args.cpu
    threads = args.threads or info.free_physical_cores
    _say(f"Measuring on this machine ({threads} threads, {'GPU' if use_gpu else 'CPU'}): stand-ins of each size…")
    quantizations = [args.quant] if args.quant else speed.MEASURED_QUANTIZATIONS
    with _cancellable("Measurement interrupted.") as (bar, cancel):
        options = speed.measure_options(
            catalog, info, n_threads=threads, use_gpu=use_gpu, quantizations=quantizations, progress=bar, cancel=cancel
        )
    speed.save_estimates(options)
    own = registered_model()
    if own is not None and own.is_file():
        options.append(_measure_own(own, catalog, threads, use_gpu))
    print(_speed_table(options))
    advice = speed.recommend_from_speed(options, catalog)
    if advice is not None:
        option = advice.option
        print(
            f"Recommended:    {option.model.size} ({option.model.repo}) at {option.quantization}, "
            f"{'on the GPU' if use_gpu else 'on the CPU'} — {advice.reason}"
        )
        for warning in advice.warnings:
            _say(f"warning: {warning}")
    return 0


def _measure_own(path: Path, catalog: Catalog, threads: int, use_gpu: bool) -> SpeedOption:
    from app.core.model_files import speed

    info = inspect_gguf(path)
    model = min(catalog.models, key=lambda entry: abs(entry.parameters - info.parameter_count))
    return speed.measure_own_model(path, model, info.quantization, n_threads=threads, use_gpu=use_gpu)


def _speed_table(options: list[SpeedOption]) -> str:
    """One row per option: what it needs and how long a short chat message and a 2 KB e-mail take."""
    header = (
        f"{'model':<8}{'quant':<8}{'memory':>10}{'prompt tok/s':>14}{'steps/s':>9}{'chat msg':>10}{'2 KB mail':>11}"
    )
    lines = ["", header]
    for option in options:
        note = "  (your model, measured)" if option.measured_directly else "" if option.fits else "  (does not fit)"
        lines.append(
            f"{option.model.size.upper():<8}{option.quantization:<8}{format_bytes(option.memory_bytes):>10}"
            f"{option.speed.prompt_tokens_per_s:>14.1f}{option.speed.steps_per_s:>9.1f}"
            f"{f'~{option.short_seconds:.1f} s':>10}{f'~{option.email_seconds:.1f} s':>11}{note}"
        )
    lines.append("Estimates from stand-ins of each size; Settings → Model → Test compares them with your real model.")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------------------------------
# Parser


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this group's subcommands to the `cloakroom` parser."""
    model = subparsers.add_parser("model", help="get, check and choose the detector model")
    model.set_defaults(handler=lambda _args: model.print_help() or 2)
    commands = model.add_subparsers(dest="model_command", metavar="ACTION")

    listing = subcommand(commands, "list", "list local and known models, the registered one marked *", _list)
    listing.add_argument("--no-hardware", action="store_true", help="skip the hardware recommendation")

    info = subcommand(
        commands, "info", "check a GGUF file and show its metadata (default: the registered model)", _info
    )
    info.add_argument("path", nargs="?", metavar="PATH")
    info.add_argument("--no-load-check", action="store_true", help="read the header only; do not load it")

    use = subcommand(commands, "use", "check a GGUF file and make it the model Cloakroom uses", _use)
    use.add_argument("path", metavar="PATH")
    use.add_argument("--no-load-check", action="store_true", help="read the header only; do not load it")

    download = subcommand(commands, "download", "download a GGUF file from a Hugging Face repository", _download)
    download.add_argument("repo", metavar="REPO", help="repository id, e.g. someone/MemPrivacy-4B-RL-GGUF")
    download.add_argument("file", metavar="FILE", help="file name in the repository, e.g. model-Q4_K_M.gguf")
    download.add_argument("--revision", default="main", help="branch, tag or commit (default: main)")
    download.add_argument("--sha256", metavar="HEX", help="also require this SHA-256")
    download.add_argument("--use", action="store_true", help="register it once downloaded")
    download.add_argument("--no-load-check", action="store_true", help="check the header only")

    convert = subcommand(commands, "convert", "download the official weights and convert them to a GGUF here", _convert)
    convert.add_argument("--size", default="4b", help="4b (default) or 1.7b for machines with less memory")
    convert.add_argument(
        "--quant",
        default=None,
        type=str.upper,
        choices=list(QUANTIZATIONS),
        help="quantization (default: the catalog's recommendation, Q4_K_M)",
    )
    convert.add_argument("--revision", default="main", help="branch, tag or commit of the weights (default: main)")
    convert.add_argument(
        "--from",
        dest="source",
        metavar="FOLDER",
        help="convert a Hugging Face checkpoint folder already on this machine instead of downloading",
    )
    convert.add_argument(
        "--llama-cpp-converter",
        action="store_true",
        help="use llama.cpp's convert_hf_to_gguf.py (needs cloakroom[convert]: torch) instead of Cloakroom's own",
    )
    convert.add_argument("--sdist", metavar="FILE", help="a llama-cpp-python source archive to take the converter from")
    convert.add_argument("--threads", type=int, default=0, help="threads for converting and quantizing (default: all)")
    convert.add_argument("--keep-download", action="store_true", help="keep the downloaded weights afterwards")
    convert.add_argument(
        "--delete-download", action="store_true", help="delete the downloaded weights afterwards without asking"
    )
    convert.add_argument("--use", action="store_true", help="register the result")
    convert.add_argument("--clean", action="store_true", help="only delete weights kept from an unfinished conversion")

    fetch = subcommand(commands, "fetch-prompt", "download the official prompt template and verify it", _fetch_prompt)
    fetch.add_argument(
        "--variant",
        choices=("all", "repository", "benchmark"),
        default="all",
        help="the authors' template (repository), their evaluation's (benchmark), or both (default)",
    )
    fetch.add_argument("--url", help="fetch from this address instead (still verified against the known file)")
    fetch.add_argument("--force", action="store_true", help="fetch again even if a verified copy is installed")

    test = subcommand(
        commands, "test", "load a model as the app would, let it answer once, show speed and memory", _test
    )
    test.add_argument("path", nargs="?", metavar="PATH")
    test.add_argument("--gpu-layers", type=int, help="layers on the GPU (-1 all, 0 none; default: the setting)")
    test.add_argument("--threads", type=int, help="threads (default: the setting, else the free physical cores)")
    test.add_argument("--ctx", type=int, help="context length (default: the setting, at most 2048 here)")
    test.add_argument("--max-tokens", type=int, default=16, help="answer length (default 16)")

    hardware = subcommand(
        commands,
        "hardware",
        "show memory, cores and GPUs, measure speed, and recommend a model for this machine",
        _hardware,
    )
    hardware.add_argument("--no-measure", action="store_true", help="recommend from memory alone, without measuring")
    hardware.add_argument("--threads", type=int, default=0, help="threads to measure with (default: free cores)")
    hardware.add_argument("--cpu", action="store_true", help="measure on the CPU even where a GPU is usable")
    hardware.add_argument("--quant", type=str.upper, choices=list(QUANTIZATIONS), help="measure only this quantization")
