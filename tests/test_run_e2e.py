"""The README's first command, for real: `chibo run` as a process, polling a Bot API server.

TELEGRAM_BASE_URL points the bot at the fake Bot API served over HTTP on 127.0.0.1; the test
types /start as a user and waits for the bot's answer, then checks the SQLite database the
bot created in its data folder.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from .fakeapi import FakeTelegram
from .fakeapi.http import FakeBotApiServer

ROOT = Path(__file__).resolve().parents[1]


def test_chibo_run_polls_and_answers(tmp_path: Path) -> None:
    fake = FakeTelegram(username="chibo_e2e_bot")
    server = FakeBotApiServer(fake).start()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "DATABASE_", "CHIBO_"))
    }
    env.update(
        TELEGRAM_BOT_TOKEN="4242:E2E-token",
        TELEGRAM_BASE_URL=server.url,
        CHIBO_DATA_DIR=str(tmp_path / "data"),
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        user = {"id": 777, "is_bot": False, "first_name": "Lan", "language_code": "vi"}
        server.call(fake.register_user, user)
        server.queue_update(
            {
                "message": {
                    "message_id": 1,
                    "date": int(time.time()),
                    "chat": {"id": 777, "type": "private", "first_name": "Lan"},
                    "from": user,
                    "text": "/start",
                    "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                }
            }
        )
        deadline = time.monotonic() + 60
        answer = None
        while time.monotonic() < deadline and answer is None and proc.poll() is None:
            time.sleep(0.2)
            answer = server.call(lambda: fake.chat(777).last_bot_message)
        assert answer is not None, (
            f"no answer; bot output:\n{proc.stdout.read() if proc.poll() is not None else ''}"
        )
        assert "đường dẫn mời" in answer.text  # a stranger is told how to get an invite
        assert server.call(
            lambda: fake.commands({"type": "all_private_chats"}, "en")
        )  # menus published
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            output = proc.communicate(timeout=30)[0]
        finally:
            proc.kill()
            server.stop()
    assert proc.returncode == 0, output
    assert "4242:E2E-token" not in output  # the token never reaches the log
    db = tmp_path / "data" / "chibo.sqlite3"
    with sqlite3.connect(db) as conn:
        # A stranger's /start is answered and leaves no row (#12).
        assert conn.execute("SELECT count(*) FROM users WHERE telegram_id = 777").fetchone() == (0,)
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() is not None
