"""How a call comes in and an answer goes out: Telegram's error answers, a call's parameters,
reply markup as Telegram parses (and refuses) it, injected faults, command scopes."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from telegram import BotCommandScope
from telegram.request import RequestData

from .limits import CALLBACK_DATA_LIMIT, INLINE_BUTTON_LIMIT
from .types import Button, as_int


class ApiError(Exception):
    """An unsuccessful Bot API answer: HTTP status plus Telegram's ``description``."""

    def __init__(self, code: int, description: str, **parameters: int) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters

    def payload(self) -> bytes:
        body: dict[str, Any] = {"ok": False, "error_code": self.code}
        body["description"] = self.description
        if self.parameters:
            body["parameters"] = self.parameters
        return dumps(body)


def bad_request(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def dumps(obj: object) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


class Params:
    """Typed access to one call's parameters (PTB passes Python values; raw strings also work)."""

    def __init__(
        self, values: dict[str, Any], files: dict[str, tuple[str, bytes, str | None]]
    ) -> None:
        self.values, self.files = values, files

    @classmethod
    def from_request(cls, data: RequestData | None) -> Params:
        if data is None:
            return cls({}, {})
        files: dict[str, tuple[str, bytes, str | None]] = {}
        for name, (file_name, content, mime) in data.multipart_data.items():
            raw = content if isinstance(content, bytes) else content.read()
            files[name] = (file_name, raw, mime)
        return cls(dict(data.parameters), files)

    def text(self, name: str) -> str | None:
        value = self.values.get(name)
        return None if value is None else str(value)

    def integer(self, name: str) -> int | None:
        value = self.values.get(name)
        if value is None:
            return None
        number = as_int(value)
        if number is None:
            raise bad_request(f"invalid {name} specified")
        return number

    def flag(self, name: str) -> bool:
        value = self.values.get(name)
        return value is True or (isinstance(value, str) and value.lower() == "true")

    def obj(self, name: str) -> Any:
        value = self.values.get(name)
        if isinstance(value, str) and value[:1] in "[{":
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {name} JSON object") from None
        return value


@dataclass
class Markup:
    inline: list[list[Button]] | None = None
    reply: list[list[str]] | None = None
    remove: bool = False


def parse_markup(raw: Any) -> Markup | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in raw:
        return Markup(inline=inline_keyboard(raw["inline_keyboard"]))
    if "keyboard" in raw:
        rows = [
            [b.get("text", "") if isinstance(b, dict) else str(b) for b in row]
            for row in raw["keyboard"]
        ]
        return Markup(reply=rows)
    return Markup(remove=bool(raw.get("remove_keyboard")))


def inline_keyboard(rows: list[list[dict[str, Any]]]) -> list[list[Button]]:
    if sum(len(row) for row in rows) > INLINE_BUTTON_LIMIT:
        raise bad_request("reply markup is too long")
    keyboard = []
    for row in rows:
        buttons = []
        for raw in row:
            data, url = raw.get("callback_data"), raw.get("url")
            if len(raw.keys() - {"text"}) == 0:
                raise bad_request(
                    "can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard"
                )
            if not raw.get("text"):
                raise bad_request("BUTTON_TEXT_INVALID")
            if data is not None and not 1 <= len(str(data).encode()) <= CALLBACK_DATA_LIMIT:
                raise bad_request("BUTTON_DATA_INVALID")
            if url is not None and not re.match(r"(https?|tg)://\w", str(url)):
                raise bad_request("BUTTON_URL_INVALID")
            buttons.append(Button(str(raw["text"]), data, url, dict(raw)))
        keyboard.append(buttons)
    return keyboard


@dataclass
class Fault:
    method: str | None
    chat_id: int | None
    error: str
    retry_after: int
    migrate_to_chat_id: int | None
    remaining: int

    def matches(self, method: str, chat_id: int | None) -> bool:
        if self.method is None and method == "getupdates":
            return False
        if self.method is not None and self.method != method:
            return False
        return self.chat_id is None or self.chat_id == chat_id

    def to_error(self, chat_id: int | None) -> ApiError:
        if self.error == "retry_after":
            description = f"Too Many Requests: retry after {self.retry_after}"
            return ApiError(429, description, retry_after=self.retry_after)
        if self.error == "forbidden":
            return ApiError(403, "Forbidden: bot was blocked by the user")
        if self.error == "migrated":
            target = self.migrate_to_chat_id or int(f"-100{abs(chat_id or 1234567890)}")
            description = "Bad Request: group chat was upgraded to a supergroup chat"
            return ApiError(400, description, migrate_to_chat_id=target)
        return ApiError(500, "Internal Server Error")


def scope_key(scope: Any, language_code: str | None) -> tuple[str, str]:
    if isinstance(scope, BotCommandScope):
        scope = scope.to_dict()
    scope = dict(scope or {"type": "default"})
    for key in ("chat_id", "user_id"):
        if key in scope and as_int(scope[key]) is not None:
            scope[key] = as_int(scope[key])
    return json.dumps(scope, sort_keys=True), language_code or ""
