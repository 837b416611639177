"""The `chibo` command: run the bot, migrate, bootstrap, import an organisation tree.

Settings are read once from the environment (STYLE 9); each subcommand is a small
function. Database work runs in one transaction per command.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.app.logs import setup_logging
from bot.app.settings import Settings, SettingsError, from_env
from bot.domain.invites import deep_link
from bot.domain.model import OrgKind, Role
from bot.domain.names import org_name_problem, org_name_refusal
from bot.domain.text import normalize
from bot.render import labels
from bot.render.i18n import Translator, translator
from storage import invites, orgs, users
from storage.db import make_engine, make_sessionmaker
from storage.migrate import upgrade
from storage.models import Org

if TYPE_CHECKING:
    from bot.intake.org_import import OrgImport

log = logging.getLogger("chibo")
T = TypeVar("T")


class CliError(Exception):
    """A problem to print as one sentence (no traceback) with exit status 2."""


def _db(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Migrate, then run `work` in one transaction."""

    async def go() -> T:
        engine = make_engine(settings.database_url)
        try:
            await upgrade(engine)
            async with make_sessionmaker(engine).begin() as session:
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(go())


def _bot_username(settings: Settings) -> str | None:
    """The bot's @username for deep links: configured, or asked from Telegram."""
    if settings.bot_username:
        return settings.bot_username
    if not settings.token:
        return None
    from telegram import Bot

    async def ask() -> str | None:
        try:
            async with Bot(settings.token or "", base_url=settings.base_url) as bot:
                return bot.username
        except Exception:  # offline, wrong token: fall back to the /start form
            return None

    return asyncio.run(ask())


def _print_code(t: Translator, settings: Settings, code: str, group: bool = False) -> None:
    username = _bot_username(settings)
    if username:
        print(deep_link(username, code, group=group))
    else:
        print(
            t.gettext("Send this to the bot in Telegram: {command}").format(
                command=f"/{'link' if group else 'start'} {code}"
            )
        )


def cmd_run(settings: Settings, args: argparse.Namespace, t: Translator) -> int:
    if not settings.token:
        raise CliError(
            t.gettext(
                "No bot token: create a bot with @BotFather in Telegram (/newbot) and start chibo "
                "with TELEGRAM_BOT_TOKEN=<token> chibo run."
            )
        )
    settings = _webhook_settings(settings, args, t)
    from bot.app.factory import build_application

    engine = make_engine(settings.database_url)

    async def migrate() -> None:
        from sqlalchemy.engine import make_url

        from storage.instance import connect_problem, migration_lock

        try:
            problem = await connect_problem(engine)
            if problem:  # down, or not set up yet: one sentence, and systemd tries again
                raise CliError(
                    t.gettext("Cannot connect to the database {url}: {problem}").format(
                        url=make_url(settings.database_url).render_as_string(hide_password=True),
                        problem=problem,
                    )
                )
            async with migration_lock(settings.database_url):  # a standby may start alongside
                await upgrade(engine)
        finally:
            await engine.dispose()

    asyncio.run(migrate())
    _preflight(settings, t)
    app = build_application(settings)
    log.info("chibo is starting (database: %s)", "SQLite" if settings.is_sqlite else "PostgreSQL")
    from bot.app.runner import ListenError, serve

    try:
        return asyncio.run(serve(app, settings))  # waits as a standby while another is active
    except ListenError as exc:
        raise CliError(
            t.gettext("The webhook server cannot listen on {address}.").format(address=exc)
        ) from exc


def _webhook_settings(settings: Settings, args: argparse.Namespace, t: Translator) -> Settings:
    """`chibo run`'s flags over the environment's CHIBO_WEBHOOK_URL/CHIBO_LISTEN/CHIBO_PORT."""
    from urllib.parse import urlsplit

    from bot.app.webhook import HEALTH_PATH, webhook_path

    url = args.webhook_url if args.webhook_url is not None else settings.webhook_url
    if url is None and (args.listen is not None or args.port is not None):
        raise CliError(t.gettext("--listen and --port are for webhook mode: add --webhook-url."))
    if url is None:
        return settings
    parts = urlsplit(url.strip())
    if parts.scheme != "https" or not parts.hostname:
        raise CliError(
            t.gettext(
                "The webhook URL must be an https:// address that Telegram can reach, not {url}."
            ).format(url=url)
        )
    if webhook_path(url) == HEALTH_PATH:
        raise CliError(
            t.gettext("The webhook URL's path cannot be {path}.").format(path=HEALTH_PATH)
        )
    port = settings.port
    if args.port is not None:
        port = int(args.port) if args.port.isascii() and args.port.isdecimal() else 0
    if not 0 < port < 65536:
        raise CliError(
            t.gettext("The port must be a number from 1 to 65535, not {port}.").format(
                port=args.port if args.port is not None else settings.port
            )
        )
    listen = (args.listen if args.listen is not None else settings.listen).strip()
    if not listen:
        raise CliError(t.gettext("--listen needs an address, such as 127.0.0.1."))
    return settings.with_(webhook_url=url.strip(), listen=listen, port=port)


