"""Read a GGUF file's header and check it, without llama.cpp.

Why not just let llama.cpp try: a damaged or foreign file can make it abort the whole process, and its error says
little ("failed to load model"). Reading the header here first gives the person a sentence that names the problem
(not a GGUF file, an HTML error page saved as .gguf, a download cut short) and lets the app show the model's
metadata before anything heavy happens. The parser is strict about bounds: every length is checked against the file's
size before it is used, so a hostile file cannot make it allocate or loop without end.

Format (little-endian): magic ``GGUF``, version (u32), tensor count (u64), metadata count (u64), the metadata
key/value pairs, the tensor descriptions (name, dims, type, offset), padding to the alignment, then tensor data.
"""

from __future__ import annotations

import mmap
import os
import struct
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import gguf

from app.core.model_files.errors import InvalidModelFile

GGUF_MAGIC = b"GGUF"
SUPPORTED_VERSIONS = (2, 3)
DEFAULT_ALIGNMENT = 32
MAX_DIMS = 4
# Far above anything real (Qwen3 has ~400 tensors and ~30 keys); they only stop a damaged count from looping forever.
MAX_TENSORS = 1 << 20
MAX_KEYS = 1 << 16
MAX_STRING_BYTES = 1 << 26
EXPECTED_ARCHITECTURE = "qwen3"

# Value type codes of the GGUF metadata.
_UINT8, _INT8, _UINT16, _INT16, _UINT32, _INT32, _FLOAT32, _BOOL, _STRING, _ARRAY, _UINT64, _INT64, _FLOAT64 = range(13)
_SCALAR_FORMATS = {
    _UINT8: "<B", _INT8: "<b", _UINT16: "<H", _INT16: "<h", _UINT32: "<I", _INT32: "<i",
    _FLOAT32: "<f", _BOOL: "<?", _UINT64: "<Q", _INT64: "<q", _FLOAT64: "<d",
}  # fmt: skip
_TYPE_NAMES = {
    _UINT8: "uint8", _INT8: "int8", _UINT16: "uint16", _INT16: "int16", _UINT32: "uint32", _INT32: "int32",
    _FLOAT32: "float32", _BOOL: "bool", _STRING: "string", _ARRAY: "array", _UINT64: "uint64", _INT64: "int64",
    _FLOAT64: "float64",
}  # fmt: skip

# What other files look like, for a more helpful "not a GGUF file" message.
_FOREIGN_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a zip archive (a PyTorch checkpoint?)"),
    (b"\x80\x02", "a Python pickle (a PyTorch checkpoint?)"),
    (b"<!", "a web page (probably an error page saved instead of the model)"),
    (b"<html", "a web page (probably an error page saved instead of the model)"),
    (b"{", "a JSON or safetensors file"),
    (b"version https://git-lfs", "a Git LFS pointer, not the model itself"),
    (b"ggml", "an old GGML file (convert it to GGUF with llama.cpp)"),
    (b"ggjt", "an old GGJT file (convert it to GGUF with llama.cpp)"),
)


@dataclass(frozen=True)
class ArraySummary:
    """An array in the metadata, kept as its element type and length (token lists have 150k entries)."""

    element_type: str
    length: int

    def __str__(self) -> str:
        return f"[{self.length} × {self.element_type}]"


MetadataValue = int | float | bool | str | ArraySummary


