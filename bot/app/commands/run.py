"""`chibo run` (long polling or webhook, after a preflight getMe) and `chibo migrate`."""

from __future__ import annotations

import argparse
import asyncio
import logging

from sqlalchemy.ext.asyncio import AsyncSession

from bot.app.commands.common import CliError, run_db
from bot.app.settings import Settings
from bot.render.i18n import Translator
from storage.db import make_engine
from storage.migrate import upgrade

log = logging.getLogger("chibo")


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

    run_db(settings, noop)
    print(t.gettext("The database is up to date."))
    return 0
