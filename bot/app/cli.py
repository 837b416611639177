"""The `chibo` command: run the bot, migrate, bootstrap, import an organisation tree.

Settings are read once from the environment (STYLE 9); each subcommand is a small
function in bot/app/commands/ (by area). Database work runs in one transaction per command.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

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
from bot.render.i18n import translator

log = logging.getLogger("chibo")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="chibo", description="chibo: the cell secretary's Telegram companion"
    )
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="apply migrations and run the bot (long polling or webhook)")
    run.add_argument("--webhook-url", help="receive updates at this HTTPS address (webhook mode)")
    run.add_argument("--listen", help="the address the webhook server listens on (127.0.0.1)")
    run.add_argument("--port", help="the port the webhook server listens on (8443)")
    run.set_defaults(fn=cmd_run)
    sub.add_parser("migrate", help="apply database migrations").set_defaults(fn=cmd_migrate)
    init = sub.add_parser("init", help="create the top organisation and print its admin link")
    init.add_argument("--name", required=True, help='e.g. "Đảng ủy phường Hòa Minh"')
    init.add_argument(
        "--kind", default="commune", choices=[k.value for k in OrgKind if k != OrgKind.CELL]
    )
    init.set_defaults(fn=cmd_init)
    admin = sub.add_parser("admin", help="manage admins").add_subparsers(
        dest="admin_command", required=True
    )
    add = admin.add_parser("add", help="make a Telegram user an admin of an organisation")
    add.add_argument("telegram_id", type=int)
    add.add_argument("--org", required=True)
    add.set_defaults(fn=cmd_admin_add)
    inv = sub.add_parser("invite", help="print a one-time invite link")
    inv.add_argument("--org", required=True)
    inv.add_argument("--role", default="secretary", choices=[r.value for r in Role])
    inv.set_defaults(fn=cmd_invite)
    org = sub.add_parser("org", help="organisation tree").add_subparsers(
        dest="org_command", required=True
    )
    imp = org.add_parser("import", help="load cells from a CSV file")
    imp.add_argument("file")
    imp.add_argument("--under", help="the organisation the file's upper committees belong under")
    imp.set_defaults(fn=cmd_org_import)
    st = org.add_parser(
        "settings", help="show or change an organisation's settings (inherited down the tree)"
    )
    st.add_argument("--org", required=True)
    st.add_argument(
        "--set", action="append", metavar="KEY=VALUE", help="e.g. grade_tot=85 (repeatable)"
    )
    st.add_argument("--unset", action="append", metavar="KEY", help="back to the inherited value")
    st.set_defaults(fn=cmd_org_settings)
    rep = sub.add_parser("report", help="a roll-up of an organisation's cells (K1-K4)")
    rep.add_argument("--org", required=True, help='e.g. "Đảng ủy phường Hòa Minh"')
    rep.add_argument("--period", required=True, help="2026-10, 2026-Q3 or 2026")
    rep.add_argument("--format", default="text", choices=["text", "xlsx", "png"])
    rep.add_argument("--out", help="the file to write (text goes to the screen without it)")
    rep.add_argument("--database", help="a database URL instead of DATABASE_URL")
    rep.set_defaults(fn=cmd_report)
    bak = sub.add_parser("backup", help="copy the database to a file (safe while the bot runs)")
    bak.add_argument("--out", required=True, help="the backup file to write")
    bak.add_argument("--database", help="a database URL instead of DATABASE_URL")
    bak.set_defaults(fn=cmd_backup)
    res = sub.add_parser("restore", help="replace the database with a backup (stop the bot first)")
    res.add_argument("--from", dest="source", required=True, help="the backup file")
    res.add_argument("--database", help="a database URL instead of DATABASE_URL")
    res.add_argument("--force", action="store_true", help="replace an existing SQLite file")
    res.set_defaults(fn=cmd_restore)
    demo = sub.add_parser("demo-data", help="fill the database with a synthetic province")
    demo.add_argument("--cells", type=int, default=120)
    demo.add_argument("--members-per-cell", type=int, default=20)
    demo.add_argument("--months", type=int, default=12, help="months ending with last month")
    demo.add_argument("--seed", type=int, default=1, help="the same seed gives the same data")
    demo.add_argument(
        "--append", action="store_true", help="add the province beside existing organisations"
    )
    demo.add_argument("--database", help="a database URL instead of DATABASE_URL")
    demo.set_defaults(fn=cmd_demo_data)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
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
