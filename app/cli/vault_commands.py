"""`cloakroom vault ...`: look after the encrypted vault from a terminal.

    cloakroom vault status | list [--reveal] | forget PLACEHOLDER | wipe | passwd | set-name NAME | move-aside

Every command takes ``--vault PATH`` (default: the data folder's vault), ``--passphrase-stdin`` and ``--scope NAME``.
Results go to stdout, messages to stderr; originals are shown only by ``list --reveal``, and never in a message.
At a terminal, a passphrase the vault needs is asked for (twice when it is a new one).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from app.cli import common
from app.cli.parsing import Handler, subcommand
from app.core.errors import Cancelled, ConfigError, InputError
from app.core.paths import app_paths
from app.core.placeholders import find_placeholder_tokens
from app.core.settings import load_settings
from app.core.vault import (
    PassphrasePurpose,
    Vault,
    VaultError,
    backend_name,
    is_secure_backend,
    move_vault_aside,
    open_vault,
    read_keyinfo,
)
from app.core.vault.keys import current_backend

NEW_PASSPHRASE_ENV = "CLOAKROOM_NEW_PASSPHRASE"


# --- options and opening ------------------------------------------------------------------------------------------


def add_vault_options(parser: argparse.ArgumentParser) -> None:
    """The shared ``--vault PATH`` and ``--passphrase-stdin``, plus ``--scope NAME`` for the vault commands."""
    common.add_vault_options(parser)
    parser.add_argument("--scope", default="", metavar="NAME", help="a named scope (default: the vault-wide one)")


def vault_from_args(args: argparse.Namespace, *, create: bool = True) -> Vault:
    """Open the vault the options name, asking for a passphrase only if it needs one."""
    return open_vault(
        _vault_path(args),
        passphrase=common.passphrase_source(args),
        create=create,
        scope=getattr(args, "scope", ""),
        retention_days=_retention_days(),
    )


def _vault_path(args: argparse.Namespace) -> Path:
    return args.vault if getattr(args, "vault", None) is not None else app_paths().vault


def _retention_days() -> int:
    """The retention setting; a broken settings file must not keep a person from their vault, so it means 'off'."""
    try:
        return load_settings(app_paths().settings).retention_days
    except ConfigError as error:
        print(f"cloakroom: {error} Retention is off for this command.", file=sys.stderr)
        return 0


# --- registration -----------------------------------------------------------------------------------------------


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this group's subcommands to the `cloakroom` parser."""
    vault = subparsers.add_parser("vault", help="look after the encrypted vault of placeholders")
    commands = vault.add_subparsers(dest="vault_command", metavar="ACTION", required=True)

    _command(commands, "status", "where the vault is, how it is keyed, how many mappings it holds", _status)

    listing = _command(commands, "list", "placeholders with their types and levels", _list)
    listing.add_argument("--reveal", action="store_true", help="also show the original values (on stdout)")

    forget = _command(commands, "forget", "forget one placeholder and its original value", _forget)
    forget.add_argument("placeholder", metavar="PLACEHOLDER", help="for example '<Email_1>'")

    wipe = _command(commands, "wipe", "remove every mapping and every private setting", _wipe)
    wipe.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    wipe.add_argument("--keep-settings", action="store_true", help="keep your name, allow-list and always-mask list")

    passwd = _command(commands, "passwd", "change the passphrase, or rotate the key kept in the OS keyring", _passwd)
    choice = passwd.add_mutually_exclusive_group()
    choice.add_argument("--use-passphrase", action="store_true", help="protect the vault with a passphrase from now on")
    choice.add_argument("--use-keyring", action="store_true", help="keep a new random key in the OS keyring instead")

    set_name = _command(commands, "set-name", "set your real name (kept encrypted in the vault)", _set_name)
    set_name.add_argument("name", nargs="?", metavar="NAME", help="your full name; '-' reads it from stdin")
    set_name.add_argument("--clear", action="store_true", help="remove the stored name")

    aside = _command(commands, "move-aside", "rename a damaged vault so a new one can start (deletes nothing)", _aside)
    aside.add_argument("--yes", action="store_true", help="do not ask for confirmation")


def _command(
    commands: argparse._SubParsersAction, name: str, help_text: str, handler: Handler
) -> argparse.ArgumentParser:
    """A vault subcommand: every one takes the vault options."""
    parser = subcommand(commands, name, help_text, handler)
    add_vault_options(parser)
    return parser


# --- handlers ---------------------------------------------------------------------------------------------------


def _status(args: argparse.Namespace) -> int:
    path = _vault_path(args)
    backend = current_backend()
    secure = "secure" if is_secure_backend(backend) else "not secure: a passphrase is used instead"
    print(f"vault: {path}")
    print(f"keyring: {backend_name(backend)} ({secure})")
    print(f"retention: {_describe_retention(_retention_days())}")
    if not path.exists():
        print("state: no vault yet (one is created when something is first masked)")
        return 0
    info = read_keyinfo(path)
    print(f"key: {info.current.method if info else 'unknown (the key-info file is missing)'}")
    with vault_from_args(args, create=False) as vault:
        status = vault.status()
    print(f"schema: {status.schema_version}")
    print(f"mappings: {status.entries}")
    if any(status.scopes):
        print(f"scopes: {', '.join(scope or '(vault-wide)' for scope in status.scopes)}")
    print(f"size: {status.file_bytes} bytes")
    print("state: unlocked and readable")
    return 0


