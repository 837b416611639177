"""The webhook server (#6): Telegram's updates in, and a health endpoint for monitoring.

PTB's own run_webhook serves one route only, so this follows PTB's custom-webhook pattern
(examples/customwebhookbot): a small tornado server (tornado comes with PTB's webhooks extra)
puts each update on application.update_queue, and bot.app.runner starts the Application itself.

- POST <path of the webhook URL>: only with Telegram's secret token in
  X-Telegram-Bot-Api-Secret-Token, else 403 and the body is never read as an update. A standby
  answers 503 (Telegram retries later; nginx may try the other upstream).
- GET /healthz: 200 {"status": "active"|"standby", "database": "ok"}, or 503 with
  "database": "unreachable".
"""

from __future__ import annotations

import hmac
import json
import logging
import re
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

import tornado.web
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Update
from tornado.httpserver import HTTPServer

from storage.instance import ping

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH = "/healthz"
MAX_BODY_BYTES = 1 << 20  # an update is a few kilobytes; files are fetched, not posted
PING_TIMEOUT = 3.0


@dataclass
class Status:
    """What the health endpoint reports; bot.app.runner flips `active` when it holds the lock."""

    engine: AsyncEngine
    active: bool = False


def webhook_path(url: str) -> str:
    return urlsplit(url).path.rstrip("/") or "/"


class _Base(tornado.web.RequestHandler):
    def set_default_headers(self) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")

    def _reply(self, status: HTTPStatus, body: dict[str, str] | None = None) -> None:
        self.set_status(status)
        self.finish(json.dumps(body or {"status": status.phrase}))


class _UpdateHandler(_Base):
    SUPPORTED_METHODS = ("POST",)

    def initialize(self, app: Any, secret: str, status: Status) -> None:
        self.app, self.secret, self.status = app, secret, status

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            log.info("webhook: refused a request without the right secret token")
            self._reply(HTTPStatus.FORBIDDEN)
            return
        if not self.status.active:
            self._reply(HTTPStatus.SERVICE_UNAVAILABLE, {"status": "standby"})
            return
        try:
            update = Update.de_json(json.loads(self.request.body), self.app.bot)
        except Exception:
            log.warning("webhook: a request with the right secret was not an update")
            self._reply(HTTPStatus.BAD_REQUEST)
            return
        self.app.bot.insert_callback_data(update)
        await self.app.update_queue.put(update)
        self._reply(HTTPStatus.OK, {"status": "ok"})


class _HealthHandler(_Base):
    SUPPORTED_METHODS = ("GET",)

    def initialize(self, status: Status) -> None:
        self.status = status

    async def get(self) -> None:
        reachable = await ping(self.status.engine, PING_TIMEOUT)
        self._reply(
            HTTPStatus.OK if reachable else HTTPStatus.SERVICE_UNAVAILABLE,
            {
                "status": "active" if self.status.active else "standby",
                "database": "ok" if reachable else "unreachable",
            },
        )


class _Quiet(tornado.web.Application):
    def log_request(self, handler: tornado.web.RequestHandler) -> None:
        return  # one line per update would drown the log; refusals are logged above


def make_server(app: Any, url: str, secret: str, status: Status) -> HTTPServer:
    """The HTTP server for `app`; call .listen(port, address) inside the running loop."""
    routes: list[Any] = [
        (HEALTH_PATH, _HealthHandler, {"status": status}),
        (
            re.escape(webhook_path(url).rstrip("/")) + "/?",
            _UpdateHandler,
            {"app": app, "secret": secret, "status": status},
        ),
    ]
    return HTTPServer(_Quiet(routes), max_body_size=MAX_BODY_BYTES, xheaders=True)
