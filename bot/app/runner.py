"""`chibo run`'s life (#6): wait as a standby until this instance holds the lock, then serve.

Polling or webhook, the Application is started by hand (PTB's run_polling/run_webhook own the
loop and cannot wait for a lock first): initialize, post_init, start, then the updater or the
webhook; stopped in the reverse order on SIGINT/SIGTERM. While active, the lock's connection
is checked every CHECK_SECONDS; when it is gone this instance tries to take the lock back, and
if another instance has it, stops at once and exits with status 1 (systemd restarts it, as a
standby).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import signal
import threading
import time
from typing import Any

from bot.app.webhook import Status, make_server
from bot.services.memory import tune_gc
from bot.services.settings import Settings
from storage.instance import InstanceLock, instance_lock

log = logging.getLogger("chibo")

ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]
RETRY_SECONDS = 1.0  # a standby tries the lock this often
CHECK_SECONDS = 1.0  # the active instance checks its lock this often
CHECK_TIMEOUT = 5.0  # an answer slower than this counts as a lost lock
HARD_STOP_SECONDS = 15.0  # after losing the lock, exit even if stopping hangs


class ListenError(Exception):
    """The webhook server could not listen on the configured address."""


async def serve(app: Any, settings: Settings) -> int:
    """Run until a stop signal (0) or until the lock is lost (1)."""
    tune_gc()  # everything is imported and built by now (bot.services.memory)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    status = Status(engine=app.bot_data.engine)
    secret = settings.webhook_secret or secrets.token_urlsafe(32)
    server = None
    if settings.webhook_url:
        server = make_server(app, settings.webhook_url, secret, status)
        try:
            server.listen(settings.port, address=settings.listen)
        except OSError as exc:
            raise ListenError(f"{settings.listen}:{settings.port}: {exc.strerror}") from exc
        log.info("webhook server on %s:%s (health: /healthz)", settings.listen, settings.port)
    lock = instance_lock(settings.database_url, (settings.token or "").split(":")[0])
    try:
        if not await _wait_for_lock(lock, stop):
            return 0
        return await _run_active(app, settings, secret, lock, status, stop)
    finally:
        await lock.release()
        if server is not None:
            server.stop()
            await server.close_all_connections()


async def _wait_for_lock(lock: InstanceLock, stop: asyncio.Event) -> bool:
    started = time.monotonic()
    waiting = unreachable = False
    while not stop.is_set():
        try:
            if await lock.try_acquire():
                if waiting or unreachable:
                    log.info("active: took over after %.1f s", time.monotonic() - started)
                else:
                    log.info("active: this instance holds the lock")
                return True
            if not waiting:
                log.info(
                    "standby: another instance is active; trying again every %s s", RETRY_SECONDS
                )
            waiting, unreachable = True, False
        except Exception as exc:  # the database is down: keep waiting, it may come back
            if not unreachable:
                log.warning("standby: cannot reach the database to take the lock (%s)", exc)
            unreachable = True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), RETRY_SECONDS)
    return False


async def _run_active(
    app: Any,
    settings: Settings,
    secret: str,
    lock: InstanceLock,
    status: Status,
    stop: asyncio.Event,
) -> int:
    lost = False
    await app.initialize()
    try:
        if app.post_init:
            await app.post_init(app)
        await app.start()
        status.active = True
        if settings.webhook_url:
            await app.bot.set_webhook(
                settings.webhook_url, secret_token=secret, allowed_updates=ALLOWED_UPDATES
            )
            log.info("chibo is running (webhook)")
        else:
            # Telegram was reachable a moment ago: ride out later network trouble.
            await app.updater.start_polling(allowed_updates=ALLOWED_UPDATES, bootstrap_retries=-1)
            log.info("chibo is running (long polling)")
        lost = await _watch(lock, stop)
    finally:
        status.active = False
        if lost:
            _exit_if_stuck()
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
            if app.post_stop:
                await app.post_stop(app)
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)
    return 1 if lost else 0


async def _watch(lock: InstanceLock, stop: asyncio.Event) -> bool:
    """Until a stop signal (False) or another instance holds the lock (True).

    When the lock's connection fails, the database is usually down for every instance (a
    restart, an outage): this one serves on, so users get the polite "database not answering"
    reply instead of silence, and takes the lock back as soon as the database answers. Only if
    another instance got the lock meanwhile does it stop (status 1)."""
    held = True
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), CHECK_SECONDS)
        if stop.is_set():
            break
        if held:
            if await lock.alive(CHECK_TIMEOUT):
                continue
            log.error(
                "the instance lock's database connection failed; serving on and taking the "
                "lock back when the database answers"
            )
            held = False
        try:
            won = await asyncio.wait_for(lock.try_acquire(), CHECK_TIMEOUT)
        except Exception:  # still out of reach (or slow): try again next round
            continue
        if not won:
            log.error(
                "lost the instance lock: another instance took it while the database was out "
                "of reach; stopping so that only one instance is ever active"
            )
            return True
        log.info("active: took the instance lock back")
        held = True
    return False


def _exit_if_stuck() -> None:
    """A hung database can hang a graceful stop; the process must end all the same."""
    timer = threading.Timer(HARD_STOP_SECONDS, os._exit, args=(1,))
    timer.daemon = True
    timer.start()
