"""`cloakroom eval ...` subcommands (not written yet)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this group's subcommands to the `cloakroom` parser."""
