#!/usr/bin/env bash
# Installs Cloakroom into a virtualenv beside the checkout and starts the tray app.
# The first run compiles llama.cpp (about 8 minutes on 2 cores); later runs start at once.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"
install_apt_packages "${APP_APT_PACKAGES[@]}"
ensure_venv
say "Installing Cloakroom (the first time, llama.cpp is compiled: several minutes)"
pip_install -e .
"$VENV/bin/python" packaging/i18n.py build  # the interface translations (.ts → .qm)
say "Starting Cloakroom"
exec "$VENV/bin/cloakroom" "$@"
