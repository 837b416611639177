"""Serve a FakeTelegram over real HTTP on 127.0.0.1, so a real `chibo run` process can poll it.

The fake runs on an event loop in a background thread; each HTTP request is handed to
`FakeTelegram.do_request` on that loop. Only form-encoded calls are decoded (all PTB calls
without file uploads), which is what a polling bot needs to start and answer text.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from .server import FakeTelegram


@dataclass
class _RawRequest:
    """Duck-typed RequestData: the fake accepts raw string parameters."""

    parameters: dict[str, Any]
    multipart_data: dict[str, Any] = field(default_factory=dict)


class FakeBotApiServer:
    def __init__(self, fake: FakeTelegram) -> None:
        self.fake = fake
        # (token, method) of every request, in order: tells apart processes sharing one bot.
        self.requests: list[tuple[str, str]] = []
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output quiet
                return

            def _serve(self, body: bytes) -> None:
                params = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
                token, _, method = self.path.rpartition("/")
                server.requests.append((token.rpartition("/bot")[2], method))
                url = f"http://127.0.0.1{self.path}"
                future: Future[tuple[int, bytes]] = asyncio.run_coroutine_threadsafe(
                    server.fake.do_request(url, self.command, _RawRequest(params)),
                    server.loop,  # type: ignore[arg-type]
                )
                status, payload = future.result(timeout=60)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    return  # the client went away (a killed bot's long poll)

            def do_POST(self) -> None:
                self._serve(self.rfile.read(int(self.headers.get("Content-Length", 0))))

            def do_GET(self) -> None:
                self._serve(b"")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._http_thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeBotApiServer:
        self._thread.start()
        self._http_thread.start()
        return self

    def queue_update(self, update: Mapping[str, Any]) -> None:
        done = threading.Event()

        def put() -> None:
            self.fake.queue_update(update)
            done.set()

        self.loop.call_soon_threadsafe(put)
        done.wait(5)

    def call(self, fn: Any, *args: Any) -> Any:
        """Run a function on the fake's loop (its state is not thread-safe)."""
        return asyncio.run_coroutine_threadsafe(_call(fn, *args), self.loop).result(timeout=10)

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)


async def _call(fn: Any, *args: Any) -> Any:
    return fn(*args)