def _preflight(settings: Settings, t: Translator) -> None:
    """One getMe before starting, so a wrong token or URL is one clear sentence."""
    from telegram import Bot
    from telegram.error import InvalidToken, NetworkError

    async def ask() -> None:
        async with Bot(settings.token or "", base_url=settings.base_url) as bot:
            await bot.get_me()

    try:
        asyncio.run(ask())
    except InvalidToken as exc:
        raise CliError(
            t.gettext("Telegram did not accept the bot token; check TELEGRAM_BOT_TOKEN.")
        ) from exc
    except NetworkError as exc:  # includes TimedOut
        raise CliError(
            t.gettext(
                "Cannot reach the Telegram Bot API at {url}; check the network or TELEGRAM_BASE_URL."
            ).format(url=settings.api_root)
        ) from exc


def cmd_migrate(settings: Settings, args: argparse.Namespace, t: Translator) -> int:
    async def noop(session: AsyncSession) -> None:
        return None

    _db(settings, noop)
    print(t.gettext("The database is up to date."))
    return 0


def cmd_init(settings: Settings, args: argparse.Namespace, t: Translator) -> int:
    """Create the root node and print a one-time link that makes its opener the admin."""
    problem = org_name_problem(normalize(args.name))  # the rule of names typed in the bot
    if problem is not None:
        raise CliError(org_name_refusal(problem, t.gettext))

    async def work(session: AsyncSession) -> str:
        root = await orgs.find_child(session, None, args.name)
        if root is None:
            root = await orgs.create(
                session,
                name=args.name,
                kind=OrgKind(args.kind),
                parent=None,
                actor_id=None,
                source="cli",
            )
        return await _role_code(session, settings, root, Role.ADMIN)

    code = _db(settings, work)
    print(
        t.gettext("Open this link in Telegram to become the admin of {name}:").format(
            name=args.name
        )
    )
    _print_code(t, settings, code)
    return 0


def _now() -> datetime:
    return datetime.now(UTC)


async def _role_code(session: AsyncSession, settings: Settings, org: Org, role: Role) -> str:
    """A one-time invite created from the CLI (audited with source "cli")."""
    code, _invite = await invites.create(
        session,
        org=org,
        purpose="role",
        role=role,
        actor_id=None,
        now=_now(),
        ttl=timedelta(days=settings.invite_ttl_days),
        source="cli",
    )
    return code


async def _one_org(session: AsyncSession, name: str, t: Translator) -> Org:
    found = await orgs.find_by_name(session, name)
    if not found:
        raise CliError(t.gettext("No organisation is named {name!r}.").format(name=name))
    if len(found) > 1:
        raise CliError(
            t.gettext("Several organisations are named {name!r}; rename one first.").format(
                name=name
            )
        )
    return found[0]


def cmd_admin_add(settings: Settings, args: argparse.Namespace, t: Translator) -> int:
    async def work(session: AsyncSession) -> str:
        org = await _one_org(session, args.org, t)
        await users.grant_role(
            session, user_id=args.telegram_id, org=org, role=Role.ADMIN, actor_id=None, source="cli"
        )
        return str(org.name)

    name = _db(settings, work)
    print(t.gettext("{user} is now an admin of {name}.").format(user=args.telegram_id, name=name))
    return 0


def cmd_invite(settings: Settings, args: argparse.Namespace, t: Translator) -> int:
    async def work(session: AsyncSession) -> str:
        org = await _one_org(session, args.org, t)
        role = Role(args.role)
        if role != Role.ADMIN and not org.is_cell:
            raise CliError(t.gettext("Only a cell has secretaries, deputies and delegates."))
        return await _role_code(session, settings, org, role)

    _print_code(t, settings, _db(settings, work))
    return 0


