"""The `chibo` command: run the bot, migrate, bootstrap, import an organisation tree.

It speaks the CLI's language (CHIBO_LOCALE, Vietnamese by default) from the first word:
the help of every command and option, and argparse's own usage line, titles and errors
(#14).

Settings are read once from the environment (STYLE 9); each subcommand is a small
function in bot/app/commands/ (by area). Database work runs in one transaction per command.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from bot.app.commands.backup import cmd_backup, cmd_restore
from bot.app.commands.common import CliError
from bot.app.commands.demo import cmd_demo_data
from bot.app.commands.orgs import (
    cmd_admin_add,
    cmd_init,
    cmd_invite,
    cmd_org_import,
    cmd_org_settings,
)
from bot.app.commands.report import cmd_report
from bot.app.commands.run import cmd_migrate, cmd_run
from bot.app.logs import setup_logging
from bot.app.settings import SettingsError, from_env
from bot.domain.model import OrgKind, Role
from bot.render.i18n import DEFAULT_LOCALE, N_, Translator, translator

log = logging.getLogger("chibo")


# argparse's own words (its usage line, section titles, -h and its errors), extracted here
# so the catalogs translate them; argparse looks them up through its module's `_` and
# `ngettext` when it formats, which `_argparse_speaks` points at our catalog for one run.
_ARGPARSE_WORDS = (
    N_("usage: "),
    N_("options"),
    N_("positional arguments"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("not allowed with argument %s"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
)


@contextmanager
def _argparse_speaks(t: Translator) -> Iterator[None]:
    """argparse in the CLI's language (CHIBO_LOCALE) while the parser is made and used."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = t.gettext, t.ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


def cli_translator(environ: Mapping[str, str]) -> Translator:
    """The CLI's language before the settings are read (they may fail, and that error must
    be in this language too): CHIBO_LOCALE, as bot/app/settings.py reads it."""
    return translator(environ.get("CHIBO_LOCALE", "").strip() or DEFAULT_LOCALE)


def _command(sub: Any, name: str, text: str) -> argparse.ArgumentParser:
    """A subcommand whose one-line help in the list is also its own page's description."""
    made: argparse.ArgumentParser = sub.add_parser(name, help=text, description=text)
    return made