@dataclass(frozen=True)
class GgufInfo:
    """What a GGUF file's header says about the model."""

    path: Path
    file_size: int
    version: int
    tensor_count: int
    metadata: Mapping[str, MetadataValue]
    parameter_count: int
    tensor_data_bytes: int
    tensor_types: Mapping[str, int] = field(default_factory=dict)

    def get(self, key: str) -> MetadataValue | None:
        return self.metadata.get(key)

    def _arch_value(self, suffix: str) -> MetadataValue | None:
        return self.metadata.get(f"{self.architecture}.{suffix}")

    @property
    def architecture(self) -> str:
        value = self.metadata.get("general.architecture")
        return value if isinstance(value, str) else "unknown"

    @property
    def name(self) -> str | None:
        value = self.metadata.get("general.name")
        return value if isinstance(value, str) else None

    @property
    def quantization(self) -> str:
        """The file type as people write it (Q4_K_M, Q8_0, F16), from the header or the most common tensor type."""
        code = self.metadata.get("general.file_type")
        if isinstance(code, int) and not isinstance(code, bool):
            try:
                return gguf.LlamaFileType(code).name.removeprefix("MOSTLY_").removeprefix("ALL_")
            except ValueError:
                pass
        if not self.tensor_types:
            return "unknown"
        return max(self.tensor_types.items(), key=lambda item: item[1])[0]

    def _arch_int(self, suffix: str) -> int | None:
        value = self._arch_value(suffix)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    @property
    def context_length(self) -> int | None:
        return self._arch_int("context_length")

    @property
    def block_count(self) -> int | None:
        return self._arch_int("block_count")

    @property
    def embedding_length(self) -> int | None:
        return self._arch_int("embedding_length")

    @property
    def head_count(self) -> int | None:
        return self._arch_int("attention.head_count")

    @property
    def head_count_kv(self) -> int | None:
        return self._arch_int("attention.head_count_kv") or self.head_count

    @property
    def vocab_size(self) -> int | None:
        tokens = self.metadata.get("tokenizer.ggml.tokens")
        return tokens.length if isinstance(tokens, ArraySummary) else None

    @property
    def chat_template(self) -> str | None:
        value = self.metadata.get("tokenizer.chat_template")
        return value if isinstance(value, str) else None

    def kv_cache_bytes(self, n_ctx: int, bytes_per_value: int = 2) -> int | None:
        """Memory the KV cache takes for ``n_ctx`` tokens in f16, llama.cpp's default (None when unknown)."""
        layers, heads_kv, heads, embd = self.block_count, self.head_count_kv, self.head_count, self.embedding_length
        if not (layers and heads_kv):
            return None
        key_length = self._arch_int("attention.key_length") or (embd // heads if embd and heads else None)
        value_length = self._arch_int("attention.value_length") or key_length
        if not (key_length and value_length):
            return None
        return n_ctx * layers * heads_kv * (key_length + value_length) * bytes_per_value

    @property
    def names_memprivacy(self) -> bool:
        """Whether the file says it is a MemPrivacy model (its name metadata or its file name): getting one also
        fetches the official prompt it was trained with."""
        labels = [self.path.name, *(self.get(key) for key in ("general.name", "general.basename", "general.finetune"))]
        return any(isinstance(label, str) and "memprivacy" in label.lower() for label in labels)

    def summary_rows(self) -> list[tuple[str, str]]:
        """Labelled values to show the person (command line and setup wizard alike)."""
        return [
            ("File", str(self.path)),
            ("Size", format_bytes(self.file_size)),
            ("Architecture", self.architecture),
            ("Name", self.name or "—"),
            ("Quantization", self.quantization),
            ("Parameters", format_count(self.parameter_count)),
            ("Layers", _or_dash(self.block_count)),
            ("Embedding length", _or_dash(self.embedding_length)),
            ("Attention heads", f"{_or_dash(self.head_count)} (KV {_or_dash(self.head_count_kv)})"),
            ("Context length", _or_dash(self.context_length)),
            ("Vocabulary", _or_dash(self.vocab_size)),
            ("Chat template", "yes" if self.chat_template else "no"),
            ("GGUF version", str(self.version)),
            ("Tensors", str(self.tensor_count)),
        ]


def _or_dash(value: int | None) -> str:
    return "—" if value is None else str(value)


def format_bytes(size: float) -> str:
    """Decimal units, as disks and the hub report sizes."""
    value = float(size)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if abs(value) < 1000 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} TB"


def format_count(count: int) -> str:
    if count >= 1_000_000_000:
        return f"{count / 1e9:.2f} B"
    if count >= 1_000_000:
        return f"{count / 1e6:.1f} M"
    return str(count)


