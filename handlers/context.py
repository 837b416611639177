"""The typed context every callback receives (STYLE 7: no string keys)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram.ext import Application, CallbackContext, ExtBot

from bot.services.settings import Settings


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class BotData:
    """Application-wide state, built once by the app factory."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    clock: Callable[[], datetime] = system_clock  # injectable: tests run months in a second
    bot_username: str = ""
    # One reminder tick at a time in this process, however it is started (the job, a
    # benchmark or a test calling bot.services.scheduler.tick): two would plan the same province
    # side by side and stack their memory (#6).
    tick_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # The language each person chose (/language), as last read from their users row: the
    # notice to someone over their update budget (handlers/flood.py) reads no database.
    locales: dict[int, str] = field(default_factory=dict)

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        """L1: the date in Vietnam, not in UTC (23:30 UTC is already tomorrow there)."""
        return self.clock().astimezone(self.settings.timezone).date()


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """CallbackContext with typed access to settings and the database."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)

    @property
    def data(self) -> BotData:
        return self.bot_data

    @property
    def settings(self) -> Settings:
        return self.bot_data.settings

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        return self.bot_data.sessions
