"""`python -m bot` does what the `chibo` command does."""

from bot.cli import main

raise SystemExit(main())
