"""`chibo backup` and `chibo restore` (#6)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bot.app.commands.common import CliError
from bot.app.settings import Settings
from bot.render.i18n import Translator


def _backup_problem(t: Translator, exc: Any) -> CliError:
    """bot.app.backup's error codes as one translated sentence."""
    messages = {
        "memory": t.gettext("An in-memory SQLite database cannot be backed up or restored."),
        "no-file": t.gettext("There is no file {path}."),
        "exists": t.gettext(
            "{path} already exists; stop the bot and add --force to replace it with the backup."
        ),
        "not-sqlite": t.gettext("{path} is not an SQLite database (or it is damaged)."),
        "running": t.gettext(
            "The bot is running on this database: stop it first (systemctl stop chibo), then "
            "restore. Nothing was changed."
        ),
        "no-tool": t.gettext(
            "{tool} was not found: install PostgreSQL's client tools (Debian: apt install "
            "postgresql-client) or back up with your database host's own tools."
        ),
        "tool-failed": t.gettext("{tool} failed: {why}"),
    }
    return CliError(messages[exc.code].format(**exc.params))


def _size(t: Translator, size: int) -> str:
    if size < 1024 * 1024:
        return t.gettext("{size} KB").format(size=t.number(size / 1024, 1))
    return t.gettext("{size} MB").format(size=t.number(size / 1024 / 1024, 1))


def cmd_backup(settings: Settings, args: argparse.Namespace, t: Translator) -> int:
    """#6: a consistent copy of the database while the bot runs."""
    from bot.app import backup

    url = args.database or settings.database_url
    out = Path(args.out)
    try:
        write = backup.backup_sqlite if backup.is_sqlite(url) else backup.backup_postgres
        size = write(url, out)
    except backup.BackupError as exc:
        raise _backup_problem(t, exc) from None
    print(t.gettext("Backup written: {path} ({size}).").format(path=out, size=_size(t, size)))
    return 0


def cmd_restore(settings: Settings, args: argparse.Namespace, t: Translator) -> int:
    """#6: put a backup back (the bot must be stopped)."""
    from bot.app import backup

    url = args.database or settings.database_url
    source = Path(args.source)
    try:
        if backup.is_sqlite(url):
            backup.restore_sqlite(source, url, force=args.force)
        else:
            backup.restore_postgres(source, url)
    except backup.BackupError as exc:
        raise _backup_problem(t, exc) from None
    print(
        t.gettext(
            "Restored from {path}. Start the bot again: it brings the database up to date first."
        ).format(path=source)
    )
    return 0
