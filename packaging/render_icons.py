"""Render the app icon (resources/icons/cloakroom.svg) into the formats each OS wants, at build time.

No icon binary is committed: the SVG is the only source. Qt renders it (QSvgRenderer), and the container formats are
written here by hand because they are simple and Qt cannot write them with several sizes inside:

- Linux: ``hicolor/<N>x<N>/apps/cloakroom.png`` for the freedesktop icon theme sizes, plus ``scalable/apps``.
- Windows: ``cloakroom.ico`` holding PNG-compressed images (supported since Windows Vista).
- macOS: ``cloakroom.icns`` holding PNG images (the ``icp4``…``ic10`` types, supported since OS X 10.7).

    python packaging/render_icons.py OUT_DIR            # writes OUT_DIR/hicolor/…, OUT_DIR/cloakroom.ico, OUT_DIR/cloakroom.icns
"""

from __future__ import annotations

import os
import shutil
import struct
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SVG_SOURCE = REPO_ROOT / "resources" / "icons" / "cloakroom.svg"
ICON_NAME = "cloakroom"

# The sizes desktop environments look up in the hicolor theme (menus, panels, alt-tab, HiDPI).
LINUX_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
WINDOWS_SIZES = (16, 20, 24, 32, 40, 48, 64, 256)
# ICNS type codes for PNG payloads, by pixel size. 1024 is the 512@2x slot.
ICNS_TYPES = {16: b"icp4", 32: b"icp5", 64: b"icp6", 128: b"ic07", 256: b"ic08", 512: b"ic09", 1024: b"ic10"}


def render_png(size: int, svg: Path = SVG_SOURCE) -> bytes:
    """The SVG rendered into a square transparent PNG of ``size`` pixels."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise RuntimeError(f"Qt cannot read the icon {svg}")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RuntimeError(f"Qt could not encode a {size}px PNG")
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """An ICO file whose entries are PNG images (width/height byte 0 means 256)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    directory, payload = b"", b""
    for size, png in sorted(pngs.items()):
        side = 0 if size >= 256 else size
        directory += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset + len(payload))
        payload += png
    return header + directory + payload


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """An ICNS file: a big-endian 'icns' header and one (type, length, PNG) chunk per size."""
    chunks = b"".join(ICNS_TYPES[size] + struct.pack(">I", 8 + len(png)) + png for size, png in sorted(pngs.items()))
    return b"icns" + struct.pack(">I", 8 + len(chunks)) + chunks


def write_linux_icons(hicolor: Path, pngs: dict[int, bytes]) -> None:
    for size in LINUX_SIZES:
        target = hicolor / f"{size}x{size}" / "apps" / f"{ICON_NAME}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(pngs[size])
    scalable = hicolor / "scalable" / "apps"
    scalable.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SVG_SOURCE, scalable / f"{ICON_NAME}.svg")


def render_all(out_dir: Path) -> None:
    """Write the Linux icon theme folder, the Windows ICO and the macOS ICNS into ``out_dir``."""
    _ensure_gui_application()
    sizes = sorted(set(LINUX_SIZES) | set(WINDOWS_SIZES) | set(ICNS_TYPES))
    pngs = {size: render_png(size) for size in sizes}
    out_dir.mkdir(parents=True, exist_ok=True)
    write_linux_icons(out_dir / "hicolor", pngs)
    (out_dir / f"{ICON_NAME}.ico").write_bytes(ico_bytes({size: pngs[size] for size in WINDOWS_SIZES}))
    (out_dir / f"{ICON_NAME}.icns").write_bytes(icns_bytes({size: pngs[size] for size in ICNS_TYPES}))


def _ensure_gui_application() -> None:
    """QPainter on a QImage needs a QGuiApplication; offscreen, so a build machine needs no display."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is None:
        _ensure_gui_application.application = QGuiApplication(sys.argv[:1])  # type: ignore[attr-defined]


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    render_all(Path(argv[0]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
