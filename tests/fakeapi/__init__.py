"""An offline fake Telegram Bot API for PTB, plus helpers that play users.

Typical use::

    fake = FakeTelegram()
    app = ApplicationBuilder().token("123:ABC").request(fake).get_updates_request(fake).build()
    ...  # add the bot's handlers
    await app.initialize()
    alice = TgUser(app, fake, 42, "Alice")
    await alice.command("start")
    assert alice.chat.last_bot_message.text == "..."
    await alice.press("OK")
"""

from .actors import AnyApplication, TgGroup, TgUser, deliver
from .html import HtmlParseError, ParsedText, parse_html, utf16_len
from .server import FakeTelegram
from .types import ApiCall, Button, CallbackAnswer, ChatView, Msg, SendStats, StoredFile

__all__ = [
    "AnyApplication",
    "ApiCall",
    "Button",
    "CallbackAnswer",
    "ChatView",
    "FakeTelegram",
    "HtmlParseError",
    "Msg",
    "ParsedText",
    "SendStats",
    "StoredFile",
    "TgGroup",
    "TgUser",
    "deliver",
    "parse_html",
    "utf16_len",
]