def cmd_org_import(settings: Settings, args: argparse.Namespace, t: Translator) -> int:
    from bot.intake.org_import import guess_org_kind

    path = Path(args.file)
    if not path.is_file():
        raise CliError(t.gettext("There is no file {path}.").format(path=path))
    parsed = _read_org_file(path, t)

    async def work(session: AsyncSession) -> tuple[int, int, int]:
        created = updated = 0
        root = await _one_org(session, args.under, t) if args.under else None
        for row in parsed.rows:
            parent = await orgs.find_child(session, root, row.parent_name) if root else None
            if parent is None:
                matches = await orgs.find_by_name(session, row.parent_name, within=root)
                parent = matches[0] if matches else None
            if parent is None:
                parent = await orgs.create(
                    session,
                    name=row.parent_name,
                    kind=guess_org_kind(row.parent_name),
                    parent=root,
                    actor_id=None,
                    source="cli",
                )
            cell = await orgs.find_child(session, parent, row.name)
            fields: dict[str, Any] = {"cell_type": row.cell_type, "meeting_day": row.meeting_day}
            if row.meeting_time is not None:
                fields["meeting_time"] = row.meeting_time
            if cell is None:
                await orgs.create(
                    session,
                    name=row.name,
                    kind=OrgKind.CELL,
                    parent=parent,
                    actor_id=None,
                    source="cli",
                    **fields,
                )
                created += 1
            elif any(getattr(cell, k) != v for k, v in fields.items()):
                await orgs.update_fields(session, cell, actor_id=None, source="cli", **fields)
                updated += 1
        return created, updated, len(parsed.rejected)

    created, updated, rejected = _db(settings, work)
    print(
        t.gettext(
            "Cells created: {created}, updated: {updated}, rows rejected: {rejected}."
        ).format(created=created, updated=updated, rejected=rejected)
    )
    for problem in parsed.rejected:
        print(
            f"  row {problem.row}: {problem.reason.code} {problem.reason.params}", file=sys.stderr
        )
    return 0 if not parsed.rejected else 1


def _read_org_file(path: Path, t: Translator) -> OrgImport:
    """The organisation file, parsed in a child process with the bot's limits (#12); a
    file that cannot be used is one sentence (exit status 2)."""
    from bot.intake import isolated
    from bot.intake.tabular import MAX_BYTES, MB, ImportFileError

    try:
        if path.stat().st_size > MAX_BYTES:  # not even read into memory
            raise ImportFileError("file_too_large", {"limit": str(MAX_BYTES // MB)})
        return isolated.parse_org(path.read_bytes())
    except ImportFileError as exc:
        reason = labels.problem_text(t.gettext, exc.problem)
        raise CliError(
            t.gettext("Cannot import {path}: {reason}.").format(path=path, reason=reason)
        ) from None


def cmd_report(settings: Settings, args: argparse.Namespace, t: Translator) -> int:
    """#5: a roll-up for staff who compile reports, offline against the database."""
    from dataclasses import replace

    from bot.domain.summary import Period
    from bot.services.report import build

    try:
        period = Period.parse(args.period)
    except ValueError:
        raise CliError(
            t.gettext("Cannot read the period {period}: use 2026-10, 2026-Q3 or 2026.").format(
                period=args.period
            )
        ) from None
    if args.database:
        settings = replace(settings, database_url=args.database)
    today = datetime.now(settings.timezone).date()  # L1
    if period.first_day > today:
        raise CliError(t.gettext("The period {period} has not begun.").format(period=period.key))

    async def work(session: AsyncSession) -> bytes:
        from bot.render.charts import compliance_chart
        from bot.render.summary_text import report_texts
        from bot.render.workbook import report_workbook

        report = await build(session, await _one_org(session, args.org, t), period, today)
        if args.format == "png":
            return compliance_chart(report, t)
        if args.format == "xlsx":
            return report_workbook(report, t)
        return "\n\n".join(report_texts(report, t)).encode("utf-8")

    data = _db(settings, work)
    if args.out in (None, "-"):
        if args.format != "text":
            raise CliError(t.gettext("A chart or a workbook needs --out FILE."))
        sys.stdout.write(data.decode("utf-8") + "\n")
    else:
        Path(args.out).write_bytes(data)
        print(t.gettext("Written: {path}").format(path=args.out))
    return 0


def cmd_demo_data(settings: Settings, args: argparse.Namespace, t: Translator) -> int:
    """#6: a synthetic province (bot/demo/province.py) for demos and the benchmarks."""
    import time as clock
    from dataclasses import replace

    from bot.demo.province import Spec
    from bot.services import demo

    if args.database:
        settings = replace(settings, database_url=args.database)
    if args.cells < 1 or args.members_per_cell < 3 or args.months < 1:
        raise CliError(t.gettext("A demo needs at least 1 cell, 3 members a cell and 1 month."))
    spec = Spec(
        args.cells,
        args.members_per_cell,
        args.months,
        seed=args.seed,
        today=datetime.now(settings.timezone).date(),  # L1
    )
    started = clock.perf_counter()

    async def work(session: AsyncSession) -> Any:
        try:
            return await demo.populate(session, spec, append=args.append)
        except demo.OrgsExist:
            raise CliError(
                t.gettext(
                    "The database already holds organisations; use --append to add the demo "
                    "province beside them."
                )
            ) from None

    made = _db(settings, work)
    print(
        t.gettext(
            "{name}: {communes} communes, {cells} cells, {members} members, {meetings} meetings, "
            "{absences} absences, {zero} zero reports in {seconds:.1f} s."
        ).format(
            name=made.province,
            communes=made.communes,
            cells=made.cells,
            members=len(made.members),
            meetings=len(made.meetings),
            absences=sum(1 for m in made.marks if m[2] != "voluntary"),
            zero=len(made.zero_reports),
            seconds=clock.perf_counter() - started,
        )
    )
    return 0


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
