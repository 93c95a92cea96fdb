"""Options and plumbing the command groups share: input, output, the vault, the engine."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.core.assembly import (
    LoadedModelDetector,
    build_engine,
    configured_model_path,
    model_detector_factory,
    private_lists_of,
)
from app.core.engine import Engine
from app.core.errors import CloakroomError, ConfigError, InputError
from app.core.paths import app_paths
from app.core.settings import PROMPT_PROFILES, Settings, load_settings
from app.core.store import MappingStore, MemoryStore
from app.core.taxonomy import Level
from app.core.text_input import decode_input
from app.core.vault.keys import PassphrasePurpose, PassphraseSource, StreamPassphrases


def add_vault_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--vault", metavar="PATH", type=Path, help="the vault file (default: in the data folder)")
    parser.add_argument(
        "--passphrase-stdin",
        action="store_true",
        help="read the vault passphrase from the first line of standard input (or set CLOAKROOM_PASSPHRASE)",
    )


def add_engine_options(parser: argparse.ArgumentParser, *, vault_optional: bool = False) -> None:
    add_vault_options(parser)
    parser.add_argument(
        "--no-vault",
        action="store_true",
        help="keep mappings in memory for this command only"
        + (" (the default when no vault exists)" if vault_optional else ""),
    )
    parser.add_argument("--model", metavar="PATH", help="a GGUF model file (default: the one set with `model use`)")
    parser.add_argument("--no-model", action="store_true", help="rules only: do not load the model")
    parser.add_argument("--min-level", choices=["PL1", "PL2", "PL3", "PL4"], help="mask this level and above")
    parser.add_argument(
        "--profile", choices=PROMPT_PROFILES, help="the model's prompt profile (default: the setting, normally auto)"
    )
    parser.add_argument("--user-name", dest="real_name", metavar="NAME", help="your real name, passed to the model")


def settings_for(args: argparse.Namespace) -> Settings:
    return load_settings(app_paths().settings)


def passphrase_source(args: argparse.Namespace) -> PassphraseSource | None:
    """stdin lines with ``--passphrase-stdin``; otherwise a prompt when a person is at the terminal; otherwise none."""
    if getattr(args, "passphrase_stdin", False):
        source = getattr(args, "_stdin_passphrases", None)
        if source is None:
            source = StreamPassphrases(sys.stdin)
            args._stdin_passphrases = source  # one reader, so `passwd` reads the current and then the new line
        return source
    if sys.stdin.isatty():
        return _prompt_passphrase
    return None


def _prompt_passphrase(purpose: PassphrasePurpose) -> str | None:
    if purpose is PassphrasePurpose.UNLOCK:
        return getpass.getpass("Vault passphrase: ", stream=sys.stderr) or None
    first = getpass.getpass("New vault passphrase: ", stream=sys.stderr)
    if not first:
        return None
    if getpass.getpass("Repeat it: ", stream=sys.stderr) != first:
        raise InputError("The two passphrases differ; nothing was changed.")
    return first


def open_store(args: argparse.Namespace, settings: Settings, *, must_exist: bool = False) -> MappingStore:
    """The vault (created if absent, unless ``must_exist``), or an in-memory store with ``--no-vault``."""
    if getattr(args, "no_vault", False):
        return MemoryStore()
    from app.core.vault import open_vault

    return open_vault(
        args.vault,
        passphrase=passphrase_source(args),
        create=not must_exist,
        retention_days=settings.retention_days,
    )


def load_model_detector(
    args: argparse.Namespace, settings: Settings, store: MappingStore
) -> LoadedModelDetector | None:
    """The model detector the options ask for, or None for rules only (saying so when no model is configured)."""
    if args.no_model or (not settings.use_model and args.model is None):
        return None
    path = configured_model_path(settings, args.model)
    if path is None:
        print(
            "cloakroom: no model is set up, so only the rules detector runs (see `cloakroom model`).", file=sys.stderr
        )
        return None
    real_name = args.real_name or private_lists_of(store).real_name
    return model_detector_factory(settings, path, profile=args.profile, real_name=real_name)()


@contextmanager
def cli_engine(args: argparse.Namespace, store: MappingStore) -> Iterator[Engine]:
    """The engine the options ask for; its model is closed on the way out, before the interpreter shuts down (a
    `Llama` left to the garbage collector at exit complains on stderr)."""
    settings = settings_for(args)
    min_level = Level.parse(args.min_level) if args.min_level else None
    model = load_model_detector(args, settings, store)
    engine = build_engine(settings, store, model=model, min_level=min_level)
    try:
        yield engine
    finally:
        if model is not None:
            model.close()


def read_source(source: str, args: argparse.Namespace) -> str:
    """The input text: from the clipboard, a file, or standard input ("-")."""
    if getattr(args, "clipboard", False):
        return read_clipboard()
    if source == "-":
        if getattr(args, "passphrase_stdin", False):
            raise ConfigError(
                "--passphrase-stdin needs the text in a FILE or --clipboard (stdin holds the passphrase)."
            )
        return decode_input(sys.stdin.buffer.read())
    try:
        return decode_input(Path(source).read_bytes())
    except OSError as error:
        raise InputError(f"Cannot read {source}: {error.strerror}.") from error


def read_clipboard() -> str:
    import pyperclip

    try:
        text = pyperclip.paste()
    except pyperclip.PyperclipException as error:
        raise CloakroomError(
            "No clipboard tool is available (on Linux install xclip, xsel or wl-clipboard)."
        ) from error
    return text


def write_clipboard(text: str) -> None:
    import pyperclip

    try:
        pyperclip.copy(text)
    except pyperclip.PyperclipException as error:
        raise CloakroomError(
            "No clipboard tool is available (on Linux install xclip, xsel or wl-clipboard)."
        ) from error


def write_output(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def message(line: str) -> None:
    """A status line for the person: stderr, so stdout stays the text alone. Never pass user text here."""
    print(line, file=sys.stderr)
