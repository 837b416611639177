"""`chibo backup` and `chibo restore` (#6), run as real processes on SQLite and PostgreSQL:
every table's rows and the ward's October and yearly reports are the same after a round trip; an SQLite
backup taken while a write transaction is open holds the last committed state, whole."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.domain.model import MemberStatus
from bot.domain.roster import NewSpan
from bot.render.summary_text import report_texts
from storage import members
from storage.db import make_engine, make_sessionmaker
from storage.models import Base, Member, Org

from .auxil.db import Backend
from .auxil.paths import ROOT
from .test_reports import VI, report, ward

TABLES = [t.name for t in Base.metadata.sorted_tables] + ["alembic_version"]


def chibo(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    env["CHIBO_LOCALE"] = "vi"
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def counts(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as conn:
        return {
            name: int(await conn.scalar(text(f'SELECT count(*) FROM "{name}"')) or 0)
            for name in TABLES
        }


async def report_text(engine: AsyncEngine, ward_id: int) -> str:
    """The ward's October and yearly reports, as the bot sends them."""
    sessions = make_sessionmaker(engine)
    async with sessions.begin() as s:
        node = await s.get(Org, ward_id)
    assert node is not None
    texts = [
        t for p in ("2026-10", "2026") for t in report_texts(await report(sessions, node, p), VI)
    ]
    return "\n\n".join(texts)


@pytest.fixture
async def fresh_url(backend: Backend, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database to restore into: a new SQLite path, or a new PostgreSQL database."""
    if backend.name == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'restored' / 'chibo.sqlite3'}"
        return
    assert backend.admin_url is not None
    name = f"{make_url(backend.url).database}_restored"
    admin = create_async_engine(backend.admin_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(backend.url).set(database=name).render_as_string(hide_password=False)
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


async def test_backup_and_restore_keep_every_row_and_the_report(
    engine: AsyncEngine, backend: Backend, fresh_url: str, tmp_path: Path
) -> None:
    tree = await ward(make_sessionmaker(engine))
    before, report_before = await counts(engine), await report_text(engine, tree["W"].id)
    assert before["members"] == 52 and before["meetings"] > 50 and before["audit_log"] > 100
    assert "Chi bộ Khu phố 10" in report_before and "năm 2026" in report_before

    url = engine.url.render_as_string(hide_password=False)
    out = tmp_path / "backups" / "chibo.backup"
    done = await asyncio.to_thread(chibo, "backup", "--out", str(out), "--database", url)
    assert done.returncode == 0, done.stderr
    assert str(out) in done.stdout and "Đã sao lưu" in done.stdout
    assert out.is_file() and out.stat().st_size > 10_000
    assert [p.name for p in out.parent.iterdir()] == ["chibo.backup"]  # no temporary left over

    done = await asyncio.to_thread(chibo, "restore", "--from", str(out), "--database", fresh_url)
    assert done.returncode == 0, done.stderr
    restored = make_engine(fresh_url)
    try:
        assert await counts(restored) == before
        assert await report_text(restored, tree["W"].id) == report_before
        async with restored.connect() as conn:
            names = set(await conn.scalars(select(Member.full_name)))
        async with engine.connect() as conn:
            assert names == set(await conn.scalars(select(Member.full_name)))
    finally:
        await restored.dispose()


def test_restore_refuses_to_overwrite_sqlite_without_force(tmp_path: Path) -> None:
    source = tmp_path / "live.sqlite3"
    sqlite3.connect(source).executescript("CREATE TABLE t (x); INSERT INTO t VALUES (1);").close()
    backup = tmp_path / "b.sqlite3"
    url = f"sqlite+aiosqlite:///{source}"
    assert (chibo("backup", "--out", str(backup), "--database", url)).returncode == 0
    con = sqlite3.connect(source)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("INSERT INTO t VALUES (2)")
    con.commit()
    con.close()

    done = chibo("restore", "--from", str(backup), "--database", url)
    assert done.returncode == 2 and "--force" in done.stderr and "Traceback" not in done.stderr
    assert sqlite3.connect(source).execute("SELECT count(*) FROM t").fetchone() == (2,)

    wal = Path(f"{source}-wal")  # what a stopped bot may leave: it must not be replayed
    wal.write_bytes(b"the log of the database being replaced")
    done = chibo("restore", "--from", str(backup), "--database", url, "--force")
    assert done.returncode == 0, done.stderr
    assert not wal.exists()
    assert sqlite3.connect(source).execute("SELECT x FROM t").fetchall() == [(1,)]

    not_a_db = tmp_path / "notes.txt"
    not_a_db.write_text("hello")
    done = chibo("restore", "--from", str(not_a_db), "--database", url, "--force")
    assert done.returncode == 2 and "SQLite" in done.stderr
    assert sqlite3.connect(source).execute("SELECT x FROM t").fetchall() == [(1,)]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_sqlite_backup_during_an_open_write_transaction(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    tree = await ward(make_sessionmaker(engine))
    committed = await counts(engine)
    url = engine.url.render_as_string(hide_password=False)
    out = tmp_path / "during.sqlite3"
    async with make_sessionmaker(engine).begin() as s:  # a write transaction, still open
        for i in range(300):
            await members.add_member(
                s,
                cell_id=tree["A"].id,
                full_name=f"Trần Thị Mới {i}",
                spans=[NewSpan(MemberStatus.OFFICIAL, date(2026, 1, 1))],
                actor_id=None,
            )
        await s.flush()
        done = await asyncio.to_thread(chibo, "backup", "--out", str(out), "--database", url)
        assert done.returncode == 0, done.stderr
    async with engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(Member)) == 52 + 300
    copy = sqlite3.connect(out)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("PRAGMA foreign_key_check").fetchall() == []
        got = {n: copy.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in TABLES}
    finally:
        copy.close()
    assert got == committed  # the last committed state, none of the open transaction


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
async def test_postgresql_backup_without_pg_dump_says_what_to_do(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    env["PATH"] = str(Path(sys.executable).parent)  # python, but no pg_dump
    url = engine.url.render_as_string(hide_password=False)
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot", "backup", "--out", str(tmp_path / "x"), "--database", url],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "pg_dump" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x").exists()


async def test_restore_over_the_live_database_rolls_it_back(
    engine: AsyncEngine, backend: Backend, tmp_path: Path
) -> None:
    """Last night's backup put back over today's database (the bot stopped)."""
    tree = await ward(make_sessionmaker(engine))
    before = await counts(engine)
    url = engine.url.render_as_string(hide_password=False)
    out = tmp_path / "last-night.backup"
    assert (
        await asyncio.to_thread(chibo, "backup", "--out", str(out), "--database", url)
    ).returncode == 0
    async with make_sessionmaker(engine).begin() as s:  # the day's work, to be undone
        await members.add_member(
            s,
            cell_id=tree["A"].id,
            full_name="Trần Thị Mới",
            spans=[NewSpan(MemberStatus.OFFICIAL, date(2026, 1, 1))],
            actor_id=None,
        )
    assert (await counts(engine))["members"] == before["members"] + 1
    await engine.dispose()  # the bot is stopped
    force = ["--force"] if backend.name == "sqlite" else []
    done = await asyncio.to_thread(chibo, "restore", "--from", str(out), "--database", url, *force)
    assert done.returncode == 0, done.stderr
    assert "Đã khôi phục" in done.stdout
    assert await counts(engine) == before
