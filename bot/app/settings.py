"""Reading the settings from the environment, once, when the process starts (STYLE 9).

The frozen Settings object lives in bot/services/settings.py: use cases and faces read it, and
a face must not import bot/app (docs/architecture.md).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.services.settings import DEFAULT_API_ROOT, Settings, SettingsError

__all__ = ["Settings", "SettingsError", "from_env"]

# Telegram's rule for setWebhook's secret_token: 1-256 characters A-Z, a-z, 0-9, _ and -.
WEBHOOK_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")


def from_env(env: Mapping[str, str] | None = None) -> Settings:
    """The settings this process runs with: the environment's (see .env.example)."""
    env = os.environ if env is None else env
    data_dir = Path(env.get("CHIBO_DATA_DIR", "").strip() or "data")
    locale = env.get("CHIBO_LOCALE", "vi").strip() or "vi"
    if locale not in ("vi", "en"):
        raise SettingsError(f"CHIBO_LOCALE must be vi or en, not {locale!r}")
    tz_name = env.get("CHIBO_TIMEZONE", "").strip() or "Asia/Ho_Chi_Minh"
    return Settings(
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
        flood_burst=_int(env, "CHIBO_FLOOD_BURST", 70),
        flood_per_minute=_int(env, "CHIBO_FLOOD_PER_MINUTE", 120),
        chat_queue=_int(env, "CHIBO_CHAT_QUEUE", 80),
    )


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
