"""Test databases: SQLite always; PostgreSQL when TEST_DATABASE_URL is set.

Each backend is migrated once per test session (the real Alembic migrations); each test
then starts from empty tables. PostgreSQL runs in a database of its own (created next to the
one TEST_DATABASE_URL names), so other data and parallel runs are left alone, and the URL
is complete in itself (the CLI can be pointed at it).
"""

from __future__ import annotations

import asyncio
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from storage.db import make_engine
from storage.migrate import upgrade
from storage.models import Base

PG_ENV = "TEST_DATABASE_URL"


@dataclass
class Backend:
    name: str  # "sqlite" | "postgresql"
    url: str
    admin_url: str | None = None
    template: Path | None = None

    def engine(self, tmp: Path) -> tuple[AsyncEngine, str]:
        if self.name == "sqlite":
            assert self.template is not None
            target = tmp / "chibo.sqlite3"
            shutil.copy(self.template, target)
            url = f"sqlite+aiosqlite:///{target}"
            return make_engine(url), url
        return make_engine(self.url), self.url


def prepare_sqlite(folder: Path) -> Backend:
    template = folder / "template.sqlite3"

    async def go() -> None:
        engine = make_engine(f"sqlite+aiosqlite:///{template}")
        await upgrade(engine)
        await engine.dispose()

    asyncio.run(go())
    return Backend("sqlite", f"sqlite+aiosqlite:///{template}", template=template)


def prepare_postgres(admin_url: str) -> Backend:
    name = f"chibo_test_{os.getpid()}"
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)

    async def go() -> None:
        admin = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        await admin.dispose()
        engine = make_engine(url)
        await upgrade(engine)
        await engine.dispose()

    asyncio.run(go())
    return Backend("postgresql", url, admin_url=admin_url)


def drop_postgres(backend: Backend) -> None:
    assert backend.admin_url is not None
    name = make_url(backend.url).database

    async def go() -> None:
        admin = create_async_engine(backend.admin_url or "", isolation_level="AUTOCOMMIT")
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()

    asyncio.run(go())


async def empty_tables(engine: AsyncEngine, backend: Backend) -> None:
    if backend.name != "postgresql":
        return  # a fresh copy of the migrated template
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
