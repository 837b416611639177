"""Test helpers that play Telegram users against a real PTB ``Application``.

Each action records the user's message in the :class:`~tests.fakeapi.server.FakeTelegram`
chat state (so message ids stay consistent with the bot's), builds the Update JSON Telegram
would deliver, and awaits ``app.process_update``. The application must be initialised.

If the application has no error handler of its own, an exception raised by a handler is
re-raised from the helper (PTB would otherwise only log it and the test would pass silently).
"""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackContext

from .html import utf16_len
from .server import FakeTelegram
from .types import CallbackAnswer, ChatView, Msg, member_json

__all__ = ["AnyApplication", "TgGroup", "TgUser", "deliver"]

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


async def deliver(app: AnyApplication, fake: FakeTelegram, payload: Mapping[str, Any]) -> Update:
    """Wrap ``payload`` (e.g. ``{"message": {...}}``) in an Update and process it."""
    update = Update.de_json({"update_id": fake.next_update_id(), **payload}, app.bot)
    errors: list[BaseException] = []

    async def capture(_: object, context: CallbackContext[Any, Any, Any, Any]) -> None:
        if context.error is not None:
            errors.append(context.error)

    own_handlers = bool(app.error_handlers)
    if not own_handlers:
        app.add_error_handler(capture)
    try:
        await app.process_update(update)
    finally:
        if not own_handlers:
            app.remove_error_handler(capture)
    if errors:
        raise errors[0]
    return update


def _command_entities(text: str) -> list[dict[str, Any]]:
    """Telegram marks a leading ``/command`` (optionally ``@bot``) as a bot_command entity."""
    if not text.startswith("/") or len(text) < 2 or text[1].isspace():
        return []
    command = text.split(maxsplit=1)[0]
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]


class TgUser:
    """A Telegram user talking to the bot in their private chat (chat id == user id)."""

    def __init__(
        self,
        app: AnyApplication,
        fake: FakeTelegram,
        user_id: int,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "vi",
    ) -> None:
        self.app, self.fake, self.id = app, fake, user_id
        optional = {"last_name": last_name, "username": username, "language_code": language_code}
        self.user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        self.user.update({key: value for key, value in optional.items() if value is not None})
        self._last_query_id: str | None = None
        fake.register_user(self.user)
        fake.register_chat(
            user_id, "private", first_name=first_name, last_name=last_name, username=username
        )

    def __repr__(self) -> str:
        return f"TgUser({self.id}, {self.user['first_name']!r})"

    @property
    def chat(self) -> ChatView:
        """The private chat with the bot, as this user sees it."""
        return self.fake.chat(self.id)

    # -- messages --------------------------------------------------------------------------
    async def _post(self, chat_id: int, **fields: Any) -> Msg:
        msg = self.fake.add_user_message(chat_id, self.user, **fields)
        await self._deliver({"message": msg.to_api()})
        return msg

    async def _deliver(self, payload: Mapping[str, Any]) -> None:
        """Hand one update to the bot. Here ``app.process_update``; a subclass may feed it
        through getUpdates instead (benchmarks/updates.py)."""
        await deliver(self.app, self.fake, payload)

    async def send(self, text: str) -> Msg:
        """Send a private text message (a leading ``/command`` gets its bot_command entity)."""
        return await self._post(self.id, text=text, entities=_command_entities(text))

    async def command(self, name: str, args: str = "") -> Msg:
        return await self.send(f"/{name} {args}".rstrip())

    async def tap(self, label: str) -> Msg:
        """Press a button of the reply keyboard currently shown (it sends its label as text)."""
        shown = self.chat.reply_labels
        if label not in shown:
            where = f"shown: {shown}" if shown else "no reply keyboard is shown"
            raise AssertionError(f"{label!r} is not on the reply keyboard; {where}")
        return await self.send(label)

    async def upload(
        self,
        file_name: str,
        content: bytes,
        mime_type: str | None = None,
        caption: str | None = None,
    ) -> Msg:
        """Send a document; the bot can fetch the bytes back with getFile + download."""
        mime_type = mime_type or mimetypes.guess_type(file_name)[0]
        stored = self.fake.store_file(content, file_name=file_name, mime_type=mime_type)
        return await self._post(self.id, document=stored, caption=caption)

    async def send_in(self, group: TgGroup, text: str) -> Msg:
        """Write ``text`` in a group (the user becomes a member if they were not one)."""
        group.chat.members.setdefault(self.id, "member")
        return await self._post(group.chat_id, text=text, entities=_command_entities(text))

    # -- inline buttons --------------------------------------------------------------------
    async def press(
        self, label: str, *, in_message: int | None = None, group: TgGroup | None = None
    ) -> str:
        """Press the inline button labelled ``label`` among those really on screen (newest
        message first). Returns the callback query id."""
        chat = group.chat if group is not None else self.chat
        messages = [
            m
            for m in reversed(chat.messages)
            if m.from_bot and (in_message is None or m.message_id == in_message)
        ]
        for msg in messages:
            for button in msg.buttons:
                if button.text != label:
                    continue
                if button.callback_data is None:
                    raise AssertionError(f"{label!r} is not a callback button: {button.raw}")
                return await self._callback(msg, button.callback_data)
        where = f" in message {in_message}" if in_message is not None else ""
        visible = [label for m in messages for label in m.labels]
        raise AssertionError(f"no inline button {label!r} on screen{where}; visible: {visible}")

    async def press_data(self, data: str, message_id: int, *, group: TgGroup | None = None) -> str:
        """Send arbitrary callback data for an existing message (as a modified client can)."""
        chat = group.chat if group is not None else self.chat
        msg = chat.find(message_id)
        if msg is None:
            raise AssertionError(f"message {message_id} is not in chat {chat.id}")
        return await self._callback(msg, data)

    async def _callback(self, msg: Msg, data: str) -> str:
        query_id = self.fake.new_callback_query(self.id)
        self._last_query_id = query_id
        query = {
            "id": query_id,
            "from": self.user,
            "message": msg.to_api(),
            "chat_instance": f"{msg.chat_id}{self.id}",
            "data": data,
        }
        await self._deliver({"callback_query": query})
        return query_id

    @property
    def last_answer(self) -> CallbackAnswer | None:
        """The bot's answerCallbackQuery for this user's latest press (None if unanswered)."""
        if self._last_query_id is None:
            return None
        return self.fake.callback_answer(self._last_query_id)

    @property
    def last_alert(self) -> str | None:
        """Text of that answer (see ``last_answer.show_alert`` for toast vs alert)."""
        answer = self.last_answer
        return None if answer is None else answer.text


