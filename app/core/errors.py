"""Errors the person sees. Messages name what failed and what to do — never the user's text."""

from __future__ import annotations


class CloakroomError(Exception):
    """Base class: its message is safe to show in a dialog or print on stderr (it never quotes user text)."""


class InputError(CloakroomError):
    """The input cannot be masked as it is (binary, too large, not text)."""


class Cancelled(Exception):
    """The person cancelled the work; nothing was changed.

    Not a `CloakroomError`: a cancel is the person's choice, not a failure, so it must never reach an error dialog.
    Code that reports errors catches `CloakroomError` and lets a cancel pass to whoever handles it as a cancel (the
    worker, a background job, the command line), in whatever order its ``except`` clauses stand. Its message is
    safe to show, like a `CloakroomError`'s.
    """

    def __init__(self, message: str = "Cancelled; nothing was changed.") -> None:
        super().__init__(message)


class ModelError(CloakroomError):
    """The detector model could not be loaded or did not run."""


class ModelOutputError(ModelError):
    """The model's answer was cut off or malformed; its findings cannot be trusted, so nothing is masked from it."""


class VaultError(CloakroomError):
    """The vault could not be opened, read or written."""


class VaultLockedError(VaultError):
    """The vault's key is missing or wrong."""


class ConfigError(CloakroomError):
    """A settings file or command-line option is invalid."""
