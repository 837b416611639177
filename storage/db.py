"""Engines and sessions. SQLite (WAL, foreign keys on) by default, PostgreSQL in production."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry


def _sqlite_pragmas(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str, *, timeout: float | None = None, **kwargs: Any) -> AsyncEngine:
    """Create the engine; for a file-based SQLite URL the folder is created first.

    `timeout` (PostgreSQL): seconds to connect and to run one statement before giving up,
    for a server that hangs instead of refusing (frozen, or cut off by the network); the
    bot sets it, so a hung database costs a user a polite notice, not the whole bot.
    """
    # A failed statement's parameters (members' names, …) stay out of the error's text and
    # so out of logged tracebacks (#6: no names in the logs).
    kwargs.setdefault("hide_parameters", True)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)  # connections dead after a server restart (#6)
    if timeout is not None and parsed.get_driver_name() == "asyncpg":
        kwargs["connect_args"] = {
            "timeout": timeout,
            "command_timeout": timeout,
            **kwargs.get("connect_args", {}),
        }
    return create_async_engine(url, **kwargs)


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # expire_on_commit=False: rows read in a handler's transaction stay usable for the reply.
    return async_sessionmaker(engine, expire_on_commit=False)
