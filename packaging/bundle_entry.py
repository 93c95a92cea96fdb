"""Entry point of the PyInstaller bundle: exactly the ``cloakroom`` console script (`app.cli.main`).

A separate script rather than ``app/__main__.py`` because a frozen program must call ``freeze_support()`` first:
quantization runs llama.cpp in a spawned child process, and in a bundle that child is this executable again.
"""

import multiprocessing
import sys

from app.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
