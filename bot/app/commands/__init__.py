"""The `chibo` subcommands by area; bot/app/cli.py holds the parser and main()."""
