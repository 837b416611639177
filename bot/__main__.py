"""`python -m bot` does what the `chibo` command does."""

from bot.app.cli import main

raise SystemExit(main())
