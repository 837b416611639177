"""Settings: read once from the environment into a frozen object (no globals read at import).

Here, not in bot/app, because use cases and faces read them (docs/architecture.md).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo

DEFAULT_API_ROOT = "https://api.telegram.org"
# Telegram's rule for setWebhook's secret_token: 1-256 characters A-Z, a-z, 0-9, _ and -.
WEBHOOK_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")


class SettingsError(ValueError):
    """A setting has a value we cannot use; the message says which and why."""


def _int(env: Mapping[str, str], key: str, default: int) -> int:
    raw = env.get(key, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingsError(f"{key} must be a whole number, not {raw!r}") from exc


def _time(env: Mapping[str, str], key: str, default: time) -> time:
    raw = env.get(key, "").strip()
    if not raw:
        return default
    try:
        hours, minutes = raw.split(":")
        return time(int(hours), int(minutes))
    except ValueError as exc:
        raise SettingsError(f"{key} must be a time like 19:30, not {raw!r}") from exc


@dataclass(frozen=True)
class Settings:
    """Everything configurable about one running chibo. See .env.example for each key."""

    token: str | None = None
    data_dir: Path = Path("data")
    database_url: str = ""
    api_root: str = DEFAULT_API_ROOT
    bot_username: str | None = None
    default_locale: str = "vi"
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Ho_Chi_Minh"))  # L1
    invite_ttl_days: int = 7
    default_meeting_day: int = 3  # M7: "ngày 3 hằng tháng"
    default_meeting_time: time = time(19, 30)
    log_level: str = "INFO"
    # Webhook mode (#6): set webhook_url to receive updates on listen:port instead of polling.
    webhook_url: str | None = None
    webhook_secret: str | None = None  # generated at start when unset
    listen: str = "127.0.0.1"
    port: int = 8443
    update_workers: int = 0  # updates handled at once; 0: 8 on PostgreSQL, 1 on SQLite (#6)
    # Floods (#12; the numbers are explained in bot/services/throttle.py and bot/app/processor.py): each
    # person may send flood_burst updates at once, then flood_per_minute a minute (0: no
    # limit); a chat with chat_queue updates waiting gets further ones dropped.
    flood_burst: int = 40
    flood_per_minute: int = 120
    chat_queue: int = 50

    def __post_init__(self) -> None:
        if self.update_workers < 0:
            raise SettingsError("CHIBO_UPDATE_WORKERS must be 0 (automatic) or more")
        if self.flood_burst < 0:
            raise SettingsError("CHIBO_FLOOD_BURST must be 0 (no limit) or more")
        if self.flood_per_minute < 1:
            raise SettingsError("CHIBO_FLOOD_PER_MINUTE must be 1 or more")
        if self.chat_queue < 1:
            raise SettingsError("CHIBO_CHAT_QUEUE must be 1 or more")
        if not self.database_url:
            url = f"sqlite+aiosqlite:///{(self.data_dir / 'chibo.sqlite3').as_posix()}"
            object.__setattr__(self, "database_url", url)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        data_dir = Path(env.get("CHIBO_DATA_DIR", "").strip() or "data")
        locale = env.get("CHIBO_LOCALE", "vi").strip() or "vi"
        if locale not in ("vi", "en"):
            raise SettingsError(f"CHIBO_LOCALE must be vi or en, not {locale!r}")
        tz_name = env.get("CHIBO_TIMEZONE", "").strip() or "Asia/Ho_Chi_Minh"
        return cls(
            token=env.get("TELEGRAM_BOT_TOKEN", "").strip() or None,
            data_dir=data_dir,
            database_url=env.get("DATABASE_URL", "").strip(),
            api_root=_api_root(env.get("TELEGRAM_BASE_URL", "")),
            bot_username=env.get("TELEGRAM_BOT_USERNAME", "").strip().lstrip("@") or None,
            default_locale=locale,
            timezone=ZoneInfo(tz_name),
            invite_ttl_days=_int(env, "CHIBO_INVITE_TTL_DAYS", 7),
            default_meeting_day=_int(env, "CHIBO_MEETING_DAY", 3),
            default_meeting_time=_time(env, "CHIBO_MEETING_TIME", time(19, 30)),
            log_level=env.get("CHIBO_LOG_LEVEL", "INFO").strip().upper() or "INFO",
            webhook_url=env.get("CHIBO_WEBHOOK_URL", "").strip() or None,
            webhook_secret=_secret(env.get("CHIBO_WEBHOOK_SECRET", "")),
            listen=env.get("CHIBO_LISTEN", "").strip() or "127.0.0.1",
            port=_int(env, "CHIBO_PORT", 8443),
            update_workers=_int(env, "CHIBO_UPDATE_WORKERS", 0),
            flood_burst=_int(env, "CHIBO_FLOOD_BURST", 40),
            flood_per_minute=_int(env, "CHIBO_FLOOD_PER_MINUTE", 120),
            chat_queue=_int(env, "CHIBO_CHAT_QUEUE", 50),
        )

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def base_url(self) -> str:
        """PTB's base_url: the API root followed by /bot (PTB appends the token)."""
        return f"{self.api_root}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.api_root}/file/bot"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _secret(raw: str) -> str | None:
    secret = raw.strip()
    if secret and not WEBHOOK_SECRET_RE.fullmatch(secret):
        raise SettingsError(
            "CHIBO_WEBHOOK_SECRET must be 1-256 characters from A-Z, a-z, 0-9, _ and -"
        )
    return secret or None


def _api_root(raw: str) -> str:
    """Accept "http://host:8081", "http://host:8081/" or "http://host:8081/bot"."""
    root = raw.strip().rstrip("/")
    if not root:
        return DEFAULT_API_ROOT
    if root.endswith("/bot"):
        root = root[: -len("/bot")]
    return root
