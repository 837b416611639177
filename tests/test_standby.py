"""One active instance (#6): two real `chibo run` processes on one PostgreSQL database
(and on one SQLite file, where a file lock does the same for one machine).

A starts first and holds the advisory lock; B waits as a hot standby and never polls. A is
killed with SIGKILL (no goodbye: the server sees its connection close), and B takes over and
answers within seconds. Then, on PostgreSQL, B's lock connection is cut from the server's
side: with nobody else waiting B takes the lock back and answers on; when another holder
takes the lock first, B stops with status 1 rather than go on without it.

Both processes are the same bot: the fake Bot API tells them apart by the token in the URL
(the same bot id before the colon, so the same lock key; a test device, as Telegram would
accept only one token).
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from storage.db import make_engine
from storage.instance import lock_key

from .auxil.chiboproc import ROOT, Chibo, chibo_env, database_url, wait_until
from .auxil.db import Backend
from .fakeapi import FakeTelegram
from .fakeapi.http import FakeBotApiServer

TOKEN_A = "4343:instance-a"
TOKEN_B = "4343:instance-b"


def start_from(user_id: int) -> dict[str, Any]:
    user = {"id": user_id, "is_bot": False, "first_name": "Lan", "language_code": "vi"}
    return {
        "message": {
            "message_id": user_id,
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": "Lan"},
            "from": user,
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        }
    }


def terminate_lock_connections(url: str, take_over: bool = False) -> int:
    """Cut chibo's lock connection from the server's side, as a failover or a network would;
    with `take_over`, this connection then waits for the instance lock and holds it (until
    the end of the call) before chibo can try again."""

    async def go() -> int:
        engine = make_engine(url)
        try:
            async with engine.connect() as conn:
                result = await conn.execute(
                    text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE application_name = 'chibo' AND datname = current_database()"
                    )
                )
                cut = int(result.scalar_one())
                if take_over:
                    key = lock_key(TOKEN_A.split(":")[0])
                    await conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
                    await asyncio.sleep(5)  # B tries again every second meanwhile
                return cut
        finally:
            await engine.dispose()

    return asyncio.run(go())


@pytest.mark.parametrize("db", ["postgresql", "sqlite"])
def test_a_standby_takes_over_when_the_active_instance_dies(
    db: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    backend: Backend = request.getfixturevalue(f"{db}_backend")
    url = database_url(backend, tmp_path)
    fake = FakeTelegram(username="chibo_standby_bot")
    server = FakeBotApiServer(fake).start()
    common = {"TELEGRAM_BASE_URL": server.url, "DATABASE_URL": url}
    a = Chibo(env=chibo_env(TELEGRAM_BOT_TOKEN=TOKEN_A, **common))
    b: Chibo | None = None

    def answer(user_id: int) -> Any:
        return server.call(lambda: fake.chat(user_id).last_bot_message)

    def pollers(since: int = 0) -> set[str]:
        return {token for token, method in server.requests[since:] if method == "getUpdates"}

    try:
        assert a.wait_for("chibo is running (long polling)", 60), a.output
        b = Chibo(env=chibo_env(TELEGRAM_BOT_TOKEN=TOKEN_B, **common))
        assert b.wait_for("standby: another instance is active", 60), b.output

        server.queue_update(start_from(501))
        assert wait_until(lambda: answer(501), 20) is not None, a.output
        time.sleep(1.5)  # B would have polled by now, were it active
        assert pollers() == {TOKEN_A}
        sent = {token for token, method in server.requests if method == "sendMessage"}
        assert sent == {TOKEN_A}
        assert "active:" not in b.output and b.proc.poll() is None

        killed = time.monotonic()
        a.kill()
        seen = len(server.requests)
        server.queue_update(start_from(502))
        reply = wait_until(lambda: answer(502), 20, step=0.02)
        takeover = time.monotonic() - killed
        print(f"\ntakeover: {takeover:.2f} s from SIGKILL of the active instance to the answer")
        assert reply is not None, b.output
        assert "đường dẫn mời" in reply.text
        assert takeover < 10
        assert "active: took over after" in b.output
        assert TOKEN_B in pollers(seen)  # (A's last long poll may be logged just after `seen`)
        assert {token for token, method in server.requests[seen:] if method == "sendMessage"} == {
            TOKEN_B
        }

        if db == "sqlite":  # the same on one machine, with a lock on a file
            assert Path(url.removeprefix("sqlite+aiosqlite:///") + ".lock").exists()
            c = Chibo(env=chibo_env(TELEGRAM_BOT_TOKEN=TOKEN_A, **common))
            assert c.wait_for("standby: another instance is active", 60), c.output
            assert c.stop(signal.SIGTERM) == 0  # a standby stops cleanly, as systemd asks
            assert b.proc.poll() is None
            return
        # The lock's connection cut with nobody else waiting (a database restart does this):
        # B takes the lock back and serves on.
        assert terminate_lock_connections(url) == 1
        assert wait_until(lambda: "took the instance lock back" in b.output, 20), b.output
        server.queue_update(start_from(503))
        assert wait_until(lambda: answer(503), 20) is not None, b.output
        assert b.proc.poll() is None
        # Cut again, and this time another holder queues for the lock in the same statement:
        # B finds it taken and stops with status 1 rather than go on without it.
        assert terminate_lock_connections(url, take_over=True) == 1
        assert wait_until(lambda: b.proc.poll() is not None, 20), b.output
        assert b.stop() == 1
        assert "lost the instance lock: another instance took it" in b.output
    finally:
        a.stop()
        if b is not None:
            b.stop()
        server.stop()


def test_run_with_the_database_down_is_one_sentence() -> None:
    """What systemd's restarts print while PostgreSQL is down: one line, no password."""
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=ROOT,
        env=chibo_env(
            TELEGRAM_BOT_TOKEN=TOKEN_A,
            DATABASE_URL="postgresql+asyncpg://chibo:hunter2@127.0.0.1:1/chibo",  # nobody on 1
        ),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("Không kết nối được với cơ sở dữ liệu")  # CHIBO_LOCALE vi
    assert "postgresql+asyncpg://chibo:***@127.0.0.1:1/chibo" in done.stderr
    assert "hunter2" not in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