class _Cursor:
    """Sequential, bounds-checked reads over the mapped file."""

    def __init__(self, buffer: mmap.mmap | bytes, path: Path) -> None:
        self.buffer = buffer
        self.size = len(buffer)
        self.position = 0
        self.path = path

    def need(self, count: int, what: str) -> None:
        if count < 0 or self.position + count > self.size:
            raise _Truncated(what)

    def unpack(self, fmt: str, what: str) -> int | float | bool:
        width = struct.calcsize(fmt)
        self.need(width, what)
        value: int | float | bool = struct.unpack_from(fmt, self.buffer, self.position)[0]
        self.position += width
        return value

    def u32(self, what: str) -> int:
        return int(self.unpack("<I", what))

    def u64(self, what: str) -> int:
        return int(self.unpack("<Q", what))

    def string(self, what: str) -> str:
        length = self.u64(what)
        if length > MAX_STRING_BYTES:
            raise _Damaged(f"{what} claims a length of {length} bytes")
        self.need(length, what)
        raw = bytes(self.buffer[self.position : self.position + length])
        self.position += length
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _Damaged(f"{what} is not valid UTF-8") from None

    def skip_string(self, what: str) -> None:
        length = self.u64(what)
        self.need(length, what)
        self.position += length


class _Truncated(Exception):
    """The header runs past the end of the file."""


class _Damaged(Exception):
    """A header field has an impossible value."""


def _read_value(cursor: _Cursor, value_type: int, key: str) -> MetadataValue:
    if value_type in _SCALAR_FORMATS:
        return cursor.unpack(_SCALAR_FORMATS[value_type], key)
    if value_type == _STRING:
        return cursor.string(key)
    if value_type == _ARRAY:
        return _read_array(cursor, key)
    raise _Damaged(f"the value of {key!r} has an unknown type ({value_type})")


def _read_array(cursor: _Cursor, key: str) -> ArraySummary:
    """Walk past an array, keeping only its type and length (every element is still bounds-checked)."""
    element_type = cursor.u32(key)
    length = cursor.u64(key)
    if element_type in _SCALAR_FORMATS:
        width = struct.calcsize(_SCALAR_FORMATS[element_type])
        if length > cursor.size:
            raise _Truncated(key)
        cursor.need(width * length, key)
        cursor.position += width * length
    elif element_type == _STRING:
        if length > cursor.size // 8:
            raise _Truncated(key)
        for _ in range(length):
            cursor.skip_string(key)
    else:
        raise _Damaged(f"the array {key!r} has elements of an unsupported type ({element_type})")
    return ArraySummary(_TYPE_NAMES.get(element_type, str(element_type)), length)


@dataclass(frozen=True)
class _TensorInfo:
    name: str
    element_count: int
    type_code: int
    offset: int
    nbytes: int


