"""Backups (#6): `chibo backup` and `chibo restore`.

SQLite: sqlite3's online backup API copies a consistent snapshot while the bot runs (a
write transaction still open elsewhere is simply not in it); the copy is written next to the
target and renamed into place, so a crash never leaves half a backup under the final name.
PostgreSQL: `pg_dump -Fc` (custom format, compressed, for `pg_restore`), the SQLAlchemy URL
turned into libpq's form with the password passed in PGPASSWORD (never on a command line).

A restore refuses while a bot works on the database (#12): on SQLite it would swap the file
under a bot that keeps committing into the unlinked old one, and those writes would be lost
without a word. It takes what a running bot holds (storage.instance: the lock file beside an
SQLite database; on PostgreSQL, no advisory lock of another session, and the migration lock
held for the whole restore), so a bot started meanwhile waits for the restore to finish.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from storage.instance import MIGRATION_KEY, FileLock


class BackupError(Exception):
    """What went wrong, as one sentence for the command line (the caller translates)."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code, self.params = code, params


@dataclass(frozen=True)
class Libpq:
    """A database for libpq's tools: the URL without a password, and the environment."""

    url: str
    env: dict[str, str]


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("memory")
    return Path(database)


def libpq(url: str) -> Libpq:
    """postgresql+asyncpg://u:p@h:5432/db?ssl=require → postgresql://u@h:5432/db?sslmode=require"""
    parsed: URL = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    query = dict(parsed.query)
    if "ssl" in query and "sslmode" not in query:  # asyncpg's name for it
        query["sslmode"] = query.pop("ssl")
    plain = parsed.set(drivername="postgresql", password=None, query=query)
    return Libpq(plain.render_as_string(hide_password=False), env)


def _replace_atomically(out: Path, write: Callable[[Path], object]) -> int:
    out.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # S1: nobody else's to read
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out.stat().st_size


def backup_sqlite(url: str, out: Path) -> int:
    """Online backup of the SQLite database at `url` into `out`; returns its size in bytes."""
    source_path = sqlite_path(url)
    if not source_path.is_file():
        raise BackupError("no-file", path=source_path)

    def write(tmp: Path) -> None:
        source = sqlite3.connect(source_path)  # it exists: checked above
        target = sqlite3.connect(tmp)
        try:
            source.execute("PRAGMA busy_timeout=10000")
            source.backup(target)  # all pages in one step: one consistent snapshot
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            target.close()
            source.close()

    return _replace_atomically(out, write)


def restore_sqlite(backup: Path, url: str, *, force: bool) -> int:
    """Put `backup` in place of the SQLite database at `url` (the bot must be stopped)."""
    target = sqlite_path(url)
    check_sqlite_file(backup)
    if target.exists() and not force:
        raise BackupError("exists", path=target)
    lock = FileLock(Path(f"{target}.lock"))  # the one a running bot holds (storage.instance)
    if not lock.take():
        raise BackupError("running")
    try:
        size = _replace_atomically(target, lambda tmp: shutil.copyfile(backup, tmp))
        # The old database's write-ahead log would be replayed onto the restored file.
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
    finally:
        lock.drop()
    return size


def check_sqlite_file(path: Path) -> None:
    if not path.is_file():
        raise BackupError("no-file", path=path)
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            ok = con.execute("PRAGMA quick_check").fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError:
        ok = None
    if not ok or ok[0] != "ok":
        raise BackupError("not-sqlite", path=path)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError("no-tool", tool=name)
    return found


def _run(cmd: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        message = (done.stderr or done.stdout).strip().splitlines()
        raise BackupError("tool-failed", tool=Path(cmd[0]).name, why=message[-1] if message else "")


def backup_postgres(url: str, out: Path) -> int:
    """`pg_dump -Fc` of the database at `url` into `out`; returns its size in bytes."""
    pg_dump = _tool("pg_dump")
    db = libpq(url)
    return _replace_atomically(
        out, lambda tmp: _run([pg_dump, "-Fc", "--no-owner", "-f", str(tmp), "-d", db.url], db.env)
    )


def restore_postgres(backup: Path, url: str) -> None:
    """`pg_restore --clean --if-exists` into the database at `url` (it must exist)."""
    if not backup.is_file():
        raise BackupError("no-file", path=backup)
    pg_restore = _tool("pg_restore")
    db = libpq(url)
    command = [
        pg_restore, "--clean", "--if-exists", "--no-owner", "--single-transaction",
        "--exit-on-error", "-d", db.url, str(backup),
    ]  # fmt: skip
    asyncio.run(_while_no_bot_runs(url, lambda: _run(command, db.env)))


# Advisory locks that other sessions hold in this database: a running bot's instance lock, or
# one starting up (its migration lock).
_OTHERS_LOCKS = text(
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
    " AND pid <> pg_backend_pid()"
    " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)


async def _while_no_bot_runs(url: str, work: Callable[[], object]) -> None:
    """Run `work` (in a thread) holding the migration lock, if no bot holds a lock here."""
    engine = create_async_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            if await conn.scalar(_OTHERS_LOCKS):
                raise BackupError("running")
            taken = await conn.scalar(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": MIGRATION_KEY}
            )
            if not taken:
                raise BackupError("running")
            try:
                await asyncio.to_thread(work)
            finally:
                await conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_KEY})
    finally:
        await engine.dispose()
