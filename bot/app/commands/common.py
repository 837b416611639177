"""Shared by the `chibo` commands: the one-sentence error, one transaction per command and
the organisation a command names."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.app.settings import Settings
from bot.render.i18n import Translator
from storage import orgs
from storage.db import make_engine, make_sessionmaker
from storage.migrate import upgrade
from storage.models import Org

T = TypeVar("T")


class CliError(Exception):
    """A problem to print as one sentence (no traceback) with exit status 2."""


def run_db(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
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


async def one_org(session: AsyncSession, name: str, t: Translator) -> Org:
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