def parser(t: Translator | None = None) -> argparse.ArgumentParser:
    """The `chibo` command's arguments, their help in `t`'s language (Vietnamese by default)."""
    _ = (t or translator(DEFAULT_LOCALE)).gettext
    p = argparse.ArgumentParser(
        prog="chibo", description=_("chibo: the cell secretary's Telegram companion")
    )
    sub = p.add_subparsers(dest="command", required=True)
    run = _command(sub, "run", _("apply migrations and run the bot (long polling or webhook)"))
    run.add_argument(
        "--webhook-url", help=_("receive updates at this HTTPS address (webhook mode)")
    )
    run.add_argument("--listen", help=_("the address the webhook server listens on (127.0.0.1)"))
    run.add_argument("--port", help=_("the port the webhook server listens on (8443)"))
    run.set_defaults(fn=cmd_run)
    _command(sub, "migrate", _("apply database migrations")).set_defaults(fn=cmd_migrate)
    init = _command(sub, "init", _("create the top organisation and print its admin link"))
    init.add_argument("--name", required=True, help=_('e.g. "Đảng ủy phường Hòa Minh"'))
    init.add_argument(
        "--kind",
        default="commune",
        choices=[k.value for k in OrgKind if k != OrgKind.CELL],
        help=_("the kind of organisation (commune)"),
    )
    init.set_defaults(fn=cmd_init)
    admin = _command(sub, "admin", _("manage admins")).add_subparsers(
        dest="admin_command", required=True
    )
    add = _command(admin, "add", _("make a Telegram user an admin of an organisation"))
    add.add_argument("telegram_id", type=int, help=_("the user's Telegram id (a number)"))
    add.add_argument("--org", required=True, help=_("the organisation's name"))
    add.set_defaults(fn=cmd_admin_add)
    inv = _command(sub, "invite", _("print a one-time invite link"))
    inv.add_argument("--org", required=True, help=_("the organisation's name"))
    inv.add_argument(
        "--role",
        default="secretary",
        choices=[r.value for r in Role],
        help=_("the role the link gives (secretary)"),
    )
    inv.set_defaults(fn=cmd_invite)
    org = _command(sub, "org", _("organisation tree")).add_subparsers(
        dest="org_command", required=True
    )
    imp = _command(org, "import", _("load cells from a CSV file"))
    imp.add_argument("file", help=_("the CSV file"))
    imp.add_argument("--under", help=_("the organisation the file's upper committees belong under"))
    imp.set_defaults(fn=cmd_org_import)
    st = _command(
        org, "settings", _("show or change an organisation's settings (inherited down the tree)")
    )
    st.add_argument("--org", required=True, help=_("the organisation's name"))
    st.add_argument(
        "--set", action="append", metavar="KEY=VALUE", help=_("e.g. grade_tot=85 (repeatable)")
    )
    st.add_argument(
        "--unset", action="append", metavar="KEY", help=_("back to the inherited value")
    )
    st.set_defaults(fn=cmd_org_settings)
    rep = sub.add_parser(
        "report",
        help=_("a roll-up of an organisation's cells (K1-K4)"),
        description=_(
            "a roll-up of an organisation's cells (K1-K4): plain text on the screen, or a "
            "workbook, a chart or the committee's report in Word in a file"
        ),
    )
    rep.add_argument("--org", required=True, help=_('e.g. "Đảng ủy phường Hòa Minh"'))
    rep.add_argument("--period", required=True, help=_("2026-10, 2026-Q3 or 2026"))
    rep.add_argument(
        "--format",
        default="text",
        choices=["text", "xlsx", "png", "docx"],
        help=_("text (the screen), xlsx (workbook), png (chart), docx (the committee's report)"),
    )
    rep.add_argument(
        "--out", "--output", help=_("the file to write (text goes to the screen without it)")
    )
    rep.add_argument("--database", help=_("a database URL instead of DATABASE_URL"))
    rep.set_defaults(fn=cmd_report)
    bak = _command(sub, "backup", _("copy the database to a file (safe while the bot runs)"))
    bak.add_argument("--out", required=True, help=_("the backup file to write"))
    bak.add_argument("--database", help=_("a database URL instead of DATABASE_URL"))
    bak.set_defaults(fn=cmd_backup)
    res = _command(sub, "restore", _("replace the database with a backup (stop the bot first)"))
    res.add_argument("--from", dest="source", required=True, help=_("the backup file"))
    res.add_argument("--database", help=_("a database URL instead of DATABASE_URL"))
    res.add_argument("--force", action="store_true", help=_("replace an existing SQLite file"))
    res.set_defaults(fn=cmd_restore)
    demo = _command(sub, "demo-data", _("fill the database with a synthetic province"))
    demo.add_argument("--cells", type=int, default=120, help=_("how many cells (120)"))
    demo.add_argument(
        "--members-per-cell", type=int, default=20, help=_("members in each cell (20)")
    )
    demo.add_argument(
        "--months", type=int, default=12, help=_("months ending with last month (12)")
    )
    demo.add_argument(
        "--seed", type=int, default=1, help=_("the same seed gives the same data (1)")
    )
    demo.add_argument(
        "--append", action="store_true", help=_("add the province beside existing organisations")
    )
    demo.add_argument("--database", help=_("a database URL instead of DATABASE_URL"))
    demo.set_defaults(fn=cmd_demo_data)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    t = cli_translator(os.environ)
    with _argparse_speaks(t):
        args = parser(t).parse_args(argv)
    try:
        settings = from_env()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    setup_logging(settings.log_level, settings.token)
    t = translator(settings.default_locale)
    try:
        result: int = args.fn(settings, args, t)
        return result
    except CliError as exc:
        print(exc, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
