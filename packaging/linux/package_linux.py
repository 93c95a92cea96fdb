"""Linux packages from the bundle: a tarball with a per-user installer, and an AppImage where appimagetool exists.

    python packaging/linux/package_linux.py                       # build the bundle, then dist/cloakroom-VERSION-linux-ARCH.tar.gz
    python packaging/linux/package_linux.py --bundle dist/cloakroom   # package a bundle already built

Tarball layout (install.sh copies it into ~/.local, or a --prefix):

    cloakroom-VERSION-linux-ARCH/
        cloakroom/                           the PyInstaller bundle (cloakroom + _internal/)
        share/applications/cloakroom.desktop the menu entry
        share/icons/hicolor/<N>x<N>/apps/cloakroom.png, scalable/apps/cloakroom.svg
        install.sh                           install, --autostart, --uninstall [--purge]

The menu entry is made from resources/cloakroom-autostart.desktop — the template app/platform/autostart.py writes
for "Start at login" — minus the autostart-only keys, so the two never drift apart.

The AppImage needs ``appimagetool`` (on PATH, or named by $APPIMAGETOOL). It is not in Debian or on PyPI, so without it
the AppDir is left ready in the work folder and the command to finish it is printed.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
sys.path.insert(0, str(REPO_ROOT / "packaging"))

import build_bundle  # noqa: E402
import render_icons  # noqa: E402

AUTOSTART_TEMPLATE = REPO_ROOT / "resources" / "cloakroom-autostart.desktop"
AUTOSTART_ONLY_KEYS = ("X-GNOME-Autostart", "X-KDE-autostart")
MENU_ONLY_LINES = ("Keywords=privacy;clipboard;chatbot;mask;redact;",)


def menu_entry(exec_value: str = "cloakroom") -> str:
    """The applications-menu ``.desktop`` text: the autostart template without its autostart keys."""
    lines = [
        line
        for line in AUTOSTART_TEMPLATE.read_text(encoding="utf-8").splitlines()
        if not line.startswith(AUTOSTART_ONLY_KEYS)
    ]
    text = "\n".join([*lines, *MENU_ONLY_LINES]) + "\n"
    return text.replace("@EXEC@", exec_value)


def stage_tarball_tree(bundle: Path, target: Path) -> Path:
    """Lay out the tarball's folder (see the module doc) at ``target``."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copytree(bundle, target / "cloakroom", symlinks=True)
    applications = target / "share" / "applications"
    applications.mkdir(parents=True)
    (applications / "cloakroom.desktop").write_text(menu_entry(), encoding="utf-8")
    icon_dir = target / "share" / "icons"
    _render_icons(icon_dir)
    shutil.copy2(HERE / "install.sh", target / "install.sh")
    (target / "install.sh").chmod(0o755)
    return target


def write_tarball(tree: Path, archive: Path) -> Path:
    archive.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "w:gz", compresslevel=6) as tar:
        tar.add(tree, arcname=tree.name)  # keeps the bundle's symlinks as symlinks
    return archive


def stage_appdir(bundle: Path, appdir: Path) -> Path:
    """An AppDir: AppRun, the desktop entry and icon at the top, the bundle in usr/lib/cloakroom."""
    if appdir.exists():
        shutil.rmtree(appdir)
    (appdir / "usr" / "lib").mkdir(parents=True)
    shutil.copytree(bundle, appdir / "usr" / "lib" / "cloakroom", symlinks=True)
    shutil.copy2(HERE / "AppRun", appdir / "AppRun")
    (appdir / "AppRun").chmod(0o755)
    (appdir / "cloakroom.desktop").write_text(menu_entry(), encoding="utf-8")
    _render_icons(appdir / "usr" / "share" / "icons")
    shutil.copy2(appdir / "usr/share/icons/hicolor/256x256/apps/cloakroom.png", appdir / "cloakroom.png")
    (appdir / ".DirIcon").symlink_to("cloakroom.png")
    return appdir


def make_appimage(appdir: Path, output: Path) -> Path | None:
    """Run appimagetool when it is available; None (and instructions on stderr) when it is not."""
    tool = os.environ.get("APPIMAGETOOL") or shutil.which("appimagetool")
    if tool is None:
        print(
            f"appimagetool not found: the AppDir is ready at {appdir}. Finish it on a machine that has appimagetool:\n"
            f"    ARCH={platform.machine()} appimagetool {appdir} {output}",
            file=sys.stderr,
        )
        return None
    environment = {**os.environ, "ARCH": platform.machine()}
    subprocess.run([tool, "--no-appstream", str(appdir), str(output)], check=True, env=environment)
    return output


def _render_icons(icon_dir: Path) -> None:
    """The hicolor PNGs (16…512) and the SVG, rendered from resources/icons/cloakroom.svg by Qt (offscreen)."""
    scratch = icon_dir.parent / ".icons-render"
    render_icons.render_all(scratch)
    icon_dir.mkdir(parents=True, exist_ok=True)
    shutil.copytree(scratch / "hicolor", icon_dir / "hicolor", dirs_exist_ok=True)
    shutil.rmtree(scratch)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bundle", type=Path, help="an already built bundle folder (default: build one into --dist)")
    parser.add_argument("--dist", type=Path, default=REPO_ROOT / "dist", help="output folder (default: dist/)")
    parser.add_argument("--work", type=Path, default=REPO_ROOT / "build", help="scratch folder (default: build/)")
    parser.add_argument("--no-appimage", action="store_true", help="make the tarball only")
    arguments = parser.parse_args(argv)
    dist, work = arguments.dist.resolve(), arguments.work.resolve()
    bundle = arguments.bundle.resolve() if arguments.bundle else None
    if bundle is None:
        if build_bundle.main(["--dist", str(dist), "--work", str(work)]) != 0:
            return 1
        bundle = build_bundle.bundle_root(dist)
    name = f"cloakroom-{build_bundle.project_version()}-linux-{platform.machine()}"
    tree = stage_tarball_tree(bundle, work / "linux" / name)
    archive = write_tarball(tree, dist / f"{name}.tar.gz")
    print(f"tarball: {archive} ({build_bundle.mib(archive.stat().st_size)})")
    if not arguments.no_appimage:
        appdir = stage_appdir(bundle, work / "linux" / "Cloakroom.AppDir")
        appimage = make_appimage(appdir, dist / f"{name}.AppImage")
        if appimage is not None:
            print(f"AppImage: {appimage}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