def _read_tensor_info(cursor: _Cursor, index: int) -> _TensorInfo:
    label = f"tensor {index}"
    name = cursor.string(label)
    n_dims = cursor.u32(label)
    if not 1 <= n_dims <= MAX_DIMS:
        raise _Damaged(f"{label} has {n_dims} dimensions")
    dims = [cursor.u64(label) for _ in range(n_dims)]
    type_code = cursor.u32(label)
    offset = cursor.u64(label)
    element_count = 1
    for dim in dims:
        element_count *= dim
    try:
        block_size, type_size = gguf.GGML_QUANT_SIZES[gguf.GGMLQuantizationType(type_code)]
    except (ValueError, KeyError):
        raise _Damaged(f"{label} has an unknown data type ({type_code})") from None
    if element_count % block_size:
        raise _Damaged(f"{label} has a shape that does not fit its data type")
    return _TensorInfo(name, element_count, type_code, offset, element_count // block_size * type_size)


def _describe_foreign(head: bytes) -> str:
    for signature, description in _FOREIGN_SIGNATURES:
        if head.lstrip().lower().startswith(signature.lower()):
            return f" It looks like {description}."
    return ""


def _check_magic_and_version(cursor: _Cursor, path: Path) -> int:
    head = bytes(cursor.buffer[:32])
    if head[:4] != GGUF_MAGIC:
        if head[:4] == GGUF_MAGIC[::-1]:
            raise InvalidModelFile(
                f"{path.name} is a big-endian GGUF file, which llama.cpp cannot run on this machine."
            )
        raise InvalidModelFile(
            f"{path.name} is not a GGUF model (it does not start with 'GGUF').{_describe_foreign(head)}"
        )
    cursor.position = 4
    version = cursor.u32("version")
    if version not in SUPPORTED_VERSIONS:
        if version > 0xFFFF:
            raise InvalidModelFile(
                f"{path.name} is a big-endian GGUF file, which llama.cpp cannot run on this machine."
            )
        raise InvalidModelFile(f"{path.name} uses GGUF version {version}; only versions 2 and 3 are supported.")
    return version


def _parse(cursor: _Cursor, path: Path) -> GgufInfo:
    version = _check_magic_and_version(cursor, path)
    tensor_count = cursor.u64("tensor count")
    key_count = cursor.u64("metadata count")
    if tensor_count > MAX_TENSORS or key_count > MAX_KEYS:
        raise _Damaged(f"it claims {tensor_count} tensors and {key_count} metadata entries")
    metadata: dict[str, MetadataValue] = {}
    for index in range(key_count):
        key = cursor.string(f"metadata key {index}")
        metadata[key] = _read_value(cursor, cursor.u32(key), key)
    tensors = [_read_tensor_info(cursor, index) for index in range(tensor_count)]
    alignment = metadata.get("general.alignment", DEFAULT_ALIGNMENT)
    if not isinstance(alignment, int) or alignment <= 0 or alignment & (alignment - 1):
        raise _Damaged("its alignment is not a power of two")
    data_start = -(-cursor.position // alignment) * alignment
    data_end = max((tensor.offset + tensor.nbytes for tensor in tensors), default=0)
    if tensors and data_start + data_end > cursor.size:
        raise _Truncated(f"tensor data (needs {data_start + data_end} bytes)")
    type_counts: dict[str, int] = {}
    for tensor in tensors:
        type_name = gguf.GGMLQuantizationType(tensor.type_code).name
        type_counts[type_name] = type_counts.get(type_name, 0) + 1
    return GgufInfo(
        path=path,
        file_size=cursor.size,
        version=version,
        tensor_count=tensor_count,
        metadata=metadata,
        parameter_count=sum(tensor.element_count for tensor in tensors),
        tensor_data_bytes=sum(tensor.nbytes for tensor in tensors),
        tensor_types=type_counts,
    )


def require_weights(info: GgufInfo) -> GgufInfo:
    """A GGUF without tensors (a vocabulary-only file) parses fine but is not a model."""
    if info.tensor_count == 0:
        raise InvalidModelFile(f"{info.path.name} holds no weights (it is a vocabulary-only GGUF).")
    return info


def inspect_gguf(path: str | os.PathLike[str]) -> GgufInfo:
    """Parse and check the header of a GGUF file; raise `InvalidModelFile` with a sentence for the person."""
    file_path = Path(path).expanduser()
    if not file_path.exists():
        raise InvalidModelFile(f"There is no file at {file_path}.")
    if file_path.is_dir():
        raise InvalidModelFile(f"{file_path} is a folder; choose the .gguf file inside it.")
    try:
        with file_path.open("rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            if size == 0:
                raise InvalidModelFile(f"{file_path.name} is empty (0 bytes): it is not a model.")
            if size < 24:
                raise InvalidModelFile(f"{file_path.name} is only {size} bytes long: it is not a GGUF model.")
            with mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as buffer:
                cursor = _Cursor(buffer, file_path)
                try:
                    return _parse(cursor, file_path)
                except _Truncated as error:
                    raise InvalidModelFile(
                        f"{file_path.name} is cut short: its header describes more data than the file holds "
                        f"(at {error}; the file has {size:,} bytes). The download or copy was probably interrupted."
                    ) from None
                except _Damaged as error:
                    raise InvalidModelFile(f"{file_path.name} has a damaged GGUF header: {error}.") from None
    except PermissionError:
        raise InvalidModelFile(f"Cloakroom may not read {file_path}; check the file's permissions.") from None
    except OSError as error:
        raise InvalidModelFile(f"Cannot read {file_path}: {error.strerror or error}.") from None
