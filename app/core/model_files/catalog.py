"""The models Cloakroom knows, read from ``resources/models.json``.

A data file rather than code, so a new model (or a community GGUF repository once one appears) is one entry, and the
setup wizard, the command line and the hardware check all read the same sizes, licence and RAM needs.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from app.core.errors import ConfigError
from app.resources import resource_path

CATALOG_RESOURCE = "models.json"


@dataclass(frozen=True)
class Licence:
    spdx: str
    name: str
    url: str
    summary: str


@dataclass(frozen=True)
class CatalogModel:
    id: str
    name: str
    size: str  # "4b", "1.7b": what `cloakroom model convert --size` takes
    repo: str
    base_model: str
    architecture: str
    parameters: int
    context_length: int
    licence: Licence
    default: bool
    weights_bytes: int
    gguf_sizes: Mapping[str, int]
    recommended_quantization: str
    min_ram_gb: float
    description: str

    def gguf_filename(self, quantization: str) -> str:
        """The local file name of a conversion, e.g. ``MemPrivacy-4B-RL-Q4_K_M.gguf``."""
        return f"{self.repo.split('/')[-1]}-{quantization.upper()}.gguf"

    def expected_gguf_size(self, quantization: str) -> int | None:
        return self.gguf_sizes.get(quantization.upper())


@dataclass(frozen=True)
class PromptSpec:
    """A published version of the official prompt template, identified by its size and hashes.

    ``url`` is pinned to a commit of the authors' repository, so an edit upstream cannot break every fetch;
    ``fallback_urls`` (the default branch) are tried only when the pinned file cannot be had.
    """

    variant: str
    description: str
    url: str
    size: int
    git_blob_id: str | None
    sha256: str | None
    licence: Licence
    fallback_urls: tuple[str, ...] = ()

    @property
    def urls(self) -> tuple[str, ...]:
        return (self.url, *self.fallback_urls)


@dataclass(frozen=True)
class Catalog:
    models: tuple[CatalogModel, ...]
    prompts: tuple[PromptSpec, ...]

    def default_model(self) -> CatalogModel:
        return next((model for model in self.models if model.default), self.models[0])

    def find(self, key: str) -> CatalogModel:
        """By id, size ("4b", "1.7B") or repository id; `ConfigError` names the choices."""
        wanted = key.strip().lower()
        for model in self.models:
            if wanted in (model.id, model.size, model.repo.lower()):
                return model
        choices = ", ".join(model.size for model in self.models)
        raise ConfigError(f"Unknown model {key!r}; choose one of: {choices}.")

    def prompt(self, variant: str = "repository") -> PromptSpec:
        for spec in self.prompts:
            if spec.variant == variant:
                return spec
        raise ConfigError(f"Unknown official prompt variant {variant!r}.")


def _licence(licences: Mapping[str, Any], spdx: str) -> Licence:
    entry = licences[spdx]
    return Licence(spdx=spdx, name=entry["name"], url=entry["url"], summary=entry["summary"])


def _model(entry: Mapping[str, Any], licences: Mapping[str, Any]) -> CatalogModel:
    return CatalogModel(
        id=entry["id"],
        name=entry["name"],
        size=entry["size"].lower(),
        repo=entry["repo"],
        base_model=entry["base_model"],
        architecture=entry["architecture"],
        parameters=int(entry["parameters"]),
        context_length=int(entry["context_length"]),
        licence=_licence(licences, entry["licence"]),
        default=bool(entry.get("default", False)),
        weights_bytes=int(entry["weights"]["approx_bytes"]),
        gguf_sizes={name.upper(): int(size) for name, size in entry["gguf_sizes"].items()},
        recommended_quantization=entry["recommended_quantization"],
        min_ram_gb=float(entry["min_ram_gb"]),
        description=entry.get("description", ""),
    )


def _prompt(entry: Mapping[str, Any], licences: Mapping[str, Any]) -> PromptSpec:
    return PromptSpec(
        variant=entry["variant"],
        description=entry.get("description", ""),
        url=entry["url"],
        size=int(entry["size"]),
        git_blob_id=entry.get("git_blob_id"),
        sha256=entry.get("sha256"),
        licence=_licence(licences, entry["licence"]),
        fallback_urls=tuple(entry.get("fallback_urls", ())),
    )


def parse_catalog(data: Mapping[str, Any]) -> Catalog:
    licences = data["licences"]
    models = tuple(_model(entry, licences) for entry in data["models"])
    if not models:
        raise ConfigError("The model catalog lists no models.")
    prompts = tuple(_prompt(entry, licences) for entry in data.get("official_prompts", ()))
    return Catalog(models=models, prompts=prompts)


@lru_cache(maxsize=4)
def _load_cached(path: Path) -> Catalog:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return parse_catalog(data)
    except FileNotFoundError:
        raise ConfigError(f"The model catalog {path} is missing; reinstall Cloakroom.") from None
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
        raise ConfigError(
            f"The model catalog {path} is damaged ({error.__class__.__name__}); reinstall Cloakroom."
        ) from None


def load_catalog(path: Path | None = None) -> Catalog:
    """The catalog shipped with the app (or one at ``path``, for tests and packagers)."""
    return _load_cached((path or resource_path(CATALOG_RESOURCE)).resolve())