def _describe_retention(days: int) -> str:
    return f"mappings unused for {days} days expire" if days > 0 else "off (mappings are kept until forgotten)"


def _list(args: argparse.Namespace) -> int:
    with vault_from_args(args, create=False) as vault:
        entries = vault.entries()
    header = ["PLACEHOLDER", "TYPE", "LEVEL", "LAST USED"] + (["ORIGINAL"] if args.reveal else [])
    rows = [header]
    for entry in entries:
        row = [entry.mapping.placeholder, entry.mapping.type, entry.mapping.level.label, _date(entry.last_used)]
        if args.reveal:
            row.append(entry.mapping.original)
        rows.append(row)
    widths = [max(len(row[column]) for row in rows) for column in range(len(header) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)] + [row[-1]]
        print("  ".join(cells).rstrip())
    print(f"{len(entries)} mapping{'s' if len(entries) != 1 else ''}.", file=sys.stderr)
    return 0


def _date(timestamp: int) -> str:
    return time.strftime("%Y-%m-%d", time.localtime(timestamp))


def _forget(args: argparse.Namespace) -> int:
    key = placeholder_key_from_argument(args.placeholder)
    with vault_from_args(args, create=False) as vault:
        mapping = vault.lookup([key]).get(key)
        if mapping is None or not vault.forget_key(key):
            raise VaultError("The vault holds no mapping for that placeholder; nothing was changed.")
    print(f"Forgot {mapping.placeholder}; its number will not be given to another value.", file=sys.stderr)
    return 0


def placeholder_key_from_argument(text: str) -> str:
    """The key of a placeholder typed on the command line, in any shape unmasking accepts (``<Email_1>``, ...)."""
    stripped = text.strip()
    tokens = find_placeholder_tokens(stripped)
    if len(tokens) != 1 or (tokens[0].start, tokens[0].end) != (0, len(stripped)):
        raise InputError("That is not a placeholder; give one such as '<Email_1>'.")
    return tokens[0].key


def _wipe(args: argparse.Namespace) -> int:
    what = "every mapping" + ("" if args.keep_settings else " and private setting")
    _confirm(args, f"Type 'wipe' to remove {what} from the vault: ", "wipe")
    with vault_from_args(args, create=False) as vault:
        removed = vault.wipe(keep_private_settings=args.keep_settings)
    kept = "; your name and lists were kept" if args.keep_settings else " and the private settings"
    print(f"Wiped the vault: {removed} mapping{'s' if removed != 1 else ''}{kept}.", file=sys.stderr)
    return 0


def _passwd(args: argparse.Namespace) -> int:
    with vault_from_args(args, create=False) as vault:
        to_passphrase = args.use_passphrase or (vault.key_method == "passphrase" and not args.use_keyring)
        if to_passphrase:
            vault.change_passphrase(_new_passphrase(args))
            print("The vault is now protected by the new passphrase.", file=sys.stderr)
        else:
            vault.rotate_key()
            print("The vault now has a new random key, kept in the OS keyring.", file=sys.stderr)
    return 0


def _new_passphrase(args: argparse.Namespace) -> str:
    """From ``CLOAKROOM_NEW_PASSPHRASE``, the next stdin line (``--passphrase-stdin``), or asked twice at a terminal."""
    value = os.environ.get(NEW_PASSPHRASE_ENV)
    if not value:
        source = common.passphrase_source(args)
        value = source(PassphrasePurpose.CHANGE) if source is not None else None
    if not value:
        raise InputError(
            f"A new passphrase is needed: type it when asked, set {NEW_PASSPHRASE_ENV}, or give it as a line on stdin "
            "with --passphrase-stdin. Nothing was changed."
        )
    return value


def _set_name(args: argparse.Namespace) -> int:
    if args.clear == (args.name is not None):
        raise InputError("Give either a NAME (or '-' to read it from stdin) or --clear.")
    if args.name == "-" and args.passphrase_stdin:
        raise InputError("Stdin can hold the name or the passphrase, not both: set CLOAKROOM_PASSPHRASE instead.")
    name = None if args.clear else (sys.stdin.readline().strip() if args.name == "-" else args.name)
    if not args.clear and not (name or "").strip():
        raise InputError("The name is empty; nothing was changed (use --clear to remove the stored name).")
    with vault_from_args(args) as vault:
        vault.set_real_name(name)
    print("Real name removed." if args.clear else "Real name saved in the vault.", file=sys.stderr)
    return 0


def _aside(args: argparse.Namespace) -> int:
    path = _vault_path(args)
    if not path.exists():
        raise VaultError(f"There is no vault at {path}; nothing was moved.")
    _confirm(
        args,
        "This renames the vault and its files (nothing is deleted); a new, empty vault starts on next use. "
        "Quit the Cloakroom app first. Type 'move' to go on: ",
        "move",
    )
    target = move_vault_aside(path)
    print(target)
    print("The vault was moved aside; keep those files if you may want to recover them.", file=sys.stderr)
    return 0


def _confirm(args: argparse.Namespace, prompt: str, word: str) -> None:
    if args.yes:
        return
    if not sys.stdin.isatty():
        raise InputError("This cannot be undone; confirm with --yes when not running at a terminal.")
    print(prompt, end="", file=sys.stderr, flush=True)
    if sys.stdin.readline().strip().lower() != word:
        raise Cancelled()
