"""The application factory (STYLE 1): settings in, a wired PTB Application out."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any, TypeAlias, cast

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    LinkPreviewOptions,
)
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseRateLimiter,
    ContextTypes,
    Defaults,
    ExtBot,
)
from telegram.request import BaseRequest

from bot.app.processor import ChatOrderedProcessor
from bot.render.i18n import SUPPORTED_LOCALES, translator
from bot.services.scheduler import schedule
from bot.services.settings import Settings
from bot.services.throttle import GROUP_BURST, GROUP_PER_MINUTE, Throttle
from handlers import flood, register
from handlers.context import BotContext, BotData, system_clock
from handlers.menu import GROUP_COMMANDS, PRIVATE_COMMANDS
from storage.db import make_engine, make_sessionmaker

log = logging.getLogger(__name__)

ChiboApp: TypeAlias = Application[
    ExtBot[None], BotContext, dict[Any, Any], dict[Any, Any], BotData, Any
]

_DEFAULT = object()
# A PostgreSQL server that hangs (frozen, cut off by the network) is given up on after this
# long: the user gets handlers/errors.py's notice, and the updates queued behind theirs go on.
# The bot's slowest statements (the tick over a province, a province's yearly report) are
# meant to take a second at most (#6's targets), far from it.
DB_TIMEOUT_SECONDS = 30.0


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    engine: AsyncEngine | None = None,
    clock: Callable[[], datetime] = system_clock,
    rate_limiter: BaseRateLimiter[Any] | object | None = _DEFAULT,
) -> ChiboApp:
    """Build the bot. Tests pass a fake `request` (the offline Bot API) and a `clock`."""
    if not settings.token:
        raise ValueError("a bot token is required")
    engine = engine or make_engine(settings.database_url, timeout=DB_TIMEOUT_SECONDS)
    bot_data = partial(BotData, settings, engine, make_sessionmaker(engine), clock)
    context_types = ContextTypes(context=BotContext, bot_data=cast(type[BotData], bot_data))
    builder = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.base_url)
        .base_file_url(settings.base_file_url)
        .context_types(context_types)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                tzinfo=settings.timezone,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if rate_limiter is _DEFAULT:
        builder = builder.rate_limiter(cast(BaseRateLimiter[Any], telegram_rate_limiter()))
    elif rate_limiter is not None:
        builder = builder.rate_limiter(cast(BaseRateLimiter[Any], rate_limiter))
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    processor = update_processor(settings, engine.dialect.name)
    builder = builder.concurrent_updates(processor)
    app = cast(ChiboApp, builder.build())
    register(app)
    processor.on_throttled = partial(flood.tell, app)
    schedule(app)  # the reminder tick; it runs once the application is started
    return app


# Updates handled at once (#6). Each update spends most of its time waiting for Telegram's
# answers (a round trip of 50-300 ms from Vietnam; a button press costs two: the new screen and
# the answer to the press), so one at a time caps a whole province at a few updates a second.
# On PostgreSQL several run at once (each in its own transaction and connection, well inside
# the engine's pool of 5 + 10); SQLite has one writer, and a deployment on it is one ward:
# one at a time.
POSTGRESQL_UPDATE_WORKERS = 8


def update_workers(settings: Settings, dialect: str) -> int:
    if settings.update_workers:
        return settings.update_workers
    return POSTGRESQL_UPDATE_WORKERS if dialect == "postgresql" else 1


def update_processor(settings: Settings, dialect: str) -> ChatOrderedProcessor:
    """The processor `build_application` installs, with the flood guards of `settings`
    (CHIBO_FLOOD_BURST=0 turns the per-person and per-group budgets off)."""
    on = settings.flood_burst > 0
    return ChatOrderedProcessor(
        update_workers(settings, dialect),
        chat_queue=settings.chat_queue,
        throttle=Throttle(settings.flood_burst, settings.flood_per_minute) if on else None,
        group_throttle=Throttle(GROUP_BURST, GROUP_PER_MINUTE) if on else None,
    )


# Telegram allows about 30 messages a second overall. aiolimiter (under AIORateLimiter) lets a
# full bucket out at once, so the default bucket of 30 per second can send nearly 60 in one
# second and earn 429s, each stopping all sends for over a second. A small bucket refilled at
# 95% of the limit never goes over it: 0.94-0.95 of the limit with no 429 against 0.85 with
# the default (benchmarks/fanout.py, docs/benchmarks.md).
TELEGRAM_MESSAGES_PER_SECOND = 30
RATE_SHARE = 0.95  # of the limit, sustained
BURST_SHARE = 0.05  # of the limit, sent at once
MAX_RETRIES = 3  # RetryAfter is waited out and the request retried this often
# In one group Telegram takes at most 20 messages in any minute. PTB's default group bucket
# (20 at once, then one every 3 s) lets 40 through in the first minute, and the 21st earns a
# 429 of up to a minute that stops every send in every chat (#12, found by the strict test
# fake). A bucket of 5 refilled one every 4 s never sends more than 5 + 15 = 20 in a minute.
SEND_GROUP_BURST = 5
GROUP_SECONDS_PER_MESSAGE = 4.0


def telegram_rate_limiter(
    limit: float = TELEGRAM_MESSAGES_PER_SECOND, *, time_scale: float = 1.0
) -> AIORateLimiter:
    """chibo's limiter. `time_scale` > 1 refills its buckets that many times faster: the same
    bursts in less real time, for tests and smoke runs whose fake Telegram runs fast."""
    tokens = max(1.0, BURST_SHARE * limit)
    return AIORateLimiter(
        overall_max_rate=tokens,
        overall_time_period=tokens / (RATE_SHARE * limit) / time_scale,
        group_max_rate=SEND_GROUP_BURST,
        group_time_period=SEND_GROUP_BURST * GROUP_SECONDS_PER_MESSAGE / time_scale,
        max_retries=MAX_RETRIES,
    )


async def _post_init(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """STYLE 10: check the database, learn our username, publish the command menus."""
    data: BotData = app.bot_data
    async with data.engine.connect() as conn:
        await conn.execute(text("SELECT 1"))
    data.bot_username = app.bot.username
    await publish_commands(app)


async def _post_shutdown(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    data: BotData = app.bot_data
    await data.engine.dispose()


async def publish_commands(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """setMyCommands per language; the default (no language) list is Vietnamese."""
    for locale in (None, *SUPPORTED_LOCALES):
        t = translator(locale or data_default(app))
        private = [BotCommand(name, t.gettext(desc)) for name, desc in PRIVATE_COMMANDS]
        group = [BotCommand(name, t.gettext(desc)) for name, desc in GROUP_COMMANDS]
        await app.bot.set_my_commands(
            private, scope=BotCommandScopeAllPrivateChats(), language_code=locale
        )
        await app.bot.set_my_commands(
            group, scope=BotCommandScopeAllGroupChats(), language_code=locale
        )


def data_default(app: Application[Any, Any, Any, Any, Any, Any]) -> str:
    data: BotData = app.bot_data
    return data.settings.default_locale
