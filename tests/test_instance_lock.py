"""The instance lock and the migration lock (#6), in process, on both databases."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text

from storage.db import make_engine
from storage.instance import instance_lock, lock_key, migration_lock, ping

from .auxil.db import Backend


def url_for(backend: Backend, tmp_path: Path) -> str:
    if backend.name == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'chibo.sqlite3'}"
    return backend.url


def test_lock_key_is_per_bot() -> None:
    assert lock_key("4242") == lock_key("4242")
    assert lock_key("4242") != lock_key("4243")
    assert -(2**63) <= lock_key("4242") < 2**63  # a PostgreSQL bigint


async def test_one_holder_at_a_time(backend: Backend, tmp_path: Path) -> None:
    url = url_for(backend, tmp_path)
    first, second = instance_lock(url, "4242"), instance_lock(url, "4242")
    other_bot = instance_lock(url, "5151")
    try:
        assert await first.try_acquire()
        assert not await second.try_acquire()
        # PostgreSQL: another bot on the same database is independent; SQLite: one process a file
        assert await other_bot.try_acquire() == (backend.name == "postgresql")
        assert await first.alive(2.0)
        await first.release()
        assert await second.try_acquire()
        assert await second.alive(2.0)
    finally:
        for lock in (first, second, other_bot):
            await lock.release()


async def test_a_cut_connection_is_a_lost_lock(postgresql_backend: Backend) -> None:
    lock = instance_lock(postgresql_backend.url, "4242")
    engine = make_engine(postgresql_backend.url)
    try:
        assert await lock.try_acquire()
        async with engine.connect() as conn:
            await conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = 'chibo' AND datname = current_database()"
                )
            )
        assert not await lock.alive(2.0)
        again = instance_lock(postgresql_backend.url, "4242")
        assert await again.try_acquire()  # the server released it with the connection
        await again.release()
    finally:
        await lock.release()
        await engine.dispose()


async def test_migrations_wait_for_each_other(backend: Backend, tmp_path: Path) -> None:
    url = url_for(backend, tmp_path)
    order: list[str] = []

    async def second() -> None:
        async with migration_lock(url):
            order.append("second")

    async with migration_lock(url):
        waiting = asyncio.create_task(second())
        await asyncio.sleep(0.5)
        order.append("first")
    await asyncio.wait_for(waiting, 10)
    if backend.name == "postgresql":
        assert order == ["first", "second"]
    else:  # SQLite's own write lock serialises the migrations themselves
        assert order == ["second", "first"]


async def test_ping(backend: Backend, tmp_path: Path) -> None:
    engine = make_engine(url_for(backend, tmp_path))
    gone = make_engine("postgresql+asyncpg://chibo@127.0.0.1:1/chibo")
    try:
        assert await ping(engine, 5.0)
        assert not await ping(gone, 5.0)
    finally:
        await engine.dispose()
        await gone.dispose()
