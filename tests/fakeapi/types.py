"""The fake Bot API's value types: what a chat shows (its messages, their buttons and
files) and what the fake recorded (the calls, the callback answers, the send counts)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ApiCall",
    "Button",
    "CallbackAnswer",
    "ChatView",
    "Msg",
    "SendStats",
    "StoredFile",
    "as_int",
    "member_json",
]


def as_int(value: object) -> int | None:
    """An integer parameter, as PTB passes it (an int) or as a raw request does (a string)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    return None


@dataclass
class ApiCall:
    """One request received by the fake; ``status`` is the HTTP status it was answered with."""

    method: str
    params: dict[str, Any]
    status: int = 200

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def chat_id(self) -> int | None:
        return as_int(self.params.get("chat_id"))

    @property
    def text(self) -> str | None:
        value = self.params.get("text", self.params.get("caption"))
        return None if value is None else str(value)


@dataclass
class SendStats:
    """Outcome counts for :data:`SEND_METHODS` calls (sends and edits)."""

    accepted: int = 0
    rejected: int = 0
    rejected_by_code: dict[int, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.accepted + self.rejected

    def record_rejection(self, code: int) -> None:
        self.rejected += 1
        self.rejected_by_code[code] = self.rejected_by_code.get(code, 0) + 1


@dataclass(frozen=True)
class CallbackAnswer:
    """What the bot answered to a callback query (``answerCallbackQuery``)."""

    query_id: str
    user_id: int
    text: str | None
    show_alert: bool
    url: str | None = None


@dataclass(frozen=True)
class StoredFile:
    """A file known to the fake; ``content`` is what ``getFile`` + download serve back."""

    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes = field(repr=False)
    file_name: str | None = None
    mime_type: str | None = None

    def document_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"file_id": self.file_id, "file_unique_id": self.file_unique_id}
        doc["file_size"] = len(self.content)
        if self.file_name:
            doc["file_name"] = self.file_name
        if self.mime_type:
            doc["mime_type"] = self.mime_type
        return doc

    def photo_json(self) -> list[dict[str, Any]]:
        return [{**self.document_json(), "width": 800, "height": 600}]


@dataclass
class Button:
    """An inline keyboard button as the user sees it; ``raw`` is the Bot API JSON."""

    text: str
    callback_data: str | None = None
    url: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass(eq=False)
class Msg:
    """One message in a chat. ``text`` is plain text after HTML parsing; ``html`` is as sent."""

    message_id: int
    chat: ChatView = field(repr=False)
    sender: dict[str, Any] = field(repr=False)
    date: int
    from_bot: bool
    text: str | None = None
    html: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list, repr=False)
    caption: str | None = None
    caption_html: str | None = None
    caption_entities: list[dict[str, Any]] = field(default_factory=list, repr=False)
    inline_keyboard: list[list[Button]] = field(default_factory=list)
    document: StoredFile | None = None
    photo_file: StoredFile | None = None
    reply_to: int | None = None
    edit_date: int | None = None
    extra: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def chat_id(self) -> int:
        return self.chat.id

    @property
    def photo(self) -> bytes | None:
        return None if self.photo_file is None else self.photo_file.content

    @property
    def buttons(self) -> list[Button]:
        return [button for row in self.inline_keyboard for button in row]

    @property
    def labels(self) -> list[str]:
        return [button.text for button in self.buttons]

    def to_api(self) -> dict[str, Any]:
        """The Bot API ``Message`` JSON for this message."""
        data: dict[str, Any] = {"message_id": self.message_id, "date": self.date}
        data.update({"chat": self.chat.to_api(), "from": self.sender})
        if self.text is not None:
            data["text"] = self.text
            if self.entities:
                data["entities"] = self.entities
        if self.document is not None:
            data["document"] = self.document.document_json()
        if self.photo_file is not None:
            data["photo"] = self.photo_file.photo_json()
        if self.caption:
            data["caption"] = self.caption
            if self.caption_entities:
                data["caption_entities"] = self.caption_entities
        if self.inline_keyboard:
            data["reply_markup"] = {
                "inline_keyboard": [[b.raw for b in row] for row in self.inline_keyboard]
            }
        replied = self.chat.find(self.reply_to) if self.reply_to is not None else None
        if replied is not None:
            data["reply_to_message"] = replied.to_api()
        if self.edit_date is not None:
            data["edit_date"] = self.edit_date
        data.update(self.extra)
        return data


@dataclass(eq=False)
class ChatView:
    """What a chat currently shows: its messages (deleted ones removed) and reply keyboard."""

    id: int
    type: str
    title: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    username: str | None = None
    messages: list[Msg] = field(default_factory=list, repr=False)
    #: Rows of labels of the latest ReplyKeyboardMarkup, ``None`` after ReplyKeyboardRemove.
    reply_keyboard: list[list[str]] | None = None
    #: Member statuses set by tests/helpers (``"member"``, ``"administrator"``, ``"left"``...).
    members: dict[int, str] = field(default_factory=dict, repr=False)
    menu_button: dict[str, Any] | None = None
    registered: bool = False
    started: bool = False  # a user wrote in it (private chats)
    last_message_id: int = field(default=0, repr=False)

    @classmethod
    def for_id(cls, chat_id: int) -> ChatView:
        if chat_id > 0:
            return cls(chat_id, "private", first_name=f"User {chat_id}")
        kind = "supergroup" if str(chat_id).startswith("-100") else "group"
        return cls(chat_id, kind, title=f"Chat {chat_id}")

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        for key in ("title", "first_name", "last_name", "username"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data

    def next_message_id(self) -> int:
        self.last_message_id += 1
        return self.last_message_id

    def find(self, message_id: int | None) -> Msg | None:
        return next((m for m in self.messages if m.message_id == message_id), None)

    def bot_messages(self) -> list[Msg]:
        return [m for m in self.messages if m.from_bot]

    @property
    def last_message(self) -> Msg | None:
        return self.messages[-1] if self.messages else None

    @property
    def last_bot_message(self) -> Msg | None:
        bot_messages = self.bot_messages()
        return bot_messages[-1] if bot_messages else None

    def bot_texts(self) -> list[str]:
        """Texts (or captions) of the bot's messages still shown, oldest first."""
        return [m.text if m.text is not None else m.caption or "" for m in self.bot_messages()]

    def visible_buttons(self) -> list[str]:
        """Labels of inline buttons on messages still shown, newest message first."""
        return [label for m in reversed(self.messages) for label in m.labels]

    @property
    def reply_labels(self) -> list[str]:
        return [label for row in self.reply_keyboard or [] for label in row]


def member_json(user: dict[str, Any], status: str) -> dict[str, Any]:
    """A ``ChatMember`` JSON with every field PTB requires for ``status``."""
    data: dict[str, Any] = {"status": status, "user": user}
    if status == "creator":
        data["is_anonymous"] = False
    elif status == "administrator":
        data.update(_ADMIN_RIGHTS)
    elif status == "restricted":
        data.update(dict.fromkeys(_RESTRICTED_PERMISSIONS, False), is_member=True, until_date=0)
    elif status == "kicked":
        data["until_date"] = 0
    return data


_RESTRICTED_PERMISSIONS = (  # noqa: SIM905 - a word list reads better than 15 lines
    "can_change_info can_invite_users can_pin_messages can_send_messages can_send_polls "
    "can_send_other_messages can_add_web_page_previews can_manage_topics can_send_audios "
    "can_send_documents can_send_photos can_send_videos can_send_video_notes "
    "can_send_voice_notes can_edit_tag can_react_to_messages"
).split()
_ADMIN_RIGHTS = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
    "can_pin_messages": True,
}
