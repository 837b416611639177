"""The update processor: updates at once (#6), one chat's in order, floods cut short (#12).

How an update travels in PTB 22 (telegram/ext/_application.py, _baseupdateprocessor.py): the
Updater (polling) or the webhook server puts it on `Application.update_queue`; the update
fetcher takes each one off at once and starts a task for it, which waits for the processor's
global semaphore (`QUEUED_UPDATES` of them, all chats together), then calls
`do_process_update` below; the queue's `task_done` comes when that returns. So whatever
waits inside `do_process_update` holds one of the global places. Before #12 one chat could
hold all of them: 1,400 updates from one stranger and everybody else's update queued behind
several hundred of his (21 s for a /start answered in 0.06 s alone).

Now an update is let in only if its sender (and, in a group, the group) is within their
budget (bot.services.throttle) and its chat has fewer than `chat_queue` updates in the processor;
anything else is dropped on the spot. Its coroutine (PTB's `process_update`, not started
yet) is closed, so it builds no context, runs no handler and touches no database; returning
releases its global place and marks it done on the queue. A chat's flood therefore holds at
most `chat_queue` places and one worker at a time, and the others' updates go past it.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.services.throttle import Throttle, Verdict

log = logging.getLogger(__name__)

QUEUED_UPDATES = 1024  # updates in the processor at once, all chats together (PTB's own cap)
# A chat with this many updates in the processor (waiting for their turn or being handled)
# gets its further ones dropped until it catches up (CHIBO_CHAT_QUEUE). A person waits for
# each answer, so a real chat has one or two in flight; an album is 10. It is above the
# per-person burst of 70 (bot.services.throttle), so within the budgets it only bites when the chat's
# updates pile up faster than they are handled (a database that hangs for 30 s while people
# keep tapping), or with the budgets turned off.
CHAT_QUEUE = 80

Notify = Callable[[Update, Verdict], Awaitable[None]]


@dataclass
class _Chat:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    pending: int = 0  # updates of this chat in the processor, the one being handled included
    dropped: int = 0  # in the current burst


def _discard(coroutine: Awaitable[Any]) -> None:
    """Close a never-started coroutine: nothing of it runs, and Python does not warn that it
    was never awaited."""
    if inspect.iscoroutine(coroutine):
        coroutine.close()


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Up to `workers` updates at once, but one chat's updates one at a time, in the order
    they came: a secretary's second tap never overtakes the first, and a flow step always
    sees the step before it. An update waiting for its chat's turn takes no worker.

    Floods (#12): with a `throttle`, each sender's updates beyond their budget are dropped
    (and `on_throttled` tells them, once in a while), and with a `group_throttle` each group
    chat's; a chat with `chat_queue` updates in the processor gets further ones dropped until
    it catches up."""

    def __init__(
        self,
        workers: int,
        *,
        chat_queue: int = CHAT_QUEUE,
        throttle: Throttle | None = None,
        group_throttle: Throttle | None = None,
    ) -> None:
        super().__init__(QUEUED_UPDATES)
        if chat_queue < 1:
            raise ValueError("chat_queue must be at least 1")
        self.workers = workers
        self.chat_queue = chat_queue
        self.throttle = throttle  # per person
        self.group_throttle = group_throttle  # per group chat
        self.on_throttled: Notify | None = None  # set by bot.app.factory (handlers/flood.py)
        self._slots = asyncio.Semaphore(workers)
        self._chats: dict[int, _Chat] = {}
        self._working: set[asyncio.Task[Any]] = set()  # tasks holding a worker now

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if not isinstance(update, Update):
            async with self._slots:
                await coroutine
            return
        slot: AbstractAsyncContextManager[Any] = self._slots
        verdict = self._budget(update)
        if verdict is not Verdict.PASS:
            _discard(coroutine)
            if verdict is Verdict.DROP or self.on_throttled is None:
                return
            # The notice (or the empty answer) goes in the chat's order, after the answers
            # to what came before it, but takes no worker: it reads no database.
            coroutine, slot = self._tell(self.on_throttled, update, verdict), nullcontext()
        chat = update.effective_chat
        if chat is None:
            async with slot:
                await coroutine
            return
        state = self._chats.get(chat.id)
        if state is None:
            state = self._chats[chat.id] = _Chat()
        if state.pending >= self.chat_queue:
            _discard(coroutine)
            if not state.dropped:
                log.info(
                    "chat %s has %d updates waiting: dropping its further updates until it "
                    "catches up",
                    chat.id,
                    state.pending,
                )
            state.dropped += 1
            return
        state.pending += 1
        try:
            async with state.lock, slot:
                await self._work(coroutine, holds_slot=slot is self._slots)
        finally:
            state.pending -= 1
            if state.pending == 0:
                del self._chats[chat.id]
                if state.dropped:
                    log.info("chat %s caught up; %d updates dropped", chat.id, state.dropped)

    async def _work(self, coroutine: Awaitable[Any], *, holds_slot: bool) -> None:
        task = asyncio.current_task()
        if not holds_slot or task is None:
            await coroutine
            return
        self._working.add(task)
        try:
            await coroutine
        finally:
            self._working.discard(task)

    @asynccontextmanager
    async def aside(self) -> AsyncIterator[None]:
        """Give the current update's worker back while it waits for something that is not
        the database, a file read in a child process (bot.intake.isolated, #12) for up to its time
        limit: on SQLite there is one worker, and everyone else would wait as long. The
        chat's turn is kept, so its next update still comes after this one. Outside an
        update that holds a worker (a test's process_update), nothing to give back."""
        task = asyncio.current_task()
        if task is None or task not in self._working:
            yield
            return
        self._working.discard(task)
        self._slots.release()
        try:
            yield
        finally:
            await self._slots.acquire()
            self._working.add(task)

    def _budget(self, update: Update) -> Verdict:
        """The sender's budget, then (in a group) the group's: the first one it is over."""
        user, chat = update.effective_user, update.effective_chat
        button = update.callback_query is not None
        if self.throttle is not None and user is not None:
            verdict = self.throttle.check(user.id, button=button)
            if verdict is not Verdict.PASS:
                if verdict is Verdict.NOTICE:
                    log.info(
                        "user %s is over %d updates at once or %d a minute: dropping the excess",
                        user.id,
                        self.throttle.burst,
                        self.throttle.per_minute,
                    )
                return verdict
        if self.group_throttle is not None and chat is not None and chat.type != chat.PRIVATE:
            verdict = self.group_throttle.check(chat.id, button=button)
            if verdict is Verdict.NOTICE:
                log.info(
                    "chat %s is over %d updates at once or %d a minute: dropping the excess",
                    chat.id,
                    self.group_throttle.burst,
                    self.group_throttle.per_minute,
                )
            return verdict
        return Verdict.PASS

    @staticmethod
    async def _tell(notify: Notify, update: Update, verdict: Verdict) -> None:
        try:
            await notify(update, verdict)
        except Exception:  # a notice that could not go out (blocked, 429) is no error of theirs
            log.warning("could not tell a user they are over their budget", exc_info=True)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None
