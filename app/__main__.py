"""Allow ``python -m app`` to behave like the ``cloakroom`` command."""

from app.cli import main

raise SystemExit(main())
