"""Updates at once, one chat's in order (#6): bot.app.ChatOrderedProcessor."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from telegram import Chat, Message, Update, User

from bot.app import POSTGRESQL_UPDATE_WORKERS, ChatOrderedProcessor, build_application
from bot.settings import Settings

from .botenv import TOKEN
from .db import Backend
from .fakeapi import FakeTelegram


def update(update_id: int, chat_id: int) -> Update:
    chat = Chat(chat_id, "private")
    user = User(chat_id, "Lan", is_bot=False)
    return Update(update_id, message=Message(update_id, None, chat, from_user=user, text="x"))


class Log:
    def __init__(self) -> None:
        self.events: list[tuple[str, int]] = []
        self.running = 0
        self.most = 0
        self.gates: dict[int, asyncio.Event] = {}

    async def work(self, update_id: int) -> None:
        self.events.append(("start", update_id))
        self.running += 1
        self.most = max(self.most, self.running)
        gate = self.gates.get(update_id)
        if gate is not None:
            await gate.wait()
        await asyncio.sleep(0.01)
        self.running -= 1
        self.events.append(("end", update_id))


async def feed(processor: ChatOrderedProcessor, log: Log, items: list[tuple[int, int]]) -> Any:
    """As PTB does with concurrent updates: one task per update, created in arrival order."""
    return [
        asyncio.create_task(processor.process_update(update(u, c), log.work(u))) for u, c in items
    ]


async def test_one_chat_in_order_others_go_past_a_blocked_one() -> None:
    processor = ChatOrderedProcessor(2)
    log = Log()
    log.gates[1] = asyncio.Event()  # chat 100's first update waits (a slow Telegram call)
    tasks = await feed(processor, log, [(1, 100), (2, 100), (3, 100), (4, 200), (5, 300)])
    await asyncio.sleep(0.1)
    # Chat 100's 2nd and 3rd wait for the 1st and take no worker: chats 200 and 300 are done.
    assert ("end", 4) in log.events and ("end", 5) in log.events
    assert ("start", 2) not in log.events and ("start", 3) not in log.events
    log.gates[1].set()
    await asyncio.gather(*tasks)
    mine = [e for e in log.events if e[1] in (1, 2, 3)]
    assert mine == [("start", 1), ("end", 1), ("start", 2), ("end", 2), ("start", 3), ("end", 3)]
    assert processor._chats == {}  # nothing kept for chats with nothing pending


async def test_never_more_than_the_workers_at_once() -> None:
    processor = ChatOrderedProcessor(3)
    log = Log()
    tasks = await feed(processor, log, [(i, 1000 + i) for i in range(20)])
    await asyncio.gather(*tasks)
    assert log.most == 3 and len(log.events) == 40


async def test_one_worker_is_one_update_at_a_time() -> None:
    processor = ChatOrderedProcessor(1)
    log = Log()
    tasks = await feed(processor, log, [(i, 1000 + i % 3) for i in range(9)])
    await asyncio.gather(*tasks)
    assert log.most == 1
    assert [u for kind, u in log.events if kind == "start"] == list(range(9))


async def test_the_application_uses_it(backend: Backend, tmp_path: Path) -> None:
    """8 workers on PostgreSQL, 1 on SQLite (one writer), unless configured."""
    engine, url = backend.engine(tmp_path)
    try:
        app = build_application(
            Settings(token=TOKEN, database_url=url), request=FakeTelegram(TOKEN), engine=engine
        )
        processor = app.update_processor
        assert isinstance(processor, ChatOrderedProcessor)
        expected = POSTGRESQL_UPDATE_WORKERS if backend.name == "postgresql" else 1
        assert processor.workers == expected
        app = build_application(
            Settings(token=TOKEN, database_url=url, update_workers=3),
            request=FakeTelegram(TOKEN),
            engine=engine,
        )
        assert isinstance(app.update_processor, ChatOrderedProcessor)
        assert app.update_processor.workers == 3
    finally:
        await engine.dispose()
