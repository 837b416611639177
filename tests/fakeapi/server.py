"""An offline fake of the Telegram Bot API that plugs into PTB as its request backend.

``FakeTelegram`` is a :class:`telegram.request.BaseRequest`: PTB serialises every Bot API call
into a :class:`~telegram.request.RequestData` and hands it to :meth:`FakeTelegram.do_request`,
which answers with the status code and JSON body Telegram would send. PTB then raises its
real exceptions (``BadRequest``, ``Forbidden``, ``RetryAfter``, ``ChatMigrated``...) exactly as
in production. The fake keeps what every chat currently shows (:class:`ChatView`) so tests can
assert on the user's screen rather than on call logs.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import itertools
import re
import time
from collections.abc import Callable, Mapping
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from telegram import BotCommandScope
from telegram._utils.types import ODVInput
from telegram.constants import ChatAction
from telegram.request import BaseRequest, RequestData

from .html import HtmlParseError, ParsedText, parse_html, utf16_len
from .limits import (
    CALLBACK_ANSWER_LIMIT,
    CAPTION_LIMIT,
    COUNTED,
    GROUP_PER_MINUTE,
    OVERALL_PER_SECOND,
    PRIVATE_BURST,
    PRIVATE_PER_SECOND,
    TEXT_LIMIT,
    UPLOAD_LIMIT,
    FloodControl,
    RateClock,
)
from .protocol import (
    ApiError,
    Fault,
    Markup,
    Params,
    bad_request,
    dumps,
    parse_markup,
    scope_key,
)
from .types import (
    ApiCall,
    Button,
    CallbackAnswer,
    ChatView,
    Msg,
    SendStats,
    StoredFile,
    as_int,
    member_json,
)

__all__ = ["FakeTelegram"]

SEND_METHODS = COUNTED
_POSTING_METHODS = frozenset({"sendmessage", "senddocument", "sendphoto"})
_BLOCKABLE_METHODS = SEND_METHODS | {"sendchataction"}
_FAULTS = ("retry_after", "forbidden", "migrated", "server_error")
_MEMBER_STATUSES = frozenset({"creator", "administrator", "member", "restricted", "left", "kicked"})
_CHAT_ACTIONS = frozenset(action.value for action in ChatAction)

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"


class FakeTelegram(BaseRequest):
    """Fake Bot API. Pass it to ``ApplicationBuilder().request(fake).get_updates_request(fake)``.

    The fake is as strict as Telegram by default. It enforces Telegram's flood limits
    (limits.py: 30 messages a second overall, 20 a minute in one group or channel, short
    bursts then about one a second in a private chat; sends and edits count) and answers 429
    with ``retry_after`` in whole seconds; a test that must burst calls :meth:`set_rate_limit`
    or :meth:`no_rate_limits` and says why. It answers 403 "bot can't initiate conversation
    with a user" to a private chat whose user never wrote to the bot (a played user's first
    message or a queued update from them opens it; :meth:`start_chat` opens one directly) and
    400 "chat not found" to a chat nobody registered. It also checks what Telegram checks
    of each message: 4096 characters of text and 1024 of caption after HTML parsing (UTF-16
    units), well-formed Telegram HTML, 64-byte callback data, 100 inline buttons, 200
    characters of callback answer, 50 MB uploads, edits that change nothing.

    Args:
        token: the bot token; learnt from the first request URL when omitted.
        bot_id: the bot's user id; defaults to the numeric part of the token.
        date_clock: wall clock (epoch seconds) used for message dates; moving it forward also
            moves the flood limits' clock (limits.RateClock).
        time_scale: the flood limits' clock runs this many times faster than real time, for
            a bot whose rate limiter runs on the same scale (tests/auxil/botenv.py); retry_after is
            then in real seconds. 1 (Telegram's time) by default.
        strict_chats: answer ``chat not found`` for chats nobody registered and
            ``bot can't initiate conversation with a user`` for private chats where the user
            never wrote, as Telegram does. On by default; ``False`` only where a test says why.
    """

    def __init__(
        self,
        token: str | None = None,
        *,
        bot_id: int | None = None,
        username: str = "chibo_test_bot",
        first_name: str = "Chibo",
        date_clock: Callable[[], float] = time.time,
        strict_chats: bool = True,
        time_scale: float = 1.0,
    ) -> None:
        self.token, self._bot_id = token, bot_id
        self.username, self.first_name = username, first_name
        self.date_clock, self.strict_chats = date_clock, strict_chats
        self.calls: list[ApiCall] = []
        self.stats = SendStats()
        self.users: dict[int, dict[str, Any]] = {}
        self.callback_answers: dict[str, CallbackAnswer] = {}
        self.webhook: dict[str, Any] | None = None
        self.default_menu_button: dict[str, Any] | None = None
        self.initialized = False
        self._chats: dict[int, ChatView] = {}
        self._files: dict[str, StoredFile] = {}
        self._queries: dict[str, int] = {}  # callback query id -> user id
        self._commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self._updates: list[dict[str, Any]] = []
        self._new_updates = asyncio.Event()
        self._update_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._faults: list[Fault] = []
        self._blocked: set[int] = set()
        self.time_scale = time_scale
        self.rate_clock = RateClock(lambda: self.date_clock(), time_scale)
        self._rate: FloodControl | None = FloodControl(self.rate_clock, time_scale=time_scale)
        self._handlers: dict[str, Callable[[Params], Any]] = {
            name.removeprefix("_api_").lower(): getattr(self, name)
            for name in dir(type(self))
            if name.startswith("_api_")
        }

    # -- BaseRequest -----------------------------------------------------------------------
    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        self.initialized = True

    async def shutdown(self) -> None:
        self.initialized = False
        self._new_updates.set()  # release a pending long poll

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        path = unquote(urlsplit(url).path)
        if "/file/bot" in path:
            return self._download(path.split("/file/bot", 1)[1].partition("/")[2])
        segments = path.rstrip("/").split("/")
        if self.token is None and len(segments) >= 2 and segments[-2].startswith("bot"):
            self.token = segments[-2].removeprefix("bot")
        params = Params.from_request(request_data)
        call = ApiCall(segments[-1], params.values)
        self.calls.append(call)
        call.status, body = await self._answer(segments[-1].lower(), params)
        return call.status, body

    async def _answer(self, method: str, params: Params) -> tuple[int, bytes]:
        handler = self._handlers.get(method)
        raw_chat = params.values.get("chat_id")
        chat_id = as_int(raw_chat)
        chat_key = chat_id if chat_id is not None else raw_chat if raw_chat else None
        is_send = method in SEND_METHODS
        try:
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            self._inject_faults(method, chat_id)
            if method in _BLOCKABLE_METHODS and chat_id in self._blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if is_send and self._rate is not None:
                wait = self._rate.retry_after(chat_key)
                if wait is not None:
                    raise ApiError(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
            result = handler(params)
            if inspect.isawaitable(result):
                result = await result
        except ApiError as err:
            if is_send:
                self.stats.record_rejection(err.code)
            return err.code, err.payload()
        if is_send:
            self.stats.accepted += 1
            if self._rate is not None:
                self._rate.record(chat_key)
        return 200, dumps({"ok": True, "result": result})

    def _download(self, file_path: str) -> tuple[int, bytes]:
        self.calls.append(ApiCall("download", {"file_path": file_path}))
        stored = next((f for f in self._files.values() if f.file_path == file_path), None)
        if stored is None:
            self.calls[-1].status = 404
            return 404, dumps({"ok": False, "error_code": 404, "description": "Not Found"})
        return 200, stored.content

    # -- test controls ---------------------------------------------------------------------
    def fail_next(
        self,
        method: str | None = None,
        *,
        chat_id: int | None = None,
        error: str,
        retry_after: int = 1,
        migrate_to_chat_id: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` matching calls fail with ``error`` (one of
        ``retry_after``, ``forbidden``, ``migrated``, ``server_error``). ``method=None`` matches
        every method except ``getUpdates``; ``chat_id`` narrows to calls for that chat."""
        if error not in _FAULTS:
            raise ValueError(f"error must be one of {_FAULTS}, not {error!r}")
        method_key = method.lower() if method else None
        fault = Fault(method_key, chat_id, error, retry_after, migrate_to_chat_id, times)
        self._faults.append(fault)

    def _inject_faults(self, method: str, chat_id: int | None) -> None:
        for fault in self._faults:
            if fault.matches(method, chat_id):
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                raise fault.to_error(chat_id)

    def block(self, user_id: int) -> None:
        """The user blocked the bot: every send to their chat answers 403."""
        self._blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        self._blocked.discard(user_id)

    def set_rate_limit(
        self,
        per_second: float | None = OVERALL_PER_SECOND,
        *,
        per_group_per_minute: float | None = GROUP_PER_MINUTE,
        private_burst: float | None = PRIVATE_BURST,
        private_per_second: float = PRIVATE_PER_SECOND,
        clock: Callable[[], float] | None = None,
    ) -> None:
        """Set the flood limits (limits.py; Telegram's by default, and from the start). Sends
        and edits beyond them answer 429 with ``retry_after``: more than ``per_second`` in a
        sliding second overall, more than ``per_group_per_minute`` in a sliding minute to one
        group, a private chat's bucket of ``private_burst`` refilled at ``private_per_second``.
        ``None`` switches that limit off. ``clock`` (seconds) replaces :attr:`rate_clock`."""
        self._rate = FloodControl(
            clock or self.rate_clock,
            per_second,
            per_group_per_minute,
            private_burst,
            private_per_second,
            self.time_scale,
        )

    def no_rate_limits(self) -> None:
        """Switch every flood limit off (the calling test says why)."""
        self._rate = None

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        if status not in _MEMBER_STATUSES:
            raise ValueError(f"status must be one of {sorted(_MEMBER_STATUSES)}")
        self.chat(chat_id).members[user_id] = status

    def member_status(self, chat_id: int, user_id: int) -> str:
        chat = self.chat(chat_id)
        if user_id in chat.members:
            return chat.members[user_id]
        if chat.type == "private":
            return "member" if user_id in (chat.id, self.bot_id) else "left"
        return "member" if user_id == self.bot_id else "left"

    def clear_calls(self) -> None:
        """Forget the call log and the send statistics (the chats' state stays)."""
        self.calls.clear()
        self.stats = SendStats()

    # -- inspection ------------------------------------------------------------------------
    @property
    def bot_id(self) -> int:
        if self._bot_id is not None:
            return self._bot_id
        prefix = (self.token or "").partition(":")[0]
        return int(prefix) if prefix.isdigit() else 1_000_001

    @property
    def bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
        }

    def now(self) -> int:
        return int(self.date_clock())

    def chat(self, chat_id: int) -> ChatView:
        """The state of a chat (created empty on first use)."""
        if chat_id not in self._chats:
            self._chats[chat_id] = ChatView.for_id(chat_id)
        return self._chats[chat_id]

    def calls_of(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method.lower() == method.lower()]

    def sent_to(self, chat_id: int) -> list[ApiCall]:
        """Accepted sendMessage/sendDocument/sendPhoto calls to ``chat_id``, in order."""
        return [
            c
            for c in self.calls
            if c.ok and c.method.lower() in _POSTING_METHODS and c.chat_id == chat_id
        ]

    def commands(
        self, scope: Mapping[str, Any] | BotCommandScope | None = None, language_code: str = ""
    ) -> list[tuple[str, str]]:
        """Commands stored by setMyCommands for exactly this scope and language."""
        stored = self._commands.get(scope_key(scope, language_code), [])
        return [(c["command"], c["description"]) for c in stored]

    def visible_commands(
        self, chat_id: int, user_id: int | None = None, language_code: str = ""
    ) -> list[tuple[str, str]]:
        """The command menu a user would see, using Telegram's scope/language fallback."""
        chat = self.chat(chat_id)
        scopes: list[dict[str, Any]] = []
        if chat.type == "private":
            scopes += [{"type": "chat", "chat_id": chat_id}, {"type": "all_private_chats"}]
        else:
            admin = user_id is not None and self.member_status(chat_id, user_id) in (
                "creator",
                "administrator",
            )
            if user_id is not None:
                scopes.append({"type": "chat_member", "chat_id": chat_id, "user_id": user_id})
            if admin:
                scopes.append({"type": "chat_administrators", "chat_id": chat_id})
            scopes.append({"type": "chat", "chat_id": chat_id})
            if admin:
                scopes.append({"type": "all_chat_administrators"})
            scopes.append({"type": "all_group_chats"})
        scopes.append({"type": "default"})
        for scope in scopes:
            for lang in dict.fromkeys((language_code, "")):
                if scope_key(scope, lang) in self._commands:
                    return self.commands(scope, lang)
        return []

    def callback_answer(self, query_id: str) -> CallbackAnswer | None:
        return self.callback_answers.get(query_id)

    def file(self, file_id: str) -> StoredFile | None:
        return self._files.get(file_id)

    # -- hooks for the user-playing helpers ------------------------------------------------
    def register_user(self, user: Mapping[str, Any]) -> None:
        self.users[int(user["id"])] = dict(user)

    def register_chat(self, chat_id: int, chat_type: str, **names: str | None) -> ChatView:
        chat = self.chat(chat_id)
        chat.type, chat.registered = chat_type, True
        for key, value in names.items():
            setattr(chat, key, value)
        return chat

    def start_chat(self, user: Mapping[str, Any]) -> ChatView:
        """``user`` (a User JSON) opened the bot and pressed Start: their private chat exists
        and the bot may write to it (for users a test seeds without playing them)."""
        self.register_user(user)
        chat = self.register_chat(
            int(user["id"]),
            "private",
            first_name=user.get("first_name"),
            last_name=user.get("last_name"),
            username=user.get("username"),
        )
        chat.started = True
        return chat

    def _open_chat_of(self, update: Mapping[str, Any]) -> None:
        """A queued update shows its sender wrote in that chat, as Telegram would have seen."""
        for kind in ("message", "edited_message", "callback_query"):
            body = update.get(kind)
            if not isinstance(body, Mapping):
                continue
            message = body.get("message", body) if kind == "callback_query" else body
            chat, sender = message.get("chat"), body.get("from")
            if isinstance(sender, Mapping) and "id" in sender:
                self.register_user(sender)
            if isinstance(chat, Mapping) and as_int(chat.get("id")) is not None:
                names = {k: chat.get(k) for k in ("title", "first_name", "last_name", "username")}
                view = self.register_chat(int(chat["id"]), str(chat.get("type", "private")))
                for key, value in names.items():
                    if value is not None:
                        setattr(view, key, value)
                view.started = True

    def next_update_id(self) -> int:
        return next(self._update_ids)

    def new_callback_query(self, user_id: int) -> str:
        query_id = f"{user_id}{next(self._query_ids):08d}"
        self._queries[query_id] = user_id
        if self._rate is not None:
            self._rate.user_acted(user_id)
        return query_id

    def queue_update(self, update: Mapping[str, Any]) -> dict[str, Any]:
        """Queue an Update JSON for getUpdates (an ``update_id`` is assigned if missing)."""
        data = dict(update)
        data.setdefault("update_id", self.next_update_id())
        self._open_chat_of(data)
        self._updates.append(data)
        self._new_updates.set()
        return data

    def store_file(
        self,
        content: bytes,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        kind: str = "documents",
    ) -> StoredFile:
        number = next(self._file_ids)
        suffix = PurePosixPath(file_name).suffix if file_name else ""
        stored = StoredFile(
            file_id=f"BQACAgFake{kind[:5]}{number:06d}",
            file_unique_id=f"AgADFake{number:06d}",
            file_path=f"{kind}/file_{number}{suffix or ('.jpg' if kind == 'photos' else '')}",
            content=content,
            file_name=file_name,
            mime_type=mime_type,
        )
        self._files[stored.file_id] = stored
        return stored

    def add_user_message(self, chat_id: int, sender: Mapping[str, Any], **fields: Any) -> Msg:
        """Record a message a user sent (ids stay consistent with the bot's messages)."""
        chat = self.chat(chat_id)
        chat.started = True
        self.register_user(sender)
        if self._rate is not None:
            self._rate.user_acted(chat_id)
        msg = Msg(chat.next_message_id(), chat, dict(sender), self.now(), False, **fields)
        chat.messages.append(msg)
        return msg

    # -- shared validation -----------------------------------------------------------------
    def _target(self, p: Params) -> ChatView:
        raw = p.values.get("chat_id")
        if raw is None or raw == "":
            raise bad_request("chat_id is empty")
        if isinstance(raw, str) and raw.startswith("@"):
            name = raw[1:].lower()
            found = [c for c in self._chats.values() if (c.username or "").lower() == name]
            if not found:
                raise bad_request("chat not found")
            return found[0]
        chat_id = as_int(raw)
        known = chat_id in self._chats and self._chats[chat_id].registered
        if chat_id is None or (self.strict_chats and not known):
            raise bad_request("chat not found")
        return self.chat(chat_id)

    def _postable(self, p: Params) -> ChatView:
        """The target chat of a new message, checking the bot may post there."""
        chat = self._target(p)
        if chat.type == "private":
            if self.strict_chats and not chat.started:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
            return chat
        status = chat.members.get(self.bot_id)
        kind = "supergroup chat" if chat.type == "supergroup" else "group chat"
        if status == "kicked":
            raise ApiError(403, f"Forbidden: bot was kicked from the {kind}")
        if status == "left":
            raise ApiError(403, f"Forbidden: bot is not a member of the {kind}")
        return chat

    @staticmethod
    def _parse(raw: str | None, parse_mode: str | None, entities: Any) -> ParsedText:
        if (parse_mode or "").upper() == "HTML":
            try:
                parsed = parse_html(raw or "")
            except HtmlParseError as exc:
                raise bad_request(f"can't parse entities: {exc}") from None
        else:  # MarkdownV2/Markdown are not interpreted: the text is kept as sent
            parsed = ParsedText(raw or "", tuple(entities or ()))
        return parsed.stripped()

    def _message_text(self, p: Params) -> ParsedText:
        parsed = self._parse(p.text("text"), p.text("parse_mode"), p.obj("entities"))
        if not parsed.text:
            raise bad_request("message text is empty")
        if utf16_len(parsed.text) > TEXT_LIMIT:
            raise bad_request("message is too long")
        return parsed

    def _caption(self, p: Params) -> ParsedText:
        parsed = self._parse(p.text("caption"), p.text("parse_mode"), p.obj("caption_entities"))
        if utf16_len(parsed.text) > CAPTION_LIMIT:
            raise bad_request("message caption is too long")
        return parsed

    @staticmethod
    def _reply_to(chat: ChatView, p: Params) -> int | None:
        params = p.obj("reply_parameters") or {}
        target = as_int(params.get("message_id", p.values.get("reply_to_message_id")))
        other_chat = as_int(params.get("chat_id", chat.id)) != chat.id
        if target is None or other_chat:  # replies across chats are not checked
            return None
        if chat.find(target) is None:
            if params.get("allow_sending_without_reply"):
                return None
            raise bad_request("message to be replied not found")
        return target

    def _post(self, chat: ChatView, p: Params, markup: Markup | None, **fields: Any) -> Any:
        msg = Msg(chat.next_message_id(), chat, self.bot_user, self.now(), True, **fields)
        msg.reply_to = self._reply_to(chat, p)
        if markup is not None and markup.inline is not None:
            msg.inline_keyboard = markup.inline
        elif markup is not None and markup.reply is not None:
            chat.reply_keyboard = markup.reply
        elif markup is not None and markup.remove:
            chat.reply_keyboard = None
        chat.messages.append(msg)
        return msg.to_api()

    def _input_file(self, p: Params, name: str, kind: str) -> StoredFile:
        ref = p.values.get(name)
        upload = p.files.get(name)
        if upload is None and isinstance(ref, str) and ref.startswith("attach://"):
            upload = p.files.get(ref.removeprefix("attach://"))
        if upload is not None:
            file_name, content, mime_type = upload
            if not content:
                raise bad_request("file must be non-empty")
            if len(content) > UPLOAD_LIMIT:
                raise ApiError(413, "Request Entity Too Large")
            stored_name = None if kind == "photos" else file_name
            return self.store_file(content, file_name=stored_name, mime_type=mime_type, kind=kind)
        if isinstance(ref, str) and ref in self._files:
            return self._files[ref]
        if isinstance(ref, str) and ref.startswith(("http://", "https://")):
            return self.store_file(b"", file_name=ref.rsplit("/", 1)[-1] or None, kind=kind)
        if ref is None:
            raise bad_request(f"there is no {name} in the request")
        raise bad_request("wrong file identifier/HTTP URL specified")

    def _edit_target(self, p: Params) -> Msg:
        if p.values.get("inline_message_id") is not None:
            raise bad_request("MESSAGE_ID_INVALID (inline messages are not faked)")
        chat = self._target(p)
        message_id = p.integer("message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        msg = chat.find(message_id)
        if msg is None:
            raise bad_request("message to edit not found")
        if not msg.from_bot:
            raise bad_request("message can't be edited")
        return msg

    @staticmethod
    def _edit_keyboard(p: Params) -> list[list[Button]]:
        """The keyboard after an edit: omitting reply_markup removes it, as in Telegram."""
        markup = parse_markup(p.obj("reply_markup"))
        return markup.inline or [] if markup is not None else []

    def _edited(self, msg: Msg) -> Any:
        msg.edit_date = self.now()
        return msg.to_api()

    # -- Bot API methods (dispatched by lower-cased name) ----------------------------------
    def _api_getMe(self, p: Params) -> Any:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _api_logOut(self, p: Params) -> Any:
        return True

    def _api_close(self, p: Params) -> Any:
        return True

    def _api_sendMessage(self, p: Params) -> Any:
        chat = self._postable(p)
        parsed = self._message_text(p)
        markup = parse_markup(p.obj("reply_markup"))
        return self._post(
            chat,
            p,
            markup,
            text=parsed.text,
            html=p.text("text"),
            entities=list(parsed.entities),
        )

    def _send_media(self, p: Params, name: str, kind: str) -> Any:
        chat = self._postable(p)
        caption = self._caption(p)
        markup = parse_markup(p.obj("reply_markup"))
        stored = self._input_file(p, name, kind)
        media = {"photo_file": stored} if kind == "photos" else {"document": stored}
        return self._post(
            chat,
            p,
            markup,
            caption=caption.text or None,
            caption_html=p.text("caption"),
            caption_entities=list(caption.entities),
            **media,
        )

    def _api_sendDocument(self, p: Params) -> Any:
        return self._send_media(p, "document", "documents")

    def _api_sendPhoto(self, p: Params) -> Any:
        return self._send_media(p, "photo", "photos")

    def _api_editMessageText(self, p: Params) -> Any:
        msg = self._edit_target(p)
        if msg.text is None:
            raise bad_request("there is no text in the message to edit")
        parsed = self._message_text(p)
        keyboard = self._edit_keyboard(p)
        if (parsed.text, list(parsed.entities), keyboard) == (
            msg.text,
            msg.entities,
            msg.inline_keyboard,
        ):
            raise bad_request(NOT_MODIFIED)
        msg.text, msg.html, msg.entities = parsed.text, p.text("text"), list(parsed.entities)
        msg.inline_keyboard = keyboard
        return self._edited(msg)

    def _api_editMessageCaption(self, p: Params) -> Any:
        msg = self._edit_target(p)
        if msg.document is None and msg.photo_file is None:
            raise bad_request("there is no caption in the message to edit")
        caption = self._caption(p)
        keyboard = self._edit_keyboard(p)
        current = (msg.caption or "", msg.caption_entities, msg.inline_keyboard)
        if (caption.text, list(caption.entities), keyboard) == current:
            raise bad_request(NOT_MODIFIED)
        msg.caption, msg.caption_html = caption.text or None, p.text("caption")
        msg.caption_entities, msg.inline_keyboard = list(caption.entities), keyboard
        return self._edited(msg)

    def _api_editMessageReplyMarkup(self, p: Params) -> Any:
        msg = self._edit_target(p)
        keyboard = self._edit_keyboard(p)
        if keyboard == msg.inline_keyboard:
            raise bad_request(NOT_MODIFIED)
        msg.inline_keyboard = keyboard
        return self._edited(msg)

    def _api_deleteMessage(self, p: Params) -> Any:
        chat = self._target(p)
        msg = chat.find(p.integer("message_id"))
        if msg is None:
            raise bad_request("message to delete not found")
        chat.messages.remove(msg)
        return True

    def _api_deleteMessages(self, p: Params) -> Any:
        chat = self._target(p)
        ids = {as_int(i) for i in p.obj("message_ids") or []}
        chat.messages[:] = [m for m in chat.messages if m.message_id not in ids]
        return True

    def _api_answerCallbackQuery(self, p: Params) -> Any:
        query_id = p.text("callback_query_id") or ""
        if query_id not in self._queries or query_id in self.callback_answers:
            raise bad_request(QUERY_TOO_OLD)
        text = p.text("text")
        if text is not None and utf16_len(text) > CALLBACK_ANSWER_LIMIT:
            raise bad_request("MESSAGE_TOO_LONG")
        user_id = self._queries[query_id]
        answer = CallbackAnswer(query_id, user_id, text, p.flag("show_alert"), p.text("url"))
        self.callback_answers[query_id] = answer
        return True

    def _api_sendChatAction(self, p: Params) -> Any:
        self._postable(p)
        if p.text("action") not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    def _api_getChat(self, p: Params) -> Any:
        chat = self._target(p)
        return {
            **chat.to_api(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": dict.fromkeys(
                (
                    "unlimited_gifts",
                    "limited_gifts",
                    "unique_gifts",
                    "premium_subscription",
                    "gifts_from_channels",
                ),
                False,
            ),
        }

    def _api_getChatMember(self, p: Params) -> Any:
        chat = self._target(p)
        user_id = p.integer("user_id")
        if user_id is None:
            raise bad_request("user_id is empty")
        if user_id == self.bot_id:
            user = self.bot_user
        elif user_id in self.users:
            user = self.users[user_id]
        elif user_id in chat.members:
            user = {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"}
        else:
            raise bad_request("user not found")
        return member_json(user, self.member_status(chat.id, user_id))

    def _api_leaveChat(self, p: Params) -> Any:
        chat = self._target(p)
        if chat.type != "private":
            chat.members[self.bot_id] = "left"
        return True

    def _api_setChatMenuButton(self, p: Params) -> Any:
        button = p.obj("menu_button") or {"type": "default"}
        if p.values.get("chat_id") is None:
            self.default_menu_button = button
        else:
            self._target(p).menu_button = button
        return True

    def _api_getChatMenuButton(self, p: Params) -> Any:
        if p.values.get("chat_id") is None:
            return self.default_menu_button or {"type": "commands"}
        chat = self._target(p)
        return chat.menu_button or self.default_menu_button or {"type": "commands"}

    def _api_setMyCommands(self, p: Params) -> Any:
        commands = p.obj("commands") or []
        if len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        language = p.text("language_code") or ""
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise bad_request("invalid language code specified")
        key = scope_key(p.obj("scope"), language)
        self._commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    def _api_getMyCommands(self, p: Params) -> Any:
        return self._commands.get(scope_key(p.obj("scope"), p.text("language_code")), [])

    def _api_deleteMyCommands(self, p: Params) -> Any:
        self._commands.pop(scope_key(p.obj("scope"), p.text("language_code")), None)
        return True

    def _api_getFile(self, p: Params) -> Any:
        stored = self._files.get(p.text("file_id") or "")
        if stored is None:
            raise bad_request("invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }

    async def _api_getUpdates(self, p: Params) -> Any:
        if self.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = p.integer("offset") or 0
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        timeout = float(p.values.get("timeout") or 0)
        if not self._updates and timeout > 0 and self.initialized:
            self._new_updates.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_updates.wait(), timeout)
        return self._updates[: p.integer("limit") or 100]

    def _api_setWebhook(self, p: Params) -> Any:
        url = p.text("url") or ""
        if p.flag("drop_pending_updates"):
            self._updates.clear()
        if not url:
            self.webhook = None
            return True
        if not url.startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook = {"url": url}
        for key in ("secret_token", "max_connections", "allowed_updates", "ip_address"):
            if p.values.get(key) is not None:
                self.webhook[key] = p.obj(key)
        return True

    def _api_deleteWebhook(self, p: Params) -> Any:
        self.webhook = None
        if p.flag("drop_pending_updates"):
            self._updates.clear()
        return True

    def _api_getWebhookInfo(self, p: Params) -> Any:
        info: dict[str, Any] = {"url": "", "has_custom_certificate": False}
        if self.webhook is not None:
            info.update({k: v for k, v in self.webhook.items() if k != "secret_token"})
        info["pending_update_count"] = len(self._updates)
        return info
