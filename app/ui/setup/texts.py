"""What the setup assistant says: translated labels for the core's stage, quantization and metadata names, and
sentences and tables built from the core's figures (durations, hardware, measured speeds, download rates)."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication

from app.core.model_files import progress as stages
from app.core.model_files import speed
from app.core.model_files.gguf_info import format_bytes
from app.core.model_files.hardware import HardwareInfo

BYTE_STAGES = frozenset({stages.DOWNLOAD, stages.VERIFY, stages.CONVERT, stages.QUANTIZE})
RATE_AFTER_S = 1.0  # measure speed only after this long, so the first burst does not promise too much

translate = QCoreApplication.translate  # by this name, Qt's lupdate finds the strings of module-level functions


def stage_label(stage: str) -> str:
    labels = {
        stages.CHECK: translate("SetupWizard", "Checking free space and tools"),
        stages.CONVERTER: translate("SetupWizard", "Fetching llama.cpp's converter"),
        stages.DOWNLOAD: translate("SetupWizard", "Downloading"),
        stages.VERIFY: translate("SetupWizard", "Verifying the checksum"),
        stages.CONVERT: translate("SetupWizard", "Converting to GGUF"),
        stages.QUANTIZE: translate("SetupWizard", "Quantizing"),
        stages.LOAD: translate("SetupWizard", "Checking that llama.cpp loads it"),
        stages.CLEANUP: translate("SetupWizard", "Deleting intermediate files"),
    }
    return labels.get(stage, stage)


def quantization_description(name: str) -> str:
    descriptions = {
        "Q4_K_M": translate("SetupWizard", "recommended: small and close to the original"),
        "Q4_K_S": translate("SetupWizard", "a little smaller than Q4_K_M, a little worse"),
        "Q5_K_M": translate("SetupWizard", "between Q4_K_M and Q6_K"),
        "Q6_K": translate("SetupWizard", "nearly lossless"),
        "Q8_0": translate("SetupWizard", "practically lossless, twice the size of Q4_K_M"),
        "F16": translate("SetupWizard", "unquantized, half precision"),
        "BF16": translate("SetupWizard", "unquantized, the official weights' own precision"),
    }
    return descriptions.get(name, "")


def format_duration(seconds: float) -> str:
    if seconds < 60:
        return translate("SetupWizard", "less than a minute")
    minutes = round(seconds / 60)
    if minutes < 60:
        return translate("SetupWizard", "about {minutes} min").format(minutes=minutes)
    return translate("SetupWizard", "about {hours} h {minutes} min").format(hours=minutes // 60, minutes=minutes % 60)


def metadata_label(name: str) -> str:
    """The core's English row names (`GgufInfo.summary_rows`), translated."""
    labels = {
        "Size": translate("SetupWizard", "Size"),
        "Architecture": translate("SetupWizard", "Architecture"),
        "Name": translate("SetupWizard", "Name"),
        "Quantization": translate("SetupWizard", "Quantization"),
        "Parameters": translate("SetupWizard", "Parameters"),
        "Layers": translate("SetupWizard", "Layers"),
        "Embedding length": translate("SetupWizard", "Embedding length"),
        "Attention heads": translate("SetupWizard", "Attention heads"),
        "Context length": translate("SetupWizard", "Context length"),
        "Vocabulary": translate("SetupWizard", "Vocabulary"),
        "Chat template": translate("SetupWizard", "Chat template"),
        "GGUF version": translate("SetupWizard", "GGUF version"),
        "Tensors": translate("SetupWizard", "Tensors"),
    }
    return labels.get(name, name)


def speed_table_html(options: list[speed.SpeedOption]) -> str:
    """Seconds for a short chat message and a 2 KB e-mail, per size and quantization; options that do not fit greyed."""
    header = "".join(
        f"<th align='left'>{escape(title)}&nbsp;&nbsp;</th>"
        for title in (
            translate("SetupWizard", "Model"),
            translate("SetupWizard", "Quantization"),
            translate("SetupWizard", "Short chat message"),
            translate("SetupWizard", "2 KB e-mail"),
        )
    )
    rows = []
    for option in options:
        cells = [
            option.model.name,
            option.quantization,
            translate("SetupWizard", "about {seconds:.0f} s").format(seconds=option.short_seconds),
            translate("SetupWizard", "about {seconds:.0f} s").format(seconds=option.email_seconds),
        ]
        if not option.fits:
            cells[-1] += " · " + translate("SetupWizard", "does not fit in memory")
        style = "" if option.fits else " style='color: gray'"
        rows.append(f"<tr{style}>" + "".join(f"<td>{escape(cell)}&nbsp;&nbsp;</td>" for cell in cells) + "</tr>")
    return f"<table cellspacing='2'><tr>{header}</tr>{''.join(rows)}</table>"


def describe_hardware(hardware: HardwareInfo) -> str:
    ram = format_bytes(hardware.total_ram_bytes) if hardware.total_ram_bytes else translate("SetupWizard", "unknown")
    cores = translate("SetupWizard", "{physical} processor cores").format(physical=hardware.physical_cores)
    if hardware.gpus and hardware.gpu_offload_supported:
        gpu = ", ".join(f"{gpu.name} ({format_bytes(gpu.total_bytes)})" for gpu in hardware.gpus)
    elif hardware.gpus:
        names = ", ".join(gpu.name for gpu in hardware.gpus)
        gpu = translate("SetupWizard", "{names}, which this llama.cpp cannot use").format(names=names)
    else:
        gpu = translate("SetupWizard", "none that llama.cpp can use")
    return translate("SetupWizard", "{ram} of RAM · {cores} · graphics card: {gpu}").format(
        ram=ram, cores=cores, gpu=gpu
    )


def escape(text: str) -> str:
    """Plain text made safe inside rich text (file names and messages may hold "<" or "&")."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class RateMeter:
    """Speed and time left of a byte stage, from where the stage started (a resumed download starts midway)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._stage = ""
        self._start_time = 0.0
        self._start_done = 0

    def detail(self, stage: str, done: int, total: int) -> str:
        now = self._clock()
        if stage != self._stage:
            self._stage, self._start_time, self._start_done = stage, now, done
        if total <= 0:
            return format_bytes(done) if stage in BYTE_STAGES and done else ""
        if stage not in BYTE_STAGES:
            return f"{min(100, done * 100 // total)} %"
        text = translate("SetupWizard", "{done} of {total}").format(done=format_bytes(done), total=format_bytes(total))
        elapsed = now - self._start_time
        if stage == stages.DOWNLOAD and elapsed >= RATE_AFTER_S and done > self._start_done and done < total:
            rate = (done - self._start_done) / elapsed
            text += " · " + translate("SetupWizard", "{rate}/s").format(rate=format_bytes(rate))
            text += " · " + translate("SetupWizard", "{time} left").format(time=format_duration((total - done) / rate))
        return text
