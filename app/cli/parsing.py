"""Building the `cloakroom` parser: what every command group does the same way when it adds a subcommand."""

from __future__ import annotations

import argparse
from collections.abc import Callable

Handler = Callable[[argparse.Namespace], int]
"""Runs a parsed subcommand; returns the exit status."""


def subcommand(
    commands: argparse._SubParsersAction, name: str, help_text: str, handler: Handler
) -> argparse.ArgumentParser:
    """A subcommand whose ``--help`` repeats its one-line help as a sentence, run by ``handler``.

    ``help_text`` is written as the list of subcommands shows it (lower case, no full stop); the description gets
    the capital and the stop, so the two cannot drift apart.
    """
    parser = commands.add_parser(name, help=help_text, description=help_text[0].upper() + help_text[1:] + ".")
    parser.set_defaults(handler=handler)
    return parser
