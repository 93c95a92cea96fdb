"""`cloakroom detect`, `cloakroom mask` and `cloakroom unmask`: the core's data path from the command line."""

from __future__ import annotations

import argparse
import json
import sys

from app.cli.common import (
    add_engine_options,
    add_vault_options,
    cli_engine,
    message,
    open_store,
    read_source,
    settings_for,
    write_clipboard,
    write_output,
)
from app.core.errors import CloakroomError, ConfigError
from app.core.findings import Finding
from app.core.paths import app_paths
from app.core.store import MappingStore, MemoryStore


def register(subparsers: argparse._SubParsersAction) -> None:
    detect = subparsers.add_parser("detect", help="list the private spans found in a text")
    detect.add_argument("source", nargs="?", default="-", metavar="FILE|-", help="the text (default: stdin)")
    detect.add_argument("--clipboard", action="store_true", help="read the text from the clipboard")
    output = detect.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print the findings as a JSON list")
    output.add_argument(
        "--jsonl", action="store_true", help="each input line is a JSON string; print one result per line"
    )
    add_engine_options(detect, vault_optional=True)
    detect.set_defaults(handler=run_detect)

    mask = subparsers.add_parser("mask", help="replace private spans with placeholders (kept in the vault)")
    mask.add_argument("source", nargs="?", default="-", metavar="FILE|-", help="the text (default: stdin)")
    mask.add_argument("--clipboard", action="store_true", help="mask the clipboard's text in place")
    add_engine_options(mask)
    mask.set_defaults(handler=run_mask)

    unmask = subparsers.add_parser("unmask", help="put the originals back in place of placeholders")
    unmask.add_argument("source", nargs="?", default="-", metavar="FILE|-", help="the text (default: stdin)")
    unmask.add_argument("--clipboard", action="store_true", help="unmask the clipboard's text in place")
    unmask.add_argument("--no-vault", action="store_true", help=argparse.SUPPRESS)
    add_vault_options(unmask)
    unmask.set_defaults(handler=run_unmask)


def _detect_store(args: argparse.Namespace) -> MappingStore:
    """Detection writes no mappings: use the vault only if one exists (for the allow- and always-mask lists)."""
    vault_path = args.vault or app_paths().vault
    if args.no_vault or not vault_path.exists():
        return MemoryStore()
    return open_store(args, settings_for(args), must_exist=True)


def _human_line(finding: Finding) -> str:
    # The span's text is left out on purpose: the terminal's scrollback is not the vault. Use --json for it.
    return f"{finding.start}\t{finding.end}\t{finding.level.label}\t{finding.type}\t{finding.detector}"


def run_detect(args: argparse.Namespace) -> int:
    store = _detect_store(args)
    with cli_engine(args, store) as engine:
        if args.jsonl:
            return _detect_lines(engine)
        findings = engine.detect(read_source(args.source, args))
    if args.json:
        write_output(json.dumps([finding.to_json() for finding in findings], ensure_ascii=False, indent=2) + "\n")
    else:
        write_output("".join(_human_line(finding) + "\n" for finding in findings))
    message(f"{len(findings)} finding{'s' if len(findings) != 1 else ''}.")
    return 0


def _detect_lines(engine) -> int:
    """One JSON string per input line → one JSON list of findings (or an error object) per output line."""
    if sys.stdin.isatty():
        raise ConfigError("--jsonl reads JSON strings from standard input, one per line.")
    for number, line in enumerate(sys.stdin, start=1):
        try:
            text = json.loads(line)
            if not isinstance(text, str):
                raise ConfigError(f"line {number} is not a JSON string")
            result: object = [finding.to_json() for finding in engine.detect(text)] if text.strip() else []
        except json.JSONDecodeError:
            result = {"error": f"line {number} is not valid JSON"}
        except CloakroomError as error:
            result = {"error": str(error)}
        print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0


def run_mask(args: argparse.Namespace) -> int:
    text = read_source(args.source, args)
    store = open_store(args, settings_for(args))
    with cli_engine(args, store) as engine:
        result = engine.mask(text)  # every mapping is committed before this returns
    return _deliver(result.text, result.summary(), args)


def run_unmask(args: argparse.Namespace) -> int:
    text = read_source(args.source, args)
    store = open_store(args, settings_for(args), must_exist=not args.no_vault)
    from app.core.masking import unmask_text
    from app.core.text_input import check_text

    result = unmask_text(check_text(text), store)
    return _deliver(result.text, result.summary(), args)


def _deliver(text: str, summary: str, args: argparse.Namespace) -> int:
    """The result to the clipboard (with --clipboard) or stdout; the summary (counts only) to stderr."""
    if args.clipboard:
        write_clipboard(text)
    else:
        write_output(text)
    message(summary)
    return 0