class TgGroup:
    """A group or supergroup (negative chat id) the bot can be added to."""

    def __init__(
        self,
        app: AnyApplication,
        fake: FakeTelegram,
        chat_id: int,
        title: str,
        type: str = "supergroup",
    ) -> None:
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        if type not in ("group", "supergroup"):
            raise ValueError("type must be 'group' or 'supergroup'")
        self.app, self.fake, self.chat_id, self.title = app, fake, chat_id, title
        fake.register_chat(chat_id, type, title=title)

    def __repr__(self) -> str:
        return f"TgGroup({self.chat_id}, {self.title!r})"

    @property
    def chat(self) -> ChatView:
        return self.fake.chat(self.chat_id)

    def set_status(self, user: TgUser, status: str) -> None:
        """Set a user's membership status (what getChatMember answers)."""
        self.fake.set_member_status(self.chat_id, user.id, status)

    async def _bot_status_change(self, by: TgUser, new_status: str) -> None:
        bot = self.fake.bot_user
        old_status = self.chat.members.get(bot["id"], "left")
        self.fake.set_member_status(self.chat_id, bot["id"], new_status)
        change = {
            "chat": self.chat.to_api(),
            "from": by.user,
            "date": self.fake.now(),
            "old_chat_member": member_json(bot, old_status),
            "new_chat_member": member_json(bot, new_status),
        }
        await deliver(self.app, self.fake, {"my_chat_member": change})

    async def add_bot(self, by: TgUser) -> Msg:
        """``by`` adds the bot: a my_chat_member update, then the new_chat_members message."""
        self.chat.members.setdefault(by.id, "member")
        await self._bot_status_change(by, "member")
        extra = {"new_chat_members": [self.fake.bot_user]}
        msg = self.fake.add_user_message(self.chat_id, by.user, extra=extra)
        await deliver(self.app, self.fake, {"message": msg.to_api()})
        return msg

    async def remove_bot(self, by: TgUser) -> None:
        """``by`` kicks the bot (later sends to the group answer 403)."""
        await self._bot_status_change(by, "kicked")
