"""One active instance at a time (#6), and the health check's database ping.

PostgreSQL: a session-level advisory lock (pg_try_advisory_lock) taken on a connection of its
own, in autocommit (an open transaction would hold back vacuum for the life of the process).
The server releases the lock when that connection ends, so a killed process frees it at once,
and TCP keepalives make the server give up on a silent (unplugged) one within seconds.

SQLite: an exclusive flock on a file beside the database. SQLite is one machine's file, so this
only keeps a second process on the same machine from working on it at the same time.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Protocol

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

# The server side of the lock's connection: probe an idle client after 5 s, every 2 s, and
# drop it after 3 missed probes, or when what it sent stays unacknowledged for 10 s, so a
# vanished machine's lock frees in about 11 s.
_KEEPALIVES = {
    "tcp_keepalives_idle": "5",
    "tcp_keepalives_interval": "2",
    "tcp_keepalives_count": "3",
    "tcp_user_timeout": "10000",
}


class InstanceLock(Protocol):
    async def try_acquire(self) -> bool:
        """Take the lock if it is free; False when another instance holds it."""

    async def alive(self, within: float) -> bool:
        """Whether the lock is still ours (its connection answers within `within` seconds)."""

    async def release(self) -> None: ...


def lock_key(bot_id: str) -> int:
    """A fixed 64-bit key per bot: instances of the same bot share it, other bots do not.

    From the bot id (the token's first part), not the token, so a new token for the same bot
    still meets the old instance's lock."""
    digest = hashlib.sha256(f"chibo-instance:{bot_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class PostgresLock:
    def __init__(self, url: str, key: int) -> None:
        self.key = key
        self._engine: AsyncEngine = create_async_engine(
            url,
            poolclass=NullPool,
            isolation_level="AUTOCOMMIT",
            connect_args={"server_settings": {**_KEEPALIVES, "application_name": "chibo"}},
        )
        self._conn: AsyncConnection | None = None

    async def try_acquire(self) -> bool:
        if self._conn is None:
            self._conn = await self._engine.connect()
        try:
            result = await self._conn.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}
            )
            return bool(result.scalar_one())
        except Exception:
            await self._drop()
            raise

    async def alive(self, within: float) -> bool:
        if self._conn is None:
            return False
        conn = self._conn
        # Not wait_for: cancelling a query on a hung connection can hang as well.
        probe = asyncio.ensure_future(conn.execute(text("SELECT 1")))
        done, _ = await asyncio.wait({probe}, timeout=within)
        if not done or probe.exception() is not None:
            if not done:
                probe.cancel()
            # Forget the dead connection (the lock went with it); try_acquire opens a new one.
            self._conn = None
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.invalidate(), within)
            return False
        return True

    async def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                await conn.invalidate()
                await conn.close()

    async def release(self) -> None:
        """Close the connection: the server releases the lock with it."""
        await self._drop()
        await self._engine.dispose()


class FileLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def take(self) -> bool:
        """Take the lock now if it is free (also used by `chibo restore`, which runs no loop)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def drop(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)  # closing the file releases the lock

    async def try_acquire(self) -> bool:
        return self.take()

    async def alive(self, within: float) -> bool:
        return self._fd is not None  # a lock on an open file cannot be taken from us

    async def release(self) -> None:
        self.drop()


class NoLock:
    """An in-memory SQLite database is this process's alone."""

    async def try_acquire(self) -> bool:
        return True

    async def alive(self, within: float) -> bool:
        return True

    async def release(self) -> None:
        return None


# Held while migrating, so that two instances started together do not both create the tables.
MIGRATION_KEY = lock_key("migrations")


@contextlib.asynccontextmanager
async def migration_lock(database_url: str) -> AsyncIterator[None]:
    """On PostgreSQL, wait for any other instance's migrations to finish first (SQLite's own
    write lock already serialises them)."""
    if make_url(database_url).get_backend_name() == "sqlite":
        yield
        return
    engine = create_async_engine(database_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_KEY})
            try:
                yield
            finally:
                await conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_KEY})
    finally:
        await engine.dispose()


def instance_lock(database_url: str, bot_id: str) -> InstanceLock:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            return NoLock()
        return FileLock(Path(url.database + ".lock"))
    return PostgresLock(database_url, lock_key(bot_id))


async def ping(engine: AsyncEngine, within: float) -> bool:
    """Whether the database answers a trivial query within `within` seconds."""

    async def query() -> None:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    probe = asyncio.ensure_future(query())
    done, _ = await asyncio.wait({probe}, timeout=within)
    if not done:
        probe.cancel()
        return False
    return probe.exception() is None


async def connect_problem(engine: AsyncEngine) -> str | None:
    """Why the database cannot be reached (one line, no password), or None when it can."""
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except DBAPIError as exc:
        return str(exc.orig).strip().splitlines()[0]
    except (OSError, TimeoutError) as exc:
        return (str(exc) or type(exc).__name__).splitlines()[0]
    return None
