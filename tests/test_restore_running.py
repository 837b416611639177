"""#12 findings 6 and 7: `chibo restore` refuses while a bot runs on the database (it would
swap the SQLite file under a bot that keeps committing into the unlinked old one, and lose
those writes without a word), and the SQLite database is nobody else's to read (S1)."""

from __future__ import annotations

import asyncio
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.domain.model import OrgKind
from storage import orgs
from storage.db import make_engine, make_sessionmaker
from storage.models import Org

from .auxil.chiboproc import ROOT, Chibo, chibo_env, database_url, wait_until
from .auxil.db import Backend
from .fakeapi import FakeTelegram
from .fakeapi.http import FakeBotApiServer
from .test_standby import start_from

TOKEN = "4545:restore-test"


def write_and_count(url: str, name: str | None) -> int:
    """Add a node named `name` (a write, as the bot's own) and count the nodes."""

    async def go() -> int:
        engine = make_engine(url)
        try:
            async with make_sessionmaker(engine).begin() as s:
                if name is not None:
                    await orgs.create(
                        s, name=name, kind=OrgKind.COMMUNE, parent=None, actor_id=None
                    )
                return len(list(await s.scalars(select(Org.id))))
        finally:
            await engine.dispose()

    return asyncio.run(go())


def chibo(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env=chibo_env(CHIBO_LOCALE="vi"),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("db", ["sqlite", "postgresql"])
def test_restore_refuses_while_the_bot_runs(
    db: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    backend: Backend = request.getfixturevalue(f"{db}_backend")
    url = database_url(backend, tmp_path)
    fake = FakeTelegram(username="chibo_restore_bot")
    server = FakeBotApiServer(fake).start()
    bot = Chibo(
        env=chibo_env(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=server.url, DATABASE_URL=url)
    )
    backup = tmp_path / "backup" / "chibo.backup"
    try:
        assert bot.wait_for("chibo is running (long polling)", 60), bot.output
        done = chibo("backup", "--out", str(backup), "--database", url)
        assert done.returncode == 0, done.stderr

        assert write_and_count(url, "Đảng ủy phường Sau Sao Lưu") == 1  # after the backup

        done = chibo("restore", "--from", str(backup), "--database", url, "--force")
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert "đang chạy" in done.stderr and len(done.stderr.strip().splitlines()) == 1

        server.queue_update(start_from(602))  # the bot goes on, on the same database
        assert wait_until(lambda: server.call(lambda: fake.chat(602).last_bot_message), 20)
        assert write_and_count(url, "Đảng ủy phường Trong Khi Chạy") == 2
    finally:
        status = bot.stop()
        server.stop()
    assert status == 0, bot.output
    assert write_and_count(url, None) == 2  # nothing written meanwhile was lost

    done = chibo("restore", "--from", str(backup), "--database", url, "--force")
    assert done.returncode == 0, done.stderr  # stopped: the restore goes ahead
    assert write_and_count(url, None) == 0


def test_sqlite_database_and_folder_are_private(tmp_path: Path) -> None:
    """S1: the folder 0700; the database, its -wal and -shm 0600."""
    folder = tmp_path / "data"
    database = folder / "chibo.sqlite3"

    async def write() -> None:
        engine = make_engine(f"sqlite+aiosqlite:///{database}")
        async with engine.begin() as conn:
            await conn.exec_driver_sql("CREATE TABLE t (x)")
            await conn.exec_driver_sql("INSERT INTO t VALUES (1)")
            mode = {p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()}
        await engine.dispose()
        assert mode == {
            "chibo.sqlite3": 0o600,
            "chibo.sqlite3-wal": 0o600,
            "chibo.sqlite3-shm": 0o600,
        }

    asyncio.run(write())
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700

    database.chmod(0o644)  # left readable by an older version
    asyncio.run(make_engine(f"sqlite+aiosqlite:///{database}").dispose())
    assert stat.S_IMODE(database.stat().st_mode) == 0o600

    backup = tmp_path / "backups" / "b.sqlite3"
    done = chibo("backup", "--out", str(backup), "--database", f"sqlite+aiosqlite:///{database}")
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert stat.S_IMODE(backup.parent.stat().st_mode) == 0o700
