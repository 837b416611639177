"""Webhook mode (#6): `chibo run --webhook-url …` as a real process behind the fake Bot API.

Telegram is played by the test: it reads the secret the bot passed to setWebhook from the fake
and posts updates to the bot's server itself, with and without that secret.
"""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.app.cli import main
from bot.app.webhook import SECRET_HEADER, Status, make_server
from storage.db import make_engine

from .auxil.chiboproc import Chibo, chibo_env, count_users, database_url, free_port, wait_until
from .auxil.db import Backend
from .fakeapi import FakeTelegram
from .fakeapi.http import FakeBotApiServer

TOKEN = "4242:webhook-token"
URL = "https://bot.example.org/telegram"
USER = {"id": 777, "is_bot": False, "first_name": "Lan", "language_code": "vi"}


def start_update(update_id: int) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": 777, "type": "private", "first_name": "Lan"},
            "from": USER,
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


def test_webhook_takes_only_updates_with_the_secret(backend: Backend, tmp_path: Path) -> None:
    url = database_url(backend, tmp_path)
    fake = FakeTelegram(username="chibo_webhook_bot")
    server = FakeBotApiServer(fake).start()
    port = free_port()
    bot = Chibo(
        "--webhook-url",
        URL,
        "--listen",
        "127.0.0.1",
        "--port",
        str(port),
        env=chibo_env(
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_BASE_URL=server.url,
            DATABASE_URL=url,
        ),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # Lan opened the bot: Telegram knows her chat, although her /start below goes to the
        # webhook past the fake (which would otherwise refuse to write to her: 403).
        server.call(fake.start_chat, USER)
        hook = wait_until(lambda: server.call(lambda: fake.webhook), 60)
        assert hook is not None, f"setWebhook never called:\n{bot.output}"
        assert hook["url"] == URL
        secret = hook["secret_token"]
        assert isinstance(secret, str) and len(secret) >= 32  # generated at start
        assert set(hook["allowed_updates"]) >= {"message", "callback_query"}

        health = httpx.get(f"{base}/healthz", timeout=10)
        assert health.status_code == 200
        assert health.json() == {"status": "active", "database": "ok"}

        refused = [
            httpx.post(f"{base}/telegram", json=start_update(1), timeout=10),
            httpx.post(
                f"{base}/telegram",
                json=start_update(2),
                headers={SECRET_HEADER: secret[:-1] + ("x" if secret[-1] != "x" else "y")},
                timeout=10,
            ),
            httpx.post(
                f"{base}/telegram", json=start_update(3), headers={SECRET_HEADER: ""}, timeout=10
            ),
        ]
        assert [r.status_code for r in refused] == [403, 403, 403]
        time.sleep(1.0)  # time enough to answer, had any been taken
        assert server.call(lambda: fake.calls_of("sendMessage")) == []
        assert count_users(url) == 0

        ok = httpx.post(
            f"{base}/telegram/", json=start_update(4), headers={SECRET_HEADER: secret}, timeout=10
        )
        assert ok.status_code == 200
        answer = wait_until(lambda: server.call(lambda: fake.chat(777).last_bot_message), 30)
        assert answer is not None, bot.output
        assert "đường dẫn mời" in answer.text  # a stranger is told how to get an invite
        assert count_users(url) == 0  # and leaves no row (#12)
        assert len(server.call(lambda: fake.calls_of("sendMessage"))) == 1

        assert httpx.post(f"{base}/other", json={}, timeout=10).status_code == 404
        assert server.call(lambda: fake.calls_of("getUpdates")) == []  # no polling
    finally:
        status = bot.stop()
        server.stop()
    assert status == 0, bot.output
    assert "webhook" in bot.output
    assert TOKEN not in bot.output and secret not in bot.output


async def test_health_and_a_standby_in_process(tmp_path: Path) -> None:
    """/healthz reports standby and a database that does not answer; a standby takes no update
    (503, so Telegram retries later), and the secret is checked before that (403)."""
    reachable = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}")
    gone = make_engine("postgresql+asyncpg://chibo@127.0.0.1:1/chibo")  # nothing listens on 1
    port = free_port()
    status = Status(engine=reachable)
    server = make_server(None, URL, "s3cret", status)
    server.listen(port, address="127.0.0.1")
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            health = await client.get("/healthz")
            assert (health.status_code, health.json()) == (
                200,
                {"status": "standby", "database": "ok"},
            )
            wrong = await client.post("/telegram", content=b"{}", headers={SECRET_HEADER: "x"})
            assert wrong.status_code == 403
            right = await client.post(
                "/telegram", content=json.dumps(start_update(1)), headers={SECRET_HEADER: "s3cret"}
            )
            assert (right.status_code, right.json()) == (503, {"status": "standby"})
            status.engine = gone
            health = await client.get("/healthz")
            assert (health.status_code, health.json()) == (
                503,
                {"status": "standby", "database": "unreachable"},
            )
    finally:
        server.stop()
        await server.close_all_connections()
        await reachable.dispose()
        await gone.dispose()


@pytest.mark.parametrize(
    ("args", "env", "says"),
    [
        (["--webhook-url", "http://bot.example.org/telegram"], {}, "https://"),
        (["--webhook-url", "bot.example.org"], {}, "https://"),
        (["--webhook-url", URL, "--port", "70000"], {}, "65535"),
        (["--webhook-url", URL, "--port", "eighty"], {}, "65535"),
        (["--webhook-url", "https://bot.example.org/healthz"], {}, "/healthz"),
        (["--port", "8443"], {}, "--webhook-url"),
        (["--listen", "0.0.0.0"], {}, "--webhook-url"),
        ([], {"CHIBO_WEBHOOK_URL": "http://bot.example.org/t"}, "https://"),
        ([], {"CHIBO_PORT": "port"}, "CHIBO_PORT"),
        ([], {"CHIBO_WEBHOOK_SECRET": "not a secret!"}, "CHIBO_WEBHOOK_SECRET"),
    ],
)
def test_bad_webhook_settings_are_one_sentence(
    args: list[str],
    env: dict[str, str],
    says: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    for key in os.environ:
        if key.startswith(("TELEGRAM_", "DATABASE_", "CHIBO_")):
            monkeypatch.delenv(key)
    for key, value in {"TELEGRAM_BOT_TOKEN": TOKEN, "CHIBO_DATA_DIR": str(tmp_path), **env}.items():
        monkeypatch.setenv(key, value)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        assert main(["run", *args]) == 2
    finally:  # main() set up logging for a process; give pytest its handlers back
        root.handlers[:], root.level = handlers, level
    err = capsys.readouterr().err.strip()
    assert says in err and "Traceback" not in err
    assert len(err.splitlines()) == 1
    assert not (tmp_path / "chibo.sqlite3").exists()  # refused before touching the database
