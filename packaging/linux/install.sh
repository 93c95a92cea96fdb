#!/usr/bin/env bash
# Installs Cloakroom from the unpacked Linux tarball for the current user (no root needed), or removes it.
#
#   ./install.sh                      install into ~/.local (the app, a `cloakroom` command, menu entry and icons)
#   ./install.sh --autostart          the same, and start Cloakroom at login (the app's Settings can change this later)
#   ./install.sh --prefix /opt/x      install elsewhere (use sudo for a system-wide prefix such as /usr/local)
#   ./install.sh --uninstall          remove the app; your vault, settings and models stay
#   ./install.sh --uninstall --purge  remove the app AND your vault, settings, models and logs (cannot be undone)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PREFIX="${HOME}/.local"
AUTOSTART=0
UNINSTALL=0
PURGE=0

usage() { sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) PREFIX="$2"; shift 2 ;;
    --autostart) AUTOSTART=1; shift ;;
    --uninstall) UNINSTALL=1; shift ;;
    --purge) PURGE=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done

APP_DIR="${PREFIX}/lib/cloakroom"
LAUNCHER="${PREFIX}/bin/cloakroom"
DESKTOP_FILE="${PREFIX}/share/applications/cloakroom.desktop"
ICON_ROOT="${PREFIX}/share/icons/hicolor"
AUTOSTART_FILE="${XDG_CONFIG_HOME:-${HOME}/.config}/autostart/cloakroom.desktop"

refresh_desktop_caches() {
  # Optional helpers: menus and icon themes also pick the files up on the next login without them.
  if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "${PREFIX}/share/applications" || true
  fi
  if command -v gtk-update-icon-cache >/dev/null 2>&1; then
    gtk-update-icon-cache -q -t "${ICON_ROOT}" || true
  fi
}

# An Exec= value per the Desktop Entry spec, as app/platform/autostart.py writes it: the path in double quotes with
# " ` $ \ escaped, every \ doubled again for the key-file format, and % doubled. Then escaped for use in a sed
# replacement (\ & |), which is where it goes.
exec_value_for_sed() {
  printf '"%s"' "$(printf '%s' "$1" | sed -e 's/[\\"`$]/\\&/g' -e 's/\\/\\\\/g' -e 's/%/%%/g')" \
    | sed -e 's/[\\&|]/\\&/g'
}

install_app() {
  [ -x "${HERE}/cloakroom/cloakroom" ] || { echo "install.sh: run me from the unpacked tarball" >&2; exit 1; }
  mkdir -p "${PREFIX}/lib" "${PREFIX}/bin" "${PREFIX}/share/applications"
  rm -rf "${APP_DIR}.new"
  cp -a "${HERE}/cloakroom" "${APP_DIR}.new"
  rm -rf "${APP_DIR}"
  mv "${APP_DIR}.new" "${APP_DIR}"
  ln -sfn "${APP_DIR}/cloakroom" "${LAUNCHER}"
  cp -a "${HERE}/share/icons/." "${PREFIX}/share/icons/"
  # The menu entry names the launcher by its full path: ~/.local/bin is often not on a desktop session's PATH.
  sed "s|^Exec=.*|Exec=$(exec_value_for_sed "${LAUNCHER}")|" \
    "${HERE}/share/applications/cloakroom.desktop" > "${DESKTOP_FILE}"
  if [ "${AUTOSTART}" -eq 1 ]; then
    # The same template the app writes when "Start at login" is switched on (resources/cloakroom-autostart.desktop).
    mkdir -p "$(dirname "${AUTOSTART_FILE}")"
    sed "s|@EXEC@|$(exec_value_for_sed "${LAUNCHER}")|" \
      "${APP_DIR}/_internal/resources/cloakroom-autostart.desktop" > "${AUTOSTART_FILE}"
  fi
  refresh_desktop_caches
  echo "Cloakroom is installed: run 'cloakroom' (${LAUNCHER}) or open it from the applications menu."
  case ":${PATH}:" in *":${PREFIX}/bin:"*) ;; *) echo "Note: ${PREFIX}/bin is not on your PATH." ;; esac
  echo "No model is included: the app's setup window downloads or converts one on this machine."
}

uninstall_app() {
  rm -rf "${APP_DIR}"
  rm -f "${LAUNCHER}" "${DESKTOP_FILE}" "${AUTOSTART_FILE}"
  find "${ICON_ROOT}" -path '*/apps/cloakroom.*' -delete 2>/dev/null || true
  refresh_desktop_caches
  if [ "${PURGE}" -eq 1 ]; then
    # The folders app/core/paths.py uses (platformdirs): the vault, its key info, settings, models, logs.
    rm -rf "${XDG_DATA_HOME:-${HOME}/.local/share}/Cloakroom" "${XDG_CONFIG_HOME:-${HOME}/.config}/Cloakroom" \
      "${XDG_CACHE_HOME:-${HOME}/.cache}/Cloakroom"
    echo "Cloakroom and its data are removed. A vault key may remain in your keyring under 'Cloakroom vault'."
  else
    echo "Cloakroom is removed; your vault and settings stay in ${XDG_DATA_HOME:-${HOME}/.local/share}/Cloakroom."
  fi
}

if [ "${UNINSTALL}" -eq 1 ]; then uninstall_app; else install_app; fi
