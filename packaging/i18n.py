"""Cloakroom's interface translations: refresh the Qt ``.ts`` sources from the code, and compile them to ``.qm``.

    python packaging/i18n.py update           # pyside6-lupdate over app/ → resources/i18n/cloakroom_*.ts
    python packaging/i18n.py build            # pyside6-lrelease → resources/i18n/cloakroom_*.qm (when out of date)
    python packaging/i18n.py build --force    # compile all again
    python packaging/i18n.py status           # how many messages each catalogue still lacks

The ``.ts`` files are the sources and are committed; the ``.qm`` files are build output (git ignores them), built by
this command, by the set-up scripts and by ``packaging/build_bundle.py``. After ``update``, translate the messages it
marks unfinished (Qt Linguist: ``pyside6-linguist resources/i18n/cloakroom_zh_CN.ts``); tests/ui/test_i18n.py fails
while any is left.

The English catalogue holds plural forms only: the code writes "%n item(s)" and English needs "1 item" / "2 items".
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCES = REPO_ROOT / "app"
CATALOGUE_FOLDER = REPO_ROOT / "resources" / "i18n"


@dataclass(frozen=True)
class Catalogue:
    """One language's ``.ts`` source; ``plural_only`` keeps only the messages that have plural forms."""

    language: str
    plural_only: bool = False

    def source(self, folder: Path = CATALOGUE_FOLDER) -> Path:
        return folder / f"cloakroom_{self.language}.ts"


CATALOGUES = (Catalogue("zh_CN"), Catalogue("en", plural_only=True))


def qt_tool(name: str) -> str:
    """A PySide6 console script of this virtualenv (bin/ or Scripts/), else one on PATH."""
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} is missing (it comes with PySide6).")
    return found


def lupdate_command(catalogue: Catalogue, target: Path, sources: Path = SOURCES) -> list[str]:
    """The lupdate call that merges the strings of ``sources`` into ``target`` (kept translations stay)."""
    command = [qt_tool("pyside6-lupdate"), "-extensions", "py", "-locations", "none", "-no-obsolete",
               "-source-language", "en", "-target-language", catalogue.language]  # fmt: skip
    if catalogue.plural_only:
        command.append("-pluralonly")
    return [*command, str(sources), "-ts", str(target)]


def update(folder: Path = CATALOGUE_FOLDER, sources: Path = SOURCES) -> list[Path]:
    """Refresh every catalogue from the code: new strings come in unfinished, strings no longer used go."""
    folder.mkdir(parents=True, exist_ok=True)
    updated = []
    for catalogue in CATALOGUES:
        target = catalogue.source(folder)
        subprocess.run(lupdate_command(catalogue, target, sources), check=True, capture_output=True)
        updated.append(target)
    return updated


def build(folder: Path = CATALOGUE_FOLDER, out: Path | None = None, *, force: bool = False) -> list[Path]:
    """``*.ts`` in ``folder`` → ``.qm`` in ``out`` (default: beside them), when missing or older than the source.
    Returns the compiled files."""
    out = folder if out is None else out
    out.mkdir(parents=True, exist_ok=True)
    compiled = []
    for source in sorted(folder.glob("*.ts")):
        target = out / source.with_suffix(".qm").name
        if force or not target.exists() or target.stat().st_mtime < source.stat().st_mtime:
            subprocess.run(
                [qt_tool("pyside6-lrelease"), str(source), "-qm", str(target)], check=True, capture_output=True
            )
        compiled.append(target)
    return compiled


def unfinished_messages(source: Path) -> list[str]:
    """The source texts of messages without a finished translation (empty, unfinished or obsolete)."""
    missing = []
    for message in ElementTree.parse(source).getroot().iter("message"):
        translation = message.find("translation")
        forms = [] if translation is None else [form.text or "" for form in translation.findall("numerusform")]
        text = "" if translation is None else (translation.text or "")
        empty = not any(form.strip() for form in forms) if forms else not text.strip()
        if translation is None or translation.get("type") in ("unfinished", "obsolete", "vanished") or empty:
            missing.append(message.findtext("source") or "")
    return missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("update", help="refresh the .ts sources from the code (pyside6-lupdate)")
    build_parser = commands.add_parser("build", help="compile the .ts sources to .qm (pyside6-lrelease)")
    build_parser.add_argument("--out", type=Path, help="folder for the .qm files (default: beside the sources)")
    build_parser.add_argument("--force", action="store_true", help="compile even when the .qm is up to date")
    commands.add_parser("status", help="count the messages each catalogue still lacks")
    arguments = parser.parse_args(argv)
    if arguments.command == "update":
        for path in update():
            print(f"updated {path.relative_to(REPO_ROOT)}: {len(unfinished_messages(path))} unfinished")
    elif arguments.command == "build":
        for path in build(out=arguments.out, force=arguments.force):
            print(f"built {path}")
    else:
        lacking = 0
        for catalogue in CATALOGUES:
            missing = unfinished_messages(catalogue.source())
            lacking += len(missing)
            print(f"{catalogue.source().name}: {len(missing)} unfinished")
        return 1 if lacking else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
