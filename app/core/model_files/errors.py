"""Errors of getting and running a model. Each message says what failed and what the person can do about it."""

from __future__ import annotations

from app.core.errors import ModelError


class InvalidModelFile(ModelError):
    """The file is not a usable GGUF model (wrong format, damaged, cut short, or llama.cpp refuses it)."""


class ModelLoadError(ModelError):
    """llama.cpp could not load the model, not even on the CPU."""


class DownloadError(ModelError):
    """A download failed: the hub could not be reached, refused, or sent something else than announced."""


class ChecksumMismatch(DownloadError):
    """The downloaded bytes are not the ones the repository publishes; the file was deleted."""


class NotEnoughDiskSpace(ModelError):
    """Refused before starting: the disk cannot hold what the operation would write."""


class ConversionError(ModelError):
    """Turning the official weights into a GGUF failed."""


class MissingConversionTools(ConversionError):
    """The optional packages or llama.cpp's converter script needed for conversion are not installed."""


class QuantizationError(ModelError):
    """llama.cpp could not quantize the model."""


class PromptVerificationError(ModelError):
    """The fetched prompt template is not byte-for-byte the known official file; it was not stored."""
