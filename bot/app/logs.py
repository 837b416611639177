"""Logging set-up. The bot token never reaches a log line (it is part of every API URL)."""

from __future__ import annotations

import logging
import re

_TOKEN_RE = re.compile(r"\d{5,}(?::|%3A)[A-Za-z0-9_-]{20,}", re.IGNORECASE)
# PostgreSQL's DETAIL/CONTEXT lines quote the rows an error is about ("Failing row contains
# (…, Nguyễn Văn An, …)"); they reach tracebacks through asyncpg's exception.
# (SQLAlchemy's own error text hides parameters: storage.db.make_engine.)
_ROW_DETAIL_RE = re.compile(r"^(DETAIL|CONTEXT):.*$", re.MULTILINE)


class RedactTokens(logging.Filter):
    """Replace anything shaped like a bot token, plus the configured one, with ***; drop the
    database's row details from tracebacks."""

    def __init__(self, token: str | None) -> None:
        super().__init__()
        self.token = token

    def _clean(self, text: str) -> str:
        if self.token:
            text = text.replace(self.token, "***")
        text = _TOKEN_RE.sub("***", text)
        return _ROW_DETAIL_RE.sub(r"\1: (hidden: it may quote personal data)", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self._clean(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._clean(record.exc_text)
        if record.stack_info:
            record.stack_info = self._clean(record.stack_info)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def setup_logging(level: str, token: str | None) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactTokens(token))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL (which contains the token) at INFO.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # The reminder tick runs every minute: two lines a minute of "Running job … executed
    # successfully" say nothing (the tick logs what it sent; a failing tick reaches on_error).
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
