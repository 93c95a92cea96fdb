"""Cloakroom: mask private data in the clipboard before it reaches a web chatbot, and restore it afterwards."""

from importlib import metadata

try:
    __version__ = metadata.version("cloakroom")
except metadata.PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
