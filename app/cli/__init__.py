"""The ``cloakroom`` command.

With no arguments it starts the tray app; ``--mask-clipboard``, ``--unmask-clipboard`` and ``--review`` forward to the
running app (starting it if needed). Subcommands (detect, mask, unmask, vault, model, eval) never import Qt.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
from collections.abc import Sequence

from app import __version__
from app.cli import eval_commands, model_commands, text_commands, vault_commands
from app.core.errors import Cancelled, CloakroomError

COMMAND_GROUPS = (text_commands, vault_commands, model_commands, eval_commands)

APP_ACTIONS = {
    "mask_clipboard": "mask-clipboard",
    "unmask_clipboard": "unmask-clipboard",
    "review": "review",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cloakroom",
        description="Mask private data before it reaches a chatbot, and restore it in the answer.",
    )
    parser.add_argument("--version", action="version", version=f"cloakroom {__version__}")
    app_group = parser.add_argument_group("tray app (talks to the running instance, starting it if needed)")
    app_group.add_argument("--mask-clipboard", action="store_true", help="mask the text on the clipboard")
    app_group.add_argument("--unmask-clipboard", action="store_true", help="restore originals in the clipboard text")
    app_group.add_argument("--review", action="store_true", help="open the paste-and-review window")
    app_group.add_argument(
        "--self-test", action="store_true", help="start the app offscreen, open the review window, exit"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for group in COMMAND_GROUPS:
        group.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # A frozen bundle re-runs itself for child processes (quantization runs in one): let it act as the child.
    multiprocessing.freeze_support()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            return _run_app(args)
        return int(args.handler(args) or 0)
    except (CloakroomError, Cancelled) as error:
        print(f"cloakroom: {error}", file=sys.stderr)  # a cancel says what was kept, in one line, like an error
        return 1
    except KeyboardInterrupt:
        print("cloakroom: interrupted; nothing was changed.", file=sys.stderr)
        return 130
    except OSError as error:
        # A file, folder or pipe the command needed failed in a way no layer below explained: say which, in one
        # line. A traceback would name nothing the person can act on.
        print(f"cloakroom: {_describe_os_error(error)}", file=sys.stderr)
        return 1


def _describe_os_error(error: OSError) -> str:
    """The operating system's reason and the file it concerns (a path, never the text being processed)."""
    reason = error.strerror or type(error).__name__
    return f"{reason}: {error.filename}." if error.filename else f"{reason}."


def _run_app(args: argparse.Namespace) -> int:
    """Start the tray app, or forward an action to the running one. Qt is imported only here."""
    from app.ui.main import run_app

    action = next((name for attr, name in APP_ACTIONS.items() if getattr(args, attr)), None)
    return run_app(action=action, self_test=args.self_test)
