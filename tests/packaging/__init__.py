"""Tests of the installable builds (packaging/, build.spec)."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from tests.helpers.paths import REPO_ROOT

__all__ = ["REPO_ROOT", "packaging_script"]


def packaging_script(relative: str) -> ModuleType:
    """Import a script under packaging/ (they are scripts, not a package) once, by its path."""
    path = REPO_ROOT / "packaging" / relative
    name = f"_packaging_{path.stem}"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]
