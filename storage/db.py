"""Engines and sessions. SQLite (WAL, foreign keys on) by default, PostgreSQL in production."""

from __future__ import annotations

import contextlib
import os
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


def make_private(database: Path) -> None:
    """S1: names of Party members are nobody else's to read on the machine (#12). The folder
    is created 0700 and the database file 0600; SQLite gives its -wal and -shm files the
    database file's mode when it creates them. Files an older version left readable to
    others are narrowed to 0600 (the folder, which the operator may have chosen, is not)."""
    database.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not database.exists():
        os.close(os.open(database, os.O_RDWR | os.O_CREAT, 0o600))
    for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        with contextlib.suppress(FileNotFoundError, PermissionError):
            if path.stat().st_mode & 0o077:
                path.chmod(0o600)


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
            make_private(Path(parsed.database))
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
