"""Settings: a frozen object, read once from the environment by bot/app/settings.py (no
globals read at import).

Here, not in bot/app, because use cases and faces read them (docs/architecture.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo

DEFAULT_API_ROOT = "https://api.telegram.org"


class SettingsError(ValueError):
    """A setting has a value we cannot use; the message says which and why."""


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
    flood_burst: int = 70
    flood_per_minute: int = 120
    chat_queue: int = 80

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
