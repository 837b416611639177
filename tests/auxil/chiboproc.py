"""`chibo run` as a real process for the deployment tests (webhook, standby).

The process's output is read by a thread into `lines`, so a test can wait for a log line
while the process keeps running.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from storage.db import make_engine
from storage.models import User

from .db import Backend, empty_tables
from .paths import ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def chibo_env(**settings: str) -> dict[str, str]:
    """The test's environment without any chibo setting, plus `settings`."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "DATABASE_", "CHIBO_"))
    }
    env.update(settings)
    return env


def database_url(backend: Backend, tmp: Path) -> str:
    """An empty database for a process: a new SQLite file (the process migrates it), or the
    test run's PostgreSQL database with its tables emptied."""
    if backend.name == "sqlite":
        return f"sqlite+aiosqlite:///{tmp / 'chibo.sqlite3'}"

    async def empty() -> None:
        engine = make_engine(backend.url)
        await empty_tables(engine, backend)
        await engine.dispose()

    asyncio.run(empty())
    return backend.url


def count_users(url: str) -> int:
    async def count() -> int:
        engine = make_engine(url)
        try:
            async with engine.connect() as conn:
                result = await conn.execute(select(func.count()).select_from(User))
                return int(result.scalar_one())
        finally:
            await engine.dispose()

    return asyncio.run(count())


def wait_until(check: Callable[[], Any], timeout: float, step: float = 0.05) -> Any:
    """The first truthy value of check() within `timeout` seconds, else None."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value or None
        time.sleep(step)


class Chibo:
    def __init__(self, *args: str, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, text: str, timeout: float) -> bool:
        """Whether `text` appears in the output within `timeout` seconds (False if it exits)."""
        found = wait_until(lambda: text in self.output or self.proc.poll() is not None, timeout)
        return bool(found) and text in self.output

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self, sig: signal.Signals = signal.SIGINT) -> int:
        """SIGINT (Ctrl-C) or SIGTERM (systemd's stop); the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._reader.join(5)
        return self.proc.returncode
