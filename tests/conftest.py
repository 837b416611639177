"""Shared fixtures: databases (SQLite and PostgreSQL), the clock, the bot on a fake Telegram."""

from __future__ import annotations

import gc
import os
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.intake import isolated
from storage.db import make_sessionmaker

from .auxil.botenv import VN, BotEnv, Clock, start_env, stop_env
from .auxil.db import PG_ENV, Backend, drop_postgres, empty_tables, prepare_postgres, prepare_sqlite
from .auxil.parsing import run_in_process
from .auxil.paths import SAMPLES


def pytest_runtest_setup(item: pytest.Item) -> None:
    """What exists before the tests run is never scanned by the collector again, as in
    production (bot.services.memory.tune_gc, run at start-up): the tick's release() collects
    after every tick that sent something, and over pytest's whole heap that took 0.1 s each
    time, half of the reminders timeline. Again after a test unfroze it (test_memory)."""
    if gc.get_freeze_count() == 0:
        gc.collect()
        gc.freeze()


@pytest.fixture(scope="session")
def sqlite_backend(tmp_path_factory: pytest.TempPathFactory) -> Backend:
    return prepare_sqlite(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(scope="session")
def postgresql_backend() -> Iterator[Backend]:
    url = os.environ.get(PG_ENV, "").strip()
    if not url:
        pytest.skip(
            f"PostgreSQL tests need {PG_ENV} (e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test)"
        )
    # Set but unreachable is an error, not a skip: CI must not pass without PostgreSQL.
    backend = prepare_postgres(url)
    yield backend
    drop_postgres(backend)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> Backend:
    """Every database test runs on both backends."""
    value: Backend = request.getfixturevalue(f"{request.param}_backend")
    return value


@pytest.fixture
async def engine(backend: Backend, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    eng, _url = backend.engine(tmp_path)
    await empty_tables(eng, backend)
    yield eng
    await eng.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return make_sessionmaker(engine)


@pytest.fixture
def samples() -> Path:
    assert SAMPLES.is_dir(), f"shared samples not found at {SAMPLES}"
    return SAMPLES


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 21, 9, 0, tzinfo=VN))


@pytest.fixture
async def env(engine: AsyncEngine, clock: Clock) -> AsyncIterator[BotEnv]:
    """The real application on the fake Bot API; fails the test if any handler raised."""
    bot_env = await start_env(engine, clock)
    yield bot_env
    errors = list(bot_env.errors)
    await stop_env(bot_env)
    assert not errors, f"a handler raised: {errors[0]!r}"


@pytest.fixture
def parse_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Uploaded files parsed in this process, not a child's (tests/auxil/parsing.py)."""
    monkeypatch.setattr(isolated, "run", run_in_process)
